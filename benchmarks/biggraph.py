"""A large event graph for the store benchmarks: an ingested store's graphs, copied until big enough.

Each copy renames every resource read from articles (articles, attacks, reports, evidence,
claims, statements, people, article graphs) and keeps the shared ones (groups, places,
the registry, the ontology), so the copies look like more articles about more attacks by
the same groups in the same places, with the graph layout ingest makes: places and groups
described once in the registry graph, the canonical graph with one summary per (renamed)
attack, and each article graph's mentions, claims and aliases repeated per copy.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from conflictkg.vocab import ID

SHARED = tuple(str(ID[p]) for p in ("group/", "place/", "graph/registry", "graph/canonical", "graph/ontology",
                                    "graph/inferred"))
ONCE = tuple(str(ID[p]) for p in ("graph/registry", "graph/ontology", "graph/inferred"))
OWN = str(ID)


def renamed(term, suffix: str):
    if isinstance(term, ox.NamedNode) and term.value.startswith(OWN) and not term.value.startswith(SHARED):
        return ox.NamedNode(term.value + suffix)
    return term


def grown_quads(source: Path, target: int) -> list[ox.Quad]:
    """At least `target` quads (whole copies, so a little more): the registry and ontology once,
    then renamed copies of the article and canonical graphs."""
    store = ox.Store.read_only(str(source))
    once = [q for q in store if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(ONCE)]
    copied = [q for q in store if isinstance(q.graph_name, ox.NamedNode) and not q.graph_name.value.startswith(ONCE)]
    del store
    if not copied:
        raise ValueError(f"{source} holds no article graphs to copy")
    out = list(once)
    n = 0
    while len(out) < target:
        suffix = f"-c{n}" if n else ""
        out.extend(ox.Quad(renamed(q.subject, suffix), q.predicate, renamed(q.object, suffix),
                           renamed(q.graph_name, suffix)) for q in copied)
        n += 1
    return out


def write_nquads(quads: list[ox.Quad], path: Path) -> Path:
    ox.serialize(quads, str(path), ox.RdfFormat.N_QUADS)
    return path
