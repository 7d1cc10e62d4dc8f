"""The `conflictkg` command: ingest articles, query, export, validate."""
from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

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


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="Article files (.txt, .jsonl) or folders of them."),
           store: Optional[str] = StoreOption,
           published: Optional[str] = typer.Option(None, help="Publication date YYYY-MM-DD for plain-text "
                                                              "articles (overrides a date header)."),
           model: Optional[str] = typer.Option(None, help="spaCy pipeline to use instead of the English small one."),
           workers: int = typer.Option(1, help="Processes for spaCy."),
           batch_size: int = typer.Option(64, help="Articles per write batch.")):
    """Read articles, extract attacks, groups and places, and add them to the store."""
    from .ingest import check_all, ingest as run_ingest
    with user_errors():
        when = parse_date(published, "--published") if published else None
        total = check_all([str(p) for p in paths], when)
        with open_user_store(store) as st, Progress(
                TextColumn("[bold]ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("ingest", total=total)
            summary = run_ingest([str(p) for p in paths], st, published=when, model=model, batch_size=batch_size,
                                 n_process=workers, progress=lambda n: bar.advance(task, n))
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
           store: Optional[str] = StoreOption):
    """Write the graph as Turtle (default), TriG, N-Quads or JSON-LD."""
    from .vocab import ONTOLOGY_GRAPH
    with user_errors():
        with open_user_store(store, read_only=True) as st:
            exclude = set() if with_ontology else {ONTOLOGY_GRAPH}
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


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
