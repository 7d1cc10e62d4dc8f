"""A synthetic corpus for the benchmarks: real articles, varied in places, figures and dates.

Each synthetic article is a real one (the repository's seeds, plus the shared dev articles
when they are there) with every district it names swapped for another district, every
figure moved within ±50 % and the publication date and the years in the text shifted
together, so that the graph grows the way ten years of news would make it grow.
"""
from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from conflictkg.articles import read_articles
from conflictkg.gazetteer import load_gazetteer
from conflictkg.model import Article

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "seeds", ROOT.parent / "shared" / "eval" / "dev" / "articles"]
FIGURE = re.compile(r"(?<![\d.,-])\d{1,3}(?![\d.,:-])")  # 1 to 3 digits, not part of a date, time or decimal
YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")


def base_articles() -> list[Article]:
    """The real articles the corpus varies: the seeds, and the dev articles when present."""
    return list(read_articles([str(p) for p in SOURCES if p.is_dir()]))


def place_names() -> tuple[list[str], set[str]]:
    """District names to swap, and province and country names to keep ('Khyber' in 'Khyber Pakhtunkhwa')."""
    places = load_gazetteer().places()
    districts = sorted({p.name for p in places if p.kind == "district" and len(p.name) > 3})
    kept = {n for p in places if p.kind in ("province", "country") for n in (p.name, *p.aliases)}
    return districts, kept


def vary(article: Article, n: int, names: list[str], kept: set[str], pattern: re.Pattern,
         rng: random.Random) -> Article:
    """The n-th variation of an article: other districts, other figures, another year."""
    swap: dict[str, str] = {}

    def place(match: re.Match) -> str:
        return match[0] if match[0] in kept else swap.setdefault(match[0], rng.choice(names))

    def figure(match: re.Match) -> str:
        value = int(match[0])
        return str(max(1, round(value * rng.uniform(0.5, 1.5)))) if value > 1 else match[0]

    years = rng.randint(-9, 0)
    days = rng.randint(-180, 180)
    text = pattern.sub(place, article.text)
    text = FIGURE.sub(figure, text)
    text = YEAR.sub(lambda m: str(int(m[0]) + years), text)
    published = None
    if article.published:
        shifted = article.published + timedelta(days=days)
        published = shifted.replace(year=shifted.year + years) if (shifted.month, shifted.day) != (2, 29) \
            else shifted.replace(year=shifted.year + years, day=28)
    return Article(id=f"syn{n:06d}-{article.id}", text=text, published=published, source=article.source)


def synthetic(count: int, seed: int = 7) -> Iterator[Article]:
    """`count` varied articles, the same ones for the same seed."""
    rng = random.Random(seed)
    bases = base_articles()
    names, kept = place_names()
    longest_first = sorted(set(names) | kept, key=lambda name: (-len(name), name))
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(name) for name in longest_first) + r")\b")
    for n in range(count):
        yield vary(bases[n % len(bases)], n, names, kept, pattern, rng)


def write_corpus(folder: Path, count: int, per_file: int = 1000) -> Path:
    """Write `count` synthetic articles as JSON-lines files of `per_file` articles; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    out = None
    for n, article in enumerate(synthetic(count)):
        if n % per_file == 0:
            if out:
                out.close()
            out = open(folder / f"part-{n // per_file:04d}.jsonl", "w", encoding="utf-8")
        row = {"id": article.id, "text": article.text,
               "published": article.published.isoformat() if article.published else None}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if out:
        out.close()
    return folder
