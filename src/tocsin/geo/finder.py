"""Find place mentions in a parsed document.

Three sources, merged longest-first: curated site names (the small spaCy model misses
"K-1 base" and tags "Abha" as PERSON), spaCy GPE/LOC/FAC entities, and proper-noun runs
after a locative preposition or before a place cue ("in Jurf al-Sakhar", "Abha airport")
that the gazetteer knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from tocsin.doc_cache import columns, doc_text, doc_tokens, next_true, per_doc
from tocsin.geo.gazetteer import get_gazetteer, normalize_place, site_keys
from tocsin.lexicon_data import table, words


@dataclass(slots=True)
class PlaceMention:
    text: str
    start: int  # char offsets in doc.text
    end: int
    tok_start: int  # token offsets
    tok_end: int
    hint: str | None  # cue word: "province", "district", "city", "base", "airport" ...
    name: str = ""  # the place name proper, without cue words ("Nineveh" in "Nineveh province")
    country: str | None = None  # ISO3 the mention is known to name ("Russian" -> RUS)
    from_actor: bool = False  # inside an actor mention ("Russia said"): never an event place


# The word lists and cue tables are data (lexicon/places.yaml, place_names.yaml,
# english.yaml); what each is for is said there.
ARTICLES = words("english", "articles")
LOCATIVE = words("places", "place_preps")
_AFTER_CUES = table("places", "after_cues")
_FACILITY_CUES = table("places", "facility_cues")
_TWO_WORD_CUES = {tuple(two.split()): hint
                  for two, hint in table("places", "two_word_cues").items()}
_BEFORE_CUES = table("places", "before_cues")
_CONNECTORS = words("place_names", "name_connectors")
_KEEP_WHOLE = words("places", "keep_whole")
NEVER_ALONE = words("places", "never_alone")
_GENERIC_ALONE = words("places", "generic_alone")
_MAX_SITE_TOKENS = 7
STREET_WORDS = words("places", "street_words")
LANDMARKS = table("places", "landmarks")
_ROAD_NUMBERED = words("places", "numbered_roads")
# "in March", "on Tuesday", "at 5 pm": never places, whatever the gazetteer says.
_NOT_PLACE_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY",
                             "PERCENT"})


TAKES_PLACE = words("places", "place_verbs")  # "captured Seoul"; event_place uses it too
_PERSON_VERBS = words("places", "person_verbs")
_IN_PLACE = words("places", "location_preps")
PARTS_OF = words("places", "parts_of")
_BEARING_WORDS = words("places", "bearing_words")


def _slot_token(doc: Doc, s: int, e: int) -> Token:
    tok = doc[s:e].root
    for _ in range(3):  # "Tel Hamis and Tel Birak", "the capital, Grozny"
        if tok.dep_ == "conj" or (tok.dep_ == "appos" and tok.head.pos_ in ("NOUN", "PROPN")):
            tok = tok.head
        else:
            break
    return tok


def in_locative(doc: Doc, s: int, e: int) -> bool:
    """Is the run the object of a locative preposition ("in Khaldiyah", "off the Horn of
    Africa"; not "from"/"to", which name origins and addressees) or of a verb that takes
    places rather than people ("bombed Pooneryn", "patrolled the Malacca Straits")?"""
    tok = _slot_token(doc, s, e)
    if tok.dep_ == "pobj":
        return tok.head.lower_ in LOCATIVE - {"from", "to", "towards", "toward"}
    lemma = tok.head.lemma_.lower()
    return (tok.dep_ in ("dobj", "nsubjpass") and lemma in TAKES_PLACE
            and lemma not in _PERSON_VERBS)


def in_location_phrase(doc: Doc, s: int, e: int) -> bool:
    """Is the run the object of a preposition of location ("in", "near", "at"; not
    "between" or "against", whose objects are parties), or a conjunct of one?"""
    tok = _slot_token(doc, s, e)
    return tok.dep_ == "pobj" and tok.head.lower_ in _IN_PLACE


def place_slot(doc: Doc, s: int, e: int) -> int | None:
    """The least population at which the gazetteer's reading of tokens [s, e) is taken as a
    place given its syntax ("killed in Taji", "the outskirts of Karachi", "captured
    Jaffna"), or None when the syntax does not make it a place."""
    tok = _slot_token(doc, s, e)
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in PARTS_OF:
        return 0
    # GeoNames' alternate names are noisy: a hamlet is no evidence against a person
    if tok.dep_ == "pobj" and head.lower_ in _IN_PLACE:
        return 1000
    if tok.dep_ in ("dobj", "nsubjpass") and head.pos_ == "VERB":
        lemma = head.lemma_.lower()
        if lemma in TAKES_PLACE:
            person = lemma in _PERSON_VERBS and doc[s].ent_type_ in ("PERSON", "")
            return _LIST_POP if person else 1000
    return None


def slot_place(doc: Doc, s: int, e: int) -> bool:
    """A run in a place's slot (see `place_slot`) that the gazetteer knows at that size."""
    least = place_slot(doc, s, e)
    return least is not None and any(
        x.population >= least or x.feature in ("country", "admin1", "admin2")
        for x in get_gazetteer().lookup(doc[s:e].text))


# Entity labels under which a capitalised run is not a place, whatever the gazetteer says.
_NOT_PLACE_NER = frozenset({"PERSON", "ORG", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW",
                            "LANGUAGE"})
_LIST_POP = 15000


def _listed_place(doc: Doc, s: int, e: int, prev: str) -> bool:
    """A capitalised run in a list or apposition ("Mashonaland West, Manicaland and
    Midlands", "Sukoharjo, Central Java") that the gazetteer knows as a sizeable place."""
    if prev not in (",", "and", "or", "(", "&"):
        return False
    if any(doc[i].ent_type_ in _NOT_PLACE_NER for i in range(s, e)):
        # the tagger's person is still the province closing a place's containers:
        # "Isari (Ngala district, Borno)"
        return e < len(doc) and doc[e].text == ")" and any(
            x.feature in ("admin1", "admin2") for x in get_gazetteer().lookup(doc[s:e].text))
    return any(x.feature in ("country", "admin1", "admin2") or x.population >= _LIST_POP
               for x in get_gazetteer().lookup(doc[s:e].text))


_CONTAINER_OPENERS = words("places", "container_openers")
ADMIN_CUES = frozenset(k for k, v in _AFTER_CUES.items() if v in ("province", "district"))


def container_follows(doc: Doc, e: int) -> bool:
    """Is the run ending at ``e`` followed by "(" or "," and a province or district
    ("at Kirawa (Gwoza district, Borno)", "in Kambi, Tana River")? Then it is a place the
    gazetteer lacks inside that container, not a word to drop."""
    if e + 1 >= len(doc) or doc[e].text not in _CONTAINER_OPENERS:
        return False
    r = _propn_run(doc, e + 1)
    if r == e + 1:
        return False
    if doc[r - 1].lower_ in ADMIN_CUES or r < len(doc) and doc[r].lower_ in ADMIN_CUES:
        return True  # "(Gwoza LGA, ...)": the cue says it is an area
    return any(x.feature in ("admin1", "admin2")
               for x in get_gazetteer().lookup(doc[e + 1:r].text))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _propn_run(doc: Doc, i: int) -> int:
    """End (exclusive) of the proper-noun run starting at token i, or i if none."""
    j = i
    while j < len(doc):
        t = doc[j]
        name_tok = t.pos_ == "PROPN" or (t.is_title and not t.is_sent_start and t.is_alpha)
        joins = (t.lower_ in _CONNECTORS and j > i and j + 1 < len(doc)
                 and (doc[j + 1].pos_ == "PROPN" or doc[j + 1].is_title
                      or doc[j + 1].lower_ in _CONNECTORS))
        if name_tok or joins:
            j += 1
        else:
            break
    while j > i and doc[j - 1].lower_ in _CONNECTORS:
        j -= 1
    return j


def _extend(doc: Doc, s: int, e: int) -> tuple[int, int, str | None, int, int]:
    """Widen [s, e) over cue words; returns (start, end, hint, name_start, name_end)."""
    hint = None
    ns, ne = s, e
    if e + 1 < len(doc) and (doc[e].lower_, doc[e + 1].lower_) in _TWO_WORD_CUES:
        hint = _TWO_WORD_CUES[(doc[e].lower_, doc[e + 1].lower_)]
        e += 2
    elif e < len(doc) and doc[e].lower_ in _FACILITY_CUES:
        hint = _FACILITY_CUES[doc[e].lower_]
        e += 1
    elif e < len(doc) and doc[e].lower_ in _AFTER_CUES and doc[e].pos_ != "VERB":
        hint = _AFTER_CUES[doc[e].lower_]
        e += 1
    elif s >= 2 and doc[s - 1].lower_ == "of" and doc[s - 2].lower_ in _BEFORE_CUES:
        hint = _BEFORE_CUES[doc[s - 2].lower_]
        s -= 2
    if hint is None and doc[e - 1].lower_.rstrip(".") in STREET_WORDS and e - s >= 2:
        hint = "street"
    elif hint is None and doc[e - 1].lower_ in _FACILITY_CUES:  # a site name ("K-1 base")
        hint = _FACILITY_CUES[doc[e - 1].lower_]
    elif hint is None and e - s >= 2 and doc[e - 1].lower_ in LANDMARKS:
        hint = LANDMARKS[doc[e - 1].lower_]  # "the Bardo Museum", "the Baliem Valley"
    elif hint is None and e - s >= 2 and doc[e - 1].lower_ in _AFTER_CUES:
        # the tagger's entity already holds the cue ("Paktika province")
        hint = _AFTER_CUES[doc[e - 1].lower_]
        ne = e - 1
    return s, e, hint, ns, ne


def _strip_the(doc: Doc, s: int, e: int) -> int:
    while s < e - 1 and doc[s].lower_ in ARTICLES:
        s += 1
    return s


@lru_cache(maxsize=1)
def _site_first_words() -> frozenset[str]:
    return frozenset(k.split()[0] for k in site_keys() if k)


def _site_token_spans(doc: Doc) -> tuple[tuple[int, int], ...]:
    """Token spans whose text normalises to a curated site name or alias, longest first;
    once per document (the actors stage and the place finder both need them)."""
    sites = site_keys()
    return per_doc(doc, ("site spans", sites), lambda: tuple(_scan_sites(doc, sites)))


def _scan_sites(doc: Doc, sites: frozenset[str]) -> list[tuple[int, int]]:
    firsts = _site_first_words()
    toks = doc_tokens(doc)
    cols = columns(doc)
    text = doc_text(doc)
    # (per-token columns and span texts cut from the text: no Span per candidate length)
    next_shaped = next_true([t.is_title or t.is_upper or t.like_num for t in toks])
    out: list[tuple[int, int]] = []
    n = len(doc)
    i = 0
    while i < n:
        hit = 0
        tok = toks[i]
        # only where a site name can start: its first word, or an article before it
        if not (tok.is_stop or tok.is_punct or tok.is_space) and (
                tok.lower_ in _CONNECTORS or normalize_place(tok.text) in firsts):
            for k in range(min(_MAX_SITE_TOKENS, n - i), 0, -1):
                if cols.punct[i + k - 1] or next_shaped[i] >= i + k:
                    continue
                if normalize_place(cols.span_text(text, i, i + k)) in sites:
                    hit = k
                    break
        if hit:
            out.append((i, i + hit))
            i += hit
        else:
            i += 1
    return out


def site_spans(doc: Doc) -> list[tuple[int, int]]:
    """Char spans of curated site names ("Ain al-Asad air base"), for earlier stages that
    should not claim part of a site name as an actor ("al-Asad")."""
    return [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1])) for a, b in _site_token_spans(doc)]


def find_place_mentions(doc: Doc, taken: list[tuple[int, int]]) -> list[PlaceMention]:
    """Place mentions in ``doc``, skipping char spans already claimed in ``taken``."""
    gaz = get_gazetteer()
    cands: list[tuple[int, int, int]] = []  # (tok_start, tok_end, priority: lower wins)
    n = len(doc)

    # 1. curated sites: longest normalised n-gram that is a site name or alias
    cands.extend((a, b, 0) for a, b in _site_token_spans(doc))
    tokens = doc_tokens(doc)

    # 2. spaCy entities
    for ent in doc.ents:
        if ent.label_ in ("GPE", "LOC", "FAC"):
            s0, e0 = _strip_the(doc, ent.start, ent.end), ent.end
            while e0 - s0 > 1 and (doc[e0 - 1].tag_ == "POS" or doc[e0 - 1].is_punct):
                e0 -= 1  # "Boone County's" is "Boone County"
            if e0 - s0 == 1 and doc[s0].lower_ in _GENERIC_ALONE:
                continue  # "the Valley", "the State": no gazetteer can place these
            cands.append((s0, e0, 1))

    # 3. proper-noun runs after a locative preposition or before a cue word
    for t in tokens:
        starts = []
        if (t.lower_ in LOCATIVE or (t.lower_ == "of" and t.i > 0
                                     and doc[t.i - 1].lower_ in PARTS_OF)) and t.i + 1 < n:
            j = t.i + 1
            while j < n and (doc[j].lower_ in ("the", "a") or (
                    doc[j].lower_ in _BEARING_WORDS and not doc[j].is_title)):
                j += 1
            starts.append(j)
        if t.dep_ in ("dobj", "nsubjpass") and t.pos_ == "PROPN" and (
                t.i == 0 or doc[t.i - 1].pos_ != "PROPN"):
            starts.append(t.i)
        if t.pos_ == "PROPN" and (t.i == 0 or doc[t.i - 1].pos_ != "PROPN"):
            starts.append(t.i)
        for s in starts:
            if s >= n or doc[s].ent_type_ in _NOT_PLACE_ENTS:
                continue
            e = _propn_run(doc, s)
            if e - s >= 2 and doc[e - 1].lower_ in _AFTER_CUES:
                e -= 1  # a capitalised cue is no part of the name ("Gwoza LGA")
            after = doc[e].lower_ if e < n else ""
            cue = after in _AFTER_CUES or after in _FACILITY_CUES
            prev = doc[s - 1].lower_ if s > 0 else ""
            before_cue = s >= 2 and prev == "of" and doc[s - 2].lower_ in _BEFORE_CUES
            if prev in ("a", "an") and _AFTER_CUES.get(after) in ("village", "city"):
                continue  # "attacked a Rohingya village": who lives there, not its name
                # (other finder paths can still make such a mention: local_places drops it)
            if e == s or (s != t.i + 1 and not cue and prev not in LOCATIVE
                          and prev not in ("the", "a") and prev not in _BEARING_WORDS
                          and not before_cue and not _listed_place(doc, s, e, prev)
                          and not slot_place(doc, s, e)):
                continue
            # shrink from the right ("in Baghdad Thursday"), never cutting inside a
            # connected name ("Jurf | al-Sakhar")
            full = e
            while e > s and ((e < full and (doc[e].lower_ in _CONNECTORS
                                            or not doc[e - 1].whitespace_))
                             or (e - s == 1 and doc[s].lower_ in NEVER_ALONE)
                             or not gaz.lookup(doc[s:e].text)):
                e -= 1
            landmark = full - s >= 2 and doc[full - 1].lower_ in LANDMARKS and (
                s == t.i + 1 or prev in ("the", "a")) and t.lower_ in LOCATIVE
            if e < full and (after in _KEEP_WHOLE or before_cue or landmark
                             or (t.lower_ in LOCATIVE and container_follows(doc, full))):
                # a place the gazetteer lacks ("the town of Mussaiyab") is still a place:
                # its container or a close spelling may place it
                e = full
            elif s < e < full and doc[e].ent_iob_ == "I" and doc[e].ent_type_ not in (
                    _NOT_PLACE_ENTS):
                continue  # never cut a name the tagger holds together ("Olympic | Games")
            if e > s:
                cands.append((s, e, 2))

    # 4. streets and landmarks: a capitalised run ending in a street word ("Royal Street",
    # "South Lowry Avenue", "Shawnee Park"), and numbered roads ("Interstate 70", "I-75")
    for t in tokens:
        low = t.lower_.rstrip(".")
        if low in STREET_WORDS and t.is_title and t.i > 0:
            s = t.i
            while s > 0 and t.i - s < 5 and (
                    doc[s - 1].pos_ == "PROPN" or doc[s - 1].like_num or (
                        doc[s - 1].is_title and not doc[s - 1].is_sent_start
                        and not doc[s - 1].is_stop)) and not doc[s - 1].is_punct:
                s -= 1
            if s < t.i and not doc[s].like_num and doc[s].ent_type_ not in _NOT_PLACE_ENTS:
                cands.append((s, t.i + 1, 1))
        elif low in _ROAD_NUMBERED and t.is_title and t.i + 1 < n and doc[t.i + 1].like_num:
            cands.append((t.i, t.i + 2, 1))
        elif len(t.text) > 2 and t.text[:2] in ("I-", "US-") and t.text[2:].isdigit():
            cands.append((t.i, t.i + 1, 1))

    # 5. datelines: "BAGHDAD (Reuters) -", "GAZA CITY, Jan 5 -" at a paragraph start
    for t in tokens:
        if t.is_upper and t.is_alpha and (t.i == 0 or "\n" in doc[t.i - 1].text_with_ws
                                          or (t.is_sent_start and len(t) > 3)):
            e = t.i
            while e < n and doc[e].is_upper and doc[e].is_alpha:
                e += 1
            if e < n and doc[e].text in ("(", "-", "--", "\u2014", "\u2013", ",") and gaz.lookup(
                    doc[t.i:e].text):
                cands.append((t.i, e, 2))

    # a name never runs across a line break ("...Captured in Kandahar\nKANDAHAR, ...")
    cands = [(a, next((k for k in range(a, b) if doc[k].is_space), b), p) for a, b, p in cands]
    cands = [c for c in cands if c[1] > c[0]]
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    chosen: list[PlaceMention] = []
    used: list[tuple[int, int]] = []
    for s0, e0, prio in cands:
        s, e, hint, ns, ne = _extend(doc, s0, e0)
        span: Span = doc[s:e]
        chars = (span.start_char, span.end_char)
        # A curated site name beats an actor claim strictly inside it ("al-Asad" in "Ain
        # al-Asad air base"); any other overlap with a claimed span drops the candidate.
        blocked = [t for t in taken if _overlaps(chars, t)]
        if prio == 0:
            blocked = [t for t in blocked if not (chars[0] <= t[0] and t[1] <= chars[1]
                                                  and t[1] - t[0] < chars[1] - chars[0])]
        if blocked or any(_overlaps((s, e), u) for u in used):
            continue
        used.append((s, e))
        chosen.append(PlaceMention(span.text, chars[0], chars[1], s, e, hint,
                                   doc[ns:ne].text))
    # One sense per discourse: a name found as a place once is a place everywhere in the
    # document, even where the tagger called it a PERSON or it follows a verb.
    texts = columns(doc).text  # (a Token per index looked at would cost names x tokens)
    names = {tuple(texts[m.tok_start:m.tok_end]) for m in chosen}
    for toks in sorted(names, key=len, reverse=True):
        k = len(toks)
        for i in range(n - k + 1):
            if texts[i] != toks[0] or tuple(texts[i:i + k]) != toks:
                continue
            rep = doc[i:i + k]
            chars = (rep.start_char, rep.end_char)
            if any(_overlaps(chars, t) for t in taken) or any(
                    _overlaps((i, i + k), u) for u in used):
                continue
            used.append((i, i + k))
            chosen.append(PlaceMention(rep.text, chars[0], chars[1], i, i + k, None,
                                       rep.text))
    chosen.sort(key=lambda m: m.start)
    return chosen
