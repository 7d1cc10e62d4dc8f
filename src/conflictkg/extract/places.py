"""Place mentions: gazetteer places, and unknown places the wording marks as places.

'the Essakhel area', 'Bahadurkhel police station', 'near Wanda Shahabkhel in Lakki Marwat',
'in Besham, district Shangla' name places no gazetteer holds; they become places of
their own, attached to the district the text names.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..gazetteer import PlaceEntry, load_gazetteer
from ..nlp.pipeline import GROUP_LABEL, PLACE_LABEL
from .lexicon import by_first_word

KIND_RANK = {"country": 0, "province": 1, "district": 2, "locality": 3, "facility": 4}
AREA_WORDS = {"area", "village", "town", "city", "tehsil", "neighbourhood", "neighborhood", "locality",
              "valley", "subdivision", "sub-division", "bazaar", "suburb", "outskirts", "region"}
FACILITY_WORDS = ["police office", "police station", "police post", "police checkpost", "police check post", "police lines",
                  "police line", "checkpost", "check post", "checkpoint", "post", "garrison", "cantonment",
                  "airbase", "air base", "base", "camp", "fort", "mosque", "masjid", "imambargah",
                  "church", "shrine", "school", "college", "university", "railway station",
                  "train station", "station", "market", "bazaar", "compound", "headquarters"]
FACILITY_INDEX = by_first_word(FACILITY_WORDS)
EXCLUDE_BEFORE = {"border", "bordering", "borders", "to", "towards", "toward", "capital", "close",
                  "from", "via", "across"}
TRAVEL_WORDS = {"way", "travel", "travelling", "traveling", "heading", "going", "route", "coming",
                "moved", "shifted", "rushed", "transferred", "taken", "referred", "bound", "fled"}
ORGANISATION_STEMS = {"air force", "army", "police", "navy", "frontier corps", "fc", "levies", "military",
                      "government", "district", "civil", "federal", "provincial", "main", "security"}
NOT_NAMES = {"The", "A", "An", "This", "That", "Pakistan", "Pakistani", "Afghan", "District", "Provincial", "Federal", "Chinese", "Our", "Their", "His", "Her", "Its"}


@dataclass
class PlaceMention:
    """A place named in the text; `entry` when the gazetteer knows it."""

    name: str
    kind: str
    start: int  # token offsets in the doc
    end: int
    entry: PlaceEntry | None = None
    parent: PlaceEntry | None = None  # for unknown places: the known place named beside it
    stem: str | None = None  # for facilities: the place name inside ('Kundal' in 'Kundal police post')
    excluded: bool = False  # named as a border, a destination or a capital, not where it happened
    facility_word: str | None = None

    @property
    def rank(self) -> int:
        return KIND_RANK[self.kind]

    def container(self, kind: str) -> PlaceEntry | None:
        """The district or province this mention lies in, where known."""
        gaz = load_gazetteer()
        find = gaz.district_of if kind == "district" else gaz.province_of
        for e in (self.entry, self.parent):
            if e is not None:
                found = e if e.kind == kind else find(e.key)
                if found is not None:
                    return found
        return None

    @property
    def district(self) -> PlaceEntry | None:
        return self.container("district")

    @property
    def province(self) -> PlaceEntry | None:
        return self.container("province")


def choose_entry(span: Span, entries: list[PlaceEntry]) -> PlaceEntry:
    """Pick among same-named places: the words around the name decide, else the first."""
    doc = span.doc
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    before = " ".join(t.lower_ for t in doc[max(0, span.start - 3):span.start])
    want = None
    if after == "district" or before.endswith("district of") or before.endswith("district"):
        want = "district"
    elif after in {"city", "town"} or before.endswith("city of") or before.endswith("town of"):
        want = "locality"
    elif after == "province" or before.endswith("province of"):
        want = "province"
    for kind in (want, "province", "locality", "district", "country"):
        for e in entries:
            if e.kind == kind:
                return e
    return entries[0]


FILLER = {"the", "of", "with", "'s", "city", "town", "garrison", "provincial", "federal", "northwestern",
          "southwestern", "restive", "capital"}
TITLE_WORDS = {"rpo", "dpo", "ssp", "sp", "dig", "igp", "officer", "commissioner", "minister", "chief", "governor",
               "spokesman", "spokesperson", "inspector", "police"}


def in_title(doc: Doc, start: int, end: int) -> bool:
    """A place inside an official's title: 'RPO Malakand', 'Chief Minister Khyber Pakhtunkhwa Ali ...',
    'Punjab Police Chief Usman Anwar'."""
    before = [t.lower_ for t in doc[max(0, start - 3):start] if t.text not in {"(", ")"}]
    after = [t.lower_ for t in doc[end:end + 2]]
    return bool(before) and before[-1] in TITLE_WORDS - {"police"} or after[:2] in (["police", "chief"],
                                                                                   ["police", "officer"])


def excluded(doc: Doc, start: int) -> bool:
    """A place named as a border, a destination, a capital: not the scene of the attack."""
    window = [t.lower_ for t in doc[max(0, start - 6):start]]
    if not window:
        return False
    trimmed = list(window)
    while len(trimmed) > 1 and trimmed[-1] in FILLER:
        trimmed.pop()
    prev = trimmed[-1]
    if prev in {"bordering", "borders"} or window[-2:] in (["border", "with"], ["border", "of"]) or \
            window[-3:-1] == ["border", "with"]:
        return True
    if prev in {"to", "towards", "toward", "from", "via"}:
        sent = doc[start].sent
        return any(t.lower_ in TRAVEL_WORDS for t in sent)
    return prev in {"capital"} or " ".join(window[-2:]) in {"close to", "capital of"}


def title_run_before(doc: Doc, end: int) -> tuple[int, int] | None:
    """The run of capitalised words that ends just before token `end`."""
    i = end
    while i > 0 and doc[i - 1].is_title and doc[i - 1].is_alpha and doc[i - 1].text not in NOT_NAMES \
            and doc[i - 1].ent_type_ not in {GROUP_LABEL, "DATE"} and end - i < 4:
        i -= 1
    return (i, end) if i < end else None


def title_run_after(doc: Doc, start: int) -> tuple[int, int] | None:
    """The run of capitalised words that starts at token `start`."""
    j = start
    while j < len(doc) and doc[j].is_title and doc[j].is_alpha and doc[j].text not in NOT_NAMES \
            and doc[j].ent_type_ not in {GROUP_LABEL, "DATE"} and j - start < 4:
        j += 1
    return (start, j) if j > start else None


def known_mentions(doc: Doc) -> list[PlaceMention]:
    gaz = load_gazetteer()
    out = []
    for ent in doc.ents:
        if ent.label_ != PLACE_LABEL:
            continue
        entries = gaz.find_places(ent.text)
        if not entries:
            continue
        e = choose_entry(ent, entries)
        out.append(PlaceMention(e.name, e.kind, ent.start, ent.end, entry=e,
                                excluded=excluded(doc, ent.start) or in_title(doc, ent.start, ent.end)))
    return out


def facility_at(tok: Token) -> str | None:
    """The facility word that starts at a token ('police station'), if any: the first listed."""
    for n, words in FACILITY_INDEX.get(tok.lower_, ()):  # called for every token: keep it cheap
        if [t.lower_ for t in tok.doc[tok.i:tok.i + len(words)]] == words:
            return FACILITY_WORDS[n]
    return None


def known_at(mentions: list[PlaceMention], start: int, end: int) -> PlaceMention | None:
    return next((m for m in mentions if m.entry is not None and m.start == start and m.end == end), None)


def nearest_known(mentions: list[PlaceMention], sent: Span, kinds=("district", "locality")) -> PlaceEntry | None:
    """The first gazetteer place of those kinds named in the sentence (not excluded)."""
    for m in mentions:
        if m.entry is not None and not m.excluded and sent.start <= m.start < sent.end and m.kind in kinds:
            return m.entry
    return None


def unknown_mentions(doc: Doc, known: list[PlaceMention]) -> list[PlaceMention]:
    """Places the wording marks: 'X area', 'X police post', 'area of X', 'near X', 'X, district Y'."""
    out = []
    taken = {i for m in known for i in range(m.start, m.end)}
    by_end = {m.end: m for m in known}
    by_start = {m.start: m for m in known}

    def add(start, end, kind, facility=None, parent=None):
        if any(i in taken for i in range(start, end)) and kind != "facility":
            return
        name_tokens = doc[start:end]
        stem_span = doc[start:end - len(facility.split())] if facility and parent is None else None
        written = doc[end - len(facility.split()):end].text if facility else ""
        stem = stem_span.text if stem_span is not None and len(stem_span) else (
            written if parent is not None and written.istitle() and " " in written else None)
        m = PlaceMention(name_tokens.text, kind, start, end, facility_word=facility, stem=stem,
                         excluded=excluded(doc, start))
        m.parent = parent
        out.append(m)
        taken.update(range(start, end))

    for t in doc:
        low = t.lower_
        # 'the Essakhel area', 'Police Lines neighbourhood'
        if low in AREA_WORDS and t.i > 0:
            run = title_run_before(doc, t.i)
            if run and not any(i in taken for i in range(*run)):
                add(run[0], run[1], "locality")
                continue
        # 'area of Bahadurkhel', 'general area Kalash', 'village of X'
        if low in AREA_WORDS and t.i + 1 < len(doc):
            j = t.i + 1 + (doc[t.i + 1].lower_ == "of")
            run = title_run_after(doc, j) if j < len(doc) else None
            if run and not any(i in taken for i in range(*run)):
                add(run[0], run[1], "locality")
                continue
        # 'Kundal police post', 'Madina Mosque', 'Zhob Garrison', 'Quetta's train station'
        fw = facility_at(t)
        if fw and t.i > 0:
            end = t.i + len(fw.split())
            k = by_end.get(t.i) or (by_end.get(t.i - 1) if doc[t.i - 1].text in {"'s", "’s"} else None)
            if k is not None and not k.excluded:
                add(k.start, end, "facility", fw, parent=k.entry)
                continue
            run = title_run_before(doc, t.i)
            if run and doc[run[0]:run[1]].text.lower() not in ORGANISATION_STEMS:
                add(run[0], end, "facility", fw)
                continue
        # 'near Wanda Shahabkhel', 'in Kalash,' when NER calls it a place
        if low in {"near", "in", "at"} and t.i + 1 < len(doc):
            run = title_run_after(doc, t.i + 1)
            if run and not any(i in taken for i in range(*run)) and \
                    not any(facility_at(doc[i]) for i in range(*run)):
                ents = {doc[i].ent_type_ for i in range(*run)}
                follows = doc[run[1]].lower_ if run[1] < len(doc) else ""
                nxt_known = by_start.get(run[1] + 1) if follows in {"in", ","} else None
                if ents & {"GPE", "LOC", "FAC"} or (low == "near" and ents - {"PERSON", "ORG", "NORP"}) \
                        or nxt_known is not None:
                    add(run[0], run[1], "locality")
    return out


def attach_parents(doc: Doc, mentions: list[PlaceMention]) -> None:
    """Give each unknown place the known district (or town) named beside it."""
    known = [m for m in mentions if m.entry is not None]
    for m in mentions:
        if m.entry is not None or m.parent is not None:
            continue
        sent = doc[m.start].sent
        after = [k for k in known if sent.start <= k.start < sent.end and k.start >= m.end
                 and k.kind in {"district", "locality"} and k.start - m.end <= 4]
        if after:
            m.parent = after[0].entry
        else:
            m.parent = nearest_known(known, sent)


def find_places(doc: Doc) -> list[PlaceMention]:
    """Every place mention in the document, known and unknown, in text order."""
    known = known_mentions(doc)
    mentions = known + unknown_mentions(doc, known)
    attach_parents(doc, mentions)
    return sorted(mentions, key=lambda m: m.start)
