"""The place an event happened: the place syntactically tied to its trigger."""

from __future__ import annotations

from spacy.tokens import Token

from tocsin.doc_cache import doc_text
from tocsin.geo.finder import LOCATIVE, TAKES_PLACE, PlaceMention
from tocsin.geo.gazetteer import get_gazetteer
from tocsin.geo.resolve import SPECIFICITY
from tocsin.lexicon_data import words
from tocsin.model import Place


def _mention_at(tok: Token, resolved: list[tuple[PlaceMention, Place | None]],
                strict: bool = False, country_ok: bool = False) -> Place | None:
    """The place of the mention covering ``tok``; ``strict`` refuses places named by an
    actor ("Russia said") and countries (unless ``country_ok``: "the Taiwan capital"),
    which only a locative phrase makes a location."""
    for m, p in resolved:
        if p is not None and m.tok_start <= tok.i < m.tok_end:
            if strict and (m.from_actor or (p.feature == "country" and not country_ok)):
                return None
            return p
    return None


# Bearings ("south of Baghdad"), nouns naming a place ("in the Taiwan capital") and parts
# of a place ("the vicinity of Kobane"): lexicon/places.yaml.
_BEARINGS = words("places", "bearings_from")
_PLACE_NOUNS = words("places", "place_head_nouns")
_PARTS = words("places", "place_parts")


def _locative(tok: Token) -> bool:
    """Is ``tok`` (a place name) the object of a locative preposition ("in Afghanistan"),
    or a name modifying such an object that names a place ("in the Taiwan capital")?"""
    for _ in range(3):
        head = tok.head
        if tok.dep_ in ("compound", "nmod", "poss") and head.lemma_.lower() in _PLACE_NOUNS:
            tok = head  # "in the Taiwan capital"
        elif tok.dep_ == "appos" and head.lemma_.lower() in _PLACE_NOUNS:
            tok = head  # "in the commercial capital, Abidjan"
        elif (tok.dep_ == "pobj" and head.lower_ == "of" and head.head.i != head.i
              and head.head.lemma_.lower() in _PLACE_NOUNS | _PARTS):
            tok = head.head  # "in the city of Fallujah", "in the vicinity of Kobane"
        else:
            break
    return tok.dep_ == "pobj" and tok.head.lower_ in LOCATIVE


def _describes_person(tok: Token) -> bool:
    """A place naming where a person or group is from ("a Tampa woman", "a cab driver from
    Abidjan", "Nigeria's largest tribes")."""
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ == "from":
        head = head.head
    elif tok.dep_ not in ("compound", "amod", "poss", "nmod"):
        return False
    return head.pos_ == "NOUN" and head.dep_ in ("nsubj", "nsubjpass", "dobj", "appos")


# Words whose clause attributes a statement: a place below them says where it was made.
_ATTRIBUTION = words("places", "attribution_words")
# Entities a place can describe ("Blackwater Security of North Carolina", "Chechnya's
# Justice Ministry", "a cab driver from Abidjan"): the place is theirs, not the event's.
_DESCRIBED = frozenset({"PERSON", "ORG", "NORP", "WORK_OF_ART", "EVENT", "LAW"})


def _ancestors(tok: Token) -> list[Token]:
    out = [tok]
    while out[-1].head.i != out[-1].i and len(out) < 40:
        out.append(out[-1].head)
    return out


def _foreign_path(tok: Token, trigger: Token, places: frozenset[int]) -> bool:
    """Does the path from the place ``tok`` up to where it meets the trigger's branch
    leave the event: through an attribution ("said in Abu Dhabi", "according to Los
    Angeles station KCAL"), a named person or organisation the place describes, or an
    origin ("a driver from Abidjan")?"""
    up = {t.i for t in _ancestors(trigger)}
    # an attribution after the report ("..., he said, reached from Libreville"); one in
    # front of it sets the scene ("In Deir ez-Zor, US forces said they had killed ...")
    after = tok.i > trigger.i
    path: list[Token] = []
    for t in _ancestors(tok):
        if t.i in up:
            if (after and t.i != trigger.i and trigger.pos_ in ("VERB", "AUX")
                    and t.lemma_.lower() in _ATTRIBUTION):
                return True  # (not "confirmed the capture of X in Zabul province")
            break
        path.append(t)
    for prev, t in zip([tok, *path], path, strict=False):
        if after and (t.lemma_.lower() in _ATTRIBUTION or t.lower_ in _ATTRIBUTION):
            return True
        # the place describes a named person or organisation: "X's ministry", "station
        # of X", "... Medical Center in Nashville" after the act (not a header's
        # "Operations ... In Kandahar last night, a force captured", a garbled parse)
        describing = prev.dep_ in ("poss", "compound", "nmod", "amod") or (
            prev.dep_ == "prep" and (prev.lower_ in ("of", "for", "from", "with")
                                     or t.i > trigger.i))  # "a hospital in Nashville"
        if (describing and t.i not in places and t.ent_type_ in _DESCRIBED
                and t.pos_ in ("PROPN", "NOUN") and not _participant(t, trigger)):
            return True
        if t.dep_ == "prep" and t.lower_ == "from" and _origin_or_holder(t.head, trigger):
            return True
    return False


def attributed_or_origin(tok: Token, trigger: Token) -> bool:
    """Is the place ``tok`` where a statement was made or reported from ("said in Ankara",
    "reached by phone in Nairobi") or where someone comes from ("a shopkeeper from
    Kirkuk")? Such a place says nothing of where the act was, even as a last resort."""
    if _describes_person(tok):
        return True  # "a Tampa woman", "the Dili students": where they are from
    up = {t.i for t in _ancestors(trigger)}
    prev = tok
    for t in _ancestors(tok)[1:]:
        if t.i in up:  # the branches meet: at a verb of saying, the place is the speaker's
            return t.i != trigger.i and t.lemma_.lower() in _ATTRIBUTION
        if t.lemma_.lower() in _ATTRIBUTION or t.lower_ in _ATTRIBUTION or (
                t.lemma_.lower() == "reach"):
            return True
        if prev.dep_ == "pobj" and t.lower_ == "from" and _origin_or_holder(t.head, trigger):
            return True
        prev = t
    return False


def _origin_or_holder(head: Token, trigger: Token) -> bool:
    """Does "from" under ``head`` name a former holder ("captured from Spain") or an
    origin ("a cab driver from Abidjan"), not a distance ("150 meters from a mosque")?"""
    if head.lemma_.lower() in TAKES_PLACE:
        return True
    return (head.pos_ in ("NOUN", "PROPN") and head.i != trigger.i
            and head.lower_ not in _BEARINGS
            and not any(c.dep_ == "nummod" for c in head.children))


def _participant(tok: Token, trigger: Token) -> bool:
    """Is ``tok`` (the head of) the trigger's subject or object ("the arrest of Taliban
    leader X in Kunduz province": where X was arrested)?"""
    while tok.dep_ in ("compound", "flat") and tok.head.i != tok.i:
        tok = tok.head
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ == "of":
        head = head.head
    return head.i == trigger.i and tok.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj")


def _place_tokens(resolved: list[tuple[PlaceMention, Place | None]]) -> frozenset[int]:
    return frozenset(i for m, _ in resolved for i in range(m.tok_start, m.tok_end))


def _rank(p: Place) -> float:
    """Specificity; a locality the gazetteer lacks, placed at its container's point
    (`local:`), lies inside that container: "the village of Ashmi ... Kobane"."""
    r = SPECIFICITY.get(p.feature, 0)
    return r + 0.5 if p.id.startswith("local:") and p.feature == "village" else r


def _reference_point(tok: Token) -> bool:
    """Is ``tok`` the landmark a location is measured from ("40 km south of Kirkuk")?"""
    head = tok.head
    return (head.lower_ in ("of", "from") and head.head is not head
            and head.head.lower_ in _BEARINGS)


def event_place(trigger: Token, resolved: list[tuple[PlaceMention, Place | None]]
                ) -> Place | None:
    """The place syntactically tied to the event whose trigger is ``trigger`` (see
    `event_place_step`)."""
    return event_place_step(trigger, resolved)[0]


def event_place_step(trigger: Token, resolved: list[tuple[PlaceMention, Place | None]]
                     ) -> tuple[Place | None, str]:
    """The place syntactically tied to the event whose trigger is ``trigger``, and the
    step that found it: "act", "sentence", "previous-sentences" or "none".

    Looks at locative prepositional attachments of the trigger (and of its head when the
    trigger is a noun or complement, and of its subject or object: "a policeman in Amara
    was killed"), then at place modifiers of the trigger ("a Baghdad attack"; not "a U.S.
    airstrike", where the country is the attacker's). Among linked places the most
    specific wins, ties to the shallowest; a reference point ("south of Baghdad") counts
    as deeper. Falls back to the most specific sub-national place of the sentence, then
    of the two sentences before."""
    linked: list[tuple[int, int, Place]] = []  # (depth, order, place)
    heads = [trigger]
    if trigger.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass", "attr", "xcomp", "ccomp",
                        "conj", "advcl") and trigger.head is not trigger:
        heads.append(trigger.head)
        if trigger.dep_ == "pobj" and trigger.head.head is not trigger.head:
            heads.append(trigger.head.head)
    # participants' locative modifiers, one level deeper than the trigger's own
    heads += [c for c in trigger.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
    seen: set[int] = set()
    places = _place_tokens(resolved)
    takes = trigger.pos_ == "VERB" and trigger.lemma_.lower() in TAKES_PLACE
    for h_depth, h in enumerate(heads):
        for child in h.children:
            # "a Baghdad attack", "struck Abha airport", "the base was hit"
            if h is trigger and child.dep_ in ("compound", "nmod", "amod", "npadvmod",
                                               "dobj", "nsubjpass"):
                acted_on = (takes and child.dep_ in ("dobj", "nsubjpass")
                            and child.ent_type_ != "NORP")  # not "attacked a combined Afghan"
                p = _mention_at(child, resolved, strict=not acted_on)
                if p is not None:
                    linked.append((h_depth, len(linked), p))
            # (token, depth, strict): a noun's modifier is only a location if it is below
            # country level and no actor ("killed in a U.S. airstrike")
            if h is trigger and child.dep_ in ("dobj", "nsubjpass"):
                stack = [(child, h_depth + 1, True)]  # "captured the town of Bakwa"
            elif child.dep_ == "prep" and child.lower_ in LOCATIVE and not (
                    child.lower_ == "from" and (takes and h is trigger or (
                        h.i != trigger.i and h.head.i == trigger.i))):
                # (a participant "from Abidjan" says where they come from, not the event)
                stack = [(o, h_depth + 1, False) for o in child.children if o.dep_ == "pobj"]
            else:
                continue
            while stack:
                tok, depth, strict = stack.pop(0)
                if tok.i in seen or depth > 4:
                    continue
                seen.add(tok.i)
                p = _mention_at(tok, resolved, strict, country_ok=_locative(tok))
                if p is not None and _foreign_path(tok, trigger, places):
                    continue  # "a cab driver from Abidjan", "employees of X of Y"
                if p is not None:
                    linked.append((depth + 3 * _reference_point(tok), len(linked), p))
                    # conjuncts ("in Kirkuk and Mosul") are co-equal places
                    stack.extend((c, depth, strict) for c in tok.children if c.dep_ == "conj")
                    continue
                for c in tok.children:  # "at a checkpoint near Kirkuk", "the town of X"
                    if c.dep_ == "prep":
                        stack.extend((o, depth + 1, False) for o in c.children
                                     if o.dep_ == "pobj")
                    elif c.dep_ in ("appos", "conj", "poss"):  # "in Syria's war"
                        stack.append((c, depth, strict))
                    elif c.dep_ in ("compound", "nmod", "amod"):
                        stack.append((c, depth, True))
    if linked:
        return max(linked, key=lambda x: (_rank(x[2]), -x[0], -x[1]))[2], "act"
    p = _sentence_place(trigger, resolved)
    if p is not None:
        return p, "sentence"
    p = _previous_place(trigger, resolved)
    return p, "previous-sentences" if p is not None else "none"


def _sentence_place(trigger: Token, resolved: list[tuple[PlaceMention, Place | None]]
                    ) -> Place | None:
    """The most specific sub-national place of the trigger's sentence (a country only
    when used locatively)."""
    sent = trigger.sent
    places = _place_tokens(resolved)
    same: list[tuple[int, float, bool, int, Place]] = []
    for m, p in resolved:
        if p is None or not sent.start <= m.tok_start < sent.end:
            continue
        root = trigger.doc[m.tok_end - 1]
        ref = _reference_point(root)
        # a place inside an actor's name counts only where a phrase makes it a location
        # ("on the outskirts of Karachi"), and a country only after a locative preposition
        if (m.from_actor or p.feature == "country") and not (_locative(root) or ref):
            continue
        if _describes_person(root) or _foreign_path(root, trigger, places):
            continue  # "A Tampa woman", "said in Abu Dhabi": not where the event happened
        inner = not _apposed_container(m, p, resolved, doc_text(trigger.doc))
        same.append((-ref, _rank(p), inner, -abs(m.tok_start - trigger.i), p))
    if same:
        return max(same, key=lambda x: (x[0], x[1], x[2], x[3]))[4]
    return None


def _apposed_container(m: PlaceMention, p: Place,
                       resolved: list[tuple[PlaceMention, Place | None]], text: str) -> bool:
    """Whether the mention names the town right after a place inside it ("in Shomolu,
    Lagos", "Kenyenya (Kisii)"): the place named first is where the act was."""
    for m0, p0 in resolved:
        if (p0 is None or p0.id == p.id or p0.country != p.country
                or text[m0.end:m.start] not in (", ", " (", ",")):
            continue
        gaz = get_gazetteer()
        pop = getattr(gaz.get(p.id), "population", None) or 0
        pop0 = getattr(gaz.get(p0.id), "population", None) or 0
        if pop > pop0:
            return True
    return False


def _previous_place(trigger: Token, resolved: list[tuple[PlaceMention, Place | None]]
                    ) -> Place | None:
    # A follow-up sentence ("During the search the force detained ...") happens where the
    # report last put the action: the most specific place of the nearest of the two
    # sentences before, if one names a place below country level.
    start = trigger.sent.start
    for _ in range(2):
        if start == 0:
            break
        prev = trigger.doc[start - 1].sent
        here = [(SPECIFICITY.get(p.feature, 0), m.tok_start, p) for m, p in resolved
                if p is not None and prev.start <= m.tok_start < prev.end
                and not m.from_actor]
        best = max(here, key=lambda x: (x[0], x[1]), default=None)
        if best is not None and best[0] > SPECIFICITY["country"]:
            return best[2]
        start = prev.start
    return None
