"""Event dates: which temporal expression dates an event (`tocsin.events.component`).

Whole-pipeline tests on press-release and wire sentences written for these tests: the
release date is the document's `published`, relative expressions resolve against it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tocsin.model import Document

# These tests hold the rule coder to its reading of each sentence (the lexicon, modality,
# roles): the event model's inputs. What the model decides: test_decision.py and the gate.
pytestmark = pytest.mark.usefixtures("rules_only")


@pytest.fixture
def pipeline(rules_pipeline):  # type: ignore[no-untyped-def]
    return rules_pipeline


_HEADER = "ISAF Joint Command - Afghanistan 2012-03-S-041 For Immediate Release\n"


def _date_of(pipeline: Any, text: str, published: date, trigger: str) -> tuple[Any, str]:
    out = pipeline.process(Document(text=text, published=published))
    ev = next((e for e in out.events if e.trigger and e.trigger.text == trigger), None)
    assert ev is not None, f"no event on {trigger!r}: {[e.trigger for e in out.events]}"
    return ev.date.start, ev.date.rule


@pytest.mark.parametrize(("text", "published", "trigger", "expected"), [
    # a round-up of "the past 24 hours" is the release day's news
    (_HEADER + "KABUL, Afghanistan (March 14, 2012) Coalition forces killed six "
     "insurgents in Helmand province over the past 24 hours.",
     date(2012, 3, 14), "killed", date(2012, 3, 14)),
    # a time on the verb of saying dates the report, the other expression the act
    (_HEADER + "KABUL, Afghanistan (March 14, 2012) Afghan and coalition officials today "
     "confirmed the capture of a Taliban commander in Zabul province March 9.",
     date(2012, 3, 14), "capture", date(2012, 3, 9)),
    # a time modifying another noun ("Sunday's attack") does not date this act
    (_HEADER + "KABUL, Afghanistan (March 14, 2012) A combined force detained a Haqqani "
     "facilitator responsible for Sunday's rocket attack in Khost province, yesterday.",
     date(2012, 3, 14), "detained", date(2012, 3, 13)),
    # the act's own clause outranks a time in an unrelated later clause
    ("Police arrested two suspects on Monday after a grenade exploded at a bus stop in "
     "Mombasa.", date(2019, 6, 13), "arrested", date(2019, 6, 10)),
])
def test_expression_tied_to_the_act(pipeline: Any, text: str, published: date,
                                    trigger: str, expected: date) -> None:
    assert _date_of(pipeline, text, published, trigger)[0] == expected


def test_headline_takes_the_leads_date(pipeline: Any) -> None:
    text = ("Taliban Commander Captured in Kandahar\n" + _HEADER +
            "KABUL, Afghanistan (March 14, 2012) Afghan and coalition forces detained a "
            "Taliban commander in Kandahar province Monday. The commander led attacks on "
            "checkpoints in the district.")
    start, rule = _date_of(pipeline, text, date(2012, 3, 14), "Captured")
    assert start == date(2012, 3, 12) and rule == "narrative"


def test_narrative_time_skips_a_date_inside_a_noun_phrase(pipeline: Any) -> None:
    text = ("KABUL, Afghanistan (March 14, 2012) An Afghan-led force arrested an insurgent "
            "in Paktika province today. The insurgent is believed responsible for the Feb. "
            "2 suicide bombing in the province. The force also detained two suspects.")
    start, _ = _date_of(pipeline, text, date(2012, 3, 14), "detained")
    assert start == date(2012, 3, 14)
