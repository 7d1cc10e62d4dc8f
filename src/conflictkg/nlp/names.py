"""Name keys that survive spelling variation: 'Tehrik-i-Taliban' and 'Tehreek-e-Taliban' agree."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

VOWELS = re.compile(r"[aeiouy]")


@lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """Case-folded letters and digits only: 'Ansar Al-Jihad' -> 'ansaraljihad'.

    The key of a text is the keys of its parts joined, so a window of tokens has the key
    of its tokens' keys joined.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.casefold())


def skeleton(text: str) -> str:
    """Consonant skeleton of a name: transliterations differ mostly in vowels.

    'Jamaat-ul-Ahrar' and 'Jamatul Ahrar' both give 'jmtlhrr'; doubled letters are
    collapsed and a leading vowel is kept so 'Ansar' and 'Nasr' stay apart.
    """
    return key_skeleton(name_key(text))


def key_skeleton(key: str) -> str:
    """The consonant skeleton of a name key."""
    if not key:
        return ""
    body = key[0] + VOWELS.sub("", key[1:])
    return re.sub(r"(.)\1+", r"\1", body)
