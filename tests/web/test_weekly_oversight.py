"""What the oversight record adds to the weekly list: escalation stages waiting for a response
on the addressee's list and their team's (audit actions are in test_quality.py)."""

from datetime import date

from casegrip.web.escalations import actions as escalations
from casegrip.web.organisation.models import StaffMember

from ..conftest import client_for


def test_an_unanswered_stage_is_on_the_addressees_and_the_teams_weekly_list(small):
    team = small.unit("East Children in Care")
    manager = StaffMember.objects.get(unit=team, job_title="Team manager")
    tm_user = manager.user or small.user("team-manager", team, staff=manager)
    iro = small.user("iro", small.authority)
    child = small.children_of(small.worker_with_children(team.name))[0]["child_id"]
    escalation = escalations.raise_escalation(
        actor=iro,
        raised_by_role="iro",
        child_id=child,
        team=team,
        plan_type="cla",
        category="practice",
        subcategory="care-plan",
        description="The care plan has not been updated since the placement moved.",
        desired_outcome="An updated care plan before the next review.",
        informal_logged_at=date(2026, 11, 2),
    )
    escalations.formalise(
        actor=iro, escalation=escalation, addressee_staff=manager, on=date(2026, 11, 9)
    )
    mine = client_for(tm_user).get("/performance/weekly/?item=Escalation+response")
    assert mine.status_code == 200
    assert escalation.ref.encode() in mine.content
    assert b"stage 1 issued on 09 November 2026" in mine.content
    # Answered, it leaves the list.
    escalations.respond(
        actor=tm_user, escalation=escalation, text="Plan updated.", on=date(2026, 11, 20)
    )
    after = client_for(tm_user).get("/performance/weekly/?item=Escalation+response")
    assert escalation.ref.encode() not in after.content
