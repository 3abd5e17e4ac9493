"""Small helpers shared by the command groups."""

from __future__ import annotations

from datetime import date

import typer


def parse_day(value: str | None) -> date | None:
    """A YYYY-MM-DD option value, or a usage error (exit 2) naming what was wrong."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"not a YYYY-MM-DD date: {value!r}") from None
