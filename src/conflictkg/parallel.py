"""Extraction in parallel: spaCy and the extraction rules run in worker processes or on a Dask cluster.

Only articles go out and `Extraction` dataclasses come back (spaCy Docs stay in the
workers), in the order the articles came in. At most a few batches are in flight at
once, so memory stays flat however many articles stream through. A worker pool or a
Dask client is made once per process and reused by later calls.
"""
from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

from .extract import extract_article
from .model import Article, Extraction
from .nlp import load_pipeline
from .nlp.dateline import blank_dateline

EXECUTORS = ("local", "dask")
BATCH_SIZE = 8  # articles per task: small enough to balance two workers, large enough for spaCy
IN_FLIGHT = 3  # tasks queued per worker
DASK_CONNECT_TIMEOUT = "10s"
ARTICLES_PER_WORKER = 50  # below this, starting a worker (about 2 s) costs more than it saves

_lock = threading.Lock()  # one parse at a time per process: a spaCy pipeline is not thread-safe
_pools: dict[tuple[str | None, int], ProcessPoolExecutor] = {}
_clients: dict[str, object] = {}


class ParallelError(Exception):
    """The workers or the cluster cannot do the work; the message is one line for people."""


def default_workers(articles: int | None = None) -> int:
    """The cores this process may run on; fewer for a few articles, where starting workers costs more."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return cores if articles is None else max(1, min(cores, articles // ARTICLES_PER_WORKER))


def extract_batch(articles: list[Article], model: str | None = None) -> list[Extraction]:
    """Parse and extract a batch of articles in this process."""
    nlp = load_pipeline(model)
    with _lock:
        docs = nlp.pipe(((blank_dateline(a.text), a) for a in articles), as_tuples=True, batch_size=len(articles) or 1)
        return [extract_article(doc, article) for doc, article in docs]


def extractions(articles: Iterable[Article], *, model: str | None = None, workers: int = 1,
                executor: str = "local", scheduler: str | None = None,
                batch_size: int | None = None) -> Iterator[Extraction]:
    """The extraction of every article, in order: in this process, a process pool, or a Dask cluster.

    `batch_size` is the number of articles per task sent to a worker (default BATCH_SIZE).
    """
    batch_size = batch_size or BATCH_SIZE
    if executor not in EXECUTORS:
        raise ParallelError(f"unknown executor {executor!r}; choose {' or '.join(EXECUTORS)}")
    if executor == "dask":
        submit, slots = _dask_submitter(scheduler, model)
    elif workers > 1:
        submit, slots = _pool_submitter(model, workers)
    else:
        yield from _in_process(articles, model, batch_size)
        return
    yield from _ordered(articles, submit, batch_size, slots * IN_FLIGHT)


def _in_process(articles: Iterable[Article], model: str | None, batch_size: int) -> Iterator[Extraction]:
    nlp = load_pipeline(model)
    for doc, article in nlp.pipe(((blank_dateline(a.text), a) for a in articles), as_tuples=True, batch_size=batch_size):
        yield extract_article(doc, article)


def _ordered(articles: Iterable[Article], submit: Callable[[list[Article]], Future], batch_size: int,
             in_flight: int) -> Iterator[Extraction]:
    """Submit batches, keeping at most `in_flight` pending, and yield their results in order."""
    pending: deque = deque()
    it = iter(articles)
    try:
        while True:
            while len(pending) < in_flight and (batch := list(islice(it, batch_size))):
                pending.append(submit(batch))
            if not pending:
                return
            yield from _result(pending.popleft())
    finally:
        for future in pending:
            future.cancel()


def _result(future) -> list[Extraction]:
    try:
        return future.result()
    except BrokenProcessPool:
        _shutdown_pools()
        raise ParallelError("a worker process died (out of memory, or a script that starts workers without "
                            "an `if __name__ == '__main__':` guard); run again to resume") from None


# --- local processes -------------------------------------------------------------------

def _pool_submitter(model: str | None, workers: int):
    key = (model, workers)
    pool = _pools.get(key)
    if pool is None:
        _shutdown_pools()  # one pool at a time
        # forkserver: workers start from a clean single-threaded process with spaCy imported
        context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload([__name__])
        pool = _pools[key] = ProcessPoolExecutor(workers, mp_context=context, initializer=load_pipeline,
                                                 initargs=(model,))
    return (lambda batch: pool.submit(extract_batch, batch, model)), workers


def _shutdown_pools() -> None:
    while _pools:
        _pools.popitem()[1].shutdown(wait=True, cancel_futures=True)


# --- Dask ------------------------------------------------------------------------------

def _dask_submitter(scheduler: str | None, model: str | None):
    if not scheduler:
        raise ParallelError("--executor dask needs --scheduler ADDRESS (for example tcp://10.0.0.5:8786)")
    client = _clients.get(scheduler)
    if client is None:
        try:
            from distributed import Client
        except ImportError:
            raise ParallelError("the Dask executor needs dask.distributed: pip install 'conflictkg[scale]'") from None
        try:
            client = _clients[scheduler] = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise ParallelError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    workers = max(len(client.scheduler_info().get("workers", {})), 1)
    # pure=False: two equal batches are still two tasks; the workers import conflictkg themselves
    return (lambda batch: client.submit(extract_batch, batch, model, pure=False)), workers


def _close_clients() -> None:
    while _clients:
        _clients.popitem()[1].close()


def close() -> None:
    """Stop the worker pool and disconnect from Dask schedulers."""
    _shutdown_pools()
    _close_clients()


atexit.register(close)
