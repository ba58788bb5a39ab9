"""Compare casegrip's SSDA903 validation with the DfE's csc-validator-be-903 on its fake data.

The DfE validator runs from a scratch virtualenv, as a subprocess, so that it never becomes a
dependency of casegrip:

    python3 -m venv /tmp/venv-903 && /tmp/venv-903/bin/pip install csc-validator-be-903
    .venv/bin/python bench/compare_903_with_dfe_validator.py [--year 2025] [--rule 101 ...]
        [--folder RETURN] [--previous LAST_YEARS_RETURN] [--la E09000027]
        [--providers CHILDRENS_HOMES.xlsx SOCIAL_CARE_PROVIDERS.xlsx | --providers COMBINED.xlsx]

For each rule both implement, it prints the (rule, child) findings each reports and the
differences. The DfE side is each rule run on its own fresh copy of the data; where the DfE
validator's whole run reports otherwise (its rules change shared tables in place), that count
is shown too; then the rules casegrip does not implement yet. ``--detail`` lists the children
on each side of a difference."""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from casegrip.returns.validation.ssda903 import REGISTRY, validate

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "samples"
FAKE = SAMPLES / "csc-validator-be-903" / "tests" / "fake_data"
RULE_INFO = SAMPLES / "csc-validator-be-903" / "output_data" / "903_2024_25_rule_info.csv"
# The scratch virtualenv the brief names; override with DFE_903_PYTHON.
DFE_PYTHON = os.environ.get("DFE_903_PYTHON", "/tmp/venv-903/bin/python")  # noqa: S108

# Run inside the scratch virtualenv: the DfE validator on a folder of CSV files, writing each
# flagged (rule, table, row, child) as JSON. Its own tests' file for the placed-for-adoption
# table is the error variant; the comparison uses the plain one.
DFE_RUNNER = """
import json, logging, os, sys
from pathlib import Path
logging.disable(logging.CRITICAL)
import pandas as pd
from lac_validator import lac_validator
from lac_validator.datastore import create_datastore
from lac_validator.ingress import construct_provider_info_table, scpch_provider_info_table
from lac_validator.rules.ruleset_utils import get_year_ruleset
from lac_validator.utils import process_uploaded_files
folder, year, la, out = Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4])
previous = Path(sys.argv[5]) if len(sys.argv) > 5 else None
names = ["header", "episodes", "reviews", "uasc", "oc2", "oc3", "ad1", "placed_for_adoption",
         "previous_permanence", "missing", "sw_episodes", "dolo", "deprivation_of_liberty"]
def csvs(where):
    return [str(where / f"{n}.csv") for n in names if (where / f"{n}.csv").exists()]
uploaded = {"This year": csvs(folder)}
if previous is not None:
    uploaded["Prev year"] = csvs(previous)
registry = get_year_ruleset(year)
metadata = {"collectionYear": year, "localAuthority": la}
# Ofsted's provider lists, put into the metadata as the validator's ingress puts them: one file
# is the combined list; of two, the Children's Homes list is the one with its sheets.
lists = [p for p in os.environ.get("DFE_PROVIDERS", "").split(os.pathsep) if p]
if len(lists) == 1:
    metadata["provider_info"] = scpch_provider_info_table(lists[0])
elif len(lists) == 2:
    def is_homes(path):
        sheets = set(pd.ExcelFile(path, engine="openpyxl").sheet_names)
        return "Provider information" in sheets or {
            "Settings and Inspection Info", "Address Details"} <= sheets
    homes, scp = sorted(lists, key=lambda p: not is_homes(p))
    metadata["provider_info"] = construct_provider_info_table(homes, scp)
v = lac_validator.LacValidator(
    metadata=dict(metadata), files=process_uploaded_files(uploaded),
    registry=registry)
found = []
for table, df in v.ds_results.items():
    if table == "metadata":
        continue
    for col in [c for c in df.columns if str(c).startswith("ERR_")]:
        hit = df[df[col] == True]
        found += [[col[4:], table, int(i), str(c)] for i, c in zip(hit.index, hit["CHILD"])]
# Each rule again on its own fresh copy of the data: in the validator's own run, some rules
# change the shared tables in place (dates parsed, blanks filled) and so change later rules.
store = create_datastore(v.dfs, v.metadata)
alone = []
for code, rule in registry.items():
    copy = {k: (d.copy(deep=True) if k != "metadata" else d) for k, d in store.items()}
    try:
        result = rule.func(copy)
    except Exception:
        continue
    for table, rows in result.items():
        rows = [r for r in rows if pd.notna(r)]
        if rows and table in store:
            children = store[table]["CHILD"].reindex(rows)
            alone += [[code, table, int(r), str(c)] for r, c in zip(rows, children)]
out.write_text(json.dumps({"findings": found, "alone": alone, "failed": v.fails,
                           "skipped": v.skips}))
"""


def run_dfe(folder: Path, year: int, previous: Path | None, la: str, providers: list[Path]) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "dfe.json"
        last = [str(previous)] if previous is not None else []
        lists = os.pathsep.join(str(p) for p in providers)
        subprocess.run(  # noqa: S603
            [DFE_PYTHON, "-c", DFE_RUNNER, str(folder), str(year), la, str(out), *last],
            check=True,
            env={**os.environ, "DFE_PROVIDERS": lists},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return json.loads(out.read_text())


def by_rule(rows: list[tuple[str, str]]) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = defaultdict(set)
    for code, child in rows:
        grouped[code].add(child)
    return grouped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--folder", type=Path, default=FAKE)
    parser.add_argument("--previous", type=Path, help="last year's return, a folder of CSVs")
    parser.add_argument(
        "--la", default="E09000027", help="the return's local authority, its ONS code"
    )
    parser.add_argument(
        "--providers",
        type=Path,
        nargs="+",
        default=[],
        help="Ofsted's provider lists (XLSX), given to both validators",
    )
    parser.add_argument("--rule", action="append", help="only these rules")
    parser.add_argument("--detail", action="store_true", help="list differing children")
    args = parser.parse_args()

    began = time.perf_counter()
    ours = validate(
        args.folder, args.year, args.previous, authority=args.la, providers=args.providers or None
    )
    ours_seconds = time.perf_counter() - began
    began = time.perf_counter()
    dfe = run_dfe(args.folder, args.year, args.previous, args.la, args.providers)
    dfe_seconds = time.perf_counter() - began

    mine = by_rule([(f.rule_code, f.child_id) for f in ours])
    theirs = by_rule([(code, child) for code, _table, _row, child in dfe["alone"]])
    whole_run = by_rule([(code, child) for code, _table, _row, child in dfe["findings"]])
    with RULE_INFO.open(newline="") as handle:
        listed = [row["Rule code"] for row in csv.DictReader(handle)]
    implemented = sorted(code for code, rule in REGISTRY.rules.items() if rule.applies(args.year))
    if args.rule:
        implemented = [c for c in implemented if c in args.rule]

    print(f"casegrip {ours_seconds:.2f} s, DfE validator {dfe_seconds:.2f} s (year {args.year})")
    print(f"{'rule':<10}{'casegrip':>9}{'DfE':>7}{'same':>7}{'only cg':>9}{'only DfE':>9}")
    differing = 0
    for code in implemented:
        a, b = mine.get(code, set()), theirs.get(code, set())
        mark = "" if a == b else "  <-- differs"
        if code in dfe["skipped"]:
            mark += "  (DfE skipped it)"
        if whole_run.get(code, set()) != b:
            mark += f"  (DfE's whole run: {len(whole_run.get(code, set()))})"
        if code in dfe["failed"]:
            mark += "  (DfE failed to run it)"
        differing += a != b
        print(
            f"{code:<10}{len(a):>9}{len(b):>7}{len(a & b):>7}{len(a - b):>9}{len(b - a):>9}{mark}"
        )
        if args.detail and a != b:
            print(f"    only casegrip: {sorted(a - b)[:20]}")
            print(f"    only DfE:      {sorted(b - a)[:20]}")
    missing = [c for c in listed if c not in REGISTRY.rules]
    print(f"\n{len(implemented)} rules compared, {differing} differ.")
    print(f"Rules of the 2024-25 list casegrip does not implement ({len(missing)}):")
    print(" ".join(missing))
    sys.exit(0)


if __name__ == "__main__":
    main()
