"""The embedded store as a SPARQL 1.1 endpoint over HTTP, so that other tools can query it.

Paths follow Oxigraph server's, so `--store http://host:port` works against it too:
``/query`` (SPARQL 1.1 Protocol: GET ?query=, POST form or application/sparql-query),
``/update`` (only when writable), ``/store?graph=IRI`` (Graph Store read of one graph).
Queries see the union of all named graphs as their default graph.
"""
from __future__ import annotations

import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
from rdflib import URIRef

from .store.base import QueryError, Store, StoreError, one_line, to_ox

RESULT_FORMATS = {f.media_type.split(";")[0]: f for f in (
    ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV)}
GRAPH_FORMATS = {f.media_type.split(";")[0]: f for f in (
    ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD)}
MAX_BODY = 10 * 2**20  # a query or update larger than this is refused


def negotiate(accept: str | None, offered: dict[str, object]):
    """The offered format the Accept header prefers most; the first offered one for */* or none."""
    default = next(iter(offered.values()))
    best, best_q = None, 0.0
    for part in (accept or "*/*").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = next((float(p[2:]) for p in params if p.startswith("q=") and p[2:].replace(".", "", 1).isdigit()), 1.0)
        fmt = default if media in ("*/*", "application/*", "") else offered.get(media.lower())
        if fmt is not None and q > best_q:
            best, best_q = fmt, q
    return best


class SparqlServer(ThreadingHTTPServer):
    """An HTTP server holding one store; `writable` allows SPARQL Update."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: Store, *, writable: bool = False, log=None) -> None:
        super().__init__(address, SparqlHandler)
        self.store, self.writable, self.log = store, writable, log

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "conflictkg"

    # routing ----------------------------------------------------------------------------
    def do_GET(self) -> None:
        path, fields = self._path_and_fields()
        if path in ("/query", "/sparql"):
            self._query(fields.get("query"))
        elif path == "/store":
            self._graph(fields.get("graph"))
        elif path == "/":
            self._send(HTTPStatus.OK, f"SPARQL endpoint: {self.server.url}/query\n".encode(), "text/plain")
        else:
            self._send_error(HTTPStatus.NOT_FOUND, f"no such path: {path}; queries go to /query")

    def do_POST(self) -> None:
        path, fields = self._path_and_fields()
        body = self._body()
        if body is None:
            return
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            fields.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()})
        if path in ("/query", "/sparql"):
            self._query(body.decode("utf-8", "replace") if kind == "application/sparql-query" else fields.get("query"))
        elif path == "/update":
            self._update(body.decode("utf-8", "replace") if kind == "application/sparql-update"
                         else fields.get("update"))
        else:
            self._send_error(HTTPStatus.NOT_FOUND, f"no such path: {path}")

    def do_OPTIONS(self) -> None:  # a browser's preflight before a cross-origin POST
        self._send(HTTPStatus.NO_CONTENT, b"", None,
                   {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                    "Access-Control-Allow-Headers": "Content-Type, Accept"})

    # the three services ------------------------------------------------------------------
    def _query(self, sparql: str | None) -> None:
        if not sparql:
            self._send_error(HTTPStatus.BAD_REQUEST, "no query: pass it as ?query=, a form field, "
                                                     "or an application/sparql-query body")
            return
        try:
            form, result = self.server.store.results(sparql)
            offered = GRAPH_FORMATS if form == "graph" else RESULT_FORMATS
            fmt = negotiate(self.headers.get("Accept"), offered)
            if fmt is None:
                self._send_error(HTTPStatus.NOT_ACCEPTABLE, "acceptable formats: " + ", ".join(offered))
                return
            payload = result.serialize(format=fmt)  # evaluation happens here
        except QueryError as error:
            self._send_error(HTTPStatus.BAD_REQUEST, str(error))
            return
        except (OSError, RuntimeError, SyntaxError, StoreError) as error:
            self._send_error(HTTPStatus.INTERNAL_SERVER_ERROR, f"the query failed: {one_line(error)}")
            return
        self._send(HTTPStatus.OK, payload, fmt.media_type)

    def _update(self, sparql: str | None) -> None:
        if not self.server.writable:
            self._send_error(HTTPStatus.FORBIDDEN, "this endpoint is read-only; start it with --writable "
                                                   "to allow updates")
            return
        if not sparql:
            self._send_error(HTTPStatus.BAD_REQUEST, "no update: pass it as a form field or an "
                                                     "application/sparql-update body")
            return
        try:
            self.server.store.update(sparql)
        except QueryError as error:
            self._send_error(HTTPStatus.BAD_REQUEST, str(error))
            return
        except StoreError as error:
            self._send_error(HTTPStatus.INTERNAL_SERVER_ERROR, str(error))
            return
        self._send(HTTPStatus.NO_CONTENT, b"", None)

    def _graph(self, iri: str | None) -> None:
        if not iri:
            self._send_error(HTTPStatus.BAD_REQUEST, "name the graph: /store?graph=IRI")
            return
        try:
            node = to_ox(URIRef(iri))
            if not self.server.store.has_graph(URIRef(iri)):
                self._send_error(HTTPStatus.NOT_FOUND, f"no graph {iri}")
                return
        except StoreError as error:
            self._send_error(HTTPStatus.BAD_REQUEST, str(error))
            return
        self._query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}")

    # plumbing ----------------------------------------------------------------------------
    def _path_and_fields(self) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.path)
        return parts.path.rstrip("/") or "/", {k: v[-1] for k, v in parse_qs(parts.query).items()}

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"requests are limited to {MAX_BODY} bytes")
            return None
        return self.rfile.read(length)

    def _send_error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _send(self, status: HTTPStatus, payload: bytes, media_type: str | None, headers: dict | None = None) -> None:
        self.send_response(status)
        if media_type:
            self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Access-Control-Allow-Origin", "*")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        if self.server.log is not None:  # the path without its query string, which may be long
            self.server.log(f"{self.command} {urlsplit(self.path).path} {args[1] if len(args) > 1 else ''}")


def serve(store: Store, host: str = "127.0.0.1", port: int = 7878, *, writable: bool = False,
          ready=None, log=lambda line: print(line, file=sys.stderr)) -> None:
    """Answer SPARQL requests on host:port until interrupted; `ready(url)` is called once listening."""
    with SparqlServer((host, port), store, writable=writable, log=log) as server:
        if ready is not None:
            ready(server.url)
        server.serve_forever()
