"""Armed groups in the text: mentions, claims of responsibility, suspicion, relations, aliases."""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ..gazetteer import load_gazetteer
from ..model import GroupRef
from ..nlp.pipeline import GROUP_LABEL
from ..vocab import slug
from .lexicon import find_phrases, has_phrase, lexicon

AFGHAN_CONTEXT = re.compile(r"\b(afghan|afghanistan|kabul|takeover|took over|regained power|returned to power|"
                            r"return to power|seized power|government|regime|interim)\b", re.I)
GROUP_NOUNS = {"group", "organisation", "organization", "outfit", "movement", "faction", "militia", "network"}
GROUP_NAME_WORDS = re.compile(r"\b(Lashkar|Jaish|Tehreek|Tehrik|Harkat|Ansar|Jamaat|Jamat|Hizb|Hizbul|Brigade|"
                              r"Army|Front|Movement|Mujahideen|Sipah|Jundallah|Mohaz|Ittehad|Fidayeen|Tanzeem)\b")


@dataclass
class GroupSpan:
    """A group named in the text, resolved to a registry key or its own name."""

    ref: GroupRef
    start: int
    end: int
    text: str


def group_key_for(span: Span) -> str | None:
    """The registry key of a tagged group span; a bare 'Taliban' needs Afghan context."""
    key = span.kb_id_ or None
    gaz = load_gazetteer()
    if key is None:
        return None
    if span.text.strip().lower() in {"taliban", "the taliban"}:
        afghan = gaz.find_group("Afghan Taliban")
        if not AFGHAN_CONTEXT.search(span.sent.text):
            return None
        return afghan.key if afghan else key
    return key


def unknown_group_spans(doc: Doc, taken: set[int]) -> list[GroupSpan]:
    """Groups no registry knows, named by the wording: 'a new group, X', 'X claimed responsibility'."""
    out = []
    for ent in doc.ents:
        if ent.label_ not in {"ORG", "PERSON", "NORP", "GPE"} or any(i in taken for i in range(ent.start, ent.end)):
            continue
        text = ent.text.strip()
        if text.lower().startswith("the "):
            text = text[4:]
        around = " ".join(t.lower_ for t in doc[max(0, ent.start - 4):min(len(doc), ent.end + 4)])
        named_group = bool(GROUP_NAME_WORDS.search(text)) and ent.label_ in {"ORG", "PERSON"}
        cue = any(w in around.split() for w in GROUP_NOUNS) and ("militant" in around or "terror" in around)
        claims = ent.label_ == "ORG" and ent.end < len(doc) and doc[ent.end].lemma_ in {"claim", "have", ","} \
            and has_phrase(ent.sent.text, lexicon().table("claim_cues"))
        if named_group or (ent.label_ == "ORG" and (cue or claims)):
            out.append(GroupSpan(GroupRef(text, None), ent.start, ent.end, ent.text))
    return out


def find_groups(doc: Doc) -> list[GroupSpan]:
    """Every group mention, in text order."""
    gaz = load_gazetteer()
    out, taken = [], set()
    for ent in doc.ents:
        if ent.label_ != GROUP_LABEL:
            continue
        key = group_key_for(ent)
        if key is None:
            continue
        out.append(GroupSpan(GroupRef(ent.text, key), ent.start, ent.end, ent.text))
        taken.update(range(ent.start, ent.end))
    out += unknown_group_spans(doc, taken)
    for g in out:
        if g.ref.key is None:
            entry = gaz.find_group(g.ref.name)
            if entry is not None:
                g.ref = GroupRef(g.ref.name, entry.key)
    return sorted(out, key=lambda g: g.start)


def ref_id(ref: GroupRef) -> str:
    """The identity of a group: registry key, or the slug of its own name."""
    return ref.key or slug(ref.name)


def in_sentence(groups: list[GroupSpan], sent: Span) -> list[GroupSpan]:
    return [g for g in groups if sent.start <= g.start < sent.end]


def negated_claim(sent: Span) -> bool:
    low = sent.text.lower()
    return has_phrase(low, lexicon().table("claim_negations"))


def spokesman_group(sent: Span, groups: list[GroupSpan]) -> list[GroupSpan]:
    """Groups whose spokesman or statement speaks in the sentence ('a spokesman for the TTP')."""
    words = lexicon().words("spokesman_words")
    out = []
    for g in groups:
        near = [t.lower_ for t in sent.doc[max(sent.start, g.start - 4):min(sent.end, g.end + 2)]]
        if words & set(near):
            out.append(g)
    return out


def claimants(sent: Span, groups: list[GroupSpan], has_attack_word: bool) -> list[GroupSpan]:
    """Groups that claim responsibility in this sentence."""
    here = in_sentence(groups, sent)
    if not here:
        return []
    low = sent.text.lower()
    cues = find_phrases(low, lexicon().table("claim_cues"))
    if cues:
        cue_at = min(low.find(c) for c in cues)
        if has_phrase(low[:cue_at + 1], lexicon().table("claim_negations")):
            return []  # 'No one has claimed responsibility ...'
        before = [g for g in here if sent.doc[g.start].idx - sent.start_char < cue_at]
        return before[-1:] if before else here[:1]
    if has_attack_word and not negated_claim(sent):
        return spokesman_group(sent, here)
    return []


def suspects(sent: Span, groups: list[GroupSpan]) -> list[GroupSpan]:
    """Groups blamed, suspected or named as the attackers, without a claim."""
    here = in_sentence(groups, sent)
    if not here:
        return []
    low = sent.text.lower()
    if re.search(r"\b(denied|denies|deny|distanced|condemned)\b", low):
        return [g for g in here if not re.search(re.escape(g.text.lower()) + r"[^.]{0,40}\b(denied|denies|distanced|condemned)",
                                                 low)] if has_phrase(low, lexicon().table("suspect_cues")) else []
    if has_phrase(low, lexicon().table("suspect_cues")):
        return here
    out = []
    for g in here:
        tok = sent.doc[g.end - 1]
        head = tok.head if tok.dep_ in {"compound", "amod"} else tok
        if head.lower_ in {"militants", "fighters", "terrorists", "gunmen", "men", "cadres", "insurgents"}:
            verb = head.head
            if verb.lemma_ in {"attack", "ambush", "storm", "kill", "raid", "target", "launch", "open"} and \
                    head.dep_ in {"nsubj"}:
                out.append(g)
            elif head.dep_ == "pobj" and head.head.lower_ == "by" and head.head.head.lemma_ in {
                    "ambush", "attack", "kill", "target", "carry", "storm"}:
                out.append(g)
    return out


def relation_cues() -> list[tuple[str, str]]:
    """(phrase, relation) pairs, longest phrases first."""
    table = lexicon().table("relations")
    pairs = [(p, rel) for rel, phrases in table.items() for p in phrases]
    return sorted(pairs, key=lambda x: -len(x[0]))


def relations_in(sent: Span, groups: list[GroupSpan]) -> list[tuple[GroupSpan, str, GroupSpan]]:
    """Group relations stated in one sentence: (child, relation, parent)."""
    here = [g for g in in_sentence(groups, sent)]
    if len({ref_id(g.ref) for g in here}) < 2:
        return []
    low = sent.text.lower()
    start_char = sent.start_char
    out = []
    naming = lexicon().table("naming_cues")
    for phrase, rel in relation_cues():
        for m in re.finditer(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", low):
            at = m.start() + start_char
            before = [g for g in here if sent.doc[g.end - 1].idx < at]
            after = [g for g in here if sent.doc[g.start].idx > at]
            if rel == "alliedWith":
                if before and after:
                    out.append((before[-1], rel, after[0]))
                continue
            # parent: 'affiliate of X', 'X's affiliate', 'X regional affiliate'
            tail = low[m.end():m.end() + 12]
            ends_of = phrase.endswith(" of")
            parent = after[0] if after and (ends_of or re.match(r"\s*(group\s+|organisation\s+|organization\s+)?of\b", tail)) else None
            if parent is None and before and sent.doc[before[-1].end - 1].idx + len(before[-1].text) >= at - 25:
                parent = before[-1]
                before = before[:-1]
            if parent is None:
                continue
            rest = [g for g in after if g is not parent]
            named_after = None
            if rest:
                gap = low[m.end():sent.doc[rest[0].start].idx - start_char]
                if "also known as" not in gap and (any(n in gap for n in naming) or gap.strip(" ,") == ""):
                    named_after = rest[0]
            child = named_after or (before[-1] if before else None)
            if child is not None and ref_id(child.ref) != ref_id(parent.ref):
                out.append((child, rel, parent))
        if out:
            break
    return out


def aliases(doc: Doc, groups: list[GroupSpan]) -> dict[str, set[str]]:
    """Per group identity, every name the article uses for it, and acronyms given in brackets."""
    names: dict[str, set[str]] = {}
    for g in groups:
        text = re.sub(r"^(the|The)\s+", "", g.text.strip())
        names.setdefault(ref_id(g.ref), set()).add(text)
        # 'Tehreek-e-Jihad Pakistan (TJP)' / 'X, or TJP,' for groups the registry lacks
        if g.ref.key is None and g.end + 2 < len(doc):
            nxt = doc[g.end:g.end + 3]
            if nxt[0].text in {"(", ","} and nxt[1].is_upper and len(nxt[1].text) >= 2:
                names[ref_id(g.ref)].add(nxt[1].text)
            elif nxt[0].text == "," and nxt[1].lower_ == "or" and g.end + 3 < len(doc) and doc[g.end + 2].is_upper:
                names[ref_id(g.ref)].add(doc[g.end + 2].text)
    return names
