"""`casegrip returns validate`: which validator a path needs, the summary, and the findings CSV
the issue asks for (rule_code, table, row, child_id, fields, message; row 0-based)."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casegrip.cli import app
from casegrip.returns.validation.run import NotAReturn, by_child, by_rule, kind_of

SAMPLES = Path(__file__).parents[3] / "shared" / "reference" / "samples"
CIN_2024 = SAMPLES / "csc-validator-be-cin" / "fake_data" / "CIN_Census_2024.xml"


def test_the_cin_sample_gives_findings_in_the_issues_columns(tmp_path):
    out = tmp_path / "findings.csv"
    result = CliRunner().invoke(
        app, ["returns", "validate", str(CIN_2024), "--year", "2024", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "CIN census 2024" in result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["rule_code", "table", "row", "child_id", "fields", "message"]
    assert {"1103", "8930"} <= {r["rule_code"] for r in rows}
    assert all(int(r["row"]) >= 0 for r in rows)


def test_a_path_that_is_not_a_return_is_refused_clearly(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(NotAReturn, match="no SSDA903 CSV files"):
        kind_of(tmp_path)
    result = CliRunner().invoke(
        app, ["returns", "validate", str(tmp_path / "notes.txt"), "--year", "2024"]
    )
    assert result.exit_code == 2
    assert "not a folder of SSDA903 CSV files" in " ".join(result.output.split())


def test_summaries_by_rule_and_by_child():
    from casegrip.returns.validation.findings import Finding

    findings = [
        Finding("100", "Header", 0, "", ("ReferenceDate",), "Reference Date is incorrect"),
        Finding("8930", "ChildProtectionPlans", 0, "A", ("CPPendDate",), "End date"),
        Finding("8930", "ChildProtectionPlans", 1, "B", ("CPPendDate",), "End date"),
        Finding("1103", "Assessments", 0, "A", ("AssessmentActualStartDate",), "Start"),
    ]
    assert by_rule(findings)[0] == ("8930", "End date", 2, 2)
    assert ("100", "Reference Date is incorrect", 1, 0) in by_rule(findings)
    assert by_child(findings) == [("A", 2, "1103, 8930"), ("B", 1, "8930")]


def test_the_findings_csv_quotes_what_needs_quoting_and_joins_fields():
    from casegrip.returns.validation.findings import Finding
    from casegrip.returns.validation.run import findings_csv

    text = findings_csv(
        [Finding("103", "Header", 4, "C7", ("ETHNIC", "SEX"), 'Code "X", not valid')]
    )
    rows = list(csv.DictReader(text.splitlines()))
    assert rows == [
        {
            "rule_code": "103",
            "table": "Header",
            "row": "4",
            "child_id": "C7",
            "fields": "ETHNIC;SEX",
            "message": 'Code "X", not valid',
        }
    ]


FAKE_903 = SAMPLES / "csc-validator-be-903" / "tests" / "fake_data"


def fake_903_with_a_nameless_row(folder: Path) -> Path:
    """The DfE's fake return, with a header row that names no child."""
    shutil.copytree(FAKE_903, folder)
    with (folder / "header.csv").open("a", encoding="utf-8") as handle:
        handle.write(",1,01/01/2010,WBRI,,,\n")
    return folder


@pytest.mark.parametrize("kind", ["903", "cin"])
def test_the_command_lines_findings_file_is_what_the_findings_make(tmp_path, kind):
    # The command line writes an SSDA903 return's findings straight from DuckDB; the page
    # builds them in Python. Byte for byte the same file, and the same summary.
    from casegrip.returns.validation.run import findings_csv, validate_path, validate_to_csv

    path, year = (
        (fake_903_with_a_nameless_row(tmp_path / "903"), 2025)
        if kind == "903"
        else (CIN_2024, 2024)
    )
    assert validate_path(path, year)[0] == kind
    findings = validate_path(path, year)[1]
    out = tmp_path / "findings.csv"
    assert validate_to_csv(path, year, out) == (kind, by_rule(findings))
    assert out.read_text(encoding="utf-8") == findings_csv(findings)
    assert len(findings) > 20
    # Some findings name no child: their child_id is blank in both files.
    assert any(f.child_id == "" for f in findings)
    assert not list(tmp_path.glob("*.partial"))


def test_a_failed_validation_leaves_the_earlier_findings_file_as_it_was(tmp_path):
    from casegrip.returns.validation.run import validate_to_csv

    out = tmp_path / "findings.csv"
    out.write_text("earlier findings\n", encoding="utf-8")
    (tmp_path / "broken.xml").write_text("<Message><Header>", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken.xml is not well-formed XML.*line 1, column 18"):
        validate_to_csv(tmp_path / "broken.xml", 2024, out)
    assert out.read_text(encoding="utf-8") == "earlier findings\n"
    assert not list(tmp_path.glob("*.partial"))


def test_the_summary_shows_the_rules_with_most_findings_and_says_how_many_more(tmp_path):
    out = tmp_path / "findings.csv"
    result = CliRunner().invoke(
        app, ["returns", "validate", str(FAKE_903), "--year", "2025", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    from casegrip.returns.validation.run import validate_path

    rules = by_rule(validate_path(FAKE_903, 2025)[1])
    assert len(rules) > 20
    text = " ".join(result.output.split())
    assert f"{len(rules) - 20} more rules have findings; every finding is in" in text
    assert rules[0][0] in result.output
    with out.open(encoding="utf-8") as handle:
        assert {r["rule_code"] for r in csv.DictReader(handle)} == {code for code, *_ in rules}


@pytest.mark.parametrize("rows_before", [0, 2_000])
def test_a_file_that_is_not_utf8_is_refused_naming_it_and_its_line(tmp_path, rows_before):
    # Early in the file Python reads it (for its columns); further in, DuckDB does.
    rows = [f"{i},M,01/01/2010,WBRI,,," for i in range(rows_before)]
    body = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n" + "".join(r + "\n" for r in rows)
    (tmp_path / "header.csv").write_bytes(body.encode() + b"C9,M,01/01/2010,\xff\xfeW,,,\n")
    result = CliRunner().invoke(app, ["returns", "validate", str(tmp_path), "--year", "2026"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    line = f" (line {rows_before + 2:,})" if rows_before else ""
    assert f"header.csv is not UTF-8 text{line}: save it as CSV UTF-8" in text
    assert "C9" not in text


def test_the_rules_on_the_returns_own_authority_run_only_when_it_is_given(tmp_path):
    # An own-provision placement in another authority (rule 1015), on the tests' postcodes.
    folder = tmp_path / "return"
    folder.mkdir()
    (folder / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        "PL_POST,URN\n1,01/01/2025,S,C2,N1,R1,PR1,,,,ZA1 1AA,ZA1 1AB,\n",
        encoding="utf-8",
    )

    def run(*extra: str) -> tuple[int, str, str]:
        out = tmp_path / "findings.csv"
        args = ["returns", "validate", str(folder), "--year", "2026", "--out", str(out), *extra]
        result = CliRunner().invoke(app, args)
        codes = out.read_text(encoding="utf-8") if out.exists() else ""
        return result.exit_code, " ".join(result.output.split()), codes

    code, output, found = run()
    assert code == 0
    assert "\n1015," not in found
    assert "(1015, 241, and 229 with provider lists) did not run: --la" in output
    code, output, found = run("--la", "e06000001")
    assert code == 0
    assert "\n1015,Episodes,0,1," in found
    assert "--la with its DfE" not in output
    # Hartlepool by its DfE code, then a code that is neither.
    code, output, found = run("--la", "805")
    assert code == 0
    assert "\n1015,Episodes,0,1," in found
    code, output, _ = run("--la", "999")
    assert code == 2
    assert "999 is not an English local authority's DfE code" in output


def test_validate_prints_its_summary_without_importing_rich(tmp_path):
    # rich takes longer to import than some returns take to check; the summary is plain text.
    code = (
        "import sys\n"
        "from casegrip.cli import main\n"
        "sys.argv = ['casegrip', 'returns', 'validate', sys.argv[1], '--year', '2025']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('rich imported:', 'rich' in sys.modules)\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code, str(FAKE_903)], capture_output=True, text=True, check=True
    )
    assert "findings" in ran.stdout
    assert ran.stdout.strip().endswith("rich imported: False")
