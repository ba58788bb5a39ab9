"""Organisation plans and profiles of the synthetic authorities."""

from datetime import date

from casegrip.synth import PROFILES, synthesise
from casegrip.synth.organisation import SOCIAL_WORKER, city, small
from casegrip.synth.profiles import CITY, england_profiles
from casegrip.synth.teams import team_roles


def test_city_defaults_are_unchanged_by_the_new_options():
    plan = city(seed=1)
    assert plan == city(1, 8, team_sizes=None, seniors_per_team=0, personal_advisers=False)
    assert len(plan.staff) == 195
    assert {s.job_title for s in plan.staff} >= {SOCIAL_WORKER, "Team manager"}
    assert "Senior social worker" not in {s.job_title for s in plan.staff}


def test_the_city_profile_keeps_the_demo_team_and_has_about_430_social_workers():
    plan = CITY.organisation(1)
    team = next(u for u in plan.units if u.name == "North Safeguarding 1")
    titles = [s.job_title for s in plan.staff if s.unit_id == team.source_id]
    assert titles.count("Team manager") == 1
    assert SOCIAL_WORKER in titles
    social_work = [
        s for s in plan.staff if s.job_title not in ("Personal adviser", "Performance analyst")
    ]
    assert 420 <= len(social_work) <= 480
    roles = team_roles(plan)
    assert len(roles.localities) == 3
    assert len({t for loc in roles.localities for t in loc.assessment}) == 6


def test_the_small_plan_has_a_front_door_two_localities_of_two_teams_and_iros():
    plan = small()
    roles = team_roles(plan)
    names = {u.source_id: u.name for u in plan.units}
    assert names[roles.front_door] == "Front Door"
    assert names[roles.iro] == "Independent Reviewing Officers"
    assert len(roles.localities) == 2
    for loc in roles.localities:
        assert loc.assessment == loc.safeguarding
        assert loc.leaving_care == loc.adoption == loc.cla
    assert [u.kind for u in plan.units].count("team") == 6
    assert set(PROFILES) == {"city", "small"}


def test_england_authorities_have_distinct_codes_and_ids():
    profiles = england_profiles(12, seed=1)
    assert len({p.la_code for p in profiles}) == 12
    assert len({p.prefix for p in profiles}) == 12
    assert len({p.child_population for p in profiles}) > 4
    smallest = min(profiles, key=lambda p: p.child_population)
    result = synthesise(smallest, years=1, seed=3, end_date=date(2024, 3, 31))
    assert result.config.la_code == smallest.la_code
    # a made-up DfE code, so the ONS code of the area its children live in (ADR 0017)
    assert result.config.ons_code == "E09000027"
    people = result.extract.tables["ssd_person"].column("pers_person_id").to_pylist()
    staff = result.extract.tables["ssd_professionals"].column("prof_professional_id").to_pylist()
    teams = result.extract.tables["ssd_department"].column("dept_team_id").to_pylist()
    for ids in (people, staff, teams):
        assert ids
        assert all(i.startswith(smallest.prefix) for i in ids)
