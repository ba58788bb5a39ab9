"""Scope decisions for a list of children, against the cheapest possible decision.

A child-level list (a team's caseload, a numerator list) asks the access helper once per child.
Baseline: a bare set-membership test per child, the least any scope check could cost. Reports
how many times slower the real decision is, for a team manager and a social worker, and the
decisions per second; the real decision must stay well under a millisecond per child.
"""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casegrip.web.settings.test")

import django

django.setup()

from django.test.utils import setup_test_environment

setup_test_environment()
from django.db import connection
from django.test.utils import get_runner

CHILDREN = 10_000


def main() -> None:
    from django.conf import settings

    runner = get_runner(settings)(verbosity=0)
    old = runner.setup_databases()
    try:
        run()
    finally:
        runner.teardown_databases(old)
        connection.close()


def run() -> None:
    from casegrip.web.accounts.access import ChildRef, ChildView, Grants
    from casegrip.web.demo import ensure_demo
    from casegrip.web.organisation.models import OrgUnit, StaffMember

    ensure_demo("bench-password-1")
    from casegrip.web.accounts.models import User

    teams = list(OrgUnit.objects.filter(kind="team"))
    workers = list(StaffMember.objects.values_list("professional_id", flat=True))
    children = [
        ChildRef(f"C{i}", units=(teams[i % len(teams)],), worker_ids=(workers[i % len(workers)],))
        for i in range(CHILDREN)
    ]
    allowed_ids = {c.child_id for c in children[::3]}

    start = time.perf_counter()
    baseline_seen = sum(c.child_id in allowed_ids for c in children)
    baseline = time.perf_counter() - start

    for username in ("team-manager", "social-worker", "director"):
        grants = Grants(User.objects.get(username=username))
        start = time.perf_counter()
        seen = sum(grants.may_see(ChildView(c)) for c in children)
        took = time.perf_counter() - start
        print(
            f"{username:>14}: {CHILDREN} decisions in {took * 1000:.1f} ms "
            f"({CHILDREN / took:,.0f}/s, {took / CHILDREN * 1e6:.1f} us each), "
            f"{seen} visible; {took / baseline:.1f}x the bare set lookup "
            f"({baseline * 1000:.2f} ms, {baseline_seen} visible)"
        )
        assert took / CHILDREN < 1e-3, "a scope decision must stay under a millisecond"


if __name__ == "__main__":
    main()
