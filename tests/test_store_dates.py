"""The date invariant: no stored event is dated after its report's publication day;
clamped dates keep what was extracted and are counted in `tocsin stats`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from tocsin.store import Store
from tocsin.store.runner import ingest

# Written for this test. The first report is dated four days before the attack it
# describes (a wrong date in the text or a wrong publication date): a date to clamp.
LATE = ("KIRKUK — On 14 March 2021, gunmen attacked a police checkpoint on the road south "
        "of Kirkuk, killing two officers and wounding a third, local officials said.")
FINE = ("MOSUL — Unidentified attackers fired mortar rounds at an army outpost west of "
        "Mosul on 2 March 2021, wounding four soldiers, a military spokesman said.")


def test_dates_after_publication_are_clamped_and_counted(tmp_path: Path,
                                                         pipeline: Any) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(d) for d in [
        {"id": "late", "text": LATE, "published": "2021-03-10", "source": "Test Wire"},
        {"id": "fine", "text": FINE, "published": "2021-03-10", "source": "Test Wire"},
    ]) + "\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        ingest(store, [str(src)], pipeline=pipeline)
        con = store.con
        late = con.execute("SELECT date_start, date_end, unclamped_start FROM event_mentions "
                           "WHERE doc_id = 'late' AND type = 'ASSAULT'").fetchall()
        assert late and all(s == e == date(2021, 3, 10) for s, e, _ in late), late
        assert {u for _, _, u in late} == {date(2021, 3, 14)}
        fine = con.execute("SELECT date_start, unclamped_start FROM event_mentions "
                           "WHERE doc_id = 'fine' AND type = 'ASSAULT'").fetchall()
        assert fine and all(s == date(2021, 3, 2) and u is None for s, u in fine), fine
        # The merged events hold the invariant too.
        assert con.execute("""SELECT count(*) FROM events e JOIN event_mentions em
            ON em.event_id = e.id JOIN documents d ON d.id = em.doc_id
            WHERE e.date_start > d.published""").fetchone() == (0,)
        clamped = con.execute("SELECT count(*) FROM event_mentions WHERE doc_id = 'late' "
                              "AND unclamped_start IS NOT NULL").fetchone()[0]  # type: ignore[index]
        n_fine = con.execute("SELECT count(*) FROM event_mentions WHERE doc_id = 'fine'"
                             ).fetchone()[0]  # type: ignore[index]
        counts = store.stats()["counts"]
        assert counts["dates_clamped_to_publication"] == clamped >= 1
        assert counts["dates_after_publication"] == 0
        # A store written before the clamp: its violations are counted, not hidden.
        con.execute("UPDATE event_mentions SET date_start = DATE '2021-04-01' "
                    "WHERE doc_id = 'fine'")
    res = subprocess.run([sys.executable, "-m", "tocsin", "stats", "--db", str(db)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    shown = json.loads(res.stdout)["counts"]
    assert shown["dates_clamped_to_publication"] == clamped
    assert shown["dates_after_publication"] == n_fine
