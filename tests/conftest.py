"""Shared fixtures: the seed articles ingested once into a real on-disk store."""
from __future__ import annotations

from pathlib import Path

import pytest

from servers import oxigraph_server, virtuoso_server  # noqa: F401  (real SPARQL servers, per session)

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


@pytest.fixture(scope="session")
def reasoned_store_path(seeded_store_path, tmp_path_factory) -> Path:
    """A copy of the seeded store whose inferred graph `conflictkg reason` has written."""
    import shutil

    from conflictkg.reason import reason
    from conflictkg.store import open_store

    path = tmp_path_factory.mktemp("reasoned") / "store"
    shutil.copytree(seeded_store_path, path)
    with open_store(path) as store:
        reason(store)
    return path
