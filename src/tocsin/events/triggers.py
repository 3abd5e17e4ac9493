"""Finding event triggers in a sentence: lexicon lookups with sense restrictions.

A verb or noun is a trigger when the lexicon lists its lemma for that part of speech and
its restrictions hold ("fire" only with a projectile as object; "strike" the noun is an
attack unless workers go on it). Nominal triggers either attach to a verb trigger (they
then refine its mode: "killed in an airstrike") or stand on their own under a light verb
("carried out an attack") or as a headline's root.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from tocsin.doc_cache import span_tokens
from tocsin.lexicon import Lexicon, Trigger, lemma_forms
from tocsin.lexicon_data import words


@dataclass(slots=True)
class Candidate:
    token: Token
    trigger: Trigger
    nominal: bool
    attached: list[Token] = field(default_factory=list)  # nouns merged into this act


# Heads of quantity phrases: "thousands of protesters" (lexicon/roles.yaml).
QUANTITY_HEADS = words("roles", "quantity_heads")


def _phrase_lemmas(tok: Token) -> set[str]:
    """A phrase head's lemma, plus "compound head" for two-word entries ("tear gas"), and
    the counted noun of a quantity ("thousands of protesters" -> protester)."""
    out = {tok.lemma_.lower(), tok.lower_}  # "the wounded" keeps its word, not "wound"
    if tok.lemma_.lower() in QUANTITY_HEADS or tok.like_num:
        for prep in tok.children:
            # "thousands of protesters", "$2 million in aid"
            if prep.dep_ == "prep" and (prep.lower_ == "of" or (
                    prep.lower_ == "in" and _is_sum(tok))):
                out.update(p.lemma_.lower() for p in prep.children if p.dep_ == "pobj")
    for c in tok.children:
        if c.dep_ in {"compound", "amod"}:
            out.add(c.lemma_.lower())
            out.add(f"{c.lemma_.lower()} {tok.lemma_.lower()}")
    return out


def _is_sum(tok: Token) -> bool:
    """An amount of money: "$2 million", "352 million euros"."""
    return tok.like_num or any(c.tag_ == "$" or c.like_num for c in tok.children) or \
        tok.lemma_.lower() in {"dollar", "euro", "pound", "million", "billion"}


def _slots(tok: Token) -> tuple[set[str], set[str], set[str], bool, bool]:
    """(objects, subjects, modifiers, has_complement, other_subject) of a verb or noun
    trigger; `other_subject`: a clausal complement with a subject of its own, or an object
    that controls it ("wants Iran to withdraw")."""
    objects: set[str] = set()
    subjects: set[str] = set()
    modifiers: set[str] = set()
    complement = other = False
    for ch in tok.children:
        if ch.dep_ in {"dobj", "attr", "oprd", "dative", "nsubjpass"}:
            objects |= _phrase_lemmas(ch)
            for conj in ch.conjuncts:  # "destroyed the opium and a weapons cache"
                objects |= _phrase_lemmas(conj)
        elif ch.dep_ in {"nsubj", "csubj"}:
            subjects |= _phrase_lemmas(ch)
        elif ch.dep_ == "prep":
            for p in ch.children:
                if p.dep_ == "pobj":
                    objects |= _phrase_lemmas(p)
        elif ch.dep_ in {"compound", "amod", "nmod", "poss"}:
            modifiers.add(ch.lemma_.lower())
        elif ch.dep_ in {"xcomp", "ccomp"}:
            complement = True
            other = other or any(c.dep_ in {"nsubj", "nsubjpass"} for c in ch.children) or (
                ch.dep_ == "xcomp" and any(c.dep_ == "dobj" for c in tok.children))
    if tok.pos_ not in {"VERB", "AUX"} and tok.head.i != tok.i:
        # A noun's verb: "came under fire" (subject), "went on strike" (subject, verb).
        head = tok.head if tok.dep_ != "pobj" else tok.head.head
        subjects |= {c.lemma_.lower() for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}}
    if tok.dep_ == "xcomp" or (tok.dep_ == "conj" and not subjects):
        subjects |= {c.lemma_.lower() for c in tok.head.children if c.dep_ == "nsubj"}
    return objects, subjects, modifiers, complement, other


def non_agent_doer(tok: Token) -> bool:
    """The verb's subject is an animal or a hazard ("a hippo attacked two fishermen", "the
    storm tore roofs off"): no coded act, whatever the verb."""
    doers = [c.lemma_.lower() for c in tok.children if c.dep_ == "nsubj"]
    return bool(doers) and all(d in NON_AGENTS for d in doers)


def match_trigger(tok: Token, lex: Lexicon, clause: set[str]) -> Trigger | None:
    if tok.ent_type_ in {"DATE", "TIME"}:
        return None  # "March 24": a date, not a march
    pos = "VERB" if tok.pos_ in {"VERB", "AUX"} else tok.pos_
    adjective = pos == "ADJ" and tok.dep_ in {"amod", "compound"}
    if pos not in {"VERB", "NOUN", "PROPN"} and not adjective:
        return None
    options = sorted(lex.triggers_for(tok.lemma_.lower(), "NOUN" if adjective else pos),
                     key=lambda t: (-len(t.words), t.objects is None and t.subjects is None))
    if adjective:
        # "martial law", "ethnic cleansing": noun phrases led by an adjective.
        options = [t for t in options if t.is_phrase]
    if not options and pos == "VERB":
        for form in sorted(lemma_forms(tok) - {tok.lemma_.lower()}):
            options = sorted(lex.triggers_for(form, pos), key=lambda t: -len(t.words))
            if options:
                break
    if not options:
        return None
    # A phrase's other words follow closely ("called on", "took to the streets").
    following = [t.lemma_.lower() for t in tok.doc[tok.i + 1: tok.i + 5]]
    slots = _slots(tok)
    if pos == "VERB" and non_agent_doer(tok):
        return None
    for trig in options:
        if trig.is_phrase and not trig.phrase_in(following):
            continue
        if trig.predicative and tok.dep_ in {"amod", "compound"}:
            continue
        if trig.accepts(objects=slots[0], subjects=slots[1], modifiers=slots[2],
                        clause_lemmas=clause, has_complement=slots[3],
                        other_subject=slots[4]):
            return trig
    return None


def quantity_head(tok: Token) -> Token:
    """Climb from a noun counted by a quantity to the quantity ("5 million dollars of aid",
    "700 kg of medicine", "a team of inspectors"): the quantity takes the noun's place."""
    cur = tok
    for _ in range(2):
        prep = cur.head
        if not (cur.dep_ == "pobj" and (prep.lower_ == "of" or (
                prep.lower_ == "in" and _is_sum(prep.head))) and prep.head.pos_ in {"NOUN", "NUM"}
                and prep.head.dep_ in {"dobj", "nsubj", "nsubjpass", "pobj", "attr"}):
            break
        cur = prep.head
    return cur


NON_AGENTS = words("roles", "non_agents")  # an animal or a hazard does no coded act
MOTIVE_NOUNS = words("roles", "motive_nouns")  # "in protest against" (lexicon/roles.yaml)


def _is_motive(tok: Token) -> bool:
    """"in protest against", "in retaliation for": the motive of another act, not an act."""
    return (tok.dep_ == "pobj" and tok.head.lower_ == "in" and tok.lemma_.lower() in
            MOTIVE_NOUNS and not any(c.dep_ in {"det", "poss"} for c in tok.children))


def reports_act(tok: Token, light: frozenset[str]) -> bool:
    """A nominal trigger reports an act when it is a headline's root or the object or
    subject of a light verb ("staged a protest", "an attack took place")."""
    tok = quantity_head(tok)
    head = tok.head
    if tok.dep_ == "ROOT":
        return True
    if head.pos_ in {"VERB", "AUX"} and tok.dep_ in {"dobj", "nsubj", "nsubjpass", "pobj",
                                                     "attr"} and lemma_forms(head) & light:
        return True
    return tok.dep_ == "pobj" and bool(lemma_forms(head.head) & light)


SUBORDINATE = frozenset({"advcl", "relcl", "acl", "xcomp", "pcomp", "csubj", "advmod",
                         "npadvmod", "prep", "pobj", "amod", "compound", "nmod", "poss",
                         "appos", "dobj", "nsubj", "nsubjpass", "attr", "dative", "agent"})


def _light() -> frozenset[str]:
    from tocsin.lexicon import get_lexicon

    return get_lexicon().light_verbs


def clause_depth(tok: Token, speech: frozenset[str] = frozenset()) -> int:
    """How many subordinate clauses lie between an act and its sentence's main clause:
    0 for the main verb (or its light verb's object), 1+ for acts in reported, adverbial,
    relative or purpose clauses. (Counting a clause reported by the main verb of saying as
    0 was measured and lowers type accuracy: the confidence calibration expects 1.)"""
    depth = 0
    cur = tok
    if tok.pos_ not in {"VERB", "AUX"}:
        cur = tok.head if tok.dep_ != "pobj" else tok.head.head
        if cur.i == tok.i:
            return 0
    for _ in range(8):
        if cur.head.i == cur.i:
            return depth
        if cur.dep_ == "ccomp" and cur.head.dep_ == "conj":
            cur = cur.head  # "..., and said X attacked Y": a reported act in a second clause
            continue
        purpose_of_light = cur.dep_ in {"advcl", "xcomp"} and bool(
            lemma_forms(cur.head) & _light()) and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)
        if (cur.dep_ in SUBORDINATE or cur.dep_ == "ccomp") and not purpose_of_light:
            depth += 1  # ("conducted an operation to detain X" reports the detention)
        cur = cur.head
    return depth


def find_candidates(sent: Span, lex: Lexicon) -> list[Candidate]:
    """Verb triggers, and nominal triggers that report an act of their own."""
    light = lex.light_verbs | lex.target_light_verbs
    verbs: dict[int, Candidate] = {}
    nouns: list[Candidate] = []
    toks = span_tokens(sent)
    clause = {t.lemma_.lower() for t in toks}
    for tok in toks:
        trig = match_trigger(tok, lex, clause)
        if trig is None:
            continue
        if tok.dep_ == "amod" and tok.tag_ in {"VBG", "VBN"}:
            continue  # "the visiting king", "the besieged town": a description
        if tok.tag_ == "VBN" and tok.dep_ in {"dobj", "nsubj", "nsubjpass", "pobj"} and any(
                c.dep_ == "det" for c in tok.children):
            continue  # "evacuated the wounded": a participle used as a noun
        gerund_noun = tok.tag_ == "VBG" and (
            any(c.dep_ in {"det", "poss"} for c in tok.children) or tok.dep_ == "pobj")
        cand = Candidate(tok, trig, nominal=tok.pos_ not in {"VERB", "AUX"} or gerund_noun)
        if cand.nominal:
            nouns.append(cand)
        else:
            verbs[tok.i] = cand
    for i, cand in list(verbs.items()):
        host = verbs.get(cand.token.head.i)
        if (cand.token.dep_ == "advcl" and host is not None and host is not cand
                and host.trigger.type == cand.trigger.type):
            # "Rockets hit the base, killing a contractor", "a resident was killed when
            # rebels attacked the airport": one act told twice.
            host.attached.append(cand.token)
            del verbs[i]
    out: list[Candidate] = []
    noun_idx = {k.token.i for k in nouns}
    by_noun = {k.token.i: k for k in nouns}
    for cand in nouns:
        anchor = cand.token
        if anchor.dep_ == "compound" and anchor.pos_ == "PROPN" and anchor.head.pos_ == "PROPN":
            continue  # "International Security Assistance Force": a name, not an act
        if (anchor.dep_ == "compound" or (anchor.dep_ == "amod" and cand.trigger.is_phrase)) \
                and anchor.head.i not in noun_idx and anchor.head.i > anchor.i:
            # "a hunger strike", "a mediation mission", "martial law": the phrase's head
            # carries the act.
            anchor = anchor.head
            cand.token = anchor
        owner = by_noun.get(anchor.head.head.i) if anchor.dep_ == "pobj" \
            and anchor.head.lower_ == "of" else None
        if owner is not None and owner is not cand:
            # "the lifting of martial law", "a threat of war": the governing noun's content.
            owner.attached.append(cand.token)
            continue
        if _is_motive(anchor):
            continue
        host = _host_verb(anchor, verbs)
        if host is not None:
            host.attached.append(cand.token)
            if host.trigger.weak and not cand.trigger.weak:
                # "wounded two soldiers in a bomb attack", "arrived on a visit": the noun
                # names the act the weak verb only reports.
                host.trigger = cand.trigger
            continue
        if reports_act(anchor, light):
            out.append(cand)
    out += verbs.values()
    if any(not k.trigger.weak for k in out):
        # Weak senses only code a sentence that has nothing better, unless the main clause
        # reports them ("Italy announced a suspension of air links").
        out = [k for k in out if not k.trigger.weak or clause_depth(k.token) == 0]
    out.sort(key=lambda k: k.token.i)
    return out


def _host_verb(noun: Token, verbs: dict[int, Candidate]) -> Candidate | None:
    """The verb trigger a nominal trigger belongs to ("killed in an airstrike")."""
    cur = noun
    for _ in range(3):
        head = cur.head
        if head is cur:
            return None
        if head.i in verbs:
            return verbs[head.i]
        if head.pos_ in {"VERB", "AUX"} and cur.dep_ not in {"prep", "pobj", "dobj",
                                                             "nsubj", "nsubjpass", "agent"}:
            return None
        cur = head
    return None
