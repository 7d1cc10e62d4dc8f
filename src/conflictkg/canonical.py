"""Canonical figures, labels and match notes of attacks, computed over every report of each attack.

The attack carries the lowest figure any source states as fact (ACLED's conservative
rule) and the highest as `...Max`; they live in their own graph so that removing or
re-ingesting an article only means computing them again.

Beside the figures, each attack gets one summary of where and when over all its reports
(`ckg:canonicalDate`, `ckg:canonicalPlace`, `ckg:canonicalDistrict`, `ckg:canonicalProvince`):
the published queries sort, filter and group on these, stated once per attack, instead of
on the date and place each report states.
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


# Within each reporting article's graph, which names the attack's place; the place's label
# and class are read where the place is described (the registry graph for a gazetteer place).
LABEL_QUERY = """
SELECT DISTINCT ?attack ?type ?date ?place ?kind WHERE {
  GRAPH ?g {
    ?attack ckg:reportedIn ?article .
    OPTIONAL { ?attack a ?type }
    OPTIONAL { ?attack ckg:date ?date }
  }
  OPTIONAL { GRAPH ?g { ?attack ckg:occurredAt ?p } ?p rdfs:label ?place ; a ?kind }
}
"""
PLACE_RANK = {CKG.Facility: 4, CKG.Locality: 3, CKG.District: 2, CKG.Province: 1, CKG.Country: 0}

# The districts and provinces containing each place the reports name (the place itself
# included), from the registry's ckg:locatedIn chain.
AREA_QUERY = """
SELECT DISTINCT ?attack ?p ?label ?kind ?area ?areaKind WHERE {
  ?attack ckg:occurredAt ?p .
  ?p a ?kind .
  OPTIONAL { ?p rdfs:label ?label }
  OPTIONAL { ?p ckg:locatedIn* ?area . ?area a ?areaKind . FILTER(?areaKind IN (ckg:District, ckg:Province)) }
}
"""


def more_precise(date: str, than: str) -> bool:
    """A date with more digits wins; of two as precise, the later."""
    return (len(date), date) > (len(than), than)


def summary_triples(store: Store, attacks: list[URIRef]) -> list[tuple]:
    """Per attack: its most precise date, its most specific place, and the district and province
    of that place (or, when it has none, of the next most specific place that has one)."""
    values = " ".join(f"<{a}>" for a in attacks)
    out = []
    dates: dict[URIRef, Literal] = {}
    for row in store.select(f"SELECT DISTINCT ?attack ?date WHERE {{ VALUES ?attack {{ {values} }} "
                            "?attack ckg:date ?date }"):
        seen = dates.get(row["attack"])
        if seen is None or more_precise(str(row["date"]), str(seen)):
            dates[row["attack"]] = row["date"]
    out += [(a, CKG.canonicalDate, d) for a, d in dates.items()]
    places: dict[URIRef, dict[URIRef, dict]] = {}
    for row in store.select(AREA_QUERY.replace("WHERE {", f"WHERE {{ VALUES ?attack {{ {values} }}", 1)):
        if row["kind"] not in PLACE_RANK:
            continue
        place = places.setdefault(row["attack"], {}).setdefault(
            row["p"], {"rank": -1, "label": "", CKG.District: set(), CKG.Province: set()})
        place["rank"] = max(place["rank"], PLACE_RANK[row["kind"]])
        place["label"] = max(place["label"], str(row["label"] or ""))
        if row["area"] is not None:
            place[row["areaKind"]].add(row["area"])
    for attack, named in places.items():
        ranked = sorted(named, key=lambda p: (named[p]["rank"], named[p]["label"], str(p)), reverse=True)
        out.append((attack, CKG.canonicalPlace, ranked[0]))
        for kind, prop in ((CKG.District, CKG.canonicalDistrict), (CKG.Province, CKG.canonicalProvince)):
            area = next((min(named[p][kind], key=str) for p in ranked if named[p][kind]), None)
            if area is not None:
                out.append((attack, prop, area))
    return out


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
        if r["date"] is not None and more_precise(str(r["date"]), d["date"]):
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
    triples = (canonical_triples(store, attacks) + label_triples(store, attacks) + summary_triples(store, attacks)
               + match_notes(store, attacks))
    values = " ".join(f"<{a}>" for a in attacks)
    body = "\n".join(f"<{s}> <{p}> {o.n3()} ." for s, p, o in triples)
    update = (f"DELETE {{ GRAPH <{CANONICAL_GRAPH}> {{ ?a ?p ?o }} }} WHERE {{ VALUES ?a {{ {values} }} "
              f"GRAPH <{CANONICAL_GRAPH}> {{ ?a ?p ?o }} }}")
    if body:
        update += f" ;\nINSERT DATA {{ GRAPH <{CANONICAL_GRAPH}> {{\n{body}\n}} }}"
    store.update(update)
    return len(triples)
