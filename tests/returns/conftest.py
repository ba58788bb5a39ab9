"""Case records for the return tests: small tables written out by hand, one row a dict."""

from pathlib import Path

import pyarrow as pa

from casegrip.model.schema import TABLES, conform

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "reference" / "samples"
CIN_SCHEMAS = SAMPLES / "liia-tools-pipeline" / "liiatools" / "cin_census_pipeline" / "spec"


def record(**tables: list[dict]) -> dict[str, pa.Table]:
    """Canonical tables from rows (each table's columns are the union of its rows' keys)."""
    made = {}
    for name, rows in tables.items():
        schema = TABLES[name].arrow_schema()
        keys = list(dict.fromkeys(k for row in rows for k in row))
        made[name] = conform(
            name,
            pa.table({k: pa.array([r.get(k) for r in rows], schema.field(k).type) for k in keys}),
        )
    return made
