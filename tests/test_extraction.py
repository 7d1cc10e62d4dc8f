"""Extraction behaviours on short reports the rules were not written for (tests/articles/)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conflictkg.articles import read_text_file
from conflictkg.extract import extract_article
from conflictkg.extract.dates import resolve_date
from conflictkg.model import Article
from conflictkg.nlp import load_pipeline
from conflictkg.nlp.dateline import blank_dateline

ARTICLES = Path(__file__).parent / "articles"


def extract(name_or_text: str, published: date | None = None):
    nlp = load_pipeline()
    if name_or_text.endswith(".txt"):
        article = read_text_file(ARTICLES / name_or_text)
    else:
        article = Article("inline", name_or_text, published)
    return extract_article(nlp(blank_dateline(article.text)), article)


def main(ex):
    [attack] = [a for a in ex.attacks if a.main]
    return attack


def names(refs):
    return {r.key or r.name for r in refs}


def test_highway_massacre_and_separate_checkpost_attack():
    ex = extract("musakhel_highway.txt")
    m = main(ex)
    assert (m.date, m.place.name, m.casualties.killed.value) == ("2024-08-26", "Musakhel", 14)
    assert m.casualties.killed.qualifier == "at least"
    assert names(c.group for c in m.claims) == {"baloch-liberation-army"}
    [other] = [a for a in ex.attacks if not a.main]
    assert other.place.name == "Kalat"
    assert other.casualties.killed.value == 6  # 'five Levies personnel and a civilian'
    assert not other.claims  # the claim was for the highway attack


def test_unknown_facility_hangs_under_the_district_and_background_is_apart():
    ex = extract("mala_khel_checkpost.txt")
    m = main(ex)
    assert m.place.kind == "facility" and m.place.alias == "Mala Khel"
    assert m.place.parent_key.endswith("dera-ismail-khan")
    assert (m.casualties.killed.value, m.casualties.injured.value) == (10, 3)
    assert "Police" in m.targets
    [bg] = [a for a in ex.attacks if not a.main]
    assert bg.place.name == "North Waziristan" and bg.casualties.killed.value == 4 and "Bombing" in bg.types
    assert ("tehreek-e-taliban-pakistan", "alliedWith", "afghan-taliban") in {
        (r.subject.key, r.relation, r.object.key) for r in ex.relations}


def test_targeted_killing_of_one_civilian():
    m = main(extract("kakshal_shooting.txt"))
    assert "TargetedKilling" in m.types and m.casualties.killed.value == 1
    assert m.place.name == "Kakshal" and m.date == "2023-05-05"
    assert not m.claims and not m.suspects  # 'No group has claimed responsibility'


def test_hijacking_dated_from_the_weekday():
    m = main(extract("jaffar_express.txt"))
    assert "Hijacking" in m.types and m.date == "2025-03-11"
    assert names(c.group for c in m.claims) == {"baloch-liberation-army"}
    assert "Transport" in m.targets


def test_claim_for_both_attacks_and_same_day_background():
    ex = extract("twin_blasts.txt")
    assert len(ex.attacks) == 2
    for a in ex.attacks:
        assert names(c.group for c in a.claims) == {"islamic-state"}
        assert a.date == "2024-02-07"  # 'Hours later, a second explosion'
    assert {a.casualties.killed.value for a in ex.attacks} == {18, 10}


def test_raid_attackers_are_not_victims():
    m = main(extract("karachi_police_office.txt"))
    assert (m.casualties.killed.value, m.casualties.attackers_killed.value, m.casualties.injured.value) == (4, 3, 18)
    assert "TargetedKilling" not in m.types  # the third attacker 'was shot dead by commandos'
    assert m.place.name == "Karachi Police Office"
    assert {"Police", "Military"} <= m.targets


def test_coordinated_victims_add_up_and_the_speaker_is_no_victim():
    m = main(extract("mastung_school_bomb.txt"))
    assert m.casualties.killed.value == 6 and m.casualties.injured.value == 22
    assert not m.victims  # the police chief quoted is not a victim
    assert names(m.suspects) == {"baloch-liberation-army"} and not m.claims
    assert {"HealthWorkers", "Police"} <= m.targets


def test_kidnapping_without_shooting():
    m = main(extract("tank_judge.txt"))
    assert m.types == {"Kidnapping"} and m.place.name == "Tank" and m.date == "2024-06-20"
    assert names(m.suspects) == {"tehreek-e-taliban-pakistan"}


def test_statistics_are_not_incidents():
    ex = extract("More than 1,600 people were killed in attacks in 2023, the deadliest year in a decade, "
                 "according to a think tank.", date(2024, 1, 2))
    assert ex.attacks == []


def test_group_claim_is_kept_apart_from_the_toll():
    ex = extract("A suicide bomber attacked a police station in Bannu on Monday, killing three policemen. "
                 "The Tehreek-e-Taliban Pakistan claimed responsibility and said its fighters had killed 15 police "
                 "officers.", date(2024, 7, 16))
    m = main(ex)
    assert m.casualties.killed.value == 3
    assert [c.claimed_killed for c in m.claims] == [15]


def test_rank_is_not_part_of_a_victims_name():
    m = main(extract("Gunmen shot dead Sub-Inspector Gul Zaman and Constable Asif Khan near a checkpost in "
                     "Bannu on Tuesday.", date(2024, 7, 17)))
    assert {(p.name, p.rank) for p in m.victims} == {("Gul Zaman", "Sub-Inspector"), ("Asif Khan", "Constable")}


@pytest.mark.parametrize("text, published, want", [
    ("early Tuesday", date(2023, 12, 12), "2023-12-12"),     # published on a Tuesday
    ("on Saturday", date(2023, 11, 5), "2023-11-04"),
    ("In January", date(2023, 12, 12), "2023-01"),
    ("in November", date(2023, 3, 1), "2022-11"),           # a month still to come is last year's
    ("On February 3", None, None),                          # no anchor: left open, not guessed
    ("January 30", date(2023, 3, 18), "2023-01-30"),
    ("On 6 September 2023", None, "2023-09-06"),
    ("in 2021", None, "2021"),
    ("last month", date(2024, 1, 15), "2023-12"),
    ("yesterday", date(2024, 1, 15), "2024-01-14"),
    ("in recent months", date(2024, 1, 15), None),
])
def test_dates_resolve_against_publication(text, published, want):
    assert resolve_date(text, published) == want


@pytest.mark.parametrize("text", ["PESHAWAR: Gunmen", "Islamabad, Feb 7 (Reuters) - Gunmen",
                                  "Karachi/Peshawar, Sep 29 (PTI) Gunmen", "(MENAFN) Gunmen"])
def test_datelines_are_blanked_keeping_offsets(text):
    out = blank_dateline(text)
    assert len(out) == len(text) and out.strip() == "Gunmen" and out.index("Gunmen") == text.index("Gunmen")
