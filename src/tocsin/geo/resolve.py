"""Resolve place mentions to gazetteer entries, and tie events to places by syntax."""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from tocsin.doc_cache import doc_text
from tocsin.geo import precision
from tocsin.geo.containers import (
    FOREIGN_TOWN_MAX,
    abroad_of_its_town,
    container_chain,
    containers,
    inside,
)
from tocsin.geo.countries import (
    contested_reading,
    country_surface_forms,
    normalise_form,
)
from tocsin.geo.finder import PlaceMention
from tocsin.geo.gazetteer import GazEntry, get_gazetteer, normalize_place
from tocsin.geo.metonyms import capital_of
from tocsin.model import Place, Span

_SITE_FEATURES = frozenset({"site", "airport", "base"})
_ADMIN_HINTS = frozenset({"province", "district", "region"})
_SETTLEMENT_HINTS = frozenset({"city", "village"})
# How specific a feature is: an event is tied to the most specific linked place.
SPECIFICITY = {"site": 6, "airport": 6, "base": 6, "village": 5, "city": 5, "admin2": 4,
               "other": 3, "admin1": 3, "region": 2, "country": 1}


@dataclass(slots=True)
class _Cand:
    entry: GazEntry
    full: bool  # matched the whole mention text (cue words included)


def _candidates(m: PlaceMention, text: str = "") -> list[_Cand]:
    gaz = get_gazetteer()
    out: dict[str, _Cand] = {}
    if m.hint == "street":  # only a curated landmark; else its town places it
        return [_Cand(e, True) for e in gaz.lookup(m.text) if e.id.startswith("site:")]
    if m.country is not None:  # a country form: its capital ("Moscow") or the country
        same = [e for e in gaz.lookup(m.text) if e.country == m.country
                and e.feature in ("country", "city")]
        entry = gaz.country_entry(m.country)
        if not same and entry is not None:
            same = [entry]
        return [_Cand(e, True) for e in same]
    for e in gaz.lookup(m.text):
        out[e.id] = _Cand(e, True)
    iso3 = _kb_country_names().get(normalise_form(m.text))
    entry = gaz.country_entry(iso3) if iso3 else None
    if entry is not None:
        # A short name the country KB lists ("Bosnia") but GeoNames lacks: the country
        # competes with any homonymous village, and wins unless context favours the village.
        out.setdefault(entry.id, _Cand(entry, True))
    contested = contested_reading(m.text, text)
    if contested is not None and contested[1] == "name":
        # "Congo": the reading the document's cues (or wire style) pick, not another
        # country of the same name.
        entry = gaz.country_entry(contested[0])
        out = {k: c for k, c in out.items() if c.entry.feature != "country"}
        if entry is not None:
            out[entry.id] = _Cand(entry, True)
    if m.name and m.name != m.text:
        for e in gaz.lookup(m.name):
            out.setdefault(e.id, _Cand(e, False))
    return list(out.values())


@functools.cache
def _kb_country_names() -> dict[str, str]:
    """Normalised country names of the country KB (names only, not demonyms) -> ISO3."""
    return {normalise_form(form): iso3 for form, iso3, kind in country_surface_forms()
            if kind == "name"}


def _a1key(e: GazEntry) -> str:
    return f"{e.country}/{normalize_place(e.admin1)}" if e.admin1 else ""


def _score(c: _Cand, m: PlaceMention, key: str, share: dict[str, float],
           container: GazEntry | None, twins: frozenset[tuple[str | None, str]],
           a1: dict[str, float], ctx: _Context) -> float:
    e = c.entry
    s = 0.3 * math.log10(e.population + 1)
    if e.id.startswith("site:"):
        s += 3.0
    if c.full and m.name and m.name != m.text:
        s += 1.0
    if normalize_place(e.name) == key:
        s += 0.6
    s += {"country": 2.5, "city": 0.5, "region": 0.3}.get(e.feature, 0.0)
    if e.feature == "admin1" and capital_of(key) == e.country:
        s -= 1.5  # "Washington" in the news is the capital, not the state
    if e.feature == "admin1":
        # "Kirkuk", "Baghdad": a province named after its capital means the city; a name
        # no city shares ("Indiana", "Helmand") means the province.
        s += -0.8 if (e.country, key) in twins else 0.5
    if m.hint in _ADMIN_HINTS:
        s += 3.5 if e.feature in ("admin1", "admin2", "region") else 0.0
    elif m.hint in _SETTLEMENT_HINTS:
        s += 1.5 if e.feature in ("city", "village") else -1.0
    elif m.hint in ("base", "airport", "site") and e.feature in _SITE_FEATURES:
        s += 1.5
    if e.country:
        s += 2.0 * share.get(e.country, 0.0)
    if e.feature not in ("admin1", "country"):
        # the article's province or state: "Montgomery County" in a Kansas story
        s += 1.5 * a1.get(_a1key(e), 0.0)
    if container is not None:
        if container.feature == "country":
            s += 3.0 if e.country == container.country else -1.0
        elif container.feature == "admin1":
            same = e.admin1 and normalize_place(e.admin1) == normalize_place(container.name)
            s += 3.0 if same else (0.5 if e.country == container.country else -1.0)
    if (e.feature, e.country) in ctx.peer_kinds:
        s += 1.5  # a list of peers is of one kind: "Alaska, Alabama, Georgia" are states
    if e.feature in ("country", "admin1", "admin2") and any(
            inside(x, e) for x in ctx.contained if x.id != e.id):
        s += 2.5  # the container of a place named before it: "Atlanta, Georgia"
    elif e.feature == "country" and ctx.contained:
        s -= 2.0  # "Erena (Shiroro district, Niger)": the state, as no place named lies in
        # the country of that name
    return s


@dataclass(slots=True)
class _Context:
    """What the neighbouring mentions say about one name."""
    peer_kinds: frozenset[tuple[str, str | None]] = frozenset()
    contained: tuple[GazEntry, ...] = ()  # readings of "X" in "X, <this>"


_LIST_GAPS = frozenset({",", "and", ", and", "or", ", or", "&", "/"})


def _peers(mentions: list[PlaceMention], doc: Doc, actors_too: bool = False
           ) -> dict[int, list[int]]:
    """mention index -> the other members of its list ("Alaska, Alabama, Georgia");
    ``actors_too``: names of actors ("Oslo" as Norway's) count as members too."""
    out: dict[int, list[int]] = {}
    text = doc_text(doc)
    chain: list[int] = []
    for i in range(len(mentions)):
        if chain and (actors_too or not mentions[i].from_actor
                      and not mentions[chain[-1]].from_actor) and (
                " ".join(text[mentions[chain[-1]].end:mentions[i].start].split())
                in _LIST_GAPS):
            chain.append(i)
            continue
        for j in chain:
            out[j] = [x for x in chain if x != j]
        chain = [i]
    for j in chain:
        out[j] = [x for x in chain if x != j]
    return out


def _peer_kinds(firsts: list[GazEntry | None]) -> frozenset[tuple[str, str | None]]:
    """The kind (feature, country) most of a list's other members have, if a country or
    a province: "Washington, New York and Boston" is no list of states."""
    kinds: dict[tuple[str, str | None], int] = defaultdict(int)
    for f in firsts:
        if f is not None:
            kinds[(f.feature, f.country)] += 1
    return frozenset(kd for kd, n in kinds.items()
                     if kd[0] in ("country", "admin1") and n * 2 > len(firsts))


def _others(where: dict[str, dict[str, float]], key: str) -> dict[str, float]:
    """Country shares of the places named by the other names of the document."""
    votes: dict[str, float] = defaultdict(float)
    for k, per in where.items():
        if k != key:
            for c, v in per.items():
                votes[c] += v
    total = sum(votes.values()) or 1.0
    return {c: v / total for c, v in votes.items()}


def _support(where: dict[str, dict[str, float]], key: str, share: dict[str, float]) -> int:
    """How many names other than ``key`` place things in the dominant country."""
    if not share:
        return 0
    top = max(share, key=lambda c: share[c])
    return sum(1 for k, per in where.items() if k != key and per.get(top, 0.0) > 0)


def _close_spelling(m: PlaceMention, share: dict[str, float], cont: GazEntry | None
                    ) -> tuple[GazEntry | None, float]:
    """A name the gazetteer lacks, spelt close to one it has ("Mussaiyab" ~ "Al-Musayab"),
    accepted only inside the stated container or the document's dominant country."""
    top = max(share, key=lambda c: share[c]) if share else None
    if cont is None and (top is None or share[top] < 0.4):
        return None, 0.0
    near = [e for e in get_gazetteer().fuzzy(m.name or m.text)
            if e.feature not in ("country", "region")
            and (inside(e, cont) if cont is not None else e.country == top)]
    if not near:
        return None, 0.0
    admin = m.hint in _ADMIN_HINTS  # "Ghanzi province" is the province, not its town
    return max(near, key=lambda e: ((e.feature in ("admin1", "admin2")) == admin,
                                    e.population)), 0.4


_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss"})


def _implausible(e: GazEntry, share: dict[str, float], names: int = 0) -> bool:
    """``names``: how many other names place the document in its dominant country."""
    small = (e.feature in ("city", "village") and e.population < FOREIGN_TOWN_MAX
             # a small foreign province against a well-attested country: "Ghanzi
             # province" in a story from Kabul about Afghanistan is a typo of Ghazni
             or e.feature == "admin1" and e.population < 100_000 and names >= 2)
    if not small:
        return False
    if not share or max(share.values()) < 0.4:
        return False  # no dominant country: nothing to contradict
    top = max(share, key=lambda c: share[c])
    return e.country != top and share.get(e.country or "", 0.0) < 0.1


def _pick(cands: list[_Cand], m: PlaceMention, key: str, share: dict[str, float],
          container: GazEntry | None, a1: dict[str, float] | None = None,
          ctx: _Context | None = None) -> tuple[GazEntry | None, float]:
    if not cands:
        return None, 0.0
    # a province and its namesake town inside it ("Kirkuk"), not a town elsewhere that
    # shares a state's name ("Oregon, Ohio")
    twins = frozenset((c.entry.country, key) for c in cands
                      if c.entry.feature == "city" and c.entry.population >= 15000
                      and normalize_place(c.entry.name) == key and c.entry.admin1
                      and normalize_place(c.entry.admin1) == key)
    ctx = ctx or _Context()
    scored = sorted(((_score(c, m, key, share, container, twins, a1 or {}, ctx), c.entry)
                     for c in cands), key=lambda x: -x[0])
    if len(scored) == 1:
        return scored[0][1], 0.95 if scored[0][1].id.startswith("site:") else 0.9
    margin = scored[0][0] - scored[1][0]
    return scored[0][1], 0.35 + 0.6 * math.tanh(margin)


def resolve_mentions(mentions: list[PlaceMention], doc: Doc,
                     country_hint: str | None = None
                     ) -> list[tuple[PlaceMention, Place | None]]:
    """Each mention with its Place (or None). Mentions of one place share one Place object
    whose ``mentions`` lists them all; the same string resolves the same way in a doc."""
    # "Kansas City" is a name, not "Kansas" + a cue word: the whole text keys a mention the
    # gazetteer knows whole, so it never shares a decision with plain "Kansas"
    gaz = get_gazetteer()
    keys = [normalize_place(m.text if m.name != m.text and gaz.lookup(m.text) else
                            m.name or m.text) for m in mentions]
    text = doc_text(doc)
    cands = [_candidates(m, text) for m in mentions]
    conts = containers(mentions, doc)
    for i, j in list(conts.items()):
        if j < i and not any(inside(c.entry, d.entry) for c in cands[i] for d in cands[j]):
            del conts[i]  # "the USA's West Coast" (a horse): an owner that holds no reading
    # Pass 1: no context, to learn the document's dominant countries.
    votes: dict[str, float] = defaultdict(float)
    if country_hint:
        votes[country_hint] += 3.0
    first: list[GazEntry | None] = []
    # where the text places things, without the actors' nationalities ("American
    # soldiers" in Fallujah): the evidence a foreign homonym is weighed against
    where: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    kvotes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for m, k, cs in zip(mentions, keys, cands, strict=True):
        best, conf = _pick(cs, m, k, {}, None)
        first.append(best)
        if best is not None and best.country:
            vote = 2.0 if best.feature == "country" else conf
            votes[best.country] += vote
            kvotes[k][best.country] += vote
            if not m.from_actor and not (best.feature == "country" and doc[
                    m.tok_end - 1].dep_ in _MODIFIER_DEPS):
                # (a country as a modifier, "the U.S. occupation", "Iraqi officials", is
                # a nationality, not where the story is)
                where[k][best.country] += vote
    a1votes: dict[str, float] = defaultdict(float)
    for best in first:
        if best is not None and best.admin1 and best.feature != "country":
            a1votes[_a1key(best)] += 1.0

    peers = _peers(mentions, doc)
    listed = _peers(mentions, doc, actors_too=True)
    inner: dict[int, list[int]] = defaultdict(list)  # container -> the names before it
    for a, b in conts.items():
        inner[b].append(a)

    # Pass 2: with country shares and "X, Y" containment; one decision per key.
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        by_key[k].append(i)
    chosen: dict[str, tuple[GazEntry | None, float]] = {}
    # containers first, so that "Nawah district, Ghanzi province" is placed by the
    # container's final reading rather than its context-free one
    order = sorted(by_key, key=lambda key: not any(i in inner for i in by_key[key]))
    for k in order:
        idxs = by_key[k]
        i0 = next((i for i in idxs if i in conts), idxs[0])
        # prefer the mention with the most context (a cue word or a container)
        i0 = next((i for i in idxs if mentions[i].hint), i0)
        cont, inner_cont = container_chain(i0, conts, keys, chosen, first)
        f0 = first[i0]
        if cont is not None and (cont.feature not in ("country", "admin1") or (
                f0 is not None and f0.feature == cont.feature
                and not any(inside(c.entry, cont) for c in cands[i0]
                            if c.entry.id != cont.id))):
            cont = None  # "France, Brazil" and "Ohio, Indiana" are lists, not containment
        # a name does not vote for its own reading ("Paris" is no evidence for France)
        mine = kvotes.get(k, {})
        rest_c = {c: v - mine.get(c, 0.0) for c, v in votes.items()}
        total = sum(v for v in rest_c.values() if v > 0) or 1.0
        share = {c: v / total for c, v in rest_c.items() if v > 0}
        ctx = _Context(
            _peer_kinds([first[j] for i in idxs for j in peers.get(i, ()) if keys[j] != k]),
            tuple(c.entry for i in idxs for j in inner.get(i, ()) for c in cands[j]))
        # the other places' provinces: a name does not vote for its own reading
        own: dict[str, float] = defaultdict(float)
        for i in idxs:
            fi = first[i]
            if fi is not None and fi.admin1 and fi.feature != "country":
                own[_a1key(fi)] += 1.0
        rest = {a: v - own.get(a, 0.0) for a, v in a1votes.items()}
        total = sum(rest.values()) or 1.0
        a1 = {a: v / total for a, v in rest.items() if v > 0}
        if cont is not None and mentions[i0].country is not None and not any(
                inside(c.entry, cont) for c in cands[i0]):
            # a capital's name with a container that is not its country ("San Jose,
            # California"): the container decides among all the places of that name
            cands[i0] = _candidates(replace(mentions[i0], country=None), text)
        entry, conf = _pick(cands[i0], mentions[i0], k, share, cont, a1, ctx)
        if entry is None and not mentions[i0].from_actor and (
                cont is not None or mentions[i0].hint is not None):
            # only in a place's slot ("the town of X", "X district", "X, Iraq")
            entry, conf = _close_spelling(mentions[i0], share, cont)
        # a stated province is trusted over any reading outside it ("Isari (Ngala
        # district, Borno)" is no village of that name abroad); a country after a comma
        # may be a clause's subject ("In Deir ez-Zor, US forces said")
        weak = (entry is None or mentions[i0].hint in ("district", "village")
                # (not in a list of three or more: "Akershus, Oslo, Hedmark, Oppland")
                or cont is not None and cont.feature == "admin1" and len(listed.get(i0, ())) < 2)
        if cont is not None and weak and (entry is None or not inside(entry, cont)):
            # "in Zharay district, Kandahar province": a district the gazetteer lacks (or
            # only knows elsewhere) is still known to lie in its stated container. A
            # village or an unmarked name stays unresolved: `local_places` keeps its name
            # and gives it the point of its innermost placed container.
            if mentions[i0].hint in _ADMIN_HINTS:
                entry, conf = inner_cont or cont, 0.3
            else:
                entry, conf = None, 0.0
        elif entry is not None and cont is None and abroad_of_its_town(
                entry, i0, conts, keys, chosen, first, share, listed):
            # "Eastleigh, Nairobi": a suburb the gazetteer lacks, not the English town;
            # `local_places` gives it the town's point
            entry, conf = None, 0.0
        elif entry is not None and cont is None and _implausible(
                entry, others := _others(where, k), _support(where, k, others)):
            entry, conf = None, 0.0
            if mentions[i0].hint is not None and not mentions[i0].from_actor:
                entry, conf = _close_spelling(mentions[i0], share, None)
        chosen[k] = (entry, conf)

    _place_streets(mentions, keys, chosen, doc)
    places: dict[str, Place] = {}
    out: list[tuple[PlaceMention, Place | None]] = []
    for i, (m, k) in enumerate(zip(mentions, keys, strict=True)):
        entry, conf = chosen[k]
        if entry is not None and entry.feature in ("admin1", "admin2") and _own_container(
                i, mentions, keys, text):
            # "Kisumu (Kisumu Central, Kisumu)": a name before its namesake county is its town
            entry = max((c.entry for c in cands[i] if c.entry.feature in ("city", "village")
                         and inside(c.entry, entry)), key=lambda e: e.population,
                        default=entry)
        if entry is None:
            out.append((m, None))
            continue
        p = places.get(entry.id)
        if p is not None:
            p.confidence = max(p.confidence, round(max(0.05, min(conf, 0.99)), 3))
        else:
            p = Place(entry.id, entry.name, entry.lat, entry.lon, entry.country, entry.admin1,
                      entry.feature, [], round(max(0.05, min(conf, 0.99)), 3),
                      precision.of_feature(entry.feature),
                      entry.name if entry.feature == "admin2" else None)
            places[entry.id] = p
        p.mentions.append(Span(m.text, m.start, m.end))
        out.append((m, p))
    return out


_TOWNS = frozenset({"city", "village", "admin2"})


def _own_container(i: int, mentions: list[PlaceMention], keys: list[str], text: str) -> bool:
    """Whether the parenthesis right after mention ``i`` names a place of the same name."""
    after = text[mentions[i].end:]
    if not after.lstrip().startswith("("):
        return False
    close = mentions[i].end + (after.find(")") if ")" in after else len(after))
    return any(keys[j] == keys[i] and mentions[j].start < close
               for j in range(i + 1, len(mentions)))


def _place_streets(mentions: list[PlaceMention], keys: list[str],
                   chosen: dict[str, tuple[GazEntry | None, float]], doc: Doc) -> None:
    """A street or landmark the gazetteer lacks lies in the town named right after it
    ("Knox Road in Harlem", "Hampton Avenue, St. Louis"), else in the town the document
    names most; it takes that town's point with a low confidence."""
    text = doc_text(doc)
    counts: dict[str, int] = defaultdict(int)
    for m, k in zip(mentions, keys, strict=True):
        e, conf = chosen[k]
        # only a town the reader is sure of: a wrong town misplaces every street in it
        if (e is not None and not m.from_actor and e.feature in ("city", "village")
                and conf >= 0.5 and e.population >= 5000):
            counts[e.id] += 1
    by_id = {e.id: e for e, _ in chosen.values() if e is not None}
    top = max(counts, key=lambda i: counts[i]) if counts else None
    home = by_id.get(top) if top is not None and counts[top] >= 2 else None
    for i, (m, k) in enumerate(zip(mentions, keys, strict=True)):
        if m.hint != "street" or chosen[k][0] is not None:
            continue
        town = home
        if i + 1 < len(mentions):
            gap = " ".join(text[m.end:mentions[i + 1].start].split())
            nxt = chosen[keys[i + 1]][0]
            if gap in (",", "in", "in the", "at", "near") and nxt is not None and (
                    nxt.feature in _TOWNS or nxt.feature == "admin1"):
                town = nxt
        if town is None:
            continue
        chosen[k] = (GazEntry(f"street:{town.id}:{k.replace(' ', '-')}", m.text, town.lat,
                              town.lon, town.country, town.admin1, "site", 0), 0.2)
