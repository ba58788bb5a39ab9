"""casegrip returns build: child-level output, so it needs a user who may see the whole
authority's children, and it is written to the access log."""

import csv
from datetime import date as D

from defusedxml.ElementTree import parse
from typer.testing import CliRunner

from casegrip.cli import app
from casegrip.config import parse_config
from casegrip.model.extract import Extract
from casegrip.store.snapshots import import_extract

from .test_ssda903 import CASE_RECORD

runner = CliRunner()
CONFIG = parse_config(
    {
        "name": "Testshire",
        "la_code": "998",
        "child_population": 10_000,
        "services": [{"id": "S", "name": "Social care", "teams": [{"id": "A", "name": "Team A"}]}],
    }
)


def invoke(*args):
    return runner.invoke(app, [*args], catch_exceptions=False)


def test_build_both_returns_for_a_user_who_sees_the_authority(
    tmp_path, monkeypatch, org, make_user
):
    from casegrip.web.accounts.models import AccessLog

    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path / "home"))
    extract = Extract(source="ssd", tables=dict(CASE_RECORD), extract_date=D(2026, 4, 30))
    import_extract(extract, config=CONFIG, source_path="test")
    director = make_user("director", org["authority"])
    common = ("--year", "2026", "--user", director.username, "--settings", "test")

    result = invoke("returns", "build", "903", "--out", str(tmp_path / "903"), *common)
    assert result.exit_code == 0, result.output
    with (tmp_path / "903" / "header.csv").open(newline="") as handle:
        assert [r["CHILD"] for r in csv.DictReader(handle)] == ["A", "C", "D", "E", "F", "G"]
    assert "UASC: left empty" in result.output
    [entry] = AccessLog.objects.filter(user=director)
    assert entry.child_ids == ["A", "C", "D", "E", "F", "G"]
    assert entry.path.startswith("cli: casegrip returns build 903 --year 2026")

    cin = invoke("returns", "build", "cin", "--out", str(tmp_path / "cin.xml"), *common)
    assert cin.exit_code == 0, cin.output
    assert parse(str(tmp_path / "cin.xml")).getroot().tag == "Message"


def test_build_refuses_without_a_user_a_team_scope_or_an_unknown_year(
    tmp_path, monkeypatch, org, make_user
):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path / "home"))
    extract = Extract(source="ssd", tables=dict(CASE_RECORD), extract_date=D(2026, 4, 30))
    import_extract(extract, config=CONFIG, source_path="test")
    out = ("--out", str(tmp_path / "903"))

    anonymous = invoke("returns", "build", "903", "--year", "2026", *out, "--settings", "test")
    assert anonymous.exit_code == 2
    assert "needs --user" in anonymous.output
    manager = make_user("team-manager", org["team_a"])
    team = invoke(
        "returns", "build", "903", "--year", "2026", *out, "--user", manager.username,
        "--settings", "test",
    )  # fmt: skip
    assert team.exit_code == 2
    assert "whole authority" in team.output
    assert not (tmp_path / "903").exists()
    director = make_user("director", org["authority"])
    old = invoke(
        "returns", "build", "903", "--year", "2012", *out, "--user", director.username,
        "--settings", "test",
    )  # fmt: skip
    assert old.exit_code == 2
    assert "2017 to 2027" in old.output
    unknown = invoke(
        "returns", "build", "annex", "--year", "2026", *out, "--user", director.username,
        "--settings", "test",
    )  # fmt: skip
    assert unknown.exit_code == 2
