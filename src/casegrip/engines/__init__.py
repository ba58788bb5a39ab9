"""Where queries run: DuckDB (default), PostgreSQL, Spark. No Django."""

import os

ENGINES = ("duckdb", "postgres")
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/casegrip"


def engine_name(explicit: str | None = None) -> str:
    """``--engine`` when given, else ``CASEGRIP_ENGINE``, else DuckDB."""
    name = (explicit or os.environ.get("CASEGRIP_ENGINE") or "duckdb").lower()
    if name not in ENGINES:
        raise ValueError(f"Unknown engine {name!r}: choose one of {', '.join(ENGINES)}.")
    return name


def postgres_url() -> str:
    return os.environ.get("CASEGRIP_ENGINE_URL") or DEFAULT_POSTGRES_URL
