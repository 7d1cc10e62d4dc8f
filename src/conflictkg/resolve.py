"""Cross-article event coreference: one attack node per real incident, however many reports.

An attack read from a new article is compared with the attacks already known in the same
district (in the store, or earlier in the same run). It joins one when the evidence
agrees: dates equal, one refining the other or a day apart; the same locality or
facility, or no finer place on one side; overlapping kinds of attack; and nothing that
rules it out (different named sites, different claimants, tolls far apart). Without a
date on either side the match needs the place, the kind and the target or the toll, and
the merge is recorded as uncertain.

The node's key is that of its earliest report (publication date, then article id), so
the graph does not depend on the order articles were ingested in; when an earlier report
arrives later the node is renamed everywhere it is mentioned.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from rdflib import Graph, URIRef

from .gazetteer import PlaceEntry, load_gazetteer
from .model import Attack, Extraction, PlaceRef
from .store.base import graph_kind
from .vocab import CKG, ID, attack_iri, slug

FAMILIES = {"Bombing": "explosive", "SuicideAttack": "explosive", "VehicleBombing": "explosive",
            "GrenadeAttack": "explosive", "RocketAttack": "explosive", "ArmedAssault": "firearms",
            "Ambush": "firearms", "TargetedKilling": "firearms", "Kidnapping": "kidnapping",
            "Hijacking": "hijacking"}
LATEST = "9999-12-31"


@dataclass
class Profile:
    """What matching needs to know of one attack node (or one report of it)."""

    key: str
    order: tuple[str, str, int]  # (published or LATEST, article id, incident index) of its earliest report
    dates: set[str] = field(default_factory=set)
    district: str | None = None
    province: str | None = None
    sites: set[str] = field(default_factory=set)  # names of localities and facilities below the district
    families: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    claimants: set[str] = field(default_factory=set)
    killed: set[int] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)


@dataclass
class Decision:
    """Whether a report joins an attack node, and why."""

    match: bool
    reasons: list[str]
    uncertain: bool = False


def norm(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", name.lower().replace("'s", "")))


def containers(ref: PlaceRef | None) -> tuple[PlaceEntry | None, PlaceEntry | None]:
    """The district and province a place lies in."""
    if ref is None:
        return None, None
    gaz = load_gazetteer()
    key = ref.key or ref.parent_key
    if key is None:
        return None, None
    entry = gaz.place(key)
    district = entry if entry.kind == "district" else gaz.district_of(key)
    province = entry if entry.kind == "province" else gaz.province_of(key)
    return district, province


def sites_of(ref: PlaceRef | None, district: PlaceEntry | None) -> set[str]:
    """Names of the places below the district; a town named like its district does not count."""
    if ref is None:
        return set()
    gaz = load_gazetteer()
    names = set()
    if ref.kind in {"locality", "facility"}:
        names |= {norm(n) for n in (ref.name, ref.alias) if n}
    if ref.key is None and ref.parent_key:
        parent = gaz.place(ref.parent_key)
        if parent.kind == "locality":
            names.add(norm(parent.name))
    if district is not None:
        names = {n for n in names if n and n not in norm(district.name)}
    return names


def profile_of(attack: Attack, key: str, article_id: str, published: date | None) -> Profile:
    """The profile of one attack as one article reports it."""
    district, province = containers(attack.place)
    return Profile(
        key=key, order=order_of(key, published.isoformat() if published else None),
        dates={attack.date} if attack.date else set(),
        district=district.key if district else None, province=province.key if province else None,
        sites=sites_of(attack.place, district), families={FAMILIES[t] for t in attack.types if t in FAMILIES},
        targets=set(attack.targets), claimants={c.group.key or slug(c.group.name) for c in attack.claims},
        killed={attack.casualties.killed.value} if attack.casualties.killed else set(), articles={article_id})


def own_key(article_id: str, index: int) -> str:
    """The key of an article's n-th incident: the attack's key while it is its earliest report."""
    return f"{slug(article_id)}-{index}"


def order_of(key: str, published: str | None) -> tuple[str, str, int]:
    """How early a report is: by publication date (undated last), then article, then incident."""
    article, index = key.rsplit("-", 1)
    return (published or LATEST, article, int(index))


def dates_agree(a: set[str], b: set[str]) -> bool | None:
    """True when some dates agree (equal, one refining the other, or a day apart), False when
    both sides give dates and none agree, None when a side has none."""
    if not a or not b:
        return None
    for x in a:
        for y in b:
            if x.startswith(y) or y.startswith(x):
                return True
            if len(x) == len(y) == 10 and abs(date.fromisoformat(x) - date.fromisoformat(y)) <= timedelta(days=1):
                return True
    return False


def sites_agree(a: set[str], b: set[str]) -> bool | None:
    """Named sites agree when a name of one contains a name of the other; None when a side has none."""
    if not a or not b:
        return None
    return any(x in y or y in x for x in a for y in b)


def tolls_agree(a: set[int], b: set[int]) -> bool | None:
    """Death tolls agree when within a factor of two (tolls rise as victims die); None if unknown."""
    if not a or not b:
        return None
    lo, hi = min(min(a), min(b)), max(max(a), max(b))
    return hi <= max(2 * lo, lo + 3)


def decide(new: Profile, old: Profile) -> Decision:
    """Does the new report describe the incident of the old node?"""
    if new.articles & old.articles and new.key != old.key:
        return Decision(False, ["reported in the same article as a separate incident"])
    if new.district is None or new.district != old.district:
        return Decision(False, ["not known to be in the same district"])
    reasons = [f"same district ({load_gazetteer().place(new.district).name})"]
    when = dates_agree(new.dates, old.dates)
    if when is False:
        return Decision(False, [f"dates differ ({', '.join(sorted(new.dates))} vs {', '.join(sorted(old.dates))})"])
    where = sites_agree(new.sites, old.sites)
    if where is False:
        return Decision(False, [f"different sites ({', '.join(sorted(new.sites))} vs {', '.join(sorted(old.sites))})"])
    if new.families and old.families and not new.families & old.families:
        return Decision(False, ["different kinds of attack"])
    if new.claimants and old.claimants and not new.claimants & old.claimants:
        return Decision(False, ["claimed by different groups"])
    toll = tolls_agree(new.killed, old.killed)
    if toll is False:
        return Decision(False, ["death tolls far apart"])
    if where:
        reasons.append(f"same site ({', '.join(sorted(new.sites & old.sites) or sorted(new.sites))})")
    if new.families & old.families:
        reasons.append(f"same kind of attack ({', '.join(sorted(new.families & old.families))})")
    if new.targets & old.targets:
        reasons.append(f"same targets ({', '.join(sorted(new.targets & old.targets))})")
    if new.claimants & old.claimants:
        reasons.append("same claimant")
    if toll:
        reasons.append(f"tolls agree ({', '.join(map(str, sorted(new.killed | old.killed)))})")
    if when:
        reasons.insert(1, f"dates agree ({', '.join(sorted(new.dates | old.dates))})")
        return Decision(bool(new.families & old.families or where), reasons)
    # no date on one side: place, kind and (target or toll) must all agree
    ok = bool(new.families & old.families) and (where or bool(new.targets & old.targets) or bool(toll)) \
        and (where is not None or bool(toll) or bool(new.targets & old.targets))
    return Decision(ok, reasons + ["matched on place, kind and target or toll"], uncertain=True)


# Each report is read from its own article graph; where its place lies (the district, the
# locality around a facility) comes from wherever the place is described: the registry
# graph for a gazetteer place, the article graph for a place the gazetteer does not know.
# A site goes by its label, or by another name the article itself gave it.
REPORTS = """
SELECT ?attack ?g ?sourceKey ?published ?date ?type ?target ?claimant ?killed ?site ?alias ?parent ?district
WHERE {
  GRAPH ?g {
    ?article ckg:reports ?attack .
    ?attack ckg:sourceKey ?sourceKey ;
            ckg:occurredAt ?place .
    OPTIONAL { ?article ckg:published ?published }
    OPTIONAL { ?attack ckg:date ?date }
    OPTIONAL { ?attack a ?type }
    OPTIONAL { ?attack ckg:targetType ?target }
    OPTIONAL { ?attack ckg:claimedBy ?claimant }
    OPTIONAL { ?attack ckg:casualtyReport/ckg:killed ?killed }
  }
  ?place ckg:locatedIn* ?district .
  ?district a ckg:District .
  OPTIONAL { ?place a ?kind ; rdfs:label ?site . FILTER(?kind IN (ckg:Locality, ckg:Facility)) }
  OPTIONAL { ?place a ?aliasKind . FILTER(?aliasKind IN (ckg:Locality, ckg:Facility))
             GRAPH ?g { ?place skos:altLabel ?alias } }
  OPTIONAL { ?place ckg:locatedIn ?parent . ?parent a ckg:Locality ; rdfs:label ?parentName }
}
"""


def report_profiles(store, *, district: str | None = None, attacks: list[URIRef] | None = None
                    ) -> dict[URIRef, list[Profile]]:
    """Per attack node, one profile per article graph reporting it, read from that graph alone;
    limited to one district or to some attacks."""
    from rdflib import Literal
    sparql = REPORTS
    bindings = {}
    if district is not None:
        bindings["district"] = URIRef(ID[f"place/{district}"])
    if attacks:
        sparql = sparql.replace("WHERE {", "WHERE { VALUES ?attack { " + " ".join(f"<{a}>" for a in attacks) + " }", 1)
    gaz = load_gazetteer()
    prefix = str(ID["place/"])
    reports: dict[tuple, Profile] = {}
    for r in store.select(sparql, bindings):
        dkey = str(r["district"])[len(prefix):]
        source = str(r["sourceKey"])
        published = str(r["published"]) if isinstance(r["published"], Literal) else None
        p = reports.get((r["attack"], r["g"]))
        if p is None:
            p = reports[(r["attack"], r["g"])] = Profile(
                key=str(r["attack"]).rsplit("/", 1)[-1], order=order_of(source, published), district=dkey,
                province=getattr(gaz.province_of(dkey), "key", None), articles={source.rsplit("-", 1)[0]})
        dist_name = norm(gaz.place(dkey).name)
        if r["date"] is not None:
            p.dates.add(str(r["date"]))
        kind = str(r["type"]).rsplit("#", 1)[-1] if r["type"] is not None else ""
        if kind in FAMILIES:
            p.families.add(FAMILIES[kind])
        if r["target"] is not None:
            p.targets.add(str(r["target"]).rsplit("#", 1)[-1])
        if r["claimant"] is not None:
            p.claimants.add(str(r["claimant"]).rsplit("/", 1)[-1])
        if r["killed"] is not None:
            p.killed.add(int(r["killed"]))
        for name in (r["site"], r["alias"], r["parent"] and gaz_name(gaz, str(r["parent"])[len(prefix):])):
            if name and norm(str(name)) not in dist_name:
                p.sites.add(norm(str(name)))
    out: dict[URIRef, list[Profile]] = {}
    for (attack, _), p in sorted(reports.items(), key=lambda kv: kv[1].order):
        out.setdefault(attack, []).append(p)
    return out


def gaz_name(gaz, key: str) -> str | None:
    try:
        return gaz.place(key).name
    except KeyError:
        return None


def stored_profiles(store, district: str) -> list[Profile]:
    """Profiles of the attack nodes the store holds in one district, each over all its reports."""
    nodes = []
    for reports in report_profiles(store, district=district).values():
        node = Profile(key=reports[0].key, order=reports[0].order, district=district, province=reports[0].province)
        for p in reports:
            absorb(node, p)
        nodes.append(node)
    return nodes


def match_notes(store, attacks: list[URIRef]) -> list[tuple]:
    """(attack, ckg:matchNote, text): why each later report joins the earliest one. Recomputed
    from what the store holds, so it does not depend on the order of ingest or on removals."""
    from rdflib import Literal
    out = []
    for attack, reports in report_profiles(store, attacks=attacks).items():
        first = reports[0]
        for p in reports[1:]:
            d = decide(p, first)
            note = "; ".join(d.reasons) + (" (uncertain: no date on one side)" if d.uncertain else "")
            verb = "joins" if d.match else "joined through other reports; against"
            out.append((attack, CKG.matchNote, Literal(f"{min(p.articles)} {verb} {min(first.articles)}: {note}")))
    return out


def absorb(node: Profile, report: Profile) -> None:
    """Add what a new report says to the node it joined."""
    node.dates |= report.dates
    node.sites |= report.sites
    node.families |= report.families
    node.targets |= report.targets
    node.claimants |= report.claimants
    node.killed |= report.killed
    node.articles |= report.articles
    node.order = min(node.order, report.order)


@dataclass
class Assignment:
    """The key an attack of an article gets, the decision behind it, and any node renamed."""

    key: str
    decision: Decision | None = None
    renamed: str | None = None  # the node's old key, when this report is now its earliest


class Resolver:
    """Assigns attack keys for articles in turn, against the store and this run's earlier articles."""

    def __init__(self, store):
        self.store = store
        self.seen: dict[str, dict[str, Profile]] = {}  # district -> key -> profile, for this run

    def candidates(self, district: str) -> list[Profile]:
        if district not in self.seen:
            self.seen[district] = {p.key: p for p in stored_profiles(self.store, district)}
        return list(self.seen[district].values())

    def assign(self, ex: Extraction) -> list[Assignment]:
        """One assignment per attack of the article, in order."""
        out = []
        art = slug(ex.article.id)
        for i, attack in enumerate(ex.attacks):
            own = own_key(ex.article.id, i)
            report = profile_of(attack, own, art, ex.article.published)
            best, decision = None, None
            if report.district is not None:
                for node in self.candidates(report.district):
                    d = decide(report, node)
                    if d.match and (decision is None or len(d.reasons) > len(decision.reasons)):
                        best, decision = node, d
            if best is None:
                if report.district is not None:
                    self.seen[report.district][own] = report
                out.append(Assignment(own))
                continue
            old = best.key
            absorb(best, report)
            if best.order == report.order and old != own:  # this report is now the earliest
                table = self.seen[report.district]
                del table[old]
                best.key = own
                table[own] = best
                out.append(Assignment(own, decision, renamed=old))
            else:
                out.append(Assignment(old, decision))
        return out


KEYED = ("attack/", "report/", "claim/", "person/")


def rename_term(term, old: str, new: str):
    """An IRI minted from an attack key, re-minted from another key; other terms unchanged."""
    if not isinstance(term, URIRef) or not str(term).startswith(str(ID)):
        return term
    text = str(term)
    rest = text[len(str(ID)):]
    if not rest.startswith(KEYED):
        return term
    return URIRef(str(ID) + re.sub(r"(?<=/)" + re.escape(old) + r"(?=[/-]|$)", new, rest))


def rename_graph(g: Graph, old: str, new: str) -> Graph:
    out = Graph()
    for s, p, o in g:
        out.add((rename_term(s, old, new), p, rename_term(o, old, new)))
    return out


def rename_in_store(store, old: str, new: str) -> list[URIRef]:
    """Rename an attack node in every graph that mentions it; returns those graphs.

    An article graph is small and holds the IRIs minted from the key (reports, claims,
    victims): it is rewritten whole. A graph shared by all attacks (canonical figures,
    inferences) only has the node's own triples renamed, so a rename costs the same
    however large the store has grown.
    """
    node, renamed = attack_iri(old), attack_iri(new)
    rows = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { { ?node ?p ?o } UNION { ?s ?p ?node } } }",
                        {"node": node})
    graphs = [r["g"] for r in rows]
    shared = [g for g in graphs if graph_kind(str(g)) != "article"]
    with store.transaction() as tx:
        for g in graphs:
            if g not in shared:
                tx.replace_graph(g, rename_graph(store.graph_triples(g), old, new))
    if shared:
        graphs_values = " ".join(f"<{g}>" for g in shared)
        store.update(
            f"DELETE {{ GRAPH ?g {{ <{node}> ?p ?o }} }} INSERT {{ GRAPH ?g {{ <{renamed}> ?p ?o }} }} "
            f"WHERE {{ VALUES ?g {{ {graphs_values} }} GRAPH ?g {{ <{node}> ?p ?o }} }} ;\n"
            f"DELETE {{ GRAPH ?g {{ ?s ?p <{node}> }} }} INSERT {{ GRAPH ?g {{ ?s ?p <{renamed}> }} }} "
            f"WHERE {{ VALUES ?g {{ {graphs_values} }} GRAPH ?g {{ ?s ?p <{node}> }} }}")
    return graphs
