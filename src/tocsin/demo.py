"""`tocsin demo`: the bundled corpus through the pipeline, summarised for a reader."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from tocsin.ingest import from_record
from tocsin.model import Document, Extraction


def demo_documents() -> list[Document]:
    path = resources.files("tocsin") / "data" / "demo" / "articles.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [from_record(json.loads(line), f"demo:{i}", None)
            for i, line in enumerate(lines, 1) if line.strip()]


def run_demo(limit: int | None = None, console: Console | None = None) -> list[Extraction]:
    from tocsin.api import get_pipeline

    console = console or Console()
    docs = demo_documents()[:limit]
    console.print(f"[bold]tocsin demo[/]: {len(docs)} bundled articles")
    with console.status("loading the spaCy model and knowledge base..."):
        pipeline = get_pipeline()
    results: list[Extraction] = []
    with Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("extract", total=len(docs))
        for out in pipeline.pipe(docs):
            if isinstance(out, Extraction):
                results.append(out)
            progress.advance(task)
    summarise(results, console)
    return results


def summarise(results: list[Extraction], console: Console) -> None:
    mentions: Counter[str] = Counter()
    names: dict[str, tuple[str, str, str | None, bool]] = {}
    types: Counter[str] = Counter()
    modes: Counter[str] = Counter()
    for r in results:
        for a in r.actors:
            mentions[a.id] += len(a.mentions)
            names[a.id] = (a.name, a.type, a.country, a.in_kb)
        for e in r.events:
            types[e.type] += 1
            if e.mode:
                modes[f"{e.type}/{e.mode}"] += 1
    n_events = sum(types.values())
    console.print(f"{len(results)} documents, {len(names)} actors, {n_events} events, "
                  f"{sum(len(r.relations) for r in results)} relations, "
                  f"{sum(len(r.places) for r in results)} places\n")
    t = Table(title="Most mentioned actors")
    for col in ("actor", "type", "country", "in KB", "mentions"):
        t.add_column(col)
    for actor_id, n in mentions.most_common(15):
        name, typ, country, in_kb = names[actor_id]
        t.add_row(name, typ, country or "", "yes" if in_kb else "no", str(n))
    console.print(t)
    t = Table(title="Events per PLOVER type")
    t.add_column("type")
    t.add_column("events", justify="right")
    t.add_column("top modes")
    for typ, n in types.most_common():
        top = ", ".join(f"{m.split('/')[1]} {c}" for m, c in modes.most_common()
                        if m.startswith(typ + "/"))
        t.add_row(typ, str(n), top)
    console.print(t)
    console.print("[bold]Some events with their evidence[/]")
    shown = 0
    for r in results:
        actor_names = {a.id: a.name for a in r.actors}
        place_names = {p.id: p.name for p in r.places}
        for e in r.events:
            if e.type not in {"ASSAULT", "THREATEN", "SANCTION"} or shown >= 8:
                continue
            if not (e.source or e.target):
                continue
            shown += 1
            who = ", ".join(actor_names.get(s, s) for s in e.source) or "unknown"
            whom = ", ".join(actor_names.get(s, s) for s in e.target) or "-"
            flags = [k for k, v in (("future", e.modality.future),
                                    ("negated", e.modality.negated),
                                    ("hypothetical", e.modality.hypothetical)) if v]
            console.print(
                f"[cyan]{e.type}[/]{'/' + e.mode if e.mode else ''} {who} -> {whom}; "
                f"{e.date.start or '?'} ({e.date.precision}); "
                f"{place_names.get(e.place or '', 'no place')}"
                f"{' [' + ', '.join(flags) + ']' if flags else ''}\n"
                f"   [dim]{r.doc.id}[/] \"{e.evidence.sentence.strip()[:220]}\""
            )
