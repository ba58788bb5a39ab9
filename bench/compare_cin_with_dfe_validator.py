"""Compare casegrip's CIN census validation with the DfE validator on the sample files.

Runs both on every sample CIN census (csc-validator-be-cin's fake data and liia-tools' CIN
samples) and prints the (rule, child) findings each reports and the differences. Return-level
findings (the header, whole-return counts) have no child: they show as ``(rule, -)``.

The DfE validator (``csc-validator-be-cin``) is never a casegrip dependency: it runs as a
subprocess from a scratch virtualenv, made once with

    python3 -m venv /tmp/venv-cin
    /tmp/venv-cin/bin/pip install csc-validator-be-cin "numpy<2"

(its pinned pandas 1.5 needs numpy 1). ``CIN_VALIDATOR_PYTHON`` points at another interpreter.

Each file is validated for the collection year of its ReferenceDate when that is a 31 March,
else of its header's Year; the DfE validator gets the rule pack of that year (its first pack,
2022-23, for earlier years; its last for later ones).

    .venv/bin/python bench/compare_cin_with_dfe_validator.py [FILE.xml ...] [--timing]
"""

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from defusedxml.ElementTree import parse

from casegrip.returns.validation.cin_census import validate

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "reference" / "samples"
FILES = [
    *sorted((SAMPLES / "csc-validator-be-cin" / "fake_data").glob("*.xml")),
    SAMPLES / "liia-tools" / "liiatools" / "spec" / "cin_census" / "samples" / "cin-2022.xml",
    SAMPLES
    / "liia-tools-pipeline"
    / "liiatools"
    / "cin_census_pipeline"
    / "spec"
    / "samples"
    / "BAR_cin_2022.xml",
]
# The scratch virtualenv made as above (never a product dependency).
DFE_PYTHON = os.environ.get("CIN_VALIDATOR_PYTHON", "/tmp/venv-cin/bin/python")  # noqa: S108
DFE_FIRST, DFE_LAST = 2023, 2026

# Runs inside the scratch virtualenv: the validator's own reading of the file and rule pack.
DFE_SCRIPT = r"""
import json, sys, importlib, contextlib, io
import xml.etree.ElementTree as ET
from cin_validator import cin_validator
path, ruleset = sys.argv[1], sys.argv[2]
registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
with contextlib.redirect_stdout(io.StringIO()) as noise:
    data = cin_validator.process_data(cin_validator.convert_data(ET.parse(path).getroot()))
    result = cin_validator.CinValidator(data, registry)
pairs = set()
for code, child in zip(result.full_issue_df["rule_code"], result.full_issue_df["child_id"]):
    pairs.add((str(code), "" if child != child or child is None else str(child)))
for code in result.multichild_issues.get("rule_code", []):
    pairs.add((str(code), ""))
print(json.dumps({"pairs": sorted(pairs), "errors": noise.getvalue()}))
"""


def collection_year(path: Path) -> int:
    header = parse(path).getroot().find("Header/CollectionDetails")
    reference = (header.findtext("ReferenceDate") or "").strip()
    if reference.endswith("-03-31"):
        return int(reference[:4])
    return int((header.findtext("Year") or "").strip())


def dfe_ruleset(year: int) -> str:
    year = min(max(year, DFE_FIRST), DFE_LAST)
    return f"cin{year - 1}_{year % 100:02d}"


def dfe_pairs(path: Path, year: int) -> tuple[set[tuple[str, str]], str, float]:
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own script, on our own sample files
        [DFE_PYTHON, "-c", DFE_SCRIPT, str(path), dfe_ruleset(year)],
        capture_output=True,
        text=True,
        check=True,
    )
    took = time.perf_counter() - started
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {tuple(p) for p in result["pairs"]}, result["errors"], took


def casegrip_pairs(path: Path, year: int) -> tuple[set[tuple[str, str]], float]:
    started = time.perf_counter()
    findings = validate(path, year)
    return {(f.rule_code, f.child_id) for f in findings}, time.perf_counter() - started


def show(pairs: set[tuple[str, str]]) -> str:
    by_rule: dict[str, list[str]] = {}
    for code, child in sorted(pairs):
        by_rule.setdefault(code, []).append(child or "-")
    return "\n".join(
        f"    {code}: {len(children)} " + ", ".join(children[:6]) + (" ..." * (len(children) > 6))
        for code, children in sorted(by_rule.items())
    )


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv if not a.startswith("--")] or FILES
    total_only: Counter = Counter()
    for path in files:
        year = collection_year(path)
        dfe, errors, dfe_time = dfe_pairs(path, year)
        ours, our_time = casegrip_pairs(path, year)
        print(f"\n== {path.name}: year {year}, DfE pack {dfe_ruleset(year)}")
        if "--timing" in argv:
            print(f"   casegrip {our_time:.2f} s, DfE validator {dfe_time:.2f} s")
        if errors.strip():
            print("   the DfE validator printed: " + " | ".join(errors.strip().splitlines()))
        print(f"   both report {len(ours & dfe)} (rule, child) findings")
        print("   only casegrip:\n" + (show(ours - dfe) or "    none"))
        print("   only the DfE validator:\n" + (show(dfe - ours) or "    none"))
        for code, _ in ours - dfe:
            total_only["casegrip", code] += 1
        for code, _ in dfe - ours:
            total_only["DfE", code] += 1
    print("\n== differences by rule over all files (who reports it alone: count)")
    for (who, code), n in sorted(total_only.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        print(f"   {code}: {who} {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
