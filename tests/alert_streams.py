"""Streams of short reports written for the alert tests (our own wording, no real notes).

``threat_stream``: ten quiet weeks in which one armed group makes one threat a week, among
ordinary local news, then a week of six threats. ``acled_layout_csv``: notes in ACLED's
column layout about protests in two Kenyan towns, with a protest wave in one week.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from tocsin.model import Document

START = date(2021, 1, 4)  # a Monday
SURGE_WEEK = START + timedelta(weeks=10)

THREATS = [
    "Kataib Hezbollah warned on Sunday that its fighters would strike American bases in "
    "Iraq unless the remaining troops leave within a month.",
    "In a statement posted to its Telegram channel, Kataib Hezbollah threatened to target "
    "US convoys on the roads north of Baghdad.",
    "Kataib Hezbollah vowed to hit the Ain al-Asad air base if the strikes on its "
    "positions continue, a spokesman said.",
    "A Kataib Hezbollah commander told a rally in Karbala that the group would attack "
    "foreign forces who stay in the country.",
    "Kataib Hezbollah threatened on Wednesday to shell the embassy compound in the Green "
    "Zone if the drone flights over its camps do not stop.",
    "Channels close to Kataib Hezbollah carried a warning that the group would target "
    "logistics contractors working for the coalition.",
    "Kataib Hezbollah said in a televised message that it would strike Erbil airport if "
    "the Americans refuse to withdraw.",
    "The spokesman of Kataib Hezbollah threatened to bomb supply trucks crossing from "
    "Kuwait into southern Iraq.",
    "Kataib Hezbollah warned it would launch rockets at the Victory base near the capital "
    "after an air raid killed two of its members.",
    "Kataib Hezbollah threatened the Iraqi prime minister's advisers with violence over "
    "their contacts with Washington, according to a post on its channel.",
    "Kataib Hezbollah vowed revenge on US troops at the Harir base and said its rockets "
    "were ready.",
    "Kataib Hezbollah threatened to attack any foreign convoy moving along the Anbar "
    "highway in the coming days.",
    "Late on Thursday Kataib Hezbollah warned that its units would hit American soldiers "
    "guarding the Baghdad airport.",
    "Kataib Hezbollah threatened to strike the K-1 base near Kirkuk, calling the troops "
    "there occupiers.",
    "A masked Kataib Hezbollah fighter in a new video threatened to blow up coalition "
    "vehicles on the Mosul road.",
    "Kataib Hezbollah said it would target the Americans at Taji camp if they carry out "
    "one more raid.",
]

_TOWNS = ["Basra", "Najaf", "Hilla", "Kut", "Amara", "Samawa", "Diwaniya", "Nasiriya",
          "Ramadi", "Tikrit", "Baquba"]
_NEWS = [
    "{town} council opened a new public library with {n} thousand books on {day}.",
    "Schools in {town} reopened after a {n} day holiday, the education office said.",
    "The football club of {town} won its league match by {n} goals on {day}.",
    "A new water treatment plant in {town} will serve {n} thousand homes, officials said.",
    "Date farmers near {town} expect a harvest {n} percent larger than last year.",
    "Traffic police in {town} opened a bypass that cuts the trip to the market by {n} "
    "minutes.",
    "The health directorate in {town} vaccinated {n} hundred children against measles.",
    "A book fair in {town} drew {n} hundred visitors on its opening {day}.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def threat_stream(weeks: int = 11) -> list[Document]:
    """One threat a week for ten weeks, six in the eleventh; eight other reports a week."""
    docs = []
    k = 0
    for w in range(weeks):
        monday = START + timedelta(weeks=w)
        for i, tmpl in enumerate(_NEWS):
            town = _TOWNS[(w + i) % len(_TOWNS)]
            text = tmpl.format(town=town, n=3 + 7 * w + i, day=_DAYS[(w + i) % 7])
            docs.append(Document(text=text, id=f"news-{w}-{i}", source=f"Outlet {i % 4}",
                                 published=monday + timedelta(days=i % 6)))
        for j in range(6 if monday == SURGE_WEEK else 1):
            docs.append(Document(text=THREATS[k], id=f"threat-{k}",
                                 source=["Tigris Wire", "Telegram: Sabereen",
                                         "Levant Monitor"][k % 3],
                                 published=monday + timedelta(days=1 + j % 5)))
            k += 1
    return docs


_PROTESTS = [
    "Boda boda riders in {town} blocked the main road for hours, protesting a new parking "
    "levy imposed by the county.",
    "Several hundred traders in {town} marched to the county offices over the "
    "demolition of their stalls.",
    "Students of a technical college in {town} demonstrated against a rise in fees, "
    "according to a local radio station.",
    "Nurses in {town} held a sit-in outside the referral hospital demanding unpaid "
    "allowances.",
    "Residents of an estate in {town} lit bonfires and protested against weeks of water "
    "rationing.",
    "Opposition supporters in {town} took to the streets chanting against the "
    "electoral commission.",
    "Matatu drivers in {town} protested against police harassment at road blocks, "
    "witnesses told reporters.",
    "Market vendors in {town} demonstrated after the county raised daily fees, "
    "stopping business in the town centre.",
]
_COUNTIES = [("Nakuru", "Nakuru"), ("Eldoret", "Uasin Gishu")]


def acled_layout_csv(path: Path, weeks: int = 12, wave: int = 10) -> Path:
    """Protest notes in ACLED's layout: two a week in Nakuru and one in Eldoret, then
    ten in Eldoret in week ``wave``. Returns ``path``."""
    cols = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1",
            "actor2", "country", "admin1", "location", "latitude", "longitude", "source",
            "notes", "fatalities"]
    rows = []
    n = 0
    for w in range(weeks):
        monday = START + timedelta(weeks=w)
        plan = [0, 0] + [1] * (10 if w == wave else 1)
        for j, c in enumerate(plan):
            town, county = _COUNTIES[c]
            text = _PROTESTS[(n + w) % len(_PROTESTS)].format(town=town)
            # Like ACLED's notes, most name the town's county, some the country too.
            text += [f" ({town}, {county})", f" ({town}, {county}, Kenya)", ""][n % 3]
            text = f"{text} Week {w + 1}, report {j + 1}."
            rows.append([f"TST{n}", str(monday + timedelta(days=j % 6)), "Protests",
                         "Peaceful protest", f"Protesters ({'Kenya'})", "", "Kenya",
                         county, town, "", "", ["Nation", "Standard", "Star"][n % 3],
                         text, "0"])
            n += 1
    with path.open("w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh)
        wr.writerow(cols)
        wr.writerows(rows)
    return path


_RIOTS = [
    "{crowd} rioted in Nakuru on {day}, burning tyres across the highway over {cause}. "
    "Police arrested {n} of them.",
    "{crowd} in Nakuru stoned passing cars and set a kiosk alight, angered by {cause}. "
    "Officers later arrested {n} people.",
    "{crowd} rioted in Nakuru over {cause} and pelted the police with stones. Police "
    "arrested {n} of the rioters.",
    "In Nakuru, {crowd} rioted over {cause}, blocking the market road with burning logs. "
    "Police arrested {n} people.",
]
_CROWDS = ["traders", "boda boda riders", "college students", "hawkers", "residents",
           "youths", "casual workers", "tenants"]
_CAUSES = ["new market fees", "the death of a classmate", "weeks of water rationing",
           "the demolition of their stalls", "a rise in bus fares", "power cuts",
           "a disputed land sale", "delayed wages"]
_MARCHES = [
    "{crowd} in Nakuru marched peacefully to the county offices over {cause}.",
    "A few hundred {crowd} held a sit-in outside the Nakuru county assembly over {cause}.",
]


def riot_stream(weeks: int = 12, wave: int = 10) -> list[Document]:
    """Reports on unrest in Nakuru (Kenya): each week one riot told with the arrests that
    followed it and one peaceful march; in week ``wave`` eight riots, each with its
    arrests. The arrests double with the riots, but no report is about arrests."""
    docs = []
    k = 0
    for w in range(weeks):
        monday = START + timedelta(weeks=w)
        plan = ["riot"] * (8 if w == wave else 1) + ([] if w == wave else ["march"])
        for j, what in enumerate(plan):
            fill = {"crowd": _CROWDS[(k + w) % len(_CROWDS)],
                    "cause": _CAUSES[(3 * k + w) % len(_CAUSES)],
                    "day": _DAYS[j % 5], "n": 4 + (7 * k) % 23}
            tmpl = (_RIOTS[k % len(_RIOTS)] if what == "riot"
                    else _MARCHES[k % len(_MARCHES)])
            text = tmpl.format(**fill)
            docs.append(Document(text=text[0].upper() + text[1:], id=f"unrest-{k}",
                                 source=["Nation", "Standard", "Star"][k % 3],
                                 published=monday + timedelta(days=1 + j % 5)))
            k += 1
    return docs
