"""Escalation alerts and analysis: series, detection, alerts, networks, pictures."""
