"""Validating the SSDA903 return and the CIN census: casegrip against the DfE's validators.

Targets (issue 8, "Speed"): on this 2-core machine, whole process, same files, measured in the
same run: validating the SSDA903 return of 10,000 children at least 20 times faster than
``csc-validator-be-903``, and the CIN census of 10,000 children at least 50 times faster than
``csc-validator-be-cin``, with memory that grows linearly.

The files: the city synthesised (seed 1, up to 30 October 2026) and imported into a temporary
CASEGRIP_HOME, its returns for collection year 2026 built by casegrip's builders, then scaled to
the wanted number of children; and for the SSDA903 return also the DfE validator's own fake
return (2,675 children, most breaking several rules), scaled alike. A smaller file takes
children spread evenly over the original's; a larger one adds copies of its children under new
ids (``R01C000097``), every table of the SSDA903 set relabelled alike and each copy given its
own UPN with a valid check letter, so that copying adds no duplicate-id or duplicate-UPN
findings. Files are cached under ``CASEGRIP_BENCH_CACHE`` (default /tmp/casegrip-bench-returns):
a rerun only validates; delete it to rebuild the files after the builders change.

Each validation is a fresh process (start, read, validate, write the findings as CSV), timed
from outside, with its peak memory: the maximum resident set of the process it starts, as the
kernel counts it (``/usr/bin/time``, or ``getrusage`` in a small wrapper where that is
missing). Every validator here runs as one process (DuckDB's and pandas' threads are inside
it), so that is the peak of the whole process tree. casegrip runs two ways, each ``--repeat``
times (median kept): as the DfE validator does here, its library in a bare interpreter
(``validate_to_csv``: read, validate, write the findings CSV), and as its command line
(``casegrip returns validate PATH --year YEAR --out FINDINGS``), which also starts Typer and
Rich and prints a summary table. Each DfE validator runs once, from a scratch virtualenv,
never a casegrip dependency (``DFE_903_PYTHON``, ``CIN_VALIDATOR_PYTHON`` to override):

    python3 -m venv /tmp/venv-903 && /tmp/venv-903/bin/pip install csc-validator-be-903
    python3 -m venv /tmp/venv-cin && /tmp/venv-cin/bin/pip install csc-validator-be-cin "numpy<2"

    .venv/bin/python bench/bench_return_validation.py [--quick] [--repeat 3] [--only 903|cin]
"""

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, ElementTree, SubElement

from defusedxml.ElementTree import parse

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("CASEGRIP_BENCH_CACHE", "/tmp/casegrip-bench-returns"))  # noqa: S108
DFE_903 = os.environ.get("DFE_903_PYTHON", "/tmp/venv-903/bin/python")  # noqa: S108
DFE_CIN = os.environ.get("CIN_VALIDATOR_PYTHON", "/tmp/venv-cin/bin/python")  # noqa: S108
CASEGRIP_CLI = ROOT / ".venv" / "bin" / "casegrip"
# The DfE validator's own test return: 2,675 children, most of them breaking several rules.
DFE_FAKE_903 = ROOT.parent / "shared/reference/samples/csc-validator-be-903/tests/fake_data"
YEAR = 2026
END_DATE = date(2026, 10, 30)  # fixed, so that the cached files do not depend on the day
TARGETS = {"903": 20.0, "cin": 50.0}
# The return's local authority, for the rules that compare placements with it: the same for
# every validator (the runners below spell it out too).
AUTHORITY = "E09000027"
# How casegrip runs: its library in a bare interpreter, as the DfE validators run here, and
# its command line.
WAYS = {"library": False, "command line": True}
NAMES = {"903": "SSDA903 return", "cin": "CIN census"}
TABLES_903 = (
    "header",
    "episodes",
    "reviews",
    "uasc",
    "oc2",
    "oc3",
    "ad1",
    "placed_for_adoption",
    "previous_permanence",
    "missing",
    "sw_episodes",
)
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

# Each runs in a fresh interpreter: argv is the return, the collection year, the findings CSV.
CASEGRIP_RUNNER = """
import sys
from pathlib import Path
from casegrip.returns.validation.run import validate_to_csv
validate_to_csv(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), authority="E09000027")
"""
# The DfE validator's own path for a set of CSV files: read, validate, its report of issues.
DFE_903_RUNNER = """
import logging, sys
from pathlib import Path
logging.disable(logging.CRITICAL)
from lac_validator import lac_validator
from lac_validator.report import Report
from lac_validator.rules.ruleset_utils import get_year_ruleset
from lac_validator.utils import process_uploaded_files
folder, year, out = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
files = [str(p) for p in sorted(folder.glob("*.csv"))]
registry = get_year_ruleset(year)
v = lac_validator.LacValidator(
    metadata={"collectionYear": year, "localAuthority": "E09000027"},
    files=process_uploaded_files({"This year": files}), registry=registry)
report = Report(v.ds_results, registry)
lac_validator.create_issue_df(report.report, report.error_report).to_csv(out, index=False)
"""
# As ``python -m cin_validator run`` does, with the issues written out.
DFE_CIN_RUNNER = """
import contextlib, importlib, io, sys
import xml.etree.ElementTree as ET
from cin_validator import cin_validator
path, year, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ruleset = f"cin{year - 1}_{year % 100:02d}"
registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
with contextlib.redirect_stdout(io.StringIO()):
    data = cin_validator.process_data(cin_validator.convert_data(ET.parse(path).getroot()))
    validator = cin_validator.CinValidator(data, registry)
validator.full_issue_df.to_csv(out, index=False)
"""
# Where /usr/bin/time is missing: run argv[1:], print its user and system seconds and peak RSS
# in KiB.
RUSAGE_WRAPPER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(used.ru_utime, used.ru_stime, used.ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock, the target's measure
    cpu: float  # user + system seconds: a check on the wall clock when the machine is shared
    peak_mb: float


# --- the files ---------------------------------------------------------------------------


def _made_by() -> str:
    """A digest of the code that makes the city's returns (the synthesiser and the builders):
    a change to either builds them again."""
    import hashlib

    source = Path(__file__).resolve().parents[1] / "src" / "casegrip"
    digest = hashlib.sha256()
    for path in sorted([*(source / "synth").iterdir(), *(source / "returns").iterdir()]):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def city_returns() -> tuple[Path, Path]:
    """The city's SSDA903 folder and CIN census XML for YEAR, built once and cached."""
    city = CACHE / f"city-{_made_by()}"
    folder, xml = city / "903", city / "cin.xml"
    if (folder / "header.csv").exists() and xml.exists():
        return folder, xml
    from casegrip.returns.build import build_return
    from casegrip.sources.ssd import read_ssd_folder
    from casegrip.store.live import live_snapshot
    from casegrip.store.snapshots import import_extract
    from casegrip.synth import synthesise, write_extract

    print("Synthesising and importing the city once (cached in", CACHE, ")...", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="casegrip-bench-home-") as scratch:
        home = Path(scratch)
        result = synthesise("city", years=5, seed=1, end_date=END_DATE)
        write_extract(result, home / "extract")
        extract = read_ssd_folder(home / "extract", result.extract.extract_date)
        import_extract(extract, config=result.config, source_path="bench", home=home)
        live = live_snapshot(home)
        build_return("903", live, result.config, folder, year=YEAR)
        build_return("cin", live, result.config, xml, year=YEAR)
    return folder, xml


def picks(originals: list[str], n: int) -> list[tuple[str, int]]:
    """(original child, copy number) for ``n`` children: spread evenly over the originals when
    there are enough of them, else every original and then copies (1, 2...) in turn."""
    have = len(originals)
    if n <= have:
        return [(originals[i * have // n], 0) for i in range(n)]
    return [(originals[i % have], i // have) for i in range(n)]


def copy_id(child: str, copy: int) -> str:
    return child if copy == 0 else f"R{copy:02d}{child}"


def copy_upn(upn: str, copy: int) -> str:
    """Another well-formed UPN for a copied child: the same LA code, the other nine digits moved
    by a step per copy (one-to-one), and the check letter worked out again."""
    if copy == 0 or len(upn) != 13 or not upn[1:].isdigit():
        return upn
    digits = upn[1:4] + f"{(int(upn[4:]) + copy * 123_456_791) % 10**9:09d}"
    check = sum(int(c) * w for c, w in zip(digits, range(2, 14), strict=True)) % 23
    return UPN_LETTERS[check] + digits


def scaled_903(source: Path, n: int, name: str = "903") -> Path:
    # Named after the source's folder too: the city's changes with the code that makes it.
    folder = CACHE / f"{name}-{n}-{source.parent.name}"
    if (folder / "header.csv").exists():
        return folder
    tables: dict[str, tuple[list[str], dict[str, list[dict]]]] = {}
    for name in TABLES_903:
        with (source / f"{name}.csv").open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            by_child: dict[str, list[dict]] = {}
            for row in reader:
                by_child.setdefault(row["CHILD"], []).append(row)
            tables[name] = (list(reader.fieldnames or []), by_child)
    chosen = picks(list(tables["header"][1]), n)
    partial = folder.with_suffix(".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name, (columns, by_child) in tables.items():
        with (partial / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            for child, copy in chosen:
                for row in by_child.get(child, []):
                    new = {**row, "CHILD": copy_id(child, copy)}
                    if "UPN" in new:
                        new["UPN"] = copy_upn(new["UPN"], copy)
                    writer.writerow(new)
    partial.rename(folder)
    return folder


def scaled_cin(source: Path, n: int) -> Path:
    path = CACHE / f"cin-{n}-{source.parent.name}.xml"
    if path.exists():
        return path
    tree = parse(source)
    root = tree.getroot()
    children = root.find("Children")
    originals = {c.findtext("ChildIdentifiers/LAchildID"): c for c in children.findall("Child")}
    chosen = picks(list(originals), n)
    children.clear()
    for child, copy in chosen:
        if copy == 0:
            children.append(originals[child])
        else:
            copy_child(originals[child], copy, children)
    partial = path.with_suffix(".partial")
    ElementTree(root).write(partial, encoding="utf-8", xml_declaration=True)
    partial.rename(path)
    return path


def copy_child(child: Element, copy: int, parent: Element) -> Element:
    """A deep copy of a census ``Child`` under ``parent`` with a new LAchildID and UPN."""

    def clone(element, into):
        made = SubElement(into, element.tag, element.attrib)
        made.text, made.tail = element.text, element.tail
        for sub in element:
            clone(sub, made)
        return made

    made = clone(child, parent)
    ids = made.find("ChildIdentifiers")
    ids.find("LAchildID").text = copy_id(ids.findtext("LAchildID"), copy)
    if ids.find("UPN") is not None:
        ids.find("UPN").text = copy_upn(ids.findtext("UPN") or "", copy)
    return made


def count_children(kind: str, path: Path) -> int:
    if kind == "903":
        with (path / "header.csv").open(encoding="utf-8") as handle:
            return sum(1 for _ in handle) - 1
    return len(parse(path).getroot().findall("Children/Child"))


# --- the runs ----------------------------------------------------------------------------


def run_env(argv: list[str]) -> dict[str, str]:
    """Each tool as installed, with its bytecode compiled: without it, casegrip's interpreter
    compiles pandas and its own modules afresh at every start (uv installs no bytecode and this
    shell may set PYTHONDONTWRITEBYTECODE). casegrip's bytecode goes under the cache, so that
    nothing is written into the working tree; the DfE venvs keep theirs where pip put it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if argv[0] not in (DFE_903, DFE_CIN):
        env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    return env


def measure(argv: list[str]) -> Run:
    """Wall time and peak RSS of ``argv`` as one fresh process; fails loudly if it fails."""
    with tempfile.NamedTemporaryFile(suffix=".time") as report:
        if Path("/usr/bin/time").exists():
            wrapped = ["/usr/bin/time", "-f", "%U %S %M", "-o", report.name, *argv]
        else:
            wrapped = [sys.executable, "-c", RUSAGE_WRAPPER, *argv]
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - our own scripts on our own files
            wrapped,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            env=run_env(argv),
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
        told = Path(report.name).read_text() if wrapped[0] == "/usr/bin/time" else done.stderr
    user, system, kib = told.strip().splitlines()[-1].split()
    return Run(seconds, float(user) + float(system), int(kib) / 1024)


def casegrip_argv(path: Path, out: Path, cli: bool) -> list[str]:
    if cli:
        command = [str(CASEGRIP_CLI), "returns", "validate", str(path)]
        return [*command, "--year", str(YEAR), "--out", str(out), "--la", AUTHORITY]
    return [sys.executable, "-c", CASEGRIP_RUNNER, str(path), str(YEAR), str(out)]


def dfe_argv(kind: str, path: Path, out: Path) -> list[str]:
    python, runner = (DFE_903, DFE_903_RUNNER) if kind == "903" else (DFE_CIN, DFE_CIN_RUNNER)
    return [python, "-c", runner, str(path), str(YEAR), str(out)]


def casegrip_run(path: Path, cli: bool, repeat: int, scratch: Path) -> tuple[Run, int]:
    """The median run of ``repeat`` (by time; its own peak memory) and the findings written."""
    out = scratch / "casegrip.csv"
    measure(casegrip_argv(path, out, cli))  # warm: bytecode written, the file in the page cache
    runs = sorted(
        (measure(casegrip_argv(path, out, cli)) for _ in range(repeat)), key=lambda r: r.seconds
    )
    middle = runs[len(runs) // 2]
    peak = statistics.median(r.peak_mb for r in runs)
    return Run(middle.seconds, middle.cpu, peak), rows_in(out)


def rows_in(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def compare(kind: str, path: Path, repeat: int, at_target_size: bool, what: str = "") -> None:
    children = count_children(kind, path)
    print(f"\n== {NAMES[kind]}{what}, {children:,} children, collection year {YEAR} ({path})")
    python = DFE_903 if kind == "903" else DFE_CIN
    ours: dict[str, Run] = {}
    with tempfile.TemporaryDirectory(prefix="casegrip-bench-out-") as scratch:
        for way, cli in WAYS.items():
            ours[way], our_rows = casegrip_run(path, cli, repeat, Path(scratch))
            print(
                f"   casegrip, {way}: {ours[way].seconds:.2f} s ({ours[way].cpu:.2f} s CPU), "
                f"peak {ours[way].peak_mb:,.0f} MB, {our_rows:,} findings (median of {repeat})"
            )
        if not Path(python).exists():
            print(f"   DfE validator: {python} is missing; make it as the docstring says")
            return
        out = Path(scratch) / "dfe.csv"
        theirs = measure(dfe_argv(kind, path, out))
        print(
            f"   DfE validator: {theirs.seconds:.2f} s ({theirs.cpu:.2f} s CPU), "
            f"peak {theirs.peak_mb:,.0f} MB, "
            f"{rows_in(out):,} issues"
        )
    target = TARGETS[kind]
    for way, run in ours.items():
        ratio = theirs.seconds / run.seconds
        verdict = ("met" if ratio >= target else "NOT met") if at_target_size else "not judged"
        print(
            f"   {way}: {ratio:.1f}x faster (target {target:.0f}x at 10,000 children: {verdict});"
            f" by CPU time {theirs.cpu / run.cpu:.1f}x;"
            f" peak memory {run.peak_mb / theirs.peak_mb:.2f}x the DfE validator's"
        )


def growth(kind: str, files: dict[int, Path]) -> None:
    """casegrip's peak memory at each size, and whether it grows no faster than linearly."""
    peaks: dict[int, Run] = {}
    with tempfile.TemporaryDirectory(prefix="casegrip-bench-out-") as scratch:
        for n, path in sorted(files.items()):
            peaks[n] = measure(casegrip_argv(path, Path(scratch) / "f.csv", cli=False))
    line = ", ".join(f"{n:,}: {r.peak_mb:,.0f} MB in {r.seconds:.2f} s" for n, r in peaks.items())
    print(f"   casegrip {NAMES[kind]} by children: {line}")
    (a, ra), (b, rb), (c, rc) = sorted(peaks.items())
    first = (rb.peak_mb - ra.peak_mb) / (b - a) * 1000
    second = (rc.peak_mb - rb.peak_mb) / (c - b) * 1000
    # Linear (or better) if the memory each further 1,000 children add does not climb: a
    # quarter's leeway for the allocator's and DuckDB's step-wise growth.
    linear = second <= max(first, 0.0) * 1.25 + 5
    print(
        f"   memory per further 1,000 children: {first:,.1f} MB ({a:,}-{b:,}), "
        f"{second:,.1f} MB ({b:,}-{c:,}): "
        + ("grows linearly or less" if linear else "grows faster than linearly")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000/2,000/4,000 children")
    parser.add_argument("--repeat", type=int, default=3, help="casegrip runs per file")
    parser.add_argument("--only", choices=("903", "cin"), help="one return only")
    args = parser.parse_args()
    size, sizes = (
        (2_000, (1_000, 2_000, 4_000)) if args.quick else (10_000, (5_000, 10_000, 20_000))
    )
    kinds = [args.only] if args.only else ["cin", "903"]
    folder, xml = city_returns()
    for kind in kinds:
        scale = scaled_903 if kind == "903" else scaled_cin
        files = {n: scale(folder if kind == "903" else xml, n) for n in sorted({size, *sizes})}
        compare(kind, files[size], args.repeat, at_target_size=size == 10_000)
        if kind == "903" and DFE_FAKE_903.is_dir():
            # The error-heavy file: the DfE validator takes about twice as long on it as on the
            # city's, and casegrip has 100,000s of findings to write.
            fake = scaled_903(DFE_FAKE_903, size, "dfe-fake-903")
            what = " (the DfE validator's fake data, scaled)"
            compare(kind, fake, args.repeat, at_target_size=size == 10_000, what=what)
        growth(kind, {n: files[n] for n in sizes})


if __name__ == "__main__":
    main()
