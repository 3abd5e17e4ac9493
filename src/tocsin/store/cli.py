"""`tocsin ingest|watch|events|event|actors|actor|export|stats`: thin wrappers over Store."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tocsin.cliutil import parse_day as _date

if TYPE_CHECKING:
    from tocsin.store import Store

DB = Annotated[str, typer.Option("--db", help="DuckDB file")]
DEFAULT_DB = "tocsin.duckdb"
DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd]?)$")




def _seconds(value: str) -> float:
    m = DURATION.match(value.strip().lower())
    if not m:
        raise typer.BadParameter(f"not a duration like 30s, 15m, 2h: {value!r}")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _print(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def _open(db: str, read_only: bool = False) -> Store:
    from pathlib import Path

    import duckdb

    from tocsin.store import Store
    from tocsin.store.store import StoreLocked

    if read_only and not Path(db).exists():
        raise typer.BadParameter(f"no database at {db}; run `tocsin ingest` first")
    try:
        return Store(db, read_only=read_only)
    except StoreLocked as exc:  # not a usage error: say how to read it instead, exit 1
        sys.stderr.write(f"tocsin: {exc}\n")
        raise typer.Exit(1) from None
    except duckdb.IOException as exc:
        raise typer.BadParameter(f"cannot open {db}: {exc}") from None


def _show(rows: Sequence[Mapping[str, Any]], as_json: bool, cols: list[str], what: str) -> None:
    """Rows as JSON Lines, or as a table titled with their count."""
    if as_json:
        for r in rows:
            _print(r)
    else:
        _table(rows, cols, f"{len(rows)} {what}")


def _table(rows: Sequence[Mapping[str, Any]], cols: list[str], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title)
    for c in cols:
        t.add_column(c)
    for r in rows:
        t.add_row(*[";".join(v) if isinstance(v, list) else "" if v is None else str(v)
                    for v in (r.get(c) for c in cols)])
    # Wide when piped, so that ids are not cut.
    Console(width=None if sys.stdout.isatty() else 200).print(t)


def _run_ingest(paths: list[str], db: str, published: date | None, allow_private: bool,
                report: str | None, verbose: bool, progress: bool,
                reprocess: bool = False, doc_timeout: float | None = None
                ) -> tuple[int, list[Any]]:
    """Ingest, then refresh the stored alerts for the weeks the new documents touch;
    returns the error count and the alerts not stored before."""
    from tocsin.analysis.cli import refresh_after_ingest
    from tocsin.ingest.fetch import FetchOptions
    from tocsin.store.runner import DOC_TIMEOUT, ingest

    with _open(db) as store:
        rep = ingest(store, paths, published, FetchOptions(allow_private=allow_private),
                     report_path=report, progress=progress and sys.stderr.isatty(),
                     progress_every=30.0 if progress else 0.0,
                     log=sys.stderr if verbose else None, reprocess=reprocess,
                     doc_timeout=doc_timeout or DOC_TIMEOUT)
        refresh = refresh_after_ingest(store, rep.added_ids)
    _print({**rep.summary(), "alerts": refresh.summary() if refresh else None})
    return len(rep.errors), refresh.new if refresh else []


def check_paths(paths: list[str]) -> None:
    """A path that does not exist is a usage error (exit 2) on stderr, before anything
    is opened or created."""
    from pathlib import Path

    from tocsin.ingest.walk import is_url

    missing = [p for p in paths if p != "-" and not is_url(p) and not Path(p).exists()]
    if missing:
        raise typer.BadParameter("no such file or directory: " + ", ".join(missing))


def register(app: typer.Typer) -> None:
    """Add the store's commands to the `tocsin` app."""

    @app.command("ingest")
    def ingest_cmd(
        paths: Annotated[list[str], typer.Argument(help="files, directories, URLs")],
        db: DB = DEFAULT_DB,
        published: Annotated[str | None, typer.Option(help="default date YYYY-MM-DD")] = None,
        allow_private: Annotated[bool, typer.Option("--allow-private")] = False,
        report: Annotated[str | None, typer.Option(help="errors as JSON Lines")] = None,
        verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
        progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
        reprocess: Annotated[bool, typer.Option(
            "--reprocess", help="re-extract documents stored by another pipeline version")
        ] = False,
        engine: Annotated[str, typer.Option(help="serial | local | dask")] = "serial",
        workers: Annotated[int | None, typer.Option(help="worker processes")] = None,
        scheduler: Annotated[str | None, typer.Option(help="dask scheduler address")] = None,
        partition_size: Annotated[int, typer.Option(help="documents per partition")] = 200,
        doc_timeout: Annotated[float, typer.Option(help="seconds per document")] = 120.0,
        work_dir: Annotated[str | None, typer.Option(
            help="partition files and manifest (default DB.parts)")] = None,
    ) -> None:
        """Extract and store documents (idempotent: re-running adds nothing)."""
        check_paths(paths)
        if engine != "serial":  # scaled out: see tocsin.scale and docs/scale.md
            from tocsin.scale.cli import UsageError, run_scaled

            try:
                errors = run_scaled(paths, db, engine, workers, scheduler, _date(published),
                                    allow_private, report, verbose, reprocess,
                                    partition_size, doc_timeout, work_dir, progress)
            except UsageError as exc:
                raise typer.BadParameter(str(exc)) from None
            raise typer.Exit(1 if errors else 0)
        errors, _ = _run_ingest(paths, db, _date(published), allow_private, report,
                                verbose, progress, reprocess, doc_timeout)
        raise typer.Exit(1 if errors else 0)

    @app.command()
    def watch(
        urls: Annotated[list[str], typer.Argument(help="feed URLs")],
        every: Annotated[str, typer.Option(help="poll interval: 30s, 15m, 1h")] = "15m",
        db: DB = DEFAULT_DB,
        allow_private: Annotated[bool, typer.Option("--allow-private")] = False,
        report: Annotated[str | None, typer.Option(help="errors as JSON Lines")] = None,
        times: Annotated[int, typer.Option(help="stop after N polls (0: never)")] = 0,
        alerts_to: Annotated[str | None, typer.Option(
            "--alerts-to", help="append new escalation alerts (JSON Lines)")] = None,
        webhook: Annotated[str | None, typer.Option(help="POST new alerts here")] = None,
    ) -> None:
        """Poll feeds and ingest new items, forever (or --times N)."""
        interval, n = _seconds(every), 0
        while True:
            _, new = _run_ingest(urls, db, None, allow_private, report, False, False)
            if alerts_to or webhook:
                from tocsin.analysis.cli import emit_new_alerts

                emit_new_alerts(db, alerts_to, webhook, new=new)
            n += 1
            if times and n >= times:
                return
            time.sleep(interval)

    @app.command()
    def events(
        db: DB = DEFAULT_DB,
        actor: Annotated[str | None, typer.Option(help="actor id, name or alias")] = None,
        type: Annotated[str | None, typer.Option("--type", help="PLOVER type")] = None,
        since: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
        until: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
        near: Annotated[str | None, typer.Option(help="PLACE:KM or LAT,LON:KM")] = None,
        country: Annotated[str | None, typer.Option(help="ISO3 of the place")] = None,
        designated_by: Annotated[str | None, typer.Option(
            "--designated-by", help="only events whose source is designated by (US, UN...)")
        ] = None,
        limit: Annotated[int | None, typer.Option()] = None,
        as_json: Annotated[bool, typer.Option("--json", help="JSON Lines")] = False,
    ) -> None:
        """List merged events matching the filters."""
        from tocsin.store.queries import QueryError

        with _open(db, read_only=True) as store:
            try:
                rows = store.events(actor=actor, type=type, since=_date(since),
                                    until=_date(until), near=near, country=country,
                                    designated_by=designated_by, limit=limit)
            except QueryError as exc:
                raise typer.BadParameter(str(exc)) from None
            if not as_json:  # the table shows names ("Kenyan police"); JSON keeps the ids
                names = store.actor_names([a for r in rows for a in (r["sources"] or [])
                                           + (r["targets"] or [])])
                rows = [{**r, "sources": [names.get(a, a) for a in r["sources"] or []],
                         "targets": [names.get(a, a) for a in r["targets"] or []]}
                        for r in rows]
        _show(rows, as_json, ["id", "type", "mode", "date_start", "place", "sources",
                              "targets", "fatalities", "n_documents"], "events")

    @app.command()
    def event(event_id: str, db: DB = DEFAULT_DB) -> None:
        """One event, every report of it, and why each report was merged."""
        with _open(db, read_only=True) as store:
            ev = store.event(event_id)
            if ev is not None:
                ev["actor_names"] = store.actor_names((ev["sources"] or [])
                                                      + (ev["targets"] or []))
        if ev is None:
            raise typer.BadParameter(f"no event {event_id!r}")
        sys.stdout.write(json.dumps(ev, ensure_ascii=False, indent=2, default=str) + "\n")

    @app.command()
    def unmerge(event_id: str, doc: Annotated[str, typer.Argument(
            help="the document whose reports leave the event")], db: DB = DEFAULT_DB) -> None:
        """Split a wrong merge: DOC's reports of EVENT_ID become an event of their own, and
        stay apart when either document is ingested again."""
        with _open(db) as store:
            new_id = store.unmerge(event_id, doc)
        if new_id is None:
            raise typer.BadParameter(f"event {event_id!r} has no report of {doc!r} beside "
                                     "reports of other documents")
        sys.stdout.write(json.dumps({"event": event_id, "split": new_id, "doc": doc}) + "\n")

    @app.command()
    def actors(
        db: DB = DEFAULT_DB,
        type: Annotated[str | None, typer.Option("--type", help="actor type")] = None,
        country: Annotated[str | None, typer.Option(help="ISO3")] = None,
        limit: Annotated[int | None, typer.Option()] = None,
        as_json: Annotated[bool, typer.Option("--json", help="JSON Lines")] = False,
    ) -> None:
        """Actors seen in the store, most reported first: named actors, then generic ones
        ("Iraqi protesters") in a table of their own."""
        cols = ["name", "type", "country", "n_documents", "n_events", "id"]
        with _open(db, read_only=True) as store:
            if as_json:
                _show(store.actors(type=type, country=country, limit=limit), True, cols, "")
                return
            named = store.actors(type=type, country=country, limit=limit, generic=False)
            groups = store.actors(type=type, country=country, limit=limit, generic=True)
        _table(named, cols, f"{len(named)} named actors")
        _table(groups, cols, f"{len(groups)} generic actors (unnamed groups)")

    @app.command()
    def actor(query: str, db: DB = DEFAULT_DB) -> None:
        """An actor's profile: aliases, affiliations, events, relations, sources."""
        with _open(db, read_only=True) as store:
            prof = store.actor(query)
        if prof is None:
            raise typer.BadParameter(f"no actor matches {query!r}")
        sys.stdout.write(json.dumps(prof, ensure_ascii=False, indent=2, default=str) + "\n")

    @app.command()
    def stats(db: DB = DEFAULT_DB) -> None:
        """Counts of documents, actors, events and more."""
        with _open(db, read_only=True) as store:
            sys.stdout.write(json.dumps(store.stats(), indent=2, default=str) + "\n")

    export = typer.Typer(help="Write events or the actor graph to files.",
                         no_args_is_help=True)
    app.add_typer(export, name="export")

    @export.command("events")
    def export_events(
        fmt: Annotated[str, typer.Option("--format", help="csv|jsonl|parquet|geojson|acled-csv")],
        out: Annotated[str, typer.Option("-o", "--out", help="output file")],
        db: DB = DEFAULT_DB,
        actor: Annotated[str | None, typer.Option()] = None,
        type: Annotated[str | None, typer.Option("--type")] = None,
        since: Annotated[str | None, typer.Option()] = None,
        until: Annotated[str | None, typer.Option()] = None,
        near: Annotated[str | None, typer.Option()] = None,
    ) -> None:
        """Export events (with the same filters as `tocsin events`)."""
        from tocsin.export import acled, geojson, tabular

        filters = dict(actor=actor, type=type, since=_date(since), until=_date(until),
                       near=near)
        with _open(db, read_only=True) as store:
            if fmt == "acled-csv":
                n = acled.write_acled(store, out, **filters)
            else:
                rows = tabular.event_rows(store, **filters)
                writers = {"csv": tabular.write_csv, "jsonl": tabular.write_jsonl,
                           "parquet": tabular.write_parquet,
                           "geojson": geojson.write_geojson}
                if fmt not in writers:
                    raise typer.BadParameter(f"unknown events format {fmt!r}")
                n = writers[fmt](rows, out)
        _print({"written": n, "format": fmt, "out": out})

    @export.command("graph")
    def export_graph(
        fmt: Annotated[str, typer.Option("--format", help="graphml|gexf|ftm")],
        out: Annotated[str, typer.Option("-o", "--out", help="output file")],
        db: DB = DEFAULT_DB,
    ) -> None:
        """Export the actor graph (GraphML, GEXF) or FollowTheMoney entities."""
        from tocsin.export import ftm, graph

        with _open(db, read_only=True) as store:
            if fmt == "ftm":
                _print({"entities": ftm.write_ftm(store, out), "format": fmt, "out": out})
                return
            if fmt not in ("graphml", "gexf"):
                raise typer.BadParameter(f"unknown graph format {fmt!r}")
            nodes, edges = graph.write_graph(store, fmt, out)
        _print({"nodes": nodes, "edges": edges, "format": fmt, "out": out})
