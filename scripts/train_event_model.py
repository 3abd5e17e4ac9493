"""Retrain the packaged event model (src/tocsin/data/models/events.npz) reproducibly.

    .venv/bin/python scripts/train_event_model.py            # write the packaged model
    .venv/bin/python scripts/train_event_model.py --out /tmp/m.npz --folds 3

Reads training/data/*.jsonl and the PLOVER gold standard's train split from the shared
eval folder (the only shared data used; eval/acled is never read). Needs scikit-learn
(`pip install -e ".[train]"`). Prints the cross-validation figures and writes the model
with its card, and the card alone as JSON next to it for review.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

from tocsin.evaluate.common import REPO_ROOT, eval_dir
from tocsin.events.decision.model import packaged_path
from tocsin.learn.dataset import (
    collect,
    load_plover_train,
    load_written,
    scan_words,
)
from tocsin.learn.train import sha256_files, train

# Chosen on the ACLED dev split (evaluate/acled.py --split dev, 300 notes per country,
# stratified by event type, seed 0): of the settings tried (fallback 1.0 or 0.05; quiet
# 0.35 or 0.15), the highest mean type accuracy (0.84, against 0.79-0.82). With the 500
# texts of sense-01..04/vio-08 the report head is stricter: quiet 0.15 dropped PETRARCH
# and PLOVER news the gate scores, so the shipped model uses 0.05 (its card says so).
DEV_TUNED = {"fallback": 0.05, "quiet": 0.05}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO_ROOT / "training" / "data")
    ap.add_argument("--out", type=Path, default=packaged_path())
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-plover", action="store_true", help="train on written texts only")
    ap.add_argument("--cache", type=Path, help="reuse (or write) the collected candidates")
    ap.add_argument("--fallback", type=float, default=DEV_TUNED["fallback"])
    ap.add_argument("--quiet", type=float, default=DEV_TUNED["quiet"])
    ap.add_argument("--c", type=float, nargs="+", default=None,
                    help="regularisation values cross-validation chooses among (default: "
                         "the learner's grid)")
    args = ap.parse_args()

    files = sorted(args.data.glob("*.jsonl"))
    examples = load_written(files)
    sources: dict[str, object] = {"training/data": sha256_files(files)}
    plover = eval_dir() / "plover" / "PLOVER_GSR_CAMEO.json"
    if not args.no_plover and plover.exists():
        examples += load_plover_train(plover)
        sources["plover train split"] = sha256_files([plover])
    print(f"{len(examples)} training texts", file=sys.stderr)
    words = scan_words(examples)
    if args.cache and args.cache.exists():
        col = pickle.loads(args.cache.read_bytes())
    else:
        col = collect(examples, words)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(col))
    print(f"{len(col.rows)} candidates; {col.missed} of {col.acts} gold acts had none",
          file=sys.stderr)
    model = train(examples, col, words, args.folds, args.seed, sources,
                  log=lambda s: print(s, file=sys.stderr),
                  **({"c_grid": tuple(args.c)} if args.c else {}))
    # Two document-level settings are set on the ACLED dev split, not by cross-validation
    # on the training texts (whose share of quiet news is not the genre's): the card keeps
    # both choices. The ACLED test split, which nothing here sees, is what gets reported.
    model.card["cv_choice"] = {"fallback": model.card["fallback"],
                               "quiet": model.card["quiet"]}
    model.card["fallback"], model.card["quiet"] = args.fallback, args.quiet
    model.card["set_on_acled_dev_split"] = ["fallback", "quiet"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    card = {k: v for k, v in model.card.items() if k != "trigger_words"}
    args.out.with_suffix(".card.json").write_text(
        json.dumps(card, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(card["cross_validation"]["chosen"], indent=1))
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
