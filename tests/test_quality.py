"""Extraction quality on the shared gold files, through the acceptance scorer.

Thresholds are the project's bars; a change that lowers quality fails here.
"""
from __future__ import annotations

import pytest

from conftest import SEEDS, SHARED

EVAL = SHARED / "eval"
pytestmark = pytest.mark.skipif(not (EVAL / "score.py").exists(), reason="the shared gold files are not here")


@pytest.fixture(scope="module")
def seeds_and_dev(tmp_path_factory):
    """The seeds alone, the development set alone, and both in one store scored against both
    gold folders (relations are scored over the whole graph, so each set is also scored alone)."""
    from conflictkg.evaluate import evaluate
    dev = EVAL / "dev" / "articles"
    runs = {"seeds": ([EVAL / "seeds"], [SEEDS]), "dev": ([EVAL / "dev"], [dev]),
            "both": ([EVAL / "seeds", EVAL / "dev"], [SEEDS, dev])}
    return {name: evaluate(gold, articles, work=tmp_path_factory.mktemp(name))
            for name, (gold, articles) in runs.items()}


def test_seed_quality(seeds_and_dev):
    s = seeds_and_dev["seeds"].scores
    assert s["primary_f1"] >= 0.90 and s["background_recall"] >= 0.8
    assert s["relations_f1"] >= 0.9 and s["alias_recall"] >= 0.9


@pytest.mark.parametrize("run", ["dev", "both"])
def test_development_set_quality(seeds_and_dev, run):
    s = seeds_and_dev[run].scores
    assert s["primary_f1"] >= 0.75 and s["background_recall"] >= 0.6 and s["relations_f1"] >= 0.7


def test_report_names_every_slot(seeds_and_dev):
    report = seeds_and_dev["both"].report
    for slot in ("date", "place", "killed", "attack_types", "claimed_by", "named_victims", "SCORE"):
        assert slot in report


def test_one_node_per_incident_across_both_sets(seeds_and_dev):
    """Reports of one incident in the seeds and the development set share one attack node."""
    assert seeds_and_dev["both"].scores["coref_f1"] == 1.0
