"""The remote store: a SPARQL 1.1 server over HTTP (Protocol for query and update, Graph Store for reads).

Queries must see the union of all named graphs as their default graph. Oxigraph server
does when started with ``oxigraph serve --union-default-graph``, and this store also asks
for it on every query with Oxigraph's ``union-default-graph`` request parameter, which
other servers ignore. Configure the server itself for the others: Fuseki
``tdb2:unionDefaultGraph true``; GraphDB and Virtuoso query all graphs by default.

Credentials come from the arguments, the URL (``https://user:pw@host/...``) or the
environment variables CONFLICTKG_USER and CONFLICTKG_PASSWORD; they are never shown.
"""
from __future__ import annotations

import base64
import os
import re
import time
from collections.abc import Iterator
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import Request, urlopen

import pyoxigraph as ox
from rdflib import URIRef

from conflictkg.store.base import PREFIXES, QueryError, Store, StoreError, one_line, to_ox

RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.8"
UNION_PARAM = "union-default-graph"
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
        fields = {"query": _PROLOGUE + sparql}
        if self.union_param:
            fields[self.union_param] = "true"
        accept = GRAPH_TYPES if form == "graph" else RESULTS_JSON
        body, media_type = self._request(self.query_url, "query", data=urlencode(fields).encode(),
                                         content_type="application/x-www-form-urlencoded", accept=accept)
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
        self._request(self.update_url, "update", data=(_PROLOGUE + sparql).encode(),
                      content_type="application/sparql-update")

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
            url = f"{self.store_url}?{urlencode({'graph': str(graph)})}"
            body, media_type = self._request(url, "read", accept=GRAPH_TYPES, missing_ok=True)
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
    def _request(self, url: str, action: str, *, data: bytes | None = None, content_type: str | None = None,
                 accept: str | None = None, missing_ok: bool = False) -> tuple[bytes, str]:
        """Send one request, retrying with backoff while the server cannot be reached."""
        if self._closed:
            raise StoreError(f"the store at {self.location} is closed")
        headers = {"User-Agent": "conflictkg"}
        for name, value in (("Content-Type", content_type), ("Accept", accept), ("Authorization", self._auth)):
            if value:
                headers[name] = value
        request = Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
        attempts = max(self.retries, 0) + 1
        for attempt in range(attempts):
            try:
                with urlopen(request, timeout=self.timeout) as response:
                    return response.read(), response.headers.get("Content-Type", "")
            except HTTPError as error:
                if error.code == 404 and missing_ok:
                    return b"", ""
                raise self._refused(error, url, action) from None
            except (URLError, ConnectionError) as error:
                reason = getattr(error, "reason", error)
                if isinstance(reason, TimeoutError):
                    raise StoreError(f"{url} did not answer within {self.timeout:g} s") from None
                if attempt == attempts - 1:
                    reason = getattr(reason, "strerror", None) or one_line(reason)
                    raise StoreError(f"cannot reach the SPARQL endpoint at {url}: {reason}") from None
                time.sleep(self.backoff * 2**attempt)
            except TimeoutError:
                raise StoreError(f"{url} did not answer within {self.timeout:g} s") from None
        raise StoreError(f"cannot reach the SPARQL endpoint at {url}")  # not reached: the loop returns or raises

    def _refused(self, error: HTTPError, url: str, action: str) -> StoreError:
        try:
            detail = one_line(error.read().decode("utf-8", "replace") or error.reason)[:300]
        except OSError:
            detail = str(error.reason)
        if error.code == 400:
            return QueryError(f"the endpoint rejected the {action}: {detail}")
        if error.code == 401:
            return StoreError(f"{url} wants credentials (HTTP 401); set CONFLICTKG_USER and CONFLICTKG_PASSWORD")
        if error.code == 403:
            return StoreError(f"{url} refused the {action} (HTTP 403): {detail}")
        if error.code == 404:
            return StoreError(f"no SPARQL endpoint at {url} (HTTP 404)")
        return StoreError(f"{url} failed (HTTP {error.code}): {detail}")
