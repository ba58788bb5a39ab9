"""Which validator a path needs, and the findings as the CSV the data team works from."""

import csv
import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .findings import FINDING_COLUMNS, Finding


class NotAReturn(ValueError):
    """The path is neither an SSDA903 CSV set nor a CIN census XML; the message says why."""


def kind_of(path: Path) -> str:
    """ "903" for a folder (or one file) of SSDA903 CSVs, "cin" for an XML census."""
    if path.is_dir():
        if any(path.glob("*.csv")):
            return "903"
        if len(list(path.glob("*.xml"))) == 1:
            return "cin"
        raise NotAReturn(f"{path} holds no SSDA903 CSV files and no single CIN census XML file.")
    if path.suffix.lower() == ".xml":
        return "cin"
    if path.suffix.lower() == ".csv":
        return "903"
    raise NotAReturn(f"{path} is not a folder of SSDA903 CSV files or a CIN census XML file.")


def _folder(path: Path) -> Path:
    """The folder of an SSDA903 return given as the folder or one of its files."""
    return path if path.is_dir() else path.parent


def validate_path(
    path: Path,
    year: int,
    authority: str | None = None,
    providers: Sequence[Path] | None = None,
) -> tuple[str, list[Finding]]:
    """The return's kind and its findings for collection ``year``; ``authority``, the ONS code
    of the return's local authority, and ``providers``, Ofsted's provider lists (XLSX), for the
    SSDA903 rules that need them."""
    kind = kind_of(path)
    if kind == "cin":
        from .cin_census import validate

        target = next(path.glob("*.xml")) if path.is_dir() else path
        return kind, validate(target, year)
    from .ssda903 import validate

    return kind, validate(_folder(path), year, authority=authority, providers=providers)


def validate_to_csv(
    path: Path,
    year: int,
    out: Path | None,
    authority: str | None = None,
    providers: Sequence[Path] | None = None,
) -> tuple[str, list[tuple[str, str, int, int]]]:
    """The return's kind and its summary by rule (as ``by_rule``), its findings written to the
    CSV ``out`` (as ``findings_csv``) when given: the command line's way, which never holds an
    SSDA903 return's findings in Python."""
    kind = kind_of(path)
    # Written beside ``out`` and moved into place only when whole: a failed run leaves any
    # earlier findings file as it was.
    partial = out.with_name(out.name + ".partial") if out is not None else None
    try:
        if kind == "903":
            from .ssda903 import validate_to_csv as ssda903_to_csv

            rules = ssda903_to_csv(
                _folder(path), year, partial, authority=authority, providers=providers
            )
        else:
            kind, findings = validate_path(path, year)
            rules = by_rule(findings)
            if partial is not None:
                partial.write_text(findings_csv(findings), encoding="utf-8")
        if partial is not None and out is not None:
            partial.replace(out)
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)
    return kind, rules


def findings_csv(findings: list[Finding]) -> str:
    """rule_code, table, row (0-based within its table), child_id, fields, message."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FINDING_COLUMNS)
    writer.writerows(
        (f.rule_code, f.table, f.row, f.child_id, ";".join(f.fields), f.message) for f in findings
    )
    return out.getvalue()


def by_rule(findings: list[Finding]) -> list[tuple[str, str, int, int]]:
    """(rule, message, findings, children) per rule, most findings first."""
    counts = Counter(f.rule_code for f in findings)
    children: dict[str, set[str]] = {}
    messages: dict[str, str] = {}
    for f in findings:
        children.setdefault(f.rule_code, set()).add(f.child_id)
        messages.setdefault(f.rule_code, f.message)
    return sorted(
        ((code, messages[code], n, len(children[code] - {""})) for code, n in counts.items()),
        key=lambda row: (-row[2], row[0]),
    )


def by_child(findings: list[Finding]) -> list[tuple[str, int, str]]:
    """(child, findings, rules) per child, most findings first: the data team's fix list."""
    per: dict[str, list[str]] = {}
    for f in findings:
        if f.child_id:
            per.setdefault(f.child_id, []).append(f.rule_code)
    return sorted(
        ((child, len(codes), ", ".join(sorted(set(codes)))) for child, codes in per.items()),
        key=lambda row: (-row[1], row[0]),
    )
