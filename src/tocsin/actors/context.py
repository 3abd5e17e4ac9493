"""Document context for ambiguous KB aliases: which of several readings the document
supports, and what is left of a name when its ambiguous reading is not supported."""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from tocsin.actors.kb import KnowledgeBase
from tocsin.actors.nouns import ActorMention


def linked(kb: KnowledgeBase, actor_id: str) -> set[str]:
    """Actors tied to one in the KB: parents, allies, and those it holds roles in."""
    actor = kb.get(actor_id)
    if actor is None:
        return set()
    return {*actor.parents, *actor.allies, *(r.object for r in actor.roles)}


def supported(kb: KnowledgeBase, actor_id: str, context: Counter[str],
              co_mentioned: set[str]) -> bool:
    """Whether the document points at an actor: its country or theatre named (as actor or
    place: "in southern Lebanon"), or a linked actor named."""
    actor = kb.get(actor_id)
    if actor is None:
        return False
    places = {actor.country, *actor.theatre} - {None}
    # A parent named nearby does not choose among its children: "UN troops" says nothing
    # about which UN mission "UN peacekeepers" are.
    ties = linked(kb, actor_id) - set(actor.parents)
    return any(context.get(c or "", 0) for c in places) or bool(ties & co_mentioned) or any(
        actor_id in linked(kb, c) - set((kb.get(c) or actor).parents) for c in co_mentioned)


def place_context(forms: list[ActorMention]) -> Counter[str]:
    """Countries named by country forms that are no actor here ("in southern Lebanon")."""
    return Counter(h.actor_id.upper() for m in forms for h in m.candidates
                   if h.kind != "alias")


_ADMIN_WORDS = frozenset({"state", "region", "province", "county", "division", "governorate",
                          "prefecture", "department"})


def admin_context(doc: Doc) -> Counter[str]:
    """Countries of the provinces a document names ("Cabo Delgado", "Rakhine State",
    "Borno"): a place is context for an ambiguous name as its country's name is. Only
    first-level units, and only names of one country's."""
    from tocsin.geo.gazetteer import get_gazetteer

    gaz = get_gazetteer()
    out: Counter[str] = Counter()
    seen: set[str] = set()
    for ent in doc.ents:
        if ent.label_ not in {"GPE", "LOC", "ORG", "PERSON", "NORP", "FAC"}:
            continue
        words = [t.text for t in ent if not t.is_punct]
        if words and words[-1].lower() in _ADMIN_WORDS and len(words) > 1:
            words = words[:-1]  # "Rakhine State" is Rakhine
        name = " ".join(words)
        if not name or not name[:1].isupper() or name in seen:
            continue
        seen.add(name)
        countries = {e.country for e in gaz.lookup(name) if e.feature == "admin1"}
        if len(countries) == 1 and None not in countries:
            out[countries.pop()] += 1  # type: ignore[index]
    return out


def narrow(m: ActorMention, kb: KnowledgeBase, context: Counter[str],
           co_mentioned: set[str]) -> None:
    """Of several ambiguous readings ("Hezbollah": Lebanese or Iraqi), keep those the
    document supports, when some but not all are. A name that is one actor's own and
    another's local name ("al-Shabaab": the Somali group, and the Cabo Delgado insurgents
    as Mozambicans call them; "SNA": the Syrian and the Somali National Army) goes to the
    local reading when the document supports it and not the other."""
    if len(m.candidates) < 2:
        return
    if not all(h.ambiguous for h in m.candidates):
        names = [h for h in m.candidates if h.kind == "alias"]
        plain = [h for h in names if not h.ambiguous]
        local = [h for h in names if h.ambiguous
                 and supported(kb, h.actor_id, context, co_mentioned)]
        if plain and local and not any(supported(kb, h.actor_id, context, co_mentioned)
                                       for h in plain):
            m.candidates = [h for h in m.candidates if h.kind != "alias" or h in local]
        return
    keep = [h for h in m.candidates if supported(kb, h.actor_id, context, co_mentioned)]
    if keep and len(keep) < len(m.candidates):
        m.candidates = keep


def shorter_hit(doc: Doc, kb: KnowledgeBase, m: ActorMention) -> ActorMention | None:
    """The longest unambiguous KB name at the start of an unsupported ambiguous alias:
    "UN" in "UN peacekeepers" far from Lebanon."""
    for end in range(m.tok_end - 1, m.tok_start, -1):
        span = doc[m.tok_start:end]
        if span[-1].is_punct:
            continue
        hits = [h for h in kb.lookup(span.text) if not h.ambiguous and h.kind == "alias"]
        if hits:
            return ActorMention(span.start_char, span.end_char, span.start, span.end,
                                span.text, "kb", hits)
    return None


def _where(actor_id: str, kb: KnowledgeBase) -> str | None:
    """An actor's country, or the one country an international actor operates in
    (AMISOM: Somalia)."""
    actor = kb.get(actor_id)
    if actor is None:
        return None
    if actor.country is None and len(actor.theatre) == 1:
        return actor.theatre[0]
    return actor.country


def one_country(m: ActorMention, kb: KnowledgeBase) -> str | None:
    """The country a mention points at: that of its unambiguous readings when they agree
    (one reading; or a state's force form that is also the KB name of that force, "Myanmar
    military"; another actor's local name for it, "al-Shabaab" in Mozambique, is no
    reading of its own here)."""
    plain = [h for h in m.candidates if not h.ambiguous]
    if not plain:
        return None
    if len({h.actor_id for h in plain if h.kind == "alias"}) > 1:
        return None  # two KB actors share the name: it points at neither for sure
    countries = {_where(h.actor_id, kb) for h in plain}
    return countries.pop() if len(countries) == 1 else None


def dominant_countries(mentions: list[ActorMention], kb: KnowledgeBase) -> Counter[str]:
    """Countries the unambiguous mentions point at: the document's context."""
    counts: Counter[str] = Counter()
    for m in mentions:
        country = one_country(m, kb)
        if country:
            counts[country] += 1
    return counts
