"""Importers that turn external actor lists into KB entries (the shipped YAML format).

- FollowTheMoney JSON lines (OpenSanctions exports), parsed without the followthemoney
  package: Person/Organization/LegalEntity/Company entities, Sanction, Membership and
  Directorship links.
- PETRARCH/Phoenix actor dictionaries (``NAME_ [CODE]`` blocks, ``+ALIAS_`` lines,
  dated codes).
- User files (``tocsin kb add``): validated, then copied into the user KB dir.

An imported actor whose name or alias has the same key as an existing KB actor (of a
compatible kind) is not duplicated: the importer writes an ``extend: <id>`` entry that
adds the new aliases, designations, roles and sources to it.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tocsin.actors.kb import KBActor, KBError, KnowledgeBase, load_kb, user_kb_dir
from tocsin.actors.normalize import name_key, slug
from tocsin.actors.petrarch import ORG_WORDS, read_petrarch, titlecase
from tocsin.actors.petrarch import iso3 as _iso3
from tocsin.model import ACTOR_TYPES

DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
URI_RE = re.compile(r"^[a-z][a-z0-9+.-]*:\S+$")


@dataclass(slots=True)
class ImportResult:
    entries: list[dict[str, Any]] = field(default_factory=list)  # new actors
    extends: dict[str, dict[str, Any]] = field(default_factory=dict)  # existing id -> adds
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return len(self.entries)

    @property
    def merged(self) -> int:
        return len(self.extends)

    def yaml_entries(self) -> list[dict[str, Any]]:
        return [*self.entries, *self.extends.values()]

    def summary(self) -> dict[str, int]:
        return {"created": self.created, "merged": self.merged, "skipped": self.skipped}


def new_id(name: str, external_id: str) -> str:
    """A deterministic tocsin id: slug of the name plus a short hash of the source id."""
    digest = hashlib.sha1(external_id.encode("utf-8")).hexdigest()[:6]
    return f"{slug(name)[:40].strip('-')}-{digest}"


def _keys(name: str) -> set[str]:
    """Keys of a name as written and lower-cased ("HAMAS" is the word, not an acronym)."""
    return {name_key(name), name_key(name.lower())}


def _clean(entry: dict[str, Any]) -> dict[str, Any]:
    """Drop empty optional fields (country stays, null or not)."""
    return {k: v for k, v in entry.items() if k == "country" or v not in ([], None, "")}


def _add_unique(values: list[Any], new: Iterable[Any]) -> None:
    for v in new:
        if v not in values:
            values.append(v)


class _Merger:
    """Finds existing actors for imported names and accumulates the import result."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.result = ImportResult()
        self._by_key: dict[str, str] = {}  # name key -> id created in this import
        self.created: dict[str, dict[str, Any]] = {}  # id -> new entry

    def existing(self, names: list[str], is_person: bool) -> str | None:
        """The one KB actor that a name (or else an alias) denotes unambiguously."""
        for name in names:
            ids = {h.actor_id for h in self.kb.by_key.get(name_key(name), [])
                   if not h.ambiguous and h.kind in ("alias", "name")}
            ids = {i for i in ids
                   if (self.kb.actors[i].type == "person") == is_person}
            if len(ids) == 1:
                return ids.pop()
            if len(ids) > 1:
                return None
        return None

    def _names_of_others(self, names: list[str], target: str | None) -> set[str]:
        """Keys among ``names`` that already name a different KB actor."""
        return {name_key(n) for n in names
                if any(h.actor_id != target and not h.ambiguous
                       for h in self.kb.by_key.get(name_key(n), []))}

    def add(self, entry: dict[str, Any]) -> str:
        """Add an entry (merged into an existing or earlier actor if one matches)."""
        names = [entry["name"], *entry.get("aliases", [])]
        is_person = entry["type"] == "person"
        target = self.existing(names, is_person)
        # An alias that already names another actor (a leader listed under his group)
        # would make that name ambiguous: it is left out.
        taken = self._names_of_others(names[1:], target)
        kept = [a for a in entry.pop("aliases", []) if name_key(a) not in taken]
        if kept:
            entry["aliases"] = kept
        names = [entry["name"], *kept]
        if target is not None:
            ext = self.result.extends.setdefault(target, {"extend": target})
            known = {k for n in [*self.kb.actors[target].names(), *ext.get("aliases", [])]
                     for k in _keys(n)}
            new = []
            for n in dict.fromkeys(names):
                # Spelling variants the matcher already folds are not worth an alias.
                if not _keys(n) & known and all(
                        h.actor_id != target for h in self.kb.lookup(n)):
                    new.append(n)
                    known |= _keys(n)
            if new:
                _add_unique(ext.setdefault("aliases", []), new)
            listed = {(x.authority, x.programme, x.date)
                      for x in self.kb.actors[target].designations}
            entry["designations"] = [
                d for d in entry.get("designations", [])
                if (d["authority"], d["programme"], d["date"]) not in listed]
            for key in ("designations", "roles", "parents", "allies", "sources"):
                if entry.get(key):
                    _add_unique(ext.setdefault(key, []), entry[key])
            return target
        earlier = self._by_key.get(name_key(entry["name"]))
        if earlier is not None:
            old = self.created[earlier]
            if old["type"] == entry["type"]:
                have = {name_key(n) for n in [old["name"], *old.get("aliases", [])]}
                _add_unique(old.setdefault("aliases", []),
                            [n for n in names if name_key(n) not in have])
                for key in ("designations", "roles", "parents", "sources"):
                    _add_unique(old.setdefault(key, []), entry.get(key, []))
                return earlier
        self.result.entries.append(entry)
        self.created[str(entry["id"])] = entry
        self._by_key.setdefault(name_key(entry["name"]), entry["id"])
        return str(entry["id"])


# --- FollowTheMoney ----------------------------------------------------------------
_ACTOR_SCHEMAS = frozenset({"Person", "Organization", "LegalEntity", "Company",
                            "PublicBody"})


def _day(values: list[str]) -> str | None:
    for v in values:
        v = str(v)[:10]
        if DATE_RE.match(v):
            return v
        if DATE_RE.match(v[:7]):
            return v[:7]
    return None


def _ftm_type(schema: str, topics: list[str]) -> str:
    if schema == "Person":
        return "person"
    if schema == "PublicBody" or any(t.startswith("gov") for t in topics):
        return "government"
    if "mil" in topics:
        return "military"
    if "crime.terror" in topics or "crime.war" in topics:
        return "rebel"
    return "organization"


def _ftm_role(text: str) -> str:
    low = text.lower()
    for cue, role in (("deputy", "deputy_of"), ("spokes", "spokesperson_of"),
                      ("found", "founded"), ("command", "commander_of")):
        if cue in low:
            return role
    return "leader_of"


def read_ftm(lines: Iterable[str]) -> dict[str, dict[str, Any]]:
    """FtM entities by id from JSON lines (blank lines and bad JSON are errors)."""
    out: dict[str, dict[str, Any]] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KBError(f"line {n}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict) or "id" not in obj or "schema" not in obj:
            raise KBError(f"line {n}: an FtM entity needs 'id' and 'schema'")
        obj.setdefault("properties", {})
        out[str(obj["id"])] = obj
    return out


def import_ftm(path: Path, kb: KnowledgeBase | None = None) -> ImportResult:
    """KB entries from a FollowTheMoney JSON-lines file."""
    with path.open(encoding="utf-8") as fh:
        entities = read_ftm(fh)
    merger = _Merger(kb or load_kb())
    res = merger.result
    by_entity: dict[str, list[dict[str, Any]]] = {}
    links: list[dict[str, Any]] = []
    for ent in entities.values():
        props = ent["properties"]
        if ent["schema"] == "Sanction":
            for target in props.get("entity", []):
                by_entity.setdefault(target, []).append(
                    {"authority": (props.get("authority") or ["unknown authority"])[0],
                     "programme": (props.get("program") or props.get("reason") or [None])[0],
                     "date": _day(props.get("startDate", []) + props.get("listingDate", []))})
        elif ent["schema"] in ("Membership", "Directorship"):
            links.append(ent)
    ids: dict[str, str] = {}
    for ent in entities.values():
        if ent["schema"] not in _ACTOR_SCHEMAS:
            continue
        props = ent["properties"]
        names = props.get("name") or ([ent["caption"]] if ent.get("caption") else [])
        if not names:
            res.skipped += 1
            res.notes.append(f"{ent['id']}: no name")
            continue
        aliases = [a for a in [*names[1:], *props.get("alias", []),
                               *props.get("weakAlias", [])] if name_key(a)]
        countries = [c for c in (_iso3(x) for x in props.get("country", [])
                                 + props.get("nationality", [])
                                 + props.get("jurisdiction", [])) if c]
        datasets = ent.get("datasets") or []
        sources = [f"https://www.opensanctions.org/entities/{ent['id']}/",
                   *(f"https://www.opensanctions.org/datasets/{d}/" for d in datasets),
                   *(u for u in props.get("sourceUrl", []) if URI_RE.match(u))]
        notes = props.get("notes") or props.get("summary") or []
        entry: dict[str, Any] = {
            "id": new_id(names[0], ent["id"]), "name": names[0],
            "type": _ftm_type(ent["schema"], props.get("topics", [])),
            "country": countries[0] if countries else None,
            "aliases": list(dict.fromkeys(aliases)),
            "designations": by_entity.get(ent["id"], []),
            "description": str(notes[0])[:200] if notes else None,
            "sources": sources,
        }
        ids[ent["id"]] = merger.add(_clean(entry))
    for link in links:
        props = link["properties"]
        who = (props.get("member") or props.get("director") or [None])[0]
        org = (props.get("organization") or [None])[0]
        if who not in ids or org not in ids:
            res.skipped += 1
            res.notes.append(f"{link['id']}: link to an entity not in the file")
            continue
        _link(merger, ids[who], ids[org], link)
    return res


def _link(merger: _Merger, who: str, org: str, link: dict[str, Any]) -> None:
    props = link["properties"]
    start, end = _day(props.get("startDate", [])), _day(props.get("endDate", []))
    new = merger.created.get(who)
    is_person = (new is not None and new["type"] == "person") or (
        who in merger.kb.actors and merger.kb.actors[who].type == "person")
    if is_person:
        role = ("member_of" if link["schema"] == "Membership"
                else _ftm_role(" ".join(props.get("role", []))))
        fact: dict[str, Any] = {"roles": [{"type": role, "object": org, "start": start,
                                           "end": end}]}
    else:
        fact = {"parents": [org]}
    target = new if new is not None else merger.result.extends.setdefault(who, {"extend": who})
    for key, values in fact.items():
        _add_unique(target.setdefault(key, []), values)


# --- PETRARCH / Phoenix dictionaries -------------------------------------------------
def import_petrarch(path: Path, kb: KnowledgeBase | None = None) -> ImportResult:
    """KB entries from a PETRARCH/Phoenix ``.actors`` dictionary."""
    with path.open(encoding="utf-8", errors="replace") as fh:
        blocks = read_petrarch(fh)
    merger = _Merger(kb or load_kb())
    res = merger.result
    for block in blocks:
        codes = block["codes"]
        if not codes:
            res.skipped += 1
            continue
        # A block whose codes are bare country codes is a place/country list: aliases
        # there are cities and provinces, which must not become actor names.
        if all(c["type"] is None for c in codes):
            res.skipped += 1
            continue
        dated = [c for c in codes if c["start"] or c["end"]]
        # Dated codes usually mean a person's career, unless the name says organisation.
        is_person = any(c["eli"] for c in codes) or (
            len(dated) == len(codes) and not ORG_WORDS & set(block["name"].lower().split()))
        name = titlecase(block["name"])
        countries = [c["country"] for c in codes if c["country"]]
        entry: dict[str, Any] = {
            "id": new_id(name, f"{path.name}:{block['name']}"),
            "name": name,
            "type": "person" if is_person else next(c["type"] for c in codes if c["type"]),
            "country": countries[0] if countries else None,
            "aliases": [a for a in dict.fromkeys(titlecase(a) for a in block["aliases"])
                        if name_key(a) and name_key(a) != name_key(name)],
            "description": "CAMEO codes: " + ", ".join(sorted({c["code"] for c in codes})),
            "sources": [f"petrarch:{path.name}#L{block['line']}"],
        }
        if is_person:
            entry["roles"] = [{"type": "member_of", "object": c["country"].lower(),
                               "start": c["start"], "end": c["end"]}
                              for c in dated if c["country"] and c["office"]]
        merger.add(_clean(entry))
    return res


# --- user files -------------------------------------------------------------------
def write_import(result: ImportResult, name: str) -> Path:
    """Write an import's entries to ``<user KB dir>/<name>.yaml`` (replacing it)."""
    folder = user_kb_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.yaml"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(result.yaml_entries(), Dumper=dumper, allow_unicode=True,
                     sort_keys=False, width=100)
    target.write_text(f"# Imported by tocsin; regenerate rather than edit.\n{text}",
                      encoding="utf-8")
    return target


def validate_user_file(path: Path) -> list[KBActor]:
    """Check a user KB file against the format and the rest of the KB; KBError if bad."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KBError(f"{path.name}: not valid YAML ({exc})") from None
    except OSError as exc:
        raise KBError(f"{path}: cannot read ({exc.strerror})") from None
    if not isinstance(data, list) or not data:
        raise KBError(f"{path.name}: expected a non-empty YAML list of entries")
    problems = []
    for n, entry in enumerate(data, 1):
        where = f"{path.name}: entry {n} ({entry.get('id') if isinstance(entry, dict) else '?'})"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a mapping")
            continue
        if "extend" not in entry and entry.get("type") not in ACTOR_TYPES:
            problems.append(f"{where}: type must be one of {', '.join(ACTOR_TYPES)}")
        country = entry.get("country")
        if country is not None and _iso3(str(country)) != country:
            problems.append(f"{where}: country {country!r} is not an ISO 3166 alpha-3 code")
        sources = entry.get("sources") or []
        if "extend" not in entry and not sources:
            problems.append(f"{where}: needs at least one source URL")
        problems += [f"{where}: source {s!r} is not a URL" for s in sources
                     if not URI_RE.match(str(s))]
        for r in entry.get("roles") or []:
            for key in ("start", "end"):
                if r.get(key) is not None and not DATE_RE.match(str(r[key])):
                    problems.append(f"{where}: role date {r[key]!r} is not YYYY[-MM[-DD]]")
    if problems:
        raise KBError("\n".join(problems))
    kb = load_kb(extra=[path], exclude=user_kb_dir() / path.name)
    return [a for a in kb.actors.values() if a.origin == path.name]


def add_user_file(path: Path) -> Path:
    """Validate a user KB file and copy it into the user KB dir."""
    validate_user_file(path)
    folder = user_kb_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if target.resolve() != path.resolve():
        shutil.copyfile(path, target)
    return target
