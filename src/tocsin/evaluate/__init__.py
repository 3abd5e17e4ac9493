"""Evaluation against public gold data sets and the quality gate (see docs/evaluation.md)."""
