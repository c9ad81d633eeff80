"""Ingest: council extracts, each in its own shape, into one warehouse without losing a row."""
