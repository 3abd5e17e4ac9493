"""A demo store and a real `tocsin serve` subprocess on loopback (not a test module)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from store_corpus import DEMO

TOKEN = "test-token-7f3a"
# An article whose text tries to run script in a page: it must show as text.
XSS_TITLE = '<img src=x onerror="window.__xss=1">Militia statement'
XSS_TEXT = ("BAGHDAD, Jan 21 — Kataib Hezbollah said in a statement on Tuesday "
            "<script>window.__xss=1</script> that it would not withdraw from Jurf al-Sakhar, "
            "and accused the United States of planning new strikes "
            '<img src=x onerror="window.__xss=1"> on its positions near Baghdad.')
DEMO_IDS = [f"demo-0{n}" for n in range(12, 22)]


def build_db(tmp: Path, ids: list[str] = DEMO_IDS) -> Path:
    """Ingest demo articles plus the XSS sample into a fresh store."""
    from tocsin.store import Store
    from tocsin.store.runner import ingest

    lines = [x for x in DEMO.read_text(encoding="utf-8").splitlines()
             if x.strip() and json.loads(x)["id"] in ids]
    lines.append(json.dumps({"id": "xss-1", "title": XSS_TITLE, "published": "2020-01-21",
                             "source": "Test <b>Desk</b>", "text": XSS_TEXT}))
    src = tmp / "input.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp / "demo.duckdb"
    with Store(db) as store:
        rep = ingest(store, [str(src)])
    assert rep.added == len(lines), rep.summary()
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(db: Path, *extra: str, token: str | None = TOKEN) -> Iterator[str]:
    """`tocsin serve` in a subprocess; yields its base URL, stops it afterwards."""
    port = free_port()
    env = dict(os.environ)
    env.pop("TOCSIN_API_TOKEN", None)
    cmd = [sys.executable, "-m", "tocsin", "serve", "--db", str(db), "--port", str(port),
           *(["--token", token] if token else []), *extra]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/stats", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                raise RuntimeError(f"server did not start: {out[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
