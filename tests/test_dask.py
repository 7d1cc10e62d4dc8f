"""Extraction on a Dask cluster (a LocalCluster with two worker processes), store writes in the driver."""
from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install 'conflictkg[scale]')")

from conflictkg import parallel  # noqa: E402
from conflictkg.ingest import ingest  # noqa: E402
from conflictkg.store import open_store  # noqa: E402
from conftest import SEEDS  # noqa: E402
from graphs import assert_same_graph, nquads  # noqa: E402


@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address
        parallel.close()  # disconnect before the cluster goes


def test_dask_ingest_builds_the_single_process_graph(scheduler, tmp_path, seeded_store, monkeypatch):
    monkeypatch.setattr(parallel, "BATCH_SIZE", 1)  # one article per task: both workers work
    with open_store(tmp_path / "dask") as store:
        summary = ingest([str(SEEDS)], store, executor="dask", scheduler=scheduler)
        assert summary.articles == 5
        assert_same_graph(store, seeded_store)


def test_the_command_runs_extraction_on_the_cluster(scheduler, tmp_path, seeded_store):
    result = subprocess.run([sys.executable, "-m", "conflictkg", "ingest", str(SEEDS), "--store", str(tmp_path / "s"),
                             "--executor", "dask", "--scheduler", scheduler],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "ingested 5 article(s)" in result.stdout
    with open_store(tmp_path / "s", read_only=True) as store:
        assert nquads(store) == nquads(seeded_store)


def test_an_unreachable_scheduler_gives_one_line(tmp_path, monkeypatch):
    from servers import free_port
    monkeypatch.setattr(parallel, "DASK_CONNECT_TIMEOUT", "1s")
    with open_store(tmp_path / "s") as store, pytest.raises(parallel.ParallelError) as caught:
        ingest([str(SEEDS)], store, executor="dask", scheduler=f"tcp://127.0.0.1:{free_port()}")
    assert "cannot reach the Dask scheduler" in str(caught.value) and "\n" not in str(caught.value)
