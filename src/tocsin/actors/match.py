"""Find actor mentions in a parsed document.

Order of precedence, because the small spaCy model mislabels militia names:
1. knowledge-base names and aliases (longest match, transliteration-aware keys);
2. country names, demonyms and metonyms in actor position (not "in Iraq");
3. spaCy ORG/PERSON entities, fuzzy-matched to the KB or kept as new actors;
4. generic groups ("gunmen", "protesters") and anaphors ("the group") last.
"""

from __future__ import annotations

from collections import Counter

from rapidfuzz import fuzz, process
from spacy.tokens import Doc, Span, Token

from tocsin.actors.acronyms import acronym_mentions
from tocsin.actors.context import (
    admin_context,
    dominant_countries,
    linked,
    narrow,
    one_country,
    place_context,
    shorter_hit,
    supported,
)
from tocsin.actors.generic import absorb_into_orgs, generic_mentions
from tocsin.actors.kb import AliasHit, KnowledgeBase
from tocsin.actors.naming import class_nouns, class_pairs
from tocsin.actors.normalize import name_key
from tocsin.actors.nouns import (
    SUBJECT_OBJECT_DEPS,
    ActorMention,
    ActorNouns,
    actor_nouns,
    event_nouns,
    noun_forms,
    overlaps,
    weapon_words,
)
from tocsin.actors.place_names import place_by_form, town_not_actor
from tocsin.actors.scan import scan_kb
from tocsin.doc_cache import doc_tokens

__all__ = ["SUBJECT_OBJECT_DEPS", "ActorMention", "ActorNouns", "actor_nouns", "event_nouns",
           "find_mentions", "noun_forms", "resolve", "weapon_words"]

def _capitalised(span: Span) -> bool:
    # "U.S." and "U.N." are not alphabetic tokens but are capitalised names.
    return any(t.text[:1].isupper() or t.text[:1].isdigit() for t in span
               if not t.is_punct)


def _fuzzy_kb(text: str, kb: KnowledgeBase) -> tuple[list[AliasHit], float]:
    key = name_key(text)
    if len(key) < 6:
        return [], 0.0
    choices, nearest = _key_list(id(kb), kb)
    # the same names recur in every report of a stream: one search per key and key list
    if key not in nearest:
        if len(nearest) > 100_000:
            nearest.clear()
        found = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=90)
        nearest[key] = None if found is None else (found[0], found[1])
    best = nearest[key]
    if best is None:
        return [], 0.0
    return list(kb.by_key[best[0]]), best[1] / 100.0


# kb id -> (its alias keys, name key -> the nearest of them and its score, if any)
_KEY_CACHE: dict[int, tuple[list[str], dict[str, tuple[str, float] | None]]] = {}


def _key_list(kb_id: int, kb: KnowledgeBase
              ) -> tuple[list[str], dict[str, tuple[str, float] | None]]:
    if kb_id not in _KEY_CACHE:
        _KEY_CACHE.clear()
        _KEY_CACHE[kb_id] = ([k for k, hits in kb.by_key.items()
                              if any(h.kind == "alias" for h in hits)], {})
    return _KEY_CACHE[kb_id]


def _from_entities(doc: Doc, kb: KnowledgeBase, taken: list[tuple[int, int]],
                   nouns: ActorNouns, forms: list[tuple[int, int]]) -> list[ActorMention]:
    out: list[ActorMention] = []
    for ent in doc.ents:
        if ent.label_ not in {"ORG", "PERSON"} or overlaps(ent.start, ent.end, taken):
            continue
        if any(a <= ent.start and ent.end <= b for a, b in forms):
            continue  # "Sierra" of "Sierra Leonean": part of a country's own form
        span = ent
        while len(span) and (span[0].lower_ == "the" or span[0].is_punct):
            span = span[1:]
        while len(span) and span[-1].is_punct or len(span) and span[-1].tag_ == "POS":
            span = span[:-1]
        if not len(span) or not _capitalised(span):
            continue
        if span.end < len(doc) and doc[span.end].lemma_.lower() in nouns.place_nouns:
            continue  # "Abha airport": a place the small model took for a person
        if span.start > 0 and doc[span.start - 1].lower_ in _OPERATION_CUES:
            continue  # "the operation, named Peace Spring": a name of an act, no actor
        head = span.root.lower_
        if len(span) == 1 and {head, span.root.lemma_.lower()} & (
                nouns.generic.keys() | class_nouns()):
            continue  # "Rioters", "Police" opening a sentence: a group noun, not a name
        if len(span) == 1 and span.end < len(doc) and (
                f"{head} {doc[span.end].lemma_.lower()}" in class_pairs()):
            continue  # "Riot police", "Security forces": the first word of a group noun
        if {head, head.rstrip("s"), span.root.lemma_.lower()} & weapon_words():
            continue  # "Katyusha", "Missiles": instruments, not actors
        hits, score = _fuzzy_kb(span.text, kb)
        if not hits and not (span.end < len(doc) and noun_forms(doc[span.end]) &
                             nouns.state_nouns) and (place_by_form(span, nouns)
                                                     or town_not_actor(span, ent.label_)):
            # "in Sivas", "Kwall (Bassa LGA, Plateau)", "Khamis Mushait": the small
            # model's organisation or person is a place ("President Bush", "the Bush
            # administration" stay persons).
            continue
        if not hits and span.end < len(doc) and doc[span.end].pos_ == "NOUN" and (
                doc[span.end].lemma_.lower() in nouns.generic) and not any(
                kb.lookup(span[i:j].text) for i in range(len(span))
                for j in range(i + 1, min(i + 4, len(span)) + 1)):
            # "Fulani militia", "Pokot raiders": the group noun's name (generic.py); not
            # "Suspected al-Shabaab militants", a known group's men (context_roles.py)
            continue
        m = ActorMention(span.start_char, span.end_char, span.start, span.end, span.text,
                         "ner", hits, score=score or 0.6)
        if not hits:
            typ = "person" if ent.label_ == "PERSON" else "organization"
            m.new_actor = (span.text, typ, None)
        out.append(m)
    return out


_OPERATION_CUES = frozenset({"operation", "named", "dubbed", "codenamed", "code-named"})


def _cue_names(doc: Doc, taken: list[tuple[int, int]], nouns: ActorNouns
               ) -> list[ActorMention]:
    """Proper-name runs that contain a group word ("Saraya Thar al-Muhandis", "Liwa
    al-Tafuf"): armed groups the NER model often misses, kept as new organisations."""
    out: list[ActorMention] = []
    i, n = 0, len(doc)
    toks = doc_tokens(doc)
    while i < n:
        tok = toks[i]
        if not (tok.text[:1].isupper() and tok.pos_ == "PROPN") or overlaps(i, i + 1, taken):
            i += 1
            continue
        j = i + 1
        while j < n and (doc[j].pos_ == "PROPN" or doc[j].text in {"-", "al", "el"}) and (
                doc[j].text[:1].isupper() or doc[j].text in {"-", "al", "el"}):
            j += 1
        while j > i and doc[j - 1].text in {"-", "al", "el"}:
            j -= 1
        words = {t.lower_ for t in doc[i:j]}
        if j - i >= 2 and words & nouns.group_cues and not overlaps(i, j, taken):
            span = doc[i:j]
            out.append(ActorMention(span.start_char, span.end_char, i, j, span.text, "ner",
                                    new_actor=(span.text, "militia", None), score=0.5))
        i = max(j, i + 1)
    return out


_RANKING = frozenset({"first", "second", "third", "last", "other", "another", "same",
                      "largest", "main", "only"})


def _anaphors(doc: Doc, nouns: ActorNouns, taken: list[tuple[int, int]]
              ) -> list[ActorMention]:
    out: list[ActorMention] = []
    for tok in doc_tokens(doc):
        lemma = tok.lemma_.lower()
        if lemma not in nouns.org_anaphors or tok.pos_ != "NOUN":
            continue
        if overlaps(tok.i, tok.i + 1, taken) or tok.tag_ not in {"NN", "NNS"}:
            continue
        det = [c for c in tok.children if c.dep_ == "det" and c.lower_ == "the"]
        if not det or any(c.dep_ in {"compound", "amod"} and c.pos_ == "PROPN"
                          for c in tok.children):
            continue
        if any(c.tag_ in {"JJS", "RBS"} or c.dep_ == "nummod" or c.lower_ in _RANKING
               for c in tok.children):
            continue  # "the biggest group involved", "the second group": a description
        start = det[0]
        out.append(ActorMention(start.idx, tok.idx + len(tok.text), start.i, tok.i + 1,
                                doc[start.i : tok.i + 1].text, "anaphor", score=0.6))
    return out


def _name_word(tok: Token, nouns: ActorNouns) -> bool:
    return (tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.lower_ not in
            nouns.honorifics and tok.lower_.rstrip(".") not in nouns.honorifics)


def _embedded(span: Span, nouns: ActorNouns, kb: KnowledgeBase | None = None) -> bool:
    """A known name that is only the tail or head of a longer proper name (not one
    followed by a country's name: "AMISOM Burundi forces" are AMISOM's)."""
    doc = span.doc
    i = span.start - 1
    while i >= 0 and doc[i].text in {"-", "al", "el"}:
        i -= 1
    if i >= 0 and i >= span.sent.start and _name_word(doc[i], nouns) and (
            doc[i].ent_type_ in {"ORG", "PERSON", "FAC", ""}):
        return True
    j = span.end
    return j < len(doc) and j < span.sent.end and _name_word(doc[j], nouns) and (
        doc[j].lemma_.lower() not in nouns.place_nouns) and doc[j].ent_iob_ == "I" and not (
        kb is not None and any(h.kind in {"name", "demonym"}
                               for h in kb.by_key.get(name_key(doc[j].text), [])))


class _NoActor:
    type = "unknown"


_NONE = _NoActor()


# Actor types that hold bases and camps.
_SITE_HOLDERS = frozenset({"militia", "rebel", "organization", "military", "police"})


def _owns_site(m: ActorMention, noun: Token, kb: KnowledgeBase, nouns: ActorNouns) -> bool:
    """An organisation's own site ("the AMISOM base", "an ISWAP camp"): the name is its
    holder, not the site's name, when every reading of it is an organisation."""
    if noun.lemma_.lower() not in nouns.owned_site_nouns or not m.candidates:
        return False
    kinds = {(a.type if (a := kb.get(h.actor_id)) else "") for h in m.candidates}
    return bool(kinds) and kinds <= _SITE_HOLDERS


def _plausible(m: ActorMention, doc: Doc, kb: KnowledgeBase, nouns: ActorNouns,
               context: Counter[str], co_mentioned: set[str]) -> bool:
    """Whether a KB hit names an actor here, or is a place, a stranger or a coincidence."""
    span = doc[m.tok_start : m.tok_end]
    if len(span) == 1 and span.end < len(doc) and (
            doc[span.end].lemma_.lower() in nouns.place_nouns) and not _owns_site(
                m, doc[span.end], kb, nouns):
        return False  # "Tahrir Square", "Abha airport"
    people = {h.kind for h in m.candidates} == {"demonym"} and span.root.tag_ in {
        "NNS", "NNPS"} and (span.start == 0 or doc[span.start - 1].ent_type_ == "")
    if _embedded(span, nouns, kb) and not people:  # "Young Algerians" are still Algerians
        # "al-Muhandis" inside "Saraya Thar al-Muhandis", "Abbas" inside "Abbas Mousavi":
        # part of another, longer name.
        return False
    aliases = [h for h in m.candidates if h.kind == "alias"]
    if not aliases or not all(h.ambiguous for h in aliases):
        return True
    # An ambiguous alias needs support: its country in the document, or a related actor.
    root = span.root
    metonym = all((kb.get(h.actor_id) or _NONE).type in {"government", "state"}
                  for h in aliases)
    if metonym and root.dep_ in {"poss", "compound"} and (
            not noun_forms(root.head) & nouns.state_nouns):
        return False  # "Baghdad's Tahrir Square" is a place, not the government
    for h in aliases:
        actor = kb.get(h.actor_id)
        if actor is None:
            continue
        if len(span) == 1 and span.text.isupper() and len(span.text) >= 2 and len(
                aliases) == 1 and (not context or not {actor.country, *actor.theatre} - {None}):
            # a capitalised acronym ("IS") with one reading, unless the document is about
            # other countries than its actor's ("SARS" in a report from China)
            return True
        if supported(kb, actor.id, context, co_mentioned):
            return True
    return False


def find_mentions(doc: Doc, kb: KnowledgeBase,
                  blocked: list[tuple[int, int]] | None = None) -> list[ActorMention]:
    """All actor mentions, non-overlapping, in text order (ids resolved by `resolve`).
    `blocked` char spans (curated site names) are never actors."""
    nouns = actor_nouns()
    scanned, rejected = scan_kb(doc, kb, nouns)
    mentions = [m for m in scanned if not overlaps(m.start, m.end, blocked or [])]
    # Country forms in any role ("in southern Lebanon") tell which reading is meant.
    context = dominant_countries(mentions, kb) + place_context(rejected) + admin_context(doc)
    co_mentioned = {h.actor_id for m in mentions if one_country(m, kb) is not None
                    for h in m.candidates if not h.ambiguous}
    plausible = []
    for m in mentions:
        own = one_country(m, kb)  # a name is no support for its own reading
        narrow(m, kb, context - Counter([own]) if own else context, co_mentioned)
        if _plausible(m, doc, kb, nouns, context, co_mentioned):
            plausible.append(m)
        elif (short := shorter_hit(doc, kb, m)) is not None:
            plausible.append(short)
    mentions = plausible
    taken = [(m.tok_start, m.tok_end) for m in mentions]
    for a, b in blocked or []:
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is not None:
            taken.append((span.start, span.end))
    forms = [(m.tok_start, m.tok_end) for m in rejected
             if any(h.kind != "alias" for h in m.candidates)]
    ner = _from_entities(doc, kb, taken, nouns, forms)
    mentions += ner
    taken += [(m.tok_start, m.tok_end) for m in ner]
    demonyms, spans = _modifier_countries(doc, kb, rejected + mentions)
    cue = _cue_names(doc, taken, nouns)
    mentions += cue
    taken += [(m.tok_start, m.tok_end) for m in cue]
    gen = absorb_into_orgs(doc, generic_mentions(doc, nouns, taken, demonyms, spans),
                           mentions, lambda m: _org_type(m, kb))
    mentions += gen
    taken += [(m.tok_start, m.tok_end) for m in mentions]  # names grown over their nouns
    mentions += _anaphors(doc, nouns, taken)
    return acronym_mentions(doc, kb, mentions, nouns)


def _org_type(m: ActorMention, kb: KnowledgeBase) -> str | None:
    """The type of the KB actor a mention names, if it names one: all its readings agree
    on the type ("al-Shabaab": a rebel group, whether the Somali one or the Mozambican
    insurgents it also names)."""
    if m.kind != "kb" or not m.candidates:
        return None
    # KB names over the country forms they share ("KDF": Kenya, and its Defence Forces)
    names = [h for h in m.candidates if h.kind == "alias"] or m.candidates
    types = {(a.type if (a := kb.get(h.actor_id)) else None) for h in names}
    return types.pop() if len(types) == 1 else None


def _modifier_countries(doc: Doc, kb: KnowledgeBase, forms: list[ActorMention]
                        ) -> tuple[dict[int, str], dict[int, tuple[int, int]]]:
    """Tokens that can give a group noun its country ("Iraqi protesters", "US contractor",
    "Sierra Leonean refugees"), and the extent of each multi-word country form."""
    out = {
        t.i: h.actor_id.upper()
        for t in doc_tokens(doc)
        for h in kb.by_key.get(name_key(t.text), [])
        if (h.kind == "demonym" and t.dep_ == "amod") or (h.kind == "name" and
                                                           t.dep_ == "compound")
    }
    spans: dict[int, tuple[int, int]] = {}
    for m in forms:
        kinds = {h.kind for h in m.candidates}
        if m.kind != "country" or len(m.candidates) != 1 or not kinds & {"demonym", "name"}:
            continue
        if m.tok_end - m.tok_start == 1 and m.tok_start in out:
            continue
        root = doc[m.tok_start : m.tok_end].root
        if "demonym" in kinds or root.dep_ == "compound":
            for t in range(m.tok_start, m.tok_end):
                out[t] = m.candidates[0].actor_id.upper()
                spans[t] = (m.tok_start, m.tok_end)
    return out, spans


def resolve(mentions: list[ActorMention], kb: KnowledgeBase) -> None:
    """Pick one actor per KB mention; ambiguous aliases go to the context's country."""
    context = dominant_countries(mentions, kb)
    unique = [(u.start, u.candidates[0].actor_id) for u in mentions if len(u.candidates) == 1]
    for m in mentions:
        if not m.candidates:
            continue
        if len(m.candidates) == 1:
            m.actor_id = m.candidates[0].actor_id
            if m.candidates[0].ambiguous:
                m.score = min(m.score, 0.7)
            continue

        def rank(hit: AliasHit, m: ActorMention = m) -> tuple[float, ...]:
            actor = kb.get(hit.actor_id)
            country = actor.country if actor else None
            related = 0.0
            if actor:
                # Linked actors named nearby count most ("Hezbollah leader Nasrallah").
                own = linked(kb, actor.id)
                for pos, other in unique:
                    if other in own or hit.actor_id in linked(kb, other):
                        related += 3.0 if abs(pos - m.start) < 150 else 1.0
            where = {country, *(actor.theatre if actor else ())} - {None}
            return (
                # A KB entry named like a country form ("Syrian Arab Army") is the entry.
                1.0 if hit.kind == "alias" else 0.0,
                0.0 if hit.ambiguous else 1.0,
                related,
                float(max((context.get(c or "", 0) for c in where), default=0)),
                0.0 if actor and actor.type == "person" else 0.5,
            )

        best = max(m.candidates, key=rank)
        m.actor_id = best.actor_id
        m.score = min(m.score, 0.8)

