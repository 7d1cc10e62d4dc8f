"""Scoring extraction against gold annotations: ingest, export TriG, run the acceptance scorer.

The scorer is the project's shared acceptance script (score.py beside the gold folders);
this module only wires the steps together so one command gives the per-slot table.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .ingest import ingest
from .store import open_store
from .vocab import ONTOLOGY_GRAPH


class EvaluationError(Exception):
    """Gold folders, articles or the scorer cannot be found; one line for the user."""


@dataclass
class Evaluation:
    scores: dict  # primary_f1, background_recall, coref_f1, relations_f1, alias_recall
    report: str  # the scorer's printed table
    details: dict  # everything the scorer measured


def find_scorer(gold_dirs: list[Path]) -> Path:
    """score.py next to a gold folder (gold/.. or gold/../..)."""
    for d in gold_dirs:
        for cand in (d / "score.py", d.parent / "score.py", d.parent.parent / "score.py"):
            if cand.is_file():
                return cand
    raise EvaluationError("cannot find score.py beside the gold folders; pass --scorer")


def default_articles(gold_dirs: list[Path]) -> list[Path]:
    """The articles/ folder of each gold folder that has one."""
    return [d / "articles" for d in gold_dirs if (d / "articles").is_dir()]


def evaluate(gold_dirs: list[Path], articles: list[Path], *, scorer: Path | None = None,
             work: Path | None = None, model: str | None = None) -> Evaluation:
    """Ingest the articles into a fresh store, export it as TriG and score it against the gold folders."""
    for d in gold_dirs:
        if not d.is_dir():
            raise EvaluationError(f"{d}: no such gold folder")
    if not articles:
        raise EvaluationError("no articles to ingest: pass --articles or use gold folders with articles/")
    scorer = scorer or find_scorer(gold_dirs)
    with tempfile.TemporaryDirectory() as tmp:
        base = work or Path(tmp)
        store_path, graph = base / "store", base / "graph.trig"
        with open_store(store_path) as store:
            ingest([str(a) for a in articles], store, model=model)
            with open(graph, "wb") as fh:
                store.export("trig", fh, exclude={ONTOLOGY_GRAPH})
        out_json = base / "score.json"
        run = subprocess.run([sys.executable, str(scorer), str(graph), *map(str, gold_dirs), "--json", str(out_json)],
                             capture_output=True, text=True)
        if run.returncode not in (0, 1) or not out_json.exists():
            raise EvaluationError(f"the scorer failed: {(run.stderr or run.stdout).strip().splitlines()[-1:]}")
        details = json.loads(out_json.read_text(encoding="utf-8"))
    return Evaluation(details["score"], run.stdout, details)
