"""The pipeline: named components over one parsed document, each declaring what it needs.

The stages register their components in `tocsin.component`; this module assembles them.

Like spaCy's factories, every component states ``requires`` and ``assigns``; `Pipeline`
checks the order when it is built, so a misordered pipeline fails at load time instead of
producing silently empty output.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

# State, Component and register live below the stages; re-exported for callers.
from tocsin.component import REGISTRY, Component, State, register
from tocsin.doc_cache import release
from tocsin.guard import DocumentTimeout, DocumentTooLong, check_deadline, deadline, make_doc
from tocsin.model import Document, Extraction, InputError
from tocsin.resources import Resources
from tocsin.version import PIPELINE_VERSION

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


DEFAULT_COMPONENTS = ("actors", "places", "time", "events", "actor_context", "relations")
WARM_UP = "Rockets hit the base near Baghdad on Monday, the army said."


class PipelineError(RuntimeError):
    pass


def _load_components() -> None:
    # Imported here so that `import tocsin` stays cheap (nothing happens at import).
    from tocsin.actors import component as _a  # noqa: F401
    from tocsin.context import in_context as _c  # noqa: F401
    from tocsin.events import component as _e  # noqa: F401
    from tocsin.geo import component as _g  # noqa: F401
    from tocsin.relations import component as _r  # noqa: F401
    from tocsin.time import component as _t  # noqa: F401


class Pipeline:
    """spaCy parse, then the named components, producing one `Extraction` per document."""

    def __init__(self, nlp: Language, components: Iterable[str] = DEFAULT_COMPONENTS,
                 config: Mapping[str, Mapping[str, Any]] | None = None,
                 resources: Resources | None = None):
        """``config``: keyword arguments per component name, e.g. the events component's
        coder: ``{"events": {"coder": RulesCoder()}}``; ``resources``: the knowledge base,
        lexicon and gazetteer the stages read (the packaged ones by default)."""
        _load_components()
        config = config or {}
        self.nlp = nlp
        self.resources = resources or Resources()
        self.components: list[Component] = []
        available = {"doc", "document", "anchor"}
        for name in components:
            if name not in REGISTRY:
                raise PipelineError(f"unknown component {name!r}; known: {sorted(REGISTRY)}")
            comp = REGISTRY[name](**config.get(name, {}))
            missing = [r for r in comp.requires if r not in available]
            if missing:
                raise PipelineError(f"component {name!r} requires {missing}, which no "
                                    "earlier component assigns")
            available.update(comp.assigns)
            self.components.append(comp)
        # A coder other than the default one says so in the version of what it codes.
        tags = [t for c in self.components if (t := getattr(c, "version_tag", None))]
        self.version = " ".join([PIPELINE_VERSION, *tags, *self.resources.version_tags()])
        self._warm = False

    @classmethod
    def load(cls, model: str | None = None, coder: Any = None,
             resources: Resources | None = None) -> Pipeline:
        """The default pipeline on spaCy model ``model``; ``coder``: the events component's
        coder (`tocsin.events.decision.coders.EventCoder`), the packaged one if None;
        ``resources``: a knowledge base, lexicon or gazetteer of one's own."""
        from tocsin.nlp import load_model

        return cls(load_model(model), config={"events": {"coder": coder}} if coder else None,
                   resources=resources)

    def analyze(self) -> list[dict[str, Any]]:
        """What each component needs and adds (like spaCy's analyze_pipes)."""
        return [{"name": c.name, "requires": list(c.requires), "assigns": list(c.assigns)}
                for c in self.components]

    def _run(self, document: Document, doc: Doc, end: float = float("inf"),
             limit: float | None = None) -> Extraction:
        state = State(document=document, doc=doc, anchor=document.published)
        try:
            with self.resources.active():
                for comp in self.components:
                    comp(state)
                    state.done.add(comp.name)
                    check_deadline(end, limit)  # a stage that swallowed the timer's exception
        finally:
            release(doc)
        return Extraction(
            doc=document, pipeline=self.version, actors=list(state.actors.values()),
            places=list(state.places.values()), events=state.events,
            relations=state.relations,
        )

    def _warm_up(self) -> None:
        # Data the stages load on first use must not count against a document's time.
        if not self._warm:
            self._run(Document(text=WARM_UP), self.nlp(WARM_UP))
            self._warm = True

    def process(self, document: Document, timeout: float | None = None) -> Extraction:
        """One document; raises `DocumentTooLong`, `DocumentTimeout` or the stage's error."""
        if timeout:
            self._warm_up()
        with deadline(timeout) as end:
            return self._run(document, self.nlp(make_doc(self.nlp, document.text)), end,
                             timeout)

    def pipe(self, items: Iterable[Document | InputError], batch_size: int = 16,
             timeout: float | None = None) -> Iterator[Extraction | InputError]:
        """Process a stream; errors pass through in order, as values.

        Each document's outcome depends on that document alone: a failure, an oversized
        text or a time limit hit (`timeout` seconds per document) is its own error value,
        and the batch's other documents come out exactly as they would alone.
        """
        if timeout:
            self._warm_up()
        buffer: list[Document | InputError] = []
        for item in items:
            buffer.append(item)
            if len(buffer) >= batch_size:
                yield from self._flush(buffer, timeout)
                buffer = []
        yield from self._flush(buffer, timeout)

    def _parse(self, docs: list[Document], timeout: float | None
               ) -> list[Doc | BaseException]:
        """spaCy's parse of each document, batched; on any failure, or when the batch
        takes longer than one document may, one by one (each with its own limit). A text
        over the limits is its own error and never reaches the batch."""
        made: list[Doc | BaseException] = []
        for d in docs:
            try:
                made.append(make_doc(self.nlp, d.text))
            except Exception as exc:
                made.append(exc)
        try:
            with deadline(timeout):
                parsed = iter(list(self.nlp.pipe(
                    [m for m in made if not isinstance(m, BaseException)])))
            return [m if isinstance(m, BaseException) else next(parsed) for m in made]
        except Exception:  # the batch is redone document by document below
            pass
        out: list[Doc | BaseException] = []
        for d, m in zip(docs, made, strict=True):
            if isinstance(m, BaseException):
                out.append(m)
                continue
            try:  # from the text again: the failed batch may have annotated its Docs
                with deadline(timeout):
                    out.append(self.nlp(make_doc(self.nlp, d.text)))
            except Exception as exc:
                out.append(exc)
        return out

    def _flush(self, buffer: list[Document | InputError], timeout: float | None = None
               ) -> Iterator[Extraction | InputError]:
        # A spaCy generator that raised is finished: never read on after a failure.
        docs = [b for b in buffer if isinstance(b, Document)]
        parsed = iter(self._parse(docs, timeout)) if docs else iter(())
        for item in buffer:
            if isinstance(item, InputError):
                yield item
                continue
            doc = next(parsed)
            try:
                if isinstance(doc, BaseException):
                    raise doc
                with deadline(timeout) as end:
                    ext = self._run(item, doc, end, timeout)
            except Exception as exc:  # one bad document must not stop the batch
                yield failure(item, exc)
                continue
            yield ext


def failure(doc: Document, exc: BaseException) -> InputError:
    """The error value of a document the pipeline could not process."""
    if isinstance(exc, DocumentTooLong | DocumentTimeout):
        why = str(exc)
    else:
        why = f"pipeline failed: {type(exc).__name__}: {str(exc)[:300]}"
    return InputError(f"{doc.origin or doc.id}: {why}", id=doc.id, title=doc.title,
                      source=doc.source, url=doc.url, origin=doc.origin)


__all__ = ["REGISTRY", "Component", "DEFAULT_COMPONENTS", "Pipeline", "PipelineError", "State",
           "failure", "register"]
