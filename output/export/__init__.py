"""Exports of a dataset for other tools: SQLite for Datasette, CSV with a Frictionless Data Package."""
