"""The QA rules that must not drift: weighted kappa against a hand-worked example, every state
machine (legal moves and clear refusals), tool definitions and versioning, sampling."""

from datetime import date

import pytest

from casegrip.web.quality import actions, states
from casegrip.web.quality.agreement import agreement, weighted_kappa
from casegrip.web.quality.casefile import OpenCase
from casegrip.web.quality.models import AuditTool
from casegrip.web.quality.sampling import Auditor, allocate, draw
from casegrip.web.quality.toolkit import ToolError, parse_tool, shipped

OFSTED = [4, 3, 2, 1]


def test_weighted_kappa_matches_the_hand_worked_example():
    """Four moderated audits (auditor, moderator): (4,4), (3,2), (2,2), (1,2).
    Observed weighted disagreement: two pairs one grade apart, weight 1/9 each = 2/9.
    Moderator grades: three 2s and one 4; auditor grades: one of each.
    Expected: for the 2s, sum over auditor grades of (i-1)^2/9 = 6/9, times 3/4 = 1/2;
    for the 4, (i-3)^2 sums to 14, 14/9 times 1/4 = 14/36. Total 32/36 = 8/9.
    Kappa = 1 - (2/9)/(8/9) = 0.75."""
    pairs = [(4, 4), (3, 2), (2, 2), (1, 2)]
    assert weighted_kappa(pairs, OFSTED) == pytest.approx(0.75)
    result = agreement(pairs, OFSTED, min_for_kappa=4)
    assert (result.n, result.exact, result.adjacent, result.down, result.up) == (4, 2, 4, 1, 1)
    assert result.kappa == pytest.approx(0.75)


def test_kappa_is_withheld_below_the_minimum_and_undefined_without_spread():
    pairs = [(4, 4), (3, 2), (2, 2), (1, 2)]
    assert agreement(pairs, OFSTED, min_for_kappa=30).kappa is None
    assert weighted_kappa([(3, 3), (3, 3)], OFSTED) is None  # every grade the same: undefined
    assert weighted_kappa([], OFSTED) is None
    assert weighted_kappa([(4, 4), (1, 1)], OFSTED) == pytest.approx(1.0)


@pytest.mark.parametrize("machine", [states.AUDIT, states.ACTION, states.CONCERN])
def test_every_state_and_event_is_either_a_move_or_a_clear_refusal(machine):
    for state in machine.labels:
        for event, (sources, target) in machine.events.items():
            if state in sources:
                assert machine.after(state, event) == target
            else:
                with pytest.raises(states.IllegalTransition) as refused:
                    machine.after(state, event)
                message = str(refused.value)
                assert machine.labels[state].lower() in message
                assert machine.verbs[event] in message
                assert "What may happen next" in message


def test_the_action_machine_closes_the_loop_only_through_verification():
    a = states.ACTION
    assert a.after("open", "complete") == "completed"
    assert a.after("completed", "reject") == "reopened"
    assert a.after("reopened", "start") == "in_progress"
    assert a.after("completed", "verify") == "verified"
    with pytest.raises(states.IllegalTransition, match="nothing: it is finished"):
        a.after("verified", "cancel")
    with pytest.raises(states.IllegalTransition):
        a.after("open", "verify")


def test_shipped_tools_parse_and_each_has_a_limiting_question():
    schemes, tools = shipped()
    assert [s["code"] for s in schemes] == ["ofsted4"]
    for data in tools:
        tool = parse_tool(data)
        assert [q.id for q in tool.limiting] == ["child_at_risk"]
        assert all(q.theme in {t.code for t in tool.themes} for q in tool.questions if q.theme)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["sections"][0]["questions"].append(dict(d["sections"][0]["questions"][0])),
            "used twice",
        ),
        (lambda d: d["sections"][0].update(theme="nonsense"), "unknown theme"),
        (lambda d: d["sections"][0]["questions"][0].update(answer="maybe"), "unknown answer"),
        (lambda d: d["sections"][0]["questions"][0].update(limiting=True), "yes or no"),
    ],
)
def test_a_bad_tool_definition_is_refused_with_the_reason(change, message):
    data = parse_tool_data()
    change(data)
    with pytest.raises(ToolError, match=message):
        parse_tool(data)


def parse_tool_data() -> dict:
    import copy

    return copy.deepcopy(next(t for t in shipped()[1] if t["slug"] == "monthly-case-audit"))


def test_a_new_tool_version_leaves_past_audits_alone(make_user, org):
    qa = make_user("qa-officer", org["authority"])
    actions.ensure_tools()
    v1 = AuditTool.objects.get(slug="monthly-case-audit", version=1)
    data = parse_tool_data()
    data["sections"][0]["questions"][0]["text"] = "Was the child seen alone at every visit?"
    v2 = actions.publish_tool_version(actor=qa, slug="monthly-case-audit", definition=data)
    v1.refresh_from_db()
    assert (v2.version, v2.status, v1.status) == (2, "live", "retired")
    assert v1.tool.questions[0].text.startswith("Has the child been seen")
    assert v2.tool.questions[0].text == "Was the child seen alone at every visit?"
    with pytest.raises(actions.Invalid, match="retired"):
        actions.create_programme(
            actor=qa,
            name="Old tool",
            kind="monthly",
            unit=org["authority"],
            month=date(2026, 11, 1),
            tool=v1,
            per_team=2,
            case_types=["CIN"],
        )
    social_worker = make_user("social-worker", org["team_a"])
    with pytest.raises(actions.NotAllowed):
        actions.publish_tool_version(
            actor=social_worker, slug="monthly-case-audit", definition=data
        )
    bad = {**data, "sections": []}
    with pytest.raises(actions.Invalid):
        actions.publish_tool_version(actor=qa, slug="monthly-case-audit", definition=bad)
    assert AuditTool.objects.filter(slug="monthly-case-audit").count() == 2


def _case(child: str, team: str, kind: str = "CIN") -> OpenCase:
    return OpenCase(child, kind, team, f"W-{team}")


def test_sampling_is_repeatable_per_team_and_reports_short_teams():
    cases = [_case(f"{t}{i}", t) for t in "AB" for i in range(10)] + [_case("C1", "C")]
    cases.append(_case("A99", "A", "CLA"))
    first = draw(
        cases, teams=["A", "B", "C"], per_team=3, case_types=["CIN"], excluded={"A1"}, seed="x"
    )
    again = draw(
        cases, teams=["A", "B", "C"], per_team=3, case_types=["CIN"], excluded={"A1"}, seed="x"
    )
    assert first == again
    assert len(first.chosen) == 7
    assert first.short == {"C": 2}
    assert "A1" not in {c.child_id for c in first.chosen}
    assert "A99" not in {c.child_id for c in first.chosen}  # not a chosen case type


def test_allocation_is_even_and_avoids_own_team():
    cases = [_case(f"A{i}", "A") for i in range(4)] + [_case(f"B{i}", "B") for i in range(4)]
    shares = allocate(cases, [Auditor(1, frozenset({"A"})), Auditor(2, frozenset({"B"}))])
    assert all(user == (2 if case.team_id == "A" else 1) for case, user in shares)
    lone = allocate(cases, [Auditor(1, frozenset({"A"}))])
    assert {user for _, user in lone} == {1}
