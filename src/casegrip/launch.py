"""The `casegrip` command's way in. `casegrip returns validate`, which a data team may run many
times over, is taken straight to its work when its arguments are plainly right: the
command-line framework takes longer to import than some returns take to check (ADR 0018).
Anything else, help and mistakes included, goes to the full command line (``casegrip.cli``)."""

import argparse
import sys
from pathlib import Path
from typing import NoReturn


class _NotPlain(Exception):
    """The arguments are not plainly right: the full command line answers them."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # Never print or exit here: the full command line says what is wrong, in its words.
        raise _NotPlain(message)


def _quick_validate(args: list[str]) -> argparse.Namespace | None:
    """The options of `returns validate` when ``args`` give them plainly; None otherwise."""
    parser = _Parser(add_help=False, allow_abbrev=False)
    parser.add_argument("path", type=Path)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--la")
    parser.add_argument("--providers", type=Path, action="append")
    try:
        return parser.parse_args(args)
    except _NotPlain:
        return None


def main() -> None:
    args = sys.argv[1:]
    if args[:2] == ["returns", "validate"]:
        quick = _quick_validate(args[2:])
        if quick is not None:
            from casegrip.returns.validation.command import CommandError, validate_summary

            try:
                summary = validate_summary(
                    quick.path, quick.year, quick.out, quick.la, quick.providers
                )
            except CommandError as exc:
                sys.stderr.write(f"{exc}\n")
                sys.exit(2)
            sys.stdout.write(f"{summary}\n")
            return
    from casegrip.cli import main as full

    full()
