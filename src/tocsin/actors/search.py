"""Rank knowledge-base actors for a free-text name, with an explained score.

Signals, strongest first (each alias of each actor is scored; the best alias wins):
- the same surface form (100), the same transliteration-aware key (97), the same
  consonant skeleton with the same word initials (90);
- acronyms: a query like "KH" against the initials of an alias, or the reverse (80);
- token alignment: query and alias words are paired greedily by similarity (equal key,
  same consonant skeleton = phonetic match, Levenshtein ratio, or a lone initial), each
  word weighted by its length and down-weighted if it is a generic word ("brigade",
  "abu"); query coverage counts more than alias coverage, so a short name inside a long
  official name still scores well, while a stray shared word does not;
- a whole-string fuzzy ratio on the keys (word order ignored).
Ambiguous aliases are discounted, and optional context adjusts the score: country,
actor type, and for persons whether they held any role on the date ``at``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process

from tocsin.actors.kb import KBActor, KnowledgeBase
from tocsin.actors.normalize import ascii_fold, name_key, skeleton
from tocsin.model import ActorType

# Words that carry little identity: they still align, but weigh less.
_GENERIC = frozenset({
    "abu", "umm", "ibn", "bin", "bint", "haj", "haji", "sayid", "sayyid", "sik", "sheikh",
    "brigad", "brigadis", "liwa", "kataib", "katib", "saraya", "sarai", "jais", "harakat",
    "movement", "forces", "forcis", "frunt", "front", "army", "armi", "group", "grup",
    "islamic", "islamik", "national", "natiunal", "organisation", "organization",
    "urganisatiun", "urganizatiun", "party", "parti", "council", "kunkil", "of", "and",
    "for", "in", "on", "li", "ua", "mujahidin",
})
_INITIAL_SKIP = frozenset({"of", "and", "for", "in", "on", "li", "ua", "wa", "de"})
_SPACE = re.compile(r"\s+")
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")


@dataclass(slots=True)
class Candidate:
    actor_id: str
    name: str
    type: ActorType
    country: str | None
    score: float
    matched: str  # the alias that scored best
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class _Alias:
    actor_id: str
    alias: str
    ambiguous: bool
    surface: str
    key: str
    skel: str
    initials: str
    person: bool
    qualifier: str | None = None  # "(Lebanon)" removed from "Hezbollah (Lebanon)"


def _surface(text: str) -> str:
    return _SPACE.sub(" ", ascii_fold(text)).strip(" .,;:")


def _initials(key: str) -> str:
    return "".join(w.lstrip("#")[0] for w in key.split() if w not in _INITIAL_SKIP)


_INDEX: dict[int, tuple[KnowledgeBase, list[_Alias], list[str]]] = {}


def _index(kb: KnowledgeBase) -> tuple[list[_Alias], list[str]]:
    """Alias records of a KB (built once per KB object; the KB is kept alive with it)."""
    cached = _INDEX.get(id(kb))
    if cached is not None and cached[0] is kb:
        return cached[1], cached[2]
    rows: list[_Alias] = []
    for actor in kb.actors.values():
        person = actor.type == "person"
        for alias in actor.names():
            forms: list[tuple[str, str | None]] = [(alias, None)]
            m = _QUALIFIER.search(alias)
            if m and m.start() > 0:
                forms.append((alias[:m.start()], m.group(0).strip()))
            for form, qualifier in forms:
                key = name_key(form)
                if key:
                    rows.append(_Alias(actor.id, alias, alias in actor.ambiguous_aliases,
                                       _surface(form), key, skeleton(form), _initials(key),
                                       person, qualifier))
    if len(_INDEX) > 4:
        _INDEX.clear()
    _INDEX[id(kb)] = (kb, rows, [r.key for r in rows])
    return rows, [r.key for r in rows]


def _token_sim(a: str, b: str) -> tuple[float, str]:
    """Similarity of two folded words in [0, 1] and how it was found."""
    if a == b:
        return 1.0, "same"
    if a.startswith("#") or b.startswith("#"):
        return 0.0, ""
    if len(a) == 1 or len(b) == 1:
        return (0.6, "initial") if a[0] == b[0] else (0.0, "")
    sa, sb = re.sub("[aiu]", "", a), re.sub("[aiu]", "", b)
    # Three consonants are too few to call two words the same (Komala vs Cemal).
    if len(sa) >= 4 and sa == sb and a[0] == b[0]:
        return 0.95, "phonetic"
    # Squared: transliteration variants are already folded, so what is left is a typo
    # or a different word ("nujaba" vs "naba" must not look like a near-match).
    ratio = fuzz.ratio(a, b) / 100
    return (ratio * ratio, "fuzzy") if ratio >= 0.75 else (0.0, "")


def _weight(word: str) -> float:
    return max(len(word.lstrip("#")), 2) * (0.35 if word in _GENERIC else 1.0)


def align(query_key: str, alias_key: str) -> tuple[float, float, list[str]]:
    """Greedy word alignment: (query coverage, alias coverage, notes on non-exact pairs)."""
    q, a = query_key.split(), alias_key.split()
    pairs = sorted(((*_token_sim(x, y), i, j) for i, x in enumerate(q)
                    for j, y in enumerate(a)), key=lambda p: -p[0])
    used_q: set[int] = set()
    used_a: set[int] = set()
    got_q = got_a = 0.0
    notes: list[str] = []
    for sim, how, i, j in pairs:
        if sim <= 0 or i in used_q or j in used_a:
            continue
        used_q.add(i)
        used_a.add(j)
        got_q += sim * _weight(q[i])
        got_a += sim * _weight(a[j])
        if how in ("phonetic", "fuzzy", "initial"):
            notes.append(f"{how} {q[i]}~{a[j]}")
    total_q = sum(_weight(w) for w in q) or 1.0
    total_a = sum(_weight(w) for w in a) or 1.0
    return got_q / total_q, got_a / total_a, notes


def _score_alias(query: str, qsurf: str, qkey: str, qskel: str,
                 row: _Alias) -> tuple[float, list[str]]:
    label = f"'{row.alias}'"
    if qsurf == row.surface:
        return 100.0, [f"exact name {label}"]
    if qkey == row.key:
        return 97.0, [f"same key after transliteration: {row.key}"]
    q_words, a_words = qkey.split(), row.key.split()
    if (len(qskel.replace(" ", "")) >= 4 and qskel == row.skel
            and [w[0] for w in q_words] == [w[0] for w in a_words]):
        return 90.0, [f"same consonant skeleton: {row.skel} ({label})"]
    best, reasons = 0.0, []
    # Acronyms both ways: "KH" ~ Kataib Hezbollah; "Kataib Hezbollah" ~ "KH".
    # Persons are not named by initials unless an alias says so ("MBS").
    q_acronym = len(q_words) == 1 and q_words[0].startswith("#") and len(a_words) >= 2
    a_acronym = len(a_words) == 1 and a_words[0].startswith("#") and len(q_words) >= 2
    if not row.person and q_acronym and q_words[0][1:] == row.initials:
        best, reasons = 75.0, [f"acronym: initials of {label}"]
    elif not row.person and a_acronym and a_words[0][1:] == _initials(qkey):
        best, reasons = 75.0, [f"acronym {row.alias} = initials of the query"]
    q_cov, a_cov, notes = align(qkey, row.key)
    aligned = 100 * (0.6 * q_cov + 0.4 * a_cov)
    if q_cov >= 0.9 > a_cov:
        aligned = min(aligned, 85.0)  # a part of a name is never as good as the name
    if aligned > best:
        best = aligned
        if q_cov >= 0.9 > a_cov:
            reasons = [f"all query words in {label} (partial, {100 * a_cov:.0f}% of it)"]
        else:
            reasons = [f"words aligned with {label}: {100 * q_cov:.0f}% of query, "
                       f"{100 * a_cov:.0f}% of alias"]
        reasons += notes[:3]
    # Whole-key ratio catches split/joined words ("Hizb Allah"); weak below 88.
    whole = float(fuzz.token_sort_ratio(qkey, row.key))
    adjusted = whole if whole >= 88 else whole * 0.75
    if adjusted > best + 2:
        best, reasons = adjusted, [f"fuzzy {whole:.0f} with {label}"]
    return best, reasons


def _bounds(value: str | None, end: bool) -> str | None:
    """A partial ISO date as the first (start) or last (end) day it can mean."""
    if not value:
        return None
    if len(value) == 4:
        return f"{value}-12-31" if end else f"{value}-01-01"
    if len(value) == 7:
        return f"{value}-31" if end else f"{value}-01"
    return value


def _time_context(actor: KBActor, at: date) -> tuple[float, str | None]:
    if actor.type != "person" or not actor.roles:
        return 0.0, None
    day = at.isoformat()
    # "founded" never ends, so it says little about being active on the day.
    active = [r for r in actor.roles if r.type != "founded"
              and (_bounds(r.start, False) or "") <= day <= (_bounds(r.end, True) or "9999")]
    if active:
        r = active[0]
        return 2.0, f"{r.type} {r.object} on {day}"
    ends = [r.end for r in actor.roles if r.end]
    if len(ends) == len(actor.roles) and max(ends) < day:
        return -3.0, f"no role on {day} (last ended {max(ends)})"
    return 0.0, None


def match_name(name: str, kb: KnowledgeBase, *, country: str | None = None,
               at: date | None = None, actor_type: str | None = None, limit: int = 10,
               min_score: float = 30.0) -> list[Candidate]:
    """KB actors ranked for a free-text name, best first, each with its reasons."""
    qsurf, qkey = _surface(name), name_key(name)
    if not qkey:
        return []
    qskel = skeleton(name)
    rows, keys = _index(kb)
    # Candidate aliases: a fast C-level fuzzy pass, plus exact key/skeleton/acronym hits
    # (which a fuzzy scorer may rank low for very short names).
    picked = {i for _k, _s, i in process.extract(qkey, keys, scorer=fuzz.WRatio,
                                                  limit=300, score_cutoff=50)}
    initials = _initials(qkey)
    for i, row in enumerate(rows):
        if row.key == qkey or row.skel == qskel or row.initials == qkey.lstrip("#") or (
                row.key.startswith("#") and row.key[1:] == initials):
            picked.add(i)
    best: dict[str, tuple[float, list[str], str]] = {}
    for i in picked:
        row = rows[i]
        score, reasons = _score_alias(name, qsurf, qkey, qskel, row)
        if row.qualifier:
            score *= 0.96
            reasons = [*reasons, f"without qualifier {row.qualifier}"]
        elif row.ambiguous:
            score *= 0.9
            reasons = [*reasons, "ambiguous alias (needs context)"]
        if row.actor_id not in best or score > best[row.actor_id][0]:
            best[row.actor_id] = (score, reasons, row.alias)
    out: list[Candidate] = []
    for actor_id, (score, reasons, alias) in best.items():
        actor = kb.actors[actor_id]
        if country:
            if actor.country == country.upper():
                score, reasons = score + 5, [*reasons, f"country {actor.country}"]
            elif actor.country:
                score, reasons = score - 5, [*reasons, f"country {actor.country} not "
                                             f"{country.upper()}"]
        if actor_type and actor.type == actor_type:
            score, reasons = score + 3, [*reasons, f"type {actor.type}"]
        if at is not None:
            delta, why = _time_context(actor, at)
            if why:
                score, reasons = score + delta, [*reasons, why]
        score = round(max(0.0, min(score, 100.0)), 1)
        if score >= min_score:
            out.append(Candidate(actor_id, actor.name, actor.type, actor.country, score,
                                 alias, reasons))
    out.sort(key=lambda c: (-c.score, c.actor_id))
    return out[:limit]
