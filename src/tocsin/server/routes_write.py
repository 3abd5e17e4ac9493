"""Write endpoints (token required): ingest texts, URLs and files; add an alias; split a
wrong merge; acknowledge an alert. Ingests are queued to the server's single writer thread."""

from __future__ import annotations

import re
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tocsin.server import extras
from tocsin.server.auth import require_read, require_write
from tocsin.server.common import ok, reader, state
from tocsin.server.state import Job

router = APIRouter(prefix="/api")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_WAIT = 300.0


class DocumentIn(BaseModel):
    text: str = Field(min_length=1, max_length=2_000_000)
    id: str | None = Field(None, max_length=300)
    title: str | None = Field(None, max_length=2000)
    published: date | None = None
    source: str | None = Field(None, max_length=300)
    url: str | None = Field(None, max_length=2000)
    author: str | None = Field(None, max_length=300)


class IngestIn(BaseModel):
    documents: list[DocumentIn] = Field(default_factory=list, max_length=1000)
    urls: list[Annotated[str, Field(pattern=r"^https?://", max_length=2000)]] = Field(
        default_factory=list, max_length=100)
    published: date | None = Field(None, description="default date for undated inputs")
    wait: float = Field(0, ge=0, le=MAX_WAIT, description="seconds to wait for the result")


class AliasIn(BaseModel):
    alias: str = Field(min_length=1, max_length=200)


class UnmergeIn(BaseModel):
    doc: str = Field(min_length=1, max_length=300, description="the document whose "
                     "reports leave the event")


def _answer(job: Job, wait: float) -> Response:
    if wait > 0:
        job.done.wait(wait)
    return ok(job.to_json(), 200 if job.finished else 202)


@router.post("/ingest", summary="Queue documents (text) and/or URLs for ingestion")
def ingest(request: Request, body: IngestIn,
           _who: Annotated[str, Depends(require_write)]) -> Response:
    if not body.documents and not body.urls:
        raise HTTPException(422, "give documents or urls")
    st = state(request)
    pub = body.published.isoformat() if body.published else None
    records: list[dict[str, Any]] = [
        {k: (v.isoformat() if isinstance(v, date) else v)
         for k, v in d.model_dump().items() if v is not None} for d in body.documents]
    if records and body.urls:
        tmp = tempfile.mkdtemp(prefix="tocsin-api-")
        path = Path(tmp) / "posted.jsonl"
        import json

        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                        encoding="utf-8")
        job = st.submit([str(path), *body.urls], pub, tmp)
    elif records:
        job = st.submit_records(records, pub)
    else:
        job = st.submit(list(body.urls), pub)
    return _answer(job, body.wait)


@router.post("/ingest/files", summary="Upload files (any format `tocsin ingest` reads)")
async def ingest_files(request: Request,
                       files: Annotated[list[UploadFile], File(description="input files")],
                       _who: Annotated[str, Depends(require_write)],
                       published: Annotated[date | None, Form()] = None,
                       wait: Annotated[float, Form(ge=0, le=MAX_WAIT)] = 0) -> Response:
    if not files:
        raise HTTPException(422, "no files")
    tmp = tempfile.mkdtemp(prefix="tocsin-api-")
    paths = []
    for n, f in enumerate(files):
        # Never trust a client's file name as a path: keep a cleaned base name only.
        base = SAFE_NAME.sub("_", Path(f.filename or "upload").name).lstrip(".") or "upload"
        path = Path(tmp) / f"{n:04d}-{base[:100]}"
        path.write_bytes(await f.read())
        paths.append(str(path))
    job = state(request).submit(paths, published.isoformat() if published else None, tmp)
    if wait > 0:  # waiting must not block the event loop
        import anyio

        await anyio.to_thread.run_sync(job.done.wait, wait)
    return ok(job.to_json(), 200 if job.finished else 202)


@router.get("/jobs/{job_id}", summary="Status of an ingest job",
            dependencies=[Depends(require_read)])
def job_status(request: Request, job_id: str) -> Response:
    job = state(request).jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "no such job")
    return ok(job.to_json())


@router.post("/actors/{actor}/aliases", summary="Add an alias to an actor (knowledge base)")
def add_alias(request: Request, actor: str, body: AliasIn,
              _who: Annotated[str, Depends(require_write)]) -> Response:
    r = reader(request)
    ids = r.resolve_actor(actor)
    if not ids:
        raise HTTPException(404, "no actor matches")
    alias = " ".join(body.alias.split())
    if not alias:
        raise HTTPException(422, "empty alias")
    import duckdb

    for attempt in range(5):  # the writer thread may hold a conflicting transaction
        try:
            r.con.execute("INSERT INTO actor_aliases VALUES (?, ?, 'api') ON CONFLICT DO NOTHING",
                          [ids[0], alias])
            break
        except duckdb.TransactionException:
            if attempt == 4:
                raise HTTPException(503, "store busy, retry") from None
            time.sleep(0.2 * (attempt + 1))
    return ok({"actor": ids[0], "alias": alias,
               "resolves_to": r.resolve_actor(alias)}, 201)


@router.post("/events/{event_id}/unmerge", summary="Split a document's reports out of an "
             "event, for good (re-ingesting keeps them apart)")
def unmerge_event(request: Request, event_id: str, body: UnmergeIn,
                  _who: Annotated[str, Depends(require_write)]) -> Response:
    import duckdb

    from tocsin.store.unmerge import unmerge

    r = reader(request)
    for attempt in range(5):  # the writer thread may hold a conflicting transaction
        try:
            new_id = unmerge(r.con, event_id, body.doc)
            break
        except duckdb.TransactionException:
            if attempt == 4:
                raise HTTPException(503, "store busy, retry") from None
            time.sleep(0.2 * (attempt + 1))
    if new_id is None:
        raise HTTPException(404, "the event has no report of this document beside others")
    # The split changes the series of the weeks it is in: their alerts are refreshed.
    job = state(request).submit_refresh([body.doc])
    return ok({"event": event_id, "split": new_id, "doc": body.doc, "alerts_job": job.id},
              201)


@router.post("/alerts/{alert_id}/ack", summary="Acknowledge an alert")
def ack_alert(request: Request, alert_id: str,
              who: Annotated[str, Depends(require_write)]) -> Response:
    st = state(request)
    if not st.has_table("alerts"):
        raise HTTPException(404, "no alerts table in this store")
    done = extras.acknowledge_alert(st.reader(), alert_id, who)
    if done is None:
        raise HTTPException(409, "the alerts table has no acknowledgement column")
    if not done:
        raise HTTPException(404, "no such alert")
    return ok({"id": alert_id, "acknowledged": True})
