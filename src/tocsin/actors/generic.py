"""Generic group mentions ("gunmen", "Iraqi protesters", "two British nationals") and the
country or organisation their modifiers name."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Token

from tocsin.actors.nouns import ActorMention, ActorNouns, overlaps
from tocsin.doc_cache import doc_tokens

# Heads whose adjective reading is still a person noun in argument position ("detained a
# US national"): the small model tags them ADJ.
_ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos"})
_COORD = frozenset({"and", "or", ",", "&"})


def _generic_type(tok: Token, nouns: ActorNouns) -> tuple[str, str] | None:
    """(lemma key, actor type) of a group noun; "opposition groups" by its compound."""
    lemma = tok.lemma_.lower()
    for c in tok.children if lemma in nouns.compound_heads else ():
        if c.dep_ == "compound" and c.i == tok.i - 1:
            key = f"{c.lemma_.lower()} {lemma}"
            if key in nouns.generic:
                return key, nouns.generic[key]
    if tok.pos_ == "PROPN" and lemma not in nouns.generic:
        lemma = lemma[:-1] if lemma.endswith("s") else lemma  # "Kurds" keeps its "s"
    typ = nouns.generic.get(lemma)
    return (lemma, typ) if typ else None


def _partisan(doc: Doc, i: int) -> bool:
    """"pro-Russian", "anti-American": the group is not of that country."""
    return i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ in {"pro", "anti"}


def generic_mentions(doc: Doc, nouns: ActorNouns, taken: list[tuple[int, int]],
                     countries: dict[int, str],
                     spans: dict[int, tuple[int, int]]) -> list[ActorMention]:
    """Group nouns as document-local actors. ``countries`` maps modifier tokens to ISO3;
    ``spans`` maps a token of a multi-word country form ("Sierra Leonean") to its extent.
    A coordinated country modifier ("Sierra Leonean and Liberian refugees") gives its own
    group."""
    out: list[ActorMention] = []
    for tok in doc_tokens(doc):
        found = _generic_type(tok, nouns)
        if found is None or overlaps(tok.i, tok.i + 1, taken):
            continue
        lemma, typ = found
        noun_like = tok.pos_ == "NOUN" or (tok.pos_ == "PROPN" and tok.tag_ == "NNPS") or (
            tok.pos_ == "ADJ" and tok.dep_ in _ARG_DEPS)
        if not noun_like or tok.dep_ == "compound":
            continue
        if lemma in nouns.org_anaphors and tok.tag_ == "NN" and not any(
                c.dep_ in {"amod", "compound", "nmod"} for c in tok.children):
            continue  # "the faction": an anaphor, resolved to the group named before
        # The nearest country modifier: "a French national and three Italian nationals"
        # is misparsed with both adjectives on "nationals".
        modifier = max((c for c in tok.children if c.i in countries
                        and not _partisan(doc, spans.get(c.i, (c.i, c.i))[0])),
                       key=lambda c: (c.i < tok.i, c.i), default=None)
        if modifier is None and tok.i > 0 and tok.i - 1 in countries and (
                not _partisan(doc, spans.get(tok.i - 1, (tok.i - 1, 0))[0])):
            modifier = doc[tok.i - 1]  # a misparsed "Sierra Leonean refugees"
        country = countries[modifier.i] if modifier is not None else None
        word = lemma.split()[-1]
        label = tok.lower_ if tok.tag_ == "NNS" or word == "people" else word + "s"
        if " " in lemma:
            label = f"{lemma.split()[0]} {label}"
        name = f"{country} {label}" if country else label
        # The span takes in its modifiers ("Moslem fundamentalist demonstrators", "US
        # contractor"; a country modifier is then no place), up to another actor's name.
        first = doc[spans.get(modifier.i, (modifier.i, 0))[0]] if (
            modifier is not None and modifier.i < tok.i) else tok
        if overlaps(first.i, tok.i + 1, taken):
            first = tok
        while first.i > 0:
            prev = doc[first.i - 1]
            if prev.dep_ not in {"amod", "compound", "nmod"} or prev.head.i > tok.i or (
                    prev.like_num or overlaps(prev.i, first.i, taken)):
                break
            first = prev
        named = _named_modifiers(doc, first.i, tok.i, countries)
        if named:  # "Fulani militia", "Pokot raiders": the group the name says, as written
            name = f"{country} {named} {tok.lower_}" if country else f"{named} {tok.lower_}"
        out.append(ActorMention(first.idx, tok.idx + len(tok.text), first.i, tok.i + 1,
                                doc[first.i : tok.i + 1].text, "generic",
                                new_actor=(name, typ, country), score=0.5))
        if country is not None:
            out += _coordinated(doc, first.i, label, typ, countries, spans, taken)
    return out


def _named_modifiers(doc: Doc, start: int, head: int, countries: dict[int, str]) -> str:
    """The capitalised words before a group noun that name it and are not a country's
    ("Fulani" of "Fulani militia", "Hawadle clan" of "Hawadle clan militia")."""
    words = [t for t in doc[start:head] if t.i not in countries and not t.is_punct]
    while words and not (words[0].text[:1].isupper() and (
            words[0].pos_ == "PROPN" or (words[0].pos_ == "ADJ" and not words[0].is_sent_start))):
        words = words[1:]  # "suspected", "armed" ("Armed" opening a sentence)
    if not words or not words[0].text[:1].isupper():
        return ""
    return " ".join(t.text for t in words)


def _coordinated(doc: Doc, start: int, label: str, typ: str, countries: dict[int, str],
                 spans: dict[int, tuple[int, int]], taken: list[tuple[int, int]]
                 ) -> list[ActorMention]:
    """Country modifiers coordinated before a group's own ("Turkish, Greek and Cypriot
    refugees"): each names that country's group, spanning its own words."""
    out: list[ActorMention] = []
    i = start
    while i >= 2:
        j = i
        while j > 0 and (doc[j - 1].like_num or doc[j - 1].dep_ == "det"):
            j -= 1  # "... and three Italian nationals"
        if j < 2 or doc[j - 1].lower_ not in _COORD:
            break
        end = j - 1
        if doc[end - 1].lemma_.lower() == label.split()[-1].rstrip("s") or (
                doc[end - 1].lower_ + "s" == label.split()[-1]):
            end -= 1  # "a French national and ...": the group noun repeated
        if end - 1 not in countries:
            break
        s, e = spans.get(end - 1, (end - 1, end))
        if overlaps(s, end, taken) or _partisan(doc, s):
            break
        iso3 = countries[end - 1]
        span = doc[s:j - 1]
        out.append(ActorMention(span.start_char, span.end_char, s, j - 1, span.text,
                                "generic", new_actor=(f"{iso3} {label}", typ, iso3),
                                score=0.5))
        i = s
    return out


# Group types that a named organisation's own members make up ("UN peacekeepers", "NATO
# troops", "Hamas gunmen"); not its supporters or the civilians it serves.
_MEMBER_TYPES = frozenset({"military", "police", "unknown", "rebel", "militia",
                           "organization"})
_ORG_TYPES = frozenset({"organization", "military", "militia", "rebel", "party", "police"})


def absorb_into_orgs(doc: Doc, generics: list[ActorMention], named: list[ActorMention],
                     org_type: Callable[[ActorMention], str | None]) -> list[ActorMention]:
    """A group noun modified by a named organisation ("U.N. weapons inspectors", "UN
    peacekeepers") is that organisation, as "US troops" is the US: the organisation's
    mention grows over the noun and the generic group is dropped."""
    kept: list[ActorMention] = []
    for g in generics:
        head = doc[g.tok_end - 1]
        owner = None
        if g.new_actor is not None and g.new_actor[2] is None and (
                g.new_actor[1] in _MEMBER_TYPES):
            owner = next((o for o in named if o.tok_end <= head.i
                          and org_type(o) in _ORG_TYPES and _modifies(doc, o, head.i)), None)
        if owner is None:
            kept.append(g)
            continue
        owner.tok_end = head.i + 1
        owner.end = head.idx + len(head.text)
        owner.text = doc[owner.tok_start:owner.tok_end].text
    return kept


def _modifies(doc: Doc, o: ActorMention, head: int) -> bool:
    """Whether a name and the words after it are all prenominal modifiers of ``head``."""
    for t in doc[o.tok_start:head]:
        if not (t.head.i > t.i and t.head.i <= head) or (
                t.i >= o.tok_end and t.dep_ not in {"compound", "amod", "nmod"}):
            return False
    return True
