"""Extraction: a parsed article in, plain dataclasses out (no RDF here)."""
from __future__ import annotations

import re

from spacy.tokens import Doc

from ..model import Article, Attack, Claim, Extraction, GroupMention, GroupRelation, GroupRef
from .groups import aliases, claimants, find_groups, ref_id, relations_in, suspects
from .incidents import Incident, segment
from .people import people_named, victims_in
from .places import find_places
from .slots import build_attack, evidence


def group_slots(attack: Attack, incident: Incident, groups, claimed_killed: int | None) -> None:
    """Who claimed the incident and who is blamed for it; a claimant is not also a suspect."""
    claims: dict[str, Claim] = {}
    suspected: dict[str, GroupRef] = {}
    for info in incident.sentences:
        if info.kind == "general":
            continue
        sing, plur, verbs = info.attack_words
        attack_word = bool(sing or verbs or info.anaphoric)
        for g in claimants(info.sent, groups, attack_word):
            claims.setdefault(ref_id(g.ref), Claim(g.ref, evidence(info.sent)))
        if info.kind == "event":
            # 'suspicion ... on the ISIS regional affiliate known as ISIS-K': the parent is not blamed
            parents = {ref_id(p.ref) for _, rel, p in relations_in(info.sent, groups) if rel == "affiliateOf"}
            for g in suspects(info.sent, groups):
                if ref_id(g.ref) not in parents:
                    suspected.setdefault(ref_id(g.ref), g.ref)
    for claim in claims.values():
        claim.claimed_killed = claimed_killed
    attack.claims = list(claims.values())
    attack.suspects = [r for k, r in suspected.items() if k not in claims]


ALL_INCIDENTS = re.compile(r"\b(both|all( the)?|the twin|the two|the three)\s+(attacks|blasts|bombings|explosions|assaults)\b",
                           re.I)


def claims_for_all(doc: Doc, groups, attacks: list[Attack]) -> None:
    """'X claimed responsibility for both attacks': the claim holds for every incident reported."""
    if len(attacks) < 2:
        return
    for sent in doc.sents:
        if ALL_INCIDENTS.search(sent.text):
            for g in claimants(sent, groups, True):
                for attack in attacks:
                    if all(ref_id(c.group) != ref_id(g.ref) for c in attack.claims):
                        attack.claims.append(Claim(g.ref, evidence(sent)))
                    attack.suspects = [s for s in attack.suspects if ref_id(s) != ref_id(g.ref)]


def extract_article(doc: Doc, article: Article) -> Extraction:
    """Every attack, group, relation and person the article reports."""
    groups = find_groups(doc)
    group_tokens = {i for g in groups for i in range(g.start, g.end)}
    places = find_places(doc)
    incidents = segment(doc, group_tokens, places, article.published)
    attacks = []
    for incident in incidents:
        attack, _place, claimed_killed = build_attack(incident)
        group_slots(attack, incident, groups, claimed_killed)
        seen = set()
        for info in incident.sentences:
            if info.kind == "event":
                for p in victims_in(info.sent, info.predicates):
                    if p.name.lower() not in seen:
                        seen.add(p.name.lower())
                        attack.victims.append(p)
        attacks.append(attack)
    claims_for_all(doc, groups, attacks)
    names = aliases(doc, groups)
    mentions = {}
    for g in groups:
        mentions.setdefault(ref_id(g.ref), GroupMention(g.ref, set()))
    for k, m in mentions.items():
        m.names = names.get(k, set())
    relations = []
    for sent in doc.sents:
        for child, rel, parent in relations_in(sent, groups):
            relations.append(GroupRelation(child.ref, rel, parent.ref, evidence(sent)))
    victims = {p.name.lower() for a in attacks for p in a.victims}
    return Extraction(article, attacks, list(mentions.values()), relations, people_named(doc, victims))
