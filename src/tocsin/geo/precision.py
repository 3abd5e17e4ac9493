"""How precise a place's point is, in ACLED's terms but finer: ``site, village, town,
admin2, admin1, country``. ACLED's geo_precision folds these to 1 (the town or village
itself), 2 (a part of a district, or a nearby town's point) and 3 (a province or more)."""

from __future__ import annotations

# gazetteer feature -> the precision of its point
OF_FEATURE = {"site": "site", "airport": "site", "base": "site", "village": "village",
              "city": "town", "admin2": "admin2", "admin1": "admin1", "other": "admin2",
              "region": "admin1", "country": "country"}
# A place placed at its container's point is only as precise as that container; a
# container that is itself a site or a village stands for the town around it.
AS_CONTAINER = {"site": "town", "village": "town"}
ACLED_GEO_PRECISION = {"site": 1, "village": 1, "town": 1, "admin2": 2, "admin1": 3,
                       "country": 3}


def of_feature(feature: str, has_point: bool = True) -> str | None:
    return OF_FEATURE.get(feature, "admin1") if has_point else None


def as_container(feature: str) -> str:
    """The precision of a place that takes the point of a container with ``feature``."""
    p = OF_FEATURE.get(feature, "admin1")
    return AS_CONTAINER.get(p, p)


def acled_geo_precision(precision: str | None) -> int | None:
    return ACLED_GEO_PRECISION.get(precision or "")


def stored_precision(place_id: str, feature: str) -> tuple[str | None, str | None]:
    """(precision, admin2 name) of a stored place, from its id and feature alone: a local
    place's id names the container whose point it took (``local:<container id>:<key>``)."""
    from tocsin.geo.gazetteer import get_gazetteer

    if not place_id.startswith("local:"):
        return of_feature(feature), None
    anchor = place_id[len("local:"):place_id.rfind(":")]
    entry = get_gazetteer().get(anchor) if anchor != "-" else None
    if entry is None:
        return None, None
    return as_container(entry.feature), entry.name if entry.feature == "admin2" else None
