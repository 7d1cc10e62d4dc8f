"""Where the graph lives: an embedded on-disk store or a remote SPARQL 1.1 server, behind one interface."""
from __future__ import annotations

import os
from pathlib import Path

from conflictkg.store.base import (
    Batch,
    QueryError,
    SelectResult,
    Store,
    StoreError,
    Term,
    Triple,
    check_read_only,
    graph_kind,
)
from conflictkg.store.embedded import EmbeddedStore
from conflictkg.store.remote import RemoteStore

DEFAULT_LOCATION = Path("conflictkg-data")

__all__ = [
    "DEFAULT_LOCATION", "Batch", "EmbeddedStore", "QueryError", "RemoteStore", "SelectResult", "Store",
    "StoreError", "Term", "Triple", "check_read_only", "graph_kind", "open_store",
]


def open_store(
    location: str | Path | None = None,
    *,
    read_only: bool = False,
    update_url: str | None = None,
    store_url: str | None = None,
) -> Store:
    """Open the store at a folder (default ./conflictkg-data) or an http(s) SPARQL endpoint URL.

    For a URL, `update_url` and `store_url` (or the environment variables
    CONFLICTKG_UPDATE_URL and CONFLICTKG_GRAPH_STORE_URL) override the update and Graph
    Store endpoints derived from it (see `conflictkg.store.remote.endpoints`).
    """
    target = str(location) if location is not None else str(DEFAULT_LOCATION)
    if target.startswith(("http://", "https://")):
        update_url = update_url or os.environ.get("CONFLICTKG_UPDATE_URL") or None
        store_url = store_url or os.environ.get("CONFLICTKG_GRAPH_STORE_URL") or None
        return RemoteStore.from_url(target, update_url=update_url, store_url=store_url, read_only=read_only)
    return EmbeddedStore(Path(target), read_only=read_only)
