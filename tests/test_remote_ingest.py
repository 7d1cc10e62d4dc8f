"""The whole pipeline into real SPARQL servers: the seeds ingested remotely give the graph and the answers
they give in the embedded store."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conflictkg.ingest import ingest
from conflictkg.queries import load_query_text
from conflictkg.store import open_store
from conftest import SEEDS
from graphs import answers, assert_same_graph
from servers import answering, clear, free_port


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(request):
    """The URL of an emptied real server."""
    url = request.getfixturevalue(f"{request.param}_server")
    with open_store(url) as store:
        clear(store)
    return url


def test_remote_ingest_builds_the_embedded_graph(server, seeded_store, request):
    with open_store(server) as remote:
        summary = ingest([str(SEEDS)], remote)
        assert (summary.articles, summary.skipped) == (5, 0)
        virtuoso = "virtuoso" in request.node.callspec.id
        # Virtuoso keeps xsd:double to 6 significant digits, and breaks ORDER BY ties its own way
        assert_same_graph(remote, seeded_store, double_digits=6 if virtuoso else None)
        assert answers(remote, ordered=not virtuoso) == answers(seeded_store, ordered=not virtuoso)
        quads = remote.count()
        again = ingest([str(SEEDS)], remote)  # resumable: what is stored is skipped by content hash
        assert (again.articles, again.skipped, remote.count()) == (0, 5, quads)


def test_the_commands_work_against_a_server(server, seeded_store):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "conflictkg", *args, "--store", server],
                              capture_output=True, text=True, timeout=300)

    result = run("ingest", str(SEEDS))
    assert result.returncode == 0, result.stderr
    assert "ingested 5 article(s)" in result.stdout
    result = run("query", "deadliest-attacks", "--format", "csv")
    assert result.returncode == 0, result.stderr
    expected = seeded_store.select(load_query_text("deadliest-attacks"))
    assert len(result.stdout.strip().splitlines()) == len(expected) + 1


def test_ingest_into_a_server_that_is_down_gives_one_line():
    result = subprocess.run([sys.executable, "-m", "conflictkg", "ingest", str(SEEDS),
                             "--store", f"http://127.0.0.1:{free_port()}"], capture_output=True, text=True, timeout=120)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1
    assert lines[0].startswith("error: cannot reach the SPARQL endpoint at http://127.0.0.1:")


def test_endpoints_can_be_set_in_the_environment(monkeypatch):
    monkeypatch.setenv("CONFLICTKG_UPDATE_URL", "http://127.0.0.1:9/ds/update")
    monkeypatch.setenv("CONFLICTKG_GRAPH_STORE_URL", "http://127.0.0.1:9/ds/data")
    store = open_store("http://127.0.0.1:9/ds/sparql")
    assert (store.query_url, store.update_url, store.store_url) == (
        "http://127.0.0.1:9/ds/sparql", "http://127.0.0.1:9/ds/update", "http://127.0.0.1:9/ds/data")


@pytest.mark.parametrize("in_url", [True, False], ids=["in-url", "in-environment"])
def test_a_refused_password_gives_one_line_without_it(in_url, monkeypatch):
    for name, value in (("CONFLICTKG_USER", "analyst"), ("CONFLICTKG_PASSWORD", "s3cret")):
        if in_url:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    with answering(401) as (url, seen):
        location = url.replace("http://", "http://analyst:s3cret@") if in_url else url
        result = subprocess.run([sys.executable, "-m", "conflictkg", "stats", "--store", location],
                                capture_output=True, text=True, timeout=120)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1
    assert lines[0] == (f"error: {url}/query refused the credentials (HTTP 401); "
                        "check CONFLICTKG_USER and CONFLICTKG_PASSWORD")
    assert "s3cret" not in result.stderr + result.stdout and seen == ["Basic YW5hbHlzdDpzM2NyZXQ="]
