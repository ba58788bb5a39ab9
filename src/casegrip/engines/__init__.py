"""Where queries run: DuckDB (default), PostgreSQL, Spark; per-engine primitives."""
