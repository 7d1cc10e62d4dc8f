"""Reading articles: a text file, a folder of them, or a .jsonl of {id, text, published, url, source}.

A plain-text article may start with a ` date YYYY-MM-DD` header (as the seed files do);
it sets the publication date and is not part of the text.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from .model import Article

TEXT_SUFFIXES = {".txt", ".text", ".md"}
DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})[ \t]*")


class ArticleError(Exception):
    """An article that cannot be read; the message is one line for the user."""


def parse_date(value: str | None, where: str) -> date | None:
    """An ISO date (a longer timestamp is cut to its date), or None when empty."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ArticleError(f"{where}: '{value}' is not a date (want YYYY-MM-DD)") from None


def split_date_header(text: str) -> tuple[date | None, str]:
    """The date of a leading ` date YYYY-MM-DD` header, and the text after it."""
    m = DATE_HEADER.match(text)
    if not m:
        return None, text
    return date.fromisoformat(m.group(1)), text[m.end():]


def check_text(text: str, where: str) -> str:
    """Refuse empty articles: they would add an article with nothing in it."""
    if not text.strip():
        raise ArticleError(f"{where}: the article is empty")
    return text


def decode(raw: bytes, where: str) -> str:
    """UTF-8 text of a file, refusing binary and other encodings with a clear message."""
    if b"\x00" in raw[:8192]:
        raise ArticleError(f"{where}: looks like a binary file, not a text article")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ArticleError(
            f"{where}: not valid UTF-8 (byte {e.start}); convert the file to UTF-8 first"
        ) from None


def read_text_file(path: Path, published: date | None = None) -> Article:
    """One plain-text article; `published` overrides the file's date header."""
    text = decode(path.read_bytes(), str(path))
    header_date, text = split_date_header(text)
    return Article(id=path.stem, text=check_text(text, str(path)),
                   published=published or header_date, file=path.name)


def read_jsonl(path: Path, published: date | None = None) -> Iterator[Article]:
    """Articles from a JSON-lines file, one object per line."""
    text = decode(path.read_bytes(), str(path))
    seen: set[str] = set()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise ArticleError(f"{where}: not valid JSON ({e.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise ArticleError(f"{where}: each line needs an object with a 'text' string")
        article_id = str(row.get("id") or f"{path.stem}-{n}")
        if article_id in seen:
            raise ArticleError(f"{where}: duplicate id '{article_id}'")
        seen.add(article_id)
        header_date, body = split_date_header(row["text"])
        yield Article(
            id=article_id,
            text=check_text(body, where),
            published=published or parse_date(row.get("published"), where) or header_date,
            source=row.get("source") or None,
            url=row.get("url") or None,
            file=article_id,  # names the article the way a gold file or a user would
        )


def article_files(path: Path) -> list[Path]:
    """The article files under a path: itself, or the text and jsonl files in a folder."""
    if not path.exists():
        raise ArticleError(f"{path}: no such file or folder")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file()
                       and p.suffix.lower() in TEXT_SUFFIXES | {".jsonl"}
                       and not any(part.startswith(".") for part in p.relative_to(path).parts))
        if not files:
            raise ArticleError(f"{path}: no .txt or .jsonl articles in this folder")
        return files
    return [path]


def read_articles(paths: Iterable[str | Path], published: date | None = None) -> Iterator[Article]:
    """Every article under the given paths, in a stable order; errors name the file."""
    for path in map(Path, paths):
        for f in article_files(path):
            if f.suffix.lower() == ".jsonl":
                yield from read_jsonl(f, published)
            else:
                yield read_text_file(f, published)
