"""How long the performance clinic's PDF pack takes to build, against its HTML page.

Target (issue 5): a clinic pack PDF builds in under 20 seconds on the `city` synthetic
authority. The pack here is the whole authority's (the biggest: every exception with its chart,
the caseload distribution, every team's weekly-list totals). The baseline, measured in the same
run, is the same pack as a web page (the same figures and chart specs, drawn by the browser
instead): the ratio is what printing to PDF (vl-convert's SVG charts, WeasyPrint) adds.

    .venv/bin/python bench/bench_clinic_pack.py [--home DIR]

--home: a CASEGRIP_HOME with a live city snapshot and its figures (`casegrip synth --profile
city` then `casegrip import`); without it one is made in a temporary folder (about a minute).
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


def make_home() -> Path:
    home = Path(tempfile.mkdtemp(prefix="casegrip-bench-pack-"))
    env = {**os.environ, "CASEGRIP_HOME": str(home)}
    extract = home / "extract"
    print("Making the city authority (synthesise, import, work out figures)...", flush=True)
    for args in (
        ["synth", "--profile", "city", "--out", str(extract)],
        ["import", str(extract), "--no-sync"],
    ):
        subprocess.run([str(BIN / "casegrip"), *args], env=env, check=True, capture_output=True)  # noqa: S603
    return home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path)
    args = parser.parse_args()
    home = args.home or make_home()
    os.environ["CASEGRIP_HOME"] = str(home)
    os.environ.setdefault("CASEGRIP_SECRET_KEY", secrets.token_urlsafe(50))
    # The oversight record in a throwaway SQLite file: the pack reads units and staff from it.
    os.environ["DATABASE_URL"] = f"sqlite:///{home / 'bench-pack.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casegrip.web.settings.demo")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from casegrip.measures.results import warm
    from casegrip.web.accounts import actions
    from casegrip.web.organisation.models import OrgUnit
    from casegrip.web.organisation.sync import sync_from_live_snapshot

    call_command("migrate", verbosity=0)
    sync_from_live_snapshot()
    authority = OrgUnit.objects.get(kind="authority")
    name = f"bench-director-{secrets.token_hex(3)}"
    user = actions.create_user(
        username=name, password=secrets.token_urlsafe(12), check_password=False
    )
    actions.assign_role(user=user, role="director", unit=authority)
    warm()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    query = {"unit": authority.pk}

    client.get("/performance/clinic/", query)  # first use of each template and chart shape
    start = time.perf_counter()
    page = client.get("/performance/clinic/", query)
    page_seconds = time.perf_counter() - start
    for old in (home / "packs").glob("clinic-*.pdf") if (home / "packs").exists() else ():
        old.unlink()
    start = time.perf_counter()
    pdf = client.get("/performance/clinic.pdf", query)
    pdf_seconds = time.perf_counter() - start
    if page.status_code != 200 or pdf.status_code != 200 or not pdf.content.startswith(b"%PDF"):
        sys.exit(f"failed: page {page.status_code}, pdf {pdf.status_code}")
    exceptions = page.content.decode().count('class="cg-exception"')
    print(f"pack for {authority.name}: {exceptions} exceptions, PDF {len(pdf.content):,} bytes")
    print(f"baseline, the pack as a web page: {page_seconds:.2f} s")
    ratio = pdf_seconds / page_seconds
    print(f"the pack as a PDF with its charts: {pdf_seconds:.2f} s ({ratio:.1f}x the page)")
    met = pdf_seconds < 20
    print(f"target under 20 s: {'met' if met else 'NOT met'}")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
