"""Shared fixtures: the seed articles ingested once into a real on-disk store."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seeded_store_path(tmp_path_factory) -> Path:
    """A store folder holding the five seed articles, ingested through the real pipeline."""
    from conflictkg.ingest import ingest
    from conflictkg.store import open_store

    path = tmp_path_factory.mktemp("seeded") / "store"
    with open_store(path) as store:
        ingest([str(SEEDS)], store)
    return path


@pytest.fixture()
def seeded_store(seeded_store_path):
    """The seeded store, opened read-only for one test."""
    from conflictkg.store import open_store

    with open_store(seeded_store_path, read_only=True) as store:
        yield store
