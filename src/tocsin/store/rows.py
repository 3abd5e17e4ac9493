"""The rows the store's read side returns, declared: one TypedDict per shape.

The store's queries (store/queries.py) and the API's (server/queries.py, server/alerts.py,
server/extras.py, server/documents.py) return these, and the server, the exports and the
analysis read them. They are plain dicts at run time, built straight from DuckDB rows, so
the JSON the CLI and the API print is what it was; the declarations say which keys a row
has and what each holds. Keys marked ``NotRequired`` are added after the query (names
beside ids, context around a sentence) or exist in one source of the row only.

``tests/test_store_rows.py`` reads every shape from a store of the demo corpus and checks
each key and value against these declarations, so that they cannot drift from the SQL.

Closed sets reuse the model's ``Literal`` types (event, actor and place types, date
precision). A value the database holds outside such a set would be a bug of the writer;
the test catches it. Payloads that are JSON by nature (a report's merge reason and
decision trace, an alert's stored explanation) stay ``dict[str, Any]``.

No ``from __future__ import annotations`` here: Python 3.11 reads ``NotRequired`` from
evaluated annotations only (``__optional_keys__``, which the rows test relies on).
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, TypeVar

from tocsin.model import ActorType, EventType, PlaceFeature, Precision

if TYPE_CHECKING:
    import duckdb

Row = TypeVar("Row")


def fetch(cur: "duckdb.DuckDBPyConnection", shape: type[Row]) -> list[Row]:
    """The cursor's rows as dicts keyed by column name, declared to be ``shape`` (the
    query's select list is what makes them so; the rows test checks it)."""
    cols = [d[0] for d in cur.description or []]
    out: list[Any] = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    return out


# --- events ---------------------------------------------------------------------------

class EventListRow(TypedDict):
    """A merged event as every list shows it (store.events, /api/events, the exports):
    the events row, its place, participants, outlets and first evidence sentence."""
    id: str
    type: EventType
    mode: str | None
    cameo_root: str | None
    date_start: date | None
    date_end: date | None
    precision: Precision | None
    place_id: str | None
    place: str | None
    admin1: str | None
    country: str | None
    lat: float | None
    lon: float | None
    fatalities: int | None
    injuries: int | None
    negated: bool | None
    future: bool | None
    n_mentions: int
    n_documents: int
    confidence: float | None
    # None where the store's own query finds no participant or report (SQL list() of no
    # rows); the API's rows (event_summary) always hold lists.
    sources: list[str] | None
    targets: list[str] | None
    doc_sources: list[str] | None
    evidence: str | None
    # Display names beside the ids (store/names.py name_events).
    source_names: NotRequired[list[str]]
    target_names: NotRequired[list[str]]


class ReportRow(TypedDict):
    """One report of an event (an event_mentions row) with its document's header."""
    id: str
    doc_id: str
    title: str | None
    source: str | None
    url: str | None
    published: date | None
    type: EventType
    mode: str | None
    source_ids: list[str] | None
    target_ids: list[str] | None
    date_start: date | None
    date_end: date | None
    precision: Precision | None
    date_text: str | None
    place_id: str | None
    fatalities: int | None
    sentence: str | None
    start: int | None
    end: int | None
    confidence: float | None
    merge_reason: dict[str, Any]  # JSON: why it joined its event (store/merge.py check)
    pipeline: str | None
    extracted_at: datetime | None
    trigger: str | None
    salience: float | None
    why: dict[str, Any] | None  # JSON: the decision stage's trace, free-form
    # The document's text around the sentence (the API's event page).
    context_before: NotRequired[str]
    context_after: NotRequired[str]


class AlertRef(TypedDict):
    """An alert an event is evidence for (the API's event page)."""
    id: str
    kind: str
    label: str | None
    level: str | None
    raised: date


class EventDetail(EventListRow):
    """One event with every report of it (store.event, /api/events/{id})."""
    mentions: list[ReportRow]
    republished_in: list[str]  # documents that are near-duplicates of a report's
    actor_names: NotRequired[dict[str, str]]
    alerts: NotRequired[list[AlertRef]]


# --- documents ------------------------------------------------------------------------

class DocumentFields(TypedDict):
    """The header every document row has."""
    id: str
    title: str | None
    published: date | None
    source: str | None
    url: str | None
    author: str | None
    language: str | None
    n_chars: int | None
    duplicate_of: str | None
    similarity: float | None
    pipeline: str | None


class DocumentRow(DocumentFields):
    """A document in the store's list (store.documents, `tocsin store documents`)."""
    origin: str | None
    extracted_at: datetime | None


class DocumentPageRow(DocumentFields):
    """A document in the API's list (/api/documents without words to search)."""
    ingested_at: datetime


class SnippetPart(TypedDict):
    text: str
    match: bool


class DocumentHit(TypedDict):
    """A document found by words (/api/documents?q=...), with a snippet of its text."""
    id: str
    title: str | None
    published: date | None
    source: str | None
    url: str | None
    n_chars: int | None
    duplicate_of: str | None
    n_events: int
    snippet: list[SnippetPart]


class DocumentDetail(DocumentFields):
    """One document with its text and its events (/api/documents/{id})."""
    origin: str | None
    text: str
    extracted_at: datetime | None
    ingested_at: datetime
    events: list[str]
    # The page's pieces (server/documents.py view): text, and evidence sentences with
    # their trigger words and events; a layout for the page, kept free-form.
    segments: NotRequired[list[dict[str, Any]]]
    event_rows: NotRequired[list[EventListRow]]


# --- actors and relations -------------------------------------------------------------

class ActorRow(TypedDict):
    """An actor seen in the store (store.actors, /api/actors): `name` is its display
    name (store/names.py), `generic` whether it is an unnamed group."""
    id: str
    name: str
    type: ActorType | None
    country: str | None
    in_kb: bool
    n_mentions: int
    n_documents: int
    n_events: int
    generic: bool


class RelationRow(TypedDict):
    """A relation stated in documents, grouped over its reports."""
    type: str
    subject: str
    object: str
    n_reports: int
    documents: list[str]
    evidence: str | None
    subject_name: NotRequired[str]
    object_name: NotRequired[str]


class KbRole(TypedDict):
    type: str
    object: str
    start: str | None
    end: str | None


class KbDesignation(TypedDict):
    authority: str
    programme: str | None
    date: str | None


class ActorOutlet(TypedDict):
    """How many documents of one outlet name an actor, and when."""
    source: str | None
    n_documents: int
    first: date | None
    last: date | None


class TimelineRow(TypedDict):
    """An actor's events in one month and type."""
    month: str
    type: EventType
    n: int


class ActorHead(TypedDict):
    """The actors row (`first_doc` only when the store holds the actor; a KB actor not
    yet seen has the other keys, from the knowledge base)."""
    id: str
    name: str
    type: ActorType | None
    country: str | None
    in_kb: bool
    first_doc: NotRequired[str | None]


class ActorKbFacts(TypedDict, total=False):
    """What the knowledge base says of an actor it knows."""
    description: str | None
    parents: list[str]
    allies: list[str]
    roles: list[KbRole]
    designations: list[KbDesignation]
    kb_sources: list[str]


class ActorProfile(ActorHead, ActorKbFacts):
    """An actor's profile (store.actor, /api/actors/{actor}, `tocsin store actor`): the
    actors row with its display name, the KB's facts when the knowledge base knows the
    actor, its latest events, relations and outlets."""
    other_matches: list[str]  # other actors the query resolved to
    generic: bool
    aliases: list[str]
    events: list[EventListRow]  # the latest, oldest first (the API turns them round)
    n_events: int
    relations: list[RelationRow]
    actor_names: dict[str, str]
    documents: list[ActorOutlet]


class ApiActorProfile(ActorProfile):
    """The profile as the API gives it: events newest first, and a timeline."""
    timeline: list[TimelineRow]


class ActorHit(TypedDict):
    """An actor found by a name or alias (/api/search, /api/actors?q=)."""
    id: str
    name: str
    type: ActorType | None
    country: str | None
    score: float
    matched: str
    reasons: list[str]
    in_store: NotRequired[bool]


# --- places, alerts, statistics -------------------------------------------------------

class PlaceRow(TypedDict):
    """A resolved place with how many events it holds (/api/places)."""
    id: str
    name: str
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None
    feature: PlaceFeature | None
    n_events: int


class AlertRow(TypedDict):
    """A stored alert (/api/alerts, /api/alerts/{id}) with the regions and types it
    belongs to. `detail` is the explained alert as analysis/alerts.py wrote it (JSON)."""
    id: str
    kind: str
    series: str
    label: str | None
    raised: date
    window_start: date | None
    window_end: date | None
    current_count: int | None
    baseline_count: int | None
    rate_ratio: float | None
    p_value: float | None
    intensity: float | None
    severity: float | None
    level: str | None
    actor_ids: list[str] | None
    event_ids: list[str] | None
    detail: dict[str, Any]
    first_seen: datetime
    episode_end: date | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    regions: list[str]
    types: list[str]
    actor_names: NotRequired[list[str]]


class StoreStats(TypedDict):
    """Counts, types, sources and date range (store.stats, /api/stats)."""
    counts: dict[str, int]
    schema_version: int | None
    events_by_type: dict[str, int]
    documents_by_source: dict[str, int]
    date_range: list[str | None]
    pipelines: list[str]
    alerts_job: NotRequired[dict[str, Any] | None]  # the API's start-up job (Job.to_json)
