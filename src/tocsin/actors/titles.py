"""Titles as nominal mentions of persons: "U.S. envoy John Smith", "Russian Foreign Minister
Sergei Lavrov", "Qatar's emir, Sheikh Tamim ...", "Ivan Petrov, the deputy governor of
...". The title phrase is added to the person's output mentions only: its modifier ("U.S.",
"AAH") stays its own actor in the per-token index the event coder reads."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from tocsin.actors.nouns import ActorMention, actor_nouns
from tocsin.model import Actor
from tocsin.model import Span as TextSpan

# Words between a title's owner and the title noun ("Jordan's visiting King", "Russian
# Foreign Minister", "the deputy governor").
_TITLE_MODIFIERS = frozenset({
    "visiting", "outgoing", "incoming", "former", "acting", "interim", "new", "top",
    "senior", "chief", "deputy", "vice", "foreign", "defence", "defense", "interior",
    "finance", "prime", "special", "assistant", "first", "state", "economy", "trade",
    "justice", "health", "oil", "energy", "information", "regional", "provincial", "grand",
    "crown", "supreme", "caretaker", "military", "security", "national", "then",
    "lieutenant", "army", "police", "general", "executive", "parliament", "parliamentary",
})


def _word(tok: Token) -> str:
    return tok.lower_.rstrip(".")


def _is_title(tok: Token) -> bool:
    return _word(tok) in actor_nouns().titles


def add_title_mentions(doc: Doc, mentions: list[ActorMention], actors: dict[str, Actor]
                       ) -> None:
    """Each person's title phrase becomes one more of its output mentions; an unknown
    person (``x:``) without a country takes the country its title names ("U.S. envoy")."""
    by_end = {m.tok_end: m for m in mentions}
    by_tok = {t: m for m in mentions for t in range(m.tok_start, m.tok_end)}
    spans = [(m.tok_start, m.tok_end) for m in mentions]
    for m in mentions:
        actor = actors.get(m.actor_id or "")
        if actor is None or actor.type != "person" or m.kind not in {"kb", "ner"}:
            continue
        for phrase, owner in (_prenominal(doc, m, by_end, spans), _appositive(doc, m, by_tok)):
            if phrase is None:
                continue
            span = TextSpan(phrase.text, phrase.start_char, phrase.end_char)
            if span not in actor.mentions:
                actor.mentions.append(span)
            owner_actor = actors.get(owner or "")
            if (owner_actor is not None and owner_actor.type in {"state", "government"}
                    and actor.id.startswith("x:") and actor.country is None):
                actor.country = owner_actor.country
        actor.mentions.sort(key=lambda s: s.start)


def _prenominal(doc: Doc, m: ActorMention, by_end: dict[int, ActorMention],
                spans: list[tuple[int, int]]) -> tuple[Span | None, str | None]:
    """"<owner> <modifiers> <title> <Name>", or a title inside the name's own span
    ("Jordan's visiting King Abdullah II"); the owner is a state or organisation."""
    s = m.tok_start
    inner = s
    while inner < m.tok_end - 1 and (_is_title(doc[inner]) or
                                     _word(doc[inner]) in _TITLE_MODIFIERS):
        inner += 1
    has_title = any(_is_title(t) for t in doc[s:inner])
    k = s
    while k > doc[s].sent.start and (_is_title(doc[k - 1]) or (
            _word(doc[k - 1]) in _TITLE_MODIFIERS and doc[k - 1].text[:1] != "-")) and not (
            any(a < k and k - 1 < b for a, b in spans)):
        k -= 1
        has_title = has_title or _is_title(doc[k])
    if not has_title:
        office = by_end.get(s)
        if office is not None and office.actor_id != m.actor_id and _is_title(
                doc[office.tok_end - 1]) and office.kind in {"kb", "country"}:
            # "Iraqi Prime Minister Mohammed Shia al-Sudani": the office's own name
            return doc[office.tok_start:office.tok_end], office.actor_id
        return None, None
    owner = by_end.get(k - 1) if k > 0 and doc[k - 1].tag_ == "POS" else by_end.get(k)
    if owner is not None and (owner.actor_id == m.actor_id or owner.kind == "anaphor"):
        owner = None
    if owner is None:
        return None, None  # "President Bush", "Sheikh Tamim": an honorific, no owner
    start = owner.tok_start
    end = max(s, inner)  # "Jordan's visiting King" takes the name's own title word
    if end <= start:
        return None, None
    return doc[start:end], owner.actor_id


def _appositive(doc: Doc, m: ActorMention, by_tok: dict[int, ActorMention]
                ) -> tuple[Span | None, str | None]:
    """"Qatar's emir, Sheikh Tamim ..." and "Ivan Petrov, the deputy governor of ...":
    the title noun phrase in apposition to the name."""
    root = doc[m.tok_start : m.tok_end].root
    title: Token | None = None
    if root.dep_ == "appos" and root.head.i < m.tok_start and _is_title(root.head):
        title = root.head
        # the title's own words ("emir", "deputy governor of the Tyumen region"), not the
        # name in apposition nor the commas around it
        limit = min(root.left_edge.i, m.tok_start)
        own = [t.i for t in title.subtree if title.i <= t.i < limit and not t.is_punct]
        end = max(own) + 1
        if any(t.is_punct and t.text != "-" for t in doc[title.i + 1 : end]):
            return None, None
    else:
        title = next((c for c in root.children if c.dep_ == "appos" and c.i >= m.tok_end
                      and _is_title(c)), None)
        if title is None:
            return None, None
        end = title.right_edge.i + 1
    start = title.left_edge.i
    while start < title.i and doc[start].dep_ == "det":
        start += 1
    if start >= end:
        return None, None
    phrase = doc[start:end]
    owner = next((by_tok[t.i] for t in phrase if t.i in by_tok and t.head.i == title.i
                  and t.dep_ in {"poss", "amod", "compound"}), None)
    return phrase, owner.actor_id if owner is not None else None
