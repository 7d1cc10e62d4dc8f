"""How long `conflictkg reason` takes on a synthetic store of many attacks.

    python benchmarks/reason_bench.py [--attacks 10000] [--store DIR]

Builds a store of one-attack articles through the real RDF code (article graphs plus the
registry's facts): attacks at gazetteer towns, a third of them at a police post or other
facility of their own, claimed by or blamed on registry groups, some articles stating
group relations. Then times reasoning (HermiT on groups and places, rules on the rest)
twice: the second run replaces the inferred graph the first one wrote.
"""
from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

from rdflib import Graph

from conflictkg.gazetteer import load_gazetteer
from conflictkg.ingest import ensure_ontology
from conflictkg.model import (Article, Attack, Casualties, Claim, Evidence, Extraction, Figure, GroupMention, GroupRef,
                              GroupRelation, PlaceRef)
from conflictkg.rdf import article_graph, registry_triples
from conflictkg.reason import reason
from conflictkg.store import open_store
from conflictkg.vocab import REGISTRY_GRAPH, article_graph as article_graph_iri

TYPES = ["ArmedAssault", "Bombing", "SuicideAttack", "VehicleBombing", "Ambush", "TargetedKilling", "GrenadeAttack"]
TARGETS = ["Police", "Military", "Civilians", "Religious", "Government"]
FACILITIES = ["police station", "check post", "police post", "market", "mosque", "school", "camp"]


def synthetic_extraction(n: int, rng: random.Random, towns, groups) -> Extraction:
    """One article reporting one attack, with a claim or a suspect, figures and evidence."""
    town = rng.choice(towns)
    if rng.random() < 0.33:
        place = PlaceRef(name=f"{town.name} {rng.choice(FACILITIES)}", kind="facility", parent_key=town.key)
    else:
        place = PlaceRef(name=town.name, kind="locality", key=town.key)
    group = rng.choice(groups)
    ref = GroupRef(group.name, group.key)
    sentence = Evidence(f"Sentence {n} about the attack.", 0, 30)
    attack = Attack(main=True, types=set(rng.sample(TYPES, 2)), targets={rng.choice(TARGETS)},
                    date=f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", place=place,
                    casualties=Casualties(killed=Figure(rng.randint(0, 30), "at least", sentence),
                                          injured=Figure(rng.randint(0, 50))),
                    evidence=[sentence])
    if rng.random() < 0.5:
        attack.claims.append(Claim(ref, sentence))
    else:
        attack.suspects.append(ref)
    relations = []
    if n % 40 == 0 and group.relations:
        rel = group.relations[0]
        other = load_gazetteer().group(rel.other)
        relations.append(GroupRelation(ref, rel.relation, GroupRef(other.name, other.key), sentence))
    article = Article(id=f"synthetic-{n:06d}", text="", file=f"synthetic-{n:06d}.txt")
    return Extraction(article=article, attacks=[attack], groups=[GroupMention(ref, {group.name})],
                      relations=relations)


def build(store, attacks: int, seed: int = 7, batch: int = 500) -> None:
    """Write `attacks` synthetic one-attack articles and the registry's facts about them."""
    rng = random.Random(seed)
    gaz = load_gazetteer()
    towns = [p for p in gaz.places() if p.kind == "locality" and p.key.startswith("pakistan/")]
    groups = gaz.groups()
    for start in range(0, attacks, batch):
        graphs, registry = [], Graph()
        for n in range(start, min(start + batch, attacks)):
            ex = synthetic_extraction(n, rng, towns, groups)
            g = article_graph(ex, [f"synthetic-{n:06d}-0"])
            graphs.append((article_graph_iri(ex.article.id), g))
            registry += registry_triples(g)
        with store.transaction() as tx:
            for iri, g in graphs:
                tx.replace_graph(iri, g)
            tx.add_to_graph(REGISTRY_GRAPH, registry)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attacks", type=int, default=10_000)
    parser.add_argument("--store", type=Path, help="store folder (default: a temporary one, deleted after)")
    args = parser.parse_args()
    folder = args.store or Path(tempfile.mkdtemp(prefix="reason-bench-")) / "store"
    try:
        with open_store(folder) as store:
            started = time.perf_counter()
            ensure_ontology(store)
            build(store, args.attacks)
            print(f"built {args.attacks} attacks: {store.count()} quads in {time.perf_counter() - started:.1f} s")
            for run in ("first", "second"):
                summary = reason(store)
                print(f"reason ({run} run): {summary.seconds:.1f} s; HermiT {summary.hermit_seconds:.1f} s on "
                      f"{summary.hermit_individuals} individuals (property values: "
                      f"{summary.hermit_property_values}); rules read {summary.asserted} triples, "
                      f"inferred {summary.inferred}; {summary.message}")
            print("inferred by property:", summary.by_predicate)
    finally:
        if args.store is None:
            shutil.rmtree(folder.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
