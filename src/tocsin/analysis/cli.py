"""`tocsin alerts|timeline|network`, and the alert output of `tocsin watch`."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, timedelta
from typing import Annotated, Any

import typer

from tocsin.store.cli import DB, DEFAULT_DB, _date, _open, _print, _table

TYPES = Annotated[str | None, typer.Option("--type", help="PLOVER types, comma-separated")]
BY = Annotated[str, typer.Option("--by", help="bin: week or day")]
RECENT_DAYS = 28  # watch announces new alerts raised this close to the latest document


def _types(value: str | None) -> set[str] | None:
    from tocsin.model import PLOVER_TYPES

    if not value:
        return None
    types = {t.strip().upper() for t in value.split(",") if t.strip()}
    bad = sorted(types - set(PLOVER_TYPES))
    if bad:
        raise typer.BadParameter(f"not PLOVER types: {', '.join(bad)}")
    return types


def _by(value: str) -> str:
    if value not in ("week", "day"):
        raise typer.BadParameter("--by must be week or day")
    return value


def _write_csv(s: Any, tests: Any, alerts: list[Any], path: str) -> int:
    raised = {a.raised: a.level for a in alerts}
    rate = s.rate()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["bin", "events", "documents", "per_100_documents", "hostility",
                    "p_value", "window", "alert"])
        for i, b in enumerate(s.bins):
            w.writerow([b, int(s.counts[i]), int(s.exposure[i]),
                        "" if rate[i] != rate[i] else round(float(rate[i]), 3),
                        round(float(s.hostility[i]), 2), f"{float(tests.p[i]):.4g}",
                        int(tests.window[i]), raised.get(b, "")])
    return len(s.bins)


def refresh_after_ingest(store: Any, doc_ids: list[str], log: Any = sys.stderr) -> Any:
    """The stored alerts brought up to date with the documents just added (analysis/
    refresh.py); None when nothing was added or the refresh failed (said on ``log``):
    alerts are a by-product, an ingest never fails for them."""
    from tocsin.analysis.refresh import refresh_alerts

    if not doc_ids:
        return None
    try:
        return refresh_alerts(store, doc_ids)
    except Exception as exc:
        log.write(f"alert refresh failed: {type(exc).__name__}: {exc}\n")
        return None


def emit_new_alerts(db: str, alerts_to: str | None, webhook: str | None,
                    log: Any = sys.stderr, new: list[Any] | None = None) -> int:
    """After a poll: send the new, recent alerts (JSON Lines file and/or an HTTP POST of
    each alert as JSON). ``new``: the alerts the ingest's refresh stored first; without
    it, every week is recomputed and stored here. Returns how many were sent."""
    from tocsin.analysis.refresh import refresh_alerts

    with _open(db, read_only=new is not None) as store:
        if new is None:
            new = refresh_alerts(store).new
        latest = (store.con.execute("SELECT max(published) FROM documents").fetchone()
                  or (None,))[0]
    cutoff = (latest or date.today()) - timedelta(days=RECENT_DAYS)
    fresh = sorted((a for a in new if a.raised >= cutoff), key=lambda a: (a.raised, a.id))
    for a in fresh:
        obj = a.to_json()
        if alerts_to:
            with open(alerts_to, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        if webhook:
            _post(webhook, obj, log)
    return len(fresh)


def _post(url: str, obj: dict[str, Any], log: Any) -> None:
    import urllib.request

    if not url.startswith(("http://", "https://")):
        raise typer.BadParameter("--webhook must be an http(s) URL")
    req = urllib.request.Request(url, data=json.dumps(obj).encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 (user's URL)
            resp.read()
    except Exception as exc:  # a failed delivery must not stop the watch loop
        log.write(f"webhook failed: {type(exc).__name__}: {exc}\n")


def register(app: typer.Typer) -> None:
    """Add the analysis commands to the `tocsin` app."""

    @app.command()
    def alerts(
        db: DB = DEFAULT_DB,
        since: Annotated[str | None, typer.Option(help="raised on/after YYYY-MM-DD")] = None,
        until: Annotated[str | None, typer.Option(help="data up to YYYY-MM-DD")] = None,
        actor: Annotated[str | None, typer.Option(help="actor id, name or alias")] = None,
        region: Annotated[str | None, typer.Option(help="ISO3 or ISO3/Admin1")] = None,
        type: TYPES = None,
        by: BY = "week",
        kind: Annotated[str | None, typer.Option(
            help="series kinds: actor,dyad,country,admin1,type,mode")] = None,
        save: Annotated[bool, typer.Option("--save/--no-save",
                                           help="record alerts in the store")] = True,
        as_json: Annotated[bool, typer.Option("--json", help="JSON Lines")] = False,
    ) -> None:
        """Escalation alerts: event rates that rose against their baseline."""
        from tocsin.analysis.alerts import find_alerts
        from tocsin.analysis.refresh import refresh_alerts
        from tocsin.analysis.series import KINDS
        from tocsin.store.queries import QueryError

        kinds = tuple(k.strip() for k in kind.split(",")) if kind else KINDS
        if set(kinds) - set(KINDS):
            raise typer.BadParameter(f"--kind takes {','.join(KINDS)}")
        # The store records the alerts of every series, weekly, as each ingest refreshes
        # them; a filtered run prints its own selection and records nothing.
        filtered = bool(until or actor or region or type or kind or by != "week")
        with _open(db, read_only=not save or filtered) as store:
            try:
                if save and not filtered:
                    start = _date(since)
                    found = [a for a in refresh_alerts(store).found
                             if start is None or a.raised >= start - timedelta(days=6)]
                else:
                    found = find_alerts(store, since=_date(since), until=_date(until),
                                        actor=actor, region=region, types=_types(type),
                                        by=_by(by), kinds=kinds)
            except QueryError as exc:
                raise typer.BadParameter(str(exc)) from None
        if save and filtered:
            sys.stderr.write("not recorded: the store keeps the alerts of every series "
                             "(weekly, unfiltered); run without filters to record them\n")
        if as_json:
            for a in found:
                _print(a.to_json())
            return
        rows = [{"raised": a.raised, "level": a.level, "series": f"{a.kind}:{a.label}",
                 "now": f"{a.current_count} ({a.current_rate:.1f}/100 docs)",
                 "before": f"{a.baseline_count} ({a.baseline_rate:.1f}/100 docs)",
                 "ratio": f"x{a.rate_ratio:.1f}", "p": f"{a.p_value:.2g}",
                 "hostility": a.intensity, "why": a.why,
                 "evidence": (a.events[-1]["evidence"] or "")[:90] if a.events else ""}
                for a in found]
        _table(rows, ["raised", "level", "series", "now", "before", "ratio", "p",
                      "hostility", "why", "evidence"], f"{len(rows)} alerts")

    @app.command()
    def timeline(
        query: Annotated[str, typer.Argument(
            help="actor, a->b, TYPE, TYPE/mode, ISO3 or ISO3/Admin1")],
        db: DB = DEFAULT_DB,
        kind: Annotated[str | None, typer.Option(help="force the series kind")] = None,
        type: TYPES = None,
        region: Annotated[str | None, typer.Option(help="ISO3 or ISO3/Admin1")] = None,
        by: BY = "week",
        since: Annotated[str | None, typer.Option(help="show from YYYY-MM-DD")] = None,
        until: Annotated[str | None, typer.Option(help="data up to YYYY-MM-DD")] = None,
        png: Annotated[str | None, typer.Option(help="write a picture")] = None,
        top: Annotated[int, typer.Option(help="actors drawn in the picture (by degree)")
                       ] = 60,
        labels: Annotated[int, typer.Option(help="actors labelled in the picture")] = 25,
        csv_out: Annotated[str | None, typer.Option("--csv", help="write the series")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print the alerts as JSON")
                           ] = False,
    ) -> None:
        """A series over time (events, rate per 100 documents) with its alerts."""
        from tocsin.analysis import alerts as al
        from tocsin.analysis.series import crop
        from tocsin.store.queries import QueryError

        with _open(db, read_only=True) as store:
            try:
                s, tests, found = al.timeline(store, query, kind, _types(type), region,
                                              _by(by), _date(until))
            except QueryError as exc:
                raise typer.BadParameter(str(exc)) from None
        start = _date(since)
        if start:
            lo = next((i for i, b in enumerate(s.bins) if b >= start), len(s.bins))
            tests = _tests_from(tests, lo)
            s = crop(s, start)
            found = [a for a in found if a.raised >= s.bins[0]] if s.bins else []
        out: dict[str, Any] = {"series": f"{s.kind}:{s.key}", "label": s.label,
                               "bins": len(s.bins), "events": int(s.counts.sum()),
                               "alerts": [a.summary() for a in found]}
        if png:
            from tocsin.analysis.plots import timeline_png

            timeline_png(s, tests, found, png)
            out["png"] = png
        if csv_out:
            _write_csv(s, tests, found, csv_out)
            out["csv"] = csv_out
        if as_json:
            out["alerts"] = [a.to_json() for a in found]
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2, default=str) + "\n")

    @app.command()
    def network(
        db: DB = DEFAULT_DB,
        around: Annotated[str | None, typer.Option(help="centre actor")] = None,
        at: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: last event)")
                      ] = None,
        days: Annotated[int, typer.Option(help="events this many days before --at")] = 365,
        depth: Annotated[int, typer.Option(help="hops around the centre")] = 2,
        type: TYPES = None,
        png: Annotated[str | None, typer.Option(help="write a picture")] = None,
        top: Annotated[int, typer.Option(help="actors drawn in the picture (by degree)")
                       ] = 60,
        labels: Annotated[int, typer.Option(help="actors labelled in the picture")] = 25,
        graphml: Annotated[str | None, typer.Option(help="write GraphML")] = None,
        gexf: Annotated[str | None, typer.Option(help="write GEXF")] = None,
    ) -> None:
        """The actor network at a date: centrality, communities, brokers, partners."""
        from tocsin.analysis import network as net

        with _open(db, read_only=True) as store:
            day = _date(at) or (store.con.execute(
                "SELECT max(date_start) FROM events").fetchone() or (None,))[0] or date.today()
            g = net.actor_network(store, day, days, _types(type))
            centre = None
            if around:
                ids = store.resolve_actor(around)
                if not ids:
                    raise typer.BadParameter(f"unknown actor {around!r}")
                centre = ids[0]
                try:
                    g = net.around(g, centre, depth, at=day)
                except KeyError:
                    raise typer.BadParameter(
                        f"{around!r} has no events or ties by {day}") from None
        report = {"at": day, "centre": centre, **net.analyse(g, centre)}
        if png:
            from tocsin.analysis.netplot import network_png

            label = g.nodes[centre]["name"] if centre else "all actors"
            drawn = network_png(g, png, centre, f"{label}: actor network at {day} "
                                f"(events in the previous {days} days)", max_nodes=top,
                                max_labels=labels)
            report["png"] = png
            report["drawn"] = {"actors": len(drawn["nodes"]), "labelled": len(drawn["labels"])}
        for path, fmt in ((graphml, "graphml"), (gexf, "gexf")):
            if path:
                net.export(g, path, fmt)
                report[fmt] = path
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2, default=str)
                         + "\n")


def _tests_from(tests: Any, lo: int) -> Any:
    """Per-bin test results from bin ``lo`` on."""
    from tocsin.analysis.detect import Tests

    return Tests(*(getattr(tests, f)[lo:] for f in
                   ("p", "window", "x", "y", "ex", "ey", "baseline_bins")))

