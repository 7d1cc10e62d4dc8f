"""The remote store: a SPARQL 1.1 server over HTTP (SPARQL Protocol through SPARQLWrapper, Graph Store for reads).

Queries must see the union of all named graphs as their default graph. Oxigraph server
does when started with ``oxigraph serve --union-default-graph``, and this store also asks
for it on every query with Oxigraph's ``union-default-graph`` request parameter, which
other servers ignore. Configure the server itself for the others: Fuseki
``tdb2:unionDefaultGraph true``; GraphDB and Virtuoso query all graphs by default.

Credentials come from the arguments, the URL (``https://user:pw@host/...``) or the
environment variables CONFLICTKG_USER and CONFLICTKG_PASSWORD; they are never shown.
"""
from __future__ import annotations

import ast
import base64
import math
import os
import re
import time
from collections.abc import Callable, Iterator
from http.client import HTTPException, HTTPResponse
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import Request, urlopen

import pyoxigraph as ox
from rdflib import URIRef
from SPARQLWrapper import ASK, CONSTRUCT, INSERT, JSON, POST, POSTDIRECTLY, SELECT, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError, EndPointNotFound, QueryBadFormed, SPARQLWrapperException, Unauthorized, URITooLong,
)

from conflictkg.store.base import PREFIXES, QueryError, Store, StoreError, one_line, to_ox

USER_AGENT = "conflictkg"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.8"
UNION_PARAM = "union-default-graph"
RETRIED_STATUSES = {502, 503, 504}  # a gateway whose server is down or restarting
_QUERY_TYPES = {"select": SELECT, "ask": ASK, "graph": CONSTRUCT, "update": INSERT}  # any update type will do
# SPARQLWrapper turns these HTTP statuses into its own exceptions, and passes the others on as HTTPError
_SPARQLWRAPPER_STATUS = {QueryBadFormed: 400, Unauthorized: 401, EndPointNotFound: 404, URITooLong: 414,
                         EndPointInternalError: 500}
_VIRTUOSO_BNODE = re.compile(rb'(?<!\\)"nodeID://(\w)')  # Virtuoso's blank node ids are not valid ones
_PROLOGUE = " ".join(f"PREFIX {prefix}: <{iri}>" for prefix, iri in PREFIXES.items()) + "\n"


def endpoints(url: str, update_url: str | None = None, store_url: str | None = None) -> tuple[str, str, str | None]:
    """The query, update and Graph Store URLs for a location URL.

    A bare server URL (``http://host:7878``) is an Oxigraph server: ``/query``, ``/update``,
    ``/store``. Any other URL is the query endpoint itself; its update endpoint is the
    sibling ``update`` when it ends in ``/query`` (Oxigraph, Fuseki), else the same URL,
    and it has no Graph Store endpoint unless one is given.
    """
    base = url.rstrip("/")
    path = urlsplit(url).path
    if path in ("", "/"):
        return f"{base}/query", update_url or f"{base}/update", store_url or f"{base}/store"
    if path.endswith("/query"):
        return url, update_url or base[: -len("query")] + "update", store_url
    return url, update_url or url, store_url


def _without_credentials(url: str) -> tuple[str, str | None, str | None]:
    parts = urlsplit(url)
    if parts.username is None:
        return url, None, None
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=host)), parts.username, parts.password


def _ask_rows(solutions: ox.QuerySolutions) -> bool:
    """An ASK answered with rows (Virtuoso: one row `1`, or none) as the boolean it means."""
    for solution in solutions:
        return any(term is not None and term.value in ("1", "true") for term in solution)
    return False


def _read(response: HTTPResponse) -> tuple[bytes, str]:
    """The body and media type of a response, which is closed after."""
    with response:
        return response.read(), response.headers.get("Content-Type", "")


def _refusal(error: HTTPError | SPARQLWrapperException) -> tuple[int, str]:
    """The HTTP status of a refusal and the first line of the server's explanation."""
    if isinstance(error, HTTPError):
        try:
            body = error.read()
        except OSError:
            body = b""
        status, fallback = error.code, str(error.reason)
    else:
        status, fallback = _SPARQLWRAPPER_STATUS.get(type(error), 500), error.msg
        body = _sparqlwrapper_body(error)
    return status, one_line(body.decode("utf-8", "replace").strip() or fallback)[:300]


def _sparqlwrapper_body(error: SPARQLWrapperException) -> bytes:
    """The server's answer inside a SPARQLWrapper exception, which keeps it only in its message, as bytes."""
    _, _, answer = str(error).partition("\n\nResponse:\n")
    try:
        body = ast.literal_eval(answer) if answer else b""
    except (ValueError, SyntaxError):
        return b""
    return body if isinstance(body, bytes) else b""


class RemoteStore(Store):
    """A store behind SPARQL 1.1 HTTP endpoints."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        store_url: str | None = None,
        *,
        read_only: bool = False,
        user: str | None = None,
        password: str | None = None,
        union_param: str | None = UNION_PARAM,
        timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        self.query_url, url_user, url_password = _without_credentials(query_url)
        self.update_url = _without_credentials(update_url or query_url)[0]
        self.store_url = _without_credentials(store_url)[0] if store_url else None
        self.location = self.query_url
        self.read_only = read_only
        self.union_param = union_param
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        user = user or url_user or os.environ.get("CONFLICTKG_USER")
        password = password or url_password or os.environ.get("CONFLICTKG_PASSWORD", "")
        # one header for both transports; SPARQLWrapper's setCredentials would send none for an empty password
        self._auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode() if user else None
        self._closed = False

    @classmethod
    def from_url(
        cls, url: str, *, update_url: str | None = None, store_url: str | None = None, **options
    ) -> "RemoteStore":
        """A store for a server URL or a query endpoint URL (see `endpoints`)."""
        clean, user, password = _without_credentials(url)
        query, update, store = endpoints(clean, update_url, store_url)
        return cls(query, update, store, user=options.pop("user", None) or user,
                   password=options.pop("password", None) or password, **options)

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r}, update_url={self.update_url!r}, store_url={self.store_url!r})"

    # primitives ---------------------------------------------------------------------
    def _run_query(self, sparql: str, form: str):
        body, media_type = self._sparql(_PROLOGUE + sparql, form)
        try:
            if form == "graph":
                return list(ox.parse(body, ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.N_TRIPLES))
            results_format = ox.QueryResultsFormat.from_media_type(media_type) or ox.QueryResultsFormat.JSON
            results = ox.parse_query_results(_VIRTUOSO_BNODE.sub(rb'"\1', body), results_format)
            if form == "ask" and isinstance(results, ox.QuerySolutions):
                return _ask_rows(results)
            return results
        except (SyntaxError, ValueError) as error:
            raise StoreError(f"cannot read the answer of {self.query_url}: {one_line(error)}") from None

    def _run_update(self, sparql: str) -> None:
        self._sparql(_PROLOGUE + sparql, "update")

    def _quads(self, graphs: list[URIRef]) -> Iterator[ox.Quad]:
        if not graphs:
            return
        if self.store_url is None:
            values = " ".join(str(to_ox(URIRef(g))) for g in graphs)
            sparql = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            solutions = self._run_query(sparql, "select")
            for row in solutions:
                yield ox.Quad(row["s"], row["p"], row["o"], row["g"])
            return
        for graph in graphs:
            body, media_type = self._graph_store_read(f"{self.store_url}?{urlencode({'graph': str(graph)})}")
            name = to_ox(URIRef(graph))
            try:
                triples = list(ox.parse(body, ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.N_TRIPLES))
            except (SyntaxError, ValueError) as error:
                raise StoreError(f"cannot read graph {graph} from {self.store_url}: {one_line(error)}") from None
            for quad in triples:
                yield ox.Quad(quad.subject, quad.predicate, quad.object, name)

    def close(self) -> None:
        self._closed = True

    # HTTP ---------------------------------------------------------------------------
    def _sparql(self, sparql: str, form: str) -> tuple[bytes, str]:
        """Send a query of this form ('select', 'ask', 'graph') or an update ('update') by the SPARQL Protocol."""
        request = self._sparql_request(sparql, form)
        url, action = (self.update_url, "update") if form == "update" else (self.query_url, "query")
        return self._send(url, action, lambda: _read(request.query().response))

    def _sparql_request(self, sparql: str, form: str) -> SPARQLWrapper:
        """A SPARQLWrapper for one request (a new one each time: it holds the state of one request)."""
        request = SPARQLWrapper(self.query_url, self.update_url, agent=USER_AGENT)
        request.setMethod(POST)
        request.setReturnFormat(TURTLE if form == "graph" else JSON)
        request.setOnlyConneg(True)  # formats by the Accept header only, not also by format/output parameters
        request.setTimeout(max(1, math.ceil(self.timeout)))  # whole seconds
        # not setQuery: it guesses the form with regular expressions over the whole text, which can
        # guess wrong and takes seconds for a large write; the form is known here
        request.queryString, request.queryType = sparql, _QUERY_TYPES[form]
        if form == "update":
            request.setRequestMethod(POSTDIRECTLY)  # the update as the body, not form-encoded
        elif self.union_param:
            request.addParameter(self.union_param, "true")
        if form == "graph":
            request.addCustomHttpHeader("Accept", GRAPH_TYPES)  # N-Triples first, Turtle as SPARQLWrapper asks
        if self._auth:
            request.addCustomHttpHeader("Authorization", self._auth)
        return request

    def _graph_store_read(self, url: str) -> tuple[bytes, str]:
        """GET one graph from the Graph Store endpoint (SPARQLWrapper speaks only the SPARQL Protocol)."""
        headers = {"User-Agent": USER_AGENT, "Accept": GRAPH_TYPES}
        if self._auth:
            headers["Authorization"] = self._auth
        request = Request(url, headers=headers)
        return self._send(url, "read", lambda: _read(urlopen(request, timeout=self.timeout)), missing_ok=True)

    def _send(self, url: str, action: str, send: Callable[[], tuple[bytes, str]], *,
              missing_ok: bool = False) -> tuple[bytes, str]:
        """Send one request, retrying with backoff while the server cannot be reached or is unavailable."""
        if self._closed:
            raise StoreError(f"the store at {self.location} is closed")
        attempts = max(self.retries, 0) + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                return send()
            except (HTTPError, SPARQLWrapperException) as error:
                status, detail = _refusal(error)
                if status == 404 and missing_ok:
                    return b"", ""
                if last or status not in RETRIED_STATUSES:
                    raise self._refused(status, detail, url, action) from None
            except TimeoutError:
                raise StoreError(f"{url} did not answer within {self.timeout:g} s") from None
            except (URLError, ConnectionError, HTTPException) as error:
                reason = getattr(error, "reason", error)
                if isinstance(reason, TimeoutError):
                    raise StoreError(f"{url} did not answer within {self.timeout:g} s") from None
                if last:
                    reason = getattr(reason, "strerror", None) or one_line(reason)
                    raise StoreError(f"cannot reach the SPARQL endpoint at {url}: {reason}") from None
            time.sleep(self.backoff * 2**attempt)
        raise StoreError(f"cannot reach the SPARQL endpoint at {url}")  # not reached: the last attempt raises

    def _refused(self, status: int, detail: str, url: str, action: str) -> StoreError:
        """The error for a request the server answered with an HTTP error status."""
        if status == 400:
            return QueryError(f"the endpoint rejected the {action}: {detail}")
        if status == 401 and self._auth:
            return StoreError(f"{url} refused the credentials (HTTP 401); check CONFLICTKG_USER and "
                              "CONFLICTKG_PASSWORD")
        if status == 401:
            return StoreError(f"{url} wants credentials (HTTP 401); set CONFLICTKG_USER and CONFLICTKG_PASSWORD")
        if status == 403:
            return StoreError(f"{url} refused the {action} (HTTP 403): {detail}")
        if status == 404:
            return StoreError(f"no SPARQL endpoint at {url} (HTTP 404)")
        if status in RETRIED_STATUSES:
            return StoreError(f"the SPARQL endpoint at {url} is unavailable (HTTP {status}): {detail}")
        return StoreError(f"{url} failed (HTTP {status}): {detail}")
