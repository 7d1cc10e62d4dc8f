"""The extractor's word lists, read from data/lexicon.json (names and cue words live in data)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Lexicon:
    """Cue words, lower-cased; phrase lists are matched on word boundaries."""

    raw: dict

    def words(self, name: str) -> frozenset[str]:
        return frozenset(w.lower() for w in self.raw[name])

    def table(self, name: str) -> dict:
        return self.raw[name]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon shipped with the package."""
    text = (resources.files("conflictkg") / "data" / "lexicon.json").read_text("utf-8")
    return Lexicon(json.loads(text))


@lru_cache(maxsize=4096)
def phrase_regex(phrase: str) -> re.Pattern:
    """A case-insensitive regex for a phrase on word boundaries."""
    return re.compile(r"(?<![\w-])" + re.escape(phrase.lower()) + r"(?![\w-])")


def find_phrases(text: str, phrases) -> list[str]:
    """The phrases that occur in a text (case-insensitive, whole words)."""
    low = text.lower()
    return [p for p in phrases if phrase_regex(p).search(low)]


def has_phrase(text: str, phrases) -> bool:
    low = text.lower()
    return any(phrase_regex(p).search(low) for p in phrases)
