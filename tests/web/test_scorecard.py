"""The scorecard, the indicator page and the children behind a figure: what each role sees,
what is suppressed, and what is written to the access log."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from casegrip.measures.catalogue import MEASURES
from casegrip.measures.results import figures
from casegrip.web.accounts.models import AccessLog

from ..conftest import client_for

EAST_TEAM = "East Family Support and Protection"
WEST_TEAM = "West Family Support and Protection"
EAST_CARE = "East Children in Care"


def test_scorecard_lists_every_indicator_with_figures_for_the_unit(small):
    director = small.user("director", small.authority)
    response = client_for(director).get(reverse("performance:index"))
    assert response.status_code == 200
    page = response.content.decode()
    for measure in MEASURES:
        assert f'data-measure="{measure.id}"' in page
    # The authority's CLA rate for the last whole month, as worked out, is on the page.
    figs = figures(small.snapshot)
    points = figs.points("cla_rate_per_10k", "authority", small.authority.la_code)
    september = next(p for p in points if p.window_end.isoformat() == "2026-09-30")
    assert f"{september.value:,.1f}".removesuffix(".0") in page


def test_scorecard_filters_by_area_and_rag(small):
    director = small.user("director", small.authority)
    client = client_for(director)
    page = client.get(reverse("performance:index"), {"group": "Adoption"}).content.decode()
    adoption = [m for m in MEASURES if m.group == "Adoption"]
    assert all(f'data-measure="{m.id}"' in page for m in adoption)
    assert 'data-measure="cla_rate_per_10k"' not in page
    red = client.get(reverse("performance:index"), {"show": "red"}).content.decode()
    assert 'govuk-tag--green">Green' not in red


def test_team_scope_is_checked(small):
    manager = small.user("team-manager", small.unit(EAST_TEAM))
    client = client_for(manager)
    own = client.get(reverse("performance:index"))
    assert own.status_code == 200
    assert EAST_TEAM in own.content.decode()
    other = client.get(reverse("performance:index"), {"unit": small.unit(WEST_TEAM).pk})
    assert other.status_code == 403
    indicator = client.get(
        reverse("performance:indicator", args=["cla_visit_timeliness"]),
        {"unit": small.unit(WEST_TEAM).pk},
    )
    assert indicator.status_code == 403


def test_social_worker_has_no_scorecard(small):
    team = small.unit(EAST_TEAM)
    sw = small.user("social-worker", team, staff=small.worker_with_children(EAST_TEAM))
    # Their Performance is their own weekly list (a unit's scorecard too); figures are refused.
    assert client_for(sw).get(reverse("performance:index")).url == reverse("performance:weekly")
    unit_scorecard = client_for(sw).get(reverse("performance:index"), {"unit": team.pk})
    assert unit_scorecard.url == reverse("performance:weekly")
    url = reverse("performance:indicator", args=["assessment_timeliness_45wd"])
    assert client_for(sw).get(url, {"unit": team.pk}).status_code == 403


def test_board_member_sees_small_numbers_suppressed(small):
    board = small.user("board-member", small.authority)
    director = small.user("director", small.authority)
    team = small.unit(EAST_TEAM)
    figs = figures(small.snapshot)
    # A team-level count measure with a figure from 1 to 4 in the latest month.
    small_one = next(
        m
        for m in MEASURES
        if (p := figs.latest(m.id, "team", team.source_id)) is not None
        and 0 < p.numerator < 5
        and m.kind.value in ("count", "proportion")
    )
    url = reverse("performance:indicator", args=[small_one.id])
    params = {"unit": team.pk, "month": figs.months[-1].isoformat()[:7]}
    board_page = client_for(board).get(url, params).content.decode()
    director_page = client_for(director).get(url, params).content.decode()
    assert "Suppressed: a count below the disclosure threshold" in board_page
    assert (
        "Suppressed: a count below the disclosure threshold"
        not in director_page.split('id="breakdown"')[0]
    )
    # Exports are aggregate outputs: suppressed whoever asks.
    export = client_for(director).get(
        reverse("performance:indicator_export", args=[small_one.id, "csv"]), params
    )
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    latest = rows[-1]
    assert latest[2] == "c"


def test_indicator_page_has_trend_breakdown_and_definition(small):
    head = small.user("head-of-service", small.unit("Children's Social Care"))
    url = reverse("performance:indicator", args=["assessment_timeliness_45wd"])
    page = client_for(head).get(url).content.decode()
    assert 'data-cg-chart="trend-spec"' in page
    assert "East locality" in page
    assert "West locality" in page
    assert "Show the chart as a table" in page
    assert 'id="children-link"' in page


def test_drill_down_from_locality_to_team_to_worker(small):
    head = small.user("head-of-service", small.unit("Children's Social Care"))
    client = client_for(head)
    url = reverse("performance:indicator", args=["cla_visit_timeliness"])
    locality = client.get(url, {"unit": small.unit("East locality").pk}).content.decode()
    assert f"?unit={small.unit(EAST_TEAM).pk}" in locality
    team = client.get(url, {"unit": small.unit(EAST_TEAM).pk}).content.decode()
    worker = small.worker_with_children(EAST_TEAM)
    assert worker.name in team
    assert "By worker" in team


def test_children_list_is_logged_and_scoped(small):
    manager = small.user("team-manager", small.unit(EAST_CARE))
    client = client_for(manager)
    url = reverse("performance:children", args=["cla_visit_timeliness"])
    response = client.get(url, {"unit": small.unit(EAST_CARE).pk, "place": "denominator"})
    assert response.status_code == 200
    entry = AccessLog.objects.get(user=manager, action=AccessLog.Action.VIEW)
    assert entry.what == "children behind cla_visit_timeliness"
    assert entry.child_ids
    assert entry.child_ids[0] in response.content.decode()
    assert client.get(url, {"unit": small.unit(WEST_TEAM).pk}).status_code == 403


def test_children_export_needs_export_rights_and_is_logged(small):
    manager = small.user("team-manager", small.unit(EAST_CARE))
    iro = small.user("iro", small.authority)
    url = reverse("performance:children_export", args=["cla_visit_timeliness", "xlsx"])
    params = {"unit": small.unit(EAST_CARE).pk}
    assert client_for(iro).get(url, params).status_code == 403
    response = client_for(manager).get(url, params)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Child", "Team", "Worker"]
    exported = {row[0].value for row in sheet.iter_rows(min_row=2)}
    entry = AccessLog.objects.get(user=manager, action=AccessLog.Action.EXPORT)
    assert set(entry.child_ids) == exported


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_aggregate_export_formats(small, fmt):
    director = small.user("director", small.authority)
    url = reverse("performance:indicator_export", args=["cla_rate_per_10k", fmt])
    response = client_for(director).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    assert not AccessLog.objects.filter(user=director).exists()


def test_unknown_indicator_and_format_are_404(small):
    director = small.user("director", small.authority)
    client = client_for(director)
    assert client.get(reverse("performance:indicator", args=["no_such"])).status_code == 404
    url = reverse("performance:indicator_export", args=["cla_rate_per_10k", "pdf"])
    assert client.get(url).status_code == 404


def test_default_month_is_the_last_whole_month(small):
    # The extract date is 30 October 2026: October is still running, so September is shown,
    # and October can be chosen, marked as partial.
    director = small.user("director", small.authority)
    page = client_for(director).get(reverse("performance:index")).content.decode()
    assert "in the month to 30 September 2026" in page
    assert "October 2026 (to 30 October)" in page
    october = client_for(director).get(reverse("performance:index"), {"month": "2026-10"})
    assert "in the month to 30 October 2026" in october.content.decode()


def test_pages_before_any_import_say_so(org, make_user, tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    client = client_for(make_user("director", org["authority"]))
    for url in (
        reverse("performance:index"),
        reverse("performance:indicator", args=["cla_rate_per_10k"]),
        reverse("performance:children", args=["cla_rate_per_10k"]),
        reverse("performance:weekly"),
        reverse("performance:clinic"),
        reverse("workforce:caseloads"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'id="no-snapshot"' in response.content.decode(), url
