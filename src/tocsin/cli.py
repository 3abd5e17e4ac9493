"""The `tocsin` command: a thin layer over tocsin.api."""

from __future__ import annotations

import itertools
import json
import os
import sys
from typing import Annotated

import typer

from tocsin.cliutil import parse_day as _date
from tocsin.model import InputError, error_json

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Conflict reporting in, evidence-linked event data out.")




@app.command()
def extract(
    paths: Annotated[list[str] | None, typer.Argument(help="files, or - for stdin")] = None,
    published: Annotated[str | None, typer.Option(help="publication date YYYY-MM-DD")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="json or jsonl")] = None,
    include_text: Annotated[bool, typer.Option("--include-text")] = False,
    model: Annotated[str | None, typer.Option(help="spaCy model name")] = None,
    coder: Annotated[str | None, typer.Option(
        help="who decides the events: default (the packaged model), rules, llm (a "
             "TOCSIN_LLM_URL chat model at the same seam) or llm-document (the chat model "
             "writes the whole JSON); default: $TOCSIN_CODER")] = None,
    doc_timeout: Annotated[float, typer.Option(help="seconds per document")] = 120.0,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
) -> None:
    """Print the contract's JSON for each document (see CONTRACT.md)."""
    from tocsin.api import extract_paths, get_coder
    from tocsin.progress import Progress, inputs
    from tocsin.store.cli import check_paths

    pub = _date(published)
    if fmt not in (None, "json", "jsonl"):
        raise typer.BadParameter("--format must be json or jsonl")
    if (coder or os.environ.get("TOCSIN_CODER") or "default") != "default":
        try:  # fail as a usage error now, not mid-stream: unknown name or no server URL
            get_coder(coder, model)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    check_paths(paths or ["-"])
    names = inputs(paths or ["-"])
    # A bar only on a terminal and for several inputs; otherwise a line every 30 s.
    bar = Progress(len(names), "inputs", tty=progress and sys.stderr.isatty()
                   and len(names) > 1, every=30.0 if progress else 0.0)
    results = extract_paths(names, pub, model, coder, doc_timeout,
                            on_input=lambda _: bar.advance())
    # Stream: one pretty object when there is exactly one document (and no --format),
    # otherwise one line per document as soon as it is done.
    head = list(itertools.islice(results, 2))
    pretty = fmt == "json" or (fmt is None and len(head) == 1)
    failed = False
    for r in itertools.chain(head, results):
        if isinstance(r, InputError):
            failed = True
            obj = error_json(r)
            bar.count(errors=1)
        else:
            obj = r.to_json(include_text=include_text)
            bar.count(docs=1)
        indent = 2 if pretty else None
        sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=indent) + "\n")
        sys.stdout.flush()
    bar.close()
    raise typer.Exit(1 if failed else 0)


@app.command()
def demo(
    limit: Annotated[int | None, typer.Option(help="only the first N articles")] = None,
) -> None:
    """Run the pipeline on the bundled demo corpus and print a readable summary."""
    from tocsin.demo import run_demo

    run_demo(limit=limit)


# Command groups that live with their concern (each module registers its commands).
from tocsin.evaluate.cli import register as _register_evaluate  # noqa: E402, I001
_register_evaluate(app)
from tocsin.store.cli import register as _register_store  # noqa: E402, I001
_register_store(app)
from tocsin.actors.cli import register as _register_kb  # noqa: E402, I001
_register_kb(app)
from tocsin.geo.cli import register as _register_gazetteer  # noqa: E402, I001
_register_gazetteer(app)
from tocsin.server.cli import register as _register_server  # noqa: E402, I001
_register_server(app)
from tocsin.analysis.cli import register as _register_analysis  # noqa: E402, I001
_register_analysis(app)
