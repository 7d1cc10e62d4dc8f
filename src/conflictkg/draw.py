"""Pictures of the group network: a static figure (matplotlib) and an interactive page (pyvis).

Both need the optional `notebook` dependencies; the page carries its scripts inline, so it
opens without a network connection.
"""
from __future__ import annotations

import html
import math
import re
import textwrap
from pathlib import Path

import networkx as nx

RELATION_STYLE = {"splinterOf": "solid", "affiliateOf": "dashed", "alliedWith": "dotted"}
PROVENANCE_COLOUR = {"article": "#c0392b", "registry": "#95a5a6", "article+registry": "#6c3483"}
NAMED_COLOUR, REGISTRY_ONLY_COLOUR = "#2e86c1", "#d6eaf8"  # groups named in articles / only in the registry


def draw_group_network(graph: nx.MultiDiGraph, path: str | Path | None = None, *,
                       title: str = "Armed groups and their relations", seed: int = 7):
    """The group graph as a matplotlib Figure (saved as PNG when `path` is given).

    Node size grows with attacks; dark nodes are groups articles name, light ones are known
    only from the registry. Line style shows the relation, colour where it comes from.
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(11, 7.5), dpi=110)
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.axis("off")
    if len(graph) == 0:
        ax.text(0.5, 0.5, "no groups in the store", ha="center", va="center")
    else:
        pos = _layout(graph, seed)
        sizes = [500 + 350 * math.sqrt(graph.nodes[n].get("attacks", 0)) for n in graph]
        colours = [NAMED_COLOUR if graph.nodes[n].get("articles") else REGISTRY_ONLY_COLOUR for n in graph]
        nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=sizes, node_color=colours, edgecolors="#1b4f72")
        for (relation, provenance), edges in _edge_groups(graph).items():
            nx.draw_networkx_edges(graph, pos, edgelist=edges, ax=ax, style=RELATION_STYLE.get(relation, "solid"),
                                   edge_color=PROVENANCE_COLOUR.get(provenance, "#555555"), width=2, arrows=True,
                                   arrowsize=14, node_size=sizes, connectionstyle="arc3,rad=0.08")
        labels = {n: _label(graph.nodes[n]) for n in graph}
        nx.draw_networkx_labels(graph, pos, labels=labels, ax=ax, font_size=8)
        handles = [Line2D([], [], color="#333333", linestyle=style, label=relation)
                   for relation, style in RELATION_STYLE.items()]
        handles += [Line2D([], [], color=colour, linewidth=3, label=f"source: {provenance}")
                    for provenance, colour in PROVENANCE_COLOUR.items()]
        handles += [Line2D([], [], marker="o", linestyle="", markersize=9, color=c, markeredgecolor="#1b4f72",
                           label=text) for c, text in ((NAMED_COLOUR, "named in articles"),
                                                       (REGISTRY_ONLY_COLOUR, "registry only"))]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, fontsize=8,
                  frameon=False)
        ax.margins(0.08)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, format="png")
    return fig


def group_network_html(graph: nx.MultiDiGraph, path: str | Path | None = None, *, height: str = "620px") -> str:
    """The group graph as a self-contained interactive HTML page (pyvis); written to `path` if given."""
    from pyvis.network import Network

    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    for node, data in graph.nodes(data=True):
        tip = (f"{data['label']}\nattacks: {data.get('attacks', 0)}, killed: {data.get('killed', 0)}"
               + (f"\naliases: {', '.join(data.get('aliases', [])[:8])}" if data.get("aliases") else ""))
        net.add_node(node, label=textwrap.fill(data["label"], 22), title=tip,
                     size=14 + 8 * math.sqrt(data.get("attacks", 0)),
                     color=NAMED_COLOUR if data.get("articles") else REGISTRY_ONLY_COLOUR)
    for u, v, relation, data in graph.edges(keys=True, data=True):
        net.add_edge(u, v, label=relation, title="\n".join(data.get("sources", [])),
                     color=PROVENANCE_COLOUR.get(data.get("provenance", ""), "#555555"),
                     dashes=relation != "splinterOf", width=2)
    net.set_options('{"edges": {"font": {"size": 10, "align": "middle"}, "smooth": {"type": "curvedCW", '
                    '"roundness": 0.1}}, "physics": {"barnesHut": {"springLength": 160}}}')
    page = _offline(net.generate_html())
    if path is not None:
        Path(path).write_text(page, encoding="utf-8")
    return page


def html_frame(page: str, height: str = "640px") -> str:
    """An iframe holding a whole HTML page, for showing it inside a notebook."""
    return (f'<div><iframe srcdoc="{html.escape(page, quote=True)}" style="width:100%;height:{height};border:0">'
            "</iframe></div>")


def _offline(page: str) -> str:
    """The page without the stylesheet and script pyvis links from a CDN (cosmetic only)."""
    page = re.sub(r"<link[^>]*cdn\.jsdelivr\.net[^>]*/>", "", page)
    return re.sub(r"<script[^>]*cdn\.jsdelivr\.net[^>]*>\s*</script>", "", page)


def _layout(graph: nx.MultiDiGraph, seed: int) -> dict:
    """Each connected group of groups laid out on its own, side by side, largest first."""
    undirected = nx.Graph(graph.to_undirected())
    parts = sorted(nx.connected_components(undirected), key=lambda c: (-len(c), sorted(c)))
    pos, x = {}, 0.0
    for part in parts:
        radius = 0.35 + 0.3 * math.sqrt(len(part))
        sub = nx.spring_layout(undirected.subgraph(part), seed=seed, scale=radius, center=(x + radius, 0.0))
        pos.update(sub)
        x += 2 * radius + 0.3
    return pos


def _edge_groups(graph: nx.MultiDiGraph) -> dict[tuple[str, str], list[tuple[str, str]]]:
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for u, v, relation, data in graph.edges(keys=True, data=True):
        groups.setdefault((relation, data.get("provenance", "")), []).append((u, v))
    return groups


def _label(data: dict) -> str:
    """The group's name, wrapped, with its best-known acronym (the one with most capitals)."""
    acronyms = [a for a in data.get("aliases", ()) if re.fullmatch(r"[A-Z][A-Za-z]{1,4}", a)
                and sum(c.isupper() for c in a) >= 2]
    name = textwrap.fill(data["label"], 18)
    if not acronyms:
        return name
    best = max(acronyms, key=lambda a: (sum(c.isupper() for c in a), -len(a), a))
    return f"{name}\n({best})"
