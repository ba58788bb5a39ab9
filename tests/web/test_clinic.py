"""The performance clinic: the pack's exceptions, actions followed up next month, who may record
them, and the PDF with its charts."""

from datetime import date, timedelta

from django.urls import reverse

from casegrip.measures.model import Rag
from casegrip.web.accounts.models import AuditEvent
from casegrip.web.performance.models import ClinicAction

from ..conftest import client_for

LOCALITY = "East locality"
URL = reverse("performance:clinic")


def test_pack_lists_exceptions_that_are_red_or_worsening_and_only_those(small):
    head = small.user("head-of-service", small.unit("Children's Social Care"))
    response = client_for(head).get(URL, {"unit": small.unit(LOCALITY).pk})
    assert response.status_code == 200
    rows = [item["row"] for item in response.context["rows"]]
    expected = [r.measure.id for r in rows if r.rag is Rag.RED or r.direction == "worsening"]
    shown = [e["row"].measure.id for e in response.context["exceptions"]]
    assert shown == expected
    assert shown, "the small authority has exceptions to show"
    page = response.content.decode()
    assert f'data-cg-chart="exception-spec-{shown[0]}"' in page
    assert 'id="pack-weekly"' in page


def test_actions_agreed_come_back_in_next_months_pack_with_their_status(small):
    manager = small.user("service-manager", small.unit(LOCALITY))
    client = client_for(manager)
    unit = small.unit(LOCALITY)
    owner = small.worker_with_children("East Family Support and Protection")
    due = (date.today() + timedelta(days=30)).isoformat()
    posted = client.post(
        reverse("performance:clinic_add_action") + f"?unit={unit.pk}&month=2026-08",
        {"text": "Review every late visit with the team", "owner": owner.pk, "due_date": due},
    )
    assert posted.status_code == 302
    action = ClinicAction.objects.get()
    assert action.month == date(2026, 8, 31)
    assert AuditEvent.objects.filter(verb="recorded clinic action").exists()

    september = client.get(URL, {"unit": unit.pk, "month": "2026-09"})
    assert [a.pk for a in september.context["earlier"]] == [action.pk]
    assert september.context["now"] == []

    client.post(
        reverse("performance:clinic_update_action", args=[action.pk]),
        {"status": "done", "note": "Done at the team meeting", "month": "2026-09"},
    )
    action.refresh_from_db()
    assert action.status == "done"
    assert AuditEvent.objects.filter(verb="updated clinic action").exists()
    # Done last month: still listed in September; done and older: not carried into October.
    assert client.get(URL, {"unit": unit.pk, "month": "2026-09"}).context["earlier"]
    assert client.get(URL, {"unit": unit.pk, "month": "2026-10"}).context["earlier"] == []


def test_bad_action_form_says_what_is_wrong_and_saves_nothing(small):
    manager = small.user("service-manager", small.unit(LOCALITY))
    response = client_for(manager).post(
        reverse("performance:clinic_add_action") + f"?unit={small.unit(LOCALITY).pk}",
        {"text": "", "due_date": "2001-01-01"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the action agreed" in page
    assert "The due date must be today or later" in page
    assert not ClinicAction.objects.exists()


def test_scope_and_who_may_record(small):
    west = small.user("service-manager", small.unit("West locality"))
    assert client_for(west).get(URL, {"unit": small.unit(LOCALITY).pk}).status_code == 403
    team_manager = small.user("team-manager", small.unit("East Children in Care"))
    response = client_for(team_manager).post(
        reverse("performance:clinic_add_action")
        + f"?unit={small.unit('East Children in Care').pk}",
        {"text": "x", "due_date": date.today().isoformat()},
    )
    assert response.status_code == 403
    sw = small.user("social-worker", small.unit("East Children in Care"))
    assert client_for(sw).get(URL).status_code == 403


def test_pdf_has_the_packs_charts(small):
    head = small.user("head-of-service", small.unit("Children's Social Care"))
    client = client_for(head)
    response = client.get(reverse("performance:clinic_pdf"), {"unit": small.unit(LOCALITY).pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    exceptions = len(client.get(URL, {"unit": small.unit(LOCALITY).pk}).context["exceptions"])
    # Each chart is an SVG drawn into the PDF as a form XObject of vector paths.
    assert body.count(b"/Subtype /Form") >= exceptions + 1
    # Made once: the second download is the kept file.
    again = client.get(reverse("performance:clinic_pdf"), {"unit": small.unit(LOCALITY).pk})
    assert again.content == body


def test_board_member_pack_suppresses_small_numbers(small):
    board = small.user("board-member", small.authority)
    director = small.user("director", small.authority)
    team = small.unit("East Children in Care").pk
    board_page = client_for(board).get(URL, {"unit": team}).content.decode()
    director_page = client_for(director).get(URL, {"unit": team}).content.decode()
    suppressed = "Suppressed: a count below the disclosure threshold"
    assert board_page.count(suppressed) > director_page.count(suppressed)
