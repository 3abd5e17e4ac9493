"""Report-level rules: which of a report's events is its main act, where the field's
codebook decides it from the report as a whole and a candidate-by-candidate model cannot.

- ``rules: force against protesters``: a report of a demonstration in which state forces
  use force on the demonstrators has one main act, as ACLED codes it: the demonstration,
  a riot, when the report tells of the crowd's violence (stones, fire, barricades,
  fighting: "violent demonstration"); else the force, when it killed, wounded or used live
  fire on a peaceful crowd ("excessive force against protesters"); else the demonstration
  (tear gas or arrests: "protest with intervention"). The model reads each act alone and
  tends to make the demonstration main whatever happened to it.

The rule changes which event is main (it swaps the two events' salience) and, for a
riot, the demonstration's mode; it adds its name and reason to the events' traces.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tocsin.actors.naming import STATE_TYPES
from tocsin.events.decision.stage import PLAIN_PROTEST
from tocsin.model import Event

RULE = "rules: force against protesters"


def _main(events: Sequence[Event]) -> Event:
    return max(events, key=lambda e: (e.salience or 0.0, e.confidence))


def _force(e: Event, actor_types: Mapping[str, str]) -> bool:
    """State forces' assault on a crowd (its source a state body; its mode crowd control,
    firearms or none)."""
    return e.type == "ASSAULT" and e.mode in {"crowd-control", "firearms", None} and any(
        actor_types.get(s) in STATE_TYPES for s in e.source)


def _lethal(e: Event) -> bool:
    return bool(e.fatalities or e.injuries) or e.mode == "firearms"


def _promote(chosen: Event, events: Sequence[Event], reason: str) -> None:
    top = _main(events)
    if top is not chosen:
        chosen.salience, top.salience = top.salience, chosen.salience
    if chosen.why is not None:
        chosen.why["decided_by"] = f"{chosen.why.get('decided_by', 'model')}, then {RULE}"
        chosen.why["report_rule"] = reason


def force_against_protesters(events: Sequence[Event], actor_types: Mapping[str, str],
                             riotous: bool) -> None:
    """Apply the rule to one report's events (``riotous``: the report tells of the
    crowd's violence, from the lexicon's riot cues in any of its sentences)."""
    protests = [e for e in events if e.type == "PROTEST" and not e.modality.future]
    forces = [e for e in events if _force(e, actor_types) and not e.modality.future]
    if not protests or not forces:
        return
    protest = _main(protests)
    if riotous:
        if protest.mode in PLAIN_PROTEST:
            protest.mode = "riot"
        _promote(protest, events, "the crowd was violent: a violent demonstration")
        return
    lethal = [f for f in forces if _lethal(f)]
    if lethal:
        force = _main(lethal)
        force.mode = "crowd-control"
        _promote(force, events, "force that killed, wounded or fired on a peaceful crowd")
    else:
        _promote(protest, events, "a peaceful protest the forces dispersed")


HEADER_RULE = "rules: header label"


def header_label_roles(events: Sequence[Event], text: str) -> None:
    """A bulletin's label ("Looting: militants raided stores ...", "Arrests: police
    detained ...") names the act the note then tells: when the label is the main event and
    names no one, it takes the told act's doers, targets and place."""
    main = _main(events) if events else None
    if main is None or main.trigger is None or main.source or main.target:
        return
    end = main.trigger.end
    if end > 40 or text[end:end + 1] != ":":
        return
    told = [e for e in events if e is not main and (e.source or e.target)]
    if not told:
        return
    act = _main(told)
    main.source, main.target = list(act.source), list(act.target)
    if main.place is None:
        main.place = act.place
    if main.why is not None:
        main.why["decided_by"] = f"{main.why.get('decided_by', 'model')}, then {HEADER_RULE}"
        told_by = act.trigger.text if act.trigger else ""
        main.why["report_rule"] = f"the label's act is told by '{told_by}'"
