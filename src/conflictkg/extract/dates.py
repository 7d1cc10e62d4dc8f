"""Resolving date expressions against the publication date, leaving them open when no anchor exists."""
from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
DAY = re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b")


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    n = year * 12 + (month - 1) + by
    return n // 12, n % 12 + 1


def last_on_or_before(published: date, weekday: int) -> date:
    """The latest day with that weekday on or before the publication date."""
    return published - timedelta(days=(published.weekday() - weekday) % 7)


def month_year(month: int, published: date) -> int:
    """The year of a month named without one: this year, or last year if still to come."""
    return published.year if month <= published.month else published.year - 1


def resolve_date(text: str, published: date | None) -> str | None:
    """'YYYY-MM-DD', 'YYYY-MM' or 'YYYY' for a date expression, or None when it cannot be pinned.

    Weekdays and month names without a year need the publication date; explicit years
    do not. Expressions of duration or vagueness ('recent months') give None.
    """
    low = text.lower().replace("’", "'")
    if re.search(r"\b(since|past|recent|over|during the last|next|every|decade|ago)\b", low) \
            and not re.search(r"\bdays? ago\b", low):
        return None
    words = re.findall(r"[a-z]+", low)
    month = next((MONTHS[w] for w in words if w in MONTHS), None)
    year_m = YEAR.search(low)
    year = int(year_m.group(1)) if year_m else None
    day = None
    if month:
        rest = YEAR.sub(" ", low)
        m = DAY.search(rest)
        if m and 1 <= int(m.group(1)) <= 31:
            day = int(m.group(1))
    if month and year:
        return f"{year:04d}-{month:02d}-{day:02d}" if day else f"{year:04d}-{month:02d}"
    if year and not month:
        if re.search(r"\b(this|last|next)\s+year\b", low) or len(words) > 3:
            return None
        return f"{year:04d}"
    if published is None:
        return None
    if month:
        y = month_year(month, published)
        if day:
            if date(y, month, min(day, 28)) > published:
                y -= 1
            return f"{y:04d}-{month:02d}-{day:02d}"
        return f"{y:04d}-{month:02d}"
    weekday = next((WEEKDAYS[w] for w in words if w in WEEKDAYS), None)
    if weekday is not None:
        d = last_on_or_before(published, weekday)
        if "last" in words and d == published:
            d -= timedelta(days=7)
        return d.isoformat()
    if "yesterday" in words or re.search(r"\b(last night|previous day|a day earlier)\b", low):
        return (published - timedelta(days=1)).isoformat()
    if "today" in words or re.search(r"\bthis (morning|afternoon|evening)\b|\btonight\b", low):
        return published.isoformat()
    m = re.search(r"\b(\w+) days? ago\b", low)
    if m:
        from .numbers import word_number
        n = word_number(m.group(1))
        if n:
            return (published - timedelta(days=n)).isoformat()
    if re.search(r"\blast month\b", low):
        y, mo = shift_month(published.year, published.month, -1)
        return f"{y:04d}-{mo:02d}"
    if re.search(r"\b(this|earlier this|later this) month\b", low):
        return f"{published.year:04d}-{published.month:02d}"
    if re.search(r"\blast year\b", low):
        return f"{published.year - 1:04d}"
    if re.search(r"\bthis year\b", low):
        return None
    return None


def is_vague(text: str) -> bool:
    """Durations and periods ('this year', 'since 2022', 'in recent months') are not event dates."""
    low = text.lower()
    return bool(re.search(r"\b(since|past|recent|years|months|weeks|decade|this year|annual)\b", low))
