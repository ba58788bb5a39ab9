"""Reading Ofsted's provider lists (``ssda903.providers``): each layout the DfE validator takes,
read as it reads them, and each kind of file it cannot take refused clearly."""

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from casegrip.cli import app
from casegrip.returns.validation.command import PROVIDER_RULES
from casegrip.returns.validation.ssda903 import REGISTRY, validate
from casegrip.returns.validation.ssda903.load import load
from casegrip.returns.validation.ssda903.providers import PROVIDERS, UnreadableProviders
from tests.postcodes import OWN_AUTHORITY

from .cases_903_providers import HOME, write_provider_lists, write_workbook
from .conftest import SAMPLES
from .test_validate_903 import row, write_return

FAKE = SAMPLES / "csc-validator-be-903" / "tests" / "fake_data"
COMBINED_HEADER = (
    "Local authority", "URN", "Provider type", "Placement code", "Placement provider code",
    "Deregistration date", "Setting address postcode",
)  # fmt: skip


def providers(tmp_path: Path, paths: list[Path]) -> list[tuple]:
    """The ``_providers`` rows that ``load`` makes of the lists ``paths``."""
    write_return(tmp_path / "return", {"Episodes": []})
    con = duckdb.connect()
    try:
        present = load(con, tmp_path / "return", None, OWN_AUTHORITY, paths)
        assert PROVIDERS in present
        return con.execute(
            "SELECT URN, LA_NAME_FROM_FILE, PLACE_CODES, PROVIDER_CODES, REG_END, POSTCODE,"
            " source, LA_CODE_INFERRED FROM _providers"
        ).fetchall()
    finally:
        con.close()


def test_the_childrens_homes_and_social_care_providers_lists_in_either_order(tmp_path):
    expected = [
        # "-" is not a closing date; the home's "PR1/PR2" become "PR1,PR2" as the validator
        # makes them; the postcodes lose their spaces and are upper-cased.
        ("njascn", "East Sussex", "cod3", "cod3c0d3", None, "BN208JX", "CH List", None),
        ("bababooey", "East Sussex County Council", "cod35", "cod3c0d5", None, "BN208JX",
         "SCP List", None),
        ("p4baboo7", "East Sussex County Council", "c0d5", "c0d4d0", date(2023, 1, 1),
         "BN208JX", "SCP List", None),
    ]  # fmt: skip
    ch, scp = FAKE / "ch_fake.xlsx", FAKE / "scp_fake.xlsx"
    assert providers(tmp_path / "a", [ch, scp]) == expected
    assert providers(tmp_path / "b", [scp, ch]) == expected


def test_the_combined_list_of_one_sheet(tmp_path):
    found = providers(tmp_path, [FAKE / "combined_scp_ch_fake.xlsx"])
    assert found[0] == (
        "ARN00001", "Arnor borough council", "U1,U2,U3,U4,U5,U6", "RD1, RD2", None, "ND18AD",
        "Combined SCPCH List", None,
    )  # fmt: skip
    assert [r[0] for r in found] == ["ARN00001", "GND00002", "MDR00003", "RHN00004"]


def test_the_combined_list_of_two_sheets_places_supported_accommodation_k3(tmp_path):
    found = providers(tmp_path, [FAKE / "scpch_assisted.xlsx"])
    assert [r[0] for r in found] == [
        "ARN00001", "GND00002", "MDR00003", "RHN00004", "ISL00001", "TNT00001"
    ]  # fmt: skip
    # The second sheet's rows: K3, their own provider codes, no authority named ("local
    # authority" is not a column of that sheet), "na" not a date.
    assert found[4] == (
        "ISL00001", None, "K3", "codecode", None, "SM0000", "Combined SCPCH List", None
    )  # fmt: skip
    # A second sheet with no provider codes gives PR4; its URNs, all numbers, are not found.
    later = providers(tmp_path / "2025", [FAKE / "scp_ch_2025_fake.xlsx"])
    assert later == [
        (None, "Provider LA", "H5", "RRR", None, None, "Combined SCPCH List", None),
        (None, None, "K3", "PR4", date(2024, 2, 1), "P057OD", "Combined SCPCH List", None),
    ]


def test_the_childrens_homes_list_with_settings_and_addresses_on_two_sheets(tmp_path):
    settings = ("URN", "Local Authority", "Provider Code", "Provider Placement Code", "Closed Date")
    homes = write_workbook(
        tmp_path / "homes.xlsx",
        {
            # "N/A" is one of the words pandas reads as blank.
            "Settings and Inspection Info": [settings, ("SC1", "Here", "K2", "N/A", None)],
            "Address Details": [("URN", "Setting Address Postcode"), ("SC1", "za1 1aa")],
        },
    )
    _, scp = write_provider_lists(tmp_path / "lists")
    found = providers(tmp_path, [homes, scp])
    assert found[0] == ("SC1", "Here", "K2", None, None, "ZA11AA", "CH List", OWN_AUTHORITY)


def test_the_providers_authority_is_inferred_from_its_postcode(tmp_path):
    found = {r[0]: r[-1] for r in providers(tmp_path, write_provider_lists(tmp_path / "lists"))}
    # The home in the own authority; the agency in Cambridge, so Cambridgeshire.
    assert found[HOME] == OWN_AUTHORITY
    assert found["SC000002"] == "E10000003"


def test_the_second_sheet_takes_the_authority_at_its_row_labels_place(tmp_path):
    # The validator sets the inferred authorities by pandas' row labels, which start again
    # from 0 on the second sheet: its first row takes the first sheet's first row's.
    combined = write_workbook(
        tmp_path / "combined.xlsx",
        {
            "Providers": [
                COMBINED_HEADER,
                ("A", "SC1", "Home", "K2", "PR1", None, "ZA1 1AA"),
                ("B", "SC2", "Home", "K2", "PR1", None, "ZA1 1AB"),
            ],
            "SA Providers": [
                ("Provider local authority", "URN", "Closed date", "Setting address postcode"),
                ("C", "SC3", None, "ZA1 1AB"),
            ],
        },
    )
    found = {r[0]: r[-1] for r in providers(tmp_path, [combined])}
    assert found == {"SC1": OWN_AUTHORITY, "SC2": "E10000003", "SC3": OWN_AUTHORITY}


def test_text_urns_match_unless_every_urn_of_their_sheet_is_a_number(tmp_path):
    combined = write_workbook(
        tmp_path / "combined.xlsx",
        {
            "Providers": [
                COMBINED_HEADER,
                ("A", "1234567", "Home", "K2", "PR1", None, None),
                ("A", 7654321, "Home", "K2", "PR1", None, None),
                ("A", "SC1", "Home", "K2", "PR1", datetime(2024, 1, 2, 10, 30), None),
            ],
            "SA Providers": [
                ("Provider local authority", "URN", "Closed date", "Setting address postcode"),
                ("C", "2345678", None, None),
            ],
        },
    )
    found = [(r[0], r[4]) for r in providers(tmp_path, [combined])]
    assert found == [("1234567", None), (None, None), ("SC1", date(2024, 1, 2)), (None, None)]


def _refused(tmp_path: Path, paths: list[Path]) -> str:
    write_return(tmp_path / "return", {"Episodes": []})
    con = duckdb.connect()
    try:
        with pytest.raises(UnreadableProviders) as caught:
            load(con, tmp_path / "return", None, OWN_AUTHORITY, paths)
        # Nothing half loaded: the lists are read whole before any table is made.
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert not {"_providers", "_providers_read", "Episodes"} & tables
        return " ".join(str(caught.value).split())
    finally:
        con.close()


def test_a_file_that_is_not_a_workbook_is_refused_by_name(tmp_path):
    text = tmp_path / "homes.xlsx"
    text.write_text("URN,Placement code\n", encoding="utf-8")
    _, scp = write_provider_lists(tmp_path / "lists")
    assert "homes.xlsx cannot be read as an Excel (XLSX) file" in _refused(tmp_path, [text, scp])
    missing = tmp_path / "nowhere.xlsx"
    assert "nowhere.xlsx does not exist" in _refused(tmp_path, [missing, scp])


def test_a_list_lacking_a_column_is_refused_naming_it(tmp_path):
    homes, scp = write_provider_lists(tmp_path / "lists")
    no_codes = write_workbook(
        tmp_path / "homes.xlsx",
        {"Provider information": [("URN", "Local Authority", "Closed Date", "Setting Postcode")]},
    )
    message = _refused(tmp_path, [no_codes, scp])
    assert 'homes.xlsx: the sheet "Provider information" lacks the column(s) Provider Code,' in (
        message
    )
    no_postcode = write_workbook(
        tmp_path / "scp.xlsx",
        {
            "Current": [("URN", "Local authority", "Placement code", "Placement provider code")],
            "Closed": [("URN",)],
        },
    )
    assert "is neither Ofsted's Children's Homes list" in _refused(tmp_path, [homes, no_postcode])
    combined = write_workbook(
        tmp_path / "combined.xlsx", {"Providers": [("URN", "Provider type", "Placement code")]}
    )
    assert 'combined.xlsx: the sheet "Providers" lacks the column(s) local authority,' in (
        _refused(tmp_path, [combined])
    )


def test_lists_that_do_not_go_together_are_refused(tmp_path):
    homes, scp = write_provider_lists(tmp_path / "lists")
    assert "homes.xlsx is not Ofsted's combined provider list" in _refused(tmp_path, [homes])
    assert "given: homes.xlsx (children's homes list), homes.xlsx (children's homes list)" in (
        _refused(tmp_path, [homes, homes])
    )
    combined = FAKE / "combined_scp_ch_fake.xlsx"
    assert "combined_scp_ch_fake.xlsx is neither" in _refused(tmp_path, [combined, scp])


def test_the_provider_rules_run_only_with_provider_lists(tmp_path):
    write_return(tmp_path / "return", {"Episodes": [row(URN="SC999999", PLACE="K2")]})
    without = {f.rule_code for f in validate(tmp_path / "return", 2025)}
    lists = write_provider_lists(tmp_path / "lists")
    found = {f.rule_code for f in validate(tmp_path / "return", 2025, providers=lists)}
    assert not without & set(PROVIDER_RULES)
    assert {"1008", "219", "224"} <= found


def test_the_command_lines_list_of_provider_rules_is_the_registrys():
    listed = {code for code, rule in REGISTRY.rules.items() if PROVIDERS in rule.tables}
    assert set(PROVIDER_RULES) == listed


def test_the_command_line_takes_provider_lists_and_refuses_a_bad_one(tmp_path):
    write_return(tmp_path / "return", {"Episodes": [row(URN="SC999999", PLACE="K2")]})
    homes, scp = write_provider_lists(tmp_path / "lists")
    out = tmp_path / "findings.csv"

    def run(*extra: str) -> tuple[int, str]:
        args = ["returns", "validate", str(tmp_path / "return"), "--year", "2025"]
        result = CliRunner().invoke(app, [*args, "--out", str(out), *extra])
        return result.exit_code, " ".join(result.output.split())

    code, output = run()
    assert code == 0
    assert "(219, 221, 224, 227, 228, 229, 1008) did not run: --providers" in output
    assert "\n1008," not in out.read_text(encoding="utf-8")
    code, output = run("--providers", str(homes), "--providers", str(scp))
    assert code == 0
    assert "--providers with the lists" not in output
    assert "\n1008,Episodes,0,1," in out.read_text(encoding="utf-8")
    code, output = run("--providers", str(homes))
    assert code == 2
    assert "homes.xlsx is not Ofsted's combined provider list" in output
