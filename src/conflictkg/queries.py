"""Named SPARQL queries: the .rq files in the repository's queries/ folder and their parameters.

A query file starts with a comment header::

    # title: Attacks claimed by a group vs attributed to it
    # description: Every attack a group (or any of its aliases) claimed, ...
    # param: group_name = Tehreek-e-Taliban Pakistan   (string: the group's name or any alias)

A parameter is a plain SPARQL variable (``?group_name``) that the store binds to an RDF
term before the query runs; a parameter whose note says "optional" may be left unbound.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from conflictkg.store.base import QueryError, Term

QUERY_DIR = Path(__file__).resolve().parents[2] / "queries"

_HEADER = re.compile(r"#\s*(?P<key>title|description|param)\s*:\s*(?P<value>.*\S)\s*$")
_PARAM = re.compile(r"(?P<name>\w+)\s*=\s*(?P<example>.*?)\s*(?:\((?P<doc>[^()]*(?:\([^()]*\)[^()]*)*)\))?$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_INTEGER = re.compile(r"[+-]?\d+\Z")
_SPARQL_START = re.compile(
    r"\s*(#|(PREFIX|BASE|SELECT|CONSTRUCT|ASK|DESCRIBE|INSERT|DELETE|WITH|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\s)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Param:
    """One parameter of a named query: its variable name, an example value and a note."""

    name: str
    example: str = ""
    doc: str = ""

    @property
    def optional(self) -> bool:
        return "optional" in self.doc.lower()


@dataclass(frozen=True)
class NamedQuery:
    """A query read from a .rq file, with the header that describes it."""

    name: str
    title: str
    description: str
    params: list[Param] = field(default_factory=list)
    text: str = ""
    path: Path | None = None


def load_query(path: str | Path) -> NamedQuery:
    """Read one .rq file and its comment header."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"cannot read the query file {path}: {getattr(error, 'strerror', None) or error}") from None
    title, description, params = path.stem, "", []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break  # the header ends at the first line of SPARQL
            continue
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match["key"], match["value"]
        if key == "title":
            title = value
        elif key == "description":
            description = value
        else:
            param = _PARAM.match(value)
            if param is None:
                raise QueryError(f"{path.name}: a param line reads 'name = example   (note)', not {value!r}")
            params.append(Param(param["name"], param["example"], (param["doc"] or "").strip()))
    return NamedQuery(path.stem, title, description, params, text, path)


def list_queries() -> list[NamedQuery]:
    """Every named query in the queries folder, by name."""
    return [load_query(path) for path in sorted(QUERY_DIR.glob("*.rq"))]


def load_query_text(name: str) -> str:
    """The SPARQL text of a named query."""
    query = resolve_query(name)
    if isinstance(query, str):
        raise QueryError(f"{name!r} is not the name of a query")
    return query.text


def resolve_query(spec: str) -> NamedQuery | str:
    """A query name (``deadliest-attacks``), a path to a .rq file, or SPARQL text (returned as is)."""
    spec = spec.strip()
    name = spec.removesuffix(".rq")
    if re.fullmatch(r"[\w-]+", name) and (QUERY_DIR / f"{name}.rq").is_file():
        return load_query(QUERY_DIR / f"{name}.rq")
    if "{" in spec or _SPARQL_START.match(spec):
        return spec
    path = Path(spec).expanduser()
    if path.is_file():
        return load_query(path)
    known = ", ".join(query.name for query in list_queries())
    raise QueryError(f"no query named {spec!r} and no such file; named queries: {known}")


def parse_value(value: str) -> Term:
    """A parameter value as an RDF term: <iri> or http(s) IRI, YYYY-MM-DD date, integer, else a string."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return URIRef(value[1:-1])
    if value.startswith(("http://", "https://")):
        return URIRef(value)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return Literal(value[1:-1])
    if _DATE.match(value):
        return Literal(value, datatype=XSD.date)
    if _INTEGER.match(value):
        return Literal(value, datatype=XSD.integer)
    return Literal(value)


def parse_params(pairs: list[str], query: NamedQuery | None = None) -> dict[str, Term]:
    """Turn ``name=value`` pairs into bindings; with a named query, check them against its params."""
    bindings: dict[str, Term] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not name:
            raise QueryError(f"a parameter reads name=value, not {pair!r}")
        bindings[name] = parse_value(value)
    if query is not None:
        declared = {param.name: param for param in query.params}
        unknown = [name for name in bindings if name not in declared]
        if unknown:
            names = ", ".join(declared) or "none"
            raise QueryError(f"{query.name} has no parameter {unknown[0]!r}; its parameters: {names}")
        missing = [param for param in query.params if not param.optional and param.name not in bindings]
        if missing:
            raise QueryError(
                f"{query.name} needs {missing[0].name}=..., for example {missing[0].name}={missing[0].example}"
            )
    return bindings
