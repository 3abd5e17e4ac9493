"""The event model: linear scorers over named features, shipped as one small file.

Three heads share the feature vocabulary: ``label`` gives, for a candidate, the probability
of each outcome ("NONE", or a PLOVER type with its mode, "ASSAULT:firearms"); ``main``
gives the probability that the candidate is the act the report is about; ``report``, for
a whole text (its candidates' text features pooled), the probability that it reports any
act at all: quiet news (a flood, a match, a gas explosion) is told apart as a whole. Inference is a
sum of weight rows and a softmax in NumPy; scikit-learn is needed only to train
(``tocsin.learn.train``). The file (``data/models/events.npz``) holds the
vocabulary, the weights (float16), the class names and a JSON card saying what it was
trained on.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = "events.npz"
NONE = "NONE"


@dataclass(slots=True)
class Head:
    classes: list[str]
    weights: np.ndarray  # (n_features, n_classes) float32
    bias: np.ndarray  # (n_classes,)

    def logits(self, rows: list[int]) -> np.ndarray:
        out: np.ndarray = self.bias + (self.weights[rows].sum(axis=0) if rows else 0.0)
        return out

    def proba(self, rows: list[int]) -> np.ndarray:
        z = self.logits(rows)
        z = z - z.max()
        e = np.exp(z)
        out: np.ndarray = e / e.sum()
        return out

    def contributions(self, rows: list[int], names: list[str], cls: int, k: int = 5
                      ) -> list[tuple[str, float]]:
        """The features that pushed class ``cls`` most, for a trace."""
        pairs = [(names[r], float(self.weights[r, cls])) for r in rows]
        return sorted(pairs, key=lambda p: -p[1])[:k]


@dataclass(slots=True)
class EventModel:
    vocab: dict[str, int]
    names: list[str]
    label: Head
    main: Head
    card: dict[str, Any]
    report: Head | None = None  # does the text report an act at all (document level)

    def rows(self, features: list[str]) -> list[int]:
        v = self.vocab
        return [v[f] for f in dict.fromkeys(features) if f in v]

    @property
    def trigger_words(self) -> frozenset[str]:
        return frozenset(self.card.get("trigger_words", ()))

    def save(self, path: Path) -> None:
        packed = {
            # JSON, not lines: a feature may hold any character of the text.
            "names": _pack(json.dumps(self.names)),
            "label_classes": _pack(json.dumps(self.label.classes)),
            "label_w": self.label.weights.astype(np.float16),
            "label_b": self.label.bias.astype(np.float32),
            "main_classes": _pack(json.dumps(self.main.classes)),
            "main_w": self.main.weights.astype(np.float16),
            "main_b": self.main.bias.astype(np.float32),
            "card": _pack(json.dumps(self.card, sort_keys=True)),
        }
        if self.report is not None:
            packed["report_w"] = self.report.weights.astype(np.float16)
            packed["report_b"] = self.report.bias.astype(np.float32)
        with path.open("wb") as fh:
            np.savez_compressed(fh, **packed)  # type: ignore[arg-type]


# The features of a candidate that describe its text, pooled over a document for the
# report head: the words, the lexicon's and the rules' types, the mode cues, actor kinds.
DOC_PREFIXES = ("s=", "lx=", "r=", "cue=", "sa=")


def document_features(features: list[list[str]]) -> list[str]:
    return sorted({f for fs in features for f in fs if f.startswith(DOC_PREFIXES)})


def rule_prior(classes: list[str], rule_type: str | None, beta: float) -> np.ndarray:
    """What the rules' reading adds to each class's score: ``beta`` for the classes of the
    type the rules chose. One weight shared by all types, so that the lexicon's knowledge
    of types the training texts seldom show still counts (chosen by cross-validation)."""
    if not rule_type or not beta:
        return np.zeros(len(classes), dtype=np.float32)
    return np.where(_types_of(tuple(classes)) == rule_type, np.float32(beta),
                    np.float32(0.0)).astype(np.float32)


@cache
def _types_of(classes: tuple[str, ...]) -> np.ndarray:
    """The type of each "TYPE:mode" class (once per class list: a per-candidate path)."""
    return np.array([c.split(":", 1)[0] for c in classes])


def _pack(s: str) -> np.ndarray:
    return np.frombuffer(s.encode("utf-8"), dtype=np.uint8)


def _unpack(a: np.ndarray) -> str:
    return bytes(a.astype(np.uint8)).decode("utf-8")


def _strings(a: np.ndarray) -> list[str]:
    """A packed list of strings: JSON (any character), or lines in files written before."""
    text = _unpack(a)
    if text.startswith("["):
        out: list[str] = json.loads(text)
        return out
    return text.split("\n")


def load_model(path: Path) -> EventModel:
    with np.load(path, allow_pickle=False) as z:
        names = _strings(z["names"])
        label = Head(_strings(z["label_classes"]),
                     z["label_w"].astype(np.float32), z["label_b"].astype(np.float32))
        main = Head(_strings(z["main_classes"]),
                    z["main_w"].astype(np.float32), z["main_b"].astype(np.float32))
        card = json.loads(_unpack(z["card"]))
        report = (Head(["0", "1"], z["report_w"].astype(np.float32),
                       z["report_b"].astype(np.float32)) if "report_w" in z.files else None)
    for head in (label, main, report):
        if head is not None and head.weights.shape[0] != len(names):
            raise ValueError(f"{path}: {len(names)} feature names but weights for "
                             f"{head.weights.shape[0]}: a broken model file")
    return EventModel({n: i for i, n in enumerate(names)}, names, label, main, card, report)


def packaged_path() -> Path:
    return Path(str(resources.files("tocsin") / "data" / "models" / MODEL_FILE))


@cache
def get_model() -> EventModel | None:
    """The packaged model, loaded once; None when the package ships none (the rules then
    decide alone, and every event's trace says so). ``TOCSIN_EVENT_MODEL`` names another
    model file, or ``none`` for the rules alone (an ablation)."""
    choice = os.environ.get("TOCSIN_EVENT_MODEL", "")
    if choice.lower() == "none":
        return None
    path = Path(choice) if choice else packaged_path()
    return load_model(path) if path.exists() else None
