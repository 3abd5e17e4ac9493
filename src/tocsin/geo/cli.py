"""`tocsin gazetteer`: add a GeoNames dump to the index, and look names up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    gaz_app = typer.Typer(help="The place index: imports and lookups.", no_args_is_help=True)

    @gaz_app.command("import-geonames")
    def import_geonames_cmd(
        path: Annotated[Path, typer.Argument(help="IQ.zip, allCountries.zip or a .txt dump "
                                                  "in GeoNames' tab-separated format")],
    ) -> None:
        """Add a full GeoNames dump (village-level places) to the index."""
        from tocsin.geo.imports import import_geonames, import_path

        if not path.exists():
            typer.echo(f"no such file: {path}", err=True)
            raise typer.Exit(2)
        n = import_geonames(path)
        typer.echo(f"imported {n} places into {import_path()}")

    @gaz_app.command("lookup")
    def lookup_cmd(
        name: Annotated[str, typer.Argument(help="a place name, any spelling")],
        limit: Annotated[int, typer.Option(help="at most N entries")] = 20,
    ) -> None:
        """Every index entry a name can mean, most populous first."""
        from tocsin.geo.gazetteer import get_gazetteer

        hits = sorted(get_gazetteer().lookup(name), key=lambda e: -e.population)
        if not hits:
            typer.echo(f"no place named {name!r}")
            raise typer.Exit(1)
        for e in hits[:limit]:
            typer.echo(f"{e.id}\t{e.name}\t{e.feature}\t{e.country or '-'}\t"
                       f"{e.admin1 or '-'}\t{e.lat:.4f},{e.lon:.4f}\tpop {e.population}")

    app.add_typer(gaz_app, name="gazetteer")
