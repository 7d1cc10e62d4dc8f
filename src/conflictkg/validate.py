"""Check instance data against the SHACL shapes in ontology/shapes.ttl with pySHACL."""
from __future__ import annotations

from dataclasses import dataclass, field

import pyshacl
from rdflib import BNode, ConjunctiveGraph, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from conflictkg.ontology import class_tree, shapes_graph

_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}

_PREFIXES = {
    "https://w3id.org/conflictkg/ontology#": "ckg:",
    "https://w3id.org/conflictkg/id/": "id:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://www.w3.org/2003/01/geo/wgs84_pos#": "geo:",
}


@dataclass(frozen=True)
class Violation:
    """One SHACL result: which node, which property, what is wrong, how bad."""

    focus: str  # IRI of the node that fails (or a blank node id)
    path: str | None  # IRI of the property, None for a node-level result
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    value: str | None = None  # the offending value, in N3 form, when there is one


@dataclass
class ShapeReport:
    """The outcome of validating a graph: conforms unless some result is a Violation."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    @property
    def errors(self) -> list[Violation]:
        """Only the results of severity Violation."""
        return [v for v in self.violations if v.severity == "Violation"]


def validate_shapes(data: Graph) -> ShapeReport:
    """Validate `data` against the conflictkg shapes (core SHACL, no inference).

    The ontology's class tree is mixed into a copy of the data so that a node typed
    ckg:District counts as a ckg:Place; `data` itself is not changed. A Dataset is
    validated as the union of its graphs, as queries see it. Warnings and infos are
    listed but do not break conformance.
    """
    options = dict(
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=False,
        meta_shacl=False,
        allow_warnings=True,
        allow_infos=True,
        abort_on_first=False,
    )
    if isinstance(data, ConjunctiveGraph):  # also a Dataset
        union = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
        union += class_tree()
        conforms, results, _ = pyshacl.validate(union, inplace=True, **options)
    else:
        conforms, results, _ = pyshacl.validate(data, ont_graph=class_tree(), **options)
    # one property shape can yield the same result twice (say sh:datatype and sh:minInclusive)
    violations = list({_violation(results, r): None for r in results.subjects(SH.resultSeverity)})
    violations.sort(key=lambda v: (v.severity != "Violation", v.focus, v.path or "", v.message))
    return ShapeReport(conforms=bool(conforms), violations=violations)


def format_report(report: ShapeReport, limit: int | None = 50) -> str:
    """Short human lines: one summary line, then one line per result (at most `limit`)."""
    if not report.violations:
        return "OK: the data conforms to the shapes"
    errors = len(report.errors)
    others = len(report.violations) - errors
    head = "OK" if report.conforms else "FAILED"
    summary = f"{head}: {errors} violation{'s' * (errors != 1)}"
    if others:
        summary += f", {others} warning{'s' * (others != 1)} or note{'s' * (others != 1)}"
    lines = [summary]
    shown = report.violations if limit is None else report.violations[:limit]
    for v in shown:
        where = _short(v.focus) + (f" {_short(v.path)}" if v.path else "")
        value = f" (value {_short(v.value)})" if v.value else ""
        lines.append(f"  {v.severity}: {where}: {v.message}{value}")
    if len(shown) < len(report.violations):
        lines.append(f"  ... and {len(report.violations) - len(shown)} more")
    return "\n".join(lines)


def _violation(results: Graph, result: Node) -> Violation:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    severity = _SEVERITIES.get(results.value(result, SH.resultSeverity), "Violation")
    return Violation(
        focus=_node_text(focus),
        path=str(path) if isinstance(path, URIRef) else None,
        message=messages[0] if messages else "does not conform",
        severity=severity,
        value=value.n3() if isinstance(value, (URIRef, Literal, BNode)) else None,
    )


def _node_text(node: Node | None) -> str:
    if node is None:
        return ""
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _short(text: str) -> str:
    bare = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    for namespace, prefix in _PREFIXES.items():
        if bare.startswith(namespace):
            return prefix + bare[len(namespace):]
        if bare.startswith('"') and f"^^<{namespace}" in bare:
            lexical, datatype = bare.rsplit("^^", 1)
            if datatype.endswith(("#integer>", "#decimal>", "#double>")):
                return lexical.strip('"')
            return lexical + "^^" + datatype.replace(f"<{namespace}", prefix).rstrip(">")
    return text


def validate_store(store, owl: bool = True) -> tuple[bool, list[str]]:
    """SHACL over every graph but the ontology, and HermiT over the groups and places.

    HermiT does not scale to whole stores (see DESIGN.md), so the reasoner sees only the
    group and place nodes with their types and relations.
    """
    from .ontology import ReasonerError, check_consistency
    from .reason import hermit_input_query
    from .vocab import ONTOLOGY_GRAPH

    data = Graph()
    for name in store.graph_names():
        if name != ONTOLOGY_GRAPH:
            data += store.graph_triples(name)
    report = validate_shapes(data)
    lines = [f"SHACL: {len(data)} triples checked, "
             + ("conforms" if report.conforms else f"{len(report.errors)} violation(s)")]
    if not report.conforms:
        lines.append(format_report(report))
    ok = report.conforms
    if owl:
        try:
            result = check_consistency(store.construct(hermit_input_query()))
        except ReasonerError as e:
            return False, lines + [f"OWL: could not run the reasoner: {e}"]
        lines.append("OWL: groups and places are consistent with the ontology" if result.consistent
                     else f"OWL: inconsistent: {result.message} {' '.join(result.inconsistent_nodes)}".rstrip())
        ok = ok and result.consistent
    return ok, lines
