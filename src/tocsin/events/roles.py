"""Who did it and to whom: source and target actors from the dependency parse.

Active ("X struck Y"), passive ("Y was killed by X"), instruments as subjects ("two rockets
struck the base": unknown source), compounds and possessives ("a US drone strike",
"Iran's attack"), prepositional targets ("fired a drone at the airport", "attack on the
embassy") and coordination ("killed A and B").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

# Mention kinds, best first: a named KB actor beats a country, a new name, a generic noun.
KIND_RANK = {"kb": 0, "anaphor": 1, "country": 2, "ner": 3, "generic": 4}
TARGET_PREPS = frozenset({"at", "on", "against", "toward", "towards", "upon", "into", "near"})
# "a detention centre run by the Houthis": the owner of an attacked site is the target.
OWNER_VERBS = frozenset({"run", "operate", "control", "hold", "own", "belong", "use", "man"})
# "Iran-backed", "Saudi-led": the patron in such a modifier is not the phrase's actor.
PATRON_VERBS = frozenset({"back", "lead", "align", "sponsor", "support", "fund", "arm",
                          "affiliate", "link", "allied", "ally", "run", "aligned", "backed",
                          "led"})
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "parataxis"})
# Prepositions by which a subject joins a nominal act ("gathered for a rally").
# ("police arrested 20 people in a protest": "in" joins only after verbs of taking part).
JOIN_PREPS = frozenset({"for", "into", "to"})
JOIN_VERBS = frozenset({"participate", "join", "take", "engage", "march", "persist"})


@dataclass(slots=True)
class ActorIndex:
    """Token index -> (actor id, mention kind) for one document; ``places`` maps the tokens
    of place names to the country actor a place stands for when it is the target."""

    by_token: dict[int, tuple[str, str]]
    places: dict[int, str] = field(default_factory=dict)
    _kinds: dict[str, str] = field(default_factory=dict)  # actor id -> kind, built once

    def generic(self, actor_id: str) -> bool:
        """Is the actor named only by a generic noun ("troops"), not a name or a place?"""
        if not self._kinds:
            self._kinds.update(self.by_token.values())
            self._kinds.update((a, "place") for a in self.places.values()
                               if a not in self._kinds)
        kind = self._kinds.get(actor_id, "")
        return kind != "place" and KIND_RANK.get(kind, 9) >= 4

    def in_subtree(self, tok: Token, *, stop_at_clauses: bool = True) -> list[str]:
        """Actor ids mentioned in `tok`'s phrase, best kind first, no duplicates."""
        found: list[tuple[int, int, str]] = []
        stack = [tok]
        while stack:
            t = stack.pop()
            hit = self.by_token.get(t.i)
            if hit:
                found.append((KIND_RANK.get(hit[1], 9), t.i, hit[0]))
            for ch in t.children:
                if stop_at_clauses and ch.dep_ in CLAUSE_DEPS and not (
                        ch.dep_ == "acl" and ch.lemma_.lower() in OWNER_VERBS):
                    continue
                if ch.dep_ in {"amod", "compound"} and ch.lemma_.lower() in PATRON_VERBS:
                    continue  # "the Iran-backed militia" is the militia, not Iran
                stack.append(ch)
        found.sort()
        best_rank = found[0][0] if found else 9
        out: list[str] = []
        for rank, _, actor in found:
            # Generic nouns only count when nothing better names the phrase's actor.
            if rank >= 4 and best_rank < 4:
                continue
            if actor not in out:
                out.append(actor)
        return out

    def head_actors(self, tok: Token) -> list[str]:
        """The actor a noun phrase names: its head's own mention when that is a name
        ("AAH leader Qais al-Khazali" -> Khazali, not AAH), else the best in the phrase
        ("Ansar Allah fighters" -> Ansar Allah rather than generic fighters)."""
        hit = self.by_token.get(tok.i)
        if hit and KIND_RANK.get(hit[1], 9) < 4:
            out = [hit[0]]
            # "Hungarian and Romanian officials": coordinated modifiers name actors too.
            for ch in tok.children:
                if ch.dep_ in {"amod", "compound", "nmod"} and ch.conjuncts:
                    for t in (ch, *ch.conjuncts):
                        other = self.by_token.get(t.i)
                        if other and KIND_RANK.get(other[1], 9) < 4 and other[0] not in out:
                            out.append(other[0])
            return out
        return self.in_subtree(tok)

    def phrase_actors(self, tok: Token) -> list[str]:
        """Actors of a noun phrase and its coordinated conjuncts ("A and B")."""
        out = self.head_actors(tok)
        for conj in tok.conjuncts:
            for a in self.head_actors(conj):
                if a not in out:
                    out.append(a)
        return out


def _children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


# A verb without a subject takes its governor's: "agreed to provide" (xcomp), "opened fire,
# killing two" (advcl), "is ready to contribute" (acomp), "are guilty of violating" (pcomp).
_INHERITS = frozenset({"xcomp", "conj", "advcl", "acomp", "pcomp", "prep"})


def subject_of(verb: Token) -> tuple[Token | None, bool]:
    """The subject of `verb` (inherited from its governor), and whether it is passive."""
    cur: Token | None = verb
    for _ in range(6):
        if cur is None:
            break
        # Of two subjects (a misparsed dateline "BAGHDAD, Jan. 8 - Iran fired"), the nearer.
        subj = sorted(_children(cur, "nsubj", "csubj"), key=lambda t: abs(cur.i - t.i))  # type: ignore[union-attr]
        if subj:
            if subj[0].lower_ in {"which", "who", "that"} and cur.dep_ == "relcl":
                return cur.head, False  # "the group, which attacked ...": the antecedent
            return subj[0], False
        passive = _children(cur, "nsubjpass")
        if passive:
            return passive[0], True
        if cur.dep_ in _INHERITS and cur.head.i != cur.i:
            cur = cur.head
            continue
        break
    return None, False


def _agent(verb: Token) -> Token | None:
    for ch in verb.children:
        if ch.dep_ == "agent":
            pobj = _children(ch, "pobj")
            return pobj[0] if pobj else None
    return None


def _prep_objects(tok: Token, preps: frozenset[str]) -> list[Token]:
    out = []
    for ch in tok.children:
        if ch.dep_ == "prep" and ch.lower_ in preps:
            out.extend(_children(ch, "pobj"))
    return out


@dataclass(slots=True)
class Roles:
    source: list[str]
    target: list[str]
    target_phrases: list[Token]  # noun phrases the act was aimed at (for places too)


def verb_roles(verb: Token, index: ActorIndex) -> Roles:
    subj, passive = subject_of(verb)
    source: list[str] = []
    target: list[str] = []
    phrases: list[Token] = []
    if passive:
        agent = _agent(verb)
        if agent is not None:
            source = index.phrase_actors(agent)
        if subj is not None:
            target = index.phrase_actors(subj)
            phrases.append(subj)
    else:
        if subj is not None:
            source = index.phrase_actors(subj)
        for obj in _children(verb, "dobj", "dative"):
            phrases.append(obj)
            target += [a for a in index.phrase_actors(obj) if a not in target]
            # "fired a drone at the airport": the aim is the object's prepositional phrase.
            phrases += _prep_objects(obj, TARGET_PREPS)
    for pobj in _prep_objects(verb, TARGET_PREPS):
        phrases.append(pobj)
        if not target:
            target = index.phrase_actors(pobj)
    for ph in list(phrases):
        if not target:
            target = [a for p in _prep_objects(ph, TARGET_PREPS)
                      for a in index.phrase_actors(p)]
    return Roles(source, [t for t in target if t not in source], phrases)


def target_light_verbs() -> frozenset[str]:
    from tocsin.events.lexicon import get_lexicon

    return get_lexicon().target_light_verbs


def noun_roles(noun: Token, index: ActorIndex) -> Roles:
    """Roles of a nominal trigger: "a US strike on X", "Iran's attack", or its light verb."""
    source: list[str] = []
    for ch in noun.children:
        if ch.dep_ in {"poss", "compound", "amod", "nmod"}:
            source += [a for a in index.in_subtree(ch) if a not in source]
    for pobj in _prep_objects(noun, frozenset({"by", "from"})):
        source += [a for a in index.phrase_actors(pobj) if a not in source]
    targets: list[str] = []
    phrases = _prep_objects(noun, TARGET_PREPS | frozenset({"in"}))
    for pobj in _prep_objects(noun, TARGET_PREPS):
        targets += [a for a in index.phrase_actors(pobj) if a not in targets]
    from tocsin.events.lexicon import lemma_forms
    from tocsin.events.triggers import quantity_head

    if noun.dep_ == "compound":
        noun = noun.head  # "a hunger strike": the phrase's head has the roles
    noun = quantity_head(noun)  # "5 million dollars of aid": the quantity has the roles
    head = noun.head
    light = head.head if noun.dep_ == "pobj" else head
    if noun.dep_ in {"dobj", "pobj"} and lemma_forms(light) & target_light_verbs():
        # "the base came under attack", "Iran faces new sanctions": the subject is the target.
        subj, _ = subject_of(light)
        if subj is not None and not targets:
            targets = index.phrase_actors(subj)
            phrases.append(subj)
    elif noun.dep_ in {"dobj", "nsubjpass"} and head.pos_ in {"VERB", "AUX"}:
        # "carried out an attack on X": the light verb's subject is the source.
        hv = verb_roles(head, index)
        if not source:
            source = hv.source if noun.dep_ == "dobj" else []
        if not targets:
            targets = [t for t in hv.target if t not in index.in_subtree(noun)]
        phrases += hv.target_phrases
    elif noun.dep_ in {"nsubj"} and head.pos_ in {"VERB", "AUX"}:
        # "a drone strike killed two commanders": the victims are the verb's object.
        hv = verb_roles(head, index)
        targets = targets or [t for t in hv.target if t not in source]
        phrases += hv.target_phrases
    joined = noun.dep_ == "pobj" and noun.head.head.pos_ == "VERB" and (
        noun.head.lower_ in JOIN_PREPS or (noun.head.lower_ == "in" and
                                           noun.head.head.lemma_.lower() in JOIN_VERBS))
    if not source and joined:
        # "thousands converged for a rally", "took part in the protest": the joiners act.
        subj, passive = subject_of(noun.head.head)
        if subj is not None and not passive:
            source = [a for a in index.phrase_actors(subj) if a not in targets]
    return Roles(source, [t for t in targets if t not in source], phrases)


# Dependents of the trigger that never hold the act's target: its own subject side,
# auxiliaries, markers and the attribution ("..., officials said").
_NOT_PREDICATE = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "agent", "expl",
                            "aux", "auxpass", "neg", "punct", "mark", "cc", "parataxis",
                            "advmod", "npadvmod", "det", "case"})
# How far down the predicate a target may sit: "staged a strike in protest against
# violations by the security forces" puts it six arcs below the trigger.
MAX_DEPTH = 7
_TIME_MARKS = frozenset({"after", "before", "when", "while", "since", "until",
                         "once", "whenever"})
_REPORTING = frozenset({"say", "tell", "report", "accord", "quote", "add", "claim"})


def predicate_targets(tok: Token, nominal: bool, index: ActorIndex, exclude: list[str]
                      ) -> tuple[list[str], list[Token]]:
    """The nearest actor in the act's predicate when syntax named no target.

    Recipients and beneficiaries ("offered to hand over to Britain", "aid for Romania and
    Poland", "a meeting with Obama"), the addressee of a demand ("demanded that the US
    cancel"), the owner of what was acted on ("support Turkey's efforts") and the other
    party of a condition ("unless Israel rescinded") all sit in the predicate. Breadth
    first from the trigger (from its light verb for a nominal trigger), a named actor
    before a generic noun, nearer before deeper; coordinated names come together."""
    roots = [tok]
    if nominal and tok.dep_ in {"dobj", "pobj", "nsubj", "attr"} and tok.head.i != tok.i:
        light = tok.head.head if tok.dep_ == "pobj" and tok.head.head.i != tok.head.i \
            else tok.head
        if light.pos_ in {"VERB", "AUX"}:
            roots.append(light)
    best: tuple[int, int, int, Token] | None = None
    seen = {r.i for r in roots}
    frontier = [(r, 0) for r in roots]
    while frontier:
        cur, depth = frontier.pop(0)
        for ch in cur.children:
            if ch.i in seen or depth >= MAX_DEPTH:
                continue
            seen.add(ch.i)
            if cur in roots and ch.dep_ in _NOT_PREDICATE:
                continue
            if ch.dep_ in {"punct", "parataxis", "relcl"} or ch.lemma_.lower() in _REPORTING:
                continue  # "..., officials said", "according to reports", "where 28 died"
            if ch.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _TIME_MARKS
                                          for m in ch.children):
                continue  # "shortly after Soleimani arrived": when, not to whom
            hit = index.by_token.get(ch.i)
            rank = None
            if hit and hit[0] not in exclude:
                rank = 0 if KIND_RANK.get(hit[1], 9) < 4 else 2
            elif ch.i in index.places and index.places[ch.i] not in exclude:
                rank = 1  # "arrived in Amman", "lifted the curfew in Montenegro"
            if rank is not None and (best is None or (rank, depth, ch.i) < best[:3]):
                best = (rank, depth, ch.i, ch)
            frontier.append((ch, depth + 1))
    if best is None:
        return [], []
    rank, _, _, phrase = best
    if rank == 1:
        return [index.places[phrase.i]], [phrase]
    while phrase.dep_ in {"compound", "amod", "poss", "nmod", "flat"} and \
            phrase.head.i != phrase.i and index.by_token.get(phrase.head.i) == \
            index.by_token.get(phrase.i):
        phrase = phrase.head
    found = [a for a in index.phrase_actors(phrase) if a not in exclude]
    if not found:
        found = [index.by_token[best[3].i][0]]
    return found, [phrase]
