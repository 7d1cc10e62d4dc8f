"""Comparing what two stores hold, and what they answer, as a user of the graph would."""
from __future__ import annotations

import io
import re

from rdflib import Literal
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from conflictkg.queries import list_queries, parse_params
from conflictkg.vocab import ONTOLOGY_GRAPH


DOUBLE = re.compile(r'"([^"]*)"\^\^<http://www.w3.org/2001/XMLSchema#double>')


def nquads(store, double_digits: int | None = None) -> set[str]:
    """Every quad outside the ontology graph, as N-Quads lines (those graphs hold no blank nodes).

    With `double_digits`, xsd:double values are rounded to that many significant digits.
    """
    out = io.BytesIO()
    store.export("nquads", out, exclude={ONTOLOGY_GRAPH})
    lines = out.getvalue().decode("utf-8").splitlines()
    if double_digits:
        lines = [DOUBLE.sub(lambda m: f'"{float(m[1]):.{double_digits}g}"', line) for line in lines]
    return set(lines)


def assert_same_graph(store, other, double_digits: int | None = None) -> None:
    """Both stores hold the same quads; their ontology graphs (with blank nodes) are isomorphic."""
    mine, theirs = nquads(store, double_digits), nquads(other, double_digits)
    assert mine == theirs, (f"{len(mine - theirs)} quads only in the first store, e.g. {sorted(mine - theirs)[:3]}; "
                            f"{len(theirs - mine)} only in the second, e.g. {sorted(theirs - mine)[:3]}")
    assert isomorphic(store.graph_triples(ONTOLOGY_GRAPH), other.graph_triples(ONTOLOGY_GRAPH))


def plain(term):
    """A result term as a user reads it, the same from every engine: a boolean as 0/1 (Virtuoso has
    no boolean results) and an empty string as unbound (Virtuoso's empty GROUP_CONCAT is "")."""
    if isinstance(term, Literal) and term.datatype == XSD.boolean:
        return int(term.toPython())
    if isinstance(term, Literal):
        return term.toPython() if str(term) else None
    return term


def unordered(value):
    """A GROUP_CONCAT ('a / b' or 'a, b') with its parts sorted; other values as they are."""
    if not isinstance(value, str):
        return value
    for separator in (" / ", ", "):
        if separator in value:
            return separator.join(sorted(value.split(separator)))
    return value


def answers(store, params: dict[str, list[str]] | None = None, *, ordered: bool = True) -> dict[str, list[tuple]]:
    """Every named query's rows, with the given parameters or else the query's examples.

    Unordered, rows are sorted and so are the parts of each GROUP_CONCAT: engines may break
    ties of an ORDER BY, and concatenate a group's values, in any order.
    """
    result = {}
    for query in list_queries():
        pairs = (params or {}).get(query.name, [f"{p.name}={p.example}" for p in query.params])
        rows = store.select(query.text, parse_params(pairs, query))
        values = [tuple(plain(row[v]) for v in rows.variables) for row in rows]
        result[query.name] = values if ordered else sorted((tuple(map(unordered, v)) for v in values), key=repr)
    return result
