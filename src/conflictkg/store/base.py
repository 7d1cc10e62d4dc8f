"""The store interface both stores share: errors, results, term conversion, SPARQL text helpers.

A subclass supplies four primitives (run a query, run an update, read quads, close);
everything users call is written once, here, on top of them.
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Literal as Lit, Union

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from conflictkg.vocab import CANONICAL_GRAPH, CKG, GEO, ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, PROV, REGISTRY_GRAPH, WD

Term = Union[URIRef, Literal, BNode]
Triple = tuple[Term, Term, Term]
ExportFormat = Lit["turtle", "trig", "nquads", "jsonld", "ntriples"]

#: Prefixes every query and update may use without declaring them.
PREFIXES: dict[str, str] = {
    "ckg": str(CKG), "id": str(ID), "skos": str(SKOS), "prov": str(PROV), "rdf": str(RDF),
    "rdfs": str(RDFS), "owl": str(OWL), "xsd": str(XSD), "geo": str(GEO), "dcterms": str(DCTERMS),
    "wd": str(WD),
}

EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD,
}
MERGED_FORMATS = {"turtle", "ntriples"}  # formats without named graphs: graphs merge into one

_XSD_STRING = str(XSD.string)
_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_QUERY_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PARSER = ox.Store()  # empty and in memory: running a query on it only parses it
#: Graphs of this project; on a shared server the store reads, counts and exports only these.
OWN_GRAPHS = str(ID["graph/"])
OWN_GRAPHS_FILTER = f'FILTER(STRSTARTS(STR(?g), "{OWN_GRAPHS}"))'


class StoreError(Exception):
    """The store cannot be opened, reached or written; the message is one line for people."""


class QueryError(StoreError):
    """A query is malformed, not allowed where it was sent, or refused by the engine."""


@dataclass
class SelectResult:
    """The answer to a SELECT query: its variables in order, and one dict per row (None if unbound)."""

    variables: list[str]
    rows: list[dict[str, Term | None]] = field(default_factory=list)

    def __iter__(self) -> Iterator[dict[str, Term | None]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> dict[str, Term | None]:
        return self.rows[index]


# --- terms ---------------------------------------------------------------------------

def to_ox(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    try:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None and str(term.datatype) != _XSD_STRING:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
    except ValueError as error:
        raise StoreError(f"not a valid RDF term: {term!r} ({one_line(error)})") from None
    raise StoreError(f"not an RDF term: {term!r}")


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Term | None:
    """A pyoxigraph term as an rdflib term (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    raise StoreError(f"unsupported RDF term in a result: {term}")


def to_ox_triple(triple: Triple) -> tuple:
    """An rdflib triple as a tuple of pyoxigraph terms."""
    subject, predicate, obj = triple
    return to_ox(subject), to_ox(predicate), to_ox(obj)


def one_line(error: BaseException | str) -> str:
    """The first line of an error message, for people."""
    lines = str(error).strip().splitlines()
    return lines[0].strip() if lines else type(error).__name__


# --- SPARQL text ------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<word>[A-Za-z_][\w.-]*:[\w.:%-]*|:[\w.:%-]*|[A-Za-z_]\w*)
    | (?P<var>[?$]\w+)
    | (?P<other>\S)""",
    re.X | re.S,
)


def _tokens(sparql: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, end offset) of each token, skipping comments; strings and IRIs are single tokens."""
    for match in _TOKEN.finditer(sparql):
        if match.lastgroup != "comment":
            yield match.lastgroup, match.group(), match.end()


def first_keyword(sparql: str) -> str:
    """The first keyword after the prologue (PREFIX/BASE declarations), upper-cased."""
    for kind, text, _ in _tokens(sparql):
        if kind == "word" and ":" not in text and text.upper() not in {"PREFIX", "BASE"}:
            return text.upper()
    return ""


def check_read_only(sparql: str) -> str:
    """Check that a text is one well-formed query; return its form: 'select', 'ask' or 'graph'.

    Raises QueryError for SPARQL Update text and, with the parser's message, for malformed queries.
    """
    try:
        result = _PARSER.query(sparql, prefixes=PREFIXES)
    except SyntaxError as error:
        if first_keyword(sparql) in _UPDATE_KEYWORDS:
            raise QueryError(
                "updates are not allowed here; only SELECT, ASK, CONSTRUCT and DESCRIBE queries run"
            ) from None
        raise QueryError(f"malformed query: {one_line(error)}") from None
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    return "select" if isinstance(result, ox.QuerySolutions) else "graph"


def _values_block(bindings: Mapping[str, Term]) -> str:
    names, terms = [], []
    for name, term in bindings.items():
        name = name.lstrip("?$")
        if not _VARNAME.match(name):
            raise QueryError(f"not a valid SPARQL variable name: {name!r}")
        names.append(f"?{name}")
        terms.append(str(to_ox(term)))  # N-Triples syntax: escaped, cannot break out of the block
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"


def _where_offsets(sparql: str) -> list[int]:
    """Offsets just after the '{' opening the WHERE group of the query and of each subquery."""
    tokens = list(_tokens(sparql))
    offsets = []
    for start, (kind, text, _) in enumerate(tokens):
        if kind != "word" or text.upper() not in _QUERY_FORMS:
            continue
        i = start + 1
        if text.upper() == "CONSTRUCT":
            if i >= len(tokens) or tokens[i][1] != "{":
                continue  # CONSTRUCT WHERE { triples }: a trailing VALUES means the same thing
            depth = 0
            for i in range(i, len(tokens)):  # skip the template
                depth += {"{": 1, "}": -1}.get(tokens[i][1], 0)
                if depth == 0:
                    break
            i += 1
        parens = 0
        for kind, text, end in tokens[i:]:
            if kind == "other":
                parens += {"(": 1, ")": -1}.get(text, 0)
                if text == "{" and parens == 0:
                    offsets.append(end)
                    break
    return offsets


def bind(sparql: str, bindings: Mapping[str, Term] | None) -> str:
    """The query with variables bound to RDF terms by a VALUES block opening its WHERE group.

    Values are serialised as RDF terms, never pasted as text. The block sits inside the
    WHERE group (not after the query, where SPARQL would join it only after FILTERs,
    aggregates and grouping had run), so a FILTER at the top level of the WHERE group or
    inside an OPTIONAL sees the value; a UNION branch does not. A parameter is a constant:
    the block also opens the WHERE group of every subquery, so that a subquery can select
    with it before its results are joined.
    """
    if not bindings:
        return sparql
    block = _values_block(bindings)
    offsets = _where_offsets(sparql)
    if not offsets:
        return f"{sparql}\n{block}"
    for offset in sorted(offsets, reverse=True):
        sparql = f"{sparql[:offset]} {block} {sparql[offset:]}"
    return sparql


# --- writes ---------------------------------------------------------------------------

@dataclass
class Write:
    """One write of a batch: replace or add to a named graph, or remove it."""

    kind: Lit["replace", "add", "remove"]
    graph: ox.NamedNode
    triples: list[tuple] = field(default_factory=list)


class Batch:
    """Writes collected inside `Store.transaction()`, committed together or not at all."""

    def __init__(self) -> None:
        self.writes: list[Write] = []

    def replace_graph(self, graph_iri: URIRef, triples: Iterable[Triple]) -> None:
        """Make the named graph hold exactly these triples."""
        self.writes.append(Write("replace", to_ox(URIRef(graph_iri)), [to_ox_triple(t) for t in triples]))

    def add_to_graph(self, graph_iri: URIRef, triples: Iterable[Triple]) -> None:
        """Add triples to the named graph, keeping what it holds."""
        self.writes.append(Write("add", to_ox(URIRef(graph_iri)), [to_ox_triple(t) for t in triples]))

    def remove_graph(self, graph_iri: URIRef) -> None:
        """Remove the named graph and everything in it."""
        self.writes.append(Write("remove", to_ox(URIRef(graph_iri))))


def net_writes(writes: Iterable[Write]) -> list[tuple[ox.NamedNode, bool, list[tuple]]]:
    """Per graph, in order of first touch: whether it is emptied first, and the triples it gets.

    A replace or remove undoes the writes to its graph before it, so the result does what
    the writes do in order, without relying on a server to order operations within a request.
    """
    net: dict[ox.NamedNode, list] = {}
    for write in writes:
        entry = net.setdefault(write.graph, [False, []])
        if write.kind in ("replace", "remove"):
            entry[:] = [True, []]
        entry[1].extend(write.triples)
    return [(graph, dropped, triples) for graph, (dropped, triples) in net.items()]


def update_text(writes: Iterable[Write]) -> str:
    """One SPARQL Update request doing these writes in order (a request is one transaction)."""
    operations = []
    for graph, dropped, triples in net_writes(writes):
        if dropped:
            operations.append(f"DROP SILENT GRAPH {graph}")
        if triples:
            body = "\n".join(f"{s} {p} {o} ." for s, p, o in triples)
            if any(isinstance(term, ox.BlankNode) for triple in triples for term in triple):
                # INSERT DATA may hold blank nodes, but Virtuoso refuses them there
                operations.append(f"INSERT {{ GRAPH {graph} {{\n{body}\n}} }} WHERE {{}}")
            else:
                operations.append(f"INSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}")
    return " ;\n".join(operations)


# --- the interface --------------------------------------------------------------------

def graph_kind(graph_iri: str) -> str:
    """What a named graph holds: 'article', 'canonical', 'registry', 'ontology', 'inferred' or 'other'."""
    known = {str(CANONICAL_GRAPH): "canonical", str(REGISTRY_GRAPH): "registry",
             str(ONTOLOGY_GRAPH): "ontology", str(INFERRED_GRAPH): "inferred"}
    if str(graph_iri).startswith(str(ID["graph/article/"])):
        return "article"
    return known.get(str(graph_iri), "other")


class Store(ABC):
    """A quad store with one named graph per source; queries see the union of all graphs."""

    location: str
    read_only: bool

    # primitives ---------------------------------------------------------------------
    @abstractmethod
    def _run_query(self, sparql: str, form: str):
        """Run a checked query; return pyoxigraph QuerySolutions, a bool, or an iterable of triples."""

    @abstractmethod
    def _run_update(self, sparql: str) -> None:
        """Run one SPARQL Update request as one transaction."""

    @abstractmethod
    def _quads(self, graphs: list[URIRef]) -> Iterator[ox.Quad]:
        """Every quad of these named graphs."""

    @abstractmethod
    def close(self) -> None:
        """Release the store; later calls fail."""

    def _write(self, writes: list[Write]) -> None:
        self._run_update(update_text(writes))

    # queries ------------------------------------------------------------------------
    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> SelectResult | bool | Graph:
        """Run a read-only query: SELECT gives a SelectResult, ASK a bool, CONSTRUCT/DESCRIBE a Graph."""
        form, result = self.results(sparql, bindings)
        return _converted(result, form)

    def results(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> tuple[str, object]:
        """Run a read-only query; its form ('select', 'ask' or 'graph') and the engine's own lazy result.

        For passing results on without converting them (the SPARQL endpoint serialises them as they are).
        """
        form = check_read_only(sparql)
        return form, self._run_query(bind(sparql, bindings), form)

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        """Rows of a SELECT query."""
        return self._expect(sparql, bindings, SelectResult, "a SELECT")

    def ask(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> bool:
        """The answer to an ASK query."""
        return self._expect(sparql, bindings, bool, "an ASK")

    def construct(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> Graph:
        """The graph a CONSTRUCT or DESCRIBE query builds."""
        return self._expect(sparql, bindings, Graph, "a CONSTRUCT or DESCRIBE")

    def _expect(self, sparql, bindings, kind, name):
        result = self.query(sparql, bindings)
        if not isinstance(result, kind):
            raise QueryError(f"expected {name} query")
        return result

    def _select(self, sparql: str) -> SelectResult:
        """Run one of this module's own SELECT queries."""
        return _converted(self._run_query(sparql, "select"), "select")

    # writes -------------------------------------------------------------------------
    def update(self, sparql: str) -> None:
        """Run a SPARQL Update request (for code, never for the query command)."""
        self._require_writable()
        self._run_update(sparql)

    @contextmanager
    def transaction(self) -> Iterator[Batch]:
        """Collect writes and commit them as one atomic update when the block ends without error."""
        self._require_writable()
        batch = Batch()
        yield batch
        if batch.writes:
            self._write(batch.writes)

    def write_batch(self, graphs: Iterable[tuple[URIRef, Iterable[Triple]]]) -> None:
        """Replace several named graphs at once, atomically."""
        with self.transaction() as batch:
            for graph_iri, triples in graphs:
                batch.replace_graph(graph_iri, triples)

    def replace_graph(self, graph_iri: URIRef, triples: Iterable[Triple]) -> None:
        """Atomically make the named graph hold exactly these triples."""
        self.write_batch([(graph_iri, triples)])

    def add_to_graph(self, graph_iri: URIRef, triples: Iterable[Triple]) -> None:
        """Add triples to a named graph in one transaction."""
        with self.transaction() as batch:
            batch.add_to_graph(graph_iri, triples)

    def remove_graph(self, graph_iri: URIRef) -> None:
        """Remove a named graph; other graphs stay as they are."""
        with self.transaction() as batch:
            batch.remove_graph(graph_iri)

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only")

    # graphs -------------------------------------------------------------------------
    def graph_names(self) -> list[URIRef]:
        """The names of this project's named graphs, sorted."""
        rows = self._select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OWN_GRAPHS_FILTER} }}")
        return sorted(row["g"] for row in rows if isinstance(row["g"], URIRef))

    def has_graph(self, graph_iri: URIRef) -> bool:
        """Whether the named graph holds anything."""
        return bool(self._run_query(f"ASK {{ GRAPH {to_ox(URIRef(graph_iri))} {{ ?s ?p ?o }} }}", "ask"))

    def graph_triples(self, graph_iri: URIRef) -> Graph:
        """The triples of one named graph (empty if it does not exist)."""
        graph = _new_graph(URIRef(graph_iri))
        for quad in self._quads([URIRef(graph_iri)]):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return graph

    def count(self) -> int:
        """The number of quads in this project's named graphs."""
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OWN_GRAPHS_FILTER} }}")
        return int(rows[0]["n"])

    def stats(self) -> dict[str, dict[str, int]]:
        """Graphs and quads per kind of graph: {'article': {'graphs': 2, 'quads': 80}, ...}."""
        rows = self._select(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OWN_GRAPHS_FILTER} }} "
                            "GROUP BY ?g")
        stats: dict[str, dict[str, int]] = {}
        for row in rows:
            entry = stats.setdefault(graph_kind(row["g"]), {"graphs": 0, "quads": 0})
            entry["graphs"] += 1
            entry["quads"] += int(row["n"])
        return stats

    def export(
        self,
        fmt: ExportFormat,
        out: IO[bytes],
        *,
        graphs: list[URIRef] | None = None,
        exclude: set[URIRef] = frozenset(),
    ) -> int:
        """Write the chosen graphs (default: all) to a binary stream; return how many statements.

        Turtle and N-Triples merge the graphs into one graph; TriG, N-Quads and JSON-LD
        keep one named graph per source.
        """
        if fmt not in EXPORT_FORMATS:
            raise StoreError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
        names = [URIRef(g) for g in (self.graph_names() if graphs is None else graphs) if URIRef(g) not in exclude]
        quads = self._quads(names)
        if fmt in MERGED_FORMATS:
            statements = list(dict.fromkeys(quad.triple for quad in quads))
        else:
            statements = list(quads)
        ox.serialize(statements, out, EXPORT_FORMATS[fmt], prefixes=PREFIXES)
        return len(statements)

    # lifetime -----------------------------------------------------------------------
    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _converted(result, form: str) -> SelectResult | bool | Graph:
    """A pyoxigraph result (evaluated lazily, so errors can come now) as rdflib terms."""
    try:
        if form == "ask":
            return bool(result)
        if form == "select":
            variables = [variable.value for variable in result.variables]
            terms: dict = {}  # a term repeats down a column (a label, a group): convert it once
            rows = [{name: _cached(terms, solution[name]) for name in variables} for solution in result]
            return SelectResult(variables, rows)
        graph = _new_graph()
        for triple in result:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph
    except SyntaxError as error:  # results a server sent that cannot be read
        raise StoreError(f"cannot read the query results: {one_line(error)}") from None
    except (OSError, RuntimeError) as error:
        raise QueryError(f"the query failed: {one_line(error)}") from None


def _cached(terms: dict, term):
    """The rdflib form of a pyoxigraph term, converted once per result."""
    if term is None:
        return None
    found = terms.get(term)
    if found is None:
        found = terms[term] = to_rdflib(term)
    return found


def _new_graph(identifier: URIRef | None = None) -> Graph:
    graph = Graph(identifier=identifier)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph
