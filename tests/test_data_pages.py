"""The Data section and syncing the organisation from the live snapshot."""

from datetime import date

import pytest
from django.urls import reverse

from casegrip.config import parse_config
from casegrip.store.snapshots import import_extract
from casegrip.web.accounts.models import AccessLog, RoleAssignment
from casegrip.web.organisation.models import OrgUnit, StaffMember
from casegrip.web.organisation.sync import sync_from_live_snapshot, sync_organisation

from .conftest import client_for
from .store.test_snapshots import CONFIG, extract


@pytest.fixture
def live(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    return import_extract(extract(), config=CONFIG, source_path="/extracts/test")


def test_analyst_sees_provenance_quality_and_history(live, org, make_user):
    page = client_for(make_user("performance-analyst", org["authority"])).get(reverse("data:index"))
    html = page.content.decode()
    assert page.status_code == 200
    assert live.snapshot_id in html
    assert "2024-03-31" in html
    assert "/extracts/test" in html
    rows = {r["code"]: r["count"] for r in page.context["quality"]}
    assert rows["orphan_reference"] >= 1
    assert "Succeeded" in html


def test_findings_are_child_level_so_they_are_logged(live, org, make_user):
    analyst = make_user("performance-analyst", org["authority"])
    client = client_for(analyst)

    page = client.get(reverse("data:quality"), {"rule": "orphan_reference"})
    assert page.status_code == 200
    assert "NOBODY" in page.content.decode()
    export = client.get(reverse("data:quality_csv"))
    assert export.status_code == 200
    assert b"orphan_reference" in b"".join(export.streaming_content)

    actions = list(AccessLog.objects.filter(user=analyst).values_list("action", flat=True))
    assert sorted(actions) == ["export", "view"]


def test_administrators_see_counts_but_not_findings(live, org, make_user):
    client = client_for(make_user("administrator", org["authority"]))
    assert client.get(reverse("data:index")).status_code == 200
    assert client.get(reverse("data:quality")).status_code == 403
    assert client.get(reverse("data:quality_csv")).status_code == 403


def test_data_page_before_any_import_says_so(org, make_user, tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    page = client_for(make_user("performance-analyst", org["authority"])).get(reverse("data:index"))
    assert "No snapshot of the case record has been imported yet" in page.content.decode()


def professionals(*rows):
    keys = (
        "prof_professional_id",
        "prof_professional_name",
        "prof_professional_job_title",
        "prof_professional_department",
    )
    return [dict(zip(keys, row, strict=True)) for row in rows]


TREE = {
    "name": "Testshire",
    "la_code": "997",
    "child_population": 1000,
    "services": [
        {
            "id": "S1",
            "name": "Care",
            "localities": [
                {"id": "L1", "name": "North", "teams": [{"id": "T1", "name": "North team"}]},
                {"id": "L2", "name": "South", "teams": [{"id": "T2", "name": "South team"}]},
            ],
        }
    ],
}


def test_sync_builds_the_tree_and_staff_then_follows_moves_and_leavers(db, make_user):
    first = sync_organisation(
        parse_config(TREE),
        professionals(
            ("W1", "Ana Lee", "Social worker (ASYE)", "T1"),
            ("W2", "Bo Roy", "Team manager", "T1"),
            ("W3", "Cy Dee", "Social worker", "NOT-A-TEAM"),
        ),
    )
    assert (first.units_created, first.staff_created) == (6, 2)
    assert first.staff_without_team == ["W3"]
    assert StaffMember.objects.get(professional_id="W1").is_asye
    manager = make_user("team-manager", OrgUnit.objects.get(source_id="T1"))

    moved = dict(TREE)
    moved["services"] = [
        {
            "id": "S1",
            "name": "Care",
            "localities": [
                {"id": "L1", "name": "North", "teams": [{"id": "T9", "name": "New team"}]},
                {
                    "id": "L2",
                    "name": "South",
                    "teams": [
                        {"id": "T2", "name": "South team"},
                        {"id": "T1", "name": "North team"},
                    ],
                },
            ],
        }
    ]
    second = sync_organisation(
        parse_config(moved), professionals(("W1", "Ana Lee", "Social worker", "T2"))
    )
    team = OrgUnit.objects.get(source_id="T1")
    assert OrgUnit.objects.get(source_id="L2").contains(team)
    assert StaffMember.objects.get(professional_id="W1").unit.source_id == "T2"
    assert not StaffMember.objects.get(professional_id="W2").active
    assert second.staff_inactivated == 1
    assert RoleAssignment.objects.get(user=manager).unit == team


def test_sync_from_the_live_snapshot_reads_its_configuration(live, db):
    result = sync_from_live_snapshot()
    assert OrgUnit.objects.filter(source_id="T1", kind="team").exists()
    assert result.units_created == 3


def test_a_caseload_lists_the_allocated_children_and_logs_them(tmp_path, monkeypatch, db):
    import pyarrow as pa

    from casegrip.model.schema import conform
    from casegrip.web.accounts import actions

    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    data = extract()
    data.tables["ssd_professionals"] = conform(
        "ssd_professionals",
        pa.table({"prof_professional_id": ["W1"], "prof_professional_department": ["T1"]}),
    )
    data.tables["ssd_involvements"] = conform(
        "ssd_involvements",
        pa.table(
            {
                "invo_involvements_id": ["I1", "I2", "I3"],
                "invo_professional_id": ["W1", "W1", "W1"],
                "invo_professional_role_id": ["CW", "CW", "IRO"],
                "invo_person_id": ["C0", "C1", "C2"],
                "invo_involvement_start_date": pa.array(
                    [date(2024, 1, 1), date(2023, 1, 1), date(2024, 1, 1)], pa.date32()
                ),
                "invo_involvement_end_date": pa.array([None, date(2024, 2, 1), None], pa.date32()),
            }
        ),
    )
    import_extract(data, config=CONFIG, source_path="test")
    sync_from_live_snapshot()
    worker = StaffMember.objects.get(professional_id="W1")
    manager = actions.create_user(username="tm", password="a-long-test-passphrase")
    actions.assign_role(user=manager, role="team-manager", unit=worker.unit)

    page = client_for(manager).get(reverse("workforce:caseload", args=[worker.pk]))

    assert page.status_code == 200
    assert [c["child_id"] for c in page.context["children"]] == ["C0"]  # C1 ended, C2 is IRO
    assert AccessLog.objects.get(user=manager).child_ids == ["C0"]
