"""Validating statutory returns against the DfE rules, as set-based queries on DuckDB.

A return is loaded into an in-memory DuckDB database as tables (one per SSDA903 CSV; the CIN
census XML flattened into tables), each with a ``_row`` column (0-based row within its table).
A rule is a function registered with ``@rule`` that returns its findings for the whole return in
one query; it never loops over rows in Python."""
