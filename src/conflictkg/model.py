"""Plain dataclasses passed between the stages: reading, extraction, resolution, RDF.

Nothing here knows about spaCy or RDF, so each stage can be tested alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Article:
    """One news report as read from disk: its id is the file stem (or the jsonl id)."""

    id: str
    text: str
    published: date | None = None
    source: str | None = None
    url: str | None = None
    file: str | None = None  # base file name the article was read from


@dataclass(frozen=True)
class Evidence:
    """The sentence a fact was read from: its text and character offsets in the article."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class PlaceRef:
    """A place as resolved against the gazetteer, or as found in the text when unknown.

    `key` is the gazetteer key (stable across spellings), or None for a place the
    gazetteer does not know; `parent_key` then names the place it lies in.
    """

    name: str
    kind: str  # "country", "province", "district", "locality" or "facility"
    key: str | None = None
    parent_key: str | None = None
    alias: str | None = None  # a shorter name: 'Kundal' for 'Kundal police post'


@dataclass(frozen=True)
class GroupRef:
    """An armed group as named in the text, linked to the registry when known."""

    name: str  # the name as written in the article
    key: str | None = None  # registry key; None for a group the registry does not know


@dataclass(frozen=True)
class Person:
    """A named person; `rank` keeps a title or rank dropped from the name."""

    name: str
    rank: str | None = None


@dataclass
class Figure:
    """One casualty figure as stated: the number, its qualifier and the sentence."""

    value: int
    qualifier: str | None = None  # "at least", "about", "more than", ...
    evidence: Evidence | None = None


@dataclass
class Casualties:
    """What one article states as fact about the toll of one attack."""

    killed: Figure | None = None
    injured: Figure | None = None
    attackers_killed: Figure | None = None


@dataclass
class Claim:
    """A group's claim of responsibility, and what the group itself says it achieved."""

    group: GroupRef
    evidence: Evidence | None = None
    claimed_killed: int | None = None


@dataclass
class Attack:
    """One incident as one article reports it."""

    main: bool = False
    types: set[str] = field(default_factory=set)  # ontology class names, e.g. "SuicideAttack"
    targets: set[str] = field(default_factory=set)  # target concept names, e.g. "Police"
    date: str | None = None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    date_text: str | None = None  # the words the date was read from
    place: PlaceRef | None = None
    claims: list[Claim] = field(default_factory=list)
    suspects: list[GroupRef] = field(default_factory=list)
    casualties: Casualties = field(default_factory=Casualties)
    victims: list[Person] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def label(self) -> str:
        return attack_label(self.types, self.place.name if self.place else None, self.date)


TYPE_WORDS = {"VehicleBombing": "vehicle bombing", "SuicideAttack": "suicide attack", "Bombing": "bombing",
              "Ambush": "ambush", "TargetedKilling": "targeted killing", "Kidnapping": "kidnapping",
              "Hijacking": "hijacking", "GrenadeAttack": "grenade attack", "RocketAttack": "rocket attack",
              "ArmedAssault": "armed assault"}  # most telling first


def attack_label(types, place: str | None, when: str | None) -> str:
    """A readable name for an attack: what, where and when ('suicide attack in Quetta on 2024-11-09')."""
    what = next((w for t, w in TYPE_WORDS.items() if t in types), "attack")
    return what + (f" in {place}" if place else "") + (f" on {when}" if when else "")


@dataclass
class GroupMention:
    """A group named in an article, with every name the article uses for it."""

    group: GroupRef
    names: set[str] = field(default_factory=set)


@dataclass
class GroupRelation:
    """A relation between two groups stated in an article."""

    subject: GroupRef
    relation: str  # "splinterOf", "affiliateOf" or "alliedWith"
    object: GroupRef
    evidence: Evidence | None = None


@dataclass
class Extraction:
    """Everything read out of one article."""

    article: Article
    attacks: list[Attack] = field(default_factory=list)
    groups: list[GroupMention] = field(default_factory=list)
    relations: list[GroupRelation] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)  # officials and others named, not victims
