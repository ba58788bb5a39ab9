"""Run every assurance fixture (tests/assurance/*.yaml) on every engine: the figure and each
child's place in it must be what the analyst who wrote the fixture worked out by hand."""

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from casegrip.measures.catalogue import CATALOGUE, get
from casegrip.measures.frame import Window
from casegrip.measures.runner import evaluate, place, run
from casegrip.model.schema import TABLES

from .conftest import case_record

FIXTURES = Path(__file__).resolve().parent.parent / "assurance"
FILES = sorted(FIXTURES.glob("*.yaml"))
PLACES = ("numerator", "denominator only", "excluded")


def load(path: Path) -> dict:
    fixture = yaml.safe_load(path.read_text())
    assert fixture["measure"] == path.stem, f"{path.name} must be named after its measure"
    return fixture


def _as_schema_types(name: str, rows: list[dict]) -> list[dict]:
    """YAML reads C1 as text but 42 as a number: make identifiers text where the schema says so."""
    schema = TABLES[name].arrow_schema()
    typed = []
    for row in rows:
        out = {}
        for key, value in row.items():
            if value is not None and pa.types.is_string(schema.field(key).type):
                value = str(value)
            out[key] = value
        typed.append(out)
    return typed


def window_of(fixture: dict) -> Window:
    if "as_at" in fixture:
        return Window(fixture["as_at"], fixture["as_at"])
    start, end = fixture["period"]
    return Window(start, end)


def test_every_measure_has_an_assurance_fixture():
    missing = sorted(set(CATALOGUE) - {p.stem for p in FILES})
    assert not missing, f"No assurance fixture in tests/assurance/ for: {', '.join(missing)}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_assurance_fixture(path, frame_for):
    fixture = load(path)
    assert isinstance(fixture.get("explain"), str)
    assert fixture["explain"].strip()
    measure = get(fixture["measure"])
    tables = {name: _as_schema_types(name, rows) for name, rows in fixture["tables"].items()}
    frame = frame_for(case_record(**tables), [window_of(fixture)])
    expect = fixture["expect"]

    [point] = [p for p in run(measure, frame) if p.window_end == window_of(fixture).end]
    assert (point.numerator, point.denominator) == (expect["numerator"], expect["denominator"])
    if "value" in expect:
        assert (
            point.value == pytest.approx(expect["value"])
            if expect["value"] is not None
            else (point.value is None)
        )

    if "children" in expect:
        rows = frame.connection.to_pylist(evaluate(measure, frame, attribute=False))
        got: dict[str, set[str]] = {}
        for row in rows:
            got.setdefault(row["child_id"], set()).add(
                place(row["in_numerator"], row["in_denominator"])
            )
        wanted = {
            str(child): {where} if isinstance(where, str) else set(where)
            for child, where in expect["children"].items()
        }
        for where in wanted.values():
            assert where <= set(PLACES), f"{path.name}: places are {PLACES}"
        assert got == wanted
        assert all(row["reason"] for row in rows), "every row says why it counts or not"


def test_fixture_dates_are_dates():
    for path in FILES:
        fixture = load(path)
        window = window_of(fixture)
        assert isinstance(window.start, date), path.name
        assert isinstance(window.end, date), path.name
