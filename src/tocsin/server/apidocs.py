"""`/docs`: Swagger UI served by this server from the pinned `swagger-ui-bundle-v2` wheel.

FastAPI's own docs page loads Swagger UI from a CDN, which the server's CSP blocks and an
offline machine cannot reach. The wheel (Swagger UI 5, Apache-2.0, licence in its
dist-info) is a declared dependency, so `pip install` brings the assets; nothing is fetched
at run time. The page has no inline script: the initializer is /static/docs/init.js.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tocsin API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<script src="/docs/assets/swagger-ui-bundle.js" defer></script>
<script src="/static/docs/init.js" defer></script>
</head>
<body data-page="docs">
<div id="swagger-ui"></div>
</body>
</html>
"""


def swagger_dir() -> Path:
    import swagger_ui_bundle

    return Path(str(swagger_ui_bundle.swagger_ui_path))


def add_docs(app: FastAPI) -> None:
    """Mount the assets and the page; the app must be built with docs_url=None."""
    app.mount("/docs/assets", StaticFiles(directory=swagger_dir()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(PAGE, headers={"Cache-Control": "no-cache"})
