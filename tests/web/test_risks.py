"""The risk register: banding at every boundary, matrix versions, direction of travel, review
dates across month ends, appetite, re-scoring through the page (the heat map and the history
change), scope and permissions, the CSV, refusing bad input without a change, the committee
summary functions and the demo register."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from casegrip.web.accounts.models import AuditEvent
from casegrip.web.improvement.risks import actions, scoring, summary, views
from casegrip.web.improvement.risks.demo_history import REGISTER_NAME, ensure_demo_register
from casegrip.web.improvement.risks.models import Risk, RiskAssessment, RiskRegister

from ..conftest import client_for

TODAY = date(2026, 12, 6)
DASH = "\u2013"  # score ranges are written with an en dash
RED_12 = [
    {"key": "green", "label": "Low", "lowest": 1, "review_months": 6, "colour": "green"},
    {"key": "amber", "label": "High", "lowest": 5, "review_months": 3, "colour": "orange"},
    {"key": "red", "label": "Critical", "lowest": 12, "review_months": 1, "colour": "red"},
]


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Pages and actions see the same day whenever the suite runs."""
    monkeypatch.setattr(actions, "_today", lambda: TODAY)
    monkeypatch.setattr(views, "_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def people(org, make_user):
    return {
        "director": make_user("director", org["authority"]),
        "board": make_user("board-member", org["authority"]),
        "sw": make_user("social-worker", org["team_a"]),
        "sm_north": make_user("service-manager", org["north"]),
        "tm_c": make_user("team-manager", org["team_c"]),
        "owner": make_user("team-manager", org["team_a"]),
    }


@pytest.fixture
def register(org, people):
    return actions.create_register(
        actor=people["director"],
        name="Directorate register",
        level="directorate",
        unit=org["authority"],
        owner=people["director"],
    )


def add_risk(register, people, *, ref="CSC-01", owner="owner", on=date(2026, 11, 30), **rating):
    values = {
        "inherent_likelihood": 5,
        "inherent_impact": 5,
        "current_likelihood": 4,
        "current_impact": 4,
        "target_likelihood": 2,
        "target_impact": 3,
    } | rating
    return actions.create_risk(
        actor=people["director"],
        register=register,
        ref=ref,
        title=f"Risk {ref}",
        category="workforce",
        cause="Vacancies.",
        event="Caseloads rise.",
        consequence="Children wait.",
        owner=people[owner],
        date_identified=date(2026, 1, 1),
        appetite_level="minimal",
        appetite_threshold=9,
        response="treat",
        assessed_on=on,
        **values,
    )


def rescore(risk, actor, on, current=(3, 3), **more):
    return actions.rescore(
        actor=actor,
        risk=risk,
        assessed_on=on,
        inherent_likelihood=5,
        inherent_impact=5,
        current_likelihood=current[0],
        current_impact=current[1],
        target_likelihood=2,
        target_impact=3,
        **more,
    )


def risk_events(risk) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="risks.risk", object_id=str(risk.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    )


# Scoring ----------------------------------------------------------------------------------------

BOUNDARIES = {
    1: "green", 2: "green", 3: "green",
    4: "yellow", 5: "yellow", 6: "yellow",
    8: "amber", 9: "amber", 10: "amber", 12: "amber",
    15: "red", 16: "red", 20: "red", 25: "red",
}  # fmt: skip


def test_every_possible_score_is_one_the_matrix_can_give():
    assert sorted(BOUNDARIES) == scoring.POSSIBLE_SCORES


@pytest.mark.parametrize(("score", "key"), sorted(BOUNDARIES.items()))
def test_default_banding_at_every_score(score, key):
    assert scoring.band(score, scoring.DEFAULT_MATRIX).key == key


@pytest.mark.parametrize(
    ("score", "key"), [(4, "green"), (5, "amber"), (11, "amber"), (12, "red"), (1, "green")]
)
def test_a_configured_matrix_bands_by_its_own_thresholds(score, key):
    assert scoring.band(score, scoring.parse_matrix(RED_12)).key == key


@pytest.mark.parametrize("score", [0, 26, -1])
def test_a_score_outside_1_to_25_has_no_band(score):
    with pytest.raises(ValueError, match="from 1 to 25"):
        scoring.band(score)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([{**RED_12[0], "lowest": 2}, *RED_12[1:]], "start at a score of 1"),
        ([RED_12[0], RED_12[2], RED_12[1]], "higher score than the one before"),
        ([RED_12[0], {**RED_12[1], "key": "green"}], "share a key"),
        ([{"key": "x", "label": "X"}], "lowest score"),
        ([{**RED_12[0], "review_months": 0}], "review every 1 to 24 months"),
    ],
)
def test_a_matrix_that_does_not_cover_the_scores_in_order_is_refused(bands, message):
    with pytest.raises(scoring.MatrixError, match=message):
        scoring.parse_matrix(bands)


def test_the_matrix_describes_each_bands_scores():
    matrix = scoring.DEFAULT_MATRIX
    assert [matrix.describe(b) for b in matrix.bands] == [
        f"1{DASH}3",
        f"4{DASH}6",
        f"8{DASH}12",
        f"15{DASH}25",
    ]


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [(None, 16, "new"), (12, 16, "up"), (16, 12, "down"), (9, 9, "same")],
)
def test_direction_of_travel(previous, current, expected):
    assert scoring.direction(previous, current) == expected


@pytest.mark.parametrize(
    ("rated", "key", "due"),
    [
        (date(2027, 1, 31), "red", date(2027, 2, 28)),  # monthly, into a short February
        (date(2028, 1, 31), "red", date(2028, 2, 29)),  # a leap year
        (date(2026, 12, 15), "red", date(2027, 1, 15)),  # over the year end
        (date(2026, 11, 30), "amber", date(2027, 2, 28)),  # quarterly
        (date(2026, 3, 31), "amber", date(2026, 6, 30)),
        (date(2026, 8, 31), "yellow", date(2027, 2, 28)),  # six-monthly
        (date(2026, 12, 31), "green", date(2027, 6, 30)),
    ],
)
def test_next_review_by_band_across_month_ends(rated, key, due):
    assert scoring.next_review(rated, key, scoring.DEFAULT_MATRIX) == due


def test_next_review_follows_a_configured_interval():
    matrix = scoring.parse_matrix(RED_12)
    assert scoring.next_review(date(2026, 5, 31), "amber", matrix) == date(2026, 8, 31)
    assert scoring.next_review(date(2026, 5, 31), matrix.by_key("green"), matrix) == date(
        2026, 11, 30
    )


def test_above_appetite_means_strictly_above_the_threshold():
    assert scoring.above_appetite(10, 9)
    assert not scoring.above_appetite(9, 9)
    assert not scoring.above_appetite(4, 9)


# Ratings through the actions --------------------------------------------------------------------


def test_a_rating_keeps_score_band_direction_appetite_and_next_review(register, people):
    risk = add_risk(register, people, on=date(2026, 1, 31))
    first = risk.latest
    assert (first.score, first.band, first.band_label, first.direction) == (
        16,
        "red",
        "Significant",
        "new",
    )
    assert first.above_appetite
    assert first.next_review_date == date(2026, 2, 28)
    assert first.matrix is not None
    assert first.matrix.effective_from == date(2000, 1, 1)

    second = rescore(risk, people["owner"], date(2026, 4, 30), current=(3, 3))
    risk.refresh_from_db()
    assert (second.score, second.band, second.direction) == (9, "amber", "down")
    assert second.next_review_date == date(2026, 7, 30)  # the same day three months on
    assert risk.latest == second
    assert risk.next_review_date == date(2026, 7, 30)
    third = rescore(risk, people["director"], date(2026, 5, 1), current=(3, 3))
    assert (third.direction, third.above_appetite) == ("same", False)
    fourth = rescore(risk, people["director"], date(2026, 6, 1), current=(5, 4))
    assert fourth.direction == "up"
    assert RiskAssessment.objects.filter(risk=risk).count() == 4
    assert risk_events(risk) == ["added risk", *["re-scored risk"] * 3]
    event = AuditEvent.objects.filter(verb="re-scored risk").order_by("pk").first()
    assert event.actor == people["owner"]
    assert event.detail["score"] == [16, 9]


def test_a_rating_before_a_new_matrix_keeps_the_old_bands(register, people):
    risk = add_risk(register, people, on=date(2026, 1, 31), current_likelihood=3)  # 12
    before = rescore(risk, people["director"], date(2026, 2, 27), current=(3, 4))
    after = rescore(risk, people["director"], date(2026, 3, 1), current=(3, 4))
    actions.publish_matrix(
        actor=people["director"], name="Stricter", effective_from=date(2026, 3, 1), bands=RED_12
    )
    before.refresh_from_db()
    after.refresh_from_db()
    assert (before.band, before.band_label) == ("amber", "High")
    assert (after.band, after.band_label) == ("red", "Critical")
    assert after.next_review_date == date(2026, 4, 1)
    assert after.matrix.name == "Stricter"
    later = rescore(risk, people["director"], date(2026, 3, 15), current=(2, 4))
    assert (later.score, later.band) == (8, "amber")
    backdated = add_risk(register, people, ref="OLD", on=date(2026, 2, 1), current_likelihood=3)
    assert (backdated.latest.score, backdated.latest.band) == (12, "amber")
    assert backdated.latest.matrix.effective_from == date(2000, 1, 1)
    assert AuditEvent.objects.filter(verb="published risk matrix").get().detail["rebanded"] == 1


def test_only_an_authority_wide_risk_manager_changes_the_matrix(register, people):
    with pytest.raises(actions.NotAllowed):
        actions.publish_matrix(
            actor=people["sm_north"], name="Mine", effective_from=date(2026, 3, 1), bands=RED_12
        )
    with pytest.raises(actions.Invalid, match="start at a score of 1"):
        actions.publish_matrix(
            actor=people["director"],
            name="Broken",
            effective_from=date(2026, 3, 1),
            bands=RED_12[1:],
        )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"current": (6, 3)}, "current_likelihood", "Current likelihood must be a whole number"),
        ({"current": (3, 0)}, "current_impact", "Current impact must be a whole number"),
        ({"current": ("4", 3)}, "current_likelihood", "from 1 to 5"),
        ({"on": date(2026, 1, 30)}, "assessed_on", "before the last one (31 January 2026)"),
        ({"on": date(2099, 1, 1)}, "assessed_on", "cannot be in the future"),
        ({"target_date": date(2026, 1, 1)}, "target_date", "on or after the rating's date"),
    ],
)
def test_bad_ratings_are_refused_and_nothing_changes(register, people, changes, field, message):
    risk = add_risk(register, people, on=date(2026, 1, 31))
    events = risk_events(risk)
    on = changes.pop("on", date(2026, 3, 1))
    with pytest.raises(actions.Invalid) as refused:
        rescore(risk, people["owner"], on, **changes)
    assert field in [f for f, _ in refused.value.errors]
    assert message in str(refused.value)
    assert RiskAssessment.objects.filter(risk=risk).count() == 1
    assert risk_events(risk) == events
    risk.refresh_from_db()
    assert risk.latest.score == 16


def test_a_risk_is_not_created_without_a_valid_first_rating(register, people):
    with pytest.raises(actions.Invalid, match="Target impact must be"):
        add_risk(register, people, target_impact=7)
    assert not Risk.objects.exists()
    add_risk(register, people)
    with pytest.raises(actions.Invalid, match="already has a risk CSC-01"):
        add_risk(register, people)


def test_who_may_rescore(register, people):
    risk = add_risk(register, people, owner="owner", on=date(2026, 1, 31))
    rescore(risk, people["owner"], date(2026, 2, 1))  # the owner, without MANAGE_RISKS
    for outsider in ("board", "sm_north", "tm_c"):
        with pytest.raises(actions.NotAllowed):
            rescore(risk, people[outsider], date(2026, 2, 2))
    assert RiskAssessment.objects.filter(risk=risk).count() == 2


def test_editing_a_risk_records_what_changed(register, people):
    risk = add_risk(register, people)
    risk = actions.update_risk(actor=people["owner"], risk=risk, status="monitoring", title="New")
    assert (risk.status, risk.title) == ("monitoring", "New")
    event = AuditEvent.objects.filter(verb="changed risk").get()
    assert event.detail["changes"]["status"] == ["Open", "Monitoring"]
    with pytest.raises(actions.NotAllowed, match="another owner"):
        actions.update_risk(actor=people["owner"], risk=risk, owner=people["director"])
    with pytest.raises(actions.Invalid, match="appetite threshold"):
        actions.update_risk(actor=people["director"], risk=risk, appetite_threshold=30)
    risk.refresh_from_db()
    assert risk.appetite_threshold == 9


# Summaries for the committee report --------------------------------------------------------------


def test_summary_functions(register, people, org):
    a = add_risk(register, people, ref="A", on=date(2025, 1, 31))  # 16, red, review overdue
    b = add_risk(register, people, ref="B", current_likelihood=2, current_impact=4)  # 8
    c = add_risk(register, people, ref="C", current_likelihood=5, current_impact=5)  # 25
    closed = add_risk(register, people, ref="D", on=date(2025, 1, 31))
    actions.update_risk(actor=people["director"], risk=closed, status="closed")
    other = actions.create_register(
        actor=people["director"],
        name="North",
        level="service",
        unit=org["north"],
        owner=people["sm_north"],
        parent=register,
    )
    add_risk(other, people, ref="N")

    built = summary.heat_map([register])
    assert built.total == 3
    assert (built.count(4, 4), built.count(2, 4), built.count(5, 5), built.count(1, 1)) == (
        1,
        1,
        1,
        0,
    )
    assert built.rows[0].cells[4].band.key == "red"
    assert "3 open risks" in built.caption
    assert f"2 significant (15{DASH}25)" in built.caption
    assert summary.heat_map([register], rating="target").count(2, 3) == 3
    assert summary.heat_map(None).total == 4
    assert summary.top_risks([register], 2) == [c, a]
    assert summary.above_appetite([register]) == [c, a]
    assert summary.overdue_reviews(date(2026, 12, 6), [register]) == [a]
    assert b not in summary.overdue_reviews(date(2026, 12, 6))


# Pages ------------------------------------------------------------------------------------------


@pytest.fixture
def team_register(org, people):
    return actions.create_register(
        actor=people["director"],
        name="Team A register",
        level="team",
        unit=org["team_a"],
        owner=people["owner"],
    )


def test_rescoring_through_the_page_changes_the_heat_map_and_the_history(team_register, people):
    risk = add_risk(team_register, people, on=date(2026, 1, 31))
    client = client_for(people["owner"])
    heat = client.get(reverse("risks:heat_map"))
    assert heat.status_code == 200
    assert heat.context["map"].count(4, 4) == 1
    page = client.get(reverse("risks:risk", args=[risk.pk]))
    assert b'id="rescore-form"' in page.content

    response = client.post(
        reverse("risks:rescore", args=[risk.pk]),
        {
            "assessed_on": "2026-03-31",
            "inherent_likelihood": "5",
            "inherent_impact": "5",
            "current_likelihood": "2",
            "current_impact": "3",
            "target_likelihood": "2",
            "target_impact": "3",
            "target_date": "2026-12-31",
            "note": "Recruitment campaign filled four posts.",
        },
    )
    assert response.status_code == 302
    heat = client.get(reverse("risks:heat_map"))
    assert (heat.context["map"].count(4, 4), heat.context["map"].count(2, 3)) == (0, 1)
    assert 'id="cell-2-3" data-count="1" data-band="yellow"' in heat.content.decode()
    page = client.get(reverse("risks:risk", args=[risk.pk])).content.decode()
    assert page.count('<tr class="govuk-table__row">') >= 3  # header and two ratings
    assert "Recruitment campaign filled four posts." in page
    assert "re-scored the risk from 16 to 6 (Moderate), rated 2026-03-31" in page
    assert "Better" in page
    assert "Current score 16 on 31 January 2026, 6 on 31 March 2026" in page


def test_a_bad_score_on_the_page_is_refused_with_a_message_and_no_change(team_register, people):
    risk = add_risk(team_register, people, on=date(2026, 1, 31))
    client = client_for(people["owner"])
    response = client.post(
        reverse("risks:rescore", args=[risk.pk]),
        {
            "assessed_on": "2026-03-31",
            "inherent_likelihood": "5",
            "inherent_impact": "5",
            "current_likelihood": "9",
            "current_impact": "3",
            "target_likelihood": "2",
            "target_impact": "3",
        },
    )
    assert response.status_code == 400
    assert "Current likelihood must be a whole number from 1 to 5" in response.content.decode()
    assert RiskAssessment.objects.filter(risk=risk).count() == 1
    assert client.get(reverse("risks:heat_map")).context["map"].count(4, 4) == 1
    dated_early = client.post(
        reverse("risks:rescore", args=[risk.pk]),
        {
            "assessed_on": "2026-01-01",
            "inherent_likelihood": "5",
            "inherent_impact": "5",
            "current_likelihood": "1",
            "current_impact": "1",
            "target_likelihood": "1",
            "target_impact": "1",
        },
    )
    assert dated_early.status_code == 400
    assert "cannot be dated before the last one" in dated_early.content.decode()
    assert RiskAssessment.objects.filter(risk=risk).count() == 1


@pytest.mark.parametrize(
    "name", ["risks:index", "risks:heat_map", "risks:above_appetite", "risks:overdue"]
)
def test_a_social_worker_is_refused_and_a_board_member_reads(register, people, name):
    risk = add_risk(register, people, on=date(2025, 1, 31))  # above appetite and overdue
    assert client_for(people["sw"]).get(reverse(name)).status_code == 403
    board = client_for(people["board"]).get(reverse(name))
    assert board.status_code == 200
    assert risk.title in board.content.decode()


def test_a_board_member_reads_a_risk_but_cannot_change_it(register, people):
    risk = add_risk(register, people)
    board = client_for(people["board"])
    page = board.get(reverse("risks:risk", args=[risk.pk]))
    assert page.status_code == 200
    assert b"rescore-form" not in page.content
    assert b"edit-link" not in page.content
    assert board.post(reverse("risks:rescore", args=[risk.pk]), {}).status_code == 403
    assert board.get(reverse("risks:edit", args=[risk.pk])).status_code == 403
    assert board.get(reverse("risks:new")).status_code == 403
    assert client_for(people["sw"]).get(reverse("risks:risk", args=[risk.pk])).status_code == 403


def test_scope_follows_the_registers_unit(register, people, org):
    add_risk(register, people, ref="DIR-1")
    north = actions.create_register(
        actor=people["sm_north"],
        name="North register",
        level="service",
        unit=org["north"],
        owner=people["sm_north"],
    )
    north_risk = add_risk(north, people, ref="N-1")
    outsider = client_for(people["tm_c"])
    assert outsider.get(reverse("risks:index")).context["rows"] == []
    assert outsider.get(reverse("risks:risk", args=[north_risk.pk])).status_code == 403
    north_rows = client_for(people["sm_north"]).get(reverse("risks:index")).context["rows"]
    assert [r.ref for r in north_rows] == ["N-1"]
    assert len(client_for(people["board"]).get(reverse("risks:index")).context["rows"]) == 2


def test_list_filters_and_sorting(register, people):
    add_risk(register, people, ref="A", on=date(2025, 1, 31))  # 16, overdue
    add_risk(register, people, ref="B", current_likelihood=2, current_impact=4)  # 8
    add_risk(register, people, ref="C", current_likelihood=1, current_impact=2)  # 2
    client = client_for(people["board"])

    def refs(query: str) -> list[str]:
        return [r.ref for r in client.get(reverse("risks:index") + query).context["rows"]]

    assert refs("") == ["A", "B", "C"]  # worst first
    assert refs("?sort=score&order=asc") == ["C", "B", "A"]
    assert refs("?band=amber") == ["B"]
    assert refs("?appetite=1") == ["A"]
    assert refs("?overdue=1") == ["A"]
    assert refs("?category=finance") == ["A", "B", "C"]  # an unknown category is ignored
    assert refs("?category=financial") == []
    assert refs("?likelihood=2&impact=4") == ["B"]
    page = client.get(reverse("risks:index")).content.decode()
    assert "Review overdue" in page
    assert "↔" not in page
    assert "New" in page


def test_csv_export(register, people):
    add_risk(register, people, ref="A", on=date(2025, 1, 31))
    b = add_risk(register, people, ref="B", current_likelihood=2, current_impact=4)
    rescore(b, people["director"], date(2026, 12, 1), current=(2, 3))
    response = client_for(people["board"]).get(reverse("risks:index") + "?format=csv&sort=ref")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["Ref"], r["Current score"], r["Band"], r["Direction"]) for r in rows] == [
        ("A", "16", "Significant", "New"),
        ("B", "6", "Moderate", "Better"),
    ]
    assert [r["Review overdue"] for r in rows] == ["yes", "no"]
    assert [r["Above appetite"] for r in rows] == ["yes", "no"]
    filtered = client_for(people["board"]).get(reverse("risks:index") + "?format=csv&band=red")
    assert len(list(csv.DictReader(io.StringIO(filtered.content.decode("utf-8-sig"))))) == 1


def test_above_appetite_and_overdue_pages(register, people):
    add_risk(register, people, ref="A", on=date(2025, 1, 31))
    add_risk(register, people, ref="B", current_likelihood=2, current_impact=4)
    client = client_for(people["board"])
    above = client.get(reverse("risks:above_appetite"))
    assert [row["risk"].ref for row in above.context["rows"]] == ["A"]
    assert above.context["rows"][0]["gap"] == 7
    overdue = client.get(reverse("risks:overdue"))
    assert [row["risk"].ref for row in overdue.context["rows"]] == ["A"]


def test_the_heat_map_is_a_table_with_headers_and_a_caption(register, people):
    add_risk(register, people)
    page = client_for(people["board"]).get(reverse("risks:heat_map")).content.decode()
    assert '<caption class="govuk-table__caption govuk-table__caption--m">1 open risk' in page
    assert '<th scope="row" class="govuk-table__header">5 Almost certain</th>' in page
    assert "5 Severe</th>" in page
    assert page.count('<td class="govuk-table__cell govuk-table__cell--numeric" id="cell-') == 25


def test_adding_and_editing_a_risk_through_the_pages(register, people):
    client = client_for(people["director"])
    form = client.get(reverse("risks:new"))
    assert form.status_code == 200
    data = {
        "register": register.pk,
        "ref": "CSC-09",
        "title": "Children missing from care",
        "category": "safeguarding",
        "cause": "Exploitation.",
        "event": "Children go missing.",
        "consequence": "Serious harm.",
        "controls": "Return interviews\nExploitation panel",
        "owner": people["owner"].pk,
        "date_identified": "2026-01-05",
        "appetite_level": "averse",
        "appetite_threshold": "8",
        "response": "treat",
        "linked_measures": [],
        "assessed_on": "2026-01-06",
        "inherent_likelihood": "5",
        "inherent_impact": "5",
        "current_likelihood": "3",
        "current_impact": "5",
        "target_likelihood": "2",
        "target_impact": "4",
    }
    refused = client.post(reverse("risks:new"), data | {"current_impact": "7"})
    assert refused.status_code == 400
    assert not Risk.objects.exists()
    created = client.post(reverse("risks:new"), data)
    risk = Risk.objects.get(ref="CSC-09")
    assert created.url == reverse("risks:risk", args=[risk.pk])
    assert (risk.latest.score, risk.latest.band, risk.control_lines[1]) == (
        15,
        "red",
        "Exploitation panel",
    )
    owner = client_for(people["owner"])
    # The owner's form shows the owner but does not send it: only a risk manager changes it.
    edit = {k: v for k, v in data.items() if k not in ("register", "owner")}
    edit |= {"status": "monitoring"}
    assert owner.post(reverse("risks:edit", args=[risk.pk]), edit).status_code == 302
    risk.refresh_from_db()
    assert risk.status == "monitoring"
    page = owner.get(reverse("risks:risk", args=[risk.pk])).content.decode()
    assert "changed status from Open to Monitoring" in page


def test_setting_up_a_register_through_the_page(people, org):
    client = client_for(people["sm_north"])
    response = client.post(
        reverse("risks:new_register"),
        {
            "name": "North register",
            "level": "service",
            "unit": org["north"].pk,
            "owner": people["sm_north"].pk,
        },
    )
    assert response.status_code == 302
    assert RiskRegister.objects.get().unit == org["north"]
    outside = client.post(
        reverse("risks:new_register"),
        {
            "name": "South",
            "level": "service",
            "unit": org["south"].pk,
            "owner": people["sm_north"].pk,
        },
    )
    assert outside.status_code == 400
    assert RiskRegister.objects.count() == 1
    assert client_for(people["board"]).get(reverse("risks:new_register")).status_code == 403


# Demo history -----------------------------------------------------------------------------------


def test_the_demo_register_has_two_years_of_quarterly_reviews(org, people):
    register = ensure_demo_register(org["authority"])
    assert register.name == REGISTER_NAME
    assert register.level == "directorate"
    risks = list(Risk.objects.filter(register=register))
    assert len(risks) == 20
    firsts = [r.assessments.order_by("assessed_on").first() for r in risks]
    assert 12 <= sum(a.band == "red" for a in firsts) <= 15  # about two-thirds significant
    counts = [r.assessments.count() for r in risks]
    assert max(counts) == 9
    assert min(counts) >= 7
    assert sum(r.latest.score < first.score for r, first in zip(risks, firsts, strict=True)) >= 5
    span = max(r.latest.assessed_on for r in risks) - min(a.assessed_on for a in firsts)
    assert 720 <= span.days <= 735
    again = ensure_demo_register(org["authority"])
    assert again == register
    assert Risk.objects.count() == 20
