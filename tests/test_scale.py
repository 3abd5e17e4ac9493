"""Scaled-out ingest: the local and Dask engines give the serial store, and survive faults.

Faults are real: a Dask worker process killed with SIGKILL mid-run, the whole ingest
killed with SIGKILL and re-run, a document that outlasts the per-document time limit, and
the pipeline process killed under a batch.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from store_corpus import DEMO
from test_store import snapshot

from tocsin.model import Document, Extraction, InputError
from tocsin.scale.merge import load_parquet
from tocsin.scale.partition import plan, read_partition
from tocsin.store import Store
from tocsin.store.runner import ingest

BAD_LINES = [b'{"id": "broken", "text": "Rockets hit the base\n',  # cut short
             b'{"id": "latin1", "text": "Caf\xe9 bombed in Mosul"}\n']  # not UTF-8


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 33 demo articles with two bad lines in the middle."""
    lines = DEMO.read_bytes().splitlines(keepends=True)
    path = tmp_path_factory.mktemp("scale") / "corpus.jsonl"
    path.write_bytes(b"".join(lines[:10] + BAD_LINES + lines[10:]))
    return path


@pytest.fixture(scope="module")
def baseline(corpus: Path, pipeline: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("serial") / "serial.duckdb"
    with Store(db) as store:
        rep = ingest(store, [str(corpus)], pipeline=pipeline)
    assert rep.added == 33 and len(rep.errors) == 2
    return db


def test_plan_streams_byte_ranges_and_is_stable(corpus: Path, tmp_path: Path) -> None:
    parts = list(plan([str(corpus)], size=4))
    assert len(parts) == 9 and [p.index for p in parts] == list(range(9))
    ranges = [(s.start, s.end) for p in parts for s in p.sources]
    assert ranges[0][0] == 0 and ranges[-1][1] == corpus.stat().st_size
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
    assert [p.id for p in plan([str(corpus)], size=4)] == [p.id for p in parts]
    items = [item for p in parts for _, item in read_partition(p)]
    assert sum(isinstance(i, Document) for i in items) == 33
    errors = [i.message for i in items if isinstance(i, InputError)]
    assert ":11: malformed JSON" in errors[0] and ":12: not valid UTF-8" in errors[1]
    # A folder of other files: grouped N files to a partition, in sorted order.
    for n in range(5):
        (tmp_path / f"{n}.txt").write_text(f"Report {n}: shelling near Kharkiv.\n")
    folder = list(plan([str(tmp_path)], size=2))
    assert [len(p.sources) for p in folder] == [2, 2, 1]


@pytest.mark.slow
def test_local_engine_equals_serial_and_rerun_adds_nothing(corpus: Path, baseline: Path,
                                                           tmp_path: Path) -> None:
    from tocsin.scale.local_runner import run_local

    db = tmp_path / "local.duckdb"
    with Store(db) as store:
        sr = run_local(store, [str(corpus)], workers=2, partition_size=5)
    assert (sr.report.added, len(sr.report.errors), sr.partitions) == (33, 2, 7)
    assert len(sr.rss_mb) == 2 and all(50 < mb < 2000 for mb in sr.rss_mb.values())
    assert snapshot(db) == snapshot(baseline)
    with Store(db) as store:
        again = run_local(store, [str(corpus)], workers=2, partition_size=5)
    assert (again.report.added, again.skipped) == (0, 7)
    # The bulk loader: partition files into a fresh store, twice.
    fresh = tmp_path / "bulk.duckdb"
    with Store(fresh) as store:
        assert load_parquet(store, [f"{db}.parts/parts"]).added == 33
        assert load_parquet(store, [f"{db}.parts/parts"]).added == 0
    assert snapshot(fresh) == snapshot(baseline)


@pytest.mark.slow
def test_dask_worker_killed_mid_run(corpus: Path, baseline: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from distributed import Client

    from tocsin.scale.dask_runner import local_cluster, run_dask

    db = tmp_path / "dask.duckdb"
    parts = Path(f"{db}.parts") / "parts"
    env = {"TOCSIN_CACHE": os.environ["TOCSIN_CACHE"]}
    with local_cluster(2, env) as cluster, Client(cluster) as client:
        result: dict[str, Any] = {}

        def run() -> None:
            with Store(db) as store:
                result["sr"] = run_dask(store, [str(corpus)], client=client,
                                        partition_size=3)

        runner = threading.Thread(target=run)
        runner.start()
        deadline = time.monotonic() + 240
        while not list(parts.glob("*.parquet")) and time.monotonic() < deadline:
            time.sleep(0.1)
        # Kill a worker that holds a task right now.
        busy = [w for w, tasks in client.processing().items() if tasks]
        assert busy, "no task in flight"
        pids = client.run(os.getpid)
        victim = pids[busy[0]]
        os.kill(victim, signal.SIGKILL)
        runner.join(timeout=300)
        assert not runner.is_alive()
    sr = result["sr"]
    assert sr.failed == 0 and sr.report.added == 33 and len(sr.report.errors) == 2
    assert str(victim) in sr.worker_rss_mb or len(sr.worker_rss_mb) >= 2
    assert snapshot(db) == snapshot(baseline)


@pytest.mark.slow
def test_whole_ingest_killed_then_rerun(corpus: Path, baseline: Path, tmp_path: Path) -> None:
    db = tmp_path / "killed.duckdb"
    cmd = [sys.executable, "-m", "tocsin", "ingest", str(corpus), "--db", str(db),
           "--engine", "local", "--workers", "1", "--partition-size", "4", "-v"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("merged partition 2 "):
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    manifest = Path(f"{db}.parts") / "manifest.jsonl"
    done = len(manifest.read_text().splitlines())  # 3, or more if merges raced the kill
    with Store(db, read_only=True) as s:
        stored = s.con.execute("SELECT count(*) FROM documents").fetchone()
    assert done >= 3 and stored is not None and 10 <= stored[0] < 33
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    # The bad lines were in a partition merged (and reported) before the kill.
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary["skipped_partitions"] == done and summary["errors"] == 0
    assert summary["added"] == 33 - stored[0]
    assert snapshot(db) == snapshot(baseline)
    # The scaled ingest refreshed the alerts; the killed run never got to: all weeks.
    assert summary["alerts"]["since"] is None and summary["alerts"]["new"] > 0
    with Store(db, read_only=True) as s:
        assert s.con.execute("SELECT count(*) FROM alerts").fetchone() == (
            summary["alerts"]["alerts"],)


# ~880k characters: parsing takes far longer than the 4 s limit set below.
# About 39,000 tokens: under the length limits, and far over the 2 s time limit.
POISON = "Rockets hit the base near Kirkuk and militia fighters fled east. " * 3_000


@pytest.mark.slow
def test_poison_document_is_skipped_under_the_time_limit(tmp_path: Path) -> None:
    from tocsin.scale.sandbox import Sandbox

    docs = [Document(text="Turkish drones struck PKK positions in Duhok on Monday.", id="a"),
            Document(text=POISON, id="poison"),
            Document(text="Protesters marched in Basra on Friday.", id="b")]
    # Killed from outside (what a hang in C code needs), and stopped by the child itself.
    for stop_in_child, restarts in ((False, 2), (True, 0)):
        box = Sandbox(timeout=2.0, stop_in_child=stop_in_child)
        box.start()
        try:
            t0 = time.monotonic()
            out = box.run(docs)
            assert time.monotonic() - t0 < 120
        finally:
            box.close()
        assert [type(x).__name__ for x in out] == ["Extraction", "InputError", "Extraction"]
        err = out[1]
        assert isinstance(err, InputError) and err.id == "poison"
        assert "timed out" in err.message
        assert ("skipped" in err.message) is not stop_in_child
        assert box.restarts == restarts  # kills: once for the batch, once for it alone


def test_pipeline_process_killed_under_a_batch_is_recovered() -> None:
    from tocsin.scale.sandbox import Sandbox

    box = Sandbox(timeout=60.0)
    box.start()
    text = "Militants attacked an army checkpoint in Diyala, killing two soldiers. " * 1000
    killed: list[int] = []

    def kill_soon() -> None:
        time.sleep(1.0)
        if box.pid:
            killed.append(box.pid)
            os.kill(box.pid, signal.SIGKILL)

    try:
        t = threading.Thread(target=kill_soon)
        t.start()
        out = box.run([Document(text=text, id="long"), Document(text="Shelling hit Kharkiv.",
                                                                 id="short")])
        t.join()
    finally:
        box.close()
    assert killed and box.restarts == 1
    assert [x.doc.id for x in out if isinstance(x, Extraction)] == ["long", "short"]
