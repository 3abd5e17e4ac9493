"""The ``actor_context`` stage: generic actors read in the context of the events, places
and dateline found before it ("security forces" -> the state of the event's place)."""
