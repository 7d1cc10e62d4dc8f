"""Name keys that survive spelling variation: 'Tehrik-i-Taliban' and 'Tehreek-e-Taliban' agree."""
from __future__ import annotations

import re
import unicodedata

VOWELS = re.compile(r"[aeiouy]")


def name_key(text: str) -> str:
    """Case-folded letters and digits only: 'Ansar Al-Jihad' -> 'ansaraljihad'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.casefold())


def skeleton(text: str) -> str:
    """Consonant skeleton of a name: transliterations differ mostly in vowels.

    'Jamaat-ul-Ahrar' and 'Jamatul Ahrar' both give 'jmtlhrr'; doubled letters are
    collapsed and a leading vowel is kept so 'Ansar' and 'Nasr' stay apart.
    """
    key = name_key(text)
    if not key:
        return ""
    body = key[0] + VOWELS.sub("", key[1:])
    return re.sub(r"(.)\1+", r"\1", body)
