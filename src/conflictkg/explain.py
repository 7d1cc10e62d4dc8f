"""Why an attack node is what it is: the articles merged into it, their figures, the evidence."""
from __future__ import annotations

from rdflib import URIRef

from .store.base import Store, StoreError
from .vocab import attack_iri

REPORTS = """
SELECT DISTINCT ?file ?published ?main ?killed ?injured ?attackersKilled ?claimed WHERE {
  GRAPH ?g { ?article ckg:reports ?attack . }
  ?article ckg:sourceFile ?file .
  OPTIONAL { ?article ckg:published ?published }
  BIND(EXISTS { ?article ckg:mainEvent ?attack } AS ?main)
  OPTIONAL { ?attack ckg:casualtyReport ?r . ?r prov:wasDerivedFrom ?article .
             OPTIONAL { ?r ckg:killed ?killed } OPTIONAL { ?r ckg:injured ?injured }
             OPTIONAL { ?r ckg:attackersKilled ?attackersKilled } OPTIONAL { ?r ckg:claimedKilled ?claimed } }
} ORDER BY ?published ?file
"""
SUMMARY = """
SELECT ?label ?killed ?killedMax ?injured ?injuredMax WHERE {
  OPTIONAL { GRAPH <https://w3id.org/conflictkg/id/graph/canonical> { ?attack rdfs:label ?label } }
  OPTIONAL { ?attack ckg:killed ?killed } OPTIONAL { ?attack ckg:killedMax ?killedMax }
  OPTIONAL { ?attack ckg:injured ?injured } OPTIONAL { ?attack ckg:injuredMax ?injuredMax }
} LIMIT 1
"""


def attack_node(spec: str) -> URIRef:
    """An attack IRI from a full IRI, 'id:attack/KEY' or a bare key."""
    if spec.startswith(("http://", "https://")):
        return URIRef(spec)
    key = spec.split("attack/", 1)[-1]
    return attack_iri(key)


def explain_attack(store: Store, spec: str) -> list[str]:
    """Lines telling which articles make up an attack and on what evidence they were merged."""
    attack = attack_node(spec)
    if not store.ask("ASK { ?attack a ckg:Attack }", {"attack": attack}):
        raise StoreError(f"no attack {attack} in the store")
    s = store.select(SUMMARY, {"attack": attack}).rows[0]
    fig = lambda low, high: "?" if low is None else f"{low}" + (f" (up to {high})" if high not in (None, low) else "")
    lines = [f"{attack}", f"  {s['label'] or 'attack'}",
             f"  canonical: killed {fig(s['killed'], s['killedMax'])}, injured {fig(s['injured'], s['injuredMax'])}",
             "  reported by:"]
    for r in store.select(REPORTS, {"attack": attack}).rows:
        figures = ", ".join(f"{name} {r[var]}" for name, var in (("killed", "killed"), ("injured", "injured"),
                            ("attackers killed", "attackersKilled"), ("group claims killed", "claimed"))
                            if r[var] is not None) or "no figures"
        role = "main story" if r["main"] is not None and r["main"].toPython() else "background"
        lines.append(f"    {r['file']} ({r['published'] or 'undated'}, {role}): {figures}")
    notes = store.select("SELECT DISTINCT ?note WHERE { ?attack ckg:matchNote ?note } ORDER BY ?note",
                         {"attack": attack}).rows
    lines.append("  merged because:" if notes else "  merged because: reported by one article only")
    lines += [f"    {n['note']}" for n in notes]
    return lines



