"""Check the SSDA903 return and the CIN census casegrip builds with the DfE's own validators.

Builds both returns of the latest complete collection year from a live snapshot and runs
``csc-validator-be-903`` and ``csc-validator-be-cin`` on them, each as a subprocess from its own
scratch virtualenv (made here if missing), so that neither ever becomes a casegrip dependency:

    .venv/bin/python bench/check_returns_with_dfe_validators.py [HOME] [--year 2026] [--keep DIR]

``HOME`` is a casegrip data directory with a live snapshot; without it the ``city`` synthetic
authority is synthesised and imported into a temporary one. For each validator it prints every
rule code that fired with the number of rows (and children) it flagged, marks the rules that
need the previous year's return, and queries (codes ending in Q, the CIN validator's Query
rules). It exits 1 when any other error remains. ``DFE_903_PYTHON`` and ``CIN_VALIDATOR_PYTHON``
point at other interpreters.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from casegrip.returns.authorities import ons_code
from casegrip.returns.case_record import open_case_record
from casegrip.returns.cin_census import build_cin_census
from casegrip.returns.layouts import UnsupportedYear, cin_layout, ssda903_layout
from casegrip.returns.ssda903 import build_ssda903
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import snapshot_config

ROOT = Path(__file__).resolve().parents[1]
# The scratch virtualenvs the brief names (never product dependencies).
VENVS = {
    "903": (
        Path(os.environ.get("DFE_903_PYTHON", "/tmp/venv-903/bin/python")),  # noqa: S108
        ["csc-validator-be-903"],
    ),
    "cin": (
        Path(os.environ.get("CIN_VALIDATOR_PYTHON", "/tmp/venv-cin/bin/python")),  # noqa: S108
        # its pinned pandas 1.5 needs numpy 1
        ["csc-validator-be-cin", "numpy<2"],
    ),
}

# Rules that fire only for want of the previous year's return, and why. None does on the city
# authority: the 903 validator skips the rules that compare with last year's return (its
# "_last" tables) when none is given, and says so (printed as skipped); the CIN census has no
# such rule.
NEEDS_PREVIOUS_YEAR: dict[str, dict[str, str]] = {"903": {}, "cin": {}}

# What still fires on the city for a reason that is not the return's fault, and why. Printed
# beside the code; counted apart from the errors.
EXPLAINED: dict[str, dict[str, str]] = {
    "903": {
        "575": "the validator's rule 365 writes 31/03 into every blank DEC of the data it shares "
        "with later rules, so a child still missing on 31 March looks missing after care ended",
        "577": "as 575: rule 365 has filled in the open episodes' DEC before this rule runs",
        "1016": "the validator counts ages in years of 365.2425 days, so to it a young person "
        "whose 18th birthday is the year's last day, 31 March, is still 17 then; one who left "
        "care at 17, before that birthday, is a care leaver of it and has an OC3 row",
        "SW11bSTG2": "the validator flags a social worker episode that ends in the year's last "
        "days even when the next one starts that day, against the rule's own text",
        "SW12STG2": "the validator pairs every care episode with every social worker episode "
        "and flags the episode that starts a period of care whenever any of the child's social "
        "worker episodes began before it (as one carried over from before care does)",
        "SW17STG2": "the validator asks every child's last social worker episode to be open on "
        "31 March, children who left care in the year and whose case closed included",
    },
    "cin": {},
}

# Runs inside the 903 scratch virtualenv: the validator's whole run on a folder of CSV files,
# as its front end runs it; prints {code: [[table, row, child], ...]} as JSON.
RUN_903 = r"""
import json, logging, sys
from pathlib import Path
logging.disable(logging.CRITICAL)
from lac_validator import lac_validator
from lac_validator.rules.ruleset_utils import get_year_ruleset
from lac_validator.utils import process_uploaded_files
folder, year, la = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
files = [str(p) for p in sorted(folder.glob("*.csv"))]
v = lac_validator.LacValidator(
    metadata={"collectionYear": year, "localAuthority": la},
    files=process_uploaded_files({"This year": files}), registry=get_year_ruleset(year))
found = {}
for table, df in v.ds_results.items():
    if table == "metadata":
        continue
    for col in [c for c in df.columns if str(c).startswith("ERR_")]:
        hit = df[df[col] == True]
        found.setdefault(col[4:], []).extend(
            [table, int(i), str(c)] for i, c in zip(hit.index, hit["CHILD"]))
print(json.dumps({"found": found, "failed": v.fails, "skipped": v.skips}))
"""

# Runs inside the CIN scratch virtualenv: the validator on one XML file with the year's rule
# pack; prints {code: [[table, row, child], ...]}, the return-level codes and the query codes.
RUN_CIN = r"""
import contextlib, importlib, io, json, sys
import xml.etree.ElementTree as ET
from cin_validator import cin_validator
from cin_validator.rule_engine import RuleType
path, ruleset = sys.argv[1], sys.argv[2]
registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
with contextlib.redirect_stdout(io.StringIO()):
    data = cin_validator.process_data(cin_validator.convert_data(ET.parse(path).getroot()))
    result = cin_validator.CinValidator(data, registry)
found = {}
df = result.full_issue_df.drop_duplicates(["rule_code", "tables_affected", "row_id", "child_id"])
for code, table, row, child in zip(df["rule_code"], df["tables_affected"], df["row_id"],
                                   df["child_id"]):
    found.setdefault(str(code), []).append([str(table), int(row), str(child)])
whole = sorted({str(c) for c in result.multichild_issues.get("rule_code", [])})
queries = sorted(str(r.code) for r in registry.values() if r.rule_type == RuleType.QUERY)
print(json.dumps({"found": found, "whole": whole, "queries": queries}))
"""


def ensure_venv(kind: str) -> Path:
    """The scratch interpreter of a validator, made with pip if it is missing."""
    python, packages = VENVS[kind]
    if not python.exists():
        venv = python.parent.parent
        print(f"Making the scratch virtualenv {venv} for {packages[0]} ...", flush=True)
        subprocess.run(["python3", "-m", "venv", str(venv)], check=True)  # noqa: S603, S607
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *packages], check=True)  # noqa: S603
    return python


def synthesised_home(scratch: Path, seed: int) -> Path:
    """A data directory with the city synthetic authority imported as its live snapshot."""
    home, extract = scratch / "home", scratch / "city"
    env = os.environ | {"CASEGRIP_HOME": str(home)}
    env.setdefault("CASEGRIP_SECRET_KEY", secrets.token_urlsafe(48))
    casegrip = str(ROOT / ".venv" / "bin" / "casegrip")
    print("Synthesising and importing the city authority ...", flush=True)
    for command in (
        [casegrip, "synth", "--profile", "city", "--seed", str(seed), "--out", str(extract)],
        [casegrip, "import", str(extract), "--no-sync", "--no-figures"],
    ):
        subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    return home


def latest_complete_year(extract_date: date) -> int:
    """The latest collection year that ended (31 March) before the extract date and that
    casegrip holds both layouts for."""
    year = (
        extract_date.year
        if extract_date > date(extract_date.year, 3, 31)
        else extract_date.year - 1
    )
    while True:
        try:
            ssda903_layout(year)
            cin_layout(year)
        except UnsupportedYear:
            if year < extract_date.year - 2:
                raise
            year -= 1
            continue
        return year


def start_validator(kind: str, script: str, *args: str) -> subprocess.Popen:
    """The validator running in its scratch virtualenv (both run at once: two cores here)."""
    return subprocess.Popen(  # noqa: S603 - our own script, on files we just built
        [str(ensure_venv(kind)), "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_validator(kind: str, running: subprocess.Popen) -> dict:
    out, err = running.communicate()
    if running.returncode != 0:
        sys.stderr.write(err[-4000:])
        raise SystemExit(f"The DfE {kind} validator failed (exit {running.returncode}).")
    return json.loads(out.strip().splitlines()[-1])


def report(kind: str, found: dict[str, list], queries: set[str], whole: list[str]) -> int:
    """Print each code with its counts; the number of codes that are real errors."""
    errors = 0
    print(f"\n== {kind}: {len(found) + len(whole)} rule codes fired")
    print(f"   {'rule':<8}{'rows':>7}{'children':>10}  kind")
    for code in sorted(found, key=lambda c: (-len(found[c]), c)):
        hits = found[code]
        children = {child for _table, _row, child in hits}
        tables = sorted({table for table, _row, _child in hits})
        mark = _kind(kind, code, queries)
        errors += mark == "error"
        print(f"   {code:<8}{len(hits):>7}{len(children):>10}  {mark} ({', '.join(tables)})")
    for code in whole:
        mark = _kind(kind, code, queries)
        errors += mark == "error"
        print(f"   {code:<8}{'-':>7}{'-':>10}  {mark} (return level)")
    for code, why in NEEDS_PREVIOUS_YEAR[kind].items():
        if code in found or code in whole:
            print(f"   {code} needs the previous year's return: {why}")
    for code, why in EXPLAINED[kind].items():
        if code in found or code in whole:
            print(f"   {code}: {why}.")
    return errors


def _kind(kind: str, code: str, queries: set[str]) -> str:
    if code in NEEDS_PREVIOUS_YEAR[kind]:
        return "needs previous year"
    if code in EXPLAINED[kind]:
        return "explained"
    if code in queries or code.upper().endswith("Q"):
        return "query"
    return "error"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", nargs="?", type=Path, help="a casegrip data directory")
    parser.add_argument("--year", type=int, help="collection year (default: latest complete)")
    parser.add_argument("--keep", type=Path, help="write the built returns here and keep them")
    parser.add_argument("--seed", type=int, default=1, help="synthesiser seed (no HOME given)")
    parser.add_argument(
        "--la",
        default=None,
        help="the 903 validator's localAuthority, an ONS code (default: the configuration's "
        "ons_code, else the one its la_code stands for)",
    )
    args = parser.parse_args()
    for kind in VENVS:
        ensure_venv(kind)

    with tempfile.TemporaryDirectory(prefix="casegrip-dfe-") as scratch_name:
        scratch = Path(scratch_name)
        home = args.home or synthesised_home(scratch, args.seed)
        live = live_snapshot(home)
        if live is None:
            raise SystemExit(f"No live snapshot in {home}.")
        config = snapshot_config(live, home)
        year = args.year or latest_complete_year(date.fromisoformat(live.extract_date))
        out = args.keep or scratch / "returns"
        con = open_case_record(live)
        try:
            built_903 = build_ssda903(
                con,
                year,
                la_code=config.la_code,
                roles=config.involvement_roles.allocated_social_worker,
            )
            built_cin = build_cin_census(con, year, la_code=config.la_code)
        finally:
            con.close()
        built_903.write(out / "903")
        built_cin.write(out / "cin.xml")
        print(
            f"Built the {year} SSDA903 ({len(built_903.children()):,} children) and CIN census "
            f"({len(built_cin.child_ids()):,} children) from snapshot {live.snapshot_id} "
            f"(extract date {live.extract_date}) into {out}."
        )

        authority = args.la or config.ons_code or ons_code(config.la_code)
        ruleset = f"cin{year - 1}_{year % 100:02d}"
        running_903 = start_validator("903", RUN_903, str(out / "903"), str(year), authority)
        running_cin = start_validator("cin", RUN_CIN, str(out / "cin.xml"), ruleset)
        lac = finish_validator("903", running_903)
        cin = finish_validator("cin", running_cin)

    errors = report("903", lac["found"], set(), [])
    if lac["failed"]:
        print(f"   the 903 validator could not run: {', '.join(lac['failed'])}")
    if lac["skipped"]:
        print(
            f"   skipped for want of a table, mostly last year's return: "
            f"{', '.join(sorted(lac['skipped']))}"
        )
    errors += report("cin", cin["found"], set(cin["queries"]), cin["whole"])
    print(
        f"\n{errors} rule codes with errors that neither need the previous year's return nor "
        "are explained above."
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
