"""How long the oversight pages take on the city demo with its two years of history: the QA
report, the action and escalation lists, the risk heat map, the improvement board, supervision
compliance and the committee report (page, PDF, Word), against the home page measured in the same
run (a signed-in template with no figures).

Issues 6 and 7 set no speed target; this shows the pages stay quick with a city's history (about
1,500 audits, 2,700 escalations, 27,000 supervision sessions). One process, Django's test client,
the demo's database: it measures the server's work, not the network.

    .venv/bin/python bench/bench_oversight_pages.py [--home DIR] [--repeat 7]

--home: a CASEGRIP_HOME where `casegrip demo --no-serve` has run (the city snapshot, the demo
users and history); without it one is made in a temporary folder first (about four minutes).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PASSWORD = "bench-oversight-password"  # noqa: S105 (a throwaway demo in a scratch folder)
PAGES = (
    ("director", "QA report", "/quality/report/"),
    ("qa-officer", "audit actions (page 1)", "/quality/actions/?status=all"),
    ("director", "escalations (page 1)", "/escalations/"),
    ("director", "escalations report", "/escalations/report/"),
    ("director", "risk heat map", "/improvement/risks/heat-map/"),
    ("director", "improvement plans", "/improvement/"),
    ("director", "supervision compliance", "/workforce/supervision/"),
    ("director", "committee report page", "/improvement/committee/"),
    ("director", "committee report PDF", "/improvement/committee/report.pdf"),
    ("director", "committee report Word", "/improvement/committee/report.docx"),
)


def prepare(home: Path) -> None:
    env = {**os.environ, "CASEGRIP_HOME": str(home), "CASEGRIP_DEMO_PASSWORD": PASSWORD}
    print(f"Setting up the demo in {home} (synthesis, import, figures, history) ...", flush=True)
    subprocess.run([str(BIN / "casegrip"), "demo", "--no-serve"], env=env, check=True)  # noqa: S603


def timed(client, path: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or not body:
            raise SystemExit(f"{path} answered {response.status_code}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    scratch = None
    home = args.home
    if home is None:
        scratch = tempfile.TemporaryDirectory(prefix="casegrip-bench-")
        home = Path(scratch.name)
        prepare(home)
    os.environ["CASEGRIP_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casegrip.web.settings.demo")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from casegrip.web.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    clients = {}
    for username in {user for user, _, _ in PAGES}:
        client = Client()
        client.force_login(User.objects.get(username=username))
        clients[username] = client
    # The first request of each warms the process (figures, templates): not counted.
    for user, _, path in PAGES:
        timed(clients[user], path, 1)
    timed(clients["director"], "/", 1)
    baseline = statistics.median(timed(clients["director"], "/", args.repeat))
    print(f"\n{'page':<28}{'median ms':>10}{'max ms':>9}{'x home':>8}")
    print(f"{'baseline: home page':<28}{baseline:>10.0f}")
    for user, label, path in PAGES:
        times = timed(clients[user], path, args.repeat)
        median = statistics.median(times)
        print(f"{label:<28}{median:>10.0f}{max(times):>9.0f}{median / baseline:>8.1f}")
    if scratch is not None:
        scratch.cleanup()


if __name__ == "__main__":
    main()
