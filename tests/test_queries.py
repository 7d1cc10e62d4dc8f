"""Every named query, run against a small graph laid out as docs/graph-model.md describes."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib import namespace as ns  # ns.XSD: a module-level XSD makes pytest's collector warn

from conflictkg.queries import (
    QUERY_DIR, NamedQuery, list_queries, load_query_text, parse_params, parse_value, resolve_query,
)
from conflictkg.store import QueryError, open_store
from conflictkg.vocab import (
    CANONICAL_GRAPH, CKG, PROV, REGISTRY_GRAPH, WD, article_graph, article_iri, attack_iri, group_iri,
    person_iri, place_iri, report_iri,
)

# --- the sample graph -----------------------------------------------------------------

TTP, TJP, JUA, AFGHAN_TALIBAN = (group_iri(k) for k in (
    "tehreek-e-taliban-pakistan", "tehreek-e-jihad-pakistan", "jamaat-ul-ahrar", "afghan-taliban"))
PAKISTAN = place_iri("pakistan")
KP = place_iri("pakistan/khyber-pakhtunkhwa")
DI_KHAN = place_iri("pakistan/khyber-pakhtunkhwa/dera-ismail-khan")
DARABAN = place_iri("pakistan/khyber-pakhtunkhwa/dera-ismail-khan/daraban")
DARABAN_POLICE = place_iri("pakistan/khyber-pakhtunkhwa/dera-ismail-khan/daraban/daraban-police-station")
PESHAWAR_DISTRICT = place_iri("pakistan/khyber-pakhtunkhwa/peshawar")
PESHAWAR = place_iri("pakistan/khyber-pakhtunkhwa/peshawar/peshawar")
PUNJAB = place_iri("pakistan/punjab")
MIANWALI = place_iri("pakistan/punjab/mianwali")
KUNDAL = place_iri("pakistan/punjab/mianwali/kundal")

DARABAN_ATTACK = attack_iri("daraban-2023-12-12")
KUNDAL_ATTACK = attack_iri("kundal-2024-03")
PESHAWAR_ATTACK = attack_iri("peshawar-2022")
ASLAM = person_iri("Muhammad Aslam")

ARTICLES = {  # id: (file, published)
    "001-dawn": ("001_dawn.txt", "2023-12-12"),
    "002-express": ("002_express.txt", "2023-12-13"),
    "003-tribune": ("003_tribune.txt", "2024-03-06"),
}

PLACES = [  # iri, class, label, parent
    (PAKISTAN, CKG.Country, "Pakistan", None),
    (KP, CKG.Province, "Khyber Pakhtunkhwa", PAKISTAN),
    (DI_KHAN, CKG.District, "Dera Ismail Khan", KP),
    (DARABAN, CKG.Locality, "Daraban", DI_KHAN),
    (DARABAN_POLICE, CKG.Facility, "Daraban police station", DARABAN),
    (PESHAWAR_DISTRICT, CKG.District, "Peshawar", KP),
    (PESHAWAR, CKG.Locality, "Peshawar", PESHAWAR_DISTRICT),
    (PUNJAB, CKG.Province, "Punjab", PAKISTAN),
    (MIANWALI, CKG.District, "Mianwali", PUNJAB),
    (KUNDAL, CKG.Locality, "Kundal", MIANWALI),
]

GROUPS = [  # iri, preferred name, aliases, Wikidata id
    (TTP, "Tehreek-e-Taliban Pakistan", ["TTP", "Pakistani Taliban"], "Q1351089"),
    (TJP, "Tehreek-e-Jihad Pakistan", ["TJP"], None),
    (JUA, "Jamaat-ul-Ahrar", ["JuA"], "Q17350963"),
    (AFGHAN_TALIBAN, "Afghan Taliban", ["Islamic Emirate of Afghanistan"], "Q42418"),
]


def _place_chain(graph: Graph, place: URIRef) -> None:
    """An article names a place: its labels and the chain up to the country."""
    by_iri = {iri: (cls, label, parent) for iri, cls, label, parent in PLACES}
    while place is not None:
        cls, label, parent = by_iri[place]
        graph.add((place, RDF.type, cls))
        graph.add((place, RDFS.label, Literal(label)))
        graph.add((place, SKOS.prefLabel, Literal(label)))
        if parent is not None:
            graph.add((place, CKG.locatedIn, parent))
        place = parent


def _article(article_id: str) -> tuple[Graph, URIRef]:
    graph = Graph(identifier=article_graph(article_id))
    article = article_iri(article_id)
    source_file, published = ARTICLES[article_id]
    graph.add((article, RDF.type, CKG.Article))
    graph.add((article, CKG.sourceFile, Literal(source_file)))
    graph.add((article, CKG.published, Literal(published, datatype=ns.XSD.date)))
    return graph, article


def _attack(graph, article, attack, key, *, types, date, place, target, report, main=True):
    graph.add((article, CKG.reports, attack))
    if main:
        graph.add((article, CKG.mainEvent, attack))
    for cls in (CKG.Attack, *types):
        graph.add((attack, RDF.type, cls))
    graph.add((attack, CKG.date, date))
    graph.add((attack, CKG.occurredAt, place))
    graph.add((attack, CKG.targetType, target))
    graph.add((attack, CKG.reportedIn, article))
    report_node = report_iri(key, str(article).rsplit("/", 1)[1])
    graph.add((attack, CKG.casualtyReport, report_node))
    graph.add((report_node, RDF.type, CKG.CasualtyReport))
    graph.add((report_node, PROV.wasDerivedFrom, article))
    for prop, value in report.items():
        graph.add((report_node, CKG[prop], Literal(value)))


def _group(graph: Graph, group: URIRef) -> None:
    """The registry's entry for a group: its names and Wikidata link."""
    iri, name, aliases, wikidata = next(g for g in GROUPS if g[0] == group)
    graph.add((group, RDF.type, CKG.ArmedGroup))
    graph.add((group, SKOS.prefLabel, Literal(name)))
    for alias in aliases:
        graph.add((group, SKOS.altLabel, Literal(alias)))
    if wikidata:
        graph.add((group, OWL.sameAs, WD[wikidata]))


def _mentions(graph: Graph, article: URIRef, *groups: URIRef) -> None:
    """An article names groups; the registry describes them."""
    for group in groups:
        graph.add((article, CKG.mentions, group))


# what the canonical graph holds for the three attacks, computed over their reports
CANONICAL_FIGURES = {
    DARABAN_ATTACK: {"killed": 23, "killedMax": 24, "injured": 34, "injuredMax": 34, "attackersKilled": 5,
                     "attackersKilledMax": 5},
    KUNDAL_ATTACK: {"killed": 2, "killedMax": 2, "injured": 1, "injuredMax": 1},
    PESHAWAR_ATTACK: {"killed": 5, "killedMax": 5},
}
LABELS = {DARABAN_ATTACK: "vehicle bombing in Daraban on 2023-12-12",
          KUNDAL_ATTACK: "armed assault in Kundal in 2024-03", PESHAWAR_ATTACK: "bombing in Peshawar in 2022"}
SUMMARIES = {  # the most precise date; the most specific place, and its district and province
    DARABAN_ATTACK: {"canonicalDate": Literal("2023-12-12", datatype=ns.XSD.date), "canonicalPlace": DARABAN_POLICE,
                     "canonicalDistrict": DI_KHAN, "canonicalProvince": KP},
    KUNDAL_ATTACK: {"canonicalDate": Literal("2024-03", datatype=ns.XSD.gYearMonth), "canonicalPlace": KUNDAL,
                    "canonicalDistrict": MIANWALI, "canonicalProvince": PUNJAB},
    PESHAWAR_ATTACK: {"canonicalDate": Literal("2022", datatype=ns.XSD.gYear), "canonicalPlace": PESHAWAR,
                      "canonicalDistrict": PESHAWAR_DISTRICT, "canonicalProvince": KP},
}


def sample_graphs() -> dict[URIRef, Graph]:
    """Three articles, two of them on one attack (24 vs 23 killed), plus canonical and registry graphs."""
    daraban = dict(types=[CKG.VehicleBombing, CKG.SuicideAttack],
                   date=Literal("2023-12-12", datatype=ns.XSD.date), place=DARABAN_POLICE, target=CKG.Police)
    graphs = []

    dawn, article = _article("001-dawn")
    _attack(dawn, article, DARABAN_ATTACK, "daraban-2023-12-12",
            report={"killed": 24, "injured": 34, "attackersKilled": 5}, **daraban)
    dawn.add((DARABAN_ATTACK, CKG.claimedBy, TJP))
    _mentions(dawn, article, TJP, TTP)
    dawn.add((TJP, CKG.splinterOf, TTP))
    graphs.append(dawn)

    express, article = _article("002-express")
    _attack(express, article, DARABAN_ATTACK, "daraban-2023-12-12",
            report={"killed": 23, "injured": 34, "attackersKilled": 5}, **daraban)
    express.add((DARABAN_ATTACK, CKG.claimedBy, TJP))
    express.add((DARABAN_ATTACK, CKG.suspectedPerpetrator, TTP))  # blamed, but TJP claimed it
    _mentions(express, article, TJP, TTP)
    express.add((DARABAN_POLICE, SKOS.altLabel, Literal("Daraban police post")))  # a name the registry lacks
    graphs.append(express)

    tribune, article = _article("003-tribune")
    _attack(tribune, article, KUNDAL_ATTACK, "kundal-2024-03", types=[CKG.ArmedAssault],
            date=Literal("2024-03", datatype=ns.XSD.gYearMonth),
            place=KUNDAL, target=CKG.Police, report={"killed": 2, "injured": 1})
    tribune.add((KUNDAL_ATTACK, CKG.suspectedPerpetrator, TTP))
    tribune.add((KUNDAL_ATTACK, CKG.victim, ASLAM))
    tribune.add((ASLAM, RDF.type, CKG.Person))
    tribune.add((ASLAM, RDFS.label, Literal("Muhammad Aslam")))
    tribune.add((ASLAM, CKG.rank, Literal("Sub-Inspector")))
    _attack(tribune, article, PESHAWAR_ATTACK, "peshawar-2022", types=[CKG.Bombing], main=False,
            date=Literal("2022", datatype=ns.XSD.gYear),
            place=PESHAWAR, target=CKG.Civilians, report={"killed": 5})
    tribune.add((PESHAWAR_ATTACK, CKG.claimedBy, TTP))
    _mentions(tribune, article, TTP, AFGHAN_TALIBAN)
    tribune.add((TTP, CKG.alliedWith, AFGHAN_TALIBAN))
    graphs.append(tribune)

    canonical = Graph(identifier=CANONICAL_GRAPH)
    for attack, figures in CANONICAL_FIGURES.items():
        for prop, value in figures.items():
            canonical.add((attack, CKG[prop], Literal(value)))
    for attack, label in LABELS.items():
        canonical.add((attack, RDFS.label, Literal(label)))
    for attack, summary in SUMMARIES.items():
        for prop, value in summary.items():
            canonical.add((attack, CKG[prop], value))
    graphs.append(canonical)

    registry = Graph(identifier=REGISTRY_GRAPH)
    for group, *_ in GROUPS:
        _group(registry, group)
    registry.add((JUA, CKG.splinterOf, TTP))
    for place, *_ in PLACES:
        _place_chain(registry, place)
    graphs.append(registry)
    return {graph.identifier: graph for graph in graphs}


def write_sample(store) -> dict[URIRef, Graph]:
    """Write the sample graphs into a store in one batch; return them."""
    graphs = sample_graphs()
    store.write_batch((iri, graph) for iri, graph in graphs.items())
    return graphs


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with open_store(tmp_path_factory.mktemp("queries") / "store") as store:
        write_sample(store)
        yield store


def run(store, name: str, *params: str):
    query = resolve_query(name)
    assert isinstance(query, NamedQuery)
    return store.select(query.text, parse_params(list(params), query))


def values(rows, *names):
    """Rows as tuples of plain Python values, for comparing with what a user reads."""
    return [tuple(None if row[n] is None else row[n].toPython() for n in names) for row in rows]


# --- the catalogue ----------------------------------------------------------------------

def test_every_query_has_a_header_and_parses():
    queries = list_queries()
    assert len(queries) >= 10
    assert {"attacks-by-group", "deadliest-attacks", "casualties-by-province", "police-attacks-in-range",
            "group-aliases", "group-affiliates", "conflicting-reports", "named-victims", "sources-of-attack",
            "recent-attacks", "attacks-at-place"} <= {q.name for q in queries}
    for query in queries:
        assert query.title and query.title != query.name, query.name
        assert query.description, query.name
        for param in query.params:
            assert f"?{param.name}" in query.text and param.example and param.doc, (query.name, param)


def test_every_query_runs_on_an_empty_store(tmp_path):
    with open_store(tmp_path / "empty") as empty:
        for query in list_queries():
            example = [f"{p.name}={p.example}" for p in query.params]
            rows = empty.select(query.text, parse_params(example, query))
            assert all(value.toPython() == 0 for row in rows for value in row.values()), query.name


def test_header_is_read():
    query = resolve_query("attacks-by-group")
    assert query.title == "Attacks claimed by a group vs attributed to it"
    assert query.description.startswith("Every attack a group (or any of its aliases) claimed")
    [param] = query.params
    assert (param.name, param.example, param.optional) == ("group_name", "Tehreek-e-Taliban Pakistan", False)
    police = resolve_query("police-attacks-in-range")
    assert [(p.name, p.example, p.optional) for p in police.params] == [
        ("from", "2023-01-01", True), ("to", "2024-12-31", True)]


# --- each analyst question -------------------------------------------------------------

def test_attacks_by_group_separates_claims_from_suspicions(store):
    rows = run(store, "attacks-by-group", "group_name=pakistani taliban")  # an alias, other case
    assert values(rows, "groupLabel", "role", "attackLabel", "killed") == [
        ("Tehreek-e-Taliban Pakistan", "claimed", "bombing in Peshawar in 2022", 5),
        ("Tehreek-e-Taliban Pakistan", "suspected", "armed assault in Kundal in 2024-03", 2),
        # one source blames TTP for Daraban; TJP claimed it, TTP did not
        ("Tehreek-e-Taliban Pakistan", "suspected", "vehicle bombing in Daraban on 2023-12-12", 23),
    ]
    rows = run(store, "attacks-by-group", "group_name=TJP")
    assert values(rows, "role", "attack", "place", "killed", "injured") == [
        ("claimed", str(DARABAN_ATTACK), "Daraban police station", 23, 34)]
    assert len(run(store, "attacks-by-group", "group_name=Lashkar-e-Taiba")) == 0


def test_deadliest_attacks_use_canonical_figures(store):
    rows = run(store, "deadliest-attacks")
    assert values(rows, "attackLabel", "killed", "place", "claimedBy") == [
        ("vehicle bombing in Daraban on 2023-12-12", 23, "Daraban police station", "Tehreek-e-Jihad Pakistan"),
        ("bombing in Peshawar in 2022", 5, "Peshawar", "Tehreek-e-Taliban Pakistan"),
        ("armed assault in Kundal in 2024-03", 2, "Kundal", None),  # nobody claimed it
    ]
    assert str(rows[0]["date"]) == "2023-12-12"


def test_casualties_by_province_and_district(store):
    rows = run(store, "casualties-by-province")
    assert values(rows, "province", "district", "attacks", "killed", "injured") == [
        ("Khyber Pakhtunkhwa", "Dera Ismail Khan", 1, 23, 34),
        ("Khyber Pakhtunkhwa", "Peshawar", 1, 5, 0),
        ("Punjab", "Mianwali", 1, 2, 1),
    ]


@pytest.mark.parametrize("params, expected", [
    ([], ["2023-12-12", "2024-03"]),  # the 2022 Peshawar bombing targeted civilians
    (["from=2024-03-15"], ["2024-03"]),  # a month overlapping the range counts
    (["from=2023-01-01", "to=2023-12-31"], ["2023-12-12"]),
    (["to=2023-12-11"], []),
    (["from=2024", "to=2024"], ["2024-03"]),
])
def test_police_attacks_in_range(store, params, expected):
    rows = run(store, "police-attacks-in-range", *params)
    assert [str(row["date"]) for row in rows] == expected


def test_police_attacks_show_groups_and_province(store):
    [row] = run(store, "police-attacks-in-range", "from=2023-12-01", "to=2023-12-31")
    assert values([row], "place", "province", "killed") == [("Daraban police station", "Khyber Pakhtunkhwa", 23)]
    assert sorted(str(row["groups"]).split(", ")) == ["Tehreek-e-Jihad Pakistan", "Tehreek-e-Taliban Pakistan"]


def test_group_aliases_from_any_name(store):
    for name in ("TTP", "tehreek-e-taliban pakistan", "Pakistani Taliban"):
        rows = run(store, "group-aliases", f"group_name={name}")
        assert values(rows, "label", "kind") == [
            ("Tehreek-e-Taliban Pakistan", "preferred"), ("Pakistani Taliban", "alias"), ("TTP", "alias")]


def test_group_affiliates_are_transitive_in_both_directions(store):
    rows = run(store, "group-affiliates", "group_name=TJP")
    assert values(rows, "subjectLabel", "relation", "objectLabel", "direct") == [
        ("Tehreek-e-Jihad Pakistan", "splinterOf", "Tehreek-e-Taliban Pakistan", True),
        ("Jamaat-ul-Ahrar", "splinterOf", "Tehreek-e-Taliban Pakistan", False),
        ("Tehreek-e-Taliban Pakistan", "alliedWith", "Afghan Taliban", False),
    ]
    rows = run(store, "group-affiliates", "group_name=Afghan Taliban")
    assert {row["subjectLabel"].toPython() for row in rows} == {
        "Tehreek-e-Jihad Pakistan", "Jamaat-ul-Ahrar", "Tehreek-e-Taliban Pakistan"}


def test_conflicting_reports_side_by_side(store):
    rows = run(store, "conflicting-reports")
    assert values(rows, "sourceFile", "killed", "injured", "attackersKilled", "canonicalKilled") == [
        ("001_dawn.txt", 24, 34, 5, 23),
        ("002_express.txt", 23, 34, 5, 23),
    ]
    assert {row["attack"] for row in rows} == {DARABAN_ATTACK}


def test_named_victims_with_rank_and_place(store):
    rows = run(store, "named-victims")
    assert values(rows, "name", "rank", "attackLabel", "place", "district", "province") == [
        ("Muhammad Aslam", "Sub-Inspector", "armed assault in Kundal in 2024-03", "Kundal", "Mianwali", "Punjab")]


def test_sources_of_attack(store):
    rows = run(store, "sources-of-attack", f"attack=<{DARABAN_ATTACK}>")
    assert values(rows, "sourceFile", "published", "mainEvent", "killed") == [
        ("001_dawn.txt", date(2023, 12, 12), True, 24),
        ("002_express.txt", date(2023, 12, 13), True, 23),
    ]
    rows = run(store, "sources-of-attack", f"attack={PESHAWAR_ATTACK}")
    assert values(rows, "sourceFile", "mainEvent") == [("003_tribune.txt", False)]


def test_recent_attacks(store):
    rows = run(store, "recent-attacks")
    assert [str(row["date"]) for row in rows] == ["2024-03", "2023-12-12", "2022"]
    assert values(rows[:1], "place", "province", "groups") == [("Kundal", "Punjab", "Tehreek-e-Taliban Pakistan")]
    rows = run(store, "recent-attacks", "since=2023")
    assert [str(row["date"]) for row in rows] == ["2024-03", "2023-12-12"]


@pytest.mark.parametrize("place, expected", [
    ("Punjab", ["armed assault in Kundal in 2024-03"]),
    ("khyber pakhtunkhwa", ["vehicle bombing in Daraban on 2023-12-12", "bombing in Peshawar in 2022"]),
    ("Dera Ismail Khan", ["vehicle bombing in Daraban on 2023-12-12"]),
    ("Daraban police station", ["vehicle bombing in Daraban on 2023-12-12"]),
    ("daraban police post", ["vehicle bombing in Daraban on 2023-12-12"]),  # a name only an article uses
    ("Pakistan", ["armed assault in Kundal in 2024-03", "vehicle bombing in Daraban on 2023-12-12",
                  "bombing in Peshawar in 2022"]),
    ("Karachi", []),
])
def test_attacks_at_place(store, place, expected):
    rows = run(store, "attacks-at-place", f"place_name={place}")
    assert [row["attackLabel"].toPython() for row in rows] == expected


def test_store_summary(store):
    [row] = store.select(load_query_text("store-summary"))
    assert {name: value.toPython() for name, value in row.items()} == {
        "articles": 3, "attacks": 3, "groups": 4, "places": 10, "people": 1, "casualtyReports": 4}


def test_group_activity(store):
    rows = run(store, "group-activity")
    assert values(rows, "groupLabel", "claimed", "suspected", "killed") == [
        ("Tehreek-e-Taliban Pakistan", 1, 2, 30),  # Daraban counts: one source blames TTP
        ("Tehreek-e-Jihad Pakistan", 1, 0, 23),
    ]


def test_canonical_graph_summarises_every_attack(tmp_path):
    """The figures and the date, place, district and province the queries read are computed from
    the articles' reports and the registry's place chain."""
    from conflictkg.canonical import refresh_canonical

    graphs = sample_graphs()
    del graphs[CANONICAL_GRAPH]
    with open_store(tmp_path / "store") as fresh:
        fresh.write_batch(graphs.items())
        refresh_canonical(fresh, [DARABAN_ATTACK, KUNDAL_ATTACK, PESHAWAR_ATTACK])
        canonical = set(fresh.graph_triples(CANONICAL_GRAPH))
    expected = {(a, CKG[p], Literal(v)) for a, figures in CANONICAL_FIGURES.items() for p, v in figures.items()}
    expected |= {(a, CKG[p], v) for a, summary in SUMMARIES.items() for p, v in summary.items()}
    assert {t for t in canonical if t[1] != RDFS.label} == expected
    # Daraban: two reports, both at the police station, 24 and 23 killed; the label names the station
    assert (DARABAN_ATTACK, RDFS.label, Literal("vehicle bombing in Daraban police station on 2023-12-12")) in canonical


# --- parameters ---------------------------------------------------------------------------

def test_parameters_are_bound_not_pasted(store):
    query = resolve_query("group-aliases")
    assert "Pakistani Taliban" not in query.text and "?group_name" in query.text
    tricky = 'TTP" } } DROP ALL #'
    assert len(store.select(query.text, parse_params([f"group_name={tricky}"], query))) == 0
    assert len(run(store, "group-aliases", "group_name=TTP")) == 3  # nothing was dropped


def test_parse_value_types():
    attack = "https://w3id.org/conflictkg/id/attack/x"
    assert parse_value(f"<{attack}>") == parse_value(attack) == URIRef(attack)
    assert parse_value("https://example.org/a") == URIRef("https://example.org/a")
    assert parse_value("2023-12-12") == Literal("2023-12-12", datatype=ns.XSD.date)
    assert parse_value("24") == Literal(24)
    assert parse_value('"24"') == Literal("24")
    assert parse_value("Tehreek-e-Taliban Pakistan") == Literal("Tehreek-e-Taliban Pakistan")


def test_undeclared_or_missing_parameters_are_refused():
    query = resolve_query("attacks-by-group")
    with pytest.raises(QueryError, match="has no parameter 'group'; its parameters: group_name"):
        parse_params(["group=TTP"], query)
    with pytest.raises(QueryError, match="needs group_name="):
        parse_params([], query)
    with pytest.raises(QueryError, match="name=value"):
        parse_params(["TTP"], query)


def test_resolve_query_by_name_path_or_text(tmp_path):
    assert resolve_query("deadliest-attacks.rq").name == "deadliest-attacks"
    assert resolve_query(str(QUERY_DIR / "named-victims.rq")).title == "Named victims"
    own = tmp_path / "mine.rq"
    own.write_text("# title: Mine\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    assert resolve_query(str(own)).title == "Mine"
    text = "SELECT ?a WHERE { ?a a ckg:Attack }"
    assert resolve_query(text) == text
    with pytest.raises(QueryError, match="no query named 'deadliest'.*deadliest-attacks"):
        resolve_query("deadliest")


def test_query_dir_is_the_repository_folder():
    assert QUERY_DIR == Path(__file__).resolve().parents[1] / "queries"
