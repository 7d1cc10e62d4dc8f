"""Canonical figures of attacks, computed over every casualty report of each attack.

The attack carries the lowest figure any source states as fact (ACLED's conservative
rule) and the highest as `...Max`; they live in their own graph so that removing or
re-ingesting an article only means computing them again.
"""
from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal, URIRef

from .store.base import Store
from .vocab import CANONICAL_GRAPH, CKG

FIGURES = {"killed": (CKG.killed, CKG.killedMax), "injured": (CKG.injured, CKG.injuredMax),
           "attackersKilled": (CKG.attackersKilled, CKG.attackersKilledMax)}

QUERY = """
SELECT ?attack ?figure (MIN(?n) AS ?low) (MAX(?n) AS ?high) WHERE {
  ?attack ckg:casualtyReport ?report .
  ?report ?figure ?n .
  FILTER(?figure IN (ckg:killed, ckg:injured, ckg:attackersKilled))
  FILTER(isLiteral(?n))
} GROUP BY ?attack ?figure
"""


def canonical_triples(store: Store, attacks: Iterable[URIRef]) -> list[tuple]:
    """(attack, property, value) for the low and high figure of each attack's reports."""
    wanted = list(dict.fromkeys(attacks))
    if not wanted:
        return []
    values = " ".join(f"<{a}>" for a in wanted)
    sparql = QUERY.replace("WHERE {", f"WHERE {{ VALUES ?attack {{ {values} }}", 1)
    out = []
    for row in store.select(sparql):
        name = str(row["figure"]).rsplit("#", 1)[-1]
        low_prop, high_prop = FIGURES[name]
        out.append((row["attack"], low_prop, Literal(int(row["low"]))))
        out.append((row["attack"], high_prop, Literal(int(row["high"]))))
    return out


def refresh_canonical(store: Store, attacks: Iterable[URIRef]) -> int:
    """Recompute the canonical figures of these attacks; returns how many triples now hold them."""
    attacks = list(dict.fromkeys(attacks))
    if not attacks:
        return 0
    triples = canonical_triples(store, attacks)
    values = " ".join(f"<{a}>" for a in attacks)
    body = "\n".join(f"<{s}> <{p}> {o.n3()} ." for s, p, o in triples)
    update = (f"DELETE {{ GRAPH <{CANONICAL_GRAPH}> {{ ?a ?p ?o }} }} WHERE {{ VALUES ?a {{ {values} }} "
              f"GRAPH <{CANONICAL_GRAPH}> {{ ?a ?p ?o }} }}")
    if body:
        update += f" ;\nINSERT DATA {{ GRAPH <{CANONICAL_GRAPH}> {{\n{body}\n}} }}"
    store.update(update)
    return len(triples)
