"""Child-level pages write to the access log; refusals of child-level pages do too."""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from casegrip.web.accounts.access import ChildRef, ChildView, check
from casegrip.web.accounts.access_log import record_access
from casegrip.web.accounts.models import AccessLog

from .conftest import client_for


def test_viewing_a_caseload_is_logged_with_who_what_and_where(org, make_user, worker):
    member = worker(org["team_a"])
    manager = make_user("team-manager", org["team_a"])

    client_for(manager).get(reverse("workforce:caseload", args=[member.pk]))

    entry = AccessLog.objects.get()
    assert entry.user == manager
    assert entry.action == AccessLog.Action.VIEW
    assert entry.what == "worker caseload"
    assert entry.unit == org["team_a"]
    assert entry.path == reverse("workforce:caseload", args=[member.pk])


def test_a_refused_caseload_is_logged_as_refused(org, make_user, worker):
    member = worker(org["team_b"])
    outsider = make_user("team-manager", org["team_a"])

    response = client_for(outsider).get(reverse("workforce:caseload", args=[member.pk]))

    assert response.status_code == 403
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action) == (outsider, AccessLog.Action.DENIED)


def test_aggregate_and_team_pages_are_not_child_level_and_not_logged(org, make_user):
    client = client_for(make_user("team-manager", org["team_a"]))
    client.get(reverse("workforce:unit", args=[org["team_a"].pk]))
    client.get(reverse("performance:index"))
    assert not AccessLog.objects.exists()


def test_record_access_keeps_a_list_of_children_sorted_and_unique(org, make_user, rf):
    request = rf.get("/performance/x/children/?page=2")
    request.user = make_user("team-manager", org["team_a"])

    entry = record_access(
        request, what="numerator list", action="export", child_ids=["C3", "C1", "C3"]
    )

    assert entry.child_ids == ["C1", "C3"]
    assert entry.path == "/performance/x/children/?page=2"
    assert entry.action == "export"


def test_refused_child_record_names_the_child_in_the_log_only(org, make_user, rf, caplog):
    request = rf.get("/children/C-42/")
    request.user = make_user("team-manager", org["team_b"])
    child = ChildView(ChildRef("C-42", units=(org["team_a"],)))

    caplog.set_level(logging.DEBUG)
    with pytest.raises(PermissionDenied):
        check(request, child, what="child record")
    assert AccessLog.objects.get().child_id == "C-42"
    assert "C-42" not in caplog.text


def test_application_logs_carry_the_route_not_the_child_id(org, make_user, worker, caplog):
    member = worker(org["team_b"])
    client = client_for(make_user("team-manager", org["team_a"]))
    url = reverse("workforce:caseload", args=[member.pk])

    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(url)

    from casegrip.web.log_filters import RedactRequestPaths

    messages = []
    for record in caplog.records:
        RedactRequestPaths().filter(record)
        messages.append(record.getMessage())
    assert messages, "Django should log the refused request"
    assert all(url not in m for m in messages)
    assert any("workers/<int:pk>/caseload/" in m for m in messages)
