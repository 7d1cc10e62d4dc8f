"""Casualty figures from the dependency parse: who was killed or injured, and how many.

A figure is read from a casualty predicate (a verb such as 'killed', a phrase such as
'lost their lives', a noun such as 'death of') and the noun phrase of its victims.
Victims that are attackers ('12 terrorists were killed') count as attackers killed;
figures inside a group's own statement count as the group's claim, not as fact.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Span, Token

from .lexicon import by_first_word, lexicon
from .numbers import count_in

KILLED, INJURED, ATTACKERS = "killed", "injured", "attackers_killed"
PARTITIVE_WORDS = {"wounded", "injured", "dead", "deceased", "victims", "casualties", "them",
                   "those", "these", "dead", "killed", "martyred"}
SPEECH_VERBS = {"claim", "say", "state", "add", "announce", "tell", "assert", "boast"}


@dataclass
class FigureMention:
    """One number of people killed or injured, as one sentence states it."""

    kind: str  # KILLED, INJURED or ATTACKERS
    value: int
    qualifier: str | None
    head: Token  # the victims' head noun (or the number itself)
    claimed: bool  # stated inside an armed group's claim
    additive: bool  # 'also' and 'other': adds to figures already given
    sentence: Span


LOOSE_PHRASE_STARTS = {"lost", "embraced"}  # such phrases need only their first and last word: 'lost many lives'


@lru_cache(maxsize=1)
def kill_phrase_index() -> dict[str, list[tuple[int, list[str]]]]:
    """The multi-word casualty phrases by first word."""
    return by_first_word(lexicon().table("kill_phrases"))


def phrase_heads(sent: Span) -> list[tuple[Token, str]]:
    """Tokens that start a multi-word casualty phrase ('shot dead', 'sent to hell'), phrase by phrase."""
    low = [t.lower_ for t in sent]
    index = kill_phrase_index()
    found = []
    for i, word in enumerate(low):
        for n, words in index.get(word, ()):
            last = i + len(words) - 1
            if last < len(low) and (low[i:last + 1] == words or
                                    word in LOOSE_PHRASE_STARTS and low[last] == words[-1]):
                found.append((n, i))
    return [(sent[i], KILLED) for _, i in sorted(found)]


def predicates(sent: Span) -> list[tuple[Token, str]]:
    """Casualty predicates in a sentence with what they report (killed or injured)."""
    kill_verbs = lexicon().words("kill_verbs")
    injure_verbs = lexicon().words("injure_verbs")
    preds = []
    for t in sent:
        if t.pos_ in {"VERB", "AUX"} or t.tag_.startswith("VB"):
            if t.lemma_.lower() in kill_verbs:
                if t.lemma_.lower() == "claim" and not any(c.lower_ in {"lives", "life"} for c in t.subtree):
                    continue
                preds.append((t, KILLED))
            elif t.lemma_.lower() in injure_verbs:
                preds.append((t, INJURED))
        elif t.lower_ in {"death", "deaths", "fatalities", "casualties", "lives"} and t.pos_ == "NOUN":
            preds.append((t, KILLED))
        elif t.lower_ == "toll" and t.head.pos_ in {"VERB", "AUX"}:
            preds.append((t, KILLED))
        elif t.lower_ == "dead" and t.dep_ in {"oprd", "acomp", "amod"} and t.head.lemma_ in {"leave", "be"}:
            preds.append((t, KILLED))
        elif t.lower_ in {"injured", "wounded"} and t.dep_ in {"oprd", "acl"} and t.head.lemma_ == "leave":
            preds.append((t, INJURED))
    seen = {p.i for p, _ in preds}
    preds += [(t, k) for t, k in phrase_heads(sent) if t.i not in seen]
    return preds


def with_conjuncts(heads: list[Token]) -> list[Token]:
    """Heads plus the nouns coordinated with them ('two soldiers and a civilian')."""
    out = []
    for h in heads:
        out.append(h)
        out += [c for c in h.conjuncts if c.pos_ in {"NOUN", "PROPN", "NUM", "PRON"}]
    return out


def victim_heads(pred: Token) -> list[Token]:
    """The head nouns of the people a casualty predicate is about."""
    kids = list(pred.children)
    dep = lambda *names: [c for c in kids if c.dep_ in names]
    low = pred.lower_
    if low in {"death", "deaths", "lives", "life"}:
        return with_conjuncts([g for c in dep("prep") if c.lower_ == "of" for g in c.children
                               if g.dep_ == "pobj"])
    if low in {"fatalities", "casualties"}:
        return [pred]
    if low == "toll":
        verb = pred.head
        nums = [c for c in verb.subtree if c.like_num and c.i > pred.i]
        return nums[:1]
    if low == "dead" or (low in {"injured", "wounded"} and pred.dep_ in {"oprd", "acl"} and pred.head.lemma_ == "leave"):
        verb = pred.head
        if verb.lemma_ == "be":
            return [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
        return with_conjuncts([c for c in verb.children if c.dep_ == "dobj"])
    if pred.dep_ == "amod":
        return []  # 'four injured personnel were rushed to hospital' states no toll
    if pred.dep_ == "acl" and pred.head.pos_ in {"NOUN", "PROPN", "NUM"}:
        return with_conjuncts([pred.head])
    passive = dep("nsubjpass") or [c for c in kids if c.dep_ == "auxpass"]
    if passive:
        return with_conjuncts(dep("nsubjpass"))
    objects = dep("dobj")
    if objects and pred.lemma_ not in {"lose", "embrace"}:
        if objects[0].lower_ in {"lives", "life"}:
            return victim_heads(objects[0])
        return with_conjuncts(objects)
    subjects = dep("nsubj")
    if subjects:
        return with_conjuncts(subjects)
    if pred.dep_ == "conj":
        return victim_heads_shared(pred.head)
    return []


def victim_heads_shared(first: Token) -> list[Token]:
    """Subjects shared by coordinated verbs ('were killed and three injured')."""
    return with_conjuncts([c for c in first.children if c.dep_ in {"nsubjpass", "nsubj"}])


def line_break_between(a: Token, b: Token) -> bool:
    """Words on another line (a photo caption, a byline) are not the victims of a predicate."""
    lo, hi = sorted((a.i, b.i))
    return any("\n" in t.text for t in a.doc[lo:hi])


def partitive_of(num: Token) -> Token | None:
    """For 'two of the militants', the noun after 'of'; None when there is no 'of'."""
    for c in num.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs and objs[0].lower_ not in {"which", "whom"}:
                return objs[0]
    return None


def is_attacker(noun: Token) -> bool:
    nouns = lexicon().words("attacker_nouns")
    return noun.lemma_.lower() in nouns or noun.lower_ in nouns


def in_group_claim(pred: Token, group_tokens: set[int]) -> bool:
    """True when the predicate sits inside what an armed group says or claims."""
    node = pred
    while node.head.i != node.i:
        node = node.head
        if node.lemma_.lower() in SPEECH_VERBS and node.pos_ in {"VERB", "AUX"}:
            speakers = [c for c in node.children if c.dep_ in {"nsubj", "nsubjpass"}]
            if node.dep_ == "conj":
                speakers += [c for c in node.head.children if c.dep_ == "nsubj"]
            for s in speakers:
                words = {t.lower_ for t in s.subtree}
                if {t.i for t in s.subtree} & group_tokens:
                    return True  # 'TJP claimed ... and said its fighters had killed 20'
                if node.lemma_.lower() == "claim" and words & {"statement", "group", "militants", "it", "they"}:
                    return True  # 'The statement also claimed that 20 officers were killed'
    subtree = {t.lower_ for t in pred.subtree} | {t.lower_ for t in pred.head.subtree}
    return "its" in subtree and any(t.lower_ in {"fighters", "men", "mujahideen"} for t in pred.subtree)


def noun_chunks(sent: Span) -> Iterator[Span]:
    """The base noun phrases of one sentence, as `sent.noun_chunks` gives them (that reads the whole doc's)."""
    doc = sent.doc
    for start, end, label in doc.noun_chunks_iterator(sent):
        yield Span(doc, start, end, label=label)


def counted_subject(sent: Span, pred: Token) -> tuple[Token, tuple[int, str | None]] | None:
    """When the parse loses the subject ('Five attackers of which two were ... have been
    killed'), the first counted noun phrase of people before a passive predicate."""
    if not any(c.dep_ == "auxpass" for c in pred.children):
        return None
    people = lexicon().words("attacker_nouns") | {w for ws in lexicon().table("victim_nouns").values() for w in ws}
    for chunk in noun_chunks(sent):
        if chunk.start >= pred.i:
            break
        if chunk.root.lemma_.lower() in people or chunk.root.lower_ in people:
            counted = count_in(list(chunk), chunk.root)
            if counted is not None:
                return chunk.root, counted
    return None


def figures(sent: Span, group_tokens: set[int], preds: list[tuple[Token, str]] | None = None) -> list[FigureMention]:
    """Every stated casualty figure in one sentence; coordinated victims of one predicate of one
    kind add up ('five Levies personnel and a civilian' = 6). `preds`: the sentence's predicates."""
    out: list[FigureMention] = []
    for mentions in predicate_figures(sent, group_tokens, predicates(sent) if preds is None else preds):
        by_kind: dict[str, list[FigureMention]] = {}
        for f in mentions:
            by_kind.setdefault(f.kind, []).append(f)
        for same in by_kind.values():
            first = same[0]
            first.value = sum(f.value for f in same)
            out.append(first)
    return out


def predicate_figures(sent: Span, group_tokens: set[int], preds: list[tuple[Token, str]]) -> list[list[FigureMention]]:
    """Per casualty predicate of a sentence, a figure for each of its victim phrases."""
    out = []
    has_also = any(t.lower_ == "also" for t in sent)
    for pred, kind in preds:
        out.append([])
        for head in victim_heads(pred):
            if line_break_between(head, pred):
                continue
            if head.lower_ in PARTITIVE_WORDS and head.pos_ != "NUM":
                continue
            if head.head.lower_ in {"including", "among", "includes", "include"}:
                owner = head.head.head  # 'Six persons, including five engineers, killed': count the persons
                if owner.pos_ not in {"NOUN", "PROPN", "NUM"} or owner in victim_heads(pred):
                    continue
                head = owner
            noun = head
            if head.pos_ == "NUM" or head.like_num:
                part = partitive_of(head)
                if part is not None:
                    if part.lower_ in PARTITIVE_WORDS or not is_attacker(part):
                        continue  # 'two of the wounded': a part of another figure
                    noun = part
            span = list(head.subtree)
            left = [t for t in span if t.i <= head.i]
            counted = count_in(left, head) if not head.like_num else count_in([head], head)
            if counted is None:
                noun, counted = counted_subject(sent, pred) or (noun, None)
            if counted is None:
                continue
            value, qualifier = counted
            if noun.lower_ in {"among"}:
                continue
            category = kind
            if is_attacker(noun):
                if kind != KILLED:
                    continue
                category = ATTACKERS
            additive = has_also and any(t.lower_ in {"other", "another"} or t.dep_ == "det" and t.lower_ == "a"
                                        for t in left)
            out[-1].append(FigureMention(category, value, qualifier, noun, in_group_claim(pred, group_tokens),
                                         additive, sent))
    return out
