"""Extraction in worker processes: the same graph as one process, in order, reading ahead only a little."""
from __future__ import annotations

import pickle
from itertools import count

import pytest

from conflictkg import parallel
from conflictkg.articles import read_articles
from conflictkg.ingest import ingest
from conflictkg.model import Article
from conflictkg.parallel import ParallelError, extractions
from conflictkg.store import open_store
from conftest import SEEDS
from graphs import assert_same_graph


@pytest.fixture(scope="module")
def articles():
    return list(read_articles([str(SEEDS)], None))


def test_extractions_are_plain_data_that_pickle(articles):
    [first] = extractions(articles[:1])
    assert pickle.loads(pickle.dumps(first)) == first


def test_two_workers_extract_what_one_does_in_the_same_order(articles):
    one = list(extractions(articles, workers=1))
    two = list(extractions(articles, workers=2, batch_size=1))  # one article per task: both workers work
    assert [ex.article.id for ex in two] == [a.id for a in articles]
    assert two == one


def test_ingest_with_two_workers_builds_the_same_graph(tmp_path, seeded_store, monkeypatch):
    monkeypatch.setattr(parallel, "BATCH_SIZE", 2)
    with open_store(tmp_path / "two") as store:
        summary = ingest([str(SEEDS)], store, workers=2, batch_size=3)  # several write batches too
        assert summary.articles == 5
        assert_same_graph(store, seeded_store)
        again = ingest([str(SEEDS)], store, workers=2)
        assert (again.articles, again.skipped) == (0, 5)  # resumable: stored articles are skipped


def test_workers_read_only_a_few_batches_ahead(monkeypatch):
    """Memory stays flat: a long stream is consumed as results are taken, not read all at once."""
    read = count()

    def stream():
        for n in range(10_000):
            next(read)
            yield Article(id=f"a{n}", text="text")

    class Done:
        def __init__(self, batch):
            self.batch = batch

        def result(self):
            return [f"extraction of {a.id}" for a in self.batch]

        def cancel(self):
            pass

    results = parallel._ordered(stream(), Done, batch_size=8, in_flight=4)
    assert [next(results) for _ in range(3)] == ["extraction of a0", "extraction of a1", "extraction of a2"]
    assert next(read) <= 8 * 4 + 1


def test_a_wrong_executor_says_what_to_choose(articles):
    with pytest.raises(ParallelError, match="local or dask"):
        list(extractions(articles, executor="spark"))
    with pytest.raises(ParallelError, match="--scheduler"):
        list(extractions(articles, executor="dask"))


class Interrupted(Exception):
    """Stands for the user pressing Ctrl-C part-way through an ingest."""


def test_an_interrupted_ingest_keeps_its_batches_and_resumes(tmp_path, seeded_store):
    def stop_after_first_batch(n):
        raise Interrupted

    with open_store(tmp_path / "store") as store:
        with pytest.raises(Interrupted):
            ingest([str(SEEDS)], store, batch_size=2, progress=stop_after_first_batch)
        kept = store.select("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ckg:Article }")[0]["n"]
        assert int(kept) == 2  # the first batch was committed before the interruption
        resumed = ingest([str(SEEDS)], store, batch_size=2)
        assert (resumed.articles, resumed.skipped) == (3, 2)
        assert_same_graph(store, seeded_store)
