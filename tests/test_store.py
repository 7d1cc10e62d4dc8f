"""The store interface, run against an embedded store on disk and real Oxigraph and Virtuoso servers."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from conflictkg.queries import list_queries, parse_params, resolve_query
from conflictkg.store import EmbeddedStore, QueryError, RemoteStore, StoreError, open_store
from conflictkg.vocab import CANONICAL_GRAPH, CKG, REGISTRY_GRAPH, article_graph
from graphs import answers
from servers import answering, clear, free_port, launch_oxigraph, stop, wait_until_up
from test_queries import DARABAN_ATTACK, KUNDAL_ATTACK, sample_graphs, write_sample

DAWN = article_graph("001-dawn")
EXPRESS = article_graph("002-express")


@pytest.fixture(params=["embedded", "oxigraph", "virtuoso"])
def store(request, tmp_path):
    """An empty store of each kind: embedded, and on each real server."""
    if request.param == "embedded":
        store = open_store(tmp_path / "store")
    else:
        store = open_store(request.getfixturevalue(f"{request.param}_server"))
        clear(store)
    with store:
        yield store


@pytest.fixture
def filled(store):
    write_sample(store)
    return store


def total_quads() -> int:
    return sum(len(graph) for graph in sample_graphs().values())


def distinct_triples() -> int:
    return len({triple for graph in sample_graphs().values() for triple in graph})


# --- opening ------------------------------------------------------------------------------

def test_open_store_picks_the_kind(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open_store(None) as default:
        assert isinstance(default, EmbeddedStore) and default.path == Path("conflictkg-data")
    assert (tmp_path / "conflictkg-data").is_dir()
    server = open_store("http://localhost:7878")
    assert isinstance(server, RemoteStore)
    assert (server.query_url, server.update_url, server.store_url) == (
        "http://localhost:7878/query", "http://localhost:7878/update", "http://localhost:7878/store")
    fuseki = open_store("http://localhost:3030/ds/query")
    assert (fuseki.update_url, fuseki.store_url) == ("http://localhost:3030/ds/update", None)
    other = open_store("https://example.org/sparql", update_url="https://example.org/sparql/update")
    assert (other.query_url, other.update_url) == ("https://example.org/sparql", "https://example.org/sparql/update")


def test_credentials_come_from_the_environment_and_stay_hidden(monkeypatch):
    monkeypatch.setenv("CONFLICTKG_USER", "analyst")
    monkeypatch.setenv("CONFLICTKG_PASSWORD", "s3cret")
    store = open_store("http://localhost:7878")
    assert store._auth == "Basic YW5hbHlzdDpzM2NyZXQ="
    assert "s3cret" not in repr(store) and "analyst" not in repr(store)
    in_url = open_store("http://someone:pw@localhost:7878")
    assert in_url.query_url == "http://localhost:7878/query" and "pw" not in repr(in_url)


def test_an_unreachable_server_gives_one_line():
    store = RemoteStore.from_url(f"http://analyst:s3cret@127.0.0.1:{free_port()}", retries=2, backoff=0.01)
    with pytest.raises(StoreError) as caught:
        store.count()
    message = str(caught.value)
    assert "\n" not in message and "s3cret" not in message
    assert message.startswith("cannot reach the SPARQL endpoint at http://127.0.0.1:") and "refused" in message


@pytest.mark.parametrize("status, expected, attempts", [
    (400, "the endpoint rejected the query: read only", 1),
    (401, "refused the credentials (HTTP 401); check CONFLICTKG_USER and CONFLICTKG_PASSWORD", 1),
    (403, "refused the query (HTTP 403): read only", 1),
    (404, "no SPARQL endpoint at http://127.0.0.1:", 1),
    (500, "failed (HTTP 500): read only", 1),
    (503, "is unavailable (HTTP 503): read only", 4),  # a gateway whose server is down: retried, then reported
])
def test_a_refusing_server_gives_one_line(status, expected, attempts, monkeypatch):
    monkeypatch.setenv("CONFLICTKG_USER", "analyst")
    monkeypatch.setenv("CONFLICTKG_PASSWORD", "s3cret")
    with answering(status) as (url, seen):
        store = RemoteStore.from_url(url, retries=3, backoff=0.01)
        with pytest.raises(StoreError) as caught:
            store.select("SELECT * WHERE { ?s ?p ?o }")
    message = str(caught.value)
    assert expected in message and "\n" not in message and "s3cret" not in message
    assert isinstance(caught.value, QueryError) == (status == 400)
    assert seen == ["Basic YW5hbHlzdDpzM2NyZXQ="] * attempts


def test_a_server_wanting_credentials_says_how_to_give_them(monkeypatch):
    monkeypatch.delenv("CONFLICTKG_USER", raising=False)
    with answering(401) as (url, seen):
        with pytest.raises(StoreError, match=r"wants credentials \(HTTP 401\); set CONFLICTKG_USER and"):
            open_store(url).count()
    assert seen == [None]


def test_a_server_that_goes_down_is_reported_then_waited_for_when_it_restarts(tmp_path):
    port = free_port()
    server = launch_oxigraph(tmp_path / "data", port)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/query?query=ASK%7B%7D", server, "oxigraph", 20)
        with RemoteStore.from_url(url) as store:
            write_sample(store)
        stop(server)
        with pytest.raises(StoreError, match=r"^cannot reach the SPARQL endpoint at .*: Connection refused$"):
            RemoteStore.from_url(url, retries=2, backoff=0.01).count()
        server = launch_oxigraph(tmp_path / "data", port)  # the store retries while it starts
        assert RemoteStore.from_url(url, retries=8, backoff=0.1).count() == total_quads()
    finally:
        stop(server)


def test_read_only_store_opens_when_no_writer_is_open(tmp_path):
    location = tmp_path / "store"
    with pytest.raises(StoreError, match="no store at"):
        open_store(location, read_only=True)
    with open_store(location) as writer:
        write_sample(writer)
        with pytest.raises(StoreError, match="in use by another writer"):
            open_store(location)
    with open_store(location, read_only=True) as reader:
        assert reader.count() == total_quads()
        assert len(reader.select(resolve_query("deadliest-attacks").text)) == 3
        with pytest.raises(StoreError, match="open read-only"):
            reader.remove_graph(DAWN)
    with open_store(location) as writer:  # the reader let go of the folder
        assert writer.count() == total_quads()


def test_closed_store_says_so(tmp_path):
    store = open_store(tmp_path / "store")
    store.close()
    with pytest.raises(StoreError, match="is closed"):
        store.count()


# --- writing ------------------------------------------------------------------------------

def test_write_batch_fills_named_graphs(filled):
    assert filled.count() == total_quads()
    assert filled.graph_names() == sorted(sample_graphs())
    assert filled.has_graph(DAWN) and not filled.has_graph(article_graph("999-none"))
    stats = filled.stats()
    assert stats["article"]["graphs"] == 3
    assert stats["canonical"] == {"graphs": 1, "quads": len(sample_graphs()[CANONICAL_GRAPH])}
    assert sum(kind["quads"] for kind in stats.values()) == total_quads()


def test_graph_triples_give_back_one_graph(filled):
    graph = filled.graph_triples(DAWN)
    assert graph.identifier == DAWN
    assert set(graph) == set(sample_graphs()[DAWN])
    assert len(filled.graph_triples(article_graph("999-none"))) == 0


def test_replace_graph_twice_is_idempotent(filled):
    triples = list(sample_graphs()[DAWN])
    bnode = BNode()
    triples.append((bnode, CKG.note, Literal('a "quoted"\nline')))
    filled.replace_graph(DAWN, triples)
    once = filled.count()
    filled.replace_graph(DAWN, triples)
    assert filled.count() == once == total_quads() + 1
    assert len(filled.graph_triples(DAWN)) == len(triples)


def test_replace_graph_drops_what_the_graph_held(filled):
    triple = (DARABAN_ATTACK, CKG.note, Literal("only this"))
    filled.replace_graph(DAWN, [triple])
    assert set(filled.graph_triples(DAWN)) == {triple}
    assert filled.count() == total_quads() - len(sample_graphs()[DAWN]) + 1


def test_remove_graph_leaves_other_graphs_intact(filled):
    filled.remove_graph(DAWN)
    assert not filled.has_graph(DAWN)
    assert filled.count() == total_quads() - len(sample_graphs()[DAWN])
    for iri, graph in sample_graphs().items():
        if iri != DAWN:
            assert set(filled.graph_triples(iri)) == set(graph)
    assert len(filled.select(resolve_query("conflicting-reports").text)) == 0  # one source is left
    filled.remove_graph(DAWN)  # removing it again is harmless


def test_a_batch_applies_its_writes_in_order(store):
    new = article_graph("004-new")
    first, second = (DARABAN_ATTACK, CKG.note, Literal("first")), (DARABAN_ATTACK, CKG.note, Literal("second"))
    store.write_batch([(new, [first]), (new, [second])])
    assert set(store.graph_triples(new)) == {second}
    with store.transaction() as batch:
        batch.add_to_graph(new, [first])
        batch.remove_graph(new)
        batch.add_to_graph(EXPRESS, [second])
    assert not store.has_graph(new) and set(store.graph_triples(EXPRESS)) == {second}


def test_add_to_graph_keeps_what_is_there(filled):
    filled.add_to_graph(REGISTRY_GRAPH, [(KUNDAL_ATTACK, CKG.note, Literal("added"))])
    assert filled.count() == total_quads() + 1


def test_a_failed_transaction_writes_nothing(filled):
    with pytest.raises(RuntimeError):
        with filled.transaction() as batch:
            batch.remove_graph(DAWN)
            batch.replace_graph(EXPRESS, [])
            raise RuntimeError("stop")
    with pytest.raises(StoreError, match="not an RDF term"):
        filled.write_batch([(DAWN, []), (EXPRESS, [(DARABAN_ATTACK, CKG.note, 42)])])
    assert filled.count() == total_quads()


def test_update_is_the_write_path_for_code(filled):
    filled.update(f"DELETE WHERE {{ GRAPH <{CANONICAL_GRAPH}> {{ ?attack ckg:killedMax ?n }} }}")
    assert filled.count() == total_quads() - 3
    with pytest.raises(QueryError) as caught:
        filled.update("INSERT DATA { GRAPH <x:g> { <x:a> <x:b> } }")
    assert "\n" not in str(caught.value)


# --- querying ------------------------------------------------------------------------------

def test_queries_see_the_union_of_all_graphs(filled):
    # the report lives in an article graph, the canonical figure in the canonical graph
    assert filled.ask("ASK { ?attack ckg:casualtyReport ?report ; ckg:killed 23 . ?report ckg:killed 24 }")


def test_named_queries_answer_the_same_on_every_store(filled):
    query = resolve_query("attacks-by-group")
    rows = filled.select(query.text, parse_params(["group_name=tjp"], query))
    assert [(r["role"].toPython(), r["attack"], r["killed"].toPython()) for r in rows] == [
        ("claimed", DARABAN_ATTACK, 23)]
    query = resolve_query("police-attacks-in-range")
    rows = filled.select(query.text, parse_params(["from=2024-01-01"], query))
    assert [str(r["date"]) for r in rows] == ["2024-03"]
    rows = filled.select(resolve_query("casualties-by-province").text)
    assert [(r["province"].toPython(), r["killed"].toPython()) for r in rows] == [
        ("Khyber Pakhtunkhwa", 23), ("Khyber Pakhtunkhwa", 5), ("Punjab", 2)]


EXAMPLE_PARAMS = {
    "attacks-by-group": ["group_name=TTP"], "group-aliases": ["group_name=ttp"],
    "group-affiliates": ["group_name=TJP"],
    "sources-of-attack": [f"attack={DARABAN_ATTACK}"], "attacks-at-place": ["place_name=Pakistan"],
    "police-attacks-in-range": ["from=2023", "to=2024-03-31"], "recent-attacks": ["since=2023-06"],
}


@pytest.mark.parametrize("server", ["oxigraph", "virtuoso"])
def test_every_named_query_answers_the_same_remotely(server, request, tmp_path):
    with open_store(tmp_path / "store") as embedded, open_store(request.getfixturevalue(f"{server}_server")) as remote:
        clear(remote)
        for store in (embedded, remote):
            write_sample(store)
        for query in list_queries():
            bindings = parse_params(EXAMPLE_PARAMS.get(query.name, []), query)
            expected = embedded.select(query.text, bindings)
            assert len(expected) > 0, query.name
            if server == "oxigraph":
                assert remote.select(query.text, bindings) == expected, query.name
        if server == "virtuoso":  # as a user reads them: Virtuoso breaks ORDER BY ties its own way
            params = {name: EXAMPLE_PARAMS.get(name, []) for name in (q.name for q in list_queries())}
            assert answers(remote, params, ordered=False) == answers(embedded, params, ordered=False)


def test_bindings_are_rdf_terms(filled):
    result = filled.select("SELECT ?label WHERE { ?attack rdfs:label ?label }", {"attack": KUNDAL_ATTACK})
    assert result.variables == ["label"]
    assert [row["label"] for row in result] == [Literal("armed assault in Kundal in 2024-03")]
    assert filled.ask("ASK { ?a ckg:killed ?n }", {"n": Literal(23)})
    assert not filled.ask("ASK { ?a ckg:killed ?n }", {"n": Literal("23")})  # a string is not the number
    hostile = Literal('x" } } ; DROP ALL ; SELECT * { "')
    assert len(filled.select("SELECT ?a WHERE { ?a rdfs:label ?label }", {"label": hostile})) == 0
    graph = filled.construct("CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a ckg:killed ?n ; rdfs:label ?l }",
                             {"n": Literal(2)})
    assert set(graph) == {(KUNDAL_ATTACK, URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
                           Literal("armed assault in Kundal in 2024-03"))}
    assert filled.count() == total_quads()
    with pytest.raises(QueryError, match="not a valid SPARQL variable"):
        filled.select("SELECT * WHERE { ?s ?p ?o }", {"bad name": Literal(1)})


def test_query_dispatches_on_the_form(filled):
    assert isinstance(filled.query("ASK { ?s ?p ?o }"), bool)
    assert isinstance(filled.query("DESCRIBE ?a WHERE { ?a ckg:victim ?v }"), Graph)
    assert len(filled.query("SELECT ?v WHERE { ?a ckg:victim ?v }")) == 1
    with pytest.raises(QueryError, match="expected a SELECT query"):
        filled.select("ASK { ?s ?p ?o }")


def test_a_query_is_sent_as_a_query_whatever_words_it_holds(filled):
    # an update keyword inside a name ("address", "dropped") does not make a query an update
    sparql = ("PREFIX : <http://example.org/address#>\n"
              "SELECT (COUNT(?dropped) AS ?n) WHERE { ?a ckg:victim ?dropped }")
    assert int(filled.select(sparql)[0]["n"]) == 1


@pytest.mark.parametrize("update", [
    "INSERT DATA { GRAPH <x:g> { <x:a> <x:b> <x:c> } }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX ckg: <https://w3id.org/conflictkg/ontology#>\nDELETE { ?a ckg:killed ?n } WHERE { ?a ckg:killed ?n }",
    "DROP ALL",
    "clear graph <https://w3id.org/conflictkg/id/graph/canonical>",
    "LOAD <http://example.org/data.ttl>",
    "# a comment first\nCOPY DEFAULT TO <x:g>",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
])
def test_updates_are_refused_through_query(filled, update):
    with pytest.raises(QueryError) as caught:
        filled.query(update)
    assert "\n" not in str(caught.value)
    assert filled.count() == total_quads()


def test_updates_say_so():
    from conflictkg.store import check_read_only
    with pytest.raises(QueryError, match=r"^updates are not allowed here; "):
        check_read_only("DROP ALL")


@pytest.mark.parametrize("bad", [
    "SELECT ?x WHERE { ?x ?y }",
    "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o > )\n}",
    "SELEKT * WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s nope:p ?o }",
])
def test_a_malformed_query_gives_one_line(filled, bad):
    with pytest.raises(QueryError) as caught:
        filled.query(bad)
    message = str(caught.value)
    assert message.startswith("malformed query: error at ") and "\n" not in message


# --- export --------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, rdflib_format", [("turtle", "turtle"), ("ntriples", "nt")])
def test_export_merged_formats(filled, fmt, rdflib_format):
    out = io.BytesIO()
    written = filled.export(fmt, out)
    graph = Graph().parse(data=out.getvalue(), format=rdflib_format)
    assert written == len(graph) == distinct_triples() < total_quads()  # graphs repeat labels


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own parsers
@pytest.mark.parametrize("fmt, rdflib_format", [("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")])
def test_export_keeps_named_graphs(filled, fmt, rdflib_format):
    out = io.BytesIO()
    written = filled.export(fmt, out)
    dataset = Dataset()
    dataset.parse(data=out.getvalue(), format=rdflib_format)
    quads = [quad for quad in dataset.quads((None, None, None, None)) if quad[3] is not None]
    assert written == len(quads) == total_quads()
    assert {quad[3] for quad in quads} == set(sample_graphs())


def test_export_chosen_graphs(filled):
    out = io.BytesIO()
    written = filled.export("nquads", out, graphs=[DAWN, EXPRESS], exclude={EXPRESS})
    assert written == len(sample_graphs()[DAWN])
    out = io.BytesIO()
    written = filled.export("ntriples", out, exclude={REGISTRY_GRAPH})
    assert written == len({t for iri, g in sample_graphs().items() if iri != REGISTRY_GRAPH for t in g})
    with pytest.raises(StoreError, match="unknown export format"):
        filled.export("xml", io.BytesIO())


def test_remote_reads_without_a_graph_store_endpoint(oxigraph_server):
    with open_store(oxigraph_server) as store:
        store.update("DROP SILENT ALL")
        write_sample(store)
    sparql_only = RemoteStore(f"{oxigraph_server}/query", f"{oxigraph_server}/update")
    assert sparql_only.store_url is None
    assert set(sparql_only.graph_triples(DAWN)) == set(sample_graphs()[DAWN])
    out = io.BytesIO()
    assert sparql_only.export("nquads", out) == total_quads()
