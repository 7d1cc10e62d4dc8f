"""Datelines ('PESHAWAR:', 'Islamabad, Feb 7 (Reuters) -', '(MENAFN)') are not part of a sentence.

Left in, they make the parser misread the first sentence; they are blanked with spaces
so that every character offset into the article stays the same.
"""
from __future__ import annotations

import re

DATELINE = re.compile(
    r"""\A(\s*(\(MENAFN\)|Share:)\s*)*          # agency tags and page furniture
    (\s*[A-Z][A-Za-z.'/-]*(\s[A-Z][A-Za-z.'/-]*){0,2}   # PESHAWAR, Karachi/Peshawar, New Delhi
       (\s*\[[A-Za-z ]+\])?                      # [Pakistan]
       (,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2})?       # , Feb 7
       ((\s*\([A-Z][A-Za-z ]+\))(\s*[:\-–—])?   # (Reuters) -, (PTI)
        |\s*(:|\s[-–—]))\s)?""", re.X)


def blank_dateline(text: str) -> str:
    """The text with its leading dateline replaced by spaces of the same length."""
    m = DATELINE.match(text)
    if not m or not m.group(0).strip():
        return text
    head = m.group(0)
    if len(head.split()) > 8:  # a sentence, not a dateline
        return text
    return re.sub(r"\S", " ", head) + text[len(head):]
