"""The DfE sample files in shared/reference import, and their problems are reported."""

from pathlib import Path

import pytest

from casegrip.config import load_config
from casegrip.sources import read_source
from casegrip.store.snapshots import import_extract, read_findings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "reference" / "samples"
FAKE_903 = SAMPLES / "csc-validator-be-903" / "tests" / "fake_data"
CONFIG = load_config(ROOT / "docs" / "authority.example.yaml")
SET_903 = [
    "header.csv", "episodes.csv", "reviews.csv", "missing.csv", "oc2.csv", "oc3.csv", "ad1.csv",
    "placed_for_adoption.csv", "sw_episodes.csv", "uasc.csv", "previous_permanence.csv",
]  # fmt: skip


def test_the_903_sample_set_imports_and_reports_its_problems(tmp_path):
    extract = read_source([str(FAKE_903 / name) for name in SET_903])
    provenance = import_extract(extract, config=CONFIG, source_path="903", home=tmp_path)

    assert provenance.row_counts["ssd_cla_episodes"] > 1000
    assert provenance.row_counts["ssd_person"] > 100
    findings = read_findings(provenance.snapshot_id, tmp_path)
    rules = set(findings.column("rule").to_pylist())
    assert "table_not_imported" in rules  # UASC and PrevPerm have no SSD home
    assert "overlapping_episodes" in rules


def test_a_903_folder_with_two_files_for_one_table_is_refused_by_name():
    from casegrip.model.findings import SourceError

    with pytest.raises(SourceError, match="placed_for_adoption"):
        read_source(str(FAKE_903))


@pytest.mark.parametrize(
    "xml",
    sorted((SAMPLES / "csc-validator-be-cin" / "fake_data").glob("CIN_Census_20*.xml")),
    ids=lambda p: p.name,
)
def test_cin_census_samples_import(tmp_path, xml):
    extract = read_source(str(xml))
    provenance = import_extract(extract, config=CONFIG, source_path=xml.name, home=tmp_path)
    assert provenance.source == "cin_census"
    assert provenance.row_counts["ssd_cin_episodes"] > 0
    assert read_findings(provenance.snapshot_id, tmp_path).num_rows == sum(
        provenance.findings_by_rule.values()
    )
