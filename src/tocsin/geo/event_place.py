"""The place an event happened: the place syntactically tied to its trigger."""

from __future__ import annotations

from spacy.tokens import Token

from tocsin.geo.finder import LOCATIVE, PlaceMention
from tocsin.geo.resolve import SPECIFICITY
from tocsin.model import Place


def _mention_at(tok: Token, resolved: list[tuple[PlaceMention, Place | None]],
                strict: bool = False) -> Place | None:
    """The place of the mention covering ``tok``; ``strict`` refuses places named by an
    actor ("Russia said") and countries, which only a locative phrase makes a location."""
    for m, p in resolved:
        if p is not None and m.tok_start <= tok.i < m.tok_end:
            if strict and (m.from_actor or p.feature == "country"):
                return None
            return p
    return None


# Words that make "X of Y" a bearing from a reference point: "south of Baghdad".
_BEARINGS = frozenset({
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    "outskirts", "km", "kilometers", "kilometres", "miles", "mi", "outside",
})


def _locative(tok: Token) -> bool:
    """Is ``tok`` (a place name) the object of a locative preposition ("in Afghanistan")?"""
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


def _reference_point(tok: Token) -> bool:
    """Is ``tok`` the landmark a location is measured from ("40 km south of Kirkuk")?"""
    head = tok.head
    return (head.lower_ in ("of", "from") and head.head is not head
            and head.head.lower_ in _BEARINGS)


def event_place(trigger: Token, resolved: list[tuple[PlaceMention, Place | None]]
                ) -> Place | None:
    """The place syntactically tied to the event whose trigger is ``trigger``.

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
    for h_depth, h in enumerate(heads):
        for child in h.children:
            # "a Baghdad attack", "struck Abha airport", "the base was hit"
            if h is trigger and child.dep_ in ("compound", "nmod", "amod", "npadvmod",
                                               "dobj", "nsubjpass"):
                p = _mention_at(child, resolved, strict=True)
                if p is not None:
                    linked.append((h_depth, len(linked), p))
            # (token, depth, strict): a noun's modifier is only a location if it is below
            # country level and no actor ("killed in a U.S. airstrike")
            if h is trigger and child.dep_ in ("dobj", "nsubjpass"):
                stack = [(child, h_depth + 1, True)]  # "captured the town of Bakwa"
            elif child.dep_ == "prep" and child.lower_ in LOCATIVE and not (
                    h.i != trigger.i and h.head.i == trigger.i and child.lower_ == "from"):
                # (a participant "from Abidjan" says where they come from, not the event)
                stack = [(o, h_depth + 1, False) for o in child.children if o.dep_ == "pobj"]
            else:
                continue
            while stack:
                tok, depth, strict = stack.pop(0)
                if tok.i in seen or depth > 4:
                    continue
                seen.add(tok.i)
                p = _mention_at(tok, resolved, strict)
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
        return max(linked, key=lambda x: (SPECIFICITY.get(x[2].feature, 0), -x[0], -x[1]))[2]
    sent = trigger.sent
    same: list[tuple[int, int, int, Place]] = []
    for m, p in resolved:
        if (p is not None and sent.start <= m.tok_start < sent.end and not m.from_actor
                and (p.feature != "country" or _locative(trigger.doc[m.tok_end - 1]))):
            root = trigger.doc[m.tok_end - 1]
            if _describes_person(root):
                continue  # "A Tampa woman", "a driver from Abidjan": origin, not location
            ref = _reference_point(root)
            same.append((-ref, SPECIFICITY.get(p.feature, 0), -abs(m.tok_start - trigger.i), p))
    if same:
        return max(same, key=lambda x: (x[0], x[1], x[2]))[3]
    # A follow-up sentence ("During the search the force detained ...") happens where the
    # report last put the action: the most specific place of the nearest of the two
    # sentences before, if one names a place below country level.
    start = sent.start
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
