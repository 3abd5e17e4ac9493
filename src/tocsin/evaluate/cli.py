"""`tocsin evaluate ...`: score tocsin against a gold data set, or run the quality gate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tocsin.evaluate.report import Report

JsonOpt = Annotated[Path | None, typer.Option("--json", help="also write the report as JSON")]
SampleOpt = Annotated[int | None, typer.Option("--sample", help="a seeded sample of N records")]
SeedOpt = Annotated[int, typer.Option("--seed", help="the sample's seed")]
WorstOpt = Annotated[int, typer.Option("--worst", help="how many worst errors to print")]
PathArg = Annotated[Path, typer.Argument(exists=True, help="the gold file or folder")]


def _finish(reports: list[Report], json_path: Path | None, worst: int) -> None:
    from tocsin.evaluate.report import render, write_json

    for rep in reports:
        render(rep, max_worst=worst)
    if json_path is not None:
        write_json(reports, json_path)


def register(app: typer.Typer) -> None:
    """Add the `evaluate` command group to the main CLI."""
    ev = typer.Typer(no_args_is_help=True, help="Score tocsin against public gold data.")
    app.add_typer(ev, name="evaluate")

    @ev.command("plover")
    def plover_cmd(path: PathArg, json_path: JsonOpt = None, sample_n: SampleOpt = None,
                   seed: SeedOpt = 0, worst: WorstOpt = 10,
                   split: Annotated[str, typer.Option(
                       help="all, or the fixed train/test half (by record id)")] = "all",
                   ) -> None:
        """PLOVER_GSR_CAMEO.json: event type, mode, source/target."""
        from tocsin.evaluate import plover

        _finish([plover.evaluate(path, sample_n, seed, split)], json_path, worst)

    @ev.command("petrarch")
    def petrarch_cmd(path: PathArg, json_path: JsonOpt = None, sample_n: SampleOpt = None,
                     seed: SeedOpt = 0, worst: WorstOpt = 10,
                     mapping: Annotated[Path | None, typer.Option(
                         help="CAMEO2PLOVER table (default ../plover/ beside PATH)")] = None,
                     ) -> None:
        """PETR2_GSR_validation.xml: CAMEO root and source/target country."""
        from tocsin.evaluate import petrarch

        _finish([petrarch.evaluate(path, sample_n, seed, mapping)], json_path, worst)

    @ev.command("re3d")
    def re3d_cmd(path: PathArg, json_path: JsonOpt = None, sample_n: SampleOpt = None,
                 seed: SeedOpt = 0, worst: WorstOpt = 10) -> None:
        """re3d folder: entity spans and relation recall."""
        from tocsin.evaluate import re3d

        _finish([re3d.evaluate(path, sample_n, seed)], json_path, worst)

    @ev.command("geoparse")
    def geoparse_cmd(paths: Annotated[list[Path], typer.Argument(exists=True)],
                     json_path: JsonOpt = None, sample_n: SampleOpt = None,
                     seed: SeedOpt = 0, worst: WorstOpt = 10) -> None:
        """GWN.xml / lgl.xml / GeoVirus.xml: toponym recognition and resolution."""
        from tocsin.evaluate import geoparse

        _finish([geoparse.evaluate(p, sample_n, seed) for p in paths], json_path, worst)

    @ev.command("event-location")
    def event_location_cmd(path: PathArg, json_path: JsonOpt = None,
                           sample_n: SampleOpt = None, seed: SeedOpt = 0,
                           worst: WorstOpt = 10,
                           relabel_only: Annotated[bool, typer.Option(
                               "--relabel-only", help="only source == RELABEL")] = False,
                           ) -> None:
        """labeled_text.jsonl: is the event's place the gold event location?"""
        from tocsin.evaluate import event_location

        _finish([event_location.evaluate(path, sample_n, seed, relabel_only)], json_path,
                worst)

    @ev.command("isaf")
    def isaf_cmd(path: PathArg, json_path: JsonOpt = None, sample_n: SampleOpt = None,
                 seed: SeedOpt = 0, worst: WorstOpt = 10) -> None:
        """ISAF press releases: date, event type, province."""
        from tocsin.evaluate import isaf

        _finish([isaf.evaluate(path, sample_n, seed)], json_path, worst)

    @ev.command("acled")
    def acled_cmd(path: PathArg, json_path: JsonOpt = None, sample_n: SampleOpt = None,
                  seed: SeedOpt = 0, worst: WorstOpt = 10,
                  lag: Annotated[int, typer.Option(
                      help="days from event_date to the assumed publication")] = 3,
                  split: Annotated[str, typer.Option(
                      help="all, or the fixed dev/test half (by event id)")] = "all",
                  stratify: Annotated[str | None, typer.Option(
                      help="an even share of --sample per event-type or sub-event")
                  ] = None) -> None:
        """A CSV in ACLED's public column layout: type, actors, place, date, fatalities."""
        from tocsin.evaluate import acled

        _finish([acled.evaluate(path, sample_n, seed, lag, split, stratify)], json_path,
                worst)

    @ev.command("alerts")
    def alerts_cmd(path: PathArg, json_path: JsonOpt = None, worst: WorstOpt = 10,
                   split: Annotated[str, typer.Option(
                       help="all, or the fixed dev/test half (by event id)")] = "all",
                   since: Annotated[str | None, typer.Option(
                       help="first event date (YYYY-MM-DD)")] = None,
                   until: Annotated[str | None, typer.Option(
                       help="last event date (YYYY-MM-DD)")] = None,
                   limit: Annotated[int | None, typer.Option(
                       help="the first N notes by date (a short stream for CI)")] = None,
                   db: Annotated[Path | None, typer.Option(
                       help="keep the ingested store here (reused on the next run)")
                   ] = None,
                   ratio: Annotated[float, typer.Option(
                       help="surge: count >= RATIO x the mean of the weeks before")] = 2.0,
                   history: Annotated[int, typer.Option(
                       help="surge: weeks the mean is taken over")] = 4,
                   min_count: Annotated[int, typer.Option(
                       help="surge: events the week needs")] = 5,
                   min_mean: Annotated[float, typer.Option(
                       help="surge: floor on the mean of the weeks before")] = 1.0,
                   per_document: Annotated[bool, typer.Option(
                       "--per-document", help="test rates per document, not raw counts")
                   ] = False,
                   top: Annotated[int, typer.Option(
                       help="precision of the top N alerts of each month")] = 10,
                   ) -> None:
        """A CSV in ACLED's layout as a news stream: alerts against the coded surges."""
        from tocsin.evaluate import acled_alerts
        from tocsin.evaluate.common import parse_day
        from tocsin.evaluate.surges import SurgeRule

        rule = SurgeRule(ratio, history, min_count, min_mean)
        _finish([acled_alerts.evaluate(path, db, split, parse_day(since or ""),
                                       parse_day(until or ""), limit, rule,
                                       per_document, top)], json_path, worst)

    @ev.command("nonconflict")
    def nonconflict_cmd(path: PathArg, json_path: JsonOpt = None, sample_n: SampleOpt = None,
                        seed: SeedOpt = 0, worst: WorstOpt = 10) -> None:
        """Non-conflict snippets (JSONL): share of records raising no conflict event."""
        from tocsin.evaluate import nonconflict

        _finish([nonconflict.evaluate(path, sample_n, seed)], json_path, worst)

    @ev.command("conflibert")
    def conflibert_cmd(path: PathArg, json_path: JsonOpt = None, sample_n: SampleOpt = None,
                       seed: SeedOpt = 0, worst: WorstOpt = 10) -> None:
        """cameo_class/test.tsv: CAMEO quad class."""
        from tocsin.evaluate import conflibert

        _finish([conflibert.evaluate(path, sample_n, seed)], json_path, worst)

    @ev.command("gate")
    def gate_cmd(update: Annotated[bool, typer.Option(
                     "--update", help="re-pin the scores (a deliberate commit)")] = False,
                 baseline: Annotated[Path | None, typer.Option(
                     help="pins file (default evaluation/baseline.json)")] = None,
                 only: Annotated[list[str] | None, typer.Option(
                     help="only these data sets (repeatable)")] = None) -> None:
        """Run the CI-sized evaluations; exit 1 if a score drops below its pin."""
        from tocsin.evaluate.gate import BASELINE, run_gate

        raise typer.Exit(run_gate(update=update, baseline=baseline or BASELINE,
                                  only=only or ()))
