"""The embedded store: an on-disk pyoxigraph database in a folder."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from conflictkg.store.base import OWN_GRAPHS, PREFIXES, QueryError, Store, StoreError, Write, one_line, to_ox


class EmbeddedStore(Store):
    """A pyoxigraph store on disk; one process may write it, or several may read it."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.read_only = read_only
        try:
            if read_only:
                if not (self.path / "CURRENT").is_file():
                    raise StoreError(f"no store at {self.path}; ingest some articles first")
                self._store: ox.Store | None = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreError(
                    f"the store at {self.path} is in use by another writer; close it or open it read-only"
                ) from None
            raise StoreError(f"cannot open the store at {self.path}: {one_line(error)}") from None

    def __repr__(self) -> str:
        return f"EmbeddedStore({self.location!r}, read_only={self.read_only})"

    @property
    def _db(self) -> ox.Store:
        if self._store is None:
            raise StoreError(f"the store at {self.location} is closed")
        return self._store

    def _run_query(self, sparql: str, form: str):
        try:
            return self._db.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
        except SyntaxError as error:
            raise QueryError(f"malformed query: {one_line(error)}") from None
        except (OSError, RuntimeError) as error:
            raise QueryError(f"the query failed: {one_line(error)}") from None

    def _run_update(self, sparql: str) -> None:
        try:
            self._db.update(sparql, prefixes=PREFIXES)
        except SyntaxError as error:
            raise QueryError(f"malformed update: {one_line(error)}") from None
        except (OSError, RuntimeError) as error:
            raise StoreError(f"the update failed, nothing was written: {one_line(error)}") from None

    def _write(self, writes: list[Write]) -> None:
        if not self._only_adds(writes):
            super()._write(writes)  # removing and adding in one transaction needs an update
            return
        quads = [ox.Quad(s, p, o, write.graph) for write in writes for s, p, o in write.triples]
        try:
            self._db.extend(quads)  # one transaction
        except (OSError, RuntimeError) as error:
            raise StoreError(f"the write failed, nothing was written: {one_line(error)}") from None

    def _only_adds(self, writes: list[Write]) -> bool:
        """Whether the writes only add quads: replacing a graph that does not exist yet adds.

        Then one `extend` (a transaction, several times faster than an update) does them all.
        """
        touched = set()
        for write in writes:
            if write.kind == "remove" or (
                write.kind == "replace" and (write.graph in touched or self._db.contains_named_graph(write.graph))
            ):
                return False
            touched.add(write.graph)
        return True

    def graph_names(self) -> list[URIRef]:
        # the store lists its graphs itself, without scanning the quads as the portable query does
        return sorted(URIRef(g.value) for g in self._db.named_graphs()
                      if isinstance(g, ox.NamedNode) and g.value.startswith(OWN_GRAPHS) and self._holds(g))

    def has_graph(self, graph_iri: URIRef) -> bool:
        return self._holds(to_ox(URIRef(graph_iri)))

    def _holds(self, graph: ox.NamedNode) -> bool:
        return next(iter(self._db.quads_for_pattern(None, None, None, graph)), None) is not None

    def _quads(self, graphs: list[URIRef]) -> Iterator[ox.Quad]:
        for graph in graphs:
            yield from self._db.quads_for_pattern(None, None, None, to_ox(URIRef(graph)))

    def close(self) -> None:
        if self._store is not None and not self.read_only:
            self._store.flush()
        self._store = None  # pyoxigraph closes the database when the object goes
