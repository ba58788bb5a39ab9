"""The weekly list: whose items each role sees, in what order, filtered, and exported; every
view and export is written to the access log."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from casegrip.measures.results import figures
from casegrip.web.accounts.models import AccessLog
from casegrip.web.performance.weekly import totals_by_team, urgency

from ..conftest import client_for

EAST = "East Family Support and Protection"
WEST = "West Family Support and Protection"
URL = reverse("performance:weekly")


def _team_items(small, name):
    team = small.unit(name).source_id
    return [i for i in figures(small.snapshot).due if i.team_id == team]


def test_team_manager_sees_their_teams_items_most_urgent_first(small):
    manager = small.user("team-manager", small.unit(EAST))
    response = client_for(manager).get(URL)
    assert response.status_code == 200
    expected = sorted(_team_items(small, EAST), key=urgency)
    assert expected, "the small authority has items due for this team"
    rows = response.context["rows"]
    assert response.context["total"] == len(expected)
    assert [r["item"] for r in rows] == expected[:100]
    # Overdue before due soon, and the longest overdue first.
    statuses = [r["item"].status for r in rows]
    assert statuses == sorted(statuses, key=lambda s: s != "overdue")
    overdue = [r["item"].working_days for r in rows if r["item"].status == "overdue"]
    assert overdue == sorted(overdue, reverse=True)
    entry = AccessLog.objects.get(user=manager, action=AccessLog.Action.VIEW)
    assert set(entry.child_ids) == {i.child_id for i in expected[:100] if i.child_id}


def test_filters_by_kind_and_status(small):
    manager = small.user("team-manager", small.unit(EAST))
    response = client_for(manager).get(
        URL, {"item": ["CP visit", "Assessment"], "status": "overdue"}
    )
    rows = [r["item"] for r in response.context["rows"]]
    assert rows
    assert {i.item for i in rows} <= {"CP visit", "Assessment"}
    assert {i.status for i in rows} == {"overdue"}
    expected = [
        i
        for i in _team_items(small, EAST)
        if i.item in ("CP visit", "Assessment") and i.status == "overdue"
    ]
    assert len(rows) == len(expected)


def test_social_worker_sees_only_their_own_list(small):
    staff = small.worker_with_children(EAST)
    sw = small.user("social-worker", small.unit(EAST), staff=staff)
    client = client_for(sw)
    # Performance, for them, is their own weekly list.
    assert client.get(reverse("performance:index")).url == URL
    response = client.get(URL)
    assert response.status_code == 200
    items = [r["item"] for r in response.context["rows"]]
    assert items
    assert {i.worker_id for i in items} == {staff.professional_id}
    assert client.get(URL, {"unit": small.unit(EAST).pk}).status_code == 403
    colleague = next(s for s in small.unit(EAST).staff.exclude(pk=staff.pk) if s.professional_id)
    assert client.get(URL, {"worker": colleague.pk}).status_code == 403
    assert AccessLog.objects.filter(user=sw, action=AccessLog.Action.DENIED).exists()
    # A worker may download their own list; the download is logged.
    export = client.get(reverse("performance:weekly_export", args=["csv"]))
    assert export.status_code == 200
    assert AccessLog.objects.filter(user=sw, action=AccessLog.Action.EXPORT).exists()


def test_other_locality_and_aggregate_roles_are_refused(small):
    manager = small.user("team-manager", small.unit(EAST))
    assert client_for(manager).get(URL, {"unit": small.unit(WEST).pk}).status_code == 403
    board = small.user("board-member", small.authority)
    assert client_for(board).get(URL).status_code == 403
    iro = small.user("iro", small.authority)
    csv_url = reverse("performance:weekly_export", args=["csv"])
    assert client_for(iro).get(URL).status_code == 200
    assert client_for(iro).get(csv_url).status_code == 403  # no export rights


def test_exports_have_the_pages_rows_and_are_logged(small):
    manager = small.user("team-manager", small.unit(EAST))
    client = client_for(manager)
    page = client.get(URL, {"status": "overdue"})
    shown = [r["item"] for r in page.context["rows"]]
    body = client.get(reverse("performance:weekly_export", args=["csv"]), {"status": "overdue"})
    rows = list(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
    assert [(r["What"], r["Child"], r["Due"]) for r in rows] == [
        (i.item, i.child_id or "", i.due.isoformat()) for i in shown
    ]
    xlsx = client.get(reverse("performance:weekly_export", args=["xlsx"]), {"status": "overdue"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "Status"
    assert sheet.max_row == len(shown) + 1
    exports = AccessLog.objects.filter(user=manager, action=AccessLog.Action.EXPORT)
    assert exports.count() == 2
    assert set(exports.first().child_ids) == {i.child_id for i in shown if i.child_id}


def test_totals_by_team_count_overdue_and_due(small):
    due = figures(small.snapshot).due
    east = small.unit(EAST).source_id
    totals = totals_by_team(due, [east, "no-such-team"])
    items = [i for i in due if i.team_id == east]
    assert totals[east] == {
        "overdue": sum(i.status == "overdue" for i in items),
        "due": sum(i.status == "due" for i in items),
    }
    assert totals["no-such-team"] == {"overdue": 0, "due": 0}


def test_a_long_list_comes_in_pages_and_only_the_page_shown_is_logged(small):
    director = small.user("director", small.authority)
    client = client_for(director)
    everything = sorted(figures(small.snapshot).due, key=urgency)
    assert len(everything) > 100, "the small authority has more than a page of items"
    first = client.get(URL)
    assert [r["item"] for r in first.context["rows"]] == everything[:100]
    assert first.context["total"] == len(everything)
    second = client.get(URL, {"page": 2})
    assert [r["item"] for r in second.context["rows"]] == everything[100:200]
    logged = AccessLog.objects.filter(user=director).order_by("pk").last()
    assert set(logged.child_ids) == {i.child_id for i in everything[100:200] if i.child_id}
    assert client.get(URL, {"page": "x"}).status_code == 200


def test_a_social_worker_not_linked_to_a_worker_is_told_why(small):
    sw = small.user("social-worker", small.unit(EAST))
    response = client_for(sw).get(URL)
    assert response.status_code == 200
    assert "not linked to a worker" in response.content.decode()
    assert not AccessLog.objects.filter(user=sw).exists()
