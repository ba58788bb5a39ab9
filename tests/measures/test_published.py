"""Published DfE figures: read from the DfE's own files, matched to measures, compared."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casegrip.cli import app
from casegrip.measures.catalogue import CATALOGUE
from casegrip.measures.published import (
    SOURCES,
    PublishedError,
    comparison,
    load_published,
    read_published,
)

DFE_STATS = Path(__file__).resolve().parents[3] / "shared" / "reference" / "dfe-stats"


@pytest.fixture(scope="module")
def figures():
    return read_published(DFE_STATS)


def test_every_source_names_a_measure_in_the_catalogue():
    assert set(SOURCES) <= set(CATALOGUE)


def test_england_figures_match_the_published_tables(figures):
    england = {(f.measure_id, f.year): f.value for f in figures if f.level == "National"}
    # DfE CIN statistics 2025, table C1: 22.6% re-referrals, 6.5% NFA, 30.8% not in need.
    assert england[("rereferral_rate_12m", 2025)] == 22.6
    assert england[("referral_nfa_rate", 2025)] == 6.5
    assert england[("assessed_not_in_need_rate", 2025)] == 30.8
    # 632,830 referrals over the ONS 2024 estimate of 12,183,016 children aged 0 to 17.
    assert england[("referral_rate_per_10k", 2025)] == 519.4
    # Workforce census, 30 September 2025: turnover 11.8% (FTE).
    assert england[("sw_turnover_rate", 2025)] == 11.8


def test_an_authority_sees_itself_its_region_and_england(figures):
    manchester = comparison("rereferral_rate_12m", "352", figures)
    assert manchester[2025] == {"england": 22.6, "region": 21.7, "authority": 18.4}
    assert "authority" not in comparison("rereferral_rate_12m", "999", figures)[2025]


def test_suppressed_and_unavailable_values_are_left_out(tmp_path):
    (tmp_path / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv").write_text(
        "time_period,geographic_level,country_code,country_name,region_code,region_name,"
        "old_la_code,la_name,rereferral_percent,referral_count,no_further_action_percent,"
        "not_in_need_percent\n"
        "2025,National,E92000001,England,,,,,22.6,z,z,z\n"
        "2025,Local authority,E92000001,England,E1,North,801,Smalltown,c,c,c,c\n"
        "2025,Local authority,E92000001,England,E1,North,802,Othertown,x,x,x,x\n"
    )
    found = [(f.measure_id, f.code, f.value) for f in read_published(tmp_path)]
    assert found == [("rereferral_rate_12m", "E92000001", 22.6)]


def test_a_file_without_the_expected_column_is_refused_by_name(tmp_path):
    (tmp_path / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv").write_text(
        "time_period,geographic_level,shoe_size\n2025,National,9\n"
    )
    with pytest.raises(PublishedError, match=r"c1_children_in_need.*no column"):
        read_published(tmp_path)


def test_import_keeps_the_figures_and_a_failed_import_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    ok = runner.invoke(app, ["published", "import", str(DFE_STATS)])
    assert ok.exit_code == 0, ok.output
    kept = load_published(tmp_path / "home")
    assert len(kept) > 1000
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv").write_text(
        "time_period,geographic_level\n2025,National\n"
    )
    failed = runner.invoke(app, ["published", "import", str(bad)])
    assert failed.exit_code == 2
    assert "Nothing changed" in failed.output
    assert load_published(tmp_path / "home") == kept
    stored = json.loads((tmp_path / "home" / "published.json").read_text())
    assert stored[0]["measure_id"] in SOURCES
