"""PETRARCH/Phoenix actor dictionaries: blocks, CAMEO-style codes and their dates.

Format: a head line ``NAME_ [CODE]`` (or codes on following indented lines), ``+ALIAS_``
lines, ``#`` comments, underscores for spaces, dated codes such as
``[IRQGOV 20110101-20140908]``, ``[IRQ <20030320]`` or ``[IRQMIL >20140610]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pycountry


def iso3(code: str) -> str | None:
    """ISO 3166 alpha-3 for an alpha-2 or alpha-3 code, or None."""
    code = code.strip()
    if len(code) == 3:
        found = pycountry.countries.get(alpha_3=code.upper())
    elif len(code) == 2:
        found = pycountry.countries.get(alpha_2=code.upper())
    else:
        return None
    return found.alpha_3 if found else None


_SECTORS: dict[str, str] = {
    "MIL": "military", "GOV": "government", "LEG": "government", "JUD": "government",
    "ELI": "government", "SPY": "government", "COP": "police", "REB": "rebel",
    "INS": "rebel", "SEP": "rebel", "IMG": "rebel", "UAF": "militia", "OPP": "party",
    "PTY": "party", "MED": "media", "NGO": "organization", "IGO": "organization",
    "NGM": "organization", "BUS": "organization", "MNC": "organization",
    "CVL": "civilians", "REF": "civilians", "LAB": "civilians", "EDU": "civilians",
    "HLH": "organization", "CRM": "rebel", "AGR": "civilians",
}
# Sectors whose dated codes mean holding a state office (ELI = elite, not an office).
_OFFICE = frozenset({"GOV", "MIL", "LEG", "JUD", "COP", "SPY"})
_CODE = re.compile(r"\[([A-Z]{3,})\s*([<>]?\d{6,10}(?:-\d{6,10})?)?\s*\]")


ORG_WORDS = frozenset({
    "organization", "organisation", "brigade", "brigades", "army", "front", "movement",
    "party", "corps", "forces", "force", "council", "group", "ministry", "committee",
    "union", "league", "battalion", "battalions", "division", "guard", "guards", "police",
    "militia", "association", "agency", "service", "command", "government", "liwa",
    "jaysh", "jaish", "harakat", "kataib", "saraya", "hizb", "tanzim", "jamaat",
})


def _petrarch_date(raw: str) -> str:
    raw = raw[-8:] if len(raw) > 8 else raw
    if len(raw) == 6:  # YYMMDD, TABARI style
        yy = int(raw[:2])
        raw = f"{'20' if yy <= 30 else '19'}{raw}"
    return f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}"


def parse_code(code: str, dates: str | None) -> dict[str, Any]:
    """A CAMEO-style code ("IRQMIL", "PSEREBHMS") and its dates -> country/type/period."""
    chunks = [code[i:i + 3] for i in range(0, len(code), 3)]
    country = iso3(chunks[0]) if chunks else None
    sector = next((_SECTORS[c] for c in chunks[1:] if c in _SECTORS), None)
    if sector is None and chunks and chunks[0] in _SECTORS:
        sector = _SECTORS[chunks[0]]  # "IMG..." = an international armed group
    start = end = None
    if dates:
        if dates.startswith("<"):
            end = _petrarch_date(dates[1:])
        elif dates.startswith(">"):
            start = _petrarch_date(dates[1:])
        elif "-" in dates:
            a, b = dates.split("-", 1)
            start, end = _petrarch_date(a), _petrarch_date(b)
    return {"code": code, "country": country, "type": sector, "eli": "ELI" in chunks[1:],
            "office": bool(_OFFICE & set(chunks[1:])), "start": start, "end": end}


def _words(raw: str) -> str:
    name = raw.strip().rstrip("_").replace("_", " ")
    name = re.sub(r"\s*\(([A-Z0-9/.-]+)\)\s*$", "", name)  # trailing "(AAIA)" acronym
    return re.sub(r"\s+", " ", name).strip()


def read_petrarch(lines: Iterable[str]) -> list[dict[str, Any]]:
    """Blocks of a PETRARCH actor dictionary: {name, aliases, acronyms, codes, line}."""
    blocks: list[dict[str, Any]] = []
    cur: dict[str, Any] | None = None
    for n, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        codes = [parse_code(c, d) for c, d in _CODE.findall(line)]
        text = _CODE.sub("", line).strip()
        if line.startswith("+") or (not text and cur is not None):
            if cur is None:
                continue  # an alias before any head: nothing to attach it to
            for part in text.split("+"):
                if _words(part):
                    cur["aliases"].append(_words(part))
                m = re.search(r"\(([A-Z0-9/.-]{2,8})\)\s*_?$", part.strip())
                if m:
                    cur["aliases"].append(m.group(1))
            cur["codes"] += codes
            continue
        if not text:
            continue
        cur = {"name": _words(text), "aliases": [], "codes": codes, "line": n}
        m = re.search(r"\(([A-Z0-9/.-]{2,8})\)\s*_?$", text)
        if m:
            cur["aliases"].append(m.group(1))
        blocks.append(cur)
    return blocks


def titlecase(name: str) -> str:
    """"ABU_NIDAL_ORGANIZATION" -> "Abu Nidal Organization" (acronyms stay upper)."""
    if not name.isupper() or len(name.split()) == 1 and len(name) <= 4:
        return name
    small = {"of", "and", "the", "for", "in", "al", "el", "de", "la", "on"}
    out = []
    for i, w in enumerate(name.lower().split()):
        if i and w in small:
            out.append(w)
        elif w[:3] in ("al-", "el-", "ad-", "as-", "an-"):
            out.append(w[:3] + w[3:].capitalize())
        else:
            out.append(w.capitalize())
    return " ".join(out)
