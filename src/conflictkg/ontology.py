"""The ontology and SHACL shapes on disk, and an OWL consistency check with HermiT.

HermiT (run by owlready2 in Java) is exact but does not scale past a few thousand
individuals: use it on the ontology itself and on small graphs (groups, places, one
article), not on a whole store.
"""
from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator

import owlready2
from owlready2.base import OwlReadyInconsistentOntologyError, OwlReadyJavaError
from rdflib import OWL, RDF, RDFS, XSD, ConjunctiveGraph, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
ONTOLOGY_FILE = "conflictkg.ttl"
SHAPES_FILE = "shapes.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/conflictkg/ontology")

# Literals HermiT cannot take: the OWL 2 datatype map has no date or time types
# (xsd:dateTime is in it, but is dropped too so that no date of any kind reaches Java).
TEMPORAL_DATATYPES = frozenset(
    XSD[name]
    for name in (
        "date", "gYearMonth", "gYear", "gMonthDay", "gMonth", "gDay", "time",
        "dateTime", "dateTimeStamp", "duration", "dayTimeDuration", "yearMonthDuration",
    )
)

# The OWL 2 datatype map (plus rdf:langString); other datatypes make HermiT fail.
_OWL2_DATATYPES = frozenset(
    [RDF.PlainLiteral, RDF.XMLLiteral, RDF.langString, RDFS.Literal, OWL.real, OWL.rational]
    + [
        XSD[name]
        for name in (
            "decimal", "integer", "nonNegativeInteger", "nonPositiveInteger",
            "positiveInteger", "negativeInteger", "long", "int", "short", "byte",
            "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "double",
            "float", "string", "normalizedString", "token", "language", "Name", "NCName",
            "NMTOKEN", "boolean", "hexBinary", "base64Binary", "anyURI",
        )
    ]
)

_INTEGER_DATATYPES = frozenset(
    XSD[name]
    for name in (
        "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger",
        "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte",
    )
)


_TEMPDIR_LOCK = threading.Lock()


class OntologyNotFound(FileNotFoundError):
    """The ontology/ folder or one of its files is missing."""


class ReasonerError(RuntimeError):
    """HermiT could not run to the end; the message is one line, without a Java trace."""


class ReasonerUnavailable(ReasonerError):
    """Java, which HermiT needs, is not installed or cannot be started."""


@dataclass
class ConsistencyResult:
    """What HermiT said about the ontology plus some instance data."""

    consistent: bool
    inconsistent_nodes: list[str] = field(default_factory=list)  # IRIs of offending individuals
    message: str = ""
    seconds: float = 0.0
    unsatisfiable_classes: list[str] = field(default_factory=list)
    stripped_literals: int = 0  # date and other non-OWL literals left out before reasoning


def ontology_file() -> Path:
    """Path of the ontology's Turtle file."""
    return _existing(ONTOLOGY_FILE)


def shapes_file() -> Path:
    """Path of the SHACL shapes' Turtle file."""
    return _existing(SHAPES_FILE)


def ontology_graph() -> Graph:
    """The ontology as a new rdflib graph (a copy: callers may change it freely)."""
    return _copy(_ontology())


def shapes_graph() -> Graph:
    """The SHACL shapes as an rdflib graph, parsed once and shared: do not modify it."""
    return _shapes()


def class_tree() -> Graph:
    """Only the ontology's rdfs:subClassOf triples between named classes (shared, read-only).

    SHACL's sh:class and sh:targetClass follow rdfs:subClassOf in the data graph, so this
    small graph is what validation mixes into the data.
    """
    return _class_tree()


def load_world(data: Graph | None = None) -> owlready2.World:
    """A fresh owlready2 World holding the ontology and `data`, ready for a reasoner.

    Date literals are left out of `data` (see reasoner_input).
    """
    graph, _ = reasoner_input(data)
    return _world_from(graph)


def reasoner_input(data: Graph | None = None) -> tuple[Graph, int]:
    """The ontology plus `data` as HermiT can take it, and how many literals were dropped.

    Drops literals whose datatype is a date or time, or outside the OWL 2 datatype map,
    and owl:imports; named graphs of a Dataset are merged.
    """
    graph = _copy(_ontology())
    stripped = 0
    if data is not None:
        for s, p, o in _all_triples(data):
            if isinstance(o, Literal) and not _owl_literal(o):
                stripped += 1
                continue
            if p == OWL.imports:  # owlready2 would fetch it from the web
                continue
            graph.add((s, p, o))
    return graph, stripped


def check_consistency(data: Graph | None = None) -> ConsistencyResult:
    """Run HermiT on the ontology plus `data` and say whether they are consistent.

    An inconsistency is a result, not an error: the individuals involved are named where
    a structural look at types, domains, ranges and disjoint classes can find them.
    Raises ReasonerUnavailable without Java and ReasonerError if HermiT fails otherwise.
    """
    return _hermit(data, infer=False)[0]


def entailments(data: Graph) -> tuple[ConsistencyResult, Graph]:
    """Run HermiT once on the ontology plus `data`: the consistency result and, when consistent,
    the types and object-property values it infers for the individuals of `data` (asserted ones
    included; see _entailed_facts). Raises as check_consistency does."""
    return _hermit(data, infer=True)


def _hermit(data: Graph | None, infer: bool) -> tuple[ConsistencyResult, Graph]:
    started = time.perf_counter()
    graph, stripped = reasoner_input(data)
    world = _world_from(graph)
    entailed = Graph()
    try:
        try:
            _run_hermit(world, infer_property_values=infer)
        except OwlReadyInconsistentOntologyError:
            problems = explain_inconsistency(graph)
            nodes = sorted({node for node, _ in problems})
            if problems:
                shown = "; ".join(reason for _, reason in problems[:5])
                more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
                message = f"inconsistent: {shown}{more}"
            else:
                message = "inconsistent: HermiT found a contradiction it does not locate"
            return ConsistencyResult(
                consistent=False,
                inconsistent_nodes=nodes,
                message=message,
                seconds=time.perf_counter() - started,
                stripped_literals=stripped,
            ), entailed
        unsatisfiable = sorted(
            iri for iri in (c.iri for c in world.inconsistent_classes()) if iri != str(OWL.Nothing)
        )
        if infer and data is not None:
            entailed = _entailed_facts(world, _all_triples(data))
    finally:
        world.close()
    if unsatisfiable:
        message = "consistent, but these classes can have no members: " + ", ".join(unsatisfiable)
    else:
        message = "consistent"
    return ConsistencyResult(
        consistent=True,
        message=message,
        seconds=time.perf_counter() - started,
        unsatisfiable_classes=unsatisfiable,
        stripped_literals=stripped,
    ), entailed


def _entailed_facts(world: owlready2.World, triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
    """Every class of the individuals among these triples, and every object-property value HermiT
    returned for them. owlready2 keeps back values that follow from sub-properties; rules add those."""
    out = Graph()
    for node in {n for s, _, o in triples for n in (s, o) if isinstance(n, URIRef)}:
        individual = world[str(node)]
        if isinstance(individual, owlready2.Thing):  # not a class, a property, or unknown
            for cls in individual.INDIRECT_is_a:
                if isinstance(cls, owlready2.ThingClass) and cls is not owlready2.Thing:
                    out.add((node, RDF.type, URIRef(cls.iri)))
    for prop in world.object_properties():
        for s, o in prop.get_relations():
            if isinstance(s, owlready2.Thing) and isinstance(o, owlready2.Thing):
                out.add((URIRef(s.iri), URIRef(prop.iri), URIRef(o.iri)))
    return out


def explain_inconsistency(graph: Graph) -> list[tuple[str, str]]:
    """(individual IRI, reason) pairs for the clashes a structural check can see.

    HermiT only says "inconsistent"; this finds individuals that belong (by rdf:type,
    subclasses, domains and ranges) to two disjoint classes, and data values outside a
    property's range. `graph` holds the ontology and the data together.
    """
    schema = _Schema(graph)
    why: dict[Node, dict[URIRef, str]] = defaultdict(dict)  # node -> class -> how it got it
    unions: list[tuple[Node, tuple[URIRef, ...], str]] = []
    problems: list[tuple[Node, str]] = []

    def require(node: Node, classes: tuple[URIRef, ...], how: str) -> None:
        if len(classes) == 1:
            why[node].setdefault(classes[0], how)
        else:
            unions.append((node, classes, how))

    for s, o in graph.subject_objects(RDF.type):  # stated types first: the plainest reason
        if schema.is_schema_node(s) or not isinstance(o, URIRef):
            continue
        if o == OWL.Nothing:
            problems.append((s, f"{_short(s)} is typed owl:Nothing"))
        elif not _is_builtin(o):
            why[s].setdefault(o, "typed")
    for s, p, o in graph:
        if p == RDF.type or schema.is_schema_node(s):
            continue
        for prop in schema.super_properties(p):
            for domain in schema.domains.get(prop, ()):
                require(s, domain, f"subject of {_short(p)}")
            for range_ in schema.ranges.get(prop, ()):
                if isinstance(o, Literal):
                    if not _literal_in_range(o, range_[0]):
                        reason = f"{_short(s)} has {_short(p)} {o.n3()}, not an {_short(range_[0])}"
                        problems.append((s, reason))
                else:
                    require(o, range_, f"object of {_short(p)}")
            if prop in schema.symmetric and not isinstance(o, Literal):
                for domain in schema.domains.get(prop, ()):
                    require(o, domain, f"object of symmetric {_short(p)}")

    closed: dict[Node, dict[URIRef, str]] = {}
    for node, classes in why.items():
        full: dict[URIRef, str] = {}
        for cls, how in classes.items():
            for sup in schema.super_classes(cls):
                full.setdefault(sup, f"{how} {_short(cls)}" if sup != cls else how)
        closed[node] = full

    for node, classes in closed.items():
        found = sorted(classes)
        for i, a in enumerate(found):
            for b in found[i + 1:]:
                if schema.disjoint(a, b):
                    problems.append(
                        (node, f"{_short(node)} is both a {_short(a)} ({classes[a]}) and a "
                                    f"{_short(b)} ({classes[b]}), which are disjoint")
                    )
    for node, members, how in unions:
        classes = closed.get(node, {})
        if classes and all(any(schema.disjoint(m, c) for c in classes) for m in members):
            options = " or ".join(_short(m) for m in members)
            problems.append((node, f"{_short(node)} is the {how} but cannot be a {options}"))
    unique = dict.fromkeys(problems)
    return [(str(node), reason) for node, reason in unique if isinstance(node, URIRef)]


# -- internals ---------------------------------------------------------------------------


def _existing(name: str) -> Path:
    path = ONTOLOGY_DIR / name
    if not ONTOLOGY_DIR.is_dir():
        raise OntologyNotFound(f"ontology folder not found: {ONTOLOGY_DIR}")
    if not path.is_file():
        raise OntologyNotFound(f"ontology file not found: {path}")
    return path


@functools.cache
def _ontology() -> Graph:
    return Graph().parse(ontology_file(), format="turtle")


@functools.cache
def _shapes() -> Graph:
    return Graph().parse(shapes_file(), format="turtle")


@functools.cache
def _class_tree() -> Graph:
    tree = Graph()
    for s, o in _ontology().subject_objects(RDFS.subClassOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            tree.add((s, RDFS.subClassOf, o))
    return tree


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace)
    copy += graph
    return copy


def _all_triples(data: Graph) -> Iterator[tuple[Node, Node, Node]]:
    if isinstance(data, ConjunctiveGraph):  # also a Dataset: take every named graph
        for s, p, o, _ in data.quads((None, None, None, None)):
            yield s, p, o
    else:
        yield from data.triples((None, None, None))


def _owl_literal(literal: Literal) -> bool:
    datatype = literal.datatype
    if datatype is None:
        return True
    return datatype in _OWL2_DATATYPES and datatype not in TEMPORAL_DATATYPES


def _world_from(graph: Graph) -> owlready2.World:
    world = owlready2.World()
    fd, name = tempfile.mkstemp(suffix=".nt", prefix="conflictkg-")
    try:
        with os.fdopen(fd, "wb") as out:
            graph.serialize(out, format="nt", encoding="utf-8")
        world.get_ontology(Path(name).as_uri()).load(format="ntriples")
    finally:
        os.unlink(name)
    return world


def _run_hermit(world: owlready2.World, infer_property_values: bool = False) -> None:
    java = owlready2.JAVA_EXE
    if not (shutil.which(java) or os.access(java, os.X_OK)):
        raise ReasonerUnavailable(
            f"the HermiT reasoner needs Java, but '{java}' was not found; install a Java "
            "runtime (11 or newer) or set owlready2.JAVA_EXE"
        )
    try:
        with _private_tempdir():
            owlready2.sync_reasoner_hermit(
                world, infer_property_values=infer_property_values, debug=0
            )
    except OwlReadyInconsistentOntologyError:
        raise
    except OwlReadyJavaError as error:
        raise ReasonerError(f"HermiT failed: {_java_message(str(error))}") from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise ReasonerUnavailable(f"cannot start Java ('{java}'): {reason}") from None


@contextlib.contextmanager
def _private_tempdir() -> Iterator[None]:
    """Point tempfile at a folder of our own for the duration, then delete it.

    owlready2 leaves its N-Triples copy for HermiT behind when HermiT reports an
    inconsistency; this way the copy goes with the folder.
    """
    with _TEMPDIR_LOCK, tempfile.TemporaryDirectory(prefix="conflictkg-hermit-") as folder:
        saved = tempfile.tempdir
        tempfile.tempdir = folder
        try:
            yield
        finally:
            tempfile.tempdir = saved


def _java_message(text: str) -> str:
    """The Java exception and its message on one line, without the stack trace."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(("at ", "...", "Caused by")):
            break
        if line and not line.startswith("Java error message"):
            lines.append(line)
    message = " ".join(lines).replace('Exception in thread "main" ', "")
    message = re.sub(r"\b(?:[A-Za-z_][\w$]*\.)+(?=[A-Z]\w*(?:Exception|Error)\b)", "", message)
    return message[:400] or "unknown Java error"


class _Schema:
    """The parts of an OWL ontology a structural clash check needs."""

    def __init__(self, graph: Graph) -> None:
        self.parents: dict[URIRef, set[URIRef]] = defaultdict(set)
        for s, o in graph.subject_objects(RDFS.subClassOf):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                self.parents[s].add(o)
        for s, o in graph.subject_objects(OWL.equivalentClass):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                self.parents[s].add(o)
                self.parents[o].add(s)
        self.disjoint_pairs: set[frozenset[URIRef]] = set()
        for s, o in graph.subject_objects(OWL.disjointWith):
            self.disjoint_pairs.add(frozenset((s, o)))
        for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
            members = [m for m in self._list(graph, graph.value(group, OWL.members))]
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    self.disjoint_pairs.add(frozenset((a, b)))
        self.super_props: dict[Node, set[Node]] = defaultdict(set)
        for s, o in graph.subject_objects(RDFS.subPropertyOf):
            self.super_props[s].add(o)
        self.domains: dict[Node, list[tuple[URIRef, ...]]] = defaultdict(list)
        self.ranges: dict[Node, list[tuple[URIRef, ...]]] = defaultdict(list)
        for s, o in graph.subject_objects(RDFS.domain):
            self.domains[s].append(self._classes(graph, o))
        for s, o in graph.subject_objects(RDFS.range):
            self.ranges[s].append(self._classes(graph, o))
        for s, o in graph.subject_objects(OWL.inverseOf):
            for a, b in ((s, o), (o, s)):
                for range_ in graph.objects(b, RDFS.range):
                    self.domains[a].append(self._classes(graph, range_))
                for domain in graph.objects(b, RDFS.domain):
                    self.ranges[a].append(self._classes(graph, domain))
        for table in (self.domains, self.ranges):
            for key in list(table):
                table[key] = [c for c in dict.fromkeys(table[key]) if c]
        self.symmetric = set(graph.subjects(RDF.type, OWL.SymmetricProperty))
        self._schema_nodes = {
            s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                           OWL.AnnotationProperty, OWL.Ontology, OWL.AllDisjointClasses,
                           RDFS.Class, RDF.Property)
            for s in graph.subjects(RDF.type, kind)
        }

    @staticmethod
    def _list(graph: Graph, head: Node | None) -> Iterable[Node]:
        return Collection(graph, head) if head is not None else ()

    def _classes(self, graph: Graph, node: Node) -> tuple[URIRef, ...]:
        if isinstance(node, URIRef):
            return (node,)
        union = graph.value(node, OWL.unionOf)
        if union is not None:
            return tuple(m for m in self._list(graph, union) if isinstance(m, URIRef))
        return ()

    def is_schema_node(self, node: Node) -> bool:
        return node in self._schema_nodes

    def super_properties(self, prop: Node) -> set[Node]:
        seen, todo = {prop}, [prop]
        while todo:
            for parent in self.super_props.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def super_classes(self, cls: URIRef) -> set[URIRef]:
        seen, todo = {cls}, [cls]
        while todo:
            for parent in self.parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def disjoint(self, a: URIRef, b: URIRef) -> bool:
        return frozenset((a, b)) in self.disjoint_pairs


def _literal_in_range(literal: Literal, datatype: URIRef) -> bool:
    """Whether a literal belongs to a datatype range as OWL 2 sees it (value spaces)."""
    if getattr(literal, "ill_typed", False):
        return False
    if datatype in _INTEGER_DATATYPES:
        if literal.datatype in _INTEGER_DATATYPES:
            value = literal.toPython()
            if datatype == XSD.integer or not isinstance(value, int):
                return True
            return _integer_fits(value, datatype)
        if literal.datatype == XSD.decimal:
            value = literal.toPython()
            return isinstance(value, Decimal) and value == value.to_integral_value()
        return False
    if datatype == XSD.string:
        return literal.language is None and literal.datatype in (None, XSD.string)
    return True


def _integer_fits(value: int, datatype: URIRef) -> bool:
    if datatype in (XSD.nonNegativeInteger, XSD.unsignedLong, XSD.unsignedInt,
                    XSD.unsignedShort, XSD.unsignedByte):
        return value >= 0
    if datatype == XSD.positiveInteger:
        return value > 0
    if datatype == XSD.nonPositiveInteger:
        return value <= 0
    if datatype == XSD.negativeInteger:
        return value < 0
    return True


def _is_builtin(iri: URIRef) -> bool:
    return str(iri).startswith((str(OWL), str(RDF), str(RDFS)))


_PREFIXES = {
    "https://w3id.org/conflictkg/ontology#": "ckg:",
    "https://w3id.org/conflictkg/id/": "id:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
}


def _short(node: Node) -> str:
    text = str(node)
    for namespace, prefix in _PREFIXES.items():
        if text.startswith(namespace):
            return prefix + text[len(namespace):]
    return f"<{text}>" if isinstance(node, URIRef) else text
