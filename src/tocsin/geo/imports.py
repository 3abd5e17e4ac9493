"""Adding a full GeoNames dump (IQ.zip, allCountries.zip or a plain .txt) to the index.

The packaged gazetteer holds places of 500+ inhabitants; reporting from a conflict zone
names villages below that. An import is written to its own SQLite file beside the index
(``geonames-import.sqlite`` in the cache directory), so rebuilding the packaged index
never loses it; :class:`tocsin.geo.gazetteer.Gazetteer` reads both. The dump is streamed
line by line, so memory stays flat even for allCountries (12 million lines).
"""

from __future__ import annotations

import io
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tocsin.geo.build import CITY_POPULATION, _keys
from tocsin.geo.gazetteer import cache_dir, get_gazetteer, reset_gazetteer

IMPORT_FILE = "geonames-import.sqlite"
# GeoNames feature codes worth a place in an event gazetteer, mapped to tocsin features.
# Populated places (class P) are always kept.
_CODES = {
    "ADM1": "admin1", "ADM2": "admin2", "ADM3": "admin2", "PCLI": "country",
    "AIRP": "airport", "AIRF": "airport", "AIRB": "base", "MILB": "base", "INSM": "base",
    "CMP": "site", "CMPRF": "site", "DAM": "site", "BDG": "site", "OILF": "site",
    "GASF": "site", "RFY": "site", "PO": "site", "PRT": "site", "BCP": "site",
    "OILP": "site", "PSTB": "site", "RGN": "region", "VAL": "region", "MT": "other",
    "ISL": "other", "WAD": "other", "STM": "other", "LK": "other", "RSV": "site",
}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (n INTEGER PRIMARY KEY, id TEXT UNIQUE, name TEXT,
    lat REAL, lon REAL, country TEXT, admin1 TEXT, feature TEXT, population INTEGER);
CREATE TABLE IF NOT EXISTS names (key TEXT, n INTEGER, PRIMARY KEY (key, n)) WITHOUT ROWID;
"""


def import_path(cache: Path | None = None) -> Path:
    return (cache or cache_dir()) / IMPORT_FILE


def _lines(path: Path) -> Iterator[str]:
    """Text lines of a GeoNames dump, from a .zip (its largest .txt member) or a .txt."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist() if i.filename.endswith(".txt")
                       and not i.filename.lower().startswith("readme")]
            if not members:
                raise ValueError(f"{path}: no .txt member in the zip")
            member = max(members, key=lambda i: i.file_size)
            with zf.open(member) as raw:
                yield from io.TextIOWrapper(raw, encoding="utf-8")
        return
    fh: IO[str]
    with path.open(encoding="utf-8") as fh:
        yield from fh


def _feature(fclass: str, fcode: str, population: int) -> str | None:
    if fclass == "P":
        return "city" if population >= CITY_POPULATION else "village"
    return _CODES.get(fcode)


def import_geonames(path: Path, cache: Path | None = None) -> int:
    """Add the places of a GeoNames dump to the import index; returns how many were added
    or updated. Places the packaged index already has (same GeoNames id) are skipped."""
    gaz = get_gazetteer()
    a1 = gaz.admin1_names()
    iso3 = gaz.iso3_codes()
    out = import_path(cache)
    out.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(out)
    conn.executescript(_SCHEMA)
    added = 0
    batch: list[tuple[str, str, float, float, str | None, str | None, str, int, list[str]]] = []

    def flush() -> None:
        for pid, name, lat, lon, c3, adm1, feat, pop, alts in batch:
            cur = conn.execute(
                "INSERT INTO entries (id, name, lat, lon, country, admin1, feature, population)"
                " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET name=excluded.name"
                " RETURNING n", (pid, name, lat, lon, c3, adm1, feat, pop))
            n = cur.fetchone()[0]
            conn.executemany("INSERT OR IGNORE INTO names VALUES (?,?)",
                             [(k, n) for k in _keys(alts, name)])
        batch.clear()

    for line in _lines(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 15:
            continue
        try:
            pop = int(f[14] or 0)
            lat, lon = float(f[4]), float(f[5])
        except ValueError:
            continue
        feat = _feature(f[6], f[7], pop)
        pid = f"geonames:{f[0]}"
        if feat is None or gaz.get(pid) is not None:
            continue
        cc = f[8]
        alts = [a for a in f[3].split(",") if a] + ([f[2]] if f[2] else [])
        batch.append((pid, f[1], lat, lon, iso3.get(cc), a1.get((cc, f[10])), feat, pop,
                      alts))
        added += 1
        if len(batch) >= 5000:
            flush()
    flush()
    conn.commit()
    conn.close()
    if out == import_path():
        reset_gazetteer()  # the process-wide index reopens with the import attached
    return added
