"""The JS libraries of the web UI, from pinned PyPI packages (declared dependencies) and
served from this origin, so the content-security policy ('self') allows them and nothing
is fetched from a CDN:

- /vendor/leaflet, /vendor/markercluster: Leaflet and Leaflet.markercluster (the map),
  from the XStatic wheels;
- /vendor/vis-network: vis-network 9.1.2's standalone build and its CSS (the network
  page), the copy that the pyvis wheel ships in pyvis/lib/vis-9.1.2. Only that folder is
  served, and pyvis is located without being imported (it would import IPython).
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

VIS_NETWORK = "vis-9.1.2"


def _package_dir(name: str) -> Path:
    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the web UI needs the {name} package: pip install tocsin's "
                           "dependencies (make setup)")
    return Path(next(iter(spec.submodule_search_locations)))


def vendor_dirs() -> dict[str, Path]:
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as cluster

    return {"leaflet": Path(leaflet.BASE_DIR), "markercluster": Path(cluster.BASE_DIR),
            "vis-network": _package_dir("pyvis") / "lib" / VIS_NETWORK}


def add_vendor(app: FastAPI) -> None:
    """Mount /vendor/NAME for each library (before the catch-all pages)."""
    for name, folder in vendor_dirs().items():
        app.mount(f"/vendor/{name}", StaticFiles(directory=folder), name=f"vendor-{name}")
