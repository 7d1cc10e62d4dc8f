"""Reasoning over the seeds: what the inferred graph holds, what export shows, how clashes are told."""
from __future__ import annotations

import subprocess
import sys

import pytest
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from conflictkg.reason import closure, ontology_rules, reason
from conflictkg.store import open_store
from conflictkg.vocab import CKG, ID, INFERRED_GRAPH, PROV, SEM, article_graph

TTP = ID["group/tehreek-e-taliban-pakistan"]
TJP = ID["group/tehreek-e-jihad-pakistan"]
AFGHAN_TALIBAN = ID["group/afghan-taliban"]
AL_QAEDA = ID["group/al-qaeda"]
RELATIONS = (CKG.splinterOf, CKG.affiliateOf, CKG.alliedWith)


def run(*args):
    return subprocess.run([sys.executable, "-m", "conflictkg", *map(str, args)], capture_output=True,
                          text=True, timeout=300)


def inferred(path) -> Graph:
    with open_store(path, read_only=True) as store:
        return store.graph_triples(INFERRED_GRAPH)


@pytest.fixture(scope="module")
def inferred_graph(reasoned_store_path) -> Graph:
    return inferred(reasoned_store_path)


# --- what the inferred graph holds ------------------------------------------------------

def test_the_alliance_holds_both_ways(inferred_graph):
    """Articles say TTP is allied with the Afghan Taliban; alliedWith is symmetric."""
    assert (AFGHAN_TALIBAN, CKG.alliedWith, TTP) in inferred_graph


def test_splinters_and_allies_are_associated_both_ways(inferred_graph):
    for a, b in ((TJP, TTP), (TTP, AFGHAN_TALIBAN)):
        assert (a, CKG.associatedWith, b) in inferred_graph
        assert (b, CKG.associatedWith, a) in inferred_graph


def test_places_are_in_every_place_that_contains_them(reasoned_store_path, inferred_graph):
    with open_store(reasoned_store_path, read_only=True) as store:
        [row] = store.select("""SELECT DISTINCT ?d WHERE { ?d rdfs:label "Daraban" ; a ckg:Locality }""")
    daraban = row["d"]
    containers = set(inferred_graph.objects(daraban, CKG.locatedIn))
    assert {ID["place/pakistan"], ID["place/pakistan/khyber-pakhtunkhwa"]} <= containers
    assert (daraban, RDF.type, CKG.Place) in inferred_graph
    assert (daraban, RDF.type, SEM.Place) in inferred_graph


def test_groups_become_agents_and_attacks_events(inferred_graph):
    assert (TTP, RDF.type, PROV.Agent) in inferred_graph
    attacks = set(inferred_graph.subjects(RDF.type, SEM.Event))
    assert attacks and all(str(a).startswith(str(ID["attack/"])) for a in attacks)
    assert any(inferred_graph.objects(a, SEM.hasPlace) for a in attacks)


def test_attack_types_stay_as_reported(inferred_graph):
    """A vehicle bombing is not re-typed a bombing: counted as a type, it would read as one more report."""
    attack_types = {CKG[name] for name in ("ArmedAssault", "Bombing", "SuicideAttack", "VehicleBombing", "Ambush",
                                           "TargetedKilling", "Kidnapping", "Hijacking", "GrenadeAttack",
                                           "RocketAttack")}
    assert not [t for t in inferred_graph.triples((None, RDF.type, None)) if t[2] in attack_types]


def test_inferred_graph_repeats_nothing_asserted_and_no_registry_relation(reasoned_store_path, inferred_graph):
    with open_store(reasoned_store_path, read_only=True) as store:
        asserted = Graph()
        for name in store.graph_names():
            if name != INFERRED_GRAPH:
                asserted += store.graph_triples(name)
    assert len(inferred_graph) > 100
    assert not [t for t in inferred_graph if t in asserted]
    # the registry documents TTP allied with al-Qaeda; no article says so, so no direct triple follows
    assert (TTP, CKG.alliedWith, AL_QAEDA) not in inferred_graph
    assert (AL_QAEDA, CKG.alliedWith, TTP) not in inferred_graph


def test_reasoning_again_gives_the_same_graph(reasoned_store_path, tmp_path):
    import shutil
    path = tmp_path / "store"
    shutil.copytree(reasoned_store_path, path)
    before = inferred(path)
    with open_store(path) as store:
        summary = reason(store)
    assert summary.consistent and summary.written
    assert summary.inferred == len(before)
    assert set(inferred(path)) == set(before)


def test_summary_counts_hermits_share(reasoned_store_path, tmp_path):
    import shutil
    path = tmp_path / "store"
    shutil.copytree(reasoned_store_path, path)
    with open_store(path) as store:
        summary = reason(store, hermit=False)
    assert summary.hermit_individuals == 0 and summary.message == "not checked with HermiT"
    assert summary.by_predicate["ckg:alliedWith"] >= 1
    assert summary.inferred == len(inferred(path))  # the rules alone reach what HermiT adds on the seeds


def test_reasoning_over_a_remote_store(seeded_store_path, oxigraph_server):
    from servers import clear
    with open_store(seeded_store_path, read_only=True) as local, open_store(oxigraph_server) as remote:
        clear(remote)
        remote.write_batch((name, local.graph_triples(name)) for name in local.graph_names())
        summary = reason(remote)
        assert summary.consistent and summary.written and summary.inferred > 100
        assert (AFGHAN_TALIBAN, CKG.alliedWith, TTP) in remote.graph_triples(INFERRED_GRAPH)


# --- the rules on their own -------------------------------------------------------------

def test_rules_close_a_small_graph():
    a, b, c, town, district, province = (ID[x] for x in ("g/a", "g/b", "g/c", "p/t", "p/d", "p/p"))
    attack, claim = ID["attack/x"], ID["claim/x"]
    facts = {CKG.alliedWith: {(a, b)}, CKG.splinterOf: {(c, a)},
             CKG.locatedIn: {(town, district), (district, province)},
             CKG.claim: {(attack, claim)}, CKG.claimant: {(claim, c)}}
    types = {town: {CKG.Locality}}
    facts, types = closure(facts, types, ontology_rules())
    assert (b, a) in facts[CKG.alliedWith]
    assert {(a, c), (c, a), (a, b), (b, a)} <= facts[CKG.associatedWith]
    assert (town, province) in facts[CKG.locatedIn]
    assert (attack, c) in facts[CKG.claimedBy]  # the property chain claim/claimant
    assert (claim, attack) in facts[CKG.claimOf]  # the inverse of claim
    assert {CKG.Place, SEM.Place} <= types[town]
    assert CKG.ArmedGroup in types[b] and PROV.Agent in types[b]  # range of alliedWith


# --- the command line -------------------------------------------------------------------

def test_reason_command_reports_what_it_inferred(seeded_store_path, tmp_path):
    import shutil
    path = tmp_path / "store"
    shutil.copytree(seeded_store_path, path)
    result = run("reason", "--store", path)
    assert result.returncode == 0, result.stderr
    assert "HermiT: consistent" in result.stdout
    assert "ckg:alliedWith" in result.stdout and "ckg:locatedIn" in result.stdout
    assert (AFGHAN_TALIBAN, CKG.alliedWith, TTP) in inferred(path)


def test_an_inconsistent_store_is_reported_with_its_nodes(tmp_path):
    """A node typed both a province and an armed group: one clear report, nothing written."""
    odd = ID["place/pakistan/punjab"]
    path = tmp_path / "toy"
    with open_store(path) as store:
        g = Graph()
        g.add((odd, RDF.type, CKG.Province))
        g.add((odd, RDF.type, CKG.ArmedGroup))
        g.add((odd, SKOS.prefLabel, Literal("Punjab")))
        g.add((TTP, RDF.type, CKG.ArmedGroup))
        g.add((TTP, CKG.alliedWith, AFGHAN_TALIBAN))
        store.replace_graph(article_graph("toy"), g)
        summary = reason(store)
        assert not summary.consistent and not summary.written
        assert summary.inconsistent_nodes == [str(odd)]
        assert not store.has_graph(INFERRED_GRAPH)

    result = run("reason", "--store", path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "disjoint" in result.stderr and f"offending node: {odd}" in result.stderr
    assert "nothing was written" in result.stderr


# --- export -----------------------------------------------------------------------------

def exported(path, *flags) -> Dataset:
    result = subprocess.run([sys.executable, "-m", "conflictkg", "export", "-f", "trig", "--store", str(path),
                             *flags], capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    return Dataset(default_union=True).parse(data=result.stdout.decode(), format="trig")


def test_export_leaves_the_inferred_graph_out_unless_asked(reasoned_store_path, tmp_path):
    import shutil
    plain = exported(reasoned_store_path)
    assert INFERRED_GRAPH not in {g.identifier for g in plain.graphs()}
    assert (AFGHAN_TALIBAN, CKG.alliedWith, TTP) not in plain

    path = tmp_path / "store"
    shutil.copytree(reasoned_store_path, path)
    with open_store(path) as store:
        store.remove_graph(INFERRED_GRAPH)  # --infer reasons first, so it needs no earlier run
    full = exported(path, "--infer")
    assert INFERRED_GRAPH in {g.identifier for g in full.graphs()}
    assert (AFGHAN_TALIBAN, CKG.alliedWith, TTP, INFERRED_GRAPH) in full


def test_every_exported_group_relation_was_read_from_an_article(reasoned_store_path):
    """Registry relations are qualified nodes, so a scorer counting direct triples sees only
    what articles state (each with its rdf:Statement pointing at the article)."""
    ds = exported(reasoned_store_path)
    direct = {(s, p, o) for p in RELATIONS for s, o in ds.subject_objects(p)}
    assert (TJP, CKG.splinterOf, TTP) in direct
    assert (TTP, CKG.alliedWith, AL_QAEDA) not in direct
    for s, p, o in direct:
        statements = set(ds.subjects(RDF.subject, s)) & set(ds.subjects(RDF.predicate, p)) & set(
            ds.subjects(RDF.object, o))
        articles = {a for st in statements for a in ds.objects(st, PROV.wasDerivedFrom)}
        assert any((a, RDF.type, CKG.Article) in ds for a in articles), (s, p, o)
    registry = set(ds.subjects(RDF.type, CKG.GroupRelation))
    assert any((r, CKG.relationObject, AL_QAEDA) in ds for r in registry)
    assert all((r, PROV.wasAttributedTo, ID["registry"]) in ds for r in registry)
    assert isinstance(next(iter(registry)), URIRef)
