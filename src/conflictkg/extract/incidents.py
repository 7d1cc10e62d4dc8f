"""Finding the incidents an article reports and which sentences speak of each.

The first sentence that reports an attack opens the main incident. A later sentence
opens a background incident when it reports an attack of its own (a figure, an attack
word) and something marks it as another one: a different date ('In January'), a cue
('Meanwhile', 'another blast', 'days after') or a place in another district. Sentences
about trends ('more than 1,600 people were killed in attacks in 2023') report none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from spacy.tokens import Doc, Span, Token

from .casualties import FigureMention, figures, predicates, victim_heads
from .dates import is_vague, resolve_date
from .lexicon import find_phrases, lexicon
from .people import victims_in
from .places import PlaceMention

WEAK_CUES = {"meanwhile"}
REPORTING_VERBS = {"say", "tell", "confirm", "announce", "report", "state", "add", "claim", "inform",
                   "condemn", "deny", "reveal", "disclose", "release", "issue", "visit", "arrive", "address"}
GENERAL_WORDS = {"numerous", "several", "often", "frequently", "repeatedly", "series", "dozens", "their",
                 "many", "various", "spate", "wave", "surge", "uptick", "recent", "such"}
ANAPHORA = re.compile(r"\b(the|this|that|tuesday['’]s|monday['’]s|wednesday['’]s|thursday['’]s|friday['’]s|"
                      r"saturday['’]s|sunday['’]s|latest|today['’]s|yesterday['’]s)\s+(\w+\s+)?(attack|blast|bombing|assault|explosion|"
                      r"incident|raid|ambush|clashes|attacks|assaults|blasts|bombings|shooting|strike)\b", re.I)
SAME_DAY = re.compile(r"\b(hours later|hours earlier|later (that|the same) day|the same day|minutes later)\b", re.I)
DEFINITE_ATTACKER = re.compile(r"\b(the|its)\s+(attacker|attackers|bomber|assailants?|gunmen|militants|terrorists|"
                               r"perpetrators)\b", re.I)
PERSONAL_HISTORY = re.compile(r"\b(wanted for|wanted in connection|alleged crimes|accused of|involved in "
                              r"(several|many|numerous|the))\b", re.I)


@dataclass
class DateMention:
    text: str
    value: str | None  # resolved, or None when no anchor allows it
    start: int
    reporting: bool = False  # when something was said ('officials said on Tuesday')


@dataclass
class SentenceInfo:
    """What one sentence contributes: its kind and the facts found in it."""

    sent: Span
    kind: str  # "event", "general" or "context"
    strong: bool  # reports an attack by itself (a figure or a specific attack word)
    figures: list[FigureMention]
    dates: list[DateMention]
    places: list[PlaceMention]
    new_cue: bool
    anaphoric: bool
    facility_words: set[str] = field(default_factory=set)
    weak_cue: bool = False  # only 'meanwhile': a change of topic, not always of incident
    predicates: list[tuple[Token, str]] = field(default_factory=list)  # casualty predicates, read once
    attack_words: tuple[list[Token], list[Token], list[Token]] = field(default_factory=lambda: ([], [], []))


@dataclass
class Incident:
    """The sentences that speak of one incident."""

    sentences: list[SentenceInfo] = field(default_factory=list)
    main: bool = False
    same_day_as: "Incident | None" = None  # 'Hours later, another blast ...'

    def events(self) -> list[SentenceInfo]:
        return [s for s in self.sentences if s.kind == "event"]

    def date_mention(self) -> DateMention | None:
        """The incident's date; for the main incident, failing any other, the day its first
        sentence says it was reported ('... killed in Besham, officials said on Tuesday')."""
        events = self.events()
        found = next((d for s in events for d in s.dates if d.value and not d.reporting), None)
        if found is None and self.main and events:
            found = next((d for d in events[0].dates if d.value), None)
        if found is None and self.same_day_as is not None:
            found = self.same_day_as.date_mention()
        return found

    @property
    def date(self) -> str | None:
        d = self.date_mention()
        return d.value if d else None

    @property
    def date_texts(self) -> list[str]:
        return [d.text for s in self.events() for d in s.dates if not d.reporting]

    def places(self) -> list[PlaceMention]:
        """Places named where the incident is told; also where a later sentence names its facility
        ('The police station in Daraban area had been hosting ...')."""
        facilities = {f for s in self.events() for f in s.facility_words}
        return [p for s in self.sentences if s.kind == "event" or (s.facility_words & facilities)
                for p in s.places if not p.excluded]

    def districts(self) -> set[str]:
        return {p.district.key for p in self.places() if p.district is not None}

    def provinces(self) -> set[str]:
        return {p.province.key for p in self.places() if p.province is not None}


def attack_tokens(sent: Span) -> tuple[list[Token], list[Token], list[Token]]:
    """Singular attack nouns, plural attack nouns, and attack verbs in a sentence."""
    nouns = lexicon().words("attack_nouns")
    verbs = lexicon().words("attack_verbs")
    weak = lexicon().words("weak_attack_words")
    sing, plur, verb = [], [], []
    for t in sent:
        lemma = t.lemma_.lower()
        if t.pos_ in {"NOUN", "PROPN"} and (lemma in nouns or t.lower_ in nouns):
            (plur if t.tag_ in {"NNS", "NNPS"} else sing).append(t)
        elif t.pos_ == "VERB" and lemma in verbs and lemma not in weak:
            verb.append(t)
        elif t.pos_ == "VERB" and lemma in {"open"} and any(c.lower_ == "fire" for c in t.children):
            verb.append(t)
    return sing, plur, verb


def reporting_date(ent: Span) -> bool:
    """A date that says when something was said or announced, not when the attack was."""
    node = ent.root
    for _ in range(6):
        if node.head.i == node.i:
            return False
        node = node.head
        lemma = node.lemma_.lower()
        if lemma in REPORTING_VERBS and node.pos_ in {"VERB", "AUX"}:
            return True
        if lemma in lexicon().words("attack_nouns") | lexicon().words("attack_verbs") | \
                lexicon().words("kill_verbs") | lexicon().words("injure_verbs") | {"occur", "happen", "leave"}:
            return False
    return False


def dates_in(sent: Span, ents: tuple[Span, ...], published) -> list[DateMention]:
    """Dates and times of day named in a sentence; `ents` are the doc's entities (read once per doc)."""
    out = []
    for ent in ents:
        if not sent.start <= ent.start < ent.end <= sent.end:
            continue
        if ent.label_ not in {"DATE", "TIME"} or ent.label_ == "TIME" and not re.search(
                r"day|night|morning", ent.text, re.I):
            continue
        if ent.start - sent.start < 8 and ent.end < len(sent.doc) and sent.doc[ent.end].text in {":", "(", "—"}:
            continue  # a dateline
        if is_vague(ent.text):
            continue
        out.append(DateMention(ent.text, resolve_date(ent.text, published), ent.start, reporting_date(ent)))
    return out


def classify(sent: Span, group_tokens: set[int], places: list[PlaceMention], ents: tuple[Span, ...],
             published) -> SentenceInfo:
    """Read one sentence: is it about an attack, a trend, or neither, and what does it say."""
    words = attack_tokens(sent)
    sing, plur, verbs = words
    preds = predicates(sent)
    figs = figures(sent, group_tokens, preds)
    casualty = any(victim_heads(p) for p, _ in preds) or bool(victims_in(sent, preds))
    text = sent.text  # built from the tokens each time it is read
    low = text.lower()
    weak = lexicon().words("weak_attack_words")
    strong_nouns = [t for t in sing if t.lemma_.lower() not in weak]
    anaphoric = bool(ANAPHORA.search(text))
    dates = dates_in(sent, ents, published)
    general_words = {t.lower_ for t in sent} & GENERAL_WORDS
    aggregate = any(c.dep_ == "nummod" and (c.like_num and c.lower_ not in {"one", "1"})
                    for t in plur for c in t.children)
    plural_only = plur and not strong_nouns and not verbs
    trend = (plural_only and not anaphoric and not figs) or (plural_only and general_words) or \
        (plural_only and figs and re.search(r"\b(in|since|during) (19|20)\d\d\b", low)) or \
        bool(PERSONAL_HISTORY.search(text))
    kind = "context"
    if trend and not aggregate:
        kind = "general"
    elif strong_nouns or verbs or figs or anaphoric or aggregate or casualty:
        kind = "event"
    definite = anaphoric or bool(DEFINITE_ATTACKER.search(text))
    strong = kind == "event" and not aggregate and (bool([f for f in figs if not f.claimed]) or
                                                     (bool(verbs) and not definite) or bool(
        [t for t in strong_nouns if not ANAPHORA.search(sent.doc[max(sent.start, t.i - 2):t.i + 1].text)]))
    here = [p for p in places if sent.start <= p.start < sent.end]
    facilities = {p.facility_word for p in here if p.facility_word}
    facilities |= {fw for fw in ("police station", "police post", "checkpost", "mosque", "station", "garrison",
                                 "airbase", "base", "post") if fw in low and re.search(r"\b" + fw + r"\b", low)}
    cues = find_phrases(low, lexicon().table("new_incident_cues"))
    return SentenceInfo(sent, kind, strong, [] if aggregate else figs, dates, here, bool(cues), definite, facilities,
                        weak_cue=bool(cues) and set(cues) <= WEAK_CUES, predicates=preds, attack_words=words)


def date_conflicts(info: SentenceInfo, incident: Incident, published=None) -> bool:
    """The sentence dates its attack differently from the incident (an undated main incident
    is taken to be recent: a date a month or more before publication is another incident)."""
    mine = incident.date
    if mine is None and incident.main and published is not None:
        for d in info.dates:
            if d.value and not d.reporting and \
                    d.value < (published.replace(day=1) - timedelta(days=1)).isoformat()[:len(d.value)]:
                return True
    for d in info.dates:
        if d.reporting:
            continue
        if d.value and mine and not (d.value.startswith(mine) or mine.startswith(d.value)):
            return True
        if not d.value and incident.date_texts and d.text.lower() not in {t.lower() for t in incident.date_texts}:
            words = set(re.findall(r"[a-z]+", d.text.lower()))
            if words & {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                        "october", "november", "december"} or re.search(r"\d{4}", d.text):
                return True
    return False


def place_conflicts(info: SentenceInfo, incident: Incident) -> bool:
    """The sentence places its attack in another district or province than the incident."""
    districts, provinces = incident.districts(), incident.provinces()
    for p in info.places:
        if p.excluded:
            continue
        d, pr = p.district, p.province
        if d is not None and districts and d.key not in districts:
            return True
        if pr is not None and provinces and pr.key not in provinces:
            return True
    return False


def place_agrees(info: SentenceInfo, incident: Incident) -> bool:
    """The sentence names a place of the incident's district, or its very place."""
    districts, provinces = incident.districts(), incident.provinces()
    names = {p.name.lower() for p in incident.places()}
    return any((p.district is not None and p.district.key in districts) or p.name.lower() in names
               or (not districts and p.province is not None and p.province.key in provinces)
               for p in info.places if not p.excluded and p.kind != "province")


def segment(doc: Doc, group_tokens: set[int], places: list[PlaceMention], published) -> list[Incident]:
    """Split an article's sentences into incidents, the main one first."""
    ents = doc.ents
    infos = [classify(s, group_tokens, places, ents, published) for s in doc.sents]
    main: Incident | None = None
    current: Incident | None = None
    incidents: list[Incident] = []
    for info in infos:
        if info.kind == "general":
            continue
        if main is None:
            if info.kind == "event" and (info.strong or info.anaphoric):
                main = current = Incident([info], main=True)
                incidents.append(main)
            continue
        if info.kind == "context":
            current.sentences.append(info)
            continue
        dated_apart = date_conflicts(info, main, published)
        other = (dated_apart or info.new_cue or place_conflicts(info, main)) and \
            not (info.anaphoric and not info.new_cue and place_agrees(info, main)) and \
            not (info.weak_cue and not dated_apart and place_agrees(info, main))
        if info.strong and other:
            if current is not main and not date_conflicts(info, current) and not place_conflicts(info, current) \
                    and not re.search(r"\b(another|separate|meanwhile)\b", info.sent.text, re.I):
                current.sentences.append(info)
            else:
                current = Incident([info])
                incidents.append(current)
                if not any(d.value for d in info.dates) and SAME_DAY.search(info.sent.text) and main.date_mention():
                    current.same_day_as = main
        elif current is not main and (place_agrees(info, main) or refers_to_main(info, main)):
            current = main
            main.sentences.append(info)
        else:
            current.sentences.append(info)
    return incidents


def refers_to_main(info: SentenceInfo, main: Incident) -> bool:
    """'the latest attack', 'Tuesday's attack' (the main incident's day)."""
    low = info.sent.text.lower()
    if re.search(r"\b(latest|this|today's)\s+(attack|blast|bombing|assault|incident)", low):
        return True
    return any(d.value and main.date and d.value == main.date and not d.reporting for d in info.dates) \
        and info.anaphoric
