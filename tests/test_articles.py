"""Reading articles: headers, folders, jsonl, and the errors a user sees."""
from datetime import date

import pytest

from conflictkg.articles import ArticleError, read_articles


def test_date_header_sets_publication_and_is_not_text(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(" date 2023-12-12 Militants attacked a post.", encoding="utf-8")
    [a] = read_articles([f])
    assert a.published == date(2023, 12, 12)
    assert a.text == "Militants attacked a post."
    assert a.id == "a" and a.file == "a.txt"


def test_published_option_overrides_header(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(" date 2023-12-12 Text.", encoding="utf-8")
    [a] = read_articles([f], published=date(2024, 1, 2))
    assert a.published == date(2024, 1, 2)


def test_folder_is_read_in_order_and_skips_other_files(tmp_path):
    (tmp_path / "b.txt").write_text("Second.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First.", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("x,y", encoding="utf-8")
    assert [a.id for a in read_articles([tmp_path])] == ["a", "b"]


def test_jsonl_carries_metadata(tmp_path):
    f = tmp_path / "news.jsonl"
    f.write_text('{"id": "x1", "text": "A blast.", "published": "2024-03-26", "url": "https://example.org/x1",'
                 ' "source": "Dawn"}\n\n{"id": "x2", "text": "Another."}\n', encoding="utf-8")
    a, b = read_articles([f])
    assert (a.id, a.published, a.url, a.source) == ("x1", date(2024, 3, 26), "https://example.org/x1", "Dawn")
    assert b.published is None


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    ("Caf\u00e9 attack".encode("latin-1"), "not valid UTF-8"),
])
def test_bad_files_give_one_clear_message(tmp_path, content, message):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(ArticleError, match=message) as err:
        list(read_articles([f]))
    assert "\n" not in str(err.value) and "bad.txt" in str(err.value)


def test_missing_path(tmp_path):
    with pytest.raises(ArticleError, match="no such file"):
        list(read_articles([tmp_path / "nope.txt"]))


def test_bad_jsonl_line_names_the_line(tmp_path):
    f = tmp_path / "news.jsonl"
    f.write_text('{"id": "1", "text": "ok"}\n{not json}\n', encoding="utf-8")
    with pytest.raises(ArticleError, match=r"news.jsonl:2"):
        list(read_articles([f]))
