"""Named people: victims of an attack (name without rank) and others the article names."""
from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span, Token

from ..model import Person
from ..nlp.pipeline import GROUP_LABEL, PLACE_LABEL
from .casualties import KILLED, INJURED, is_attacker, line_break_between, predicates, victim_heads
from .lexicon import lexicon

NOT_NAME = {"police", "officer", "officers", "the", "a", "an", "and", "others", "other", "people",
            "militants", "personnel", "soldiers", "policemen", "security", "forces", "two", "three"}


@lru_cache(maxsize=1)
def rank_words() -> list[list[str]]:
    """The words of each rank title, titles of more words first."""
    return sorted((r.split() for r in lexicon().table("rank_titles")), key=lambda words: -len(words))


def split_rank(words: list[str]) -> tuple[str | None, list[str]]:
    """Split leading rank or title words off a name: ['Head', 'Constable', 'Haroon'] -> rank, ['Haroon']."""
    taken: list[str] = []
    rest = list(words)
    changed = True
    while changed and len(rest) > 1:
        changed = False
        plain = [w.lower().strip(".") for w in rest]
        for rank in rank_words():
            n = len(rank)
            if n < len(rest) and plain[:n] == rank:
                taken += rest[:n]
                rest = rest[n:]
                changed = True
                break
    return (" ".join(taken) or None), rest


def name_tokens(head: Token) -> list[Token]:
    """The capitalised words of a name around its head ('Head Constable Haroon')."""
    toks = [t for t in head.subtree if t.i <= head.i and t.dep_ in {"compound", "flat", "nmod", "amod"}
            or t.i == head.i]
    toks = sorted(toks, key=lambda t: t.i)
    # keep the contiguous run ending at the head
    run = []
    for t in reversed(toks):
        if run and run[0].i - t.i != 1:
            break
        run.insert(0, t)
    pos = [k for k, t in enumerate(run) if t.tag_ == "POS"]
    if pos:  # "Mastung's DSP Nawaz Gishkori": the owner is not part of the name
        run = run[pos[-1] + 1:]
    while run and run[0].ent_type_ in {PLACE_LABEL, "GPE"}:
        run = run[1:]
    return run


def speaks(last: Token) -> bool:
    """The name is the speaker of a quote ('..., district police chief Mian Dad Umrani said')."""
    nxt = last.doc[last.i + 1] if last.i + 1 < len(last.doc) else None
    return nxt is not None and nxt.lemma_ in {"say", "tell", "add", "confirm", "state", "report"}


def person_from(head: Token) -> Person | None:
    """A Person for a name head, or None when the words are not a name."""
    if head.ent_type_ in {GROUP_LABEL, PLACE_LABEL, "DATE", "CARDINAL", "TIME"}:
        return None
    toks = name_tokens(head)
    if not toks or not head.is_title or head.lower_ in NOT_NAME or speaks(head):
        return None
    if head.i + 1 < len(head.doc) and head.doc[head.i + 1].text == ":":
        return None  # a label such as 'Share:' or a dateline
    rank, rest = split_rank([t.text for t in toks])
    lower_ranks = {r for r in lexicon().table("rank_titles")}
    rest = [w for w in rest if w.lower() not in lower_ranks or w[0].isupper() and len(rest) == 1]
    if not rest or any(not w[:1].isupper() for w in rest):
        return None
    if len(rest) == 1 and rest[0].lower() in lower_ranks:
        return None
    return Person(" ".join(rest), rank)


def appositive_names(head: Token) -> list[Token]:
    """Names in apposition: "the mosque's Imam, Sahibzada Noor Ul Amin"."""
    return [c for c in head.children if c.dep_ == "appos" and c.is_title]


def identified_names(sent: Span) -> list[Token]:
    """Names after 'identified as' when the sentence speaks of victims, not attackers."""
    out = []
    for t in sent:
        if t.lower_ == "identified":
            subj = [c for c in t.children if c.dep_ in {"nsubjpass", "nsubj"}]
            words = {w.lower_ for s in subj for w in s.subtree}
            if words & {"militants", "attackers", "terrorists", "bodies", "bombers", "they", "assailants"}:
                continue
            for c in t.children:
                if c.lower_ == "as":
                    for p in c.children:
                        if p.dep_ == "pobj":
                            out += [p, *p.conjuncts]
    return out


def victim_span(pred: Token, heads: list[Token]) -> list[Token]:
    """The words naming a predicate's victims: before it ('ASI Ilm Din, ... were martyred')
    or after it ('the death of the mosque's Imam, Sahibzada Noor Ul Amin')."""
    doc = pred.doc
    before = [h for h in heads if h.i < pred.i]
    if before:
        words = list(doc[min(h.left_edge.i for h in before):pred.i])
        breaks = [k for k, t in enumerate(words) if t.is_space or t.text in {"—", "–", "/", ":"}]
        return words[breaks[-1] + 1:] if breaks else words
    if not heads:
        return []
    end = max(h.right_edge.i for h in heads) + 1
    out = list(doc[min(h.left_edge.i for h in heads):end])
    if end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].is_title:  # 'Imam, Sahibzada Noor Ul Amin'
        for t in doc[end:pred.sent.end]:
            if not (t.is_title or t.text == ","):
                break
            out.append(t)
    return out


def names_in_list(tokens: list[Token]) -> list[Person]:
    """People in a list such as 'ASI Ilm Din, LHC Parvez Khan, and constables Ali Usman, Dil Jan'."""
    out, segment = [], []
    for t in tokens + [None]:
        if t is None or t.text in {",", ";"} or t.lower_ == "and":
            words = [w for w in segment if w.tag_ != "POS" and not w.is_punct and not w.is_space]
            while words and (words[0].is_lower or words[0].lower_ in {"the", "a", "an"}):
                words = words[1:]  # 'constables', 'the'
            if words and all(w.is_title or w.is_upper for w in words) and \
                    not any(w.ent_type_ in {GROUP_LABEL, PLACE_LABEL, "DATE", "CARDINAL"} for w in words):
                if speaks(words[-1]):
                    segment = []
                    continue
                rank, rest = split_rank([w.text for w in words])
                if rank:  # as written: 'Sub-Inspector', not 'Sub Inspector'
                    rank = words[0].doc[words[0].i:words[len(words) - len(rest) - 1].i + 1].text
                lead = [w.text for w in segment if w.is_lower and w.lower_ not in {"the", "a", "an", "and"}]
                if rest and rest[0].lower() not in NOT_NAME and not (len(rest) == 1 and rest[0].lower() in
                                                                      lexicon().table("rank_titles")):
                    out.append(Person(" ".join(rest), rank or (" ".join(lead) or None)))
            segment = []
        else:
            segment.append(t)
    return out


def victims_in(sent: Span, preds: list[tuple[Token, str]] | None = None) -> list[Person]:
    """Named people killed or injured in a sentence, rank removed; `preds`: its casualty predicates."""
    heads, people = [], []
    for pred, kind in predicates(sent) if preds is None else preds:
        if kind not in {KILLED, INJURED}:
            continue
        victims = [h for h in victim_heads(pred) if not is_attacker(h) and not line_break_between(h, pred)]
        heads += victims
        for h in victims:
            heads += appositive_names(h)
        people += names_in_list(victim_span(pred, victims))
    heads += identified_names(sent)
    found = [p for p in people + [person_from(h) for h in heads] if p]
    out, seen = [], set()
    for p in found:  # the fullest form of each name: 'Gul Zaman' rather than 'Zaman'
        key = p.name.lower()
        if key in seen or any(key != q.name.lower() and f" {key} " in f" {q.name.lower()} " for q in found):
            continue
        seen.add(key)
        out.append(p)
    return out


def people_named(doc, victims: set[str]) -> list[Person]:
    """People named in the article who are not victims (officials quoted, spokesmen)."""
    out, seen = [], set(victims)
    for ent in doc.ents:
        if ent.label_ != "PERSON" or len(ent) > 5:
            continue
        rank, rest = split_rank([t.text for t in ent])
        name = " ".join(rest)
        if name and name.lower() not in seen and name[0].isupper():
            seen.add(name.lower())
            out.append(Person(name, rank))
    return out
