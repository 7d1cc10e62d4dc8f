"""Canonical figures, labels and match notes of attacks, computed over every report of each attack.

The attack carries the lowest figure any source states as fact (ACLED's conservative
rule) and the highest as `...Max`; they live in their own graph so that removing or
re-ingesting an article only means computing them again.
"""
from __future__ import annotations

from collections.abc import Iterable

from rdflib import RDFS, Literal, URIRef

from .model import attack_label
from .resolve import match_notes
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


# Within each reporting article's graph, which names the attack's place with its label and
# class: over the union, a place's label and class repeat once per graph that names the
# place, and the rows multiply with the size of the store.
LABEL_QUERY = """
SELECT DISTINCT ?attack ?type ?date ?place ?kind WHERE {
  GRAPH ?g {
    ?attack ckg:reportedIn ?article .
    OPTIONAL { ?attack a ?type }
    OPTIONAL { ?attack ckg:date ?date }
    OPTIONAL { ?attack ckg:occurredAt ?p . ?p rdfs:label ?place . ?p a ?kind }
  }
}
"""
PLACE_RANK = {CKG.Facility: 4, CKG.Locality: 3, CKG.District: 2, CKG.Province: 1, CKG.Country: 0}


def label_triples(store: Store, attacks: list[URIRef]) -> list[tuple]:
    """One readable label per attack over all its reports: its most telling type, most specific
    place and most precise date."""
    values = " ".join(f"<{a}>" for a in attacks)
    rows = store.select(LABEL_QUERY.replace("WHERE {", f"WHERE {{ VALUES ?attack {{ {values} }}", 1))
    seen: dict[URIRef, dict] = {}
    for r in rows:
        d = seen.setdefault(r["attack"], {"types": set(), "date": "", "place": (-1, "")})
        if r["type"] is not None:
            d["types"].add(str(r["type"]).rsplit("#", 1)[-1])
        if r["date"] is not None and (len(str(r["date"])), str(r["date"])) > (len(d["date"]), d["date"]):
            d["date"] = str(r["date"])
        if r["place"] is not None and r["kind"] in PLACE_RANK:
            d["place"] = max(d["place"], (PLACE_RANK[r["kind"]], str(r["place"])))
    return [(a, RDFS.label, Literal(attack_label(d["types"], d["place"][1] or None, d["date"] or None)))
            for a, d in seen.items()]


def refresh_canonical(store: Store, attacks: Iterable[URIRef]) -> int:
    """Recompute the canonical figures of these attacks; returns how many triples now hold them."""
    attacks = list(dict.fromkeys(attacks))
    if not attacks:
        return 0
    triples = canonical_triples(store, attacks) + label_triples(store, attacks) + match_notes(store, attacks)
    values = " ".join(f"<{a}>" for a in attacks)
    body = "\n".join(f"<{s}> <{p}> {o.n3()} ." for s, p, o in triples)
    update = (f"DELETE {{ GRAPH <{CANONICAL_GRAPH}> {{ ?a ?p ?o }} }} WHERE {{ VALUES ?a {{ {values} }} "
              f"GRAPH <{CANONICAL_GRAPH}> {{ ?a ?p ?o }} }}")
    if body:
        update += f" ;\nINSERT DATA {{ GRAPH <{CANONICAL_GRAPH}> {{\n{body}\n}} }}"
    store.update(update)
    return len(triples)
