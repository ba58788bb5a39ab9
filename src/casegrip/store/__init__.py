"""Snapshots of the case record: load, check, atomic swap, provenance. Imports no Django."""
