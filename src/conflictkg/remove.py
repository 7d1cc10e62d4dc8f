"""Removing an article: its named graph goes, and the attacks it reported are set right again.

An attack the article was the earliest report of takes the key of its next earliest
report; an attack no article reports any more loses its canonical figures; registry
facts that no remaining article needs (a group or place nobody names any more, the
district and province above it) are dropped. The store then holds what it would hold
had the article never been ingested.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef

from .canonical import refresh_canonical
from .rdf import registry_nodes, registry_triples
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


def named_registry_nodes(store: Store) -> set[URIRef]:
    """Every group and place IRI some article graph names."""
    rows = store.select(f"""SELECT DISTINCT ?n WHERE {{ GRAPH ?g {{ {{ ?n ?p ?o }} UNION {{ ?s ?p ?n }} }}
        FILTER(STRSTARTS(STR(?g), "{ID['graph/article/']}") && isIRI(?n)
               && (STRSTARTS(STR(?n), "{ID['group/']}") || STRSTARTS(STR(?n), "{ID['place/']}"))) }}""")
    return {r["n"] for r in rows}


def with_containers(registry: Graph, nodes: set[URIRef]) -> set[URIRef]:
    """The nodes and the places the registry graph puts them in: where a new place lies is
    stated there, not in the articles that name it."""
    return nodes | {o for n in nodes for o in registry.objects(n, CKG.locatedIn)}


def stale_registry_triples(store: Store, removed: Graph) -> set[tuple]:
    """The registry facts that only the removed article needed: the gazetteer's facts about
    what it named, and the description of a new group or place no other article names."""
    stored = store.graph_triples(REGISTRY_GRAPH)
    named = with_containers(stored, registry_nodes(removed))
    if not named:
        return set()
    still = with_containers(stored, named_registry_nodes(store))
    stale = registry_triples(named) - registry_triples(still)
    gone = [n for n in named - still if not registry_triples([n])]  # new to the registry, named no more
    stale |= {t for n in gone for t in stored.triples((n, None, None))}
    return stale


def remove_article(store: Store, name: str) -> Removal:
    """Remove one article and everything only it said."""
    article = find_article(store, name)
    article_id = str(article).rsplit("/", 1)[-1]
    graph = article_graph(article_id)
    removal = Removal(article_id)
    g = store.graph_triples(graph)
    removal.quads_removed = len(g)
    attacks = sorted(set(g.objects(article, CKG.reports)))
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
    stale = stale_registry_triples(store, g)
    if stale:
        body = "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in sorted(stale))
        store.update(f"DELETE DATA {{ GRAPH <{REGISTRY_GRAPH}> {{\n{body}\n}} }}")
    return removal
