"""`casegrip returns validate` given plainly goes straight to its work, without the command-line
framework; anything else goes to the full command line (ADR 0018)."""

import re
import subprocess
import sys

from typer.testing import CliRunner

from casegrip.cli import app

from .test_validate_cli import FAKE_903

# Runs the `casegrip` command's entry point with the arguments given, then says whether the
# command-line framework was imported.
LAUNCH = (
    "import sys\n"
    "from casegrip.launch import main\n"
    "sys.argv = ['casegrip', *sys.argv[1:]]\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    print('typer imported:', 'typer' in sys.modules)\n"
)


def launch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *args], capture_output=True, text=True, timeout=120
    )


def without_timing(text: str) -> str:
    return re.sub(r"\(\d+\.\d s\)", "(time)", text)


def test_plain_arguments_are_checked_without_the_framework_as_the_full_command_does(tmp_path):
    args = ["returns", "validate", str(FAKE_903), "--year", "2025", "--la", "318"]
    quick = launch(*args, "--out", str(tmp_path / "quick.csv"))
    assert quick.returncode == 0, quick.stderr
    assert quick.stdout.strip().endswith("typer imported: False")
    full = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "full.csv")])
    assert full.exit_code == 0, full.output
    summary = quick.stdout.rsplit("typer imported", 1)[0]
    assert without_timing(summary) == without_timing(full.output).replace("full.csv", "quick.csv")
    assert (tmp_path / "quick.csv").read_bytes() == (tmp_path / "full.csv").read_bytes()


def test_a_return_that_is_not_there_is_refused_on_the_quick_way_too(tmp_path):
    ran = launch("returns", "validate", str(tmp_path / "nothing"), "--year", "2025")
    assert ran.returncode == 2
    assert f"{tmp_path / 'nothing'} does not exist." in ran.stderr
    assert "typer imported: False" in ran.stdout


def test_help_and_mistakes_are_answered_by_the_full_command_line():
    helped = launch("returns", "validate", "--help")
    assert helped.returncode == 0
    assert "Check a return against the DfE validation rules" in helped.stdout
    assert "typer imported: True" in helped.stdout
    for mistake, said in (
        (["--year", "2025"], "Missing argument 'PATH'"),
        ([str(FAKE_903)], "Missing option '--year'"),
        ([str(FAKE_903), "--year", "last"], "Invalid value for '--year'"),
        ([str(FAKE_903), "--year", "2025", "--colour"], "No such option: --colour"),
    ):
        ran = launch("returns", "validate", *mistake)
        assert ran.returncode == 2, mistake
        told = " ".join(ran.stderr.replace("│", " ").split()).lower()
        assert said.lower() in told, (mistake, ran.stderr)
        assert "typer imported: True" in ran.stdout


def test_other_commands_go_to_the_full_command_line():
    ran = launch("--version")
    assert "typer imported: True" in ran.stdout
