"""The `conflictkg` command: ingest articles, query, export, validate."""
from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                           TimeElapsedColumn)
from rich.table import Table
from rich.text import Text

from .articles import ArticleError, parse_date
from .nlp import ModelNotFound

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn news reports of militant attacks into an RDF knowledge graph.")
out = Console(width=None if sys.stdout.isatty() else 200)  # tables are not cut when piped
err = Console(stderr=True)
DEFAULT_STORE = "conflictkg-data"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
StoreOption = typer.Option(None, "--store", "-s", help="Store folder, or http(s) URL of a SPARQL endpoint "
                                                        f"(default: ./{DEFAULT_STORE}, or $CONFLICTKG_STORE).")


class UserError(Exception):
    """A problem the user can fix; printed as one line."""


def fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@contextmanager
def user_errors():
    """Turn every expected failure into one line on stderr and exit status 1."""
    from .store.base import StoreError
    try:
        yield
    except (ArticleError, StoreError, ModelNotFound, UserError) as e:
        fail(str(e))
    except KeyboardInterrupt:
        fail("interrupted; articles already written stay in the store")


def store_location(store: Optional[str]) -> str:
    return store or os.environ.get("CONFLICTKG_STORE") or DEFAULT_STORE


def open_user_store(store: Optional[str], read_only: bool = False):
    from .store import open_store
    location = store_location(store)
    if read_only and not location.startswith(("http://", "https://")) and not Path(location).exists():
        raise UserError(f"no store at {location}; run 'conflictkg ingest' first or pass --store")
    return open_store(location, read_only=read_only)


class RateColumn(ProgressColumn):
    """Articles per second, for the ingest progress bar."""

    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} articles/s" if speed else "", style="progress.data.speed")


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="Article files (.txt, .jsonl) or folders of them."),
           store: Optional[str] = StoreOption,
           published: Optional[str] = typer.Option(None, help="Publication date YYYY-MM-DD for plain-text "
                                                              "articles (overrides a date header)."),
           model: Optional[str] = typer.Option(None, help="spaCy pipeline to use instead of the English small one."),
           workers: Optional[int] = typer.Option(None, min=1, help="Extraction processes (default: all cores)."),
           executor: str = typer.Option("local", help="Where extraction runs: local processes, or dask."),
           scheduler: Optional[str] = typer.Option(None, help="Dask scheduler address, with --executor dask "
                                                              "(tcp://host:8786)."),
           batch_size: int = typer.Option(64, help="Articles per write batch.")):
    """Read articles, extract attacks, groups and places, and add them to the store."""
    from .ingest import check_all, ingest as run_ingest
    from .parallel import ParallelError, default_workers
    with user_errors():
        when = parse_date(published, "--published") if published else None
        total = check_all([str(p) for p in paths], when)
        with open_user_store(store) as st, Progress(
                TextColumn("[bold]ingesting"), BarColumn(), MofNCompleteColumn(), RateColumn(), TimeElapsedColumn(),
                console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("ingest", total=total)
            try:
                summary = run_ingest([str(p) for p in paths], st, published=when, model=model,
                                     batch_size=batch_size, workers=workers or default_workers(total),
                                     executor=executor, scheduler=scheduler,
                                     progress=lambda n: bar.advance(task, n))
            except ParallelError as e:
                raise UserError(str(e)) from None
        out.print(f"ingested {summary.articles} article(s), skipped {summary.skipped} unchanged; "
                  f"{summary.attacks} attack(s), {len(summary.groups)} group(s), {len(summary.places)} place(s); "
                  f"{summary.quads_after - summary.quads_before:+d} quads (now {summary.quads_after}) "
                  f"in {summary.seconds:.1f} s", highlight=False)


def print_rows(result, fmt: str) -> None:
    """A SELECT result as a table, CSV or JSON."""
    def cell(v):
        return "" if v is None else str(v)
    if fmt == "json":
        json.dump([{k: (None if v is None else str(v)) for k, v in row.items()} for row in result.rows],
                  sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(result.variables)
        for row in result.rows:
            w.writerow([cell(row.get(v)) for v in result.variables])
    else:
        table = Table(*result.variables, show_lines=False)
        for row in result.rows:
            table.add_row(*[cell(row.get(v)).replace("https://w3id.org/conflictkg/id/", "id:") for v in result.variables])
        out.print(table)
        out.print(f"{len(result.rows)} row(s)", style="dim")


@app.command()
def query(spec: Optional[str] = typer.Argument(None, help="A named query, a .rq file, or SPARQL text."),
          param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE, bound as an RDF term."),
          fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
          list_: bool = typer.Option(False, "--list", help="List the named queries."),
          store: Optional[str] = StoreOption):
    """Ask the store a read-only SPARQL question."""
    from .queries import list_queries, parse_params, resolve_query
    with user_errors():
        if list_:
            table = Table("name", "question", "parameters")
            for q in list_queries():
                table.add_row(q.name, q.description or q.title, ", ".join(p.name for p in q.params))
            out.print(table)
            return
        if not spec:
            raise UserError("give a query name, a .rq file or SPARQL text (see 'conflictkg query --list')")
        if fmt not in {"table", "csv", "json"}:
            raise UserError(f"unknown format '{fmt}'; choose table, csv or json")
        q = resolve_query(spec)
        text = q if isinstance(q, str) else q.text
        bindings = parse_params(param, q if not isinstance(q, str) else None)
        with open_user_store(store, read_only=True) as st:
            result = st.query(text, bindings)
        if isinstance(result, bool):
            out.print("yes" if result else "no")
        elif hasattr(result, "rows"):
            print_rows(result, fmt)
        else:
            sys.stdout.write(result.serialize(format="turtle"))


@app.command()
def export(output: Optional[Path] = typer.Option(None, "-o", "--output", help="File to write (default: stdout)."),
           fmt: str = typer.Option("turtle", "--format", "-f", help="turtle, trig, nquads, ntriples or jsonld."),
           with_ontology: bool = typer.Option(False, "--with-ontology", help="Include the ontology's triples."),
           infer: bool = typer.Option(False, "--infer", "--with-inferred",
                                      help="Run reasoning first (see 'conflictkg reason') and include the "
                                           "inferred graph; without it the inferred graph is left out."),
           store: Optional[str] = StoreOption):
    """Write the graph as Turtle (default), TriG, N-Quads or JSON-LD."""
    from .vocab import INFERRED_GRAPH, ONTOLOGY_GRAPH
    with user_errors():
        with open_user_store(store, read_only=not infer) as st:
            if infer:
                run_reasoning(st, hermit=True, quiet=True)
            exclude = set() if with_ontology else {ONTOLOGY_GRAPH}
            if not infer:
                exclude.add(INFERRED_GRAPH)
            if output is None:
                n = st.export(fmt, sys.stdout.buffer, exclude=exclude)
            else:
                tmp = output.with_name(output.name + ".part")
                try:
                    with open(tmp, "wb") as fh:
                        n = st.export(fmt, fh, exclude=exclude)
                    tmp.replace(output)
                except OSError as e:
                    raise UserError(f"cannot write {output}: {e.strerror}") from None
                finally:
                    tmp.unlink(missing_ok=True)
                err.print(f"wrote {n} statements to {output}", highlight=False)


@app.command()
def stats(store: Optional[str] = StoreOption):
    """Counts of articles, attacks, groups, places and quads in the store."""
    from .queries import load_query_text
    with user_errors(), open_user_store(store, read_only=True) as st:
        row = st.select(load_query_text("store-summary")).rows[0]
        table = Table("what", "count")
        for k in row:
            table.add_row(k, str(row[k]))
        for kind, d in sorted(st.stats().items()):
            table.add_row(f"{kind} graphs", f"{d['graphs']} ({d['quads']} quads)")
        out.print(table)


@app.command()
def validate(store: Optional[str] = StoreOption,
             owl: bool = typer.Option(True, help="Also check OWL consistency of groups and places with HermiT.")):
    """Check the stored graph against the SHACL shapes, and groups and places against the ontology."""
    from .validate import validate_store
    with user_errors(), open_user_store(store, read_only=True) as st:
        ok, lines = validate_store(st, owl=owl)
        for line in lines:
            out.print(line, highlight=False)
        if not ok:
            raise typer.Exit(1)


@app.command()
def demo(store: str = typer.Option("conflictkg-demo", "--store", "-s", help="Folder for the demo store "
                                                                         "(emptied first).")):
    """Ingest the seed articles into a fresh store and answer three example questions."""
    from .ingest import ingest as run_ingest
    from .queries import resolve_query
    from .store import open_store
    with user_errors():
        if not SEEDS.is_dir():
            raise UserError(f"the seed articles are not at {SEEDS}")
        if Path(store).exists():
            if not (Path(store) / "CURRENT").exists() and any(Path(store).iterdir()):
                raise UserError(f"{store} exists and is not a store; choose another --store")
            shutil.rmtree(store)
        with open_store(store) as st:
            summary = run_ingest([str(SEEDS)], st)
            out.print(f"ingested {summary.articles} seed articles: {summary.attacks} attacks, "
                      f"{len(summary.groups)} groups, {len(summary.places)} places\n", highlight=False)
            for name in ("deadliest-attacks", "attacks-by-group", "group-affiliates"):
                q = resolve_query(name)
                out.print(f"[bold]{q.title}[/]")
                from .queries import parse_params
                example = [f"{p.name}={p.example}" for p in q.params if p.example]
                print_rows(st.query(q.text, parse_params(example, q)), "table")
                out.print()


@app.command()
def remove(article: str = typer.Argument(..., help="Article id, file name or IRI."),
           store: Optional[str] = StoreOption):
    """Remove one article's graph and recompute the attacks it reported."""
    from .remove import remove_article
    with user_errors(), open_user_store(store) as st:
        r = remove_article(st, article)
        renamed = "".join(f"; attack {old} is now {new}" for old, new in r.renamed.items())
        out.print(f"removed {r.article}: {r.quads_removed} quads, {len(r.attacks)} attack(s) recomputed{renamed}",
                  highlight=False)


@app.command()
def explain(attack: str = typer.Argument(..., help="Attack IRI, id:attack/KEY or KEY."),
            store: Optional[str] = StoreOption):
    """Which articles were merged into an attack, with their figures and the evidence for merging."""
    from .explain import explain_attack
    with user_errors(), open_user_store(store, read_only=True) as st:
        for line in explain_attack(st, attack):
            out.print(line, highlight=False)


@app.command()
def evaluate(gold: list[Path] = typer.Argument(..., help="Gold folders (holding gold/*.json or the JSON files)."),
             articles: list[Path] = typer.Option([], "--articles", "-a",
                                                 help="Articles to ingest (default: each gold folder's articles/)."),
             scorer: Optional[Path] = typer.Option(None, help="The acceptance scorer (default: score.py beside "
                                                               "the gold folders)."),
             model: Optional[str] = typer.Option(None, help="spaCy pipeline to use.")):
    """Ingest articles into a fresh store, export it and print the scorer's per-slot figures."""
    from .evaluate import EvaluationError, default_articles, evaluate as run_evaluation
    with user_errors():
        try:
            result = run_evaluation(gold, articles or default_articles(gold), scorer=scorer, model=model)
        except EvaluationError as e:
            raise UserError(str(e)) from None
        out.print(result.report, highlight=False)


@app.command()
def serve(store: Optional[str] = StoreOption,
          host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback by default; there is no "
                                                     "authentication)."),
          port: int = typer.Option(7878, help="Port to listen on (0: any free port)."),
          writable: bool = typer.Option(False, "--writable", help="Also accept SPARQL Update at /update.")):
    """Serve the store as a SPARQL 1.1 endpoint at /query, read-only unless --writable."""
    from .serve import serve as run_server
    with user_errors():
        location = store_location(store)
        if location.startswith(("http://", "https://")):
            raise UserError("serve exposes an embedded store folder; a SPARQL server is already an endpoint")
        if host not in ("127.0.0.1", "localhost", "::1"):
            err.print(f"warning: listening on {host}; anyone who can reach it can query the store", highlight=False)

        def ready(url: str) -> None:
            mode = "read-write" if writable else "read-only"
            out.print(f"SPARQL endpoint at {url}/query ({mode}); press Ctrl-C to stop", highlight=False)
            sys.stdout.flush()

        with open_user_store(store, read_only=not writable) as st:
            try:
                run_server(st, host, port, writable=writable, ready=ready)
            except OSError as e:
                raise UserError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
            except KeyboardInterrupt:
                err.print("stopped", highlight=False)


def run_reasoning(st, hermit: bool, quiet: bool = False):
    """Reason over the store and report; an inconsistency is printed with its nodes and exits 1."""
    from .ontology import ReasonerError
    from .reason import reason as run_reason
    try:
        summary = run_reason(st, hermit=hermit)
    except ReasonerError as e:
        raise UserError(f"{e} (or run without HermiT: --no-hermit)") from None
    if not summary.consistent:
        err.print(f"[bold red]error:[/] {summary.message}", highlight=False, soft_wrap=True)
        for node in summary.inconsistent_nodes:
            err.print(f"  offending node: {node}", highlight=False, soft_wrap=True)
        err.print("nothing was written; fix the data (or the gazetteer) and run again", highlight=False)
        raise typer.Exit(1)
    console = err if quiet else out
    if summary.hermit_individuals:
        how = "" if summary.hermit_property_values else " (consistency only: too many for property values)"
        console.print(f"HermiT: {summary.message} ({summary.hermit_individuals} groups, places and relations, "
                      f"{summary.hermit_seconds:.1f} s){how}", highlight=False)
    console.print(f"inferred {summary.inferred} triple(s) from {summary.asserted} into the inferred graph "
                  f"in {summary.seconds:.1f} s", highlight=False)
    if not quiet and summary.by_predicate:
        table = Table("property", "inferred")
        for name, count in summary.by_predicate.items():
            table.add_row(name, str(count))
        out.print(table)
    return summary


@app.command()
def reason(store: Optional[str] = StoreOption,
           hermit: bool = typer.Option(True, help="Check groups and places with HermiT (needs Java) first.")):
    """Materialise what the ontology implies (symmetric alliances, transitive locatedIn, super-properties,
    class memberships) into the inferred graph; report inconsistencies with the nodes involved."""
    with user_errors(), open_user_store(store) as st:
        run_reasoning(st, hermit=hermit)


@app.command()
def groups(name: Optional[str] = typer.Argument(None, help="A group's name, alias or IRI: show its family."),
           store: Optional[str] = StoreOption,
           offshoots: bool = typer.Option(False, "--offshoots", help="Only splinters and affiliates of the group, "
                                                                     "and theirs (default: every relation, both ways)."),
           export_to: list[Path] = typer.Option([], "--export", "-o", help="Write the network to FILE.graphml, "
                                                                          ".gexf or .json (repeatable)."),
           attacks: bool = typer.Option(False, "--attacks", help="Export the group-attack-place graph instead."),
           picture: Optional[Path] = typer.Option(None, "--picture", help="Draw the group network to a PNG file."),
           page: Optional[Path] = typer.Option(None, "--html", help="Write an interactive HTML view.")):
    """The network of armed groups: centrality, a group's family and its attacks, and exports for Gephi."""
    from . import network
    with user_errors(), open_user_store(store, read_only=True) as st:
        graph = network.group_graph(st)
        attack_graph = network.attack_graph(st)
    with user_errors():
        if name is None:
            table = Table("group", "attacks", "killed", "links", "centrality", "betweenness")
            for row in network.centrality(graph, attack_graph):
                table.add_row(row["label"], str(row["attacks"]), str(row["killed"]), str(row["links"]),
                              f"{row['centrality']:.3f}", f"{row['betweenness']:.3f}")
            out.print(table)
        else:
            try:
                kin = network.family(graph, name, offshoots_only=offshoots)
            except network.GroupNotFound as e:
                raise UserError(f"{e}; run 'conflictkg groups' to list them") from None
            table = Table("group", "steps", "how", "sources of the last step")
            for k in kin:
                sources = _edge_sources(graph, *k.path[-2:]) if k.distance else []
                table.add_row(k.label, str(k.distance), k.how or "(the group itself)", "\n".join(sources))
            out.print(table)
            rows = network.family_attacks(attack_graph, graph, name, offshoots_only=offshoots)
            table = Table("attack", "date", "place", "killed", "claimed by", "how")
            for r in rows:
                table.add_row(r["label"], r["date"], r["place"], "" if r["killed"] is None else str(r["killed"]),
                              r["group"], r["how"])
            out.print(table)
        for path in export_to:
            try:
                network.export_graph(attack_graph if attacks else graph, path)
            except ValueError as e:
                raise UserError(str(e)) from None
            except OSError as e:
                raise UserError(f"cannot write {path}: {e.strerror}") from None
            err.print(f"wrote {path}", highlight=False)
        if picture or page:
            try:
                from . import draw
            except ImportError as e:
                raise UserError(f"pictures need the notebook extras (pip install 'conflictkg[notebook]'): {e}") from None
            if picture:
                draw.draw_group_network(graph, picture)
                err.print(f"wrote {picture}", highlight=False)
            if page:
                draw.group_network_html(graph, page)
                err.print(f"wrote {page}", highlight=False)


def _edge_sources(graph, a: str, b: str) -> list[str]:
    """The sources of every relation between two groups, either way."""
    found = []
    for u, v in ((a, b), (b, a)):
        for data in (graph.get_edge_data(u, v) or {}).values():
            found += data.get("sources", [])
    return found


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
