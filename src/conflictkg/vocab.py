"""Namespaces, IRIs of resources and named graphs: the one place IRIs are minted.

IRIs depend only on stable keys (registry keys of groups and places, article ids,
normalised names), never on which alias an article used, so re-ingesting is a no-op.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import Namespace, URIRef

CKG = Namespace("https://w3id.org/conflictkg/ontology#")
ID = Namespace("https://w3id.org/conflictkg/id/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
WD = Namespace("http://www.wikidata.org/entity/")
GEONAMES = Namespace("https://sws.geonames.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")

ONTOLOGY_GRAPH = ID["graph/ontology"]
REGISTRY_GRAPH = ID["graph/registry"]  # every group and place named, described once (gazetteer or article)
CANONICAL_GRAPH = ID["graph/canonical"]  # figures computed over all reports of an attack
INFERRED_GRAPH = ID["graph/inferred"]
REGISTRY_AGENT = ID["registry"]  # the group registry, as the agent registry relations are attributed to


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: 'Dera Ismail Khan' -> 'dera-ismail-khan'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def short_hash(*parts: str, length: int = 12) -> str:
    """A short stable hash of some strings, for IRIs that have no natural key."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def article_iri(article_id: str) -> URIRef:
    return ID[f"article/{slug(article_id)}"]


def article_graph(article_id: str) -> URIRef:
    """The named graph that holds everything read from one article."""
    return ID[f"graph/article/{slug(article_id)}"]


def group_iri(key: str) -> URIRef:
    return ID[f"group/{key}"]


def place_iri(key: str) -> URIRef:
    return ID[f"place/{key}"]


def person_iri(name: str) -> URIRef:
    return ID[f"person/{slug(name)}"]


def attack_iri(key: str) -> URIRef:
    return ID[f"attack/{key}"]


def report_iri(attack_key: str, article_id: str) -> URIRef:
    return ID[f"report/{attack_key}/{slug(article_id)}"]


def evidence_iri(article_id: str, start: int, end: int) -> URIRef:
    return ID[f"evidence/{slug(article_id)}/{start}-{end}"]


def relation_iri(subject: str, relation: str, obj: str) -> URIRef:
    """A documented relation between two groups, by the groups' IRIs and the relation's name."""
    return ID[f"relation/{short_hash(subject, relation, obj)}"]
