"""What `casegrip returns validate` does, without the command-line framework: the check and
the summary it prints. Both ways into the command use it: the full command line
(``casegrip.cli``) and the quick one (``casegrip.launch``, ADR 0018)."""

import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

RULES_SHOWN = 20  # rules in the summary `returns validate` prints
# The SSDA903 rules that run only with Ofsted's provider lists (a test keeps this true to the
# registry, which is too slow to import for every command).
PROVIDER_RULES = ("219", "221", "224", "227", "228", "229", "1008")


class CommandError(Exception):
    """A mistake in what was asked or given; the message says which. Exit status 2."""


def validate_summary(
    path: Path,
    year: int,
    out: Path | None = None,
    la: str | None = None,
    providers: Sequence[Path] | None = None,
) -> str:
    """Check the return at ``path`` against the DfE rules of collection ``year``, writing every
    finding to ``out`` when given; the summary to print."""
    from casegrip.returns.validation.run import NotAReturn, validate_to_csv

    if not path.exists():
        raise CommandError(f"{path} does not exist.")
    authority = None
    if la is not None:
        from casegrip.returns.authorities import UnknownAuthority, ons_code

        try:
            authority = ons_code(la)
        except UnknownAuthority as exc:
            raise CommandError(str(exc)) from exc
    started = time.perf_counter()
    try:
        kind, rules = validate_to_csv(path, year, out, authority=authority, providers=providers)
    except (NotAReturn, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    took = time.perf_counter() - started
    name = "SSDA903 return" if kind == "903" else "CIN census"
    total = sum(n for _, _, n, _ in rules)
    lines = [f"{name} {year}: {total:,} findings ({took:.1f} s)", ""]
    # The rules with most findings: a return full of errors breaks a hundred rules, more than
    # a terminal shows (laying them all out took longer than loading the return).
    lines += columns(
        ("Rule", "Findings", "Children", "Message"),
        [(code, f"{n:,}", f"{kids:,}", message) for code, message, n, kids in rules[:RULES_SHOWN]],
    )
    if len(rules) > RULES_SHOWN:
        more = len(rules) - RULES_SHOWN
        lines.append(
            f"{more:,} more rules have findings"
            + (f"; every finding is in {out}." if out else ": --out FILE writes every finding.")
        )
    if out is not None:
        lines.append(f"Wrote {total:,} findings to {out}.")
    if kind == "903" and la is None:
        lines.append(
            "The rules that compare placements with your own authority (1015, 241, and 229"
            " with provider lists) did not run: --la with its DfE or ONS code runs them."
        )
    if kind == "903" and not providers:
        lines.append(
            f"The rules that look up placements' URNs in Ofsted's provider lists"
            f" ({', '.join(PROVIDER_RULES)}) did not run: --providers with the lists runs them."
        )
    return "\n".join(lines)


def columns(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """``rows`` under ``header`` as lines of plain text, in columns, numbers to the right, the
    last column cut to the terminal's width (to 90 characters when not printing to one)."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    room = 90
    if sys.stdout.isatty():
        room = max(shutil.get_terminal_size().columns - sum(widths) - 2 * len(widths), 30)
    lines = []
    for number, row in enumerate([header, *rows]):
        first = [row[0].ljust(widths[0])]
        # The header's names stand left, as the text below them; numbers stand right.
        middle = [
            cell.ljust(width) if number == 0 else cell.rjust(width)
            for cell, width in zip(row[1:-1], widths[1:], strict=True)
        ]
        lines.append("  ".join([*first, *middle, row[-1][:room]]).rstrip())
    return lines
