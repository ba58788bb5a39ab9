"""Caseloads by team and worker: counts that match the case record, outliers, scope, the
unallocated list (child-level, logged), and dates that cannot be used."""

import csv
import io

from django.urls import reverse

from casegrip.web.accounts.models import AccessLog

from ..conftest import client_for

EAST = "East Family Support and Protection"
URL = reverse("workforce:caseloads")


def test_team_managers_workers_and_counts_match_the_case_record(small):
    team = small.unit(EAST)
    manager = small.user("team-manager", team)
    response = client_for(manager).get(URL)
    assert response.status_code == 200
    loads = {w.worker_id: w for w in response.context["loads"]}
    worker = small.worker_with_children(EAST)
    assert loads[worker.professional_id].cases == len(small.children_of(worker))
    for w in loads.values():
        assert (w.over > 0) == (w.cases > (15 if w.asye else 18))
    page = response.content.decode()
    over = [w for w in loads.values() if w.over > 0]
    assert page.count("Above by") == len(over)


def test_head_of_service_sees_units_below_and_csv(small):
    head = small.user("head-of-service", small.unit("Children's Social Care"))
    client = client_for(head)
    response = client.get(URL)
    names = [r["unit"].name for r in response.context["by_unit"]]
    assert "East locality" in names
    body = client.get(reverse("workforce:caseloads_csv")).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == len(response.context["loads"])
    assert set(rows[0]) >= {"Worker", "Team", "Children", "Target"}


def test_scope_and_social_workers(small):
    manager = small.user("team-manager", small.unit(EAST))
    west = small.unit("West Family Support and Protection")
    assert client_for(manager).get(URL, {"unit": west.pk}).status_code == 403
    staff = small.worker_with_children(EAST)
    sw = small.user("social-worker", small.unit(EAST), staff=staff)
    client = client_for(sw)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("workforce:caseloads_csv")).status_code == 403
    assert client.get(reverse("workforce:caseload", args=[staff.pk])).status_code == 200
    colleague = small.unit(EAST).staff.exclude(pk=staff.pk).first()
    assert client.get(reverse("workforce:caseload", args=[colleague.pk])).status_code == 403


def test_unallocated_list_is_child_level(small):
    director = small.user("director", small.authority)
    response = client_for(director).get(URL, {"unit": small.authority.pk})
    unallocated = response.context["unallocated"]
    assert response.context["summary"]["unallocated"] == len(unallocated)
    assert unallocated, "the small authority has open cases with nobody allocated"
    entry = AccessLog.objects.get(user=director, what="unallocated cases")
    assert set(entry.child_ids) == {u["child_id"] for u in unallocated}
    analyst = small.user("performance-analyst", small.authority)
    assert client_for(analyst).get(URL).context["unallocated"] is not None


def test_dates_that_cannot_be_used_say_why(small):
    manager = small.user("team-manager", small.unit(EAST))
    client = client_for(manager)
    bad = client.get(URL, {"date": "31/02/2026"})
    assert bad.status_code == 200
    assert "is not a date" in bad.content.decode()
    future = client.get(URL, {"date": "2027-01-01"})
    assert "The case record goes up to 30 October 2026" in future.content.decode()
    earlier = client.get(URL, {"date": "2026-06-01"})
    assert earlier.context["day"].isoformat() == "2026-06-01"
    assert earlier.context["error"] == ""
