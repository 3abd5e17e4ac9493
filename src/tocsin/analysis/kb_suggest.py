"""`tocsin kb suggest`: names the store keeps meeting that the knowledge base lacks.

For each frequent unresolved organisation or person, a proposal an analyst can accept into
a user KB file: a type (from cue words in the name), a country (where the documents that
mention it take place), a parent (the KB group it is most often named beside), and the
sentences that are the evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from tocsin.actors.coref import GROUP_TYPES
from tocsin.actors.kb import KnowledgeBase
from tocsin.store import Store


@dataclass(slots=True)
class Suggestion:
    actor_id: str
    name: str
    documents: int
    mentions: int
    type: str
    country: str | None
    parent: str | None
    evidence: list[str] = field(default_factory=list)

    def to_entry(self) -> dict[str, Any]:
        """The proposal as a user-KB YAML entry (sources still to be filled in)."""
        entry: dict[str, Any] = {
            "id": re.sub(r"[^a-z0-9-]+", "-", self.actor_id.split(":", 1)[-1]).strip("-"),
            "name": self.name, "type": self.type, "country": self.country,
            "aliases": [], "sources": ["TODO: a public source"],
        }
        if self.parent:
            entry["parents"] = [self.parent]
        return entry


@lru_cache(maxsize=1)
def _type_cues() -> dict[str, frozenset[str]]:
    path = resources.files("tocsin") / "data" / "lexicon" / "actor_nouns.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {t: frozenset(words) for t, words in data["type_cues"].items()}


def guess_type(name: str, current: str) -> str:
    if current == "person":
        return current
    words = set(re.findall(r"[\w']+", name.casefold()))
    for typ, cues in _type_cues().items():
        if words & cues:
            return typ
    return current or "organization"


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right_dot = text.find(". ", end)
    right = len(text) if right_dot < 0 else right_dot + 1
    return text[left + 1:right].strip()[:300]


def suggest(store: Store, kb: KnowledgeBase, min_documents: int = 2, limit: int = 30
            ) -> list[Suggestion]:
    con = store.con
    rows = con.execute(
        """SELECT a.id, a.name, a.type, count(DISTINCT m.doc_id) AS docs, count(*) AS n
           FROM actors a JOIN mentions m ON m.entity_id = a.id AND m.kind = 'actor'
           WHERE NOT a.in_kb AND a.id LIKE 'x:%'
           GROUP BY a.id, a.name, a.type HAVING count(DISTINCT m.doc_id) >= ?
           ORDER BY docs DESC, n DESC, a.id LIMIT ?""", [min_documents, limit]).fetchall()
    out: list[Suggestion] = []
    for actor_id, name, typ, docs, n in rows:
        countries = Counter(r[0] for r in con.execute(
            """SELECT p.country FROM mentions m JOIN places p ON p.id = m.entity_id
               WHERE m.kind = 'place' AND p.country IS NOT NULL AND m.doc_id IN
               (SELECT doc_id FROM mentions WHERE entity_id = ?)""", [actor_id]).fetchall())
        neighbours: Counter[str] = Counter()
        for (other,) in con.execute(
                """SELECT o.entity_id FROM mentions m JOIN mentions o
                   ON o.doc_id = m.doc_id AND o.kind = 'actor' AND o.entity_id <> m.entity_id
                   AND abs(o.start - m.start) < 200
                   WHERE m.entity_id = ?""", [actor_id]).fetchall():
            kb_actor = kb.get(other)
            if kb_actor is not None and kb_actor.type in GROUP_TYPES:
                neighbours[other] += 1
        evidence = [
            _sentence_around(text, start, end) for text, start, end in con.execute(
                """SELECT d.text, m.start, m."end" FROM mentions m JOIN documents d
                   ON d.id = m.doc_id WHERE m.entity_id = ? ORDER BY m.doc_id, m.start
                   LIMIT 3""", [actor_id]).fetchall()]
        out.append(Suggestion(
            actor_id, name, docs, n, guess_type(name, typ or ""),
            countries.most_common(1)[0][0] if countries else None,
            neighbours.most_common(1)[0][0] if neighbours else None, evidence))
    return out
