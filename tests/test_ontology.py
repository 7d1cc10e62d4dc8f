"""The ontology, the SHACL shapes and the HermiT consistency check, on small real graphs."""
from __future__ import annotations

import shutil

import owlready2
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from conflictkg import ontology
from conflictkg.ontology import (
    OntologyNotFound,
    ReasonerUnavailable,
    check_consistency,
    load_world,
    ontology_graph,
    shapes_graph,
)
from conflictkg.validate import format_report, validate_shapes
from conflictkg.vocab import CKG, GEO, ID, PROV, SEM

# rdflib.XSD is not imported: pytest probes module globals and XSD warns on unknown names.
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")

needs_java = pytest.mark.skipif(
    shutil.which(owlready2.JAVA_EXE) is None, reason="HermiT needs Java"
)

# The fixed core of ONTOLOGY.md: these names are the spec.
CORE_CLASSES = [
    "Article", "Attack", "ArmedAssault", "Bombing", "SuicideAttack", "VehicleBombing",
    "Ambush", "TargetedKilling", "Kidnapping", "Hijacking", "GrenadeAttack", "RocketAttack",
    "ArmedGroup", "Place", "Country", "Province", "District", "Locality", "Facility",
    "Person", "CasualtyReport",
]
ATTACK_TYPES = [
    "ArmedAssault", "Bombing", "SuicideAttack", "VehicleBombing", "Ambush", "TargetedKilling",
    "Kidnapping", "Hijacking", "GrenadeAttack", "RocketAttack",
]
PLACE_TYPES = ["Country", "Province", "District", "Locality", "Facility"]
TARGETS = [
    "Police", "Military", "Civilians", "Religious", "Government", "HealthWorkers",
    "Education", "Foreigners", "Infrastructure", "Transport",
]
CORE_OBJECT_PROPERTIES = [
    "reports", "reportedIn", "mainEvent", "occurredAt", "locatedIn", "targetType",
    "claimedBy", "suspectedPerpetrator", "casualtyReport", "victim", "splinterOf",
    "affiliateOf", "alliedWith", "associatedWith",
]
CORE_DATATYPE_PROPERTIES = [
    "sourceFile", "published", "date", "killed", "injured", "attackersKilled",
]
# Terms the graph model (docs/graph-model.md) adds to the core.
EXTRA_CLASSES = ["Evidence", "Claim"]
EXTRA_OBJECT_PROPERTIES = ["evidence", "claim", "claimant", "claimOf", "mentions"]
EXTRA_DATATYPE_PROPERTIES = [
    "text", "beginIndex", "endIndex", "killedQualifier", "injuredQualifier",
    "attackersKilledQualifier", "killedMax", "injuredMax", "attackersKilledMax",
    "claimedKilled", "rank", "dateText", "matchNote",
]


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_graph()


def _english(graph: Graph, term: URIRef, prop: URIRef) -> list[Literal]:
    return [o for o in graph.objects(term, prop) if isinstance(o, Literal) and o.language == "en"]


# -- the ontology as RDF ------------------------------------------------------------------


def test_every_core_term_is_declared_with_the_right_kind(onto):
    expected = (
        [(name, OWL.Class) for name in CORE_CLASSES + EXTRA_CLASSES]
        + [(name, OWL.ObjectProperty) for name in CORE_OBJECT_PROPERTIES + EXTRA_OBJECT_PROPERTIES]
        + [(name, OWL.DatatypeProperty)
           for name in CORE_DATATYPE_PROPERTIES + EXTRA_DATATYPE_PROPERTIES]
        + [(name, SKOS.Concept) for name in TARGETS]
        + [(name, OWL.NamedIndividual) for name in TARGETS]
    )
    missing = [f"ckg:{name} a {kind.n3(onto.namespace_manager)}"
               for name, kind in expected if (CKG[name], RDF.type, kind) not in onto]
    assert missing == []


def test_every_ckg_term_has_an_english_label_and_comment(onto):
    terms = {s for s in onto.subjects() if isinstance(s, URIRef) and s.startswith(str(CKG))}
    assert len(terms) >= len(CORE_CLASSES) + len(TARGETS) + len(CORE_OBJECT_PROPERTIES)
    unlabelled = sorted(t.fragment for t in terms if not _english(onto, t, RDFS.label))
    uncommented = sorted(t.fragment for t in terms if not _english(onto, t, RDFS.comment))
    assert unlabelled == []
    assert uncommented == []


def test_ontology_header(onto):
    assert (URIRef("https://w3id.org/conflictkg/ontology"), RDF.type, OWL.Ontology) in onto


def test_class_tree(onto):
    for name in ATTACK_TYPES:
        parents = set(onto.objects(CKG[name], RDFS.subClassOf))
        assert CKG.Attack in parents or name == "VehicleBombing", name
    assert (CKG.VehicleBombing, RDFS.subClassOf, CKG.Bombing) in onto
    assert (CKG.Bombing, RDFS.subClassOf, CKG.Attack) in onto
    for name in PLACE_TYPES:
        assert (CKG[name], RDFS.subClassOf, CKG.Place) in onto, name
    assert (CKG.Attack, RDFS.subClassOf, SEM.Event) in onto
    assert (CKG.Place, RDFS.subClassOf, SEM.Place) in onto
    assert (CKG.Place, RDFS.subClassOf, GEO.SpatialThing) in onto
    assert (CKG.Evidence, RDFS.subClassOf, PROV.Entity) in onto
    assert (CKG.Article, RDFS.subClassOf, PROV.Entity) in onto


def test_property_characteristics(onto):
    assert (CKG.locatedIn, RDF.type, OWL.TransitiveProperty) in onto
    assert (CKG.alliedWith, RDF.type, OWL.SymmetricProperty) in onto
    assert (CKG.associatedWith, RDF.type, OWL.SymmetricProperty) in onto
    for name in ("splinterOf", "affiliateOf", "alliedWith"):
        assert (CKG[name], RDFS.subPropertyOf, CKG.associatedWith) in onto, name
    assert (CKG.reports, OWL.inverseOf, CKG.reportedIn) in onto
    assert (CKG.occurredAt, RDFS.subPropertyOf, SEM.hasPlace) in onto
    assert (CKG.claimedBy, RDFS.range, CKG.ArmedGroup) in onto
    assert (CKG.occurredAt, RDFS.domain, CKG.Attack) in onto


def test_dates_have_no_owl_range_because_owl2_lacks_date_types(onto):
    assert list(onto.objects(CKG.date, RDFS.range)) == []
    assert list(onto.objects(CKG.published, RDFS.range)) == []


def test_target_categories_form_one_scheme(onto):
    assert (CKG.TargetScheme, RDF.type, SKOS.ConceptScheme) in onto
    in_scheme = set(onto.subjects(SKOS.inScheme, CKG.TargetScheme))
    assert in_scheme == {CKG[name] for name in TARGETS}
    for name in TARGETS:
        assert _english(onto, CKG[name], SKOS.prefLabel), name


def test_external_terms_are_declared_for_owl2_dl(onto):
    """Every IRI used as a class or property in an axiom is declared: OWL 2 DL needs it."""
    declared_classes = set(onto.subjects(RDF.type, OWL.Class))
    declared_properties = {
        s for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for s in onto.subjects(RDF.type, kind)
    }
    used_classes = {o for p in (RDFS.subClassOf, RDFS.domain) for o in onto.objects(None, p)}
    used_classes |= {o for s, o in onto.subject_objects(RDFS.range)
                     if (s, RDF.type, OWL.ObjectProperty) in onto}
    used_properties = set(onto.objects(None, RDFS.subPropertyOf))
    used_properties |= {p for p in onto.predicates() if not str(p).startswith(
        (str(RDF), str(RDFS), str(OWL)))}
    assert {c for c in used_classes if isinstance(c, URIRef)} - declared_classes == set()
    assert used_properties - declared_properties == set()


def test_ontology_graph_is_a_fresh_copy():
    first = ontology_graph()
    first.remove((None, None, None))
    assert len(ontology_graph()) > 300


def test_missing_ontology_folder_gives_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(ontology, "ONTOLOGY_DIR", tmp_path / "nowhere")
    with pytest.raises(OntologyNotFound, match="ontology folder not found"):
        ontology.ontology_file()


def test_shapes_parse_and_every_property_shape_has_a_message():
    shapes = shapes_graph()
    property_shapes = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#property")))
    assert len(property_shapes) > 30
    sh_message = URIRef("http://www.w3.org/ns/shacl#message")
    assert [s for s in property_shapes if shapes.value(s, sh_message) is None] == []


# -- instance data --------------------------------------------------------------------------

ATTACK = ID["attack/test-1"]
ARTICLE = ID["article/test-article"]
REPORT = ID["report/test-1/test-article"]
GROUP = ID["group/tehreek-e-taliban-pakistan"]
COUNTRY = ID["place/pakistan"]
PROVINCE = ID["place/pakistan/khyber-pakhtunkhwa"]
DISTRICT = ID["place/pakistan/khyber-pakhtunkhwa/dera-ismail-khan"]
TOWN = ID["place/pakistan/khyber-pakhtunkhwa/dera-ismail-khan/daraban"]
VICTIM = ID["person/test-victim"]
EVIDENCE = ID["evidence/test-article/12-43"]


def sample_graph() -> Graph:
    """One attack as an article tells it: types, place chain, group, victim, report."""
    g = Graph()
    g.bind("ckg", CKG)
    g.add((ARTICLE, RDF.type, CKG.Article))
    g.add((ARTICLE, CKG.sourceFile, Literal("test_article.txt")))
    g.add((ARTICLE, CKG.published, Literal("2023-12-12", datatype=XSD_DATE)))
    g.add((ARTICLE, CKG.reports, ATTACK))
    g.add((ARTICLE, CKG.mainEvent, ATTACK))

    for cls in (CKG.Attack, CKG.VehicleBombing, CKG.SuicideAttack):
        g.add((ATTACK, RDF.type, cls))
    g.add((ATTACK, RDFS.label, Literal("vehicle bombing in Daraban on 2023-12-12")))
    g.add((ATTACK, CKG.date, Literal("2023-12-12", datatype=XSD_DATE)))
    g.add((ATTACK, CKG.dateText, Literal("on Tuesday")))
    g.add((ATTACK, CKG.occurredAt, TOWN))
    g.add((ATTACK, CKG.targetType, CKG.Police))
    g.add((ATTACK, CKG.claimedBy, GROUP))
    g.add((ATTACK, CKG.victim, VICTIM))
    g.add((ATTACK, CKG.reportedIn, ARTICLE))
    g.add((ATTACK, CKG.casualtyReport, REPORT))
    g.add((ATTACK, CKG.evidence, EVIDENCE))
    g.add((ATTACK, CKG.killed, Literal(7)))
    g.add((ATTACK, CKG.killedMax, Literal(8)))

    g.add((REPORT, RDF.type, CKG.CasualtyReport))
    g.add((REPORT, CKG.killed, Literal(8)))
    g.add((REPORT, CKG.killedQualifier, Literal("at least")))
    g.add((REPORT, CKG.injured, Literal(12)))
    g.add((REPORT, CKG.attackersKilled, Literal(2)))
    g.add((REPORT, PROV.wasDerivedFrom, ARTICLE))

    g.add((EVIDENCE, RDF.type, CKG.Evidence))
    g.add((EVIDENCE, CKG.text, Literal("Test sentence about the attack.")))
    g.add((EVIDENCE, CKG.beginIndex, Literal(12)))
    g.add((EVIDENCE, CKG.endIndex, Literal(43)))
    g.add((EVIDENCE, PROV.wasDerivedFrom, ARTICLE))

    g.add((GROUP, RDF.type, CKG.ArmedGroup))
    g.add((GROUP, SKOS.prefLabel, Literal("Tehreek-e-Taliban Pakistan")))
    g.add((GROUP, SKOS.altLabel, Literal("TTP")))

    g.add((VICTIM, RDF.type, CKG.Person))
    g.add((VICTIM, RDFS.label, Literal("Test Victim")))
    g.add((VICTIM, CKG.rank, Literal("Constable")))

    chain = [(COUNTRY, CKG.Country, "Pakistan"), (PROVINCE, CKG.Province, "Khyber Pakhtunkhwa"),
             (DISTRICT, CKG.District, "Dera Ismail Khan"), (TOWN, CKG.Locality, "Daraban")]
    for place, cls, name in chain:
        g.add((place, RDF.type, cls))  # only the specific class: the shapes follow subClassOf
        g.add((place, RDFS.label, Literal(name)))
    for (inner, _, _), (outer, _, _) in zip(chain[1:], chain):
        g.add((inner, CKG.locatedIn, outer))
    g.add((DISTRICT, GEO.lat, Literal(31.83)))
    g.add((DISTRICT, GEO.long, Literal(70.90)))
    return g


def _found(report, focus: URIRef, path: URIRef) -> list[str]:
    return [v.message for v in report.errors if v.focus == str(focus) and v.path == str(path)]


def test_sample_graph_conforms_to_the_shapes():
    report = validate_shapes(sample_graph())
    assert report.conforms, format_report(report)
    assert report.violations == []
    assert format_report(report) == "OK: the data conforms to the shapes"


def test_broken_graph_fails_with_the_problems_named():
    g = sample_graph()
    g.remove((REPORT, PROV.wasDerivedFrom, None))
    g.remove((ATTACK, CKG.killed, None))
    g.add((ATTACK, CKG.killed, Literal("many")))
    g.add((ATTACK, CKG.targetType, CKG.Tourists))

    report = validate_shapes(g)

    assert not report.conforms
    assert any("xsd:integer" in m for m in _found(report, ATTACK, CKG.killed))
    assert any("exactly one article" in m for m in _found(report, REPORT, PROV.wasDerivedFrom))
    assert any("ten target categories" in m for m in _found(report, ATTACK, CKG.targetType))
    assert {v.focus for v in report.errors} == {str(ATTACK), str(REPORT)}
    text = format_report(report)
    assert text.startswith("FAILED: ")
    assert "id:attack/test-1 ckg:killed" in text
    assert "ckg:Tourists" in text


def test_place_chain_must_point_at_places_and_groups_need_one_name():
    g = sample_graph()
    g.add((TOWN, CKG.locatedIn, GROUP))
    g.add((GROUP, SKOS.prefLabel, Literal("TTP (second name)")))
    report = validate_shapes(g)
    assert _found(report, TOWN, CKG.locatedIn)
    assert _found(report, GROUP, SKOS.prefLabel)


def test_validation_leaves_the_data_unchanged():
    g = sample_graph()
    before = len(g)
    validate_shapes(g)
    assert len(g) == before


# -- HermiT through owlready2 -----------------------------------------------------------------


@needs_java
def test_hermit_finds_the_bare_ontology_consistent():
    result = check_consistency()
    assert result.consistent, result.message
    assert result.inconsistent_nodes == []
    assert result.unsatisfiable_classes == []
    assert result.seconds > 0


@needs_java
def test_sample_graph_with_dates_is_consistent():
    result = check_consistency(sample_graph())
    assert result.consistent, result.message
    assert result.stripped_literals == 2  # the attack's date and the article's publication date


@needs_java
def test_a_node_that_is_both_place_and_group_is_reported():
    g = Graph()
    odd = ID["place/pakistan/punjab"]
    g.add((odd, RDF.type, CKG.Province))
    g.add((odd, RDF.type, CKG.ArmedGroup))
    g.add((ID["group/other"], RDF.type, CKG.ArmedGroup))

    result = check_consistency(g)

    assert result.consistent is False
    assert result.inconsistent_nodes == [str(odd)]
    assert "disjoint" in result.message


@needs_java
def test_a_range_clash_names_the_node_that_got_the_wrong_type():
    g = sample_graph()
    g.add((ATTACK, CKG.suspectedPerpetrator, TOWN))  # a place used as a group
    result = check_consistency(g)
    assert result.consistent is False
    assert str(TOWN) in result.inconsistent_nodes


@needs_java
def test_dates_are_stripped_because_hermit_rejects_them(monkeypatch):
    monkeypatch.setattr(ontology, "_owl_literal", lambda literal: True)  # keep every literal
    with pytest.raises(ontology.ReasonerError) as failure:
        check_consistency(sample_graph())
    message = str(failure.value)
    assert "UnsupportedDatatypeException" in message and "XMLSchema#date" in message
    assert "\n" not in message and "\tat " not in message  # one line, no Java stack trace


def test_missing_java_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(owlready2, "JAVA_EXE", "/no/such/java")
    with pytest.raises(ReasonerUnavailable, match="needs Java"):
        check_consistency()


@needs_java
def test_hermit_infers_symmetric_and_super_properties():
    g = Graph()
    a, b, c = ID["group/a"], ID["group/b"], ID["group/c"]
    for group in (a, b, c):
        g.add((group, RDF.type, CKG.ArmedGroup))
    g.add((a, CKG.alliedWith, b))
    g.add((c, CKG.splinterOf, a))
    world = load_world(g)
    group_a, group_b, group_c = (world[str(x)] for x in (a, b, c))
    assert group_a.associatedWith == []

    owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)

    assert group_a in group_b.alliedWith
    # a splinterOf c => c associatedWith a (sub-property), so a associatedWith c (symmetric)
    assert group_c in group_a.associatedWith
    world.close()


@needs_java
def test_hermit_infers_the_transitive_place_chain():
    g = Graph()
    for place, cls, name in [
        (TOWN, CKG.Locality, "Daraban"), (DISTRICT, CKG.District, "Dera Ismail Khan"),
        (PROVINCE, CKG.Province, "Khyber Pakhtunkhwa"), (COUNTRY, CKG.Country, "Pakistan"),
    ]:
        g.add((place, RDF.type, cls))
        g.add((place, RDFS.label, Literal(name)))
    g.add((TOWN, CKG.locatedIn, DISTRICT))
    g.add((DISTRICT, CKG.locatedIn, PROVINCE))
    g.add((PROVINCE, CKG.locatedIn, COUNTRY))
    world = load_world(g)
    town = world[str(TOWN)]
    assert {p.iri for p in town.locatedIn} == {str(DISTRICT)}

    owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)

    assert {p.iri for p in town.locatedIn} == {str(DISTRICT), str(PROVINCE), str(COUNTRY)}
    assert {p.iri for p in world[str(DISTRICT)].locatedIn} == {str(PROVINCE), str(COUNTRY)}
    world.close()
