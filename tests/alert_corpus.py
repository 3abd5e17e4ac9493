"""A small news stream written for the alert tests (not a test module): ten quiet weeks of
Kenyan reporting, then attacks in Mandera County reported by several outlets, and a week of
protests in Nairobi. Every sentence is written for these tests."""

from __future__ import annotations

from typing import Any

QUIET = [
    ("2023-01-04", "Coast Daily", "Vaccination drive widened",
     "Kenya's Ministry of Health said on Tuesday that it would widen its measles "
     "vaccination drive in Kisumu County, sending extra nurses to rural clinics before "
     "the long rains."),
    ("2023-01-11", "Rift Valley Echo", "Maize growers meet officials",
     "Maize growers in Nakuru met agriculture officials on Monday to discuss the price of "
     "certified seed, which they say has doubled since last season."),
    ("2023-01-18", "Lake Region Post", "Railway accord",
     "Kenya and Uganda signed an accord in Kampala on Tuesday to rebuild the metre-gauge "
     "railway between the two countries, officials of both governments said."),
    ("2023-01-25", "Coast Daily", "Port talks",
     "Shipping lines and the Kenya Ports Authority held talks in Mombasa on Monday about "
     "delays at the container terminal, where ships have waited up to a week to unload."),
    ("2023-02-01", "Highlands Herald", "Tea prices",
     "Tea farmers in Kericho said on Tuesday that auction prices had fallen for a third "
     "month, and asked the county government for help with fertiliser costs."),
    ("2023-02-08", "Rift Valley Echo", "School year opens",
     "Schools across Nakuru County reopened on Monday after the holiday, with head "
     "teachers reporting full classrooms and a shortage of science textbooks."),
    ("2023-02-15", "Lake Region Post", "Fishing season",
     "Fishermen on Lake Victoria near Kisumu welcomed the end of the breeding-season ban "
     "on Tuesday, saying catches of tilapia had already improved."),
    ("2023-02-22", "Coast Daily", "Tourism figures",
     "Hotel owners in Mombasa said on Monday that bookings for the coming season were "
     "the best in four years, helped by new direct flights from Europe."),
    ("2023-03-01", "Highlands Herald", "Road works",
     "Engineers began resurfacing the highway between Nyeri and Karatina on Tuesday, and "
     "the county warned drivers to expect delays for two months."),
    ("2023-03-08", "Lake Region Post", "Water project",
     "Kenya and Germany agreed on Monday to fund a new water treatment plant for Kisumu, "
     "which officials said would serve two hundred thousand homes."),
]

MANDERA = [  # one week: every report a different day, three outlets
    ("2023-03-14", "Northern Dispatch", "Police post attacked in Mandera",
     "Al-Shabaab militants attacked a police post in Mandera County on Monday night, "
     "killing two officers and wounding three others, a county police commander said."),
    ("2023-03-15", "Frontier Times", "Soldiers ambushed near Elwak",
     "Al-Shabaab fighters ambushed a convoy of Kenyan soldiers near Elwak in Mandera "
     "County on Tuesday, killing one soldier, the Kenya Defence Forces said."),
    ("2023-03-16", "Northern Dispatch", "Quarry workers killed",
     "Al-Shabaab gunmen raided a stone quarry outside Mandera town on Wednesday and killed "
     "four workers, residents and local officials said."),
    ("2023-03-17", "Frontier Times", "Bus hit by roadside bomb",
     "A roadside bomb planted by al-Shabaab struck a passenger bus in Mandera County on "
     "Thursday, wounding six travellers, police said."),
    ("2023-03-18", "Borderlands Radio", "Mast destroyed in Lafey",
     "Al-Shabaab militants attacked a telecommunications mast in Lafey, Mandera County, "
     "on Friday and set it on fire, cutting phone services in the area."),
    ("2023-03-19", "Borderlands Radio", "Village raided near Rhamu",
     "Al-Shabaab fighters attacked a village near Rhamu in Mandera County on Saturday, "
     "killing a village elder and burning two shops, the county commissioner said."),
]

NAIROBI = [  # the week after: protests in the capital, nothing else reported
    ("2023-03-28", "Capital Observer", "Cost of living march",
     "Thousands of opposition supporters marched through Nairobi on Monday to protest "
     "against the rising cost of food and fuel, chanting outside parliament."),
    ("2023-03-29", "City Voice", "Traders close shops",
     "Traders in Nairobi's central business district closed their shops and protested on "
     "Tuesday against a new tax on fuel, blocking Moi Avenue for several hours."),
    ("2023-03-31", "Capital Observer", "Students demonstrate",
     "University students demonstrated in Nairobi on Thursday against higher tuition "
     "fees, marching from the campus to the education ministry."),
]


def records() -> list[dict[str, Any]]:
    """The stream as ingest records, in publication order."""
    out = []
    for group, rows in (("quiet", QUIET), ("mandera", MANDERA), ("nairobi", NAIROBI)):
        for i, (day, source, title, text) in enumerate(rows):
            out.append({"id": f"{group}-{i:02d}", "published": day, "source": source,
                        "title": title, "text": text})
    return sorted(out, key=lambda r: (r["published"], r["id"]))
