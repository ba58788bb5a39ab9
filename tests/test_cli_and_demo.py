"""The casegrip command: users, doctor, and the demo's authority and logins."""

import pytest
from django.contrib.auth import authenticate
from typer.testing import CliRunner

from casegrip.cli import app
from casegrip.web.accounts.models import AuditEvent, RoleAssignment, User
from casegrip.web.accounts.roles import ROLES
from casegrip.web.demo import ensure_demo

runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, [*args], input=input, catch_exceptions=False)


def test_users_create_assign_and_list(org):
    created = invoke(
        "users",
        "create",
        "jo",
        "--settings",
        "test",
        "--first-name",
        "Jo",
        input="correct-horse-battery\ncorrect-horse-battery\n",
    )
    assert created.exit_code == 0, created.output
    assigned = invoke("users", "assign", "jo", "team-manager", "Team A", "--settings", "test")
    assert assigned.exit_code == 0, assigned.output

    assignment = RoleAssignment.objects.get(user__username="jo")
    assert (assignment.role, assignment.unit) == ("team-manager", org["team_a"])
    assert AuditEvent.objects.filter(verb="assigned role").count() == 1
    listing = invoke("users", "list", "--settings", "test")
    assert "Team manager for Team A" in listing.output


def test_users_assign_refuses_an_unknown_role_or_unit(org):
    invoke("users", "create", "sam", "--settings", "test", input="long-enough-pass\n" * 2)

    unknown_role = invoke("users", "assign", "sam", "overlord", "Team A", "--settings", "test")
    unknown_unit = invoke("users", "assign", "sam", "director", "Atlantis", "--settings", "test")

    assert unknown_role.exit_code == 2
    assert "Unknown role 'overlord'" in unknown_role.output
    assert unknown_unit.exit_code == 2
    assert not RoleAssignment.objects.exists()


def test_users_create_refuses_a_weak_password(db):
    result = invoke("users", "create", "weak", "--settings", "test", input="123\n123\n")
    assert result.exit_code == 2
    assert "Not created" in result.output
    assert not User.objects.filter(username="weak").exists()


def test_doctor_reports_database_and_snapshot(db):
    result = invoke("doctor", "--settings", "test")
    assert result.exit_code == 0, result.output
    assert "Oversight database" in result.output
    assert "Live snapshot" in result.output
    assert "none yet" in result.output


def test_demo_creates_one_user_per_role_each_able_to_sign_in(db):
    logins = ensure_demo("demo-password-1")

    assert [login.username for login in logins] == list(ROLES)
    for slug in ROLES:
        user = authenticate(username=slug, password="demo-password-1")
        assert user is not None, slug
        assert list(user.role_assignments.values_list("role", flat=True)) == [slug]
    sw = User.objects.get(username="social-worker")
    assert sw.staff.unit.name == "North Safeguarding 1"
    assert RoleAssignment.objects.get(user__username="director").unit.kind == "authority"


def test_demo_is_repeatable_and_resets_the_password(db):
    ensure_demo("first-password-1")
    ensure_demo("second-password-2")

    assert User.objects.count() == len(ROLES)
    assert authenticate(username="director", password="second-password-2") is not None
    assert authenticate(username="director", password="first-password-1") is None


@pytest.mark.parametrize("slug", ["board-member", "director"])
def test_demo_users_without_a_caseload_have_no_staff_record(slug, db):
    ensure_demo("demo-password-1")
    assert not hasattr(User.objects.get(username=slug), "staff")
