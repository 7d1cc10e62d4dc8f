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
from .rdf import article_graph, registry_nodes, registry_triples, split_descriptions
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


def new_articles(paths: list[str], published: date | None, store: Store, summary: IngestSummary,
                 batch_size: int, progress: Callable[[int], None] | None) -> Iterator[Article]:
    """The articles under `paths` that the store does not hold yet, checked a batch at a time."""
    for chunk in batches(read_articles(paths, published), batch_size):
        done = already_stored(store, chunk)
        summary.skipped += len(done)
        if done and progress:
            progress(len(done))
        yield from (a for a in chunk if a.id not in done)


def mentions(graph: Graph, node: URIRef) -> bool:
    """Whether a graph names a node, as subject or object."""
    return (node, None, None) in graph or (None, None, node) in graph


class BatchWriter:
    """Resolves extractions against the store and commits them a batch at a time.

    Groups and places are described in the registry graph, once: the gazetteer's facts for
    those it knows, the articles' for the others. Canonical figures of the attacks a batch
    touched are recomputed after it is committed.
    """

    def __init__(self, store: Store, summary: IngestSummary) -> None:
        self.store = store
        self.summary = summary
        self.resolver = Resolver(store)
        self.registered: set[URIRef] = set()  # group and place IRIs whose registry facts this run wrote

    def commit(self, found: list[Extraction]) -> None:
        """Resolve, build and write the graphs of a batch of extractions in one transaction."""
        graphs: list[tuple[URIRef, Graph]] = []
        attacks: set[URIRef] = set()
        nodes: set[URIRef] = set()
        described: set[tuple] = set()  # what the batch's articles say a new group or place is
        for ex in found:
            assignments = self.resolver.assign(ex)
            for a in assignments:
                if a.renamed:  # this article is the earliest report of a known attack: rename it
                    old = attack_iri(a.renamed)
                    rename_in_store(self.store, a.renamed, a.key)
                    graphs = [(iri, rename_graph(g, a.renamed, a.key) if mentions(g, old) else g) for iri, g in graphs]
                    attacks = {attack_iri(a.key) if x == old else x for x in attacks} | {old}
            g = graph_for(ex, assignments)
            own = split_descriptions(g)
            described |= own
            graphs.append((article_graph_iri(ex.article.id), g))
            attacks.update(g.subjects(CKG.reportedIn, None))
            named = registry_nodes(g) | registry_nodes(own)
            nodes |= named
            self.summary.attacks += len(ex.attacks)
            self.summary.groups |= {str(n) for n in named if str(n).startswith(str(ID["group/"]))}
            self.summary.places |= {str(n) for n in named if str(n).startswith(str(ID["place/"]))}
        registry = registry_triples(nodes - self.registered) | described
        with self.store.transaction() as tx:
            for iri, g in graphs:
                tx.replace_graph(iri, g)
            if registry:
                tx.add_to_graph(REGISTRY_GRAPH, registry)
        self.registered |= nodes
        refresh_canonical(self.store, sorted(attacks))
        self.summary.articles += len(found)


def ingest(paths: list[str], store: Store, *, published: date | None = None, model: str | None = None,
           batch_size: int = 64, workers: int = 1, executor: str = "local", scheduler: str | None = None,
           progress: Callable[[int], None] | None = None) -> IngestSummary:
    """Ingest the articles under `paths` into the store; returns a summary.

    Extraction streams ahead of the writes (workers keep parsing while a batch is
    committed); each batch of `batch_size` articles is one transaction, so an interrupted
    run keeps what it committed and the next run skips those articles.
    """
    start = time.perf_counter()
    check_all(paths, published)
    summary = IngestSummary(quads_before=store.count())
    ensure_ontology(store)
    writer = BatchWriter(store, summary)
    todo = new_articles(paths, published, store, summary, batch_size, progress)
    found = extractions(todo, model=model, workers=workers, executor=executor, scheduler=scheduler)
    for batch in batches(found, batch_size):
        writer.commit(batch)
        if progress:
            progress(len(batch))
    summary.quads_after = store.count()
    summary.seconds = time.perf_counter() - start
    return summary
