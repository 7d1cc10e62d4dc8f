"""Removing an article: its named graph goes, and the attacks it reported are set right again.

An attack the article was the earliest report of takes the key of its next earliest
report; an attack no article reports any more loses its canonical figures; registry
facts about groups and places no article names any more are dropped. The store then
holds what it would hold had the article never been ingested.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from .canonical import refresh_canonical
from .resolve import order_of, rename_in_store
from .store.base import Store, StoreError
from .vocab import CKG, ID, REGISTRY_GRAPH, article_graph, article_iri, attack_iri


@dataclass
class Removal:
    article: str
    attacks: list[str] = field(default_factory=list)  # attack IRIs it reported
    renamed: dict[str, str] = field(default_factory=dict)  # old key -> new key
    quads_removed: int = 0


def find_article(store: Store, name: str) -> URIRef:
    """The article node for an id, a file name or an IRI."""
    rows = store.select("""SELECT DISTINCT ?a WHERE { ?a a ckg:Article .
        OPTIONAL { ?a ckg:sourceFile ?file } OPTIONAL { ?a rdfs:label ?label }
        FILTER(?a = ?iri || STR(?a) = ?name || ?file = ?name || ?label = ?name) }""",
                        {"name": Literal(name), "iri": article_iri(name)})
    if not rows:
        raise StoreError(f"no article '{name}' in the store (give its id, file name or IRI)")
    return rows[0]["a"]


def remaining_reports(store: Store, attack: URIRef) -> list[tuple[str, str | None]]:
    """(source key, publication date) of every report of an attack still in the store."""
    rows = store.select("""SELECT DISTINCT ?key ?published WHERE { GRAPH ?g { ?art ckg:reports ?attack .
        ?attack ckg:sourceKey ?key } OPTIONAL { ?art ckg:published ?published } }""", {"attack": attack})
    return [(str(r["key"]), str(r["published"]) if r["published"] is not None else None) for r in rows]


def orphan_registry_nodes(store: Store, nodes: list[URIRef]) -> list[URIRef]:
    """Of these group and place nodes, those no article graph mentions any more."""
    out = []
    for n in nodes:
        named = store.ask("""ASK { GRAPH ?g { { ?n ?p ?o } UNION { ?s ?p ?n } }
            FILTER(STRSTARTS(STR(?g), "https://w3id.org/conflictkg/id/graph/article/")) }""", {"n": n})
        if not named:
            out.append(n)
    return out


def remove_article(store: Store, name: str) -> Removal:
    """Remove one article and everything only it said."""
    article = find_article(store, name)
    article_id = str(article).rsplit("/", 1)[-1]
    graph = article_graph(article_id)
    removal = Removal(article_id)
    g = store.graph_triples(graph)
    removal.quads_removed = len(g)
    attacks = sorted(set(g.objects(article, CKG.reports)))
    mentioned = sorted({t for t in set(g.subjects()) | set(g.objects()) if isinstance(t, URIRef)
                        and str(t).startswith((str(ID["group/"]), str(ID["place/"])))})
    removal.attacks = [str(a) for a in attacks]
    store.remove_graph(graph)
    touched = list(attacks)
    for attack in attacks:
        key = str(attack).rsplit("/", 1)[-1]
        reports = remaining_reports(store, attack)
        if not reports:
            continue
        first = min(reports, key=lambda r: order_of(*r))[0]
        if first != key:
            rename_in_store(store, key, first)
            removal.renamed[key] = first
            touched.append(attack_iri(first))
    refresh_canonical(store, touched)
    orphans = orphan_registry_nodes(store, mentioned)
    if orphans:
        values = " ".join(f"<{n}>" for n in orphans)
        store.update(f"DELETE {{ GRAPH <{REGISTRY_GRAPH}> {{ ?n ?p ?o }} }} WHERE {{ VALUES ?n {{ {values} }} "
                     f"GRAPH <{REGISTRY_GRAPH}> {{ ?n ?p ?o }} }}")
    return removal
