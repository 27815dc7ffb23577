"""Retention: one rule per kind of data that is kept only for a while (unreferenced uploads first)."""
