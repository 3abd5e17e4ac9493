"""The map's offline basemap and its vendored map library.

Basemap: Natural Earth (public domain) admin-0 polygons, admin-1 boundary lines and
populated places as GeoJSON in tocsin/data/basemap/, built and simplified by
scripts/build_basemap.py from pinned packages (SOURCES.json says which) and shipped with
tocsin, so the map needs no tile server and no network.

Library: Leaflet and Leaflet.markercluster from the pinned XStatic wheels (declared
dependencies), served from this origin so the content-security policy ('self') allows them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

DATA = Path(__file__).resolve().parents[1] / "data" / "basemap"
LAYERS = ("admin0", "admin1", "places")


@lru_cache(maxsize=len(LAYERS))
def layer(name: str) -> bytes:
    """One layer's GeoJSON, as stored (compact already; the gzip middleware shrinks it)."""
    if name not in LAYERS:
        raise KeyError(name)
    return (DATA / f"{name}.geojson").read_bytes()


def sources() -> dict[str, Any]:
    info: dict[str, Any] = json.loads((DATA / "SOURCES.json").read_text(encoding="utf-8"))
    info["layers_url"] = {n: f"/api/basemap/{n}" for n in LAYERS}
    return info


def vendor_dirs() -> dict[str, Path]:
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as cluster

    return {"leaflet": Path(leaflet.BASE_DIR), "markercluster": Path(cluster.BASE_DIR)}


def add_vendor(app: FastAPI) -> None:
    """Mount /vendor/leaflet and /vendor/markercluster (before the catch-all pages)."""
    for name, folder in vendor_dirs().items():
        app.mount(f"/vendor/{name}", StaticFiles(directory=folder), name=f"vendor-{name}")
