"""The group network built from the seeds: families, their attacks, centrality, exports, the CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import networkx as nx
import pytest

from conflictkg import network
from conflictkg.store import open_store
from conflictkg.vocab import ID

TTP = str(ID["group/tehreek-e-taliban-pakistan"])
TJP = str(ID["group/tehreek-e-jihad-pakistan"])
AFGHAN_TALIBAN = str(ID["group/afghan-taliban"])
AL_QAEDA = str(ID["group/al-qaeda"])


@pytest.fixture(scope="module")
def graphs(reasoned_store_path):
    """The group graph and the group-attack-place graph of the seeds (with an inferred graph in the store,
    which neither graph may pick up)."""
    with open_store(reasoned_store_path, read_only=True) as store:
        return network.group_graph(store), network.attack_graph(store)


def by_label(kin):
    return {k.label: k for k in kin}


def test_groups_carry_names_attacks_and_casualties(graphs):
    groups, _ = graphs
    ttp = groups.nodes[TTP]
    assert ttp["label"] == "Tehreek-e-Taliban Pakistan"
    assert {"TTP", "Pakistani Taliban"} <= set(ttp["aliases"])
    assert ttp["attacks"] >= 2 and ttp["articles"] >= 3
    assert groups.nodes[TJP]["claimed"] >= 1 and groups.nodes[TJP]["killed"] >= 23
    assert groups.nodes[AL_QAEDA]["articles"] == 0  # known from the registry only


def test_edges_say_where_they_come_from(graphs):
    groups, _ = graphs
    splinter = groups.edges[TJP, TTP, "splinterOf"]
    assert splinter["provenance"] == "article+registry"
    assert "article: 002_1b6b5cd637d6ab71.txt" in splinter["sources"]
    assert any(s.startswith("registry: ") for s in splinter["sources"])
    assert any("splinter" in s.lower() or "offshoot" in s.lower() for s in splinter["sentences"])
    ally = groups.edges[TTP, AL_QAEDA, "alliedWith"]
    assert ally["provenance"] == "registry" and ally["sentences"] == []
    # asserted relations only: the inferred reverse alliance is no second edge
    assert not groups.has_edge(AFGHAN_TALIBAN, TTP)


def test_tjp_family_reaches_the_afghan_taliban_through_ttp(graphs):
    groups, _ = graphs
    kin = by_label(network.family(groups, "TJP"))
    assert kin["Tehreek-e-Jihad Pakistan"].distance == 0
    assert kin["Tehreek-e-Taliban Pakistan"].distance == 1
    taliban = kin["Afghan Taliban"]
    assert taliban.distance == 2 and taliban.relations == ["splinterOf", "alliedWith"]
    assert taliban.path == [TJP, TTP, AFGHAN_TALIBAN]
    assert taliban.how == ("Tehreek-e-Jihad Pakistan splinterOf Tehreek-e-Taliban Pakistan; "
                           "Tehreek-e-Taliban Pakistan alliedWith Afghan Taliban")


def test_offshoots_only_follow_splinters_and_affiliates(graphs):
    groups, _ = graphs
    kin = by_label(network.family(groups, "Pakistani Taliban", offshoots_only=True))
    assert "Tehreek-e-Jihad Pakistan" in kin and "Jamaat-ul-Ahrar" in kin
    assert "Afghan Taliban" not in kin and "Al-Qaeda" not in kin
    allies = by_label(network.family(groups, TTP, relations=("alliedWith",)))
    assert set(allies) >= {"Afghan Taliban", "Al-Qaeda"} and "Tehreek-e-Jihad Pakistan" not in allies


def test_attacks_claimed_by_ttps_family_include_daraban(graphs):
    groups, attacks = graphs
    rows = network.family_attacks(attacks, groups, "TTP")
    daraban = [r for r in rows if "Daraban" in r["place"] or "Daraban" in r["label"]]
    assert daraban and {r["group"] for r in daraban} == {"Tehreek-e-Jihad Pakistan"}
    assert daraban[0]["how"] == "Tehreek-e-Jihad Pakistan splinterOf Tehreek-e-Taliban Pakistan"
    assert all(r["role"] == "claimedBy" for r in rows)
    blamed = network.family_attacks(attacks, groups, "TTP", roles=("suspectedPerpetrator",))
    assert any(r["place"] == "Tank" for r in blamed)


def test_unknown_group_is_a_clear_error(graphs):
    groups, _ = graphs
    with pytest.raises(network.GroupNotFound, match="no group named 'Nobody'"):
        network.family(groups, "Nobody")


def test_centrality_puts_ttp_first(graphs):
    groups, attacks = graphs
    rows = network.centrality(groups, attacks)
    assert rows[0]["label"] == "Tehreek-e-Taliban Pakistan"
    assert rows[0]["links"] >= 3 and rows[0]["betweenness"] > 0


def test_attack_graph_links_attacks_groups_and_the_place_tree(graphs):
    _, attacks = graphs
    kinds = nx.get_node_attributes(attacks, "kind")
    assert {"group", "attack", "place"} <= set(kinds.values())
    daraban = next(n for n, d in attacks.nodes(data=True) if d["kind"] == "attack" and "Daraban" in d["label"])
    assert (daraban, TJP, "claimedBy") in attacks.edges(keys=True)
    place = next(p for _, p, k in attacks.out_edges(daraban, keys=True) if k == "occurredAt")
    chain = [attacks.nodes[place]["label"]]
    while parents := [p for _, p, k in attacks.out_edges(place, keys=True) if k == "locatedIn"]:
        assert len(parents) == 1  # the asserted chain, not the inferred shortcuts
        place = parents[0]
        chain.append(attacks.nodes[place]["label"])
    assert chain[-2:] == ["Khyber Pakhtunkhwa", "Pakistan"]


@pytest.mark.parametrize("suffix", ["graphml", "gexf", "json"])
def test_exports_read_back(graphs, tmp_path, suffix):
    groups, _ = graphs
    path = network.export_graph(groups, tmp_path / f"groups.{suffix}")
    if suffix == "json":
        back = nx.node_link_graph(json.loads(path.read_text()), edges="edges")
        assert back.edges[TJP, TTP, "splinterOf"]["provenance"] == "article+registry"
    else:
        back = nx.read_graphml(path) if suffix == "graphml" else nx.read_gexf(path)
        assert "article: 002_1b6b5cd637d6ab71.txt" in str(back.get_edge_data(TJP, TTP))
    assert back.number_of_nodes() == groups.number_of_nodes()
    with pytest.raises(ValueError, match="unknown graph format"):
        network.export_graph(groups, tmp_path / "groups.xml")


def test_network_from_a_remote_store_is_the_same(graphs, seeded_store_path, oxigraph_server):
    from servers import clear
    with open_store(seeded_store_path, read_only=True) as local, open_store(oxigraph_server) as remote:
        clear(remote)
        remote.write_batch((name, local.graph_triples(name)) for name in local.graph_names())
        groups = network.group_graph(remote)
    local_groups, _ = graphs
    assert set(groups.nodes) == set(local_groups.nodes)
    assert {(u, v, k) for u, v, k in groups.edges(keys=True)} == {
        (u, v, k) for u, v, k in local_groups.edges(keys=True)}
    assert "Afghan Taliban" in by_label(network.family(groups, "TJP"))


def test_groups_command_prints_the_family_and_exports(reasoned_store_path, tmp_path):
    out = tmp_path / "groups.gexf"
    result = subprocess.run([sys.executable, "-m", "conflictkg", "groups", "TJP", "--store", str(reasoned_store_path),
                             "--export", str(out)], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "COLUMNS": "250"})
    assert result.returncode == 0, result.stderr
    assert "Afghan Taliban" in result.stdout and "alliedWith" in result.stdout
    assert "Daraban" in result.stdout  # the family's attacks
    assert nx.read_gexf(out).number_of_nodes() >= 6
    missing = subprocess.run([sys.executable, "-m", "conflictkg", "groups", "Nobody", "--store",
                              str(reasoned_store_path)], capture_output=True, text=True, timeout=300)
    assert missing.returncode == 1 and "no group named 'Nobody'" in missing.stderr
    assert "Traceback" not in missing.stderr
