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
        "--format", "json", "--exact",
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


def _allocated_record():
    from datetime import date

    from casegrip.config import parse_config
    from casegrip.model.extract import Extract

    from .conftest import case_record

    D = date
    record = case_record(
        ssd_cp_plans=[
            {"cppl_cp_plan_id": f"P{c}", "cppl_person_id": c,
             "cppl_cp_plan_start_date": D(2026, 11, 2)} for c in ("C1", "C2")
        ],
        ssd_involvements=[
            {"invo_involvements_id": f"I{c}", "invo_person_id": c, "invo_professional_id": w,
             "invo_professional_role_id": "CW", "invo_professional_team": t,
             "invo_involvement_start_date": D(2026, 1, 1)}
            for c, w, t in (("C1", "W1", "A"), ("C2", "W2", "B"))
        ],
        ssd_cin_episodes=[
            {"cine_referral_id": f"R{c}", "cine_person_id": c, "cine_referral_date": D(2026, 11, 3),
             "cine_referral_nfa": nfa} for c, nfa in (("C1", "Y"), ("C2", "N"))
        ],
    )  # fmt: skip
    record.pop("calendar")
    config = parse_config(
        {
            "name": "Testshire",
            "la_code": "998",
            "child_population": 10_000,
            "services": [{"id": "S", "name": "Social care", "teams": [
                {"id": t, "name": f"Team {t}"} for t in ("A", "B", "C")]}],
        }
    )  # fmt: skip
    return Extract(source="ssd", tables=record, extract_date=D(2026, 11, 23)), config


def test_due_lists_a_teams_children_for_a_user_in_scope_and_logs_it(
    tmp_path, monkeypatch, org, make_user
):
    from casegrip.web.accounts.models import AccessLog

    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    data, config = _allocated_record()
    import_extract(data, config=config, source_path="test")
    manager = make_user("team-manager", org["team_a"])

    result = invoke(
        "due", "--team", "Team A", "--user", manager.username, "--settings", "test",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert {i["child_id"] for i in items} == {"C1"}
    visit = next(i for i in items if i["item"] == "CP visit")
    assert (visit["due"], visit["status"]) == ("2026-11-16", "overdue")
    [entry] = AccessLog.objects.filter(user=manager)
    assert (entry.action, entry.child_ids, entry.unit) == ("export", ["C1"], org["team_a"])
    assert entry.path.startswith("cli: casegrip due")

    table = invoke("due", "--team", "A", "--user", manager.username, "--settings", "test")
    assert table.exit_code == 0, table.output
    assert "CP visit" in table.output
    assert "every 10 working days" in table.output

    other = invoke("due", "--team", "Team B", "--user", manager.username, "--settings", "test")
    assert other.exit_code == 2
    assert "may not see child-level records" in other.output
    anonymous = invoke("due", "--team", "Team A", "--settings", "test")
    assert anonymous.exit_code == 2
    assert "needs --user" in anonymous.output


def test_measure_rows_give_each_child_and_why(tmp_path, monkeypatch, org, make_user):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    data, config = _allocated_record()
    import_extract(data, config=config, source_path="test")
    head = make_user("head-of-service", org["service"])

    result = invoke(
        "measures", "rows", "referral_nfa_rate", "--period", "2026-11-01", "2026-11-30",
        "--user", head.username, "--settings", "test", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {r["child_id"]: r for r in json.loads(result.output)}
    assert rows["C1"]["place"] == "numerator"
    assert rows["C2"]["place"] == "denominator only"
    assert rows["C1"]["reason"] == "referral marked no further action"


def test_run_suppresses_small_counts_unless_asked_for_exact_figures(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    data, config = _allocated_record()
    import_extract(data, config=config, source_path="test")
    args = ("measures", "run", "referral_nfa_rate", "--period", "2026-11-01", "2026-11-30")

    [shown] = json.loads(invoke(*args, "--format", "json").output)
    assert (shown["numerator"], shown["denominator"], shown["value"]) == ("c", "c", "c")
    [exact] = json.loads(invoke(*args, "--format", "json", "--exact").output)
    assert (exact["numerator"], exact["denominator"], exact["value"]) == (1, 2, 50.0)
    table = invoke(*args)
    assert table.exit_code == 0
    assert "│ c " in table.output


def test_compare_sets_casegrip_beside_published_figures(tmp_path, monkeypatch):
    from pathlib import Path

    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    data, config = _allocated_record()
    import_extract(data, config=config, source_path="test")
    stats = Path(__file__).resolve().parents[3] / "shared" / "reference" / "dfe-stats"
    no_figures = invoke("measures", "compare", "rereferral_rate_12m")
    assert no_figures.exit_code == 2
    assert "published import" in no_figures.output
    assert invoke("published", "import", str(stats)).exit_code == 0

    result = invoke("measures", "compare", "rereferral_rate_12m", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["year"]: r for r in json.loads(result.output)}
    assert rows[2025]["england"] == 22.6
    assert rows[2025]["authority_published"] is None  # 998 publishes nothing
    assert rows[2026]["casegrip"] is None  # no referrals in the year to March 2026
    unmatched = invoke("measures", "compare", "cla_seen_alone")
    assert unmatched.exit_code == 2
    assert "No published statistic" in unmatched.output
