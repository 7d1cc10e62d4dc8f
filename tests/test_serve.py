"""`conflictkg serve`: the store as a SPARQL endpoint on loopback, queried over HTTP by other tools."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from conflictkg.store import open_store
from graphs import answers, assert_same_graph


def start(store, *options):
    """Run `conflictkg serve` on a free port; returns the process and the endpoint's base URL."""
    process = subprocess.Popen([sys.executable, "-m", "conflictkg", "serve", "--store", str(store), "--port", "0",
                                *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if "SPARQL endpoint at " not in line:
        process.kill()
        pytest.fail(f"serve did not start: {line}{process.stderr.read()}")
    return process, line.split("SPARQL endpoint at ")[1].split()[0].removesuffix("/query")


def stop(process):
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def endpoint(seeded_store_path):
    process, url = start(seeded_store_path)
    yield url
    stop(process)


def http(url, data=None, content_type=None, accept="application/sparql-results+json"):
    headers = {"Accept": accept, **({"Content-Type": content_type} if content_type else {})}
    with urlopen(Request(url, data=data, headers=headers), timeout=30) as response:
        return response.status, response.headers.get("Content-Type"), response.read()


def test_get_and_post_queries_answer_in_the_format_asked(endpoint, seeded_store):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ckg:Attack }"  # the store's prefixes need no declaring
    expected = str(seeded_store.select(count)[0]["n"])
    status, kind, body = http(f"{endpoint}/query?{urlencode({'query': count})}")
    assert (status, kind) == (200, "application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == expected
    _, kind, body = http(f"{endpoint}/query", count.encode(), "application/sparql-query", accept="text/csv")
    assert kind.startswith("text/csv") and body.decode().splitlines() == ["n", expected]
    _, kind, body = http(f"{endpoint}/query", urlencode({"query": "ASK { ?a a ckg:Attack }"}).encode(),
                         "application/x-www-form-urlencoded")
    assert json.loads(body)["boolean"] is True
    _, kind, body = http(f"{endpoint}/query?{urlencode({'query': 'CONSTRUCT WHERE { ?g a ckg:ArmedGroup }'})}",
                         accept="text/turtle")
    assert kind == "text/turtle" and b"ArmedGroup" in body


def test_the_project_reads_its_graph_through_the_endpoint(endpoint, seeded_store):
    with open_store(endpoint, read_only=True) as remote:
        assert answers(remote) == answers(seeded_store)
        assert_same_graph(remote, seeded_store)  # the export reads each graph from /store


def test_read_only_by_default_refuses_updates(endpoint, seeded_store):
    before = seeded_store.count()
    with pytest.raises(HTTPError) as caught:
        http(f"{endpoint}/update", b"DROP ALL", "application/sparql-update")
    assert caught.value.code == 403 and b"read-only" in caught.value.read()
    with pytest.raises(HTTPError) as caught:  # an update sent as a query is refused too
        http(f"{endpoint}/query", urlencode({"query": "DROP ALL"}).encode(), "application/x-www-form-urlencoded")
    assert caught.value.code == 400 and b"updates are not allowed" in caught.value.read()
    assert seeded_store.count() == before


def test_a_bad_query_is_a_400_with_one_line(endpoint):
    with pytest.raises(HTTPError) as caught:
        http(f"{endpoint}/query?{urlencode({'query': 'SELECT ?x WHERE { ?x ?y }'})}")
    body = caught.value.read().decode()
    assert caught.value.code == 400 and body.startswith("malformed query") and body.count("\n") == 1


def test_writable_accepts_updates(seeded_store_path, tmp_path):
    copy = tmp_path / "store"
    shutil.copytree(seeded_store_path, copy)
    process, url = start(copy, "--writable")
    try:
        note = b'INSERT DATA { GRAPH <https://w3id.org/conflictkg/id/graph/notes> { id:x rdfs:label "note" } }'
        status, _, _ = http(f"{url}/update", note, "application/sparql-update")
        assert status == 204
        ask = urlencode({"query": 'ASK { id:x rdfs:label "note" }'})
        _, _, body = http(f"{url}/query?{ask}")
        assert json.loads(body)["boolean"] is True
    finally:
        stop(process)


def test_a_remote_location_is_refused(tmp_path):
    result = subprocess.run([sys.executable, "-m", "conflictkg", "serve", "--store", "http://127.0.0.1:1/"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stderr.startswith("error: serve exposes an embedded store")
