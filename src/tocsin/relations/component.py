"""The `relations` component: who leads, speaks for, belongs to, or was sanctioned by whom.

Patterns over neighbouring actor mentions and the words between them (titles are data in
lexicon/relations.yaml), plus relations implied by coded SANCTION events.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from tocsin.component import Component, State, register
from tocsin.model import Actor, Evidence, Relation

QUALIFIERS = r"(?:(?:senior|top|military|former|late|then|current|new|powerful|veteran|" \
             r"influential|official|overall|general|de facto|self-styled)\s+)*"
DESIGNATE_LEMMAS = frozenset({"designate", "blacklist", "list", "proscribe"})


@lru_cache(maxsize=1)
def _patterns() -> dict[str, Any]:
    path = resources.files("tocsin") / "data" / "lexicon" / "relations.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    title_to_type = {t.lower(): typ for typ, words in data["titles"].items() for t in words}
    titles = "|".join(sorted((re.escape(t) for t in title_to_type), key=len, reverse=True))
    part = "|".join(sorted((re.escape(p) for p in data["part_of"]), key=len, reverse=True))
    return {
        "types": title_to_type,
        # ORG ['s] TITLE [,] PERSON
        "org_title_person": re.compile(rf"^(?:'s|’s)?\s*{QUALIFIERS}({titles})\s*,?\s*$"),
        # PERSON, [the] TITLE of [the] ORG
        "person_title_of_org": re.compile(
            rf"^\s*,\s*(?:the|a|an|its)?\s*{QUALIFIERS}({titles})\s+(?:of|for|in|at)\s+"
            rf"(?:the\s+)?$"),
        # the TITLE of ORG, PERSON  (text before the org)
        "title_of_before": re.compile(rf"(?:^|\s)(?:the\s+)?{QUALIFIERS}({titles})\s+of\s+"
                                      rf"(?:the\s+)?$"),
        # PERSON, ORG's TITLE  (text after the org)
        "org_poss_title_after": re.compile(rf"^(?:'s|’s)\s+{QUALIFIERS}({titles})\b"),
        "part_of": re.compile(rf"^\s*,\s*(?:which is\s+)?(?:{part})\s+(?:the\s+)?$"),
        # PATRON-backed [adjectives] [the/a group noun] CLIENT
        "patron": re.compile(r"^-(?:backed|aligned|allied|sponsored|supported|funded)\b"
                             r"[\w\s'’-]{0,40}$"),
    }


def _is_party(actor: Actor | None) -> bool:
    """Actors that can fight or be fought: not civilians or unnamed generic nouns."""
    return actor is not None and actor.in_kb and actor.type not in {"civilians", "media"}


def _is_person(actor: Actor | None) -> bool:
    return actor is not None and actor.type == "person"


def _is_group(actor: Actor | None) -> bool:
    return actor is not None and actor.type not in {"person", "civilians", "unknown"}


@register
class RelationsComponent(Component):
    name = "relations"
    requires = ("doc", "actor_mentions", "actors", "events")
    assigns = ("relations",)

    def __call__(self, state: State) -> None:
        assert state.doc is not None
        p = _patterns()
        text = state.document.text
        seen: set[tuple[str, str, str]] = set()

        def add(typ: str, subj: str, obj: str, start: int, end: int) -> None:
            if subj == obj or (typ, subj, obj) in seen:
                return
            sent = state.doc.char_span(start, end, alignment_mode="expand")  # type: ignore[union-attr]
            s = sent.sent if sent is not None else None
            ev = Evidence(s.text, s.start_char, s.end_char) if s is not None else Evidence(
                text[start:end], start, end)
            seen.add((typ, subj, obj))
            state.relations.append(Relation(typ, subj, obj, ev))

        # (mention, its actor id): only resolved mentions relate actors
        mentions = [(m, m.actor_id) for m in state.actor_mentions if m.actor_id]
        for n, ((a, id_a), (b, id_b)) in enumerate(zip(mentions, mentions[1:], strict=False)):
            if text[b.end:b.end + 2] in {"'s", "’s"} and n + 2 < len(mentions):
                # "commander of Iran's Quds Force": the title is of the possessed body.
                after, id_after = mentions[n + 2]
                if after.start - b.end <= 4:
                    b, id_b = after, id_after
            gap = text[a.end:b.start]
            if len(gap) > 60 or "." in gap.replace("'s", ""):
                continue
            actor_a, actor_b = state.actors.get(id_a), state.actors.get(id_b)
            gap_l = gap.lower()
            if _is_group(actor_a) and _is_person(actor_b):
                hit = p["org_title_person"].match(gap_l.strip() if gap_l.strip() else gap_l)
                if hit:
                    add(p["types"][hit.group(1)], id_b, id_a, a.start, b.end)
                    continue
                before = text[max(0, a.start - 60):a.start].lower()
                hit = p["title_of_before"].search(before)
                if hit and gap.strip() in {",", ""}:
                    add(p["types"][hit.group(1)], id_b, id_a, a.start, b.end)
                    continue
            if _is_person(actor_a) and _is_group(actor_b):
                hit = p["person_title_of_org"].match(gap_l)
                if hit:
                    add(p["types"][hit.group(1)], id_a, id_b, a.start, b.end)
                    continue
                after_text = text[b.end:b.end + 40].lower()
                hit = p["org_poss_title_after"].match(after_text)
                if hit and gap.strip() == ",":
                    add(p["types"][hit.group(1)], id_a, id_b, a.start, b.end)
                    continue
            if _is_group(actor_a) and _is_group(actor_b) and p["part_of"].match(gap_l):
                add("part_of", id_a, id_b, a.start, b.end)
        # "the Iran-backed militia Kataib Hezbollah": the patron backs the group named next.
        for (a, id_a), (b, id_b) in zip(mentions, mentions[1:], strict=False):
            between = text[a.end:b.start]
            if p["patron"].match(between) and _is_group(state.actors.get(id_b)):
                add("allied_with", id_b, id_a, a.start, b.end)
        for event in state.events:
            m = event.modality
            if m.negated or m.future or m.hypothetical:
                continue
            if event.type == "ASSAULT":
                # Who attacks whom, as a standing relation of the actor network.
                for source in event.source:
                    for target in event.target:
                        if _is_party(state.actors.get(source)) and _is_party(
                                state.actors.get(target)):
                            add("fighting", source, target, event.evidence.start,
                                event.evidence.end)
            if event.type != "SANCTION":
                continue
            trig = (event.trigger.text.lower() if event.trigger else "")
            typ = "designated_by" if any(trig.startswith(w[:5]) for w in DESIGNATE_LEMMAS) \
                else "sanctioned_by"
            for target in event.target:
                for source in event.source:
                    add(typ, target, source, event.evidence.start, event.evidence.end)
