"""Events as an RFC 7946 GeoJSON FeatureCollection (located events only)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any


def feature_collection(rows: list[dict[str, Any]]) -> dict[str, Any]:
    features = []
    for r in rows:
        if r.get("lat") is None or r.get("lon") is None:
            continue  # RFC 7946 allows null geometry, but maps cannot place such features
        props = {k: v.isoformat() if isinstance(v, date) else v for k, v in r.items()
                 if k not in ("lat", "lon")}
        features.append({
            "type": "Feature", "id": r["id"],
            # RFC 7946 3.1.1: longitude first, WGS 84, at most 6 decimals is plenty.
            "geometry": {"type": "Point",
                         "coordinates": [round(float(r["lon"]), 6), round(float(r["lat"]), 6)]},
            "properties": props,
        })
    return {"type": "FeatureCollection", "features": features}


def write_geojson(rows: list[dict[str, Any]], out: str | Path) -> int:
    fc = feature_collection(rows)
    Path(out).write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return len(fc["features"])
