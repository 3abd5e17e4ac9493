"""`tocsin kb ...` (show, match, import, add) and `tocsin graph`: the KB tools."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from tocsin.actors.kb import KBActor, KBError, KnowledgeBase
from tocsin.cliutil import parse_day as _day

JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
AtOpt = Annotated[str | None, typer.Option("--at", help="a date YYYY-MM-DD")]
FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="input file")]
DryOpt = Annotated[bool, typer.Option("--dry-run", help="report counts, write nothing")]




def _stem(prefix: str, path: Path) -> str:
    """The user-KB file name for an import: "petrarch-phoenix-milnonstate"."""
    base = re.sub(r"(\.(txt|actors|jsonl|ndjson|json|ftm))+$", "", path.name.lower())
    return f"{prefix}-" + (re.sub(r"[^a-z0-9]+", "-", base).strip("-") or "import")


def _fail(message: str, code: int = 2) -> None:
    sys.stderr.write(f"error: {message}\n")
    raise typer.Exit(code)


def _kb() -> KnowledgeBase:
    from tocsin.actors.kb import get_kb

    try:
        return get_kb()
    except KBError as exc:
        _fail(f"the knowledge base does not load: {exc}")
        raise  # unreachable; keeps type checkers happy


def resolve(kb: KnowledgeBase, name: str) -> KBActor | None:
    """An actor by id, or the best name match when it is clear enough."""
    if name in kb.actors:
        return kb.actors[name]
    from tocsin.actors.search import match_name

    found = match_name(name, kb, limit=1, min_score=60)
    return kb.actors[found[0].actor_id] if found else None


def actor_report(kb: KnowledgeBase, actor: KBActor) -> dict[str, Any]:
    """Everything the KB knows about an actor, as plain data."""
    from tocsin.actors.graph import roles_of

    def label(i: str) -> str:
        return kb.actors[i].name if i in kb.actors else i

    return {
        "id": actor.id, "name": actor.name, "type": actor.type, "country": actor.country,
        "aliases": list(actor.aliases), "ambiguous_aliases": list(actor.ambiguous_aliases),
        "description": actor.description,
        "parents": [{"id": p, "name": label(p)} for p in actor.parents],
        "children": sorted(({"id": a.id, "name": a.name} for a in kb.actors.values()
                            if actor.id in a.parents), key=lambda d: d["id"]),
        "allies": [{"id": p, "name": label(p)} for p in actor.allies],
        "roles": [{"type": r.type, "object": r.object, "object_name": label(r.object),
                   "start": r.start, "end": r.end} for r in actor.roles],
        "held_by": [{"actor": pid, "name": label(pid), "type": r.type, "start": r.start,
                     "end": r.end} for pid, r in roles_of(kb, actor.id)],
        "designations": [{"authority": d.authority, "programme": d.programme,
                          "date": d.date} for d in actor.designations],
        "sources": list(actor.sources), "origin": actor.origin,
    }


def _print_report(rep: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    con.print(f"[bold]{rep['name']}[/bold]  ({rep['id']}; {rep['type']}; "
              f"{rep['country'] or 'no country'}; from {rep['origin']})")
    if rep["description"]:
        con.print(rep["description"])
    if rep["aliases"] or rep["ambiguous_aliases"]:
        con.print("[bold]aliases:[/bold] " + "; ".join(rep["aliases"]))
        if rep["ambiguous_aliases"]:
            con.print("[bold]ambiguous:[/bold] " + "; ".join(rep["ambiguous_aliases"]))
    for key in ("parents", "children", "allies"):
        if rep[key]:
            con.print(f"[bold]{key}:[/bold] " + "; ".join(
                f"{d['name']} ({d['id']})" for d in rep[key]))
    rows = [(r["type"], f"{r['object_name']} ({r['object']})", r["start"], r["end"])
            for r in rep["roles"]]
    rows += [(r["type"], f"{r['name']} ({r['actor']})", r["start"], r["end"])
             for r in rep["held_by"]]
    if rows:
        table = Table("role", "with", "start", "end", title="roles over time")
        for t, who, s, e in rows:
            table.add_row(t, who, s or "?", e or "-")
        con.print(table)
    if rep["designations"]:
        table = Table("authority", "programme", "date", title="designations")
        for d in rep["designations"]:
            table.add_row(d["authority"], d["programme"] or "", d["date"] or "")
        con.print(table)
    con.print("[bold]sources:[/bold]\n  " + "\n  ".join(rep["sources"]))


def _finish_import(result: Any, stem: str, dry_run: bool, as_json: bool) -> None:
    from tocsin.actors.imports import write_import
    from tocsin.actors.kb import get_kb, load_kb

    out: dict[str, Any] = {**result.summary(), "file": None}
    if not dry_run:
        path = write_import(result, stem)
        try:
            load_kb()  # the KB must still load with the new file in place
        except KBError as exc:
            path.unlink()
            _fail(f"import produced entries that do not load ({exc}); nothing written")
        get_kb.cache_clear()
        out["file"] = str(path)
    if as_json:
        sys.stdout.write(json.dumps(out) + "\n")
    else:
        where = out["file"] or "(dry run, nothing written)"
        sys.stdout.write(f"created {out['created']}, merged into existing "
                         f"{out['merged']}, skipped {out['skipped']} -> {where}\n")


def register(app: typer.Typer) -> None:
    """Add the `kb` command group and the `graph` command to the main CLI."""
    kb_app = typer.Typer(no_args_is_help=True, help="Inspect and extend the knowledge base.")
    app.add_typer(kb_app, name="kb")

    @kb_app.command("show")
    def show_cmd(name: str, as_json: JsonFlag = False) -> None:
        """An actor: names, type, country, parents/children, roles over time, sources."""
        kb = _kb()
        actor = resolve(kb, name)
        if actor is None:
            _fail(f"no actor matches {name!r} (try `tocsin kb match`)", 1)
            return
        rep = actor_report(kb, actor)
        if as_json:
            sys.stdout.write(json.dumps(rep, ensure_ascii=False, indent=2) + "\n")
        else:
            _print_report(rep)

    @kb_app.command("match")
    def match_cmd(name: str,
                  country: Annotated[str | None, typer.Option(help="ISO3 context")] = None,
                  at: AtOpt = None, limit: Annotated[int, typer.Option()] = 10,
                  as_json: JsonFlag = False) -> None:
        """Rank KB actors for a name, with the reasons for each score."""
        from tocsin.actors.search import match_name

        found = match_name(name, _kb(), country=country, at=_day(at), limit=limit)
        if as_json:
            sys.stdout.write(json.dumps([c.to_dict() for c in found], ensure_ascii=False,
                                        indent=2) + "\n")
            return
        from rich.console import Console
        from rich.table import Table

        table = Table("score", "id", "name", "type", "country", "why")
        for c in found:
            table.add_row(f"{c.score:.1f}", c.actor_id, c.name, c.type, c.country or "",
                          "; ".join(c.reasons))
        Console().print(table)

    @kb_app.command("import-ftm")
    def import_ftm_cmd(path: FileArg, dry_run: DryOpt = False,
                       as_json: JsonFlag = False) -> None:
        """Import FollowTheMoney JSON lines (OpenSanctions) into the user KB dir."""
        from tocsin.actors.imports import import_ftm
        from tocsin.actors.kb import load_kb, user_kb_dir

        stem = _stem("ftm", path)
        try:
            result = import_ftm(path, load_kb(exclude=user_kb_dir() / f"{stem}.yaml"))
        except KBError as exc:
            _fail(f"{path.name}: {exc}")
            return
        _finish_import(result, stem, dry_run, as_json)

    @kb_app.command("import-petrarch")
    def import_petrarch_cmd(path: FileArg, dry_run: DryOpt = False,
                            as_json: JsonFlag = False) -> None:
        """Import a PETRARCH/Phoenix actor dictionary into the user KB dir."""
        from tocsin.actors.imports import import_petrarch
        from tocsin.actors.kb import load_kb, user_kb_dir

        stem = _stem("petrarch", path)
        result = import_petrarch(path, load_kb(exclude=user_kb_dir() / f"{stem}.yaml"))
        _finish_import(result, stem, dry_run, as_json)

    @kb_app.command("suggest")
    def kb_suggest(
        db: Annotated[str, typer.Option("--db", help="DuckDB store")] = "tocsin.duckdb",
        min_documents: Annotated[int, typer.Option("--min-documents")] = 2,
        limit: Annotated[int, typer.Option()] = 30,
        as_yaml: Annotated[bool, typer.Option("--yaml", help="print KB entries")] = False,
        as_json: JsonFlag = False,
    ) -> None:
        """Frequent names in the store that the KB lacks, with a proposed entry."""
        import yaml

        from tocsin.actors.kb import get_kb
        from tocsin.analysis.kb_suggest import suggest
        from tocsin.store import Store

        if not Path(db).exists():
            _fail(f"no store at {db}: run `tocsin ingest` first")
        with Store(db, read_only=True) as store:
            found = suggest(store, get_kb(), min_documents, limit)
        if as_yaml:
            sys.stdout.write(yaml.safe_dump([s.to_entry() for s in found], sort_keys=False,
                                            allow_unicode=True))
            return
        if as_json:
            for s in found:
                sys.stdout.write(json.dumps({**s.to_entry(), "documents": s.documents,
                                             "mentions": s.mentions,
                                             "evidence": s.evidence}) + "\n")
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{len(found)} unresolved names seen in >= {min_documents} documents")
        for col in ("name", "docs", "type?", "country?", "parent?", "evidence"):
            table.add_column(col)
        for s in found:
            table.add_row(s.name, str(s.documents), s.type, s.country or "", s.parent or "",
                          (s.evidence[0] if s.evidence else "")[:120])
        Console().print(table)

    @kb_app.command("add")
    def add_cmd(path: FileArg) -> None:
        """Validate a YAML file of actors (shipped format) and copy it to the user KB."""
        from tocsin.actors.imports import add_user_file, validate_user_file
        from tocsin.actors.kb import get_kb

        try:
            actors = validate_user_file(path)
            target = add_user_file(path)
        except KBError as exc:
            _fail(f"{path.name} was not added:\n{exc}")
            return
        get_kb.cache_clear()
        sys.stdout.write(f"added {len(actors)} actors -> {target}\n")

    @app.command("graph")
    def graph_cmd(actor: str, depth: Annotated[int, typer.Option(help="hops")] = 1,
                  at: AtOpt = None, as_json: JsonFlag = False,
                  graphml: Annotated[Path | None, typer.Option(help="write GraphML")] = None,
                  ) -> None:
        """The actor graph around an actor (edges valid on --at), as text/JSON/GraphML."""
        from tocsin.actors.graph import graph_at, neighbourhood, to_graphml

        kb = _kb()
        found = resolve(kb, actor)
        if found is None:
            _fail(f"no actor matches {actor!r}", 1)
            return
        sub = neighbourhood(graph_at(kb, _day(at)), found.id, depth)
        if graphml is not None:
            to_graphml(sub, graphml)
        nodes = [{"id": n, **d} for n, d in sorted(sub.nodes(data=True))]
        edges = [{"source": u, "target": v, **d} for u, v, d in sub.edges(data=True)]
        if as_json:
            sys.stdout.write(json.dumps({"center": found.id, "at": at, "nodes": nodes,
                                         "edges": edges}, ensure_ascii=False, indent=2)
                             + "\n")
            return
        sys.stdout.write(f"{found.name} ({found.id}), depth {depth}, at {at or 'any date'}: "
                         f"{len(nodes)} actors, {len(edges)} edges\n")
        for e in sorted(edges, key=lambda e: (e["source"], e["type"], e["target"])):
            span = f" [{e['start'] or '?'} .. {e['end'] or ''}]" if (
                e["start"] or e["end"]) else ""
            sys.stdout.write(f"  {e['source']} --{e['type']}--> {e['target']}{span}\n")
        if graphml is not None:
            sys.stdout.write(f"GraphML written to {graphml}\n")
