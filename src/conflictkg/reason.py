"""Reasoning: HermiT over groups and places, OWL RL rules over the whole store, into the inferred graph.

HermiT is exact but slow past a few thousand individuals (DESIGN.md), so it sees only the
ontology plus the groups, places and documented group relations: it checks their
consistency and infers what it can about them. Rules read from the ontology's axioms
(sub-properties, inverses, symmetric, transitive and chained properties, domains, ranges,
sub-classes) then materialise the closure of every stored triple, in Python over SPARQL
results, so the time grows with the size of the store. What is new goes, in one write,
into the inferred graph; asserted triples stay where they are.
"""
from __future__ import annotations

import functools
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection

from .ontology import ConsistencyResult, check_consistency, entailments, ontology_graph
from .store.base import PREFIXES, Store
from .vocab import CKG, ID, INFERRED_GRAPH, SEM

# Above this many individuals HermiT only checks consistency and classifies; the rules still
# infer every property value (HermiT's property-value inference is what grows fastest).
HERMIT_PROPERTY_LIMIT = 2000


@dataclass(frozen=True)
class Rules:
    """The ontology's axioms that rules can apply to instance data (a subset of OWL 2 RL)."""

    super_properties: dict[URIRef, frozenset[URIRef]]  # property -> every strict super-property
    inverses: tuple[tuple[URIRef, URIRef], ...]
    symmetric: frozenset[URIRef]
    transitive: frozenset[URIRef]
    chains: tuple[tuple[URIRef, URIRef, URIRef], ...]  # (implied property, first step, second step)
    domains: dict[URIRef, frozenset[URIRef]]  # named classes only
    ranges: dict[URIRef, frozenset[URIRef]]
    super_classes: dict[URIRef, frozenset[URIRef]]  # class -> every strict named super-class

    @property
    def properties(self) -> frozenset[URIRef]:
        """Every property some rule reads or writes."""
        found = set(self.super_properties) | self.symmetric | self.transitive | set(self.domains) | set(self.ranges)
        found |= {q for supers in self.super_properties.values() for q in supers}
        found |= {p for pair in self.inverses for p in pair} | {p for chain in self.chains for p in chain}
        return frozenset(found)


@dataclass
class ReasonSummary:
    """What one run of reasoning found and wrote."""

    consistent: bool
    message: str
    inconsistent_nodes: list[str] = field(default_factory=list)
    hermit_individuals: int = 0  # 0 when HermiT was not run
    hermit_seconds: float = 0.0
    hermit_property_values: bool = False  # whether HermiT also inferred property values
    asserted: int = 0  # triples the rules read
    inferred: int = 0  # triples now in the inferred graph
    by_predicate: dict[str, int] = field(default_factory=dict)
    written: bool = False
    seconds: float = 0.0


@functools.cache
def ontology_rules() -> Rules:
    """The rules of the conflictkg ontology (read once)."""
    return rules_from(ontology_graph())


def hermit_input_query() -> str:
    """CONSTRUCT the groups, places and documented group relations with their types and links:
    what HermiT sees (the inferred graph left out)."""
    rules = ontology_rules()
    places = sorted({CKG.Place} | {c for c, sups in rules.super_classes.items() if CKG.Place in sups})
    return f"""
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{
    {{ ?s a ckg:ArmedGroup }} UNION {{ ?s a ?c . VALUES ?c {{ {" ".join(f"<{c}>" for c in places)} }} }}
    UNION {{ ?s a ckg:GroupRelation }} }} }}
  VALUES ?p {{ rdf:type ckg:locatedIn ckg:splinterOf ckg:affiliateOf ckg:alliedWith ckg:associatedWith
              ckg:relationSubject ckg:relationType ckg:relationObject }}
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(?g != <{INFERRED_GRAPH}>)
}}
"""


def rules_from(onto: Graph) -> Rules:
    """The rule-ready axioms of an OWL ontology."""
    def named(nodes) -> frozenset[URIRef]:
        return frozenset(n for n in nodes if isinstance(n, URIRef))

    def ancestors(parents: dict[URIRef, set[URIRef]]) -> dict[URIRef, frozenset[URIRef]]:
        out = {}
        for start in parents:
            seen, todo = set(), list(parents[start])
            while todo:
                node = todo.pop()
                if node not in seen and node != start:
                    seen.add(node)
                    todo.extend(parents.get(node, ()))
            out[start] = frozenset(seen)
        return out

    sub_props: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, o in onto.subject_objects(RDFS.subPropertyOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            sub_props[s].add(o)
    sub_classes: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, o in onto.subject_objects(RDFS.subClassOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            sub_classes[s].add(o)
    chains = []
    for prop, head in onto.subject_objects(OWL.propertyChainAxiom):
        steps = list(Collection(onto, head))
        if len(steps) == 2 and all(isinstance(x, URIRef) for x in (prop, *steps)):
            chains.append((prop, steps[0], steps[1]))
    object_props = set(onto.subjects(RDF.type, OWL.ObjectProperty))
    return Rules(
        super_properties=ancestors(sub_props),
        inverses=tuple((s, o) for s, o in onto.subject_objects(OWL.inverseOf)
                       if isinstance(s, URIRef) and isinstance(o, URIRef)),
        symmetric=named(onto.subjects(RDF.type, OWL.SymmetricProperty)),
        transitive=named(onto.subjects(RDF.type, OWL.TransitiveProperty)),
        chains=tuple(chains),
        domains={p: named(onto.objects(p, RDFS.domain)) for p in object_props if named(onto.objects(p, RDFS.domain))},
        ranges={p: named(onto.objects(p, RDFS.range)) for p in object_props if named(onto.objects(p, RDFS.range))},
        super_classes=ancestors(sub_classes),
    )


Facts = dict[URIRef, set[tuple[URIRef, URIRef]]]  # property -> (subject, object) pairs
Types = dict[URIRef, set[URIRef]]  # node -> classes


def closure(facts: Facts, types: Types, rules: Rules) -> tuple[Facts, Types]:
    """Everything the rules derive from these facts and types, the given ones included (new dicts)."""
    facts = defaultdict(set, {p: set(pairs) for p, pairs in facts.items()})
    while True:
        size = sum(map(len, facts.values()))
        for p, supers in rules.super_properties.items():
            for q in supers:
                facts[q] |= facts.get(p, set())
        for p, q in rules.inverses:
            facts[q] |= {(o, s) for s, o in facts.get(p, ())}
            facts[p] |= {(o, s) for s, o in facts.get(q, ())}
        for p in rules.symmetric:
            facts[p] |= {(o, s) for s, o in facts.get(p, ())}
        for target, first, second in rules.chains:
            after: dict[URIRef, set[URIRef]] = defaultdict(set)
            for b, c in facts.get(second, ()):
                after[b].add(c)
            facts[target] |= {(a, c) for a, b in facts.get(first, ()) for c in after.get(b, ())}
        for p in rules.transitive:
            facts[p] = transitive_closure(facts.get(p, set()))
        if sum(map(len, facts.values())) == size:
            break
    out_types: Types = defaultdict(set, {n: set(cs) for n, cs in types.items()})
    for p, pairs in facts.items():
        domain, range_ = rules.domains.get(p), rules.ranges.get(p)
        for s, o in pairs:
            if domain:
                out_types[s] |= domain
            if range_:
                out_types[o] |= range_
    for classes in out_types.values():
        classes |= {sup for c in list(classes) for sup in rules.super_classes.get(c, ())}
    return {p: pairs for p, pairs in facts.items() if pairs}, dict(out_types)


def transitive_closure(pairs: set[tuple[URIRef, URIRef]]) -> set[tuple[URIRef, URIRef]]:
    """All (a, c) such that c is reachable from a through one or more pairs."""
    after: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in pairs:
        after[a].add(b)
    out = set()
    for start in after:
        seen, todo = set(), list(after[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(after.get(node, ()))
        out |= {(start, c) for c in seen}
    return out


def asserted_facts(store: Store, rules: Rules) -> tuple[Facts, Types, int]:
    """The stored object-property values and types the rules read (the inferred graph left out)."""
    values = " ".join(f"<{p}>" for p in sorted(rules.properties))
    facts: Facts = defaultdict(set)
    types: Types = defaultdict(set)
    count = 0
    rows = store.select(f"""SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} GRAPH ?g {{ ?s ?p ?o }}
        FILTER(?g != <{INFERRED_GRAPH}> && isIRI(?s) && isIRI(?o)) }}""")
    for row in rows:
        facts[row["p"]].add((row["s"], row["o"]))
        count += 1
    rows = store.select(f"""SELECT DISTINCT ?s ?c WHERE {{ GRAPH ?g {{ ?s a ?c }}
        FILTER(?g != <{INFERRED_GRAPH}> && isIRI(?s) && isIRI(?c)) }}""")
    for row in rows:
        types[row["s"]].add(row["c"])
        count += 1
    return facts, types, count


def hermit_facts(data: Graph, property_values: bool) -> tuple[ConsistencyResult, Facts, Types]:
    """HermiT's verdict on groups and places, and the property values and types it entails."""
    if not property_values:
        return check_consistency(data), {}, {}
    result, entailed = entailments(data)
    facts: Facts = defaultdict(set)
    types: Types = defaultdict(set)
    for s, p, o in entailed:
        if p == RDF.type:
            types[s].add(o)
        else:
            facts[p].add((s, o))
    return result, facts, types


def inferred_triples(facts: Facts, types: Types, asserted: tuple[Facts, Types], rules: Rules) -> list[tuple]:
    """Derived triples about the store's own resources that are not asserted already.

    Attack types stay as articles report them: a VehicleBombing is not also typed Bombing
    (the ontology says so already), since a consumer counting an attack's types would read
    the extra type as one more report.
    """
    known_facts, known_types = asserted
    as_reported = {c for c, sups in rules.super_classes.items() if CKG.Attack in sups}
    prefix = str(ID)
    out = []
    for p, pairs in facts.items():
        known = known_facts.get(p, set())
        out += [(s, p, o) for s, o in pairs if (s, o) not in known and str(s).startswith(prefix)
                and str(o).startswith(prefix) and s != o]
    for node, classes in types.items():
        if str(node).startswith(prefix):
            known = known_types.get(node, set()) | as_reported | {OWL.Thing}
            out += [(node, RDF.type, c) for c in classes if c not in known]
    return sorted(out)


def reason(store: Store, *, hermit: bool = True) -> ReasonSummary:
    """Check groups and places with HermiT, materialise the store's closure, write the inferred graph.

    When HermiT finds the data inconsistent nothing is written and the summary names the
    offending nodes. Raises ReasonerUnavailable without Java (pass hermit=False to skip it).
    """
    started = time.perf_counter()
    rules = ontology_rules()
    summary = ReasonSummary(consistent=True, message="not checked with HermiT")
    found_facts: Facts = {}
    found_types: Types = {}
    if hermit:
        data = store.construct(hermit_input_query())
        summary.hermit_individuals = len({s for s in data.subjects() if isinstance(s, URIRef)})
        summary.hermit_property_values = summary.hermit_individuals <= HERMIT_PROPERTY_LIMIT
        result, found_facts, found_types = hermit_facts(data, summary.hermit_property_values)
        summary.hermit_seconds = result.seconds
        summary.consistent, summary.message = result.consistent, result.message
        summary.inconsistent_nodes = list(result.inconsistent_nodes)
        if not result.consistent:
            summary.seconds = time.perf_counter() - started
            return summary
    facts, types, summary.asserted = asserted_facts(store, rules)
    derived_facts, derived_types = closure(_merged(facts, found_facts), _merged(types, found_types), rules)
    triples = inferred_triples(derived_facts, derived_types, (facts, types), rules)
    with store.transaction() as tx:
        tx.replace_graph(INFERRED_GRAPH, triples)
    summary.written = True
    summary.inferred = len(triples)
    summary.by_predicate = dict(Counter(_short(p) for _, p, _ in triples).most_common())
    summary.seconds = time.perf_counter() - started
    return summary


def _merged(a: dict, b: dict) -> dict:
    """Two dicts of sets, united key by key (neither is changed)."""
    out = {k: set(v) for k, v in a.items()}
    for k, v in b.items():
        out.setdefault(k, set()).update(v)
    return out


def _short(iri: URIRef) -> str:
    text = str(iri)
    for prefix, namespace in {**PREFIXES, "sem": str(SEM)}.items():
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace):]}"
    return text
