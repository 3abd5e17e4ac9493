"""Acronym definitions: "the Asia-Pacific Economic Cooperation (APEC) forum". The long
form and the acronym are two mentions of one actor, whether or not the NER model tagged
the long form, tagged only part of it, or ran both together into one entity."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from tocsin.actors.kb import AliasHit, KnowledgeBase
from tocsin.actors.nouns import ActorMention, ActorNouns
from tocsin.doc_cache import doc_tokens

# Lower-case words a long form may contain without a letter in the acronym.
_FUNCTION = frozenset({"of", "for", "and", "the", "in", "on", "to", "de", "du", "la", "le",
                       "al", "el", "&"})
_MAX_WORDS = 12


def _initials(span: Span) -> str | None:
    """Initials of the capitalised words ("Asia-Pacific" gives two); None if a word is
    neither capitalised nor a function word."""
    out = []
    for t in span:
        if t.text == "-" or t.lower_ in _FUNCTION:
            continue
        parts = [p for p in t.text.split("-") if p]
        if not parts or not all(p[:1].isupper() for p in parts):
            return None
        out += [p[0] for p in parts]
    return "".join(out).upper()


def _acronym(doc: Doc, i: int) -> str | None:
    """The acronym in "( ACR )" whose "(" is token ``i``."""
    if i + 2 >= len(doc) or doc[i + 2].text != ")":
        return None
    text = doc[i + 1].text.replace(".", "")
    if 2 <= len(text) <= 8 and text.isalpha() and text.isupper():
        return text
    return None


def _long_form(doc: Doc, paren: int, acr: str) -> Span | None:
    """The words just before "(" whose initials spell the acronym."""
    start_limit = max(doc[paren].sent.start, paren - _MAX_WORDS)
    for start in range(paren - 1, start_limit - 1, -1):
        if doc[start].lower_ in _FUNCTION:
            continue
        span = doc[start:paren]
        initials = _initials(span)
        if initials is None:
            return None
        if initials == acr:
            return span
        if len(initials) > len(acr):
            return None
    return None


def acronym_mentions(doc: Doc, kb: KnowledgeBase, mentions: list[ActorMention],
                     nouns: ActorNouns) -> list[ActorMention]:
    """``mentions`` with each defined acronym and its long form as two mentions of one
    actor: the KB's actor for either form, else one new actor named by the long form.
    Mentions overlapping either form (partial or run-together NER entities) give way."""
    out = list(mentions)
    for tok in doc_tokens(doc):
        if tok.text != "(":
            continue
        acr = _acronym(doc, tok.i)
        long = _long_form(doc, tok.i, acr) if acr else None
        if long is None or acr is None:
            continue
        short = doc[tok.i + 1 : tok.i + 2]
        hits = _kb_hits(kb, long.text) or _kb_hits(kb, short.text)
        new_actor = None
        if not hits:
            words = {t.lower_ for t in long}
            typ = "person" if long.root.ent_type_ == "PERSON" else (
                "militia" if words & nouns.group_cues else "organization")
            new_actor = (long.text, typ, None)
        lead = [m for m in out if m.tok_start < long.start < m.tok_end]
        out = [m for m in out if not (m.tok_start < short.end and long.start < m.tok_end)]
        out += [t for m in lead if (t := _leading_name(doc, kb, m.tok_start, long.start))]
        # Kind "kb" either way: a name the text defines, not an NER guess, so its words
        # ("Asia" in "Asia-Pacific ...") are no place.
        for span in (long, short):
            out.append(ActorMention(span.start_char, span.end_char, span.start, span.end,
                                    span.text, "kb", list(hits),
                                    new_actor=new_actor, score=0.9 if hits else 0.7))
        out = _later_uses(doc, out, short.end, {acr, long.text}, hits, new_actor)
    out.sort(key=lambda m: m.start)
    return out


def _later_uses(doc: Doc, mentions: list[ActorMention], after: int, forms: set[str],
                hits: list[AliasHit], new_actor: tuple[str, str, str | None] | None
                ) -> list[ActorMention]:
    """Later uses of a defined acronym or its long form name the same actor, tagged or
    not ("APEC leaders met ...")."""
    spans = [(m.tok_start, m.tok_end) for m in mentions]
    for m in mentions:
        if m.tok_start >= after and m.text in forms and m.kind in {"kb", "ner"}:
            m.candidates, m.new_actor, m.actor_id = list(hits), new_actor, None
            m.kind = "kb"
    for t in doc_tokens(doc)[after:]:
        if t.text in forms and not any(a < t.i + 1 and t.i < b for a, b in spans):
            mentions.append(ActorMention(t.idx, t.idx + len(t.text), t.i, t.i + 1, t.text,
                                         "kb", list(hits), new_actor=new_actor, score=0.7))
    return mentions


def _leading_name(doc: Doc, kb: KnowledgeBase, start: int, end: int) -> ActorMention | None:
    """What an entity run together with a long form named before it: "U.S." in "the U.S.
    Food and Drug Administration (FDA)" is still the United States."""
    while start < end and doc[start].lower_ in _FUNCTION:
        start += 1
    span = doc[start:end]
    hits = _kb_hits(kb, span.text) if len(span) else []
    if not hits:
        return None
    return ActorMention(span.start_char, span.end_char, start, end, span.text, "kb", hits)


def _kb_hits(kb: KnowledgeBase, text: str) -> list[AliasHit]:
    return [h for h in kb.lookup(text) if not h.ambiguous]
