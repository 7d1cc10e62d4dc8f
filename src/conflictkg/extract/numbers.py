"""Reading counts of people from noun phrases: 'at least 24', 'a dozen', 'two dozen', 'an officer'."""
from __future__ import annotations

import re

from spacy.tokens import Span, Token

from .lexicon import lexicon

DIGITS = re.compile(r"^\d{1,3}(,\d{3})*$|^\d+$")


def word_number(text: str) -> int | None:
    """The value of a number word or numeral: '24', '1,600', 'six', 'twenty-five'."""
    t = text.lower().strip()
    if DIGITS.match(t):
        return int(t.replace(",", ""))
    words = lexicon().table("number_words")
    if t in words and t not in {"a", "an"}:
        return words[t]
    parts = re.split(r"[-\s]+", t)
    if len(parts) == 2 and all(p in words for p in parts) and words[parts[0]] >= 20:
        return words[parts[0]] + words[parts[1]]
    return None


def qualifier_before(tokens: list[Token]) -> str | None:
    """A qualifier such as 'at least' or 'about' just before a number."""
    text = " ".join(t.lower_ for t in tokens[-3:])
    for q in sorted(lexicon().table("qualifiers"), key=len, reverse=True):
        if text.endswith(q):
            return q
    return None


def count_in(phrase: Span | list[Token], head: Token) -> tuple[int, str | None] | None:
    """The number of people a noun phrase denotes, with its qualifier, or None.

    Handles numerals and number words modifying the head ('six policemen'), a number as
    the head itself ('injured 34'), multipliers ('two dozen'), and a singular head with
    'a'/'an' ('an officer' = 1). Vague amounts ('several', 'multiple') give None.
    """
    toks = list(phrase)
    doc = head.doc
    mults = lexicon().table("number_multipliers")
    for i, t in enumerate(toks):
        if t.i > head.i:
            break
        value = word_number(t.text) if (t.like_num or t.lower_ in lexicon().table("number_words")) else None
        if t.lower_ in mults and t.i > 0 and doc[t.i - 1].lower_ in {"a", "half"}:
            value = mults[t.lower_] // (2 if doc[t.i - 1].lower_ == "half" else 1)
        elif value is not None and t.lower_ in {"a", "an", "both", "single", "lone"}:
            value = None
        if value is None:
            continue
        nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
        if nxt is not None and nxt.lower_ in mults and nxt.i <= head.i:
            value *= mults[nxt.lower_]
        if t.i + 1 < len(doc) and doc[t.i + 1].lower_ in {"of", "%", "percent"} and t.i != head.i:
            return None  # 'two of the wounded' is a part of another figure
        return value, qualifier_before(list(doc[max(0, t.i - 3):t.i]))
    first = toks[0] if toks else head
    persons = lexicon().words("person_nouns") | lexicon().words("attacker_nouns")
    if head.tag_ == "NN" and head.lemma_.lower() in persons and first.lower_ in {"a", "an", "one", "single", "lone"}:
        return 1, None
    return None
