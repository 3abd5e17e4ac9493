"""The pipeline in a child process, so that a document that hangs or crashes it is
reported and skipped instead of taking the worker down.

Why a process: a Dask task runs in a worker thread, where `signal.alarm` cannot be used,
and a thread stuck inside C code (a regex, the parser) cannot be interrupted. A child can
always be killed. Documents go over in batches (spaCy's `pipe` is faster than one call per
document); results come back one by one, the k-th due within k+1 time limits. When the
child hangs or dies, it is restarted and the rest of the batch is re-run one document at
a time under the per-document limit, which isolates the poison document.

    python -m tocsin.scale.sandbox     # the child: JSON lines in on stdin, out on fd 1
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from typing import IO, Any

from tocsin.model import Document, Extraction, InputError
from tocsin.scale import codec

LOAD_TIMEOUT = 600.0  # loading the model and data on a loaded machine


class Sandbox:
    """One child process holding the pipeline; `run(docs)` never raises for a document."""

    def __init__(self, timeout: float = 120.0, model: str | None = None,
                 memory_mb: int | None = None, recycle_docs: int = 2000,
                 recycle_rss_mb: float = 1200.0, stop_in_child: bool = True) -> None:
        """`stop_in_child`: the child stops a slow document itself (at 0.9 of the limit),
        so only what never returns to Python costs a restart."""
        self.timeout = timeout
        self.stop_in_child = stop_in_child
        self.model = model
        self.memory_mb = memory_mb
        # A long-lived spaCy process grows (string store, caches): a fresh child every
        # `recycle_docs` documents, or once it holds `recycle_rss_mb`, keeps memory flat.
        self.recycle_docs, self.recycle_rss_mb = recycle_docs, recycle_rss_mb
        self.since_start = 0
        self.recycles = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.out: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.peak_rss_mb = 0.0
        self.cpu_s = 0.0  # CPU seconds of the current child (for throughput per core)
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self) -> None:
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1"}
        if self.model:
            env["TOCSIN_SANDBOX_MODEL"] = self.model
        if self.memory_mb:
            env["TOCSIN_SANDBOX_MEMORY_MB"] = str(self.memory_mb)
        # The child stops a slow document itself (cheaper than a restart); the kill
        # stays for what does not return to Python in time.
        if self.stop_in_child:
            env["TOCSIN_SANDBOX_TIMEOUT"] = str(self.timeout)
        self.since_start = 0
        self.proc = subprocess.Popen([sys.executable, "-m", "tocsin.scale.sandbox"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.out = queue.Queue()
        assert self.proc.stdout is not None
        threading.Thread(target=_pump, args=(self.proc.stdout, self.out), daemon=True).start()
        msg = self._get(time.monotonic() + LOAD_TIMEOUT)
        if not msg or not msg.get("ready"):
            self.kill()
            raise RuntimeError("the pipeline process failed to start")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def close(self) -> None:
        if self.proc is not None and self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()

    def _get(self, deadline: float) -> dict[str, Any] | None:
        try:
            return self.out.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return {"timeout": True}

    def _send(self, docs: list[Document]) -> bool:
        if self.proc is None:
            self.start()
        assert self.proc is not None and self.proc.stdin is not None
        line = json.dumps({"docs": [codec.doc_to_dict(d) for d in docs]}, ensure_ascii=False,
                          default=codec._default)
        try:
            self.proc.stdin.write(line.encode("utf-8") + b"\n")
            self.proc.stdin.flush()
            return True
        except OSError:
            return False

    def _failure(self, msg: dict[str, Any] | None) -> str:
        if msg and msg.get("timeout"):
            return f"pipeline timed out (limit {self.timeout:g} s per document)"
        code = self.proc.poll() if self.proc else None
        if self.proc is not None and code is None:
            try:
                code = self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return f"pipeline process died ({how})"

    def _batch(self, docs: list[Document], results: list[Extraction | InputError | None]
               ) -> str | None:
        """Fill `results` from one batch; returns why it stopped early, or None."""
        if not self._send(docs):
            return self._failure(None)
        t0 = time.monotonic()
        got = 0
        # A child that stops slow documents itself needs up to three limits for the first
        # (the batch's parse, then the document's parse and analysis alone): the kill
        # here is only for what it could not stop.
        slack = 2 if self.stop_in_child else 0
        while True:
            msg = self._get(t0 + self.timeout * (got + 1 + slack))
            if msg is None or msg.get("timeout"):
                return self._failure(msg)
            if msg.get("done"):
                self.peak_rss_mb = max(self.peak_rss_mb, float(msg.get("rss_mb", 0.0)))
                self.cpu_s = float(msg.get("cpu_s", 0.0))
                self.since_start += len(docs)
                if self.since_start >= self.recycle_docs or \
                        float(msg.get("cur_mb", 0.0)) >= self.recycle_rss_mb:
                    self.kill()
                    self.recycles += 1
                    self.start()
                return None
            i = int(msg["i"])
            doc = docs[i]
            if "error" in msg:
                results[i] = InputError(msg["error"], id=doc.id, title=doc.title,
                                        source=doc.source, url=doc.url, origin=doc.origin)
            else:
                results[i] = codec.loads(msg["ext"], doc)
            got += 1

    def run(self, docs: list[Document]) -> list[Extraction | InputError]:
        """One result per document, in order; a poison document becomes an InputError."""
        results: list[Extraction | InputError | None] = [None] * len(docs)
        if docs and self._batch(docs, results) is not None:
            self._restart()
            for i, doc in enumerate(docs):
                if results[i] is not None:
                    continue
                one: list[Extraction | InputError | None] = [None]
                why = self._batch([doc], one)
                if why is not None:
                    self._restart()
                    one[0] = InputError(f"{doc.origin or doc.id}: {why}; document skipped",
                                        id=doc.id, title=doc.title, source=doc.source,
                                        url=doc.url, origin=doc.origin)
                results[i] = one[0]
        return [r for r in results if r is not None]

    def _restart(self) -> None:
        self.kill()
        self.restarts += 1
        self.start()


def _pump(stream: IO[bytes], out: queue.Queue[dict[str, Any] | None]) -> None:
    for line in stream:
        try:
            out.put(json.loads(line))
        except ValueError:
            continue  # not ours (a library printing to fd 1 before it was redirected)
    out.put(None)


def _limit_memory() -> None:
    mb = os.environ.get("TOCSIN_SANDBOX_MEMORY_MB")
    if mb:
        import resource

        limit = int(mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _usage() -> dict[str, float]:
    import resource

    ru = resource.getrusage(resource.RUSAGE_SELF)
    usage = {"rss_mb": ru.ru_maxrss / 1024, "cpu_s": ru.ru_utime + ru.ru_stime}
    try:  # resident now (Linux); the peak above never comes down
        with open("/proc/self/statm") as f:
            usage["cur_mb"] = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        pass
    return usage


def main() -> None:
    # Results go to a private copy of fd 1; anything a library prints goes to stderr.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    _limit_memory()
    from tocsin.api import get_pipeline

    pipeline = get_pipeline(os.environ.get("TOCSIN_SANDBOX_MODEL") or None)
    pipeline.process(Document(text="Rockets hit Baghdad on Monday."))  # warm the caches

    def say(obj: dict[str, Any]) -> None:
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()

    say({"ready": True, "pid": os.getpid()})
    for line in sys.stdin:
        docs = [codec.doc_from_dict(d) for d in json.loads(line)["docs"]]
        timeout = float(os.environ.get("TOCSIN_SANDBOX_TIMEOUT") or 0) * 0.9 or None
        for i, res in enumerate(pipeline.pipe(docs, batch_size=max(1, len(docs)),
                                              timeout=timeout)):
            if isinstance(res, InputError):
                say({"i": i, "error": res.message})
            else:
                say({"i": i, "ext": codec.dumps(res, with_doc=False)})
        say({"done": True, **_usage()})


if __name__ == "__main__":
    main()
