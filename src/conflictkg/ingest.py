"""Ingesting articles: read, parse, extract, build RDF and write it to the store in batches.

Every article is read and checked before anything is written, so a bad file leaves the
store as it was. An article already in the store with the same content is skipped.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from rdflib import Graph, Literal, URIRef

from .articles import read_articles
from .canonical import refresh_canonical
from .model import Article, Extraction
from .ontology import ontology_graph
from .parallel import extractions
from .rdf import article_graph, registry_triples
from .resolve import Assignment, Resolver, own_key, rename_graph, rename_in_store
from .store.base import Store
from .vocab import CKG, ID, ONTOLOGY_GRAPH, REGISTRY_GRAPH, article_graph as article_graph_iri, article_iri, attack_iri

EXTRACTOR_VERSION = "1"  # part of each article's content hash: a new extractor re-reads articles


@dataclass
class IngestSummary:
    """What one ingest run did."""

    articles: int = 0
    skipped: int = 0
    attacks: int = 0
    groups: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    quads_before: int = 0
    quads_after: int = 0
    seconds: float = 0.0


def content_hash(article: Article) -> str:
    """A hash of what the graph of an article depends on."""
    parts = [EXTRACTOR_VERSION, article.id, article.text, str(article.published or ""), article.source or "",
             article.url or "", article.file or ""]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def graph_for(ex: Extraction, assignments: list[Assignment]) -> Graph:
    """The named graph of one article, with its content hash and each attack's own key."""
    g = article_graph(ex, [a.key for a in assignments])
    g.add((article_iri(ex.article.id), CKG.contentHash, Literal(content_hash(ex.article))))
    for i, a in enumerate(assignments):
        g.add((attack_iri(a.key), CKG.sourceKey, Literal(own_key(ex.article.id, i))))
    return g


def already_stored(store: Store, articles: list[Article]) -> set[str]:
    """Ids of articles whose current content is already in the store."""
    if not articles:
        return set()
    values = " ".join(f"(<{article_iri(a.id)}> \"{content_hash(a)}\")" for a in articles)
    rows = store.select(f"SELECT ?a WHERE {{ VALUES (?a ?h) {{ {values} }} ?a ckg:contentHash ?h }}")
    stored = {str(r["a"]) for r in rows}
    return {a.id for a in articles if str(article_iri(a.id)) in stored}


def ensure_ontology(store: Store) -> None:
    """Keep the ontology in its own graph, so the store answers questions about its terms."""
    if not store.has_graph(ONTOLOGY_GRAPH):
        store.replace_graph(ONTOLOGY_GRAPH, ontology_graph())


def batches(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def check_all(paths: list[str], published: date | None) -> int:
    """Read every article once without keeping it; raises ArticleError on the first bad one."""
    return sum(1 for _ in read_articles(paths, published))


def ingest(paths: list[str], store: Store, *, published: date | None = None, model: str | None = None,
           batch_size: int = 64, workers: int = 1, executor: str = "local", scheduler: str | None = None,
           progress: Callable[[int], None] | None = None) -> IngestSummary:
    """Ingest the articles under `paths` into the store; returns a summary."""
    start = time.perf_counter()
    check_all(paths, published)
    summary = IngestSummary(quads_before=store.count())
    ensure_ontology(store)
    resolver = Resolver(store)
    for chunk in batches(read_articles(paths, published), batch_size):
        done = already_stored(store, chunk)
        todo = [a for a in chunk if a.id not in done]
        summary.skipped += len(done)
        found = extractions(todo, model=model, workers=workers, executor=executor, scheduler=scheduler)
        graphs, registry, attacks = [], Graph(), []
        for ex in found:
            article = ex.article
            assignments = resolver.assign(ex)
            for a in assignments:
                if a.renamed:  # this article is the earliest report of a known attack: rename it
                    rename_in_store(store, a.renamed, a.key)
                    graphs = [(iri, rename_graph(g, a.renamed, a.key)) for iri, g in graphs]
                    attacks = [URIRef(str(x).replace(f"/attack/{a.renamed}", f"/attack/{a.key}")) for x in attacks]
                    attacks.append(attack_iri(a.renamed))
            g = graph_for(ex, assignments)
            graphs.append((article_graph_iri(article.id), g))
            registry += registry_triples(g)
            attacks += [s for s in g.subjects(CKG.reportedIn, None)]
            summary.attacks += len(ex.attacks)
            summary.groups |= {str(o) for o in g.subjects() if str(o).startswith(str(ID["group/"]))}
            summary.places |= {str(s) for s, _, _ in g.triples((None, CKG.locatedIn, None))}
        with store.transaction() as tx:
            for iri, g in graphs:
                tx.replace_graph(iri, g)
            if len(registry):
                tx.add_to_graph(REGISTRY_GRAPH, registry)
        refresh_canonical(store, [URIRef(a) for a in attacks])
        summary.articles += len(todo)
        if progress:
            progress(len(chunk))
    summary.quads_after = store.count()
    summary.seconds = time.perf_counter() - start
    return summary
