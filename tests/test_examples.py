"""The foundation's acceptance sentences, end to end through the real pipeline."""

from __future__ import annotations

from datetime import date

from tocsin.model import Extraction
from tocsin.pipeline import Pipeline


def run(pipeline: Pipeline, text: str, published: str | None = None) -> Extraction:
    from tocsin.model import Document

    pub = date.fromisoformat(published) if published else None
    return pipeline.process(Document(text=text, published=pub))


def events_of(out: Extraction, typ: str) -> list:  # type: ignore[type-arg]
    return [e for e in out.events if e.type == typ]


def test_houthi_drone_on_abha_airport(pipeline: Pipeline) -> None:
    out = run(pipeline, "Ansar Allah fighters fired a drone at the Abha airport on Tuesday, "
                        "the Saudi-led coalition said.", "2019-06-13")
    [ev] = events_of(out, "ASSAULT")
    assert ev.mode == "drone"
    assert ev.source == ["houthis"]
    assert ev.target == ["sau"]
    places = {p.id: p for p in out.places}
    assert ev.place is not None and "abha" in places[ev.place].name.lower()
    assert places[ev.place].feature == "airport"
    assert ev.date.start == date(2019, 6, 11) and ev.date.precision == "day"
    assert not ev.modality.future and not ev.modality.negated
    assert ev.modality.claimant == "saudi-coalition"


def test_spokesman_threat_is_threaten_not_assault(pipeline: Pipeline) -> None:
    out = run(pipeline, "The militia's spokesman, Jaafar al-Husseini, warned that Kata'ib "
                        "Hizballah would target American troops if they did not leave.",
              "2020-01-05")
    assert not events_of(out, "ASSAULT")
    [ev] = events_of(out, "THREATEN")
    assert ev.source and set(ev.source) <= {"kataib-hezbollah", "jaafar-al-husseini"}
    assert ev.target == ["usa"]
    assert ev.modality.future is True
    rels = {(r.type, r.subject, r.object) for r in out.relations}
    assert ("spokesperson_of", "jaafar-al-husseini", "kataib-hezbollah") in rels


def test_blacklisting_is_a_dated_sanction(pipeline: Pipeline) -> None:
    out = run(pipeline, "Washington blacklisted Asa'ib Ahl al-Haq leader Qais al-Khazali "
                        "in December.", "2020-01-10")
    [ev] = events_of(out, "SANCTION")
    assert ev.source == ["usa"]
    assert ev.target == ["khazali"]
    assert (ev.date.start, ev.date.end) == (date(2019, 12, 1), date(2019, 12, 31))
    assert ev.date.precision == "month"
    rels = {(r.type, r.subject, r.object) for r in out.relations}
    assert ("leader_of", "khazali", "asaib-ahl-al-haq") in rels


def test_unclaimed_rockets_near_embassy(pipeline: Pipeline) -> None:
    out = run(pipeline, "Two rockets struck near the US embassy in Baghdad late on Sunday; "
                        "no group claimed responsibility.", "2020-01-21")
    assaults = [e for e in events_of(out, "ASSAULT") if not e.modality.negated]
    assert len(assaults) == 1
    ev = assaults[0]
    # No doer told: an unidentified armed group of the territory, as ACLED codes it.
    assert ev.source == ["generic:irq-unidentified-armed-group"]
    assert ev.why is not None and any(
        e["rule"].startswith("no doer told") for e in ev.why["actors"])
    assert ev.target == ["usa"]
    places = {p.id: p for p in out.places}
    assert ev.place is not None and places[ev.place].name == "Baghdad"
    assert ev.date.start == date(2020, 1, 19)


def test_denial_is_negated(pipeline: Pipeline) -> None:
    out = run(pipeline, "Hashd al-Shaabi commanders denied that their forces attacked the "
                        "protesters.", "2019-11-02")
    assert "pmu" in {a.id for a in out.actors}
    for ev in events_of(out, "ASSAULT"):
        assert ev.modality.negated is True


def test_every_fact_has_provenance(pipeline: Pipeline) -> None:
    text = ("BAGHDAD, Jan. 8 - Iran fired more than a dozen ballistic missiles at the Ain "
            "al-Asad air base in Anbar province early on Wednesday. Nujaba's "
            "secretary-general, Akram al-Kaabi, said the countdown had begun.")
    out = run(pipeline, text)
    assert out.pipeline.startswith("tocsin ")
    for actor in out.actors:
        for m in actor.mentions:
            assert text[m.start:m.end] == m.text
    for ev in out.events:
        assert text[ev.evidence.start:ev.evidence.end] == ev.evidence.sentence
    for rel in out.relations:
        assert text[rel.evidence.start:rel.evidence.end] == rel.evidence.sentence
    assert any(e.type == "ASSAULT" and e.source == ["irn"] for e in out.events)
