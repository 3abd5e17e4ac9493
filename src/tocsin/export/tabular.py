"""Events as a flat table: CSV, JSON Lines, Parquet."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tocsin.store import Store

COLUMNS = ("id", "type", "mode", "cameo_root", "date_start", "date_end", "precision",
           "place_id", "place", "admin1", "country", "lat", "lon", "fatalities", "injuries",
           "sources", "targets", "n_mentions", "n_documents", "doc_sources", "confidence",
           "evidence")
LIST_COLUMNS = ("sources", "targets", "doc_sources")


def event_rows(store: Store, **filters: Any) -> list[dict[str, Any]]:
    """One row per merged event, with the columns above (lists stay lists)."""
    rows = store.events(**filters)
    return [{c: (r.get(c) or []) if c in LIST_COLUMNS else r.get(c) for c in COLUMNS}
            for r in rows]


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def write_csv(rows: list[dict[str, Any]], out: str | Path) -> int:
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(COLUMNS))
        w.writeheader()
        for r in rows:
            w.writerow({k: ";".join(v) if isinstance(v, list) else _plain(v)
                        for k, v in r.items()})
    return len(rows)


def write_jsonl(rows: list[dict[str, Any]], out: str | Path) -> int:
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({k: _plain(v) for k, v in r.items()}, ensure_ascii=False) + "\n")
    return len(rows)


def write_parquet(rows: list[dict[str, Any]], out: str | Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([
        ("id", pa.string()), ("type", pa.string()), ("mode", pa.string()),
        ("cameo_root", pa.string()), ("date_start", pa.date32()), ("date_end", pa.date32()),
        ("precision", pa.string()), ("place_id", pa.string()), ("place", pa.string()),
        ("admin1", pa.string()), ("country", pa.string()), ("lat", pa.float64()),
        ("lon", pa.float64()), ("fatalities", pa.int32()), ("injuries", pa.int32()),
        ("sources", pa.list_(pa.string())), ("targets", pa.list_(pa.string())),
        ("n_mentions", pa.int32()), ("n_documents", pa.int32()),
        ("doc_sources", pa.list_(pa.string())), ("confidence", pa.float64()),
        ("evidence", pa.string()),
    ])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), str(out))
    return len(rows)
