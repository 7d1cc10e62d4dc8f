"""The command line as a user runs it: real processes, real stores, one-line errors."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from rdflib import Dataset, Graph

from conftest import SEEDS


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "conflictkg", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


@pytest.fixture()
def store(seeded_store_path, tmp_path):
    """A private copy of the seeded store that a test may write to."""
    path = tmp_path / "store"
    shutil.copytree(seeded_store_path, path)
    return path


def quads(store):
    from conflictkg.store import open_store
    with open_store(store, read_only=True) as s:
        return s.count()


def one_error_line(result):
    assert result.returncode != 0
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", b"", "empty"),
    ("binary.txt", b"\x00\x01\x02PK\x03\x04", "binary"),
    ("latin1.txt", "Peshawar caf\u00e9 blast".encode("latin-1"), "UTF-8"),
])
def test_bad_article_leaves_store_as_it_was(store, tmp_path, name, content, message):
    before = quads(store)
    bad = tmp_path / name
    bad.write_bytes(content)
    line = one_error_line(run("ingest", SEEDS / "000_2a07d2dac12508e0.txt", bad, "--store", store))
    assert message in line and name in line
    assert quads(store) == before


def test_missing_file(store, tmp_path):
    before = quads(store)
    line = one_error_line(run("ingest", tmp_path / "nowhere.txt", "--store", store))
    assert "no such file" in line
    assert quads(store) == before


def test_reingest_is_a_no_op(store):
    before = quads(store)
    result = run("ingest", SEEDS, "--store", store)
    assert result.returncode == 0, result.stderr
    assert "skipped 5 unchanged" in result.stdout
    assert quads(store) == before


def test_malformed_query_and_update_are_refused(store):
    before = quads(store)
    assert "malformed query" in one_error_line(run("query", "SELECT ?x WHERE { ?x ", "--store", store))
    line = one_error_line(run("query", "DELETE WHERE { ?s ?p ?o }", "--store", store))
    assert "updates are not allowed" in line
    assert quads(store) == before


def test_named_query_with_parameter_as_csv_and_json(store):
    result = run("query", "group-aliases", "--param", "group_name=TTP", "--format", "json", "--store", store)
    assert result.returncode == 0, result.stderr
    labels = {v for row in json.loads(result.stdout) for v in row.values()}
    assert {"Pakistani Taliban", "Tehreek-e-Taliban Pakistan"} <= labels
    csv_out = run("query", "deadliest-attacks", "--format", "csv", "--store", store)
    assert csv_out.returncode == 0 and csv_out.stdout.splitlines()[0].count(",") >= 2


def test_query_list_describes_every_named_query():
    result = run("query", "--list")
    assert result.returncode == 0
    for name in ("attacks-by-group", "deadliest-attacks", "conflicting-reports", "named-victims"):
        assert name in result.stdout


def test_export_turtle_and_trig(store, tmp_path):
    ttl = run("export", "--store", store)
    assert ttl.returncode == 0
    g = Graph().parse(data=ttl.stdout, format="turtle")
    assert len(g) > 100
    out = tmp_path / "graph.trig"
    assert run("export", "--format", "trig", "-o", out, "--store", store).returncode == 0
    ds = Dataset()
    ds.parse(out, format="trig")
    assert len(list(ds.graphs())) > 5  # one named graph per article, and more


def test_unknown_export_format(store):
    assert "unknown export format" in one_error_line(run("export", "--format", "xml", "--store", store))


def test_query_without_store(tmp_path):
    assert "no store at" in one_error_line(run("query", "deadliest-attacks", "--store", tmp_path / "none"))


def test_stats(store):
    result = run("stats", "--store", store)
    assert result.returncode == 0 and "article" in result.stdout


def test_demo_answers_three_questions(tmp_path):
    result = run("demo", "--store", tmp_path / "demo")
    assert result.returncode == 0, result.stderr
    assert "ingested 5 seed articles" in result.stdout
    assert "Tehreek-e-Jihad Pakistan" in result.stdout
