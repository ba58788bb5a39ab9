"""casegrip measures list, run and explain on the live snapshot."""

import json

from typer.testing import CliRunner

from casegrip.cli import app
from casegrip.store.snapshots import import_extract

from ..store.test_snapshots import CONFIG, extract

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [*args], catch_exceptions=False)


def test_list_run_and_explain(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    import_extract(extract(), config=CONFIG, source_path="test")

    assert "assessment_timeliness_45wd" in invoke("measures", "list").output
    result = invoke(
        "measures", "run", "referral_rate_per_10k", "--period", "2024-01-01", "2024-03-31",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert (row["numerator"], row["value"]) == (2, 20.0)  # 2 referrals, population 1,000

    explained = invoke("measures", "explain", "referral_rate_per_10k")
    assert "Referrals per 10,000 children" in explained.output
    assert "working days" in explained.output.lower()
    assert "SELECT" in explained.output


def test_run_without_a_snapshot_or_with_an_unknown_measure_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    assert "No snapshot" in invoke("measures", "run", "referral_rate_per_10k").output
    unknown = invoke("measures", "run", "happiness_index")
    assert unknown.exit_code == 2
    assert "No measure 'happiness_index'" in unknown.output
