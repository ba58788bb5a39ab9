"""Each role's scope: what it may open, and the 403 it gets everywhere else."""

import pytest
from django.urls import reverse

from casegrip.web.accounts.access import ChildRef, ChildView, Grants
from casegrip.web.accounts.roles import CHILD_LEVEL, ROLES, Permission

from .conftest import client_for

ALL_ROLES = sorted(ROLES)
CHILD_ROLES = sorted(s for s, r in ROLES.items() if r.permissions & CHILD_LEVEL)


def unit_url(unit):
    return reverse("workforce:unit", args=[unit.pk])


def caseload_url(member):
    return reverse("workforce:caseload", args=[member.pk])


def test_team_manager_sees_own_team_and_gets_403_on_another(org, make_user, worker):
    manager = make_user("team-manager", org["team_a"])
    colleague_elsewhere = worker(org["team_b"])
    client = client_for(manager)

    assert client.get(unit_url(org["team_a"])).status_code == 200
    assert client.get(unit_url(org["team_b"])).status_code == 403
    assert client.get(caseload_url(colleague_elsewhere)).status_code == 403


def test_role_on_a_locality_applies_to_its_teams_only(org, make_user):
    client = client_for(make_user("service-manager", org["north"]))

    assert client.get(unit_url(org["north"])).status_code == 200
    assert client.get(unit_url(org["team_a"])).status_code == 200
    assert client.get(unit_url(org["team_b"])).status_code == 200
    assert client.get(unit_url(org["team_c"])).status_code == 403
    assert client.get(unit_url(org["service"])).status_code == 403


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_child_level_roles_reach_a_caseload(role, org, make_user, worker):
    member = worker(org["team_a"])
    client = client_for(make_user(role, org["authority"]))

    status = client.get(caseload_url(member)).status_code

    assert status == (200 if Permission.VIEW_CHILD_RECORDS in ROLES[role].permissions else 403)


def test_board_member_never_reaches_a_child_level_page(org, make_user, worker):
    board = make_user("board-member", org["authority"])
    member = worker(org["team_a"])
    child = ChildRef("C-1", units=(org["team_a"],), worker_ids=(member.professional_id,))

    assert client_for(board).get(caseload_url(member)).status_code == 403
    assert not Grants(board).may_see(ChildView(child))
    assert not (ROLES["board-member"].permissions & CHILD_LEVEL)


def test_social_worker_sees_only_their_own_caseload(org, make_user, worker):
    me = worker(org["team_a"])
    colleague = worker(org["team_a"])
    user = make_user("social-worker", org["team_a"], staff=me)
    client = client_for(user)

    assert client.get(caseload_url(me)).status_code == 200
    assert client.get(caseload_url(colleague)).status_code == 403
    assert client.get(unit_url(org["team_a"])).status_code == 403
    assert client.get(reverse("quality:programmes")).status_code == 403
    assert client.get(reverse("data:index")).status_code == 403


def test_child_decisions_follow_team_and_allocation(org, make_user, worker):
    allocated = worker(org["team_a"])
    other = worker(org["team_a"])
    child = ChildView(ChildRef("C-7", units=(org["team_a"],), worker_ids=("P001",)))
    assert allocated.professional_id == "P001"

    assert Grants(make_user("team-manager", org["team_a"])).may_see(child)
    assert not Grants(make_user("team-manager", org["team_b"])).may_see(child)
    assert Grants(make_user("service-manager", org["north"])).may_see(child)
    assert Grants(make_user("social-worker", org["team_a"], staff=allocated)).may_see(child)
    assert not Grants(make_user("social-worker", org["team_a"], staff=other)).may_see(child)
    assert Grants(make_user("iro", org["authority"])).may_see(child)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("social-worker", {"Performance", "Quality", "Workforce"}),
        ("team-manager", {"Performance", "Quality", "Escalations", "Improvement", "Workforce"}),
        ("qa-officer", {"Performance", "Quality", "Improvement", "Workforce"}),
        ("iro", {"Performance", "Quality", "Escalations", "Improvement"}),
        ("performance-analyst", {"Performance", "Quality", "Improvement", "Workforce", "Data"}),
        ("board-member", {"Performance", "Quality", "Improvement"}),
        ("administrator", {"Workforce", "Data"}),
    ],
)
def test_navigation_shows_the_sections_a_role_opens(role, expected, org, make_user):
    client = client_for(make_user(role, org["authority"]))
    home = client.get(reverse("home"))
    shown = {item.label for item in home.context["nav_items"]}

    assert shown == expected
    for app in ("performance", "quality", "escalations", "improvement", "workforce", "data"):
        # A social worker's Performance is their own weekly list: followed to where it lands.
        status = client.get(reverse(f"{app}:index"), follow=True).status_code
        assert status == (200 if app.capitalize() in expected else 403), app


@pytest.mark.parametrize("role", ALL_ROLES)
def test_home_says_who_you_are_and_what_you_can_see(role, org, make_user):
    user = make_user(role, org["team_a"])
    page = client_for(user).get(reverse("home")).content.decode()

    assert user.username in page
    assert ROLES[role].name in page
    assert "Team A" in page
    assert "What you can see" in page


def test_signed_out_visitors_are_sent_to_sign_in(org, client):
    response = client.get(unit_url(org["team_a"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_admin_is_for_administrators_only(org, make_user):
    admin = client_for(make_user("administrator", org["authority"]))
    director = client_for(make_user("director", org["authority"]))

    assert admin.get("/admin/").status_code == 200
    refused = director.get("/admin/")
    assert refused.status_code == 302
    assert "/admin/login/" in refused.url


def test_a_staff_flag_alone_does_not_open_the_admin(org, make_user):
    user = make_user("director", org["authority"])
    user.is_staff = user.is_superuser = True
    user.save()
    assert client_for(user).get("/admin/").status_code == 302


def test_components_gallery_is_for_administrators_outside_debug(org, make_user):
    assert (
        client_for(make_user("administrator", org["authority"]))
        .get(reverse("dev:components"))
        .status_code
        == 200
    )
    assert (
        client_for(make_user("director", org["authority"]))
        .get(reverse("dev:components"))
        .status_code
        == 403
    )


def test_unknown_pages_get_a_plain_english_404(org, make_user):
    response = client_for(make_user("director", org["authority"])).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
