"""Containment among place mentions: which mention names the container of another ("in
Tripoli, Lebanon", "Bomadi (Bomadi district, Delta)", "Yemen's al-Jawf"), the province or
country a chain of containers ends in, and readings a stated container rules out."""

from __future__ import annotations

from spacy.tokens import Doc

from tocsin.doc_cache import doc_text
from tocsin.geo.finder import PlaceMention
from tocsin.geo.gazetteer import GazEntry, normalize_place

# A town this small, in a country the document is otherwise not about, is more likely a
# homonym than the place meant ("Mizan" in Zabul is not Mizan Teferi in Ethiopia).
FOREIGN_TOWN_MAX = 500_000


def containers(mentions: list[PlaceMention], doc: Doc) -> dict[int, int]:
    """mention index -> index of its container: the mention right after ", " ("in Tripoli,
    Lebanon"), or the possessive right before it ("Yemen's al-Jawf province")."""
    out: dict[int, int] = {}
    text = doc_text(doc)  # (spaCy rebuilds doc.text on each access)
    for i in range(len(mentions) - 1):
        gap = text[mentions[i].end:mentions[i + 1].start]
        words = gap.split()
        if words and words[0] in ("'s", "\u2019s") and len(words) <= 3 and all(
                w.islower() for w in words[1:]) and gap[:1] in ("'", "\u2019"):
            # "Yemen's northern al-Jawf province", "Iraq's Anbar": the owner contains it
            out.setdefault(i + 1, i)
            continue
        # "in Deir ez-Zor, US forces said": an actor is no container; "Bomadi (Bomadi
        # district, Delta)": a parenthesis holds the containers, innermost first; "Khana
        # district of Rivers State": a district's "of" names its province
        if actor_not_place(mentions[i + 1], doc) or gap.strip() not in (",", "(") and not (
                gap.strip() == "of" and mentions[i].hint == "district"):
            continue
        if mentions[i].hint is None and i + 2 < len(mentions) and " ".join(
                text[mentions[i + 1].end:mentions[i + 2].start].split()) in (
                "and", ", and", "or", ", or"):
            continue  # "stops in Washington, New York and Boston": a list
        out[i] = i + 1
    return out


def actor_not_place(m: PlaceMention, doc: Doc) -> bool:
    """An actor's name ("US forces said"), unless it stands apart as a name of its own
    ("in Eastleigh, Nairobi, during": a capital the actor tagger also reads as its state)."""
    return m.from_actor and doc[m.tok_end - 1].dep_ not in ("appos", "conj")


def container_chain(i: int, conts: dict[int, int], keys: list[str],
                     chosen: dict[str, tuple[GazEntry | None, float]],
                     first: list[GazEntry | None]
                     ) -> tuple[GazEntry | None, GazEntry | None]:
    """The province or country that contains mention ``i``, following "X, Y district, Z
    province" and "X (Y district, Z)" outwards; and the innermost placed container inside
    it below province level (a district or a town: the better point for X), if any."""
    inner: GazEntry | None = None
    j, steps = conts.get(i), 0
    while j is not None and steps < 4:
        c = chosen[keys[j]][0] if keys[j] in chosen else first[j]
        if c is not None and c.feature in ("country", "admin1"):
            if inner is not None and not inside(inner, c):
                inner = None  # a homonym of the district elsewhere
            return c, inner
        if c is not None and inner is None and c.feature in ("admin2", "city", "village"):
            inner = c
        j, steps = conts.get(j), steps + 1
    return None, None


def abroad_of_its_town(e: GazEntry, i: int, conts: dict[int, int], keys: list[str],
                        chosen: dict[str, tuple[GazEntry | None, float]],
                        first: list[GazEntry | None], share: dict[str, float],
                        listed: dict[int, list[int]]) -> bool:
    """Whether ``e``, a reading of mention ``i`` written right before a town of the
    country the other names place the document in more than ``e``'s ("X, Nairobi"),
    lies in another country: a small place there, not a list of two cities ("Paris,
    London": a large city stays)."""
    j = conts.get(i)
    if j is None or len(listed.get(i, ())) > 1:
        return False
    town = chosen[keys[j]][0] if keys[j] in chosen else first[j]
    if town is None or town.feature != "city" or town.country == e.country:
        return False
    return (share.get(town.country or "", 0.0) > share.get(e.country or "", 0.0)
            and (e.population or 0) < FOREIGN_TOWN_MAX)


def inside(e: GazEntry, cont: GazEntry) -> bool:
    if e.id == cont.id:
        return True
    if cont.feature == "country":
        return e.country == cont.country
    return (e.country == cont.country and e.admin1 is not None
            and normalize_place(e.admin1) == normalize_place(cont.name))
