"""The `time` component: the document's anchor date and its temporal expressions."""

from __future__ import annotations

from tocsin.component import Component, State, register
from tocsin.time.expressions import find_time_expressions
from tocsin.time.resolve import dateline_end, parse_dateline


@register
class TimeComponent(Component):
    name = "time"
    # It reads the text itself, not the parse; a dateline stands in for a missing anchor.
    requires = ("anchor",)
    assigns = ("anchor", "time_spans", "dateline_end")

    def __call__(self, state: State) -> None:
        text = state.document.text
        if state.anchor is None:
            # A dateline ("BAGHDAD, Jan. 5 (Reuters) -") stands in for a missing date.
            state.anchor = parse_dateline(text)
        state.time_spans = find_time_expressions(text)
        state.dateline_end = dateline_end(text)
