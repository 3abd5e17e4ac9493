"""Texts and helpers shared by the store, format and export tests (not a test module)."""

from __future__ import annotations

import json
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "src" / "tocsin" / "data" / "demo" / "articles.jsonl"
SUBSET = [f"demo-0{n}" for n in range(12, 20)]  # Kirkuk, KH strikes, embassy, Soleimani


def write_subset(path: Path, ids: list[str] = SUBSET) -> Path:
    lines = [x for x in DEMO.read_text(encoding="utf-8").splitlines()
             if json.loads(x)["id"] in ids]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# Two outlets on the same drone strike, in their own words; a strike far away the same day;
# an air raid elsewhere reported without a place.
SINJAR_A = (
    "MOSUL, March 3 — A Turkish drone strike killed three members of the Kurdistan "
    "Workers' Party (PKK) in the Sinjar district west of Mosul on Tuesday, Iraqi Kurdish "
    "officials said.\n\nThe strike hit a vehicle on the road outside Sinjar town, a local "
    "official told reporters. Turkey has repeatedly bombed what it says are PKK positions "
    "in northern Iraq.")
SINJAR_B = (
    "Three PKK fighters died on Tuesday when an armed Turkish drone struck their car in "
    "the Sinjar district of northern Iraq, according to a statement from the regional "
    "security council.\n\nAnkara regards the group as a terrorist organisation and "
    "frequently targets its militants across the border.")
SULAYMANIYAH = ("A Turkish drone strike killed two PKK members near Sulaymaniyah on Tuesday, "
                "local officials said.")
QANDIL = ("Turkish warplanes bombed PKK targets in the Qandil mountains on Tuesday, killing "
          "two militants, the Turkish defence ministry said.")

# A wire story and its republication: the date spelled out, a word or two edited, no fact
# changed (store/dedup.py: a changed fact makes another report).
WIRE = (
    "BAGHDAD, Jan 9 — Two Katyusha rockets landed inside Baghdad's heavily fortified Green "
    "Zone late on Wednesday, less than a kilometre from the US embassy, security sources "
    "said. There were no immediate reports of casualties. The attack came a day after Iran "
    "fired more than a dozen ballistic missiles at two Iraqi bases hosting American troops "
    "in retaliation for the killing of Qassem Soleimani. No group claimed responsibility, "
    "but Washington has blamed previous rocket fire on Iran-backed militias such as "
    "Kataib Hezbollah. Sirens sounded across the compound and staff were told to take "
    "shelter, a Western diplomat said.")
WIRE_REPUBLISHED = (  # another headline, the date spelled out, a few words edited
    "BAGHDAD, January 9 — Two Katyusha rockets landed inside Baghdad's fortified "
    "Green Zone late on Wednesday, less than a kilometre from the US embassy, security "
    "sources said. There were no immediate reports of casualties. The attack came a day "
    "after Iran fired more than a dozen ballistic missiles at two Iraqi bases hosting "
    "American troops in retaliation for the killing of Qassem Soleimani. No group claimed "
    "responsibility, but Washington has blamed previous rocket fire on Iran-backed militias "
    "such as Kataib Hezbollah. Sirens wailed across the compound and staff were told to "
    "take shelter, a Western diplomat said.")
