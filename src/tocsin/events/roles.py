"""Who did it and to whom: source and target actors from the dependency parse.

Active ("X struck Y"), passive ("Y was killed by X"), instruments as subjects ("two rockets
struck the base": unknown source), compounds and possessives ("a US drone strike",
"Iran's attack"), prepositional targets ("fired a drone at the airport", "attack on the
embassy") and coordination ("killed A and B").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from tocsin.events.parse_repair import misattached_subject
from tocsin.lexicon_data import words

# Mention kinds, best first: a named KB actor beats a country, a new name, a generic noun.
KIND_RANK = {"kb": 0, "anaphor": 1, "country": 2, "ner": 3, "generic": 4}

# The word lists are data (lexicon/roles.yaml); what each is for is said there.
TARGET_PREPS = words("roles", "target_preps")
SOURCE_PREPS = words("roles", "source_preps")
MEDIATION_PREPS = words("roles", "mediation_preps")
OWNER_VERBS = words("roles", "owner_verbs")
PATRON_VERBS = words("roles", "patron_verbs")
REPORT_NOUNS = words("roles", "report_nouns")
STATIVE_PARTICIPLES = words("roles", "stative_participles")
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "parataxis"})
JOIN_PREPS = words("roles", "join_preps")
JOIN_VERBS = words("roles", "join_verbs")
ORIGIN_PREPS = words("roles", "origin_preps")
RECIPROCAL_VERBS = words("roles", "reciprocal_verbs")


@dataclass(slots=True)
class ActorIndex:
    """Token index -> (actor id, mention kind) for one document; ``places`` maps the tokens
    of place names to the country actor a place stands for when it is the target."""

    by_token: dict[int, tuple[str, str]]
    places: dict[int, str] = field(default_factory=dict)
    national: frozenset[str] = frozenset()  # actors with a country of their own
    people: frozenset[str] = frozenset()  # civilians ("residents", "traders"), not KB ones
    # parties that may modify a civilian group noun: "Frelimo supporters" are supporters
    # of Frelimo, not the party acting
    parties: frozenset[str] = frozenset()
    _kinds: dict[str, str] = field(default_factory=dict)  # actor id -> kind, built once

    def generic(self, actor_id: str) -> bool:
        """Is the actor named only by a generic noun ("troops"), not a name or a place?"""
        if not self._kinds:
            # an anaphor ("their") takes its antecedent's kind: the best named mention counts
            for actor, kind in self.by_token.values():
                old = self._kinds.get(actor)
                if kind != "anaphor" and (old is None or KIND_RANK.get(kind, 9) <
                                          KIND_RANK.get(old, 9)):
                    self._kinds[actor] = kind
            self._kinds.update((a, "place") for a in self.places.values()
                               if a not in self._kinds)
        kind = self._kinds.get(actor_id, "")
        return kind != "place" and KIND_RANK.get(kind, 9) >= 4

    def _only_unknown_names(self, prep: Token) -> bool:
        """Whether every actor named in a prepositional phrase is an unknown name (no KB
        actor, no country): "students from Egerton University", "residents of Kagaene"."""
        kinds = [self.by_token[t.i][1] for t in prep.subtree if t.i in self.by_token]
        return bool(kinds) and all(k in {"ner", "generic"} for k in kinds)

    def in_subtree(self, tok: Token, *, stop_at_clauses: bool = True) -> list[str]:
        """Actor ids mentioned in `tok`'s phrase, best kind first, no duplicates."""
        found: list[tuple[int, int, str]] = []
        stack = [tok]
        head = self.by_token.get(tok.i, ("", ""))
        group = head[1] == "generic"
        # "Somali police officers", "residents of Maputo": a group noun that has its
        # country already, or is civilians, is the actor; the demonym or the town only
        # says whose or where from ("troops from Kenya" with no country yet are Kenya's).
        # (civilians with no country of their own yet keep a possessor's: "Iraq's advisor")
        national = group and head[0] in self.national
        where_from = {t.i for ch in tok.children if ch.dep_ == "prep" for t in ch.subtree} \
            if group and head[0] in self.people else set()
        while stack:
            t = stack.pop()
            hit = self.by_token.get(t.i)
            if hit and not (hit[1] == "country" and hit[0] != head[0] and (
                    national or t.i in where_from)):
                found.append((KIND_RANK.get(hit[1], 9), t.i, hit[0]))
            for ch in t.children:
                if stop_at_clauses and ch.dep_ in CLAUSE_DEPS and not (
                        ch.dep_ == "acl" and ch.lemma_.lower() in OWNER_VERBS):
                    continue
                if group and t is tok and ch.dep_ == "prep" and ch.lower_ in ORIGIN_PREPS \
                        and self._only_unknown_names(ch):
                    continue  # the group is the actor; the unknown name says where from
                if t is tok and ch.dep_ == "conj":
                    continue  # "Somali forces and AMISOM": each conjunct is its own actor
                if ch.dep_ in {"amod", "compound"} and ch.lemma_.lower() in PATRON_VERBS:
                    continue  # "the Iran-backed militia" is the militia, not Iran
                stack.append(ch)
        found.sort()
        best_rank = found[0][0] if found else 9
        own = self.by_token.get(tok.i, ("", ""))[0]
        if group and own in self.people and all(
                a in self.parties for rank, _, a in found if rank < 4):
            return [own]  # "Frelimo supporters", "APC youths": the party's people
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
        if cur.dep_ == "acl" and cur.head.pos_ in {"NOUN", "PROPN"}:
            if cur.head.lemma_.lower() in REPORT_NOUNS and cur.head.head.i != cur.head.i:
                cur = cur.head.head  # "issued a statement demanding ...": who issued it
                continue
            # "youths throwing stones" act and "people killed in the raid" are acted on;
            # reached from a complement ("youths resorted to throwing"), the noun acts.
            return cur.head, cur.i == verb.i and cur.tag_ == "VBN"
        break
    return misattached_subject(verb), False



def _agent(verb: Token) -> Token | None:
    for ch in verb.children:
        if ch.dep_ == "agent":
            pobj = _children(ch, "pobj")
            return pobj[0] if pobj else None
    return None


def _instrument_agent(subj: Token, index: ActorIndex) -> list[str]:
    """Who used the subject, when it is a thing another acted with: "rockets fired by
    Kataib Hezbollah hit the base", "an IED planted by ISWAP killed four" (the participle's
    agent is the act's source)."""
    for ch in subj.children:
        if ch.dep_ == "acl" and ch.tag_ == "VBN":
            agent = _agent(ch)
            if agent is not None:
                return index.phrase_actors(agent)
    return []


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


def _stative(verb: Token) -> bool:
    """"Israel is opposed to the plan", "forces were engaged in fighting": a state of the
    subject, parsed as a passive without an agent."""
    return verb.lemma_.lower() in STATIVE_PARTICIPLES and _agent(verb) is None and any(
        c.dep_ == "prep" for c in verb.children)


def _named_subject(verb: Token, subj: Token | None, index: ActorIndex) -> Token | None:
    """Of two subjects parsed on one verb ("Members of X, a body linked to Y, investigated"),
    the nearer one that names an actor."""
    if subj is None or index.phrase_actors(subj) or subj.head.i != verb.i:
        return subj
    doc = subj.doc
    left = subj.left_edge.i
    if left == 0 or doc[left - 1].text != ",":
        return subj  # not an appositive ("ABHA, Saudi Arabia — A projectile crashed")
    # the other subject's phrase ends at the comma that opens the appositive
    return next((c for c in verb.children if c.dep_ == "nsubj" and c.i != subj.i
                 and c.right_edge.i == left - 2 and index.phrase_actors(c)), subj)


def verb_roles(verb: Token, index: ActorIndex) -> Roles:
    subj, passive = subject_of(verb)
    if passive and _stative(verb):
        passive = False
    elif not passive:
        subj = _named_subject(verb, subj, index)
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
            source = index.phrase_actors(subj) or _instrument_agent(subj, index)
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
    if not target and len(source) >= 2 and not passive and (
            verb.lemma_.lower() in RECIPROCAL_VERBS):
        # "the army and the KIA clashed": each side acts on the other (a state's side
        # first, as ACLED lists the sides of a clash)
        source, target = source[:1], source[1:]
    return Roles(source, [t for t in target if t not in source], phrases)


def target_light_verbs() -> frozenset[str]:
    from tocsin.lexicon import get_lexicon

    return get_lexicon().target_light_verbs


def light_verbs() -> frozenset[str]:
    from tocsin.lexicon import get_lexicon

    return get_lexicon().light_verbs


def noun_roles(noun: Token, index: ActorIndex) -> Roles:
    """Roles of a nominal trigger: "a US strike on X", "Iran's attack", or its light verb."""
    source: list[str] = []
    for ch in noun.children:
        if ch.dep_ in {"poss", "compound", "amod", "nmod"}:
            source += [a for a in index.in_subtree(ch) if a not in source]
    for pobj in _prep_objects(noun, SOURCE_PREPS):
        source += [a for a in index.phrase_actors(pobj) if a not in source]
    targets: list[str] = []
    phrases = _prep_objects(noun, TARGET_PREPS | frozenset({"in"}))
    for pobj in _prep_objects(noun, TARGET_PREPS):
        targets += [a for a in index.phrase_actors(pobj) if a not in targets]
    from tocsin.events.triggers import quantity_head
    from tocsin.lexicon import lemma_forms

    if noun.dep_ == "compound":
        noun = noun.head  # "a hunger strike": the phrase's head has the roles
    noun = quantity_head(noun)  # "5 million dollars of aid": the quantity has the roles
    head = noun.head
    light = head.head if noun.dep_ == "pobj" else head
    undergone = noun.dep_ == "pobj" and noun.head.lower_ in {"under", "in"} and \
        light.pos_ in {"VERB", "AUX"} and subject_of(light)[1]
    if (noun.dep_ in {"dobj", "pobj"} and lemma_forms(light) & target_light_verbs()) or \
            undergone:
        # "the base came under attack", "Iran faces new sanctions", "was put under
        # investigation", "was wounded in an ambush": the subject is the target.
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
OWN_WORDS = words("roles", "own_words")
LOCATIVE_PREPS = words("roles", "locative_preps")
_TIME_MARKS = words("roles", "time_marks")
_REPORTING = words("roles", "reporting_verbs")


def trigger_roots(tok: Token, nominal: bool) -> list[Token]:
    """The trigger, and for a nominal trigger its light verb ("held talks with ...")."""
    from tocsin.lexicon import lemma_forms

    roots = [tok]
    if nominal and tok.dep_ in {"dobj", "pobj", "nsubj", "attr"} and tok.head.i != tok.i:
        light = tok.head.head if tok.dep_ == "pobj" and tok.head.head.i != tok.head.i \
            else tok.head
        # after a preposition only a verb that carries the act does ("came under attack",
        # "took part in the protest"), not one the act is merely about ("complained over
        # Israeli strikes", "lodged a complaint over Israeli strikes")
        forms = lemma_forms(light)
        carries = tok.dep_ != "pobj" or bool(forms & JOIN_VERBS) or (
            bool(forms & (light_verbs() | target_light_verbs()))
            and not any(c.dep_ == "dobj" for c in light.children))
        if light.pos_ in {"VERB", "AUX"} and carries:
            roots.append(light)
    return roots


def prep_targets(roots: list[Token], preps: frozenset[str], index: ActorIndex,
                 exclude: list[str]) -> tuple[list[str], list[Token]]:
    """Actors and places heading the objects of the given prepositions on the trigger, with
    their conjuncts: "between Syria and Arafat" -> both, whether named as actor or place."""
    found: list[str] = []
    phrases: list[Token] = []
    for root in roots:
        for prep in root.children:
            if prep.dep_ != "prep" or prep.lower_ not in preps:
                continue
            for pobj in _children(prep, "pobj"):
                for t in sorted((pobj, *pobj.conjuncts), key=lambda x: x.i):
                    hit = index.by_token.get(t.i)
                    got = index.head_actors(t) if hit else (
                        [index.places[t.i]] if t.i in index.places else index.in_subtree(t))
                    new = [a for a in got if a not in exclude and a not in found]
                    if new:
                        found += new
                        phrases.append(t)
    return found, phrases


def _stranded(verb: Token) -> bool:
    """"established ties with and opened an embassy in Tehran": a preposition left without
    its object shares the next conjunct's."""
    return any(t.dep_ == "prep" and not any(c.dep_ in {"pobj", "pcomp"} for c in t.children)
               for t in verb.subtree if t.i < verb.i + 6)


def _infinitival(verb: Token) -> bool:
    """"a call for its forces to be deployed in X": the content of the noun, not a
    relative clause describing it."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def predicate_targets(tok: Token, nominal: bool, index: ActorIndex, exclude: list[str]
                      ) -> tuple[list[str], list[Token]]:
    """The nearest actor in the act's predicate when syntax named no target.

    Recipients and beneficiaries ("offered to hand over to Britain", "aid for Romania and
    Poland", "a meeting with Obama"), the addressee of a demand ("demanded that the US
    cancel"), the owner of what was acted on ("support Turkey's efforts") and the other
    party of a condition ("unless Israel rescinded") all sit in the predicate. Breadth
    first from the trigger (from its light verb for a nominal trigger), a named actor
    before a generic noun, nearer before deeper; coordinated names come together."""
    roots = trigger_roots(tok, nominal)
    found, phrases = prep_targets(roots, MEDIATION_PREPS, index, exclude)
    if found:
        return found, phrases  # "mediation between A and B", "talks among the factions"
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
            if ch.dep_ == "prep" and ch.lower_ in LOCATIVE_PREPS and cur.i in index.by_token \
                    and index.by_token[cur.i][0] in index.national \
                    and index.by_token[cur.i][0] not in exclude:
                continue  # "aid to Albanian rebels in Macedonia": where they are
            if ch.dep_ in {"punct", "parataxis"} or ch.lemma_.lower() in _REPORTING or (
                    ch.dep_ == "relcl" and not _infinitival(ch)):
                continue  # "..., officials said", "according to reports", "where 28 died"
            if ch.dep_ == "conj" and ch.pos_ in {"VERB", "AUX"} and cur.pos_ in {
                    "VERB", "AUX"} and not _stranded(cur):
                continue  # "refused to deploy troops and urged its citizens ...": another act
            if ch.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _TIME_MARKS
                                          for m in ch.children):
                continue  # "shortly after Soleimani arrived": when, not to whom
            hit = index.by_token.get(ch.i)
            rank = None
            if hit and any(c.dep_ == "poss" and c.lower_ in OWN_WORDS for c in ch.children):
                pass  # "a call for its peacekeepers to deploy": the actor's own, not a target
            elif hit and hit[0] not in exclude:
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
