"""The organisation tree: where units may sit, and 'this unit and everything below'."""

import pytest
from django.core.exceptions import ValidationError

from casegrip.synth.organisation import city
from casegrip.web.organisation import actions
from casegrip.web.organisation.models import OrgUnit, StaffMember


def test_descendants_are_the_unit_and_everything_below(org):
    names = {u.name for u in org["north"].descendants()}
    assert names == {"North", "Team A", "Team B"}
    assert org["service"].contains(org["team_c"])
    assert not org["north"].contains(org["team_c"])
    assert [u.name for u in org["team_a"].ancestors()] == ["Testshire", "Social care", "North"]


@pytest.mark.parametrize(
    ("kind", "parent", "message"),
    [
        ("locality", "authority", "A locality must sit under a service."),
        ("service", "north", "A service must sit under a authority."),
        ("team", "team_a", "A team must sit under a locality or service."),
        ("authority", "service", "An authority is the top of the tree and has no parent."),
    ],
)
def test_units_must_sit_under_the_right_kind_of_parent(org, kind, parent, message):
    with pytest.raises(ValidationError) as caught:
        actions.create_unit(kind=kind, name="Misplaced", parent=org[parent])
    assert caught.value.messages == [message]
    assert not OrgUnit.objects.filter(name="Misplaced").exists()


def test_a_team_may_hang_off_a_service_without_a_locality(org):
    team = actions.create_unit(kind="team", name="Front Door", parent=org["service"])
    assert org["service"].contains(team)
    assert team.depth == 2


def test_city_plan_loads_whole_with_teams_localities_and_staff(db):
    plan = city(seed=1)
    authority = actions.load_plan(plan)

    units = authority.descendants()
    assert units.filter(kind="locality").count() == 3
    assert units.filter(kind="team").count() == 1 + 3 * 5 + 3 + 3
    assert StaffMember.objects.count() == len(plan.staff)
    assert StaffMember.objects.filter(is_asye=True).exists()
    assert all(u.source_id for u in units.exclude(kind="authority"))


def test_loading_the_same_authority_twice_is_refused_and_changes_nothing(db):
    actions.load_plan(city(seed=1))
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationError):
        actions.load_plan(city(seed=1))
    assert OrgUnit.objects.count() == before


def test_city_plan_is_reproducible_from_its_seed():
    assert city(seed=3) == city(seed=3)
    assert city(seed=3).staff != city(seed=4).staff


def test_caseload_target_is_lower_for_asye(org, worker):
    assert worker(org["team_a"], is_asye=True).caseload_target == 15
    assert worker(org["team_a"]).caseload_target == 18
