"""IRO and CP chair escalations: the state machine (every transition, legal and illegal),
working-day deadlines across bank holidays and closures, the 20-working-day limit, who may do
what, scope and the access log, the pages, the CSV export, the report and ``overdue_for``."""

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from casegrip.config import dump_config, parse_config
from casegrip.store.live import LiveSnapshot, set_live, snapshots_dir
from casegrip.store.snapshots import CONFIG_FILE
from casegrip.web import working_days
from casegrip.web.accounts import actions as account_actions
from casegrip.web.accounts.models import AccessLog, AuditEvent
from casegrip.web.escalations import actions, deadlines, report
from casegrip.web.escalations.actions import EscalationError
from casegrip.web.escalations.models import Escalation, EscalationStage, Outcome, Status
from casegrip.web.escalations.queries import overdue_for

from ..conftest import client_for

RAISED = date(2026, 12, 1)
CHRISTMAS_EVE_EVE = date(2026, 12, 23)  # a Wednesday, before Christmas and Boxing Day


@pytest.fixture
def people(org, make_user, worker):
    """An IRO for the whole authority, the managers above Team A, and a manager elsewhere."""
    return {
        "iro": make_user("iro", org["authority"]),
        "chair": make_user("iro", org["authority"]),
        "tm": make_user("team-manager", org["team_a"], staff=worker(org["team_a"], "Tess Manager")),
        "sm": make_user("service-manager", org["north"]),
        "hos": make_user("head-of-service", org["service"]),
        "director": make_user("director", org["authority"]),
        "outsider": make_user("team-manager", org["team_c"]),
    }


def raise_one(people, org, *, role: str = "iro", by: str = "iro", **overrides) -> Escalation:
    values = {
        "actor": people[by],
        "raised_by_role": role,
        "child_id": "CH-1001",
        "team": org["team_a"],
        "plan_type": "cla" if role == "iro" else "cp",
        "category": "practice",
        "subcategory": "care-plan",
        "description": "The care plan has not been updated since the last review.",
        "desired_outcome": "An updated care plan shared before the next review.",
        "informal_logged_at": RAISED,
        "informal_note_on_child_file": True,
    }
    return actions.raise_escalation(**(values | overrides))


def formal(people, org, *, on: date = date(2026, 12, 2), **kwargs) -> Escalation:
    kwargs.setdefault("informal_logged_at", min(RAISED, on))
    escalation = raise_one(people, org, **kwargs)
    actions.formalise(
        actor=people["iro"], escalation=escalation, addressee_user=people["tm"], on=on
    )
    return Escalation.objects.get(pk=escalation.pk)


def verbs(escalation: Escalation) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="escalations.escalation", object_id=str(escalation.pk)
        )
        .order_by("at", "id")
        .values_list("verb", flat=True)
    )


# Deadlines


def test_a_stage_issued_before_christmas_is_due_after_the_bank_holidays(people, org):
    escalation = formal(people, org, on=CHRISTMAS_EVE_EVE)
    stage = escalation.current()
    # 24, 29, 30, 31 December and 4 January: Christmas, Boxing Day (on Monday 28th in lieu)
    # and New Year's Day are bank holidays.
    assert stage.issued_at == CHRISTMAS_EVE_EVE
    assert stage.response_working_days == 5
    assert stage.response_due == date(2027, 1, 4)


def test_the_authoritys_closure_days_from_the_live_snapshot_also_do_not_count(
    people, org, tmp_path, monkeypatch
):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    config = parse_config(
        {
            "name": "Testshire",
            "la_code": "998",
            "child_population": 1000,
            "services": [{"id": "S", "name": "Social care", "teams": [{"id": "A", "name": "A"}]}],
            "closure_days": ["2026-12-24", "2026-12-29"],
        }
    )
    folder = snapshots_dir(tmp_path) / "snap-1"
    folder.mkdir(parents=True)
    (folder / CONFIG_FILE).write_text(dump_config(config))
    set_live(LiveSnapshot("snap-1", "2026-12-01", "2026-12-01T09:00", "test"), tmp_path)

    assert working_days.closure_days() == (date(2026, 12, 24), date(2026, 12, 29))
    stage = formal(people, org, on=CHRISTMAS_EVE_EVE).current()
    assert stage.response_due == date(2027, 1, 6)


def test_without_a_snapshot_the_calendar_is_englands_bank_holidays():
    assert working_days.closure_days() == ()
    assert deadlines.response_due(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_the_response_time_is_configurable_per_stage_and_by_setting(people, org, settings):
    escalation = raise_one(people, org)
    stage = actions.formalise(
        actor=people["iro"],
        escalation=escalation,
        addressee_user=people["tm"],
        response_days=10,
        on=CHRISTMAS_EVE_EVE,
    )
    assert stage.response_due == date(2027, 1, 11)
    settings.CASEGRIP_ESCALATION_RESPONSE_DAYS = 3
    other = formal(people, org, on=CHRISTMAS_EVE_EVE)
    assert other.current().response_due == date(2026, 12, 30)


def test_iro_escalations_must_end_within_20_working_days_of_the_formal_start(people, org):
    iro = formal(people, org, on=CHRISTMAS_EVE_EVE)
    assert iro.overall_deadline == date(2027, 1, 25)
    chair = formal(people, org, role="cp-chair", by="chair", on=CHRISTMAS_EVE_EVE)
    assert chair.overall_deadline is None  # the 20-day ceiling is the IRO Handbook's


def test_the_page_flags_an_iro_escalation_open_past_its_20_days(people, org):
    escalation = formal(people, org, on=date(2026, 10, 1))
    page = client_for(people["iro"]).get(reverse("escalations:detail", args=[escalation.pk]))
    assert page.context["over_limit"] is True
    assert 'id="over-limit"' in page.content.decode()
    actions.respond(actor=people["tm"], escalation=escalation, text="Done", on=date(2026, 10, 5))
    actions.accept_response(actor=people["iro"], escalation=escalation, on=date(2026, 10, 6))
    again = client_for(people["iro"]).get(reverse("escalations:detail", args=[escalation.pk]))
    assert again.context["over_limit"] is False


# The state machine: legal transitions


def test_informal_resolution(people, org):
    escalation = raise_one(people, org)
    assert escalation.ref == f"ESC-{escalation.pk:05d}"
    assert escalation.status == Status.INFORMAL
    done = actions.resolve_informally(
        actor=people["iro"], escalation=escalation, plan_changed=True, on=date(2026, 12, 3)
    )
    assert (done.status, done.outcome, done.resolved_at) == (
        Status.RESOLVED,
        Outcome.RESOLVED,
        date(2026, 12, 3),
    )
    closed = actions.close(actor=people["iro"], escalation=done, on=date(2026, 12, 4))
    assert (closed.status, closed.outcome, closed.plan_changed) == (
        Status.CLOSED,
        Outcome.RESOLVED,
        True,
    )
    assert verbs(escalation) == ["raised escalation", "resolved informally", "closed escalation"]


def test_respond_reject_next_stage_respond_late_accept_close(people, org):
    escalation = formal(people, org)
    assert escalation.status == Status.ISSUED
    assert escalation.formal_started_at == date(2026, 12, 2)
    first = actions.respond(
        actor=people["tm"], escalation=escalation, text="Plan due next week", on=date(2026, 12, 4)
    )
    assert first.responded_in_time() is True
    assert Escalation.objects.get(pk=escalation.pk).status == Status.RESPONDED

    second = actions.reject_response(
        actor=people["iro"],
        escalation=escalation,
        note="Not soon enough",
        addressee_user=people["sm"],
        on=date(2026, 12, 7),
    )
    assert (second.number, second.addressee_role, second.bypassed) == (
        2,
        "service-manager",
        False,
    )
    first.refresh_from_db()
    assert first.decision == EscalationStage.Decision.REJECTED
    assert second.response_due == date(2026, 12, 14)

    late = actions.respond(
        actor=people["sm"], escalation=escalation, text="Plan agreed", on=date(2026, 12, 15)
    )
    assert late.responded_in_time() is False
    resolved = actions.accept_response(
        actor=people["iro"],
        escalation=escalation,
        outcome=Outcome.PARTIALLY,
        on=date(2026, 12, 16),
    )
    assert (resolved.status, resolved.outcome, resolved.current_stage) == (
        Status.RESOLVED,
        Outcome.PARTIALLY,
        2,
    )
    closed = actions.close(actor=people["iro"], escalation=escalation, on=date(2026, 12, 16))
    assert closed.status == Status.CLOSED
    assert verbs(escalation) == [
        "raised escalation",
        "issued stage 1",
        "responded to stage 1",
        "issued stage 2",
        "responded to stage 2",
        "accepted stage 2 response",
        "closed escalation",
    ]
    late_event = AuditEvent.objects.get(verb="responded to stage 2")
    assert late_event.actor == people["sm"]
    assert late_event.detail["in_time"] is False
    assert late_event.detail["status"] == ["issued", "responded"]
    assert "CH-1001" not in str(AuditEvent.objects.values_list("detail", flat=True))


def test_no_response_by_the_due_date_moves_to_the_next_stage(people, org):
    escalation = formal(people, org)  # stage 1 due 9 December
    stage = actions.escalate_unanswered(
        actor=people["iro"],
        escalation=escalation,
        addressee_user=people["sm"],
        on=date(2026, 12, 10),
    )
    assert stage.number == 2
    assert escalation.stages.get(number=1).decision == EscalationStage.Decision.NO_RESPONSE


def test_bypass_from_informal_and_from_a_response(people, org):
    escalation = raise_one(people, org)
    stage = actions.bypass(
        actor=people["iro"],
        escalation=escalation,
        to_stage=3,
        reason="Placement ends this week",
        addressee_user=people["hos"],
        on=date(2026, 12, 2),
    )
    assert (stage.number, stage.bypassed, stage.bypass_reason) == (
        3,
        True,
        "Placement ends this week",
    )
    assert stage.addressee_role == "head-of-service"
    assert Escalation.objects.get(pk=escalation.pk).formal_started_at == date(2026, 12, 2)

    other = formal(people, org)
    actions.respond(actor=people["tm"], escalation=other, text="No", on=date(2026, 12, 3))
    to_director = actions.bypass(
        actor=people["iro"],
        escalation=other,
        to_stage=4,
        reason="Needs the director",
        addressee_user=people["director"],
        on=date(2026, 12, 4),
    )
    assert (to_director.number, to_director.bypassed) == (4, True)
    assert other.stages.get(number=1).decision == EscalationStage.Decision.REJECTED


def test_concurrent_cafcass_referral_keeps_the_process_going(people, org):
    escalation = formal(people, org)
    referred = actions.refer_to_cafcass(
        actor=people["iro"], escalation=escalation, concurrent=True, on=date(2026, 12, 3)
    )
    assert (referred.status, referred.cafcass_referred_at) == (Status.ISSUED, date(2026, 12, 3))
    actions.respond(actor=people["tm"], escalation=escalation, text="OK", on=date(2026, 12, 4))


def test_cafcass_referral_instead_of_the_process_then_close(people, org):
    escalation = formal(people, org)
    referred = actions.refer_to_cafcass(
        actor=people["iro"], escalation=escalation, concurrent=False, on=date(2026, 12, 3)
    )
    assert referred.status == Status.CAFCASS
    assert referred.drp_ended_at == date(2026, 12, 3)
    closed = actions.close(actor=people["iro"], escalation=escalation, on=date(2026, 12, 4))
    assert (closed.status, closed.outcome) == (Status.CLOSED, Outcome.CAFCASS)


def test_withdraw_then_close(people, org):
    escalation = formal(people, org)
    withdrawn = actions.withdraw(
        actor=people["iro"], escalation=escalation, reason="Child moved", on=date(2026, 12, 3)
    )
    assert withdrawn.status == Status.WITHDRAWN
    closed = actions.close(actor=people["iro"], escalation=escalation, on=date(2026, 12, 3))
    assert closed.outcome == Outcome.WITHDRAWN


def test_close_unresolved_after_the_last_stage(people, org):
    escalation = raise_one(people, org)
    actions.bypass(
        actor=people["iro"],
        escalation=escalation,
        to_stage=4,
        reason="Urgent",
        addressee_user=people["director"],
        on=date(2026, 12, 2),
    )
    actions.respond(
        actor=people["director"], escalation=escalation, text="No", on=date(2026, 12, 3)
    )
    with pytest.raises(EscalationError, match="Stage 4 is the last stage"):
        actions.reject_response(
            actor=people["iro"],
            escalation=escalation,
            note="No",
            addressee_user=people["director"],
            on=date(2026, 12, 4),
        )
    closed = actions.close(
        actor=people["iro"],
        escalation=escalation,
        unresolved=True,
        note="No agreement",
        on=date(2026, 12, 4),
    )
    assert (closed.status, closed.outcome) == (Status.CLOSED, Outcome.UNRESOLVED)
    assert escalation.stages.get().decision == EscalationStage.Decision.REJECTED


# The state machine: illegal transitions


def test_illegal_transitions_are_refused_with_a_message_and_change_nothing(people, org):
    informal = raise_one(people, org)
    iro, tm = people["iro"], people["tm"]
    with pytest.raises(EscalationError, match="informal: it cannot be responded to"):
        actions.respond(actor=tm, escalation=informal, text="x")
    with pytest.raises(EscalationError, match="cannot be resolved"):
        actions.accept_response(actor=iro, escalation=informal)
    with pytest.raises(EscalationError, match="resolve it or withdraw it first"):
        actions.close(actor=iro, escalation=informal)
    with pytest.raises(EscalationError, match="Give a reason for going straight to stage 3"):
        actions.formalise(actor=iro, escalation=informal, addressee_user=tm, stage=3)
    with pytest.raises(EscalationError, match="Choose who stage 1 is addressed to"):
        actions.formalise(actor=iro, escalation=informal)
    with pytest.raises(EscalationError, match="from 1 to 30 working days"):
        actions.formalise(actor=iro, escalation=informal, addressee_user=tm, response_days=0)
    with pytest.raises(EscalationError, match="cannot be before the informal approach"):
        actions.formalise(actor=iro, escalation=informal, addressee_user=tm, on=date(2026, 11, 30))
    with pytest.raises(EscalationError, match="past the next stage"):
        actions.bypass(actor=iro, escalation=informal, to_stage=1, reason="x", addressee_user=tm)
    with pytest.raises(EscalationError, match="reason for bypassing"):
        actions.bypass(actor=iro, escalation=informal, to_stage=3, reason=" ", addressee_user=tm)
    informal.refresh_from_db()
    assert (informal.status, informal.current_stage, informal.formal_started_at) == (
        Status.INFORMAL,
        0,
        None,
    )
    assert not EscalationStage.objects.exists()

    issued = formal(people, org)  # stage 1 due 9 December
    with pytest.raises(EscalationError, match="awaiting response: it cannot be made formal"):
        actions.formalise(actor=iro, escalation=issued, addressee_user=tm)
    with pytest.raises(EscalationError, match="not due until 9 December 2026"):
        actions.escalate_unanswered(
            actor=iro, escalation=issued, addressee_user=people["sm"], on=date(2026, 12, 8)
        )
    with pytest.raises(EscalationError, match="cannot be moved on after a response"):
        actions.reject_response(actor=iro, escalation=issued, note="x", addressee_user=tm)
    with pytest.raises(EscalationError, match="cannot be resolved informally"):
        actions.resolve_informally(actor=iro, escalation=issued)
    with pytest.raises(EscalationError, match="cannot be before stage 1 was issued"):
        actions.respond(actor=tm, escalation=issued, text="x", on=date(2026, 12, 1))
    with pytest.raises(EscalationError, match="Enter the response"):
        actions.respond(actor=tm, escalation=issued, text="  ")
    with pytest.raises(EscalationError, match="Say why the escalation is closed unresolved"):
        actions.close(actor=iro, escalation=issued, unresolved=True)
    with pytest.raises(EscalationError, match="reason for withdrawing"):
        actions.withdraw(actor=iro, escalation=issued, reason="")

    actions.respond(actor=tm, escalation=issued, text="ok", on=date(2026, 12, 3))
    with pytest.raises(EscalationError, match="Say why the response is not accepted"):
        actions.reject_response(actor=iro, escalation=issued, note="", addressee_user=tm)
    with pytest.raises(EscalationError, match="resolves the escalation"):
        actions.accept_response(actor=iro, escalation=issued, outcome=Outcome.UNRESOLVED)
    with pytest.raises(EscalationError, match="is at stage 1"):
        actions.reject_response(
            actor=iro, escalation=issued, note="x", addressee_user=tm, to_stage=1
        )

    actions.accept_response(actor=iro, escalation=issued, on=date(2026, 12, 4))
    with pytest.raises(EscalationError, match="resolved: it cannot be withdrawn"):
        actions.withdraw(actor=iro, escalation=issued, reason="x")
    with pytest.raises(EscalationError, match="cannot be referred to Cafcass"):
        actions.refer_to_cafcass(actor=iro, escalation=issued, concurrent=True)
    actions.close(actor=iro, escalation=issued, on=date(2026, 12, 4))
    with pytest.raises(EscalationError, match="closed: it cannot be closed"):
        actions.close(actor=iro, escalation=issued)


def test_cafcass_referral_is_for_iros_and_only_once(people, org):
    chair = raise_one(people, org, role="cp-chair", by="chair")
    with pytest.raises(EscalationError, match="Only an IRO"):
        actions.refer_to_cafcass(actor=people["chair"], escalation=chair, concurrent=True)
    iro = raise_one(people, org)
    actions.refer_to_cafcass(actor=people["iro"], escalation=iro, concurrent=True)
    with pytest.raises(EscalationError, match="already been referred"):
        actions.refer_to_cafcass(actor=people["iro"], escalation=iro, concurrent=False)


def test_raising_needs_the_permission_and_a_team(people, org):
    with pytest.raises(PermissionDenied):
        raise_one(people, org, by="tm")
    with pytest.raises(EscalationError, match="the child's team"):
        raise_one(people, org, team=org["north"])
    with pytest.raises(EscalationError, match="child's id"):
        raise_one(people, org, child_id=" ")
    assert not Escalation.objects.exists()


def test_who_may_respond_and_who_may_move_the_escalation_on(people, org, make_user):
    escalation = formal(people, org)
    with pytest.raises(PermissionDenied):
        actions.respond(actor=people["outsider"], escalation=escalation, text="x")
    with pytest.raises(PermissionDenied):
        actions.withdraw(actor=people["tm"], escalation=escalation, reason="x")
    # A manager of the child's service (not named) may respond for the team.
    actions.respond(actor=people["sm"], escalation=escalation, text="ok", on=date(2026, 12, 3))

    # A named addressee may respond wherever they sit in the tree.
    named = raise_one(people, org)
    actions.formalise(
        actor=people["iro"],
        escalation=named,
        addressee_user=people["outsider"],
        on=date(2026, 12, 2),
    )
    actions.respond(actor=people["outsider"], escalation=named, text="ok", on=date(2026, 12, 3))
    # A colleague who may raise escalations for the team covers for the raiser.
    actions.accept_response(actor=people["chair"], escalation=named, on=date(2026, 12, 4))


# overdue_for


def test_overdue_for_an_addressee_a_member_of_staff_and_a_unit(people, org):
    late = formal(people, org, on=date(2026, 11, 2))  # due 9 November
    answered = formal(people, org, on=date(2026, 11, 2))
    actions.respond(actor=people["tm"], escalation=answered, text="x", on=date(2026, 11, 3))
    not_yet = formal(people, org, on=date(2026, 12, 2))  # due 9 December
    today = date(2026, 12, 8)

    found = overdue_for(people["tm"], today=today)
    assert [(o.ref, o.child_id, o.stage, o.addressee, o.due) for o in found] == [
        (late.ref, "CH-1001", 1, "Tess Manager", date(2026, 11, 9))
    ]
    assert overdue_for(people["tm"].staff, today=today) == found
    assert overdue_for(None, [org["north"]], today=today) == found
    assert overdue_for(None, [org["team_c"]], today=today) == []
    assert overdue_for(people["sm"], today=today) == []
    assert not_yet.pk not in {o.escalation_id for o in overdue_for(None, [org["authority"]])}


# Pages, scope and the access log


def test_the_list_shows_escalations_in_scope_and_logs_the_children(people, org):
    mine = formal(people, org, on=date(2026, 11, 2))
    elsewhere = raise_one(people, org, team=org["team_c"], child_id="CH-2002")
    response = client_for(people["tm"]).get(reverse("escalations:index"))
    assert response.status_code == 200
    shown = [r["e"].pk for r in response.context["rows"]]
    assert shown == [mine.pk]
    assert response.context["rows"][0]["overdue"] is True
    log = AccessLog.objects.get(user=people["tm"], what="escalations list")
    assert log.child_ids == ["CH-1001"]
    assert elsewhere.pk not in shown

    everything = client_for(people["iro"]).get(
        reverse("escalations:index"), {"overdue": "1", "category": "practice"}
    )
    assert [r["e"].pk for r in everything.context["rows"]] == [mine.pk]
    by_team = client_for(people["iro"]).get(
        reverse("escalations:index"), {"team": org["team_c"].pk, "sort": "ref", "order": "asc"}
    )
    assert [r["e"].pk for r in by_team.context["rows"]] == [elsewhere.pk]


def test_a_user_outside_the_childs_unit_is_refused_and_the_refusal_is_logged(people, org):
    escalation = formal(people, org)
    client = client_for(people["outsider"])
    assert client.get(reverse("escalations:detail", args=[escalation.pk])).status_code == 403
    refused = AccessLog.objects.get(user=people["outsider"], action=AccessLog.Action.DENIED)
    assert refused.child_id == "CH-1001"
    url = reverse("escalations:act", args=[escalation.pk, "respond"])
    assert client.post(url, {"respond-text": "x"}).status_code == 403
    assert Escalation.objects.get(pk=escalation.pk).status == Status.ISSUED


def test_the_escalation_page_shows_stages_history_and_this_users_actions(people, org):
    escalation = formal(people, org)
    raiser = client_for(people["iro"]).get(reverse("escalations:detail", args=[escalation.pk]))
    assert raiser.status_code == 200
    page = raiser.content.decode()
    assert "Tess Manager" in page
    assert "Issued stage 1" in page
    steps = [s["name"] for s in raiser.context["steps"]]
    assert steps == ["escalate", "bypass", "cafcass", "withdraw", "close"]
    access = AccessLog.objects.get(user=people["iro"], what="escalation")
    assert (access.child_id, access.unit) == ("CH-1001", org["team_a"])

    addressee = client_for(people["tm"]).get(reverse("escalations:detail", args=[escalation.pk]))
    assert [s["name"] for s in addressee.context["steps"]] == ["respond"]


def test_responding_and_moving_on_through_the_pages(people, org):
    escalation = formal(people, org)
    url = reverse("escalations:act", args=[escalation.pk, "respond"])
    assert client_for(people["tm"]).post(url, {"respond-text": ""}).status_code == 400
    posted = client_for(people["tm"]).post(url, {"respond-text": "Plan next week"})
    assert posted.status_code == 302
    assert Escalation.objects.get(pk=escalation.pk).status == Status.RESPONDED

    reject = reverse("escalations:act", args=[escalation.pk, "reject"])
    form = {
        "reject-stage": "2",
        "reject-addressee": str(people["sm"].pk),
        "reject-response_days": "5",
        "reject-note": "",
    }
    refused = client_for(people["iro"]).post(reject, form)
    assert refused.status_code == 400
    assert "There is a problem" in refused.content.decode()
    assert "Say why the response is not accepted" in refused.content.decode()
    moved = client_for(people["iro"]).post(reject, form | {"reject-note": "Too slow"})
    assert moved.status_code == 302
    assert Escalation.objects.get(pk=escalation.pk).current_stage == 2


def test_raising_through_the_page(people, org):
    client = client_for(people["iro"])
    assert client.get(reverse("escalations:new")).status_code == 200
    bad = client.post(reverse("escalations:new"), {"child_id": ""})
    assert bad.status_code == 400
    assert "Enter the child&#x27;s id in the case record" in bad.content.decode()
    posted = client.post(
        reverse("escalations:new"),
        {
            "raised_by_role": "iro",
            "child_id": "CH-3003",
            "team": org["team_b"].pk,
            "plan_type": "cla",
            "category": "resource",
            "subcategory": "placement",
            "description": "No placement plan",
            "desired_outcome": "A placement plan",
            "informal_logged_at": "2026-12-01",
            "informal_note_on_child_file": "on",
        },
    )
    escalation = Escalation.objects.get()
    assert posted.url == reverse("escalations:detail", args=[escalation.pk])
    assert (escalation.child_id, escalation.team, escalation.raised_by) == (
        "CH-3003",
        org["team_b"],
        people["iro"],
    )
    assert client_for(people["tm"]).get(reverse("escalations:new")).status_code == 403


def test_csv_export_holds_the_filtered_rows_and_is_logged(people, org):
    escalation = formal(people, org, on=date(2026, 11, 2))
    raise_one(people, org, team=org["team_c"], child_id="CH-2002", category="process")
    response = client_for(people["iro"]).get(
        reverse("escalations:export"), {"category": "practice"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Ref", "Child", "Team"]
    assert [r[:3] for r in rows[1:]] == [[escalation.ref, "CH-1001", "Team A"]]
    assert rows[1][13] == "Yes"  # overdue
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert log.child_ids == ["CH-1001"]


def test_report_counts_and_suppresses_small_numbers(people, org, make_user):
    resolved = formal(people, org)
    actions.respond(actor=people["tm"], escalation=resolved, text="x", on=date(2026, 12, 3))
    actions.accept_response(actor=people["iro"], escalation=resolved, on=date(2026, 12, 4))
    raise_one(people, org, category="process")
    late = formal(people, org, on=date(2026, 10, 1))
    actions.respond(actor=people["tm"], escalation=late, text="x", on=date(2026, 10, 20))
    actions.accept_response(actor=people["iro"], escalation=late, on=date(2026, 11, 20))

    figures = report.build(
        org["authority"], date(2026, 1, 1), date(2026, 12, 31), None, date(2026, 12, 10)
    )
    assert figures.raised == 3
    assert figures.by_team[0]["cells"] == [1, 2, 0]  # process, practice, resource
    assert figures.stages[0] == {
        "stage": 1,
        "issued": 2,
        "fallen_due": 2,
        "in_time": 1,
        "percent": 50.0,
    }
    assert figures.resolved[1]["resolved"] == 2  # both at stage 1
    assert figures.drp == {"ended": 2, "within": 1, "percent": 50.0, "open_over": 0}

    rules = report.Disclosure(threshold=3)
    hidden = report.build(
        org["authority"], date(2026, 1, 1), date(2026, 12, 31), rules, date(2026, 12, 10)
    )
    assert hidden.raised == 3
    assert hidden.by_team[0]["cells"] == ["c", "c", 0]
    assert hidden.drp["percent"] == "c"

    manager = client_for(people["director"]).get(reverse("escalations:report"))
    assert manager.status_code == 200
    assert manager.context["rules"] is None
    # Aggregates for the authority, but small numbers only on their own team.
    board_and_tm = make_user("board-member", org["authority"])
    account_actions.assign_role(user=board_and_tm, role="team-manager", unit=org["team_c"])
    suppressed = client_for(board_and_tm).get(
        reverse("escalations:report"), {"from": "2026-01-01", "to": "2026-12-31"}
    )
    assert suppressed.status_code == 200
    assert suppressed.context["rules"] is not None
    assert "Suppressed: a count below the disclosure threshold" in suppressed.content.decode()
    assert (
        client_for(people["outsider"])
        .get(reverse("escalations:report"), {"unit": org["authority"].pk})
        .status_code
        == 403
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("iro", 200), ("team-manager", 200), ("social-worker", 403), ("administrator", 403)],
)
def test_who_opens_the_section_before_any_import(role, status, org, make_user):
    client = client_for(make_user(role, org["authority"]))
    assert client.get(reverse("escalations:index")).status_code == status
    assert client.get(reverse("escalations:report")).status_code == status


def test_the_history_says_who_moved_it_from_what_to_what(people, org):
    escalation = formal(people, org)
    actions.respond(actor=people["tm"], escalation=escalation, text="x", on=date(2026, 12, 10))
    page = client_for(people["iro"]).get(reverse("escalations:detail", args=[escalation.pk]))
    history = page.context["history"]
    assert [h["event"].verb for h in history] == [
        "responded to stage 1",
        "issued stage 1",
        "raised escalation",
    ]
    assert history[0]["event"].actor == people["tm"]
    assert history[0]["moved"] == "From awaiting response to response received"
    assert "; late" in page.content.decode()


def test_escalating_before_the_response_is_due_needs_a_reason_and_records_it(people, org):
    escalation = formal(people, org)  # stage 1 due 9 December
    stage = actions.escalate_unanswered(
        actor=people["iro"],
        escalation=escalation,
        addressee_user=people["sm"],
        reason="Child at risk of placement breakdown",
        on=date(2026, 12, 3),
    )
    assert (stage.number, stage.bypassed) == (2, False)
    first = escalation.stages.get(number=1)
    assert first.decision == EscalationStage.Decision.NO_RESPONSE
    assert first.decision_note == "Child at risk of placement breakdown"
