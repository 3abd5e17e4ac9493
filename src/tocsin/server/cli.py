"""`tocsin serve`, and `tocsin ingest --server URL` (post inputs to a running server)."""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from tocsin.server.settings import TOKEN_ENV


def register(app: typer.Typer) -> None:
    """Add `serve` to the `tocsin` app and give `ingest` a --server option."""

    @app.command()
    def serve(
        db: Annotated[str, typer.Option("--db", help="DuckDB file")] = "tocsin.duckdb",
        host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="TCP port")] = 8000,
        token: Annotated[str | None, typer.Option(
            help=f"token for write endpoints (default: ${TOKEN_ENV})")] = None,
        open_reads: Annotated[bool, typer.Option(
            "--open-reads", help="serve reads without token beyond loopback")] = False,
        cors_origin: Annotated[list[str] | None, typer.Option(
            help="allow this browser origin (repeatable); CORS is off by default")] = None,
        max_body_mb: Annotated[float, typer.Option(help="request body limit, MB")] = 5.0,
        allow_private: Annotated[bool, typer.Option(
            "--allow-private", help="URL ingest may fetch private addresses")] = False,
    ) -> None:
        """Serve the REST API (/docs, /openapi.json) and the web UI over one store."""
        import uvicorn

        from tocsin.server.app import create_app
        from tocsin.server.settings import Settings, is_loopback

        settings = Settings.from_env(db=db, host=host, port=port, token=token,
                                     open_reads=open_reads, cors_origins=cors_origin or [],
                                     max_body=int(max_body_mb * 1024 * 1024),
                                     allow_private=allow_private)
        if not is_loopback(host) and not settings.token and not open_reads:
            raise typer.BadParameter(f"listening on {host} needs --token (or {TOKEN_ENV}) "
                                     "or --open-reads")
        _check_db(db)
        typer.echo(f"tocsin serving {db} on http://{host}:{port}/ "
                   f"(writes {'need the token' if settings.token else 'disabled'})", err=True)
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning",
                    access_log=False)

    _add_server_option(app)


def _check_db(db: str) -> None:
    import duckdb

    try:
        duckdb.connect(db).close()
    except duckdb.Error as exc:  # typically another process holds the write lock
        raise typer.BadParameter(f"cannot open {db}: {exc}") from None


def _add_server_option(app: typer.Typer) -> None:
    """Wrap the store's `ingest` command: with --server URL, inputs go to that server
    (which owns its database) instead of a local file."""
    info = next((c for c in app.registered_commands
                 if (c.name or getattr(c.callback, "__name__", "")) in ("ingest",
                                                                         "ingest_cmd")), None)
    if info is None or info.callback is None:
        return
    original = info.callback
    sig = inspect.signature(original, eval_str=True)
    extra = [
        inspect.Parameter("server", inspect.Parameter.KEYWORD_ONLY, default=None,
                          annotation=Annotated[str | None, typer.Option(
                              "--server", help="post to a running `tocsin serve` at URL")]),
        inspect.Parameter("token", inspect.Parameter.KEYWORD_ONLY, default=None,
                          annotation=Annotated[str | None, typer.Option(
                              "--token", help=f"the server's token (default: ${TOKEN_ENV})")]),
    ]

    def ingest_cmd(**kwargs: Any) -> Any:
        server, token = kwargs.pop("server"), kwargs.pop("token")
        if server is None:
            return original(**kwargs)
        from tocsin.server.client import post_inputs

        errors = post_inputs(server, kwargs["paths"], token or os.environ.get(TOKEN_ENV),
                             kwargs.get("published"), log=sys.stderr)
        raise typer.Exit(1 if errors else 0)

    ingest_cmd.__signature__ = sig.replace(  # type: ignore[attr-defined]
        parameters=[*sig.parameters.values(), *extra])
    ingest_cmd.__doc__ = ((original.__doc__ or "").strip() + " With --server URL, the inputs "
                          "are posted to a running `tocsin serve`.")
    info.callback = ingest_cmd


def file_inputs(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Local files to upload (directories walked) and URLs to pass on as they are."""
    from tocsin.ingest.walk import is_url, walk

    files: list[Path] = []
    urls: list[str] = []
    for p in paths:
        if is_url(p):
            urls.append(p)
        elif Path(p).is_dir():
            files.extend(walk(Path(p)))
        else:
            files.append(Path(p))
    return files, urls
