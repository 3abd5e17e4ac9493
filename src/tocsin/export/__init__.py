"""Exports of the store: tables, GeoJSON, graphs, FollowTheMoney entities, ACLED-style CSV."""

from __future__ import annotations

EVENT_FORMATS = ("csv", "jsonl", "parquet", "geojson", "acled-csv")
GRAPH_FORMATS = ("graphml", "gexf", "ftm")
