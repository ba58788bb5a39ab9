"""A kept findings CSV summarised by DuckDB gives what the findings give in Python: counts, by
rule, the fix list by child and the children named (messages with commas, and findings that
name no child, included)."""

from pathlib import Path

import pytest

from casegrip.returns.validation.findings import Finding
from casegrip.returns.validation.findings_file import FindingsFile
from casegrip.returns.validation.run import by_child, by_rule, findings_csv, validate_path

SAMPLES = Path(__file__).parents[3] / "shared" / "reference" / "samples"
FAKE_903 = SAMPLES / "csc-validator-be-903" / "tests" / "fake_data"
CIN_2024 = SAMPLES / "csc-validator-be-cin" / "fake_data" / "CIN_Census_2024.xml"


@pytest.mark.parametrize(("path", "year"), [(FAKE_903, 2025), (CIN_2024, 2024)])
def test_summaries_of_the_file_are_those_of_the_findings(tmp_path, path, year):
    _, findings = validate_path(path, year)
    # A finding that names no child (the census header's kind), whatever the sample holds.
    findings.append(Finding("100", "Header", 0, "", ("ReferenceDate",), "Reference Date, wrong"))
    kept = tmp_path / "findings.csv"
    kept.write_text(findings_csv(findings), encoding="utf-8")
    named = {f.child_id for f in findings if f.child_id}
    with FindingsFile(kept) as found:
        assert found.summary() == (len(findings), len(named), len({f.rule_code for f in findings}))
        assert found.by_rule() == by_rule(findings)
        assert found.by_child() == by_child(findings)
        assert found.children() == sorted(named)
    assert len(findings) > 20
    assert any(not f.child_id for f in findings)
    assert any("," in f.message for f in findings)


def test_a_file_with_no_findings(tmp_path):
    kept = tmp_path / "findings.csv"
    kept.write_text(findings_csv([]), encoding="utf-8")
    with FindingsFile(kept) as found:
        assert found.summary() == (0, 0, 0)
        assert found.by_rule() == []
        assert found.by_child() == []


def test_a_path_with_a_quote_in_it(tmp_path):
    folder = tmp_path / "o'brien"
    folder.mkdir()
    _, findings = validate_path(CIN_2024, 2024)
    kept = folder / "findings.csv"
    kept.write_text(findings_csv(findings), encoding="utf-8")
    with FindingsFile(kept) as found:
        assert found.summary()[0] == len(findings)
