"""The seeds through the whole pipeline, asked the questions an analyst asks, in SPARQL."""
from rdflib import Literal

PREFIX = """PREFIX ckg: <https://w3id.org/conflictkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def ask(store, text, **bindings):
    return store.ask(PREFIX + text, {k: Literal(v) for k, v in bindings.items()})


def select(store, text):
    return store.select(PREFIX + text).rows


def test_daraban_attack_claimed_by_tjp(seeded_store):
    assert ask(seeded_store, """ASK {
        ?attack ckg:occurredAt/ckg:locatedIn* ?place . ?place rdfs:label "Daraban" .
        ?attack ckg:claimedBy ?g . ?g skos:prefLabel "Tehreek-e-Jihad Pakistan" }""")


def test_tjp_is_a_splinter_of_ttp(seeded_store):
    assert ask(seeded_store, """ASK { ?tjp skos:prefLabel "Tehreek-e-Jihad Pakistan" .
        ?ttp skos:prefLabel "Tehreek-e-Taliban Pakistan" . ?tjp ckg:splinterOf ?ttp }""")


def test_pakistani_taliban_is_an_alias_of_ttp(seeded_store):
    rows = select(seeded_store, """SELECT DISTINCT ?pref WHERE { ?g skos:altLabel "Pakistani Taliban" ;
        skos:prefLabel ?pref }""")
    assert [str(r["pref"]) for r in rows] == ["Tehreek-e-Taliban Pakistan"]


def test_daraban_lies_in_khyber_pakhtunkhwa(seeded_store):
    assert ask(seeded_store, """ASK { ?d rdfs:label "Daraban" . ?d ckg:locatedIn+ ?p .
        ?p a ckg:Province ; rdfs:label "Khyber Pakhtunkhwa" }""")
    assert ask(seeded_store, """ASK { ?d rdfs:label "Daraban" . ?d ckg:locatedIn+ ?p .
        ?p a ckg:Country ; rdfs:label "Pakistan" }""")


def test_each_daraban_report_keeps_its_own_figures(seeded_store):
    rows = select(seeded_store, """SELECT DISTINCT ?file ?killed ?injured WHERE {
        ?attack ckg:occurredAt/ckg:locatedIn* ?place . ?place rdfs:label "Daraban" .
        ?attack ckg:casualtyReport ?r . ?r ckg:killed ?killed ; ckg:injured ?injured ;
        prov:wasDerivedFrom/ckg:sourceFile ?file } ORDER BY ?file""")
    assert [(str(r["file"]), int(r["killed"]), int(r["injured"])) for r in rows] == [
        ("002_1b6b5cd637d6ab71.txt", 24, 34), ("003_a80209e7fdd8d652.txt", 23, 36)]


def test_group_claim_is_not_a_fact(seeded_store):
    """TJP said it killed 20 officers; that figure is the group's claim, not a reported toll."""
    rows = select(seeded_store, """SELECT DISTINCT ?n WHERE { ?c a ckg:Claim ; ckg:claimedKilled ?n }""")
    assert {int(r["n"]) for r in rows} == {20}
    assert not ask(seeded_store, "ASK { ?r a ckg:CasualtyReport ; ckg:killed 20 }")


def test_tank_attack_claimed_by_ansar_al_jihad_and_blamed_on_ttp(seeded_store):
    rows = select(seeded_store, """SELECT ?claimant ?suspect WHERE {
        ?a ckg:occurredAt/rdfs:label "Tank" ; ckg:claimedBy/skos:prefLabel ?claimant ;
           ckg:suspectedPerpetrator/skos:prefLabel ?suspect }""")
    assert {(str(r["claimant"]), str(r["suspect"])) for r in rows} == {
        ("Ansar al-Jihad", "Tehreek-e-Taliban Pakistan")}


def test_named_victim_without_rank(seeded_store):
    rows = select(seeded_store, """SELECT ?name ?rank WHERE { ?a ckg:victim ?p . ?p rdfs:label ?name .
        OPTIONAL { ?p ckg:rank ?rank } }""")
    victims = {str(r["name"]): str(r["rank"]) if r["rank"] else None for r in rows}
    assert victims["Haroon"] == "Head Constable"
    assert {"Naqeeb", "Adnan"} <= set(victims)
    assert "Liaqat Ali" not in victims  # an official quoted is not a victim


def test_background_attack_has_its_own_node(seeded_store):
    """Seed 002 mentions the January Peshawar mosque bombing besides its main story."""
    rows = select(seeded_store, """SELECT DISTINCT ?date ?killed WHERE {
        ?art ckg:sourceFile "002_1b6b5cd637d6ab71.txt" ; ckg:reports ?a .
        FILTER NOT EXISTS { ?art ckg:mainEvent ?a }
        ?a ckg:date ?date ; ckg:casualtyReport/ckg:killed ?killed }""")
    assert [(str(r["date"]), int(r["killed"])) for r in rows] == [("2023-01", 101)]


def test_statistics_are_not_attacks(seeded_store):
    """'more than 1,600 people were killed in attacks in 2023' is a statistic, not an attack."""
    assert not ask(seeded_store, "ASK { ?r ckg:killed 1600 }")


def test_every_attack_keeps_its_sentences(seeded_store):
    rows = select(seeded_store, """SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ckg:Attack .
        FILTER NOT EXISTS { ?a ckg:evidence ?e . ?e ckg:text ?t ; ckg:beginIndex ?b } }""")
    assert int(rows[0]["n"]) == 0
