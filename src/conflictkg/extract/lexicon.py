"""The extractor's word lists, read from data/lexicon.json (names and cue words live in data)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Lexicon:
    """Cue words, lower-cased; phrase lists are matched on word boundaries."""

    raw: dict
    _words: dict = field(default_factory=dict, compare=False, repr=False)  # word sets, made once each

    def words(self, name: str) -> frozenset[str]:
        if name not in self._words:
            self._words[name] = frozenset(w.lower() for w in self.raw[name])
        return self._words[name]

    def table(self, name: str) -> dict:
        return self.raw[name]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon shipped with the package."""
    text = (resources.files("conflictkg") / "data" / "lexicon.json").read_text("utf-8")
    return Lexicon(json.loads(text))


def by_first_word(phrases: list[str]) -> dict[str, list[tuple[int, list[str]]]]:
    """Multi-word phrases by their first word, each with its place in the list and its words,
    so that a scan of tokens tries only the phrases that can start at a token."""
    index: dict[str, list[tuple[int, list[str]]]] = {}
    for n, phrase in enumerate(phrases):
        words = phrase.split()
        index.setdefault(words[0], []).append((n, words))
    return index


@lru_cache(maxsize=4096)
def phrase_regex(phrase: str) -> re.Pattern:
    """A case-insensitive regex for a phrase on word boundaries."""
    return re.compile(r"(?<![\w-])" + re.escape(phrase.lower()) + r"(?![\w-])")


def occurs(phrase: str, low: str) -> bool:
    """The phrase occurs in lower-cased text as whole words (a substring test first: most do not)."""
    return phrase.lower() in low and phrase_regex(phrase).search(low) is not None


def find_phrases(text: str, phrases) -> list[str]:
    """The phrases that occur in a text (case-insensitive, whole words)."""
    low = text.lower()
    return [p for p in phrases if occurs(p, low)]


def has_phrase(text: str, phrases) -> bool:
    low = text.lower()
    return any(occurs(p, low) for p in phrases)
