"""Read side of the gazetteer: name normalisation and the on-disk SQLite index.

The index is built once per cache directory by :mod:`tocsin.geo.build`; a loaded
:class:`Gazetteer` holds only a read-only SQLite connection and a small LRU cache.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import unicodedata
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from tocsin.lexicon_data import ordered, table, words

SITES_FILE = Path(__file__).resolve().parent.parent / "data" / "sites.yaml"
# The word lists of the key normalisation below: part of the index's build hash (build.py).
NAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "lexicon" / "place_names.yaml"

# Arabic article tokens, spelling variants and facility tails (lexicon/place_names.yaml).
_ARTICLES = words("place_names", "arabic_articles")
_LEADING_DROP = _ARTICLES | {"the"}
_TOKEN_VARIANTS = table("place_names", "token_variants")
# Trailing facility words, all folded to one marker so "K-1 Air Base" == "K-1 base".
_FACILITY_TAILS = ordered("place_names", "facility_tails")
FACILITY_MARK = "base"
_TAILS = tuple(" " + re.sub(r"([a-z])\1+", r"\1", t) for t in _FACILITY_TAILS)
_QUOTE_MARKS = re.compile("['\u2018\u2019\u02bc\u02bb\u02bf\u02be`\u00b4\u02b9]")
_NON_WORD = re.compile(r"[^\w]+")
_DOUBLED = re.compile(r"([a-z])\1+")


@lru_cache(maxsize=65536)
def normalize_place(name: str) -> str:
    """The lookup key of a place name.

    casefold, strip diacritics and apostrophe/ayn marks, punctuation to spaces, drop a
    leading article ("the", "al-", "an-"...), fold internal Arabic articles to "al", fold
    ayn/ain spellings, collapse doubled letters (Assad/Asad) and canonicalise trailing
    facility words ("air base", "airport" ...). Vowel or q/k variants are left alone:
    folding them merges too many distinct places.
    """
    s = name.casefold()
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s)
        s = "".join(c for c in s if not unicodedata.combining(c))
    s = _QUOTE_MARKS.sub("", s)
    s = _NON_WORD.sub(" ", s).replace("_", " ")
    toks = s.split()
    # "al-Asad" written as one token "alasad" is rare; only separate article tokens fold.
    while len(toks) > 1 and toks[0] in _LEADING_DROP:
        toks = toks[1:]
    out = [
        "al" if 0 < i < len(toks) - 1 and t in _ARTICLES else _TOKEN_VARIANTS.get(t, t)
        for i, t in enumerate(toks)
    ]
    # Arabic final ta marbuta is written with or without h: Hawijah/Hawija, Raqqah/Raqqa.
    out = [t[:-1] if len(t) >= 5 and t.endswith("ah") else t for t in out]
    s = _DOUBLED.sub(r"\1", " ".join(out))
    for tail in _TAILS:
        if s.endswith(tail):
            return s[: -len(tail)] + " " + FACILITY_MARK
    return s


@dataclass(frozen=True, slots=True)
class GazEntry:
    id: str
    name: str
    lat: float
    lon: float
    country: str | None  # ISO3
    admin1: str | None
    feature: str
    population: int


_COLS = "e.id, e.name, e.lat, e.lon, e.country, e.admin1, e.feature, e.population"


class Gazetteer:
    """Lookups against the SQLite index; results are cached in a small LRU."""

    def __init__(self, path: str | os.PathLike[str], cache_size: int = 4096) -> None:
        self.path = Path(path)
        self._conn = sqlite3.connect(
            f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        self._lock = threading.Lock()
        # A GeoNames import (``tocsin gazetteer import-geonames``) lives beside the index.
        extra = self.path.parent / "geonames-import.sqlite"
        self._has_import = extra.exists()
        if self._has_import:
            self._conn.execute("ATTACH DATABASE ? AS imp", (f"file:{extra}?mode=ro",))
        self._cache: OrderedDict[str, list[GazEntry]] = OrderedDict()
        self._cache_size = cache_size
        self._countries: dict[str, GazEntry] | None = None

    def lookup(self, name: str) -> list[GazEntry]:
        """All entries whose name or an alternate name normalises like ``name``."""
        return self.lookup_key(normalize_place(name))

    def lookup_key(self, key: str) -> list[GazEntry]:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return list(hit)
            rows = self._conn.execute(
                f"SELECT {_COLS} FROM names n JOIN entries e ON e.n = n.n WHERE n.key = ?",
                (key,),
            ).fetchall()
            if self._has_import:
                rows += self._conn.execute(
                    f"SELECT {_COLS} FROM imp.names n JOIN imp.entries e ON e.n = n.n "
                    "WHERE n.key = ?", (key,)).fetchall()
            res = [GazEntry(*r) for r in rows]
            self._cache[key] = res
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return list(res)

    def fuzzy(self, name: str, min_ratio: float = 88.0) -> list[GazEntry]:
        """Entries whose key is a close spelling of ``name``'s ("Mussaiyab" ~ "Musayab"):
        keys sharing the first three letters, compared by edit-distance ratio; one swapped
        pair of letters ("Ghanzi" for "Ghazni") counts as a single edit."""
        from rapidfuzz import fuzz
        from rapidfuzz.distance import OSA

        key = normalize_place(name)
        if len(key) < 5:
            return []
        lo, hi = key[:3], key[:2] + chr(ord(key[2]) + 1)
        with self._lock:
            keys = [k for (k,) in self._conn.execute(
                "SELECT DISTINCT key FROM names WHERE key >= ? AND key < ?", (lo, hi))]
        close = [k for k in keys if k != key and (
            fuzz.ratio(k, key) >= min_ratio
            or (len(key) >= 6 and OSA.normalized_similarity(k, key) >= 0.83))]
        return [e for k in close[:20] for e in self.lookup_key(k)]

    def country_entry(self, iso3: str) -> GazEntry | None:
        """The country-level entry of ``iso3`` (all of them are read once, on first use)."""
        with self._lock:
            if self._countries is None:
                rows = self._conn.execute(
                    f"SELECT {_COLS} FROM entries e WHERE e.feature = 'country'").fetchall()
                self._countries = {r[4]: GazEntry(*r) for r in rows if r[4]}
            return self._countries.get(iso3)

    def get(self, place_id: str) -> GazEntry | None:
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_COLS} FROM entries e WHERE e.id = ?", (place_id,)
            ).fetchone()
            if row is None and self._has_import:
                row = self._conn.execute(
                    f"SELECT {_COLS} FROM imp.entries e WHERE e.id = ?", (place_id,)
                ).fetchone()
        return GazEntry(*row) if row else None

    def admin1_names(self) -> dict[tuple[str, str], str]:
        """(ISO2, GeoNames admin1 code) -> display name, for imported places."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT cc, a1code, name FROM entries WHERE feature = 'admin1'").fetchall()
        return {(cc, code): name for cc, code, name in rows}

    def iso3_codes(self) -> dict[str, str]:
        """ISO2 -> ISO3 of every country in the index."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT cc, country FROM entries WHERE feature = 'country'").fetchall()
        return {cc: c3 for cc, c3 in rows if cc and c3}

    def meta(self) -> dict[str, str]:
        with self._lock:
            return dict(self._conn.execute("SELECT k, v FROM meta").fetchall())

    def close(self) -> None:
        self._conn.close()


_singleton: Gazetteer | None = None
_singleton_lock = threading.Lock()


def cache_dir() -> Path:
    env = os.environ.get("TOCSIN_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "tocsin"


# The gazetteer of the pipeline running in this context (`tocsin.resources`).
ACTIVE_GAZETTEER: ContextVar[Gazetteer | None] = ContextVar("tocsin_gazetteer", default=None)


def get_gazetteer() -> Gazetteer:
    """The running pipeline's gazetteer, else the packaged one (its index built on first
    use if needed)."""
    active = ACTIVE_GAZETTEER.get()
    if active is not None:
        return active
    global _singleton
    with _singleton_lock:
        if _singleton is None:
            from tocsin.geo.build import ensure_index

            _singleton = Gazetteer(ensure_index(cache_dir()))
        return _singleton


def reset_gazetteer() -> None:
    """Forget the singleton (e.g. after TOCSIN_CACHE changes)."""
    global _singleton
    with _singleton_lock:
        if _singleton is not None:
            _singleton.close()
        _singleton = None


@lru_cache(maxsize=1)
def load_sites_file() -> dict[str, Any]:
    """The curated sites file, parsed once."""
    with SITES_FILE.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=1)
def site_keys() -> frozenset[str]:
    """Normalised names and aliases of every curated entry (sites and regions)."""
    keys: set[str] = set()
    for site in load_sites_file().get("sites", []):
        for n in [site["name"], *site.get("aliases", [])]:
            k = normalize_place(str(n))
            if k:
                keys.add(k)
    return frozenset(keys)
