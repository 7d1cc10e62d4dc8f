"""Dataclasses to RDF: one graph per article, plus the registry's facts about what it names."""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from .gazetteer import GroupEntry, KnownRelation, load_gazetteer, place_key
from .model import Attack, Evidence, Extraction, Figure, GroupRef, PlaceRef
from .vocab import (CKG, GEO, GEONAMES, ID, PROV, REGISTRY_AGENT, WD, article_iri, evidence_iri, attack_iri, group_iri,
                    person_iri, place_iri, relation_iri, report_iri, short_hash, slug)

PLACE_CLASS = {"country": CKG.Country, "province": CKG.Province, "district": CKG.District,
               "locality": CKG.Locality, "facility": CKG.Facility}
FIGURE_PROPS = {"killed": (CKG.killed, CKG.killedQualifier), "injured": (CKG.injured, CKG.injuredQualifier),
                "attackers_killed": (CKG.attackersKilled, CKG.attackersKilledQualifier)}


def date_literal(value: str) -> Literal:
    """xsd:date, xsd:gYearMonth or xsd:gYear by the precision of the value."""
    dtype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=dtype)


def group_node(ref: GroupRef) -> URIRef:
    """A group's IRI: the registry key, or the slug of the name an unknown group goes by."""
    return group_iri(ref.key or slug(ref.name))


def group_triples(g: Graph, ref: GroupRef, names: set[str]) -> URIRef:
    """A group as the article names it.

    A registry group is described once, in the registry graph; the article adds only the
    names it used that the registry does not list. A group the registry does not know is
    described here, by the names the article gives it.
    """
    node = group_node(ref)
    if ref.key:
        entry = load_gazetteer().group(ref.key)
        unlisted = names - {entry.name, *entry.aliases}
    else:
        g.add((node, RDF.type, CKG.ArmedGroup))
        g.add((node, SKOS.prefLabel, Literal(ref.name)))
        unlisted = names - {ref.name}
    for n in sorted(unlisted):
        g.add((node, SKOS.altLabel, Literal(n)))
    return node


def place_triples(g: Graph, ref: PlaceRef) -> URIRef:
    """The place an attack occurred at.

    A gazetteer place and its chain up to the country are described once, in the registry
    graph; a place the gazetteer does not know is described here, under its known parent.
    """
    if ref.key is not None:
        return place_iri(ref.key)
    key = place_key(ref.name, ref.parent_key)
    node = place_iri(key)
    g.add((node, RDF.type, PLACE_CLASS[ref.kind]))
    g.add((node, RDFS.label, Literal(ref.name)))
    g.add((node, SKOS.prefLabel, Literal(ref.name)))
    if ref.alias and ref.alias != ref.name:
        g.add((node, SKOS.altLabel, Literal(ref.alias)))
    if ref.parent_key is not None:
        g.add((node, CKG.locatedIn, place_iri(ref.parent_key)))
    return node


def evidence_triples(g: Graph, article_id: str, ev: Evidence) -> URIRef:
    node = evidence_iri(article_id, ev.start, ev.end)
    g.add((node, RDF.type, CKG.Evidence))
    g.add((node, CKG.text, Literal(ev.text)))
    g.add((node, CKG.beginIndex, Literal(ev.start)))
    g.add((node, CKG.endIndex, Literal(ev.end)))
    g.add((node, PROV.wasDerivedFrom, article_iri(article_id)))
    return node


def figure_triples(g: Graph, node: URIRef, name: str, fig: Figure | None, article_id: str) -> None:
    if fig is None:
        return
    value_prop, qual_prop = FIGURE_PROPS[name]
    g.add((node, value_prop, Literal(fig.value)))
    if fig.qualifier:
        g.add((node, qual_prop, Literal(fig.qualifier)))
    if fig.evidence is not None:
        g.add((node, CKG.evidence, evidence_triples(g, article_id, fig.evidence)))


def attack_triples(g: Graph, attack: Attack, attack_key: str, article_id: str) -> URIRef:
    """An attack as one article tells it, with that article's casualty report."""
    node = attack_iri(attack_key)
    art = article_iri(article_id)
    g.add((node, RDF.type, CKG.Attack))
    for t in sorted(attack.types):
        g.add((node, RDF.type, CKG[t]))
    g.add((node, CKG.reportedIn, art))
    g.add((art, CKG.reports, node))
    if attack.main:
        g.add((art, CKG.mainEvent, node))
    if attack.date:
        g.add((node, CKG.date, date_literal(attack.date)))
    if attack.date_text:
        g.add((node, CKG.dateText, Literal(attack.date_text)))
    if attack.place is not None:
        g.add((node, CKG.occurredAt, place_triples(g, attack.place)))
    for t in sorted(attack.targets):
        g.add((node, CKG.targetType, CKG[t]))
    for claim in attack.claims:
        group = group_node(claim.group)
        g.add((node, CKG.claimedBy, group))
        c = ID[f"claim/{attack_key}/{slug(article_id)}/{group.rsplit('/', 1)[-1]}"]
        g.add((c, RDF.type, CKG.Claim))
        g.add((node, CKG.claim, c))
        g.add((c, CKG.claimant, group))
        g.add((c, CKG.claimOf, node))
        g.add((c, PROV.wasDerivedFrom, art))
        if claim.claimed_killed is not None:
            g.add((c, CKG.claimedKilled, Literal(claim.claimed_killed)))
        if claim.evidence is not None:
            g.add((c, CKG.evidence, evidence_triples(g, article_id, claim.evidence)))
    for ref in attack.suspects:
        g.add((node, CKG.suspectedPerpetrator, group_node(ref)))
    for person in attack.victims:
        p = person_iri(f"{attack_key} {person.name}")
        g.add((p, RDF.type, CKG.Person))
        g.add((p, RDFS.label, Literal(person.name)))
        if person.rank:
            g.add((p, CKG.rank, Literal(person.rank)))
        g.add((node, CKG.victim, p))
    for ev in attack.evidence:
        g.add((node, CKG.evidence, evidence_triples(g, article_id, ev)))
    report = report_iri(attack_key, article_id)
    cas = attack.casualties
    if cas.killed or cas.injured or cas.attackers_killed or any(c.claimed_killed for c in attack.claims):
        g.add((node, CKG.casualtyReport, report))
        g.add((report, RDF.type, CKG.CasualtyReport))
        g.add((report, PROV.wasDerivedFrom, art))
        figure_triples(g, report, "killed", cas.killed, article_id)
        figure_triples(g, report, "injured", cas.injured, article_id)
        figure_triples(g, report, "attackers_killed", cas.attackers_killed, article_id)
        claimed = [c.claimed_killed for c in attack.claims if c.claimed_killed is not None]
        if claimed:
            g.add((report, CKG.claimedKilled, Literal(min(claimed))))
    return node


def article_graph(ex: Extraction, attack_keys: list[str]) -> Graph:
    """Everything read from one article, as the triples of its named graph."""
    g = Graph()
    a = ex.article
    art = article_iri(a.id)
    g.add((art, RDF.type, CKG.Article))
    g.add((art, RDFS.label, Literal(a.id)))
    g.add((art, CKG.sourceFile, Literal(a.file or a.id)))
    if a.published:
        g.add((art, CKG.published, Literal(a.published.isoformat(), datatype=XSD.date)))
    if a.source:
        g.add((art, DCTERMS.publisher, Literal(a.source)))
    if a.url:
        g.add((art, DCTERMS.source, URIRef(a.url) if a.url.startswith(("http://", "https://")) else Literal(a.url)))
    for attack, key in zip(ex.attacks, attack_keys):
        attack_triples(g, attack, key, a.id)
    for m in ex.groups:
        g.add((art, CKG.mentions, group_triples(g, m.group, m.names)))
    for rel in ex.relations:
        s, o = group_node(rel.subject), group_node(rel.object)
        group_triples(g, rel.subject, set())
        group_triples(g, rel.object, set())
        g.add((s, CKG[rel.relation], o))
        st = ID[f"statement/{short_hash(a.id, str(s), rel.relation, str(o))}"]
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, RDF.subject, s))
        g.add((st, RDF.predicate, CKG[rel.relation]))
        g.add((st, RDF.object, o))
        g.add((st, PROV.wasDerivedFrom, art))
        if rel.evidence is not None:
            g.add((st, CKG.evidence, evidence_triples(g, a.id, rel.evidence)))
    for person in ex.people:
        p = person_iri(person.name)
        g.add((p, RDF.type, CKG.Person))
        g.add((p, RDFS.label, Literal(person.name)))
        if person.rank:
            g.add((p, CKG.rank, Literal(person.rank)))
        g.add((art, CKG.mentions, p))
    return g


def registry_group_triples(out: Graph, entry: GroupEntry) -> URIRef:
    """What the registry knows of one group: its names, Wikidata id and description."""
    node = group_iri(entry.key)
    out.add((node, RDF.type, CKG.ArmedGroup))
    out.add((node, SKOS.prefLabel, Literal(entry.name)))
    for a in entry.aliases:
        if a != entry.name:
            out.add((node, SKOS.altLabel, Literal(a)))
    if entry.wikidata:
        out.add((node, OWL.sameAs, WD[entry.wikidata]))
    if entry.description:
        out.add((node, RDFS.comment, Literal(entry.description)))
    return node


def registry_relation_triples(out: Graph, subject: GroupEntry, rel: KnownRelation) -> URIRef:
    """A documented relation as a ckg:GroupRelation node with its source, never as a direct triple.

    Direct ckg:splinterOf / affiliateOf / alliedWith triples are what articles state; the
    registry's knowledge stays apart so the two can be told (and scored) apart.
    """
    s, o = group_iri(subject.key), group_iri(rel.other)
    node = relation_iri(str(s), rel.relation, str(o))
    out.add((node, RDF.type, CKG.GroupRelation))
    out.add((node, CKG.relationSubject, s))
    out.add((node, CKG.relationType, CKG[rel.relation]))
    out.add((node, CKG.relationObject, o))
    if rel.source:
        out.add((node, DCTERMS.source, Literal(rel.source)))
    out.add((node, PROV.wasAttributedTo, REGISTRY_AGENT))
    out.add((REGISTRY_AGENT, RDF.type, PROV.Agent))
    out.add((REGISTRY_AGENT, RDFS.label, Literal("conflictkg group registry")))
    return node


def registry_place_triples(out: Graph, key: str) -> URIRef:
    """What the gazetteer knows of a place and of each place containing it, up to the country:
    class, names, containment, coordinates and GeoNames id."""
    chain = load_gazetteer().chain(key)
    for entry, parent in zip(chain, chain[1:] + [None]):
        node = place_iri(entry.key)
        out.add((node, RDF.type, PLACE_CLASS[entry.kind]))
        out.add((node, RDFS.label, Literal(entry.name)))
        out.add((node, SKOS.prefLabel, Literal(entry.name)))
        for a in entry.aliases:
            if a != entry.name:
                out.add((node, SKOS.altLabel, Literal(a)))
        if parent is not None:
            out.add((node, CKG.locatedIn, place_iri(parent.key)))
        if entry.lat is not None:
            out.add((node, GEO.lat, Literal(entry.lat)))
            out.add((node, GEO.long, Literal(entry.lon)))
        if entry.geonames_id:
            out.add((node, OWL.sameAs, GEONAMES[f"{entry.geonames_id}/"]))
    return place_iri(key)


@lru_cache(maxsize=None)
def registry_node_triples(node: URIRef) -> tuple[tuple, ...]:
    """The registry's facts for one group or place IRI (none for an IRI it does not know).

    For a group: its names and ids, its documented relations and the groups at their other
    end; for a place: its chain up to the country. Computed once per process.
    """
    gaz = load_gazetteer()
    out = Graph()
    s = str(node)
    group_prefix, place_prefix = str(ID["group/"]), str(ID["place/"])
    try:
        if s.startswith(group_prefix):
            key = s[len(group_prefix):]
            registry_group_triples(out, gaz.group(key))
            for subject, rel in gaz.relations_of(key):
                registry_relation_triples(out, subject, rel)
                registry_group_triples(out, gaz.group(rel.other if subject.key == key else subject.key))
        elif s.startswith(place_prefix):
            registry_place_triples(out, s[len(place_prefix):])
    except KeyError:
        return ()
    return tuple(out)


REGISTRY_PREFIXES = (str(ID["group/"]), str(ID["place/"]))  # IRIs of what the registry graph describes


def registry_nodes(triples: Iterable[tuple]) -> set[URIRef]:
    """The group and place IRIs some triples name."""
    return {n for t in triples for n in (t[0], t[2]) if isinstance(n, URIRef) and str(n).startswith(REGISTRY_PREFIXES)}


DESCRIBING = (RDF.type, RDFS.label, SKOS.prefLabel, CKG.locatedIn)


def split_descriptions(g: Graph) -> set[tuple]:
    """Take out of an article graph the class, name and container of the groups and places it
    describes (those the registry does not know), and return them.

    They go to the registry graph, stated once however many articles name the same place:
    over the union of the graphs a fact stated in many graphs is seen once per graph, and
    joins on it multiply. The article keeps what it says of them: the names it used and the
    attacks that happened there.
    """
    out = {t for p in DESCRIBING for t in g.triples((None, p, None)) if str(t[0]).startswith(REGISTRY_PREFIXES)}
    for t in out:
        g.remove(t)
    return out


def registry_triples(nodes: Graph | Iterable[URIRef]) -> set[tuple]:
    """The gazetteer's facts about the groups and places a graph (or a set of IRIs) names:
    names, ids, containment, coordinates, and the documented relations of those groups."""
    if isinstance(nodes, Graph):
        nodes = registry_nodes(nodes)
    return {t for node in nodes for t in registry_node_triples(node)}
