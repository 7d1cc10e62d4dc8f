"""Filling an attack's slots from the sentences of its incident."""
from __future__ import annotations

from spacy.tokens import Span

from ..model import Attack, Casualties, Evidence, Figure, PlaceRef
from .casualties import ATTACKERS, INJURED, KILLED, FigureMention
from .incidents import Incident
from .lexicon import find_phrases, has_phrase, lexicon
from .places import KIND_RANK, PlaceMention


def evidence(sent: Span) -> Evidence:
    return Evidence(sent.text.strip(), sent.start_char, sent.end_char)


def event_text(incident: Incident) -> str:
    return " ".join(s.sent.text for s in incident.sentences if s.kind == "event")


FIRING = ["opened fire", "open fire", "firing", "gunfire", "shootout", "shoot-out", "gun battle", "exchange of fire",
          "fire exchange", "stormed"]


def attack_types(incident: Incident) -> set[str]:
    """Attack type classes from the wording of the incident's sentences."""
    text = event_text(incident)
    table = lexicon().table("attack_types")
    types = {t for t, cues in table.items() if t != "ArmedAssault" and has_phrase(text, cues)}
    assault_cues = find_phrases(text, table["ArmedAssault"])
    gun_cues = [c for c in assault_cues if c not in lexicon().table("assault_needs_guns")]
    bombing = types & {"Bombing", "SuicideAttack", "VehicleBombing", "GrenadeAttack", "RocketAttack"}
    if "TargetedKilling" in types and (bombing or has_phrase(text, ["stormed", "siege", "gun battle", "shootout"])):
        types.discard("TargetedKilling")  # 'the third was shot dead by commandos' in a raid or a bombing
    if gun_cues or (assault_cues and not bombing):
        types.add("ArmedAssault")
    if "Ambush" in types or "TargetedKilling" in types and not gun_cues:
        types.discard("ArmedAssault")
    if types & {"Kidnapping", "Hijacking"} and not has_phrase(text, FIRING):
        types.discard("ArmedAssault")  # gunmen who seize people without a fight
    if "VehicleBombing" in types:
        types.discard("Bombing")  # implied: a vehicle bombing is a bombing
    if "SuicideAttack" in types and "VehicleBombing" not in types:
        types.add("Bombing")
    if not types:
        types.add("ArmedAssault" if has_phrase(text, ["attack", "attacked", "stormed"]) else "Attack")
    types.discard("Attack")
    return types


def target_words(incident: Incident) -> str:
    """The words that say who was hit: victims, objects of the attack, the place."""
    words = []
    for info in incident.sentences:
        if info.kind != "event":
            continue
        for f in info.figures:
            if f.kind in {KILLED, INJURED} and not f.claimed:
                words += [w for t in f.head.subtree for w in (t.text, t.lemma_)]
        sing, plur, _ = info.attack_words
        verbs = [t for t in info.sent if t.pos_ == "VERB" and t.lemma_.lower() in lexicon().words("attack_verbs")]
        for t in sing + plur + verbs:
            for c in t.children:
                if c.dep_ in {"dobj", "prep"} and c.lower_ not in {"by", "with", "from", "during", "after", "since"}:
                    words += [w for x in c.subtree for w in (x.text, x.lemma_)]
            if t.dep_ == "pobj" and t.head.lower_ in {"on", "at"}:
                words += [x.text for x in t.head.head.subtree] if t.head.head.pos_ == "NOUN" else []
        for p in info.places:
            if p.facility_word:
                words.append(p.name)
    return " ".join(words)


def targets(incident: Incident, place: PlaceMention | None) -> set[str]:
    """Target categories, from victims and what was attacked."""
    text = target_words(incident)
    if place is not None:
        text += " " + place.name
    table = lexicon().table("victim_nouns")
    needs = lexicon().table("target_needs_context")
    found = set()
    full = event_text(incident).lower()
    for concept, cues in table.items():
        hits = find_phrases(text, cues)
        strong = [h for h in hits if h not in needs.get(concept, [])]
        if strong:
            found.add(concept)
        elif hits and concept == "Police" and "police" in full:
            found.add(concept)
        elif hits and concept == "Foreigners" and has_phrase(full, ["chinese", "foreign", "foreigners"]):
            found.add(concept)
    generic_people = find_phrases(text, ["people", "persons", "person"])
    site = find_phrases(place.name, table["Police"] + table["Military"]) if place is not None else []
    if "Civilians" in found and not (set(find_phrases(text, table["Civilians"])) - set(generic_people)) \
            and (site or "Foreigners" in found):
        found.discard("Civilians")  # 'people' killed at a police or army site are mostly not civilians
    return found


def choose_place(incident: Incident) -> PlaceMention | None:
    """The most specific place of the incident that agrees with where it first placed it."""
    cands = incident.places()
    if not cands:
        return None
    anchor_districts = {p.district.key for p in cands[:3] if p.district is not None}
    anchor_provinces = {p.province.key for p in cands[:3] if p.province is not None}

    def fits(p: PlaceMention) -> bool:
        if p.district is not None and anchor_districts:
            return p.district.key in anchor_districts
        if p.province is not None and anchor_provinces:
            return p.province.key in anchor_provinces
        return True

    def rank(p: PlaceMention) -> int:
        r = KIND_RANK[p.kind]
        if p.entry is not None and p.kind == "locality" and p.district is not None and \
                p.entry.name.lower() in p.district.name.lower():
            r = KIND_RANK["district"]  # 'in Karak': the town and its district are one name
        return r

    good = [p for p in cands if fits(p)] or cands
    return max(good, key=lambda p: (rank(p), -good.index(p)))


def place_ref(m: PlaceMention, incident: Incident) -> PlaceRef:
    """A PlaceRef for the chosen mention; unknown places hang under a known district."""
    if m.entry is not None:
        return PlaceRef(m.entry.name, m.entry.kind, key=m.entry.key)
    parent = m.parent
    if parent is None:
        districts = [p.district for p in incident.places() if p.district is not None]
        provinces = [p.province for p in incident.places() if p.province is not None]
        parent = districts[0] if districts else provinces[0] if provinces else None
    name = m.name[4:] if m.name.lower().startswith("the ") else m.name
    parent_key = parent.key if parent is not None else None
    return PlaceRef(name, m.kind, key=None, parent_key=parent_key, alias=m.stem)


def pick(figs: list[FigureMention]) -> Figure | None:
    """The canonical figure of one kind: lowest stated, plus anything said to be additional."""
    facts = [f for f in figs if not f.claimed]
    if not facts:
        return None
    base = [f for f in facts if not f.additive] or facts
    low = min(base, key=lambda f: f.value)
    extra = [f for f in facts if f.additive and f is not low]
    value = low.value + sum(f.value for f in extra)
    return Figure(value, low.qualifier, evidence(low.sentence))


def casualties(incident: Incident, suicide: bool) -> tuple[Casualties, int | None]:
    """Facts about the toll, and the figure the claiming group gave for itself."""
    figs = [f for s in incident.sentences if s.kind == "event" for f in s.figures]
    by_kind = {k: [f for f in figs if f.kind == k] for k in (KILLED, INJURED, ATTACKERS)}
    attackers = pick(by_kind[ATTACKERS])
    if attackers is None and suicide:
        text = event_text(incident).lower()
        if has_phrase(text, ["suicide bomber", "bomber blew himself", "blew himself up", "exploded himself",
                             "suicide attack", "suicide blast", "suicide bombing"]) and \
                not has_phrase(text, ["bombers", "blew themselves"]):
            attackers = Figure(1, "implied by a suicide attack")
    claimed = [f.value for f in by_kind[KILLED] if f.claimed]
    return Casualties(pick(by_kind[KILLED]), pick(by_kind[INJURED]), attackers), (min(claimed) if claimed else None)


def build_attack(incident: Incident) -> tuple[Attack, PlaceMention | None, int | None]:
    """An Attack with every slot the incident's sentences fill (groups and people added later)."""
    types = attack_types(incident)
    place = choose_place(incident)
    cas, claimed_killed = casualties(incident, "SuicideAttack" in types)
    mention = incident.date_mention()
    date_text = mention.text if mention else None
    attack = Attack(
        main=incident.main, types=types, targets=targets(incident, place), date=incident.date,
        date_text=date_text, place=place_ref(place, incident) if place else None, casualties=cas,
        evidence=[evidence(s.sent) for s in incident.sentences if s.kind == "event"])
    return attack, place, claimed_killed
