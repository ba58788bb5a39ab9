"""The CIN census casegrip builds from the synthetic small authority, checked by a full XML
Schema validator (lxml) against the DfE schema for the year, for every year the builder knows."""

from datetime import date

import pytest
from lxml import etree

from casegrip.returns.build import build_return
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import snapshot_config

from .conftest import CIN_SCHEMAS


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_small_authoritys_census_is_valid_against_the_dfe_schema(small_home, tmp_path, year):
    live = live_snapshot(small_home)
    built = build_return(
        "cin", live, snapshot_config(live, small_home), tmp_path / "cin.xml", year=year
    )
    schema = etree.XMLSchema(etree.parse(str(CIN_SCHEMAS / f"CIN_schema_{year}.xsd")))
    document = etree.parse(str(built.path))
    valid = schema.validate(document)
    assert valid, [str(e) for e in list(schema.error_log)[:5]]
    assert built.children
    assert date.fromisoformat(live.extract_date) >= date(year - 1, 4, 1)
