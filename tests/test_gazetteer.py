"""The gazetteer: groups and places as an analyst would look them up."""
import re
from collections import Counter

import pytest

from conflictkg import gazetteer
from conflictkg.gazetteer import load_gazetteer, place_key

DIK = "pakistan/khyber-pakhtunkhwa/dera-ismail-khan"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


# ---------------------------------------------------------------- groups

@pytest.mark.parametrize("written, canonical", [
    ("Tehrik-i-Taliban Pakistan", "Tehreek-e-Taliban Pakistan"),
    ("Tehrik-e Taliban Pakistan", "Tehreek-e-Taliban Pakistan"),
    ("Pakistani Taliban", "Tehreek-e-Taliban Pakistan"),
    ("TTP", "Tehreek-e-Taliban Pakistan"),
    ("the TTP", "Tehreek-e-Taliban Pakistan"),
    ("Fitna al-Khawarij", "Tehreek-e-Taliban Pakistan"),
    ("ISKP", "Islamic State Khorasan Province"),
    ("ISIS-K", "Islamic State Khorasan Province"),
    ("Islamic State-Khorasan", "Islamic State Khorasan Province"),
    ("Jamatul Ahrar", "Jamaat-ul-Ahrar"),
    ("Jamat ul-Ahrar", "Jamaat-ul-Ahrar"),
    ("TJP", "Tehreek-e-Jihad Pakistan"),
    ("Ansar Al Jihad", "Ansar al-Jihad"),
    ("Balochistan Liberation Army", "Baloch Liberation Army"),
    ("Hafiz Gul Bahadur faction", "Hafiz Gul Bahadur Group"),
    ("al Qaeda", "Al-Qaeda"),
    ("Daesh", "Islamic State"),
    ("Taliban", "Afghan Taliban"),
    ("Jaish-e-Muhammad", "Jaish-e-Mohammed"),
])
def test_find_group_tolerates_spellings(gaz, written, canonical):
    found = gaz.find_group(written)
    assert found is not None and found.name == canonical


def test_acronyms_that_are_words_need_their_capitals(gaz):
    assert gaz.find_group("LeT").name == "Lashkar-e-Taiba"
    assert gaz.find_group("let") is None
    assert gaz.find_group("is") is None
    assert gaz.find_group("IS").name == "Islamic State"
    assert gaz.find_group("no such group") is None


def test_group_registry_is_consistent(gaz):
    groups = gaz.groups()
    assert len(groups) >= 30
    keys = [g.key for g in groups]
    assert len(keys) == len(set(keys))
    for g in groups:
        assert g.aliases, g.name
        assert set(g.ambiguous) <= set(g.aliases), g.name
        assert g.description
        assert g.wikidata is None or re.fullmatch(r"Q\d+", g.wikidata), g.name
        for rel in g.relations:
            assert rel.relation in {"splinterOf", "affiliateOf", "alliedWith"}
            assert gaz.group(rel.other).key == rel.other
            assert rel.source


def test_documented_relations_are_there(gaz):
    def related(a, rel, b):
        return any(r.relation == rel and r.other == gaz.find_group(b).key for r in gaz.find_group(a).relations)

    assert related("TJP", "splinterOf", "TTP")
    assert related("ISKP", "affiliateOf", "Islamic State")
    assert related("TTP", "alliedWith", "Afghan Taliban")
    assert related("AQIS", "affiliateOf", "Al-Qaeda")
    assert related("Jamaat-ul-Ahrar", "splinterOf", "TTP")


# ---------------------------------------------------------------- places

def test_countries_come_from_geonames(gaz):
    assert gaz.place("pakistan").geonames_id == 1168579
    assert gaz.place("afghanistan").kind == "country"


def test_every_district_lies_in_a_province(gaz):
    provinces = {p.key for p in gaz.places() if p.kind == "province"}
    assert len(provinces) == 7
    districts = [p for p in gaz.places() if p.kind == "district"]
    assert districts
    for d in districts:
        assert d.parent in provinces, d.key
        assert d.key == place_key(d.name, d.parent)


def test_district_counts_are_plausible(gaz):
    counts = Counter(gaz.place(p.parent).name for p in gaz.places() if p.kind == "district")
    assert counts["Khyber Pakhtunkhwa"] >= 35
    assert counts["Punjab"] >= 36
    assert counts["Sindh"] >= 29
    assert counts["Balochistan"] >= 34
    assert counts["Islamabad Capital Territory"] == 1
    assert counts["Gilgit-Baltistan"] >= 10
    assert counts["Azad Kashmir"] >= 10


def test_district_names_are_unique_within_a_province(gaz):
    names = Counter((p.parent, p.name) for p in gaz.places() if p.kind == "district")
    assert [k for k, n in names.items() if n > 1] == []


def test_merged_tribal_districts_are_districts_of_kp(gaz):
    for name in ("Khyber", "Kurram", "Bajaur", "Mohmand", "Orakzai", "North Waziristan",
                 "Upper South Waziristan", "Lower South Waziristan", "Upper Kohistan", "Lower Kohistan",
                 "Kolai-Palas"):
        found = [p for p in gaz.find_places(name) if p.kind == "district"]
        assert found and gaz.province_of(found[0].key).name == "Khyber Pakhtunkhwa", name


def test_chain_goes_up_to_the_country(gaz):
    assert [p.name for p in gaz.chain(DIK)] == ["Dera Ismail Khan", "Khyber Pakhtunkhwa", "Pakistan"]
    for p in gaz.places():
        assert gaz.chain(p.key)[-1].kind == "country"


def test_peshawar_is_a_district_and_a_town(gaz):
    found = gaz.find_places("Peshawar")
    kinds = [p.kind for p in found]
    assert kinds[0] == "district" and "locality" in kinds
    town = next(p for p in found if p.kind == "locality")
    assert town.geonames_id and town.lat and town.population
    assert gaz.district_of(town.key).name == "Peshawar"


def test_town_of_mianwali_lies_in_mianwali_district_punjab(gaz):
    town = next(p for p in gaz.find_places("Mianwali") if p.kind == "locality")
    assert gaz.district_of(town.key).key == "pakistan/punjab/mianwali"
    assert gaz.province_of(town.key).name == "Punjab"


def test_district_short_forms(gaz):
    assert gaz.find_places("D.I. Khan")[0].key == DIK
    assert gaz.find_places("DI Khan")[0].key == DIK
    assert gaz.find_places("Dera Ismail Khan district")[0].key == DIK
    assert gaz.find_places("KPK")[0].key == "pakistan/khyber-pakhtunkhwa"
    assert gaz.find_places("Baluchistan")[0].key == "pakistan/balochistan"


@pytest.mark.parametrize("town, province", [
    ("Quetta", "Balochistan"), ("Lahore", "Punjab"), ("Karachi", "Sindh"), ("Gilgit", "Gilgit-Baltistan"),
    ("Muzaffarabad", "Azad Kashmir"), ("Islamabad", "Islamabad Capital Territory"), ("Bannu", "Khyber Pakhtunkhwa"),
])
def test_towns_sit_in_their_geonames_province(gaz, town, province):
    loc = next(p for p in gaz.find_places(town) if p.kind == "locality")
    assert gaz.province_of(loc.key).name == province


def test_curated_localities_fill_gaps_in_geonames(gaz):
    daraban = gaz.find_places("Daraban")[0]
    assert daraban.kind == "locality" and daraban.parent == DIK
    # a GeoNames town placed in its district by the curated list, not by distance
    assert gaz.district_of(gaz.find_places("Jamrud")[0].key).name == "Khyber"


def test_former_district_names_lead_to_their_successors(gaz):
    assert {p.name for p in gaz.find_places("South Waziristan")} == {
        "Lower South Waziristan", "Upper South Waziristan"}
    assert gaz.find_places("Chitral")[0].name == "Lower Chitral"


def test_place_keys_nest_under_their_parents(gaz):
    keys = [p.key for p in gaz.places()]
    assert len(keys) == len(set(keys))
    for p in gaz.places():
        if p.parent:
            assert p.key.startswith(p.parent + "/")
    assert place_key("Kundal", "pakistan/punjab/mianwali") == "pakistan/punjab/mianwali/kundal"
    assert place_key("Pakistan", None) == "pakistan"


def test_place_names_that_are_english_words_are_flagged(gaz):
    assert {"Tank", "Hub"} <= gazetteer.COMMON_WORD_PLACES
    assert "Peshawar" not in gazetteer.COMMON_WORD_PLACES
    assert gaz.is_common_word("tank") and not gaz.is_common_word("Karak")


def test_unknown_keys_raise(gaz):
    with pytest.raises(KeyError):
        gaz.place("pakistan/atlantis")
    with pytest.raises(KeyError):
        gaz.group("no-such-group")


def test_gazetteer_is_loaded_once():
    assert load_gazetteer() is load_gazetteer()
