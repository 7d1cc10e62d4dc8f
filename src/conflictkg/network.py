"""The group network as networkx graphs built from SPARQL, and the questions analysts ask of it.

Two graphs, from any store (embedded or remote):

- the group graph: one node per armed group (names, aliases, attacks, killed), one edge per
  stated relation (splinterOf, affiliateOf, alliedWith) with every source behind it, an
  article ("article: <file>") or the group registry ("registry: <citation>");
- the group-attack-place graph: groups, attacks and places, linked by claimedBy,
  suspectedPerpetrator, occurredAt and the asserted locatedIn chain.
"""
from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from .queries import load_query_text
from .store.base import Store
from .vocab import ID, INFERRED_GRAPH

RELATIONS = ("splinterOf", "affiliateOf", "alliedWith")
OFFSHOOT_RELATIONS = ("splinterOf", "affiliateOf")  # subject is an offshoot of the object
EXPORT_FORMATS = ("graphml", "gexf", "json")
PLACE_KINDS = ("Country", "Province", "District", "Locality", "Facility")

GROUPS = """
SELECT ?group (SAMPLE(?pref) AS ?label) (GROUP_CONCAT(DISTINCT ?alt; separator="\\u001f") AS ?aliases)
WHERE { ?group a ckg:ArmedGroup . OPTIONAL { ?group skos:prefLabel ?pref } OPTIONAL { ?group skos:altLabel ?alt } }
GROUP BY ?group
"""
ARTICLES_NAMING = f"""
SELECT ?group (COUNT(DISTINCT ?g) AS ?articles)
WHERE {{ VALUES ?p {{ ckg:mentions ckg:claimedBy ckg:suspectedPerpetrator ckg:splinterOf ckg:affiliateOf
                     ckg:alliedWith }}
        GRAPH ?g {{ {{ ?x ?p ?group }} UNION {{ ?group ?p ?x }} }}
        FILTER(STRSTARTS(STR(?g), "{ID['graph/article/']}") && STRSTARTS(STR(?group), "{ID['group/']}")) }}
GROUP BY ?group
"""
ATTACKS = """
SELECT ?attack (SAMPLE(?l) AS ?label) (SAMPLE(STR(?d)) AS ?date) (MIN(?k) AS ?killed) (MIN(?i) AS ?injured)
       (SAMPLE(?p) AS ?place)
WHERE { ?attack a ckg:Attack . OPTIONAL { ?attack rdfs:label ?l } OPTIONAL { ?attack ckg:date ?d }
        OPTIONAL { ?attack ckg:killed ?k } OPTIONAL { ?attack ckg:injured ?i } OPTIONAL { ?attack ckg:occurredAt ?p } }
GROUP BY ?attack
"""
ROLES = """
SELECT DISTINCT ?attack ?role ?group WHERE {
  VALUES ?role { ckg:claimedBy ckg:suspectedPerpetrator } ?attack ?role ?group . ?attack a ckg:Attack }
"""
PLACES = f"""
SELECT DISTINCT ?place ?label ?kind ?parent WHERE {{
  VALUES ?kind {{ {" ".join(f"ckg:{k}" for k in PLACE_KINDS)} }}
  ?place a ?kind . OPTIONAL {{ ?place rdfs:label ?label }}
  OPTIONAL {{ GRAPH ?g {{ ?place ckg:locatedIn ?parent }} FILTER(?g != <{INFERRED_GRAPH}>) }}
}}
"""


class GroupNotFound(LookupError):
    """No group in the graph goes by that name."""


@dataclass
class Kin:
    """A group reachable from another through relations, and the shortest way there."""

    group: str  # IRI
    label: str
    distance: int
    path: list[str] = field(default_factory=list)  # group IRIs from the start to this group
    steps: list[tuple[str, str, str]] = field(default_factory=list)  # (subject label, relation, object label)

    @property
    def relations(self) -> list[str]:
        return [relation for _, relation, _ in self.steps]

    @property
    def how(self) -> str:
        """The path as text: 'TJP splinterOf TTP; TTP alliedWith Afghan Taliban'."""
        return "; ".join(f"{s} {r} {o}" for s, r, o in self.steps)


# ---------------------------------------------------------------- building

def group_graph(store: Store) -> nx.MultiDiGraph:
    """Groups as nodes (label, aliases, attacks, claimed, suspected, killed, articles) and their
    relations as edges keyed by relation, each with its sources and provenance."""
    graph = nx.MultiDiGraph(name="conflictkg group network")
    for row in store.select(GROUPS):
        iri = str(row["group"])
        aliases = sorted(a for a in str(row["aliases"] or "").split("\x1f") if a)
        graph.add_node(iri, label=str(row["label"] or _tail(iri)), aliases=aliases, attacks=0, claimed=0,
                       suspected=0, killed=0, articles=0)
    for row in store.select(load_query_text("group-activity")):
        iri = str(row["group"])
        if iri in graph:
            claimed, suspected = int(row["claimed"] or 0), int(row["suspected"] or 0)
            graph.nodes[iri].update(claimed=claimed, suspected=suspected, attacks=claimed + suspected,
                                    killed=int(row["killed"] or 0))
    for row in store.select(ARTICLES_NAMING):
        if str(row["group"]) in graph:
            graph.nodes[str(row["group"])]["articles"] = int(row["articles"])
    for row in store.select(load_query_text("group-relations")):
        s, o, relation = str(row["subject"]), str(row["object"]), str(row["relation"])
        for node, label in ((s, row["subjectLabel"]), (o, row["objectLabel"])):
            if node not in graph:
                graph.add_node(node, label=str(label or _tail(node)), aliases=[], attacks=0, claimed=0,
                               suspected=0, killed=0, articles=0)
        if not graph.has_edge(s, o, key=relation):
            graph.add_edge(s, o, key=relation, relation=relation, sources=[], sentences=[], provenance="")
        edge = graph.edges[s, o, relation]
        source = f"{row['provenance']}: {row['source']}".rstrip(": ")
        if source not in edge["sources"]:
            edge["sources"].append(source)
        if row["sentence"] is not None and str(row["sentence"]) not in edge["sentences"]:
            edge["sentences"].append(str(row["sentence"]))
        kinds = {src.split(":", 1)[0] for src in edge["sources"]}
        edge["provenance"] = "+".join(sorted(kinds))
    return graph


def attack_graph(store: Store) -> nx.MultiDiGraph:
    """Groups, attacks and places: attack -claimedBy/suspectedPerpetrator-> group,
    attack -occurredAt-> place, place -locatedIn-> place (asserted links only)."""
    graph = nx.MultiDiGraph(name="conflictkg groups, attacks and places")
    for row in store.select(GROUPS):
        graph.add_node(str(row["group"]), kind="group", label=str(row["label"] or _tail(str(row["group"]))))
    for row in store.select(PLACES):
        place = str(row["place"])
        graph.add_node(place, kind="place", place_kind=_tail(str(row["kind"]), "#"),
                       label=str(row["label"] or _tail(place)))
        if row["parent"] is not None:
            graph.add_edge(place, str(row["parent"]), key="locatedIn", relation="locatedIn")
    for row in store.select(ATTACKS):
        attack = str(row["attack"])
        graph.add_node(attack, kind="attack", label=str(row["label"] or _tail(attack)),
                       date=str(row["date"] or ""), killed=_int(row["killed"]), injured=_int(row["injured"]))
        if row["place"] is not None:
            graph.add_edge(attack, str(row["place"]), key="occurredAt", relation="occurredAt")
    for row in store.select(ROLES):
        role = _tail(str(row["role"]), "#")
        graph.add_edge(str(row["attack"]), str(row["group"]), key=role, relation=role)
    for node, data in graph.nodes(data=True):  # ends of links to nodes the queries did not type
        data.setdefault("kind", "other")
        data.setdefault("label", _tail(node))
    return graph


# ---------------------------------------------------------------- questions

def find_group(graph: nx.Graph, name: str) -> str:
    """The node of the group with this IRI, key, name or alias (any case)."""
    wanted = name.strip().casefold()
    for node, data in graph.nodes(data=True):
        if data.get("kind", "group") != "group":
            continue
        names = [node, _tail(node), data.get("label", ""), *data.get("aliases", ())]
        if wanted in (n.casefold() for n in names):
            return node
    raise GroupNotFound(f"no group named {name!r} in the network")


def family(graph: nx.MultiDiGraph, group: str, *, relations: tuple[str, ...] = RELATIONS,
           offshoots_only: bool = False) -> list[Kin]:
    """Every group connected to `group` by the given relations, nearest first, with the path.

    By default edges are followed both ways (parents, offshoots, allies and theirs);
    offshoots_only follows only splinters and affiliates of the group, and theirs.
    """
    start = find_group(graph, group)
    label = graph.nodes[start]["label"]
    found = {start: Kin(start, label, 0, [start], [])}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for other, step in _neighbours(graph, node, relations, offshoots_only):
            if other not in found:
                before = found[node]
                found[other] = Kin(other, graph.nodes[other]["label"], before.distance + 1,
                                   before.path + [other], before.steps + [step])
                queue.append(other)
    return sorted(found.values(), key=lambda k: (k.distance, k.label))


def family_attacks(attacks: nx.MultiDiGraph, groups: nx.MultiDiGraph, group: str, *,
                   roles: tuple[str, ...] = ("claimedBy",), relations: tuple[str, ...] = RELATIONS,
                   offshoots_only: bool = False) -> list[dict]:
    """Attacks claimed by (or, with the role, blamed on) a group or any group of its family."""
    rows = []
    for kin in family(groups, group, relations=relations, offshoots_only=offshoots_only):
        if kin.group not in attacks:
            continue
        for attack, _, role in attacks.in_edges(kin.group, keys=True):
            if role not in roles:
                continue
            data = attacks.nodes[attack]
            rows.append({"attack": attack, "label": data["label"], "date": data.get("date", ""),
                         "place": _place_of(attacks, attack), "killed": data.get("killed"),
                         "group": kin.label, "role": role, "how": kin.how or "the group itself"})
    return sorted(rows, key=lambda r: (r["date"] or "", r["label"], r["group"]))


def families(groups: nx.MultiDiGraph, attacks: nx.MultiDiGraph) -> list[dict]:
    """One row per family (groups linked by any relation): its members, and the attacks any member
    claimed or is blamed for, counted once each, with their dead."""
    rows = []
    for members in nx.weakly_connected_components(groups):
        hits = {a for g in members if g in attacks for a, _, role in attacks.in_edges(g, keys=True)
                if role in ("claimedBy", "suspectedPerpetrator")}
        if not hits and len(members) == 1:
            continue  # a lone group with no attack says nothing
        head = max(members, key=lambda g: (groups.degree(g), groups.nodes[g].get("attacks", 0), g))
        rows.append({"family": groups.nodes[head]["label"], "groups": len(members),
                     "members": sorted(groups.nodes[g]["label"] for g in members), "attacks": len(hits),
                     "killed": sum(attacks.nodes[a].get("killed") or 0 for a in hits)})
    return sorted(rows, key=lambda r: (-r["attacks"], -r["killed"], r["family"]))


def centrality(groups: nx.MultiDiGraph, attacks: nx.MultiDiGraph | None = None) -> list[dict]:
    """Groups ranked by centrality: degree in the graph of groups and the attacks they claimed or
    are blamed for (attacks and links together), then betweenness among groups alone."""
    simple = nx.Graph()
    simple.add_nodes_from(groups.nodes)
    simple.add_edges_from((u, v) for u, v in groups.edges() if u != v)
    between = nx.betweenness_centrality(simple) if len(simple) > 2 else dict.fromkeys(simple, 0.0)
    combined = simple.copy()
    if attacks is not None:
        combined.add_edges_from((a, g) for a, g, role in attacks.edges(keys=True)
                                if role in ("claimedBy", "suspectedPerpetrator") and g in simple)
    degree = nx.degree_centrality(combined) if len(combined) > 1 else dict.fromkeys(combined, 0.0)
    rows = [{"group": node, "label": data["label"], "attacks": data.get("attacks", 0),
             "killed": data.get("killed", 0), "links": simple.degree(node),
             "centrality": round(degree.get(node, 0.0), 4), "betweenness": round(between.get(node, 0.0), 4)}
            for node, data in groups.nodes(data=True)]
    return sorted(rows, key=lambda r: (-r["centrality"], -r["betweenness"], r["label"]))


# ---------------------------------------------------------------- export

def export_graph(graph: nx.Graph, path: str | Path, fmt: str | None = None) -> Path:
    """Write the graph as GraphML or GEXF (Gephi, Cytoscape) or node-link JSON; format by suffix."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "json":
        data = nx.node_link_data(graph, edges="edges")
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    elif fmt == "graphml":
        nx.write_graphml(_flat(graph), path)
    else:
        nx.write_gexf(_flat(graph), path)
    return path


def _flat(graph: nx.Graph) -> nx.Graph:
    """A copy whose attribute values GraphML and GEXF accept: lists joined, None left out."""
    def flat(attrs: dict) -> dict:
        return {k: ("; ".join(map(str, v)) if isinstance(v, (list, tuple, set)) else v)
                for k, v in attrs.items() if v is not None}
    out = graph.__class__()
    out.graph.update(flat(graph.graph))
    out.add_nodes_from((n, flat(d)) for n, d in graph.nodes(data=True))
    if graph.is_multigraph():
        out.add_edges_from((u, v, k, flat(d)) for u, v, k, d in graph.edges(keys=True, data=True))
    else:
        out.add_edges_from((u, v, flat(d)) for u, v, d in graph.edges(data=True))
    return out


# ---------------------------------------------------------------- helpers

def _neighbours(graph: nx.MultiDiGraph, node: str, relations: tuple[str, ...], offshoots_only: bool):
    """(other group, step) pairs one relation away, in a stable order."""
    label = graph.nodes[node]["label"]
    out = []
    for _, other, relation in graph.out_edges(node, keys=True):
        if relation in relations and not offshoots_only:
            out.append((other, (label, relation, graph.nodes[other]["label"])))
    for other, _, relation in graph.in_edges(node, keys=True):
        if relation in relations and (not offshoots_only or relation in OFFSHOOT_RELATIONS):
            out.append((other, (graph.nodes[other]["label"], relation, label)))
    return sorted(out, key=lambda pair: (pair[1][1], pair[0]))


def _place_of(graph: nx.MultiDiGraph, attack: str) -> str:
    places = [graph.nodes[p]["label"] for _, p, key in graph.out_edges(attack, keys=True) if key == "occurredAt"]
    return places[0] if places else ""


def _tail(iri: str, sep: str = "/") -> str:
    return iri.rsplit(sep, 1)[-1]


def _int(value) -> int | None:
    return None if value is None else int(value)
