"""The Data section's statutory returns: build and download, check an upload or what casegrip
builds, findings by rule and by child, CSVs; scope and the access log."""

import csv
import io
import zipfile
from pathlib import Path

import pytest

from casegrip.home import data_dir
from casegrip.web.accounts.models import AccessLog
from casegrip.web.data import returns as returns_views
from casegrip.web.data.models import ReturnCheck
from casegrip.web.organisation.models import OrgUnit, UnitKind

from ..conftest import client_for

SAMPLES = Path(__file__).parents[3] / "shared" / "reference" / "samples"
CIN_2024 = SAMPLES / "csc-validator-be-cin" / "fake_data" / "CIN_Census_2024.xml"


@pytest.fixture
def analyst(small):
    return small.user("performance-analyst", small.authority)


def test_build_the_cin_census_and_check_what_casegrip_builds(small, analyst):
    client = client_for(analyst)
    assert client.get("/data/returns/").status_code == 200
    built = client.post("/data/returns/build/", {"kind": "cin", "year": "2026"})
    assert built.status_code == 200
    assert built["Content-Type"] == "application/xml"
    assert b"<Message" in built.content
    exported = AccessLog.objects.get(user=analyst, action=AccessLog.Action.EXPORT)
    assert exported.child_ids
    checked = client.post(
        "/data/returns/check/", {"source": "built", "kind": "cin", "year": "2026"}
    )
    assert checked.status_code == 302
    result = ReturnCheck.objects.get()
    page = client.get(checked["Location"])
    assert page.status_code == 200
    assert f"CIN census 2026: {result.findings}".encode() in page.content


def test_build_the_903_as_a_zip_of_its_tables(small, analyst):
    built = client_for(analyst).post("/data/returns/build/", {"kind": "903", "year": "2026"})
    with zipfile.ZipFile(io.BytesIO(built.content)) as archive:
        names = archive.namelist()
    assert {"header.csv", "episodes.csv", "reviews.csv", "missing.csv"} <= set(names)


def test_check_an_uploaded_census_gives_findings_by_rule_and_a_fix_list(small, analyst):
    client = client_for(analyst)
    with CIN_2024.open("rb") as handle:
        response = client.post(
            "/data/returns/check/", {"source": "upload", "year": "2024", "files": handle}
        )
    assert response.status_code == 302
    check = ReturnCheck.objects.get()
    assert check.kind == "cin"
    assert check.findings > 0
    page = client.get(response["Location"]).content.decode()
    assert "8930" in page
    assert "Fix list for the data team" in page
    every = client.get(f"/data/returns/checks/{check.pk}/findings.csv")
    rows = list(csv.DictReader(io.StringIO(every.content.decode())))
    assert len(rows) == check.findings
    assert list(rows[0]) == ["rule_code", "table", "row", "child_id", "fields", "message"]
    fix = client.get(f"/data/returns/checks/{check.pk}/children.csv")
    assert b"child_id,findings,rules" in fix.content


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("return.zip", b"not a zip", b"return.zip is not a zip file that can be opened"),
        ("notes.docx", b"hello", b"notes.docx is not a zip, CSV or XML file"),
        (
            "census.xml",
            b"<Message><Header><CollectionDetails>",
            b"census.xml is not well-formed XML: it breaks at line 1",
        ),
        (
            "header.csv",
            b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/01/2010,\xff\xfeWBRI,,,\n",
            b"header.csv is not UTF-8 text",
        ),
    ],
)
def test_a_bad_upload_is_refused_clearly_and_keeps_nothing(small, analyst, name, content, why):
    upload = io.BytesIO(content)
    upload.name = name
    kept = data_dir() / "return-checks"
    before = set(kept.glob("*"))
    refused = client_for(analyst).post(
        "/data/returns/check/", {"source": "upload", "year": "2024", "files": upload}
    )
    assert refused.status_code == 400
    assert why in refused.content
    assert not ReturnCheck.objects.exists()
    assert set(kept.glob("*")) == before


def test_only_those_who_build_returns_for_the_authority(small):
    team = small.unit("East Children in Care")
    manager = client_for(small.user("team-manager", team))
    assert manager.get("/data/returns/").status_code == 403
    board = client_for(small.user("board-member", small.authority))
    assert board.post("/data/returns/build/", {"kind": "cin", "year": "2026"}).status_code == 403


def test_build_annex_a_for_an_inspection_date(small, analyst):
    import openpyxl

    built = client_for(analyst).post(
        "/data/returns/build/", {"kind": "annex-a", "year": "2026", "date": "2026-10-30"}
    )
    assert built.status_code == 200
    assert "annex-a-2026-10-30.xlsx" in built["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(built.content))
    assert book.sheetnames[:3] == ["List 1", "List 2", "List 3"]
    bad = client_for(analyst).post(
        "/data/returns/build/", {"kind": "annex-a", "year": "2026", "date": "30/10/2026"}
    )
    assert bad.status_code == 400
    assert b"Enter the inspection date as a real date" in bad.content


@pytest.mark.parametrize(
    ("la_code", "configured", "compared"),
    [("805", None, True), ("998", None, False), ("998", "E09000027", True)],
)
def test_a_903_check_compares_placements_with_the_authority_when_its_code_is_known(
    small, analyst, monkeypatch, la_code, configured, compared
):
    # An own-provision placement 6 miles away in another authority (the tests' postcodes), for
    # an authority that is Hartlepool by its DfE code, then one whose code is no authority's,
    # then that one with its ONS code in its configuration (as the synthetic ones have).
    OrgUnit.objects.filter(kind=UnitKind.AUTHORITY).update(la_code=la_code)
    config = returns_views.snapshot_config(returns_views.live_snapshot())
    monkeypatch.setattr(
        returns_views,
        "snapshot_config",
        lambda live: config.model_copy(update={"ons_code": configured}),
    )
    episodes = io.BytesIO(
        b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        b"PL_POST,URN\n1,01/01/2025,S,C2,N1,R1,PR1,,,,ZA1 1AA,ZA1 1AB,\n"
    )
    episodes.name = "episodes.csv"
    client = client_for(analyst)
    response = client.post(
        "/data/returns/check/", {"source": "upload", "year": "2026", "files": episodes}
    )
    assert response.status_code == 302
    kept = data_dir() / "return-checks" / ReturnCheck.objects.get().file_name
    with kept.open(encoding="utf-8") as handle:
        codes = {row["rule_code"] for row in csv.DictReader(handle)}
    assert ("1015" in codes) is compared, kept.read_text()


def test_a_903_check_with_ofsteds_provider_lists_looks_up_each_urn(small, analyst, tmp_path):
    # An episode at a URN no list holds (rule 1008), checked with and without the lists.
    from tests.returns.cases_903_providers import NOT_LISTED, write_provider_lists

    lists = write_provider_lists(tmp_path)
    episodes = (
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        f"PL_POST,URN\n1,01/01/2025,S,C2,N1,K2,PR1,,,,ZA1 1AA,ZA1 1AA,{NOT_LISTED}\n"
    ).encode()
    client = client_for(analyst)

    def check(*providers: Path) -> set[str]:
        upload = io.BytesIO(episodes)
        upload.name = "episodes.csv"
        opened = [path.open("rb") for path in providers]
        try:
            response = client.post(
                "/data/returns/check/",
                {"source": "upload", "year": "2026", "files": upload, "providers": opened},
            )
        finally:
            for handle in opened:
                handle.close()
        assert response.status_code == 302
        kept = data_dir() / "return-checks" / ReturnCheck.objects.latest("pk").file_name
        with kept.open(encoding="utf-8") as handle:
            return {row["rule_code"] for row in csv.DictReader(handle)}

    assert "1008" in check(*lists)
    assert "1008" not in check()
    assert ReturnCheck.objects.latest("pk").source == "episodes.csv"


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("list.csv", b"URN\nSC1\n", "list.csv is not an XLSX workbook"),
        ("list.xlsx", b"not a workbook", "list.xlsx"),
    ],
)
def test_a_bad_provider_list_is_refused_clearly_and_keeps_nothing(
    small, analyst, name, content, why
):
    episodes = io.BytesIO(b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,"
                          b"REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n")  # fmt: skip
    episodes.name = "episodes.csv"
    listed = io.BytesIO(content)
    listed.name = name
    kept_before = set((data_dir() / "return-checks").glob("*"))
    response = client_for(analyst).post(
        "/data/returns/check/",
        {"source": "upload", "year": "2026", "files": episodes, "providers": listed},
    )
    assert response.status_code == 400
    assert why in response.content.decode()
    assert not ReturnCheck.objects.exists()
    assert set((data_dir() / "return-checks").glob("*")) == kept_before
