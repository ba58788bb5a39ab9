"""The SSDA903 validation rules: for each rule, a return that breaks it and one that keeps it.

A case gives each table's rows as dicts (columns left out are blank; CHILD is "1" unless given)
for collection year 2025 (1 April 2024 to 31 March 2025) unless it says otherwise. Tables a rule
needs but a case leaves out are written empty, so that the rule runs."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from casegrip.returns.validation.ssda903 import REGISTRY, validate
from casegrip.returns.validation.ssda903.load import TABLES, find_tables, load
from casegrip.returns.validation.ssda903.providers import PROVIDERS
from casegrip.returns.validation.ssda903.registry import _messages_and_fields, run_together
from tests.postcodes import OWN_AUTHORITY

from .cases_903_earlier_years import earlier_year_cases
from .cases_903_placement import placement_cases
from .cases_903_providers import provider_cases, write_provider_lists
from .conftest import SAMPLES

Tables = dict[str, list[dict]]


def row(child: str = "1", **values: str) -> dict:
    return {"CHILD": child, **values}


def write_return(folder: Path, tables: Tables, needed: tuple[str, ...] = ()) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in {*tables, *needed}:
        with (folder / f"{name.lower()}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=TABLES[name])
            writer.writeheader()
            writer.writerows(tables.get(name, []))


def rule_rows(
    tmp: Path, code: str, tables: Tables, year: int, last: Tables | None = None
) -> set[tuple[str, int]]:
    """The (table, row) findings of rule ``code`` alone on the return ``tables``."""
    rule = REGISTRY.rules[code]
    write_return(tmp / "now", tables, tuple(t for t in rule.tables if t in TABLES))
    previous = None
    if last is not None or any(t.endswith("_last") for t in rule.tables):
        needed = tuple(t.removesuffix("_last") for t in rule.tables if t.endswith("_last"))
        write_return(tmp / "last", last or {}, needed)
        previous = tmp / "last"
    # The rules that look up URNs read the tests' made-up provider lists.
    providers = write_provider_lists(tmp / "lists") if PROVIDERS in rule.tables else None
    con = duckdb.connect()
    try:
        load(con, tmp / "now", previous, OWN_AUTHORITY, providers)
        found = {(f.table, f.row) for f in rule.check(con, year) if f.rule_code == code}
        # validate() runs the rules as one statement: the rule must find the same there.
        assert {(f.table, f.row) for f in run_together(con, [code], year)} == found
        return found
    finally:
        con.close()


@dataclass
class Case:
    code: str
    fail: Tables
    ok: Tables
    year: int = 2025
    fail_last: Tables | None = None
    ok_last: Tables | None = field(default=None)

    @property
    def id(self) -> str:
        return f"{self.code}-{self.year}"


# An open episode from before the year: the child is looked after continuously through it.
CLA = [row(DECOM="01/01/2023", RNE="S", LS="C2", PLACE="U1")]
# An episode that starts a period of care in the year: not looked after continuously.
NEW = [row(DECOM="01/06/2024", RNE="S", LS="C2", PLACE="U1")]
OC2_DONE = {"IMMUNISATIONS": "1", "TEETH_CHECK": "1", "HEALTH_ASSESSMENT": "1"}
AD1_DONE = {
    "DATE_INT": "01/01/2024",
    "DATE_MATCH": "01/02/2024",
    "FOSTER_CARE": "1",
    "NB_ADOPTR": "1",
    "SEX_ADOPTR": "M1",
    "LS_ADOPTR": "L0",
}


def code_case(code: str, table: str, column: str, bad: str, good: str, year: int = 2025) -> Case:
    return Case(code, {table: [row(**{column: bad})]}, {table: [row(**{column: good})]}, year)


def date_case(code: str, table: str, column: str) -> Case:
    return code_case(code, table, column, "31/02/2024", "01/06/2024")


def episodes(*rows: dict, **tables: list[dict]) -> Tables:
    return {"Episodes": list(rows), **tables}


def pair(table: str, first: dict, second: dict) -> Tables:
    """Two rows of one child in ``table``."""
    return {table: [row(**first), row(**second)]}


CASES = [
    code_case("101", "Header", "SEX", "1", "M"),
    code_case("101", "Header", "SEX", "M", "1", year=2024),
    date_case("102", "Header", "DOB"),
    code_case("103", "Header", "ETHNIC", "XXXX", "WBRI"),
    code_case("104", "UASC", "DUC", "31/03/2024", "01/06/2024"),
    date_case("104", "UASC", "DUC"),
    date_case("112", "AD1", "DATE_INT"),
    date_case("113", "AD1", "DATE_MATCH"),
    code_case("114", "AD1", "FOSTER_CARE", "2", "1"),
    date_case("115", "PlacedAdoption", "DATE_PLACED"),
    date_case("116", "PlacedAdoption", "DATE_PLACED_CEASED"),
    Case(
        "117",
        episodes(
            row(DECOM="01/05/2024", DEC="01/06/2024", REC="E11"),
            PlacedAdoption=[row(DATE_PLACED="01/07/2024")],
        ),
        episodes(
            row(DECOM="01/05/2024", DEC="01/06/2024", REC="E11"),
            PlacedAdoption=[row(DATE_PLACED="01/05/2024")],
        ),
    ),
    Case(
        "118",
        episodes(
            row(DECOM="01/05/2024", LS="C2"), PlacedAdoption=[row(DATE_PLACED_CEASED="01/03/2024")]
        ),
        episodes(
            row(DECOM="01/05/2024", LS="C2"), PlacedAdoption=[row(DATE_PLACED_CEASED="01/06/2024")]
        ),
    ),
    Case(
        "119",
        {"PlacedAdoption": [row(DATE_PLACED_CEASED="01/06/2024")]},
        {"PlacedAdoption": [row(DATE_PLACED_CEASED="01/06/2024", REASON_PLACED_CEASED="RD1")]},
    ),
    code_case("120", "PlacedAdoption", "REASON_PLACED_CEASED", "RD9", "RD1"),
    code_case("131", "OC3", "IN_TOUCH", "MAYBE", "YES"),
    code_case("132", "OC3", "ACTIV", "F3", "F1"),
    code_case("133", "OC3", "ACCOM", "Q9", "B1"),
    Case(
        "134",
        {"AD1": [row(DATE_INT="01/01/2024")], "OC3": [row(IN_TOUCH="YES")]},
        {"AD1": [row(DATE_INT="01/01/2024")], "OC3": [row()]},
    ),
    date_case("141", "Episodes", "DECOM"),
    Case(
        "142",
        episodes(row(DECOM="01/01/2024"), row(DECOM="01/02/2024")),
        episodes(row(DECOM="01/01/2024", DEC="01/02/2024", REC="X1"), row(DECOM="01/02/2024")),
    ),
    code_case("143", "Episodes", "RNE", "Z", "S"),
    code_case("144", "Episodes", "LS", "C9", "C2"),
    code_case("145", "Episodes", "CIN", "N9", "N1"),
    code_case("146", "Episodes", "PLACE", "K3", "U1"),
    code_case("146", "Episodes", "PLACE", "Z1", "Z11", year=2026),
    date_case("147", "Episodes", "DEC"),
    Case("148", episodes(row(DEC="01/02/2024")), episodes(row(DEC="01/02/2024", REC="X1"))),
    code_case("149", "Episodes", "REC", "E99", "E11"),
    Case("151", {"AD1": [row(DATE_INT="01/01/2024")]}, {"AD1": [row(**AD1_DONE)]}),
    Case(
        "153",
        {"OC3": [row(IN_TOUCH="YES")]},
        {"OC3": [row(IN_TOUCH="YES", ACTIV="F1", ACCOM="B1")]},
    ),
    Case(
        "157",
        episodes(*CLA, OC2=[row(DOB="01/06/2010", SDQ_REASON="SDQ1")]),
        episodes(*CLA, OC2=[row(DOB="01/06/2010", SDQ_REASON="SDQ2")]),
    ),
    Case(
        "158",
        {"OC2": [row(INTERVENTION_RECEIVED="1", INTERVENTION_OFFERED="0")]},
        {"OC2": [row(INTERVENTION_RECEIVED="1")]},
    ),
    Case(
        "159",
        {"OC2": [row(SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="0")]},
        {"OC2": [row(SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="0", INTERVENTION_OFFERED="1")]},
    ),
    Case(
        "165",
        episodes(*NEW, Header=[row(SEX="2")]),
        episodes(*NEW, Header=[row(SEX="2", MOTHER="0")]),
    ),
    date_case("166", "Reviews", "REVIEW"),
    Case(
        "167",
        {"Reviews": [row(REVIEW="01/06/2024", REVIEW_CODE="PN9")]},
        {"Reviews": [row(REVIEW="01/06/2024", REVIEW_CODE="PN1")]},
    ),
    code_case("168", "Header", "UPN", "I123456789012", "A123456789012"),
    date_case("171", "Header", "MC_DOB"),
    Case(
        "174",
        {"Header": [row(SEX="M", MC_DOB="01/01/2020")]},
        {"Header": [row(SEX="F", MC_DOB="01/01/2020")]},
    ),
    code_case("175", "AD1", "NB_ADOPTR", "3", "2"),
    code_case("176", "AD1", "SEX_ADOPTR", "XX", "MF"),
    code_case("177", "AD1", "LS_ADOPTR", "L9", "L0"),
    code_case("178", "Episodes", "PLACE_PROVIDER", "PR9", "PR1"),
    Case(
        "178",
        episodes(row(PLACE="T0", PLACE_PROVIDER="PR1")),
        episodes(row(PLACE="T4", PLACE_PROVIDER="PR1")),
        year=2026,
    ),
    code_case("180", "OC2", "SDQ_SCORE", "41", "40"),
    code_case("181", "OC2", "CONVICTED", "2", "1"),
    Case(
        "182",
        {"OC2": [row(CONVICTED="0")]},
        {"OC2": [row(CONVICTED="0", SUBSTANCE_MISUSE="0", **OC2_DONE)]},
    ),
    Case(
        "184",
        {"Header": [row(DOB="01/01/2015")], "PlacedAdoption": [row(DATE_PLACED="01/01/2014")]},
        {"Header": [row(DOB="01/01/2015")], "PlacedAdoption": [row(DATE_PLACED="01/01/2016")]},
    ),
    Case(
        "185",
        episodes(*NEW, OC2=[row(SDQ_SCORE="10")]),
        episodes(*CLA, OC2=[row(SDQ_SCORE="10")]),
    ),
    Case(
        "186",
        episodes(*CLA, OC2=[row(DOB="01/06/2012")]),
        episodes(*CLA, OC2=[row(DOB="01/06/2012", SDQ_SCORE="10")]),
    ),
    Case(
        "187",
        episodes(*CLA, OC3=[row(IN_TOUCH="YES")]),
        episodes(*NEW, OC3=[row(IN_TOUCH="YES")]),
    ),
    Case(
        "188",
        {"OC2": [row(DOB="01/06/2022", SDQ_SCORE="5")]},
        {"OC2": [row(DOB="01/06/2015", SDQ_SCORE="5")]},
    ),
    Case(
        "189",
        {"OC2": [row(DOB="01/06/2005", SDQ_REASON="SDQ1")]},
        {"OC2": [row(DOB="01/06/2012", SDQ_REASON="SDQ1")]},
    ),
    Case(
        "190",
        episodes(*NEW, OC2=[row(CONVICTED="0")]),
        episodes(*CLA, OC2=[row(CONVICTED="0")]),
    ),
    Case(
        "191",
        episodes(*CLA, OC2=[row()]),
        episodes(*CLA, OC2=[row(SUBSTANCE_MISUSE="0", **OC2_DONE)]),
    ),
    Case(
        "192",
        {"OC2": [row(SUBSTANCE_MISUSE="1")]},
        {"OC2": [row(SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="1")]},
    ),
    Case(
        "193",
        {"OC2": [row(SUBSTANCE_MISUSE="0", INTERVENTION_RECEIVED="1")]},
        {"OC2": [row(SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="1")]},
    ),
    code_case("196", "OC2", "SDQ_REASON", "SDQ9", "SDQ1"),
    Case(
        "197B",
        episodes(*CLA, OC2=[row(DOB="01/06/2020")]),
        episodes(*CLA, OC2=[row(DOB="01/06/2015")]),
    ),
    Case(
        "197a",
        {"OC2": [row(SDQ_SCORE="5", SDQ_REASON="SDQ1")]},
        {"OC2": [row(SDQ_SCORE="5")]},
    ),
    Case(
        "198",
        episodes(*NEW, OC2=[row(SDQ_REASON="SDQ1")]),
        episodes(*CLA, OC2=[row(SDQ_REASON="SDQ1")]),
    ),
    Case(
        "199",
        episodes(
            row(DECOM="01/01/2023", DEC="01/02/2023", REC="E11"), row(DECOM="01/06/2024", RNE="S")
        ),
        episodes(row(DECOM="01/01/2023", DEC="01/02/2023", REC="E11")),
    ),
    Case(
        "202",
        {"Header": [row(SEX="M")]},
        {"Header": [row(SEX="M")]},
        fail_last={"Header": [row(SEX="F")]},
        ok_last={"Header": [row(SEX="M")]},
    ),
    Case(
        "203",
        {"Header": [row(DOB="01/01/2010")]},
        {"Header": [row(DOB="01/01/2010")]},
        fail_last={"Header": [row(DOB="02/01/2010")]},
        ok_last={"Header": [row(DOB="01/01/2010")]},
    ),
    Case(
        "204",
        {"Header": [row(ETHNIC="WBRI")]},
        {"Header": [row(ETHNIC="WBRI")]},
        fail_last={"Header": [row(ETHNIC="WIRI")]},
        ok_last={"Header": [row(ETHNIC="wbri")]},
    ),
    Case(
        "207",
        episodes(row(), Header=[row(MOTHER="0")]),
        episodes(row(), Header=[row(MOTHER="1")]),
        fail_last={"Header": [row(MOTHER="1")]},
        ok_last={"Header": [row(MOTHER="1")]},
    ),
    Case(
        "208",
        {"Header": [row(UPN="A123456789012")]},
        {"Header": [row(UPN="A123456789012")]},
        fail_last={"Header": [row(UPN="B123456789012")]},
        ok_last={"Header": [row(UPN="UN3")]},
    ),
    Case(
        "209",
        {"Header": [row(UPN="UN1", DOB="01/01/2015")]},
        {"Header": [row(UPN="UN2", DOB="01/01/2015")]},
    ),
    Case(
        "210",
        episodes(row(DECOM="25/03/2025"), Header=[row(UPN="UN4")]),
        episodes(row(DECOM="01/03/2025"), Header=[row(UPN="UN4")]),
    ),
    Case(
        "213",
        episodes(row(PLACE="T0", PLACE_PROVIDER="PR1")),
        episodes(row(PLACE="U1", PLACE_PROVIDER="PR1")),
    ),
    Case(
        "213",
        episodes(row(PLACE="Z11", PLACE_PROVIDER="PR1")),
        episodes(row(PLACE="Z1", PLACE_PROVIDER="PR1")),
        year=2026,
    ),
    Case("214", episodes(row(LS="V3", URN="123")), episodes(row(LS="C2", URN="123"))),
    Case(
        "215",
        {"OC3": [row(IN_TOUCH="YES")], "OC2": [row(CONVICTED="0")]},
        {"OC3": [row(IN_TOUCH="YES")], "OC2": [row()]},
    ),
    Case(
        "217",
        episodes(row(PLACE="A3", DECOM="01/06/2024", RNE="P")),
        episodes(row(PLACE="A3", DECOM="01/06/2024", RNE="S")),
    ),
    Case("222", episodes(row(PLACE="P1", URN="1234567")), episodes(row(PLACE="P1", URN="XXXXXXX"))),
    Case(
        "222",
        episodes(row(PLACE="P2", URN="1234567")),
        episodes(row(PLACE="U1", URN="1234567")),
        year=2024,
    ),
    Case(
        "225",
        episodes(
            row(DECOM="01/01/2024", DEC="01/02/2024", REC="X1", PLACE="U1"),
            row(DECOM="01/02/2024", RNE="P", PLACE="U2"),
        ),
        episodes(
            row(
                DECOM="01/01/2024",
                DEC="01/02/2024",
                REC="X1",
                PLACE="U1",
                REASON_PLACE_CHANGE="CARPL",
            ),
            row(DECOM="01/02/2024", RNE="P", PLACE="U2"),
        ),
    ),
    Case(
        "226",
        episodes(row(PLACE="T0", REASON_PLACE_CHANGE="CARPL")),
        episodes(row(PLACE="T0")),
    ),
    code_case("232", "Header", "SEX", "U", "M"),
    code_case("301", "Header", "DOB", "01/04/2025", "01/04/2010"),
    Case(
        "302",
        episodes(row(DECOM="01/01/2015"), Header=[row(DOB="01/06/2015")]),
        episodes(row(DECOM="01/01/2016"), Header=[row(DOB="01/06/2015")]),
    ),
    Case(
        "304",
        {"UASC": [row(DOB="01/01/2005", DUC="02/01/2023")]},
        {"UASC": [row(DOB="01/01/2005", DUC="01/01/2023")]},
    ),
    Case(
        "331",
        episodes(row(DECOM="01/06/2024", REC="E11"), AD1=[row(DATE_MATCH="02/06/2024")]),
        episodes(row(DECOM="01/06/2024", REC="E11"), AD1=[row(DATE_MATCH="01/06/2024")]),
    ),
    Case(
        "333",
        {"AD1": [row(DATE_MATCH="01/06/2024")]},
        {"AD1": [row(DATE_MATCH="01/06/2024", DATE_INT="01/05/2024")]},
    ),
    Case(
        "334",
        episodes(row(RNE="S", DECOM="01/06/2024"), AD1=[row(DATE_INT="01/05/2024")]),
        episodes(row(RNE="S", DECOM="01/06/2024"), AD1=[row(DATE_INT="01/07/2024")]),
    ),
    Case(
        "335",
        episodes(row(REC="E11", PLACE="A3"), AD1=[row(FOSTER_CARE="0")]),
        episodes(row(REC="E11", PLACE="A3"), AD1=[row(FOSTER_CARE="1")]),
    ),
    Case(
        "336",
        episodes(row(DECOM="01/01/2024", PLACE="K2"), row(DECOM="01/02/2024", PLACE="A3")),
        episodes(row(DECOM="01/01/2024", PLACE="U1"), row(DECOM="01/02/2024", PLACE="A3")),
    ),
    Case(
        "344",
        {"OC3": [row(IN_TOUCH="DIED", ACTIV="F1", ACCOM="0")]},
        {"OC3": [row(IN_TOUCH="DIED", ACTIV="0", ACCOM="0")]},
    ),
    Case(
        "345",
        {"OC3": [row(IN_TOUCH="YES", ACTIV="0", ACCOM="B1")]},
        {"OC3": [row(IN_TOUCH="YES", ACTIV="F1", ACCOM="B1")]},
    ),
    Case(
        "347",
        {"OC3": [row(ACCOM="T", DOB="01/01/2010")]},
        {"OC3": [row(ACCOM="T", DOB="01/01/2000")]},
    ),
    code_case("351", "Header", "DOB", "01/01/1990", "01/01/2010"),
    Case(
        "352",
        episodes(row(RNE="S", DECOM="01/06/2024"), Header=[row(DOB="01/01/2005")]),
        episodes(row(RNE="S", DECOM="01/06/2024"), Header=[row(DOB="01/01/2010")]),
    ),
    code_case("353", "Episodes", "DECOM", "01/01/1990", "01/01/2000"),
    code_case("354", "Episodes", "DECOM", "01/04/2025", "01/04/2024"),
    Case(
        "355",
        episodes(row(DECOM="01/06/2024", DEC="01/06/2024")),
        episodes(row(DECOM="01/06/2024", DEC="02/06/2024")),
    ),
    Case(
        "356",
        episodes(row(DECOM="01/06/2024", DEC="01/05/2024")),
        episodes(row(DECOM="01/06/2024", DEC="02/06/2024")),
    ),
    Case(
        "357",
        episodes(row(DECOM="01/06/2024", RNE="P")),
        episodes(row(DECOM="01/06/2024", RNE="S")),
    ),
    Case(
        "358",
        episodes(row(LS="J1", DECOM="01/06/2024"), Header=[row(DOB="01/01/2016")]),
        episodes(row(LS="J1", DECOM="01/06/2024"), Header=[row(DOB="01/01/2010")]),
    ),
    Case(
        "359",
        episodes(row(LS="C2", PLACE="U1"), Header=[row(DOB="01/01/2006")]),
        episodes(row(LS="V2", PLACE="K2"), Header=[row(DOB="01/01/2006")]),
    ),
    Case(
        "361",
        episodes(row(LS="L1", DECOM="01/06/2024", DEC="10/06/2024", REC="X1")),
        episodes(row(LS="L1", DECOM="01/06/2024", DEC="03/06/2024", REC="X1")),
    ),
    Case(
        "362",
        episodes(row(LS="L2", DECOM="01/06/2024", DEC="01/07/2024", REC="X1")),
        episodes(row(LS="L2", DECOM="01/06/2024", DEC="10/06/2024", REC="X1")),
    ),
    Case(
        "363",
        episodes(row(LS="L3", DECOM="01/06/2024", DEC="10/06/2024", REC="X1")),
        episodes(row(LS="L3", DECOM="01/06/2024", DEC="05/06/2024", REC="X1")),
    ),
    Case(
        "364",
        episodes(row(LS="J2", DECOM="01/06/2024", DEC="01/07/2024", REC="X1")),
        episodes(row(LS="J2", DECOM="01/06/2024", DEC="10/06/2024", REC="X1")),
    ),
    Case(
        "365",
        episodes(row(LS="V3", DECOM="01/06/2024", DEC="20/06/2024")),
        episodes(row(LS="V3", DECOM="01/06/2024", DEC="10/06/2024")),
    ),
    Case("366", episodes(row(LS="V3", RNE="P")), episodes(row(LS="V3", RNE="S"))),
    Case(
        "367",
        episodes(row(LS="V3", DECOM="01/06/2024", DEC="01/10/2024")),
        episodes(row(LS="V3", DECOM="01/06/2024", DEC="01/07/2024")),
    ),
]


def too_young(code: str, place: str, young: str, old: str, year: int = 2025) -> Case:
    episode = row(PLACE=place, DECOM="01/06/2024", DEC="01/07/2024")
    return Case(
        code,
        episodes(episode, Header=[row(DOB=young)]),
        episodes(episode, Header=[row(DOB=old)]),
        year,
    )


def too_long(code: str, place: str, long: str, short: str) -> Case:
    return Case(
        code,
        episodes(row(PLACE=place, DECOM="01/06/2024", DEC=long), Header=[row(DOB="01/01/2010")]),
        episodes(row(PLACE=place, DECOM="01/06/2024", DEC=short), Header=[row(DOB="01/01/2010")]),
    )


def one_episode(code: str, bad: dict, good: dict, year: int = 2025) -> Case:
    return Case(code, episodes(row(**bad)), episodes(row(**good)), year)


def adopters(code: str, bad: dict, good: dict) -> Case:
    return Case(code, {"AD1": [row(**bad)]}, {"AD1": [row(**good)]})


CASES += [
    too_young("371", "K3", "01/01/2010", "01/01/2005"),
    too_young("371", "H5", "01/01/2010", "01/01/2005", year=2024),
    too_young("372", "R5", "01/01/2016", "01/01/2010"),
    too_young("373", "S1", "01/01/2022", "01/01/2015"),
    too_young("374", "P3", "01/01/2012", "01/01/2005"),
    too_long("375", "T1", "01/08/2024", "10/06/2024"),
    too_long("376", "T3", "01/08/2024", "10/06/2024"),
    too_long("379", "T4", "10/06/2024", "05/06/2024"),
    Case(
        "377",
        episodes(*[row(PLACE="T3", DECOM=f"0{n}/06/2024") for n in (1, 2, 3)]),
        episodes(*[row(PLACE="T3", DECOM=f"0{n}/06/2024") for n in (1, 2)]),
    ),
    one_episode("378", {"PLACE": "P1", "LS": "V2"}, {"PLACE": "P1", "LS": "C2"}),
    one_episode("380", {"PLACE": "T0", "RNE": "S"}, {"PLACE": "T0", "RNE": "P"}),
    one_episode("381", {"PLACE": "T0", "REC": "E11"}, {"PLACE": "T0", "REC": "X1"}),
    one_episode("382", {"PLACE": "T0", "LS": "V3"}, {"PLACE": "U1", "LS": "V3"}),
    Case(
        "383",
        episodes(
            row(DECOM="01/01/2024", PLACE="U1"),
            row(DECOM="01/02/2024", PLACE="T0"),
            row(DECOM="01/03/2024", PLACE="U2", RNE="P"),
        ),
        episodes(
            row(DECOM="01/01/2024", PLACE="U1"),
            row(DECOM="01/02/2024", PLACE="T0"),
            row(DECOM="01/03/2024", PLACE="U1", RNE="P"),
        ),
    ),
    Case(
        "383",
        episodes(
            row(DECOM="01/01/2024", PLACE="U1", PL_POST="A1"),
            row(DECOM="01/02/2024", PLACE="T0"),
            row(DECOM="01/03/2024", PLACE="U1", RNE="P", PL_POST="B1"),
        ),
        episodes(
            row(DECOM="01/01/2024", PLACE="U1", PL_POST="A1"),
            row(DECOM="01/02/2024", PLACE="T0"),
            row(DECOM="01/03/2024", PLACE="U1", RNE="P", PL_POST="A1"),
        ),
        year=2026,
    ),
    one_episode("384", {"LS": "V3", "PLACE": "U1"}, {"LS": "V3", "PLACE": "U3"}),
    code_case("385", "Episodes", "DEC", "01/04/2025", "01/04/2024"),
    Case(
        "386",
        episodes(row(REC="E11", DEC="01/06/2024"), Header=[row(DOB="01/01/2006")]),
        episodes(row(REC="E11", DEC="01/06/2024"), Header=[row(DOB="01/01/2010")]),
    ),
    Case(
        "387",
        episodes(row(REC="E5", DEC="01/06/2024"), Header=[row(DOB="01/01/2012")]),
        episodes(row(REC="E5", DEC="01/06/2024"), Header=[row(DOB="01/01/2008")]),
    ),
    Case(
        "388",
        episodes(row(DECOM="01/01/2024", DEC="01/02/2024", REC="X1")),
        episodes(row(DECOM="01/01/2024", DEC="01/02/2024", REC="E11")),
    ),
    Case(
        "389",
        episodes(row(REC="E7", DEC="01/06/2024"), Header=[row(DOB="01/01/2012")]),
        episodes(row(REC="E7", DEC="01/06/2024"), Header=[row(DOB="01/01/2007")]),
    ),
    one_episode("390", {"REC": "E11", "PLACE": "U1"}, {"REC": "E11", "PLACE": "A3"}),
    Case(
        "391",
        {"OC3": [row(DOB="01/06/2010", IN_TOUCH="YES")]},
        {"OC3": [row(DOB="01/06/2005", IN_TOUCH="YES")]},
    ),
    one_episode("392b", {"LS": "C2"}, {"LS": "C2", "HOME_POST": "A1 1AA", "PL_POST": "B1 1BB"}),
    one_episode(
        "392d",
        {"PLACE": "U1", "HOME_POST": "A1 1AA", "PL_POST": "A1 1AA"},
        {"PLACE": "P1", "HOME_POST": "A1 1AA", "PL_POST": "A1 1AA"},
    ),
    Case(
        "393",
        episodes(row(LS="C2"), Header=[row(SEX="F")]),
        episodes(row(LS="C2"), Header=[row(SEX="F", MOTHER="0")]),
    ),
    one_episode("398", {"LS": "V3", "HOME_POST": "A1 1AA"}, {"LS": "C2", "HOME_POST": "A1 1AA"}),
    Case(
        "399",
        episodes(row(LS="V3"), Header=[row(MOTHER="0")]),
        episodes(row(LS="V3"), Header=[row()]),
    ),
    Case(
        "407",
        episodes(row(REC="E45", DEC="01/06/2024"), Header=[row(DOB="01/01/2005")]),
        episodes(row(REC="E45", DEC="01/06/2024"), Header=[row(DOB="01/01/2010")]),
    ),
    one_episode("408", {"PLACE": "A5", "LS": "C2"}, {"PLACE": "A5", "LS": "E1"}),
    Case("426", episodes(row(LS="V3"), row(LS="V4")), episodes(row(LS="V3"), row(LS="V3"))),
    Case(
        "431",
        episodes(
            row(DECOM="01/01/2024", DEC="01/02/2024", REC="E3"), row(DECOM="01/02/2024", RNE="S")
        ),
        episodes(
            row(DECOM="01/01/2024", DEC="01/02/2024", REC="E3"), row(DECOM="02/02/2024", RNE="S")
        ),
    ),
    Case(
        "432",
        episodes(
            row(DECOM="01/01/2024", DEC="01/02/2024", REC="E3"), row(DECOM="03/02/2024", RNE="P")
        ),
        episodes(
            row(DECOM="01/01/2024", DEC="01/02/2024", REC="E3"), row(DECOM="03/02/2024", RNE="S")
        ),
    ),
    Case(
        "433",
        episodes(
            row(DECOM="01/01/2024", DEC="01/02/2024", REC="X1"), row(DECOM="03/02/2024", RNE="P")
        ),
        episodes(
            row(DECOM="01/01/2024", DEC="01/02/2024", REC="X1"), row(DECOM="01/02/2024", RNE="P")
        ),
    ),
    Case(
        "434",
        episodes(
            row(DECOM="01/01/2024", LS="C2", PLACE="U1"),
            row(DECOM="01/02/2024", RNE="L", LS="C2", PLACE="U1"),
        ),
        episodes(
            row(DECOM="01/01/2024", LS="C2", PLACE="U1"),
            row(DECOM="01/02/2024", RNE="L", LS="C1", PLACE="U1"),
        ),
    ),
    Case(
        "435",
        episodes(
            row(DECOM="01/01/2024", LS="C2", PLACE="U1"),
            row(DECOM="01/02/2024", RNE="P", LS="C1", PLACE="U2"),
        ),
        episodes(
            row(DECOM="01/01/2024", LS="C2", PLACE="U1"),
            row(DECOM="01/02/2024", RNE="P", LS="C2", PLACE="U2"),
        ),
    ),
    Case(
        "436",
        episodes(
            row(DECOM="01/01/2024", LS="C2", PLACE="U1"),
            row(DECOM="01/02/2024", RNE="B", LS="C2", PLACE="U2"),
        ),
        episodes(
            row(DECOM="01/01/2024", LS="C2", PLACE="U1"),
            row(DECOM="01/02/2024", RNE="B", LS="C1", PLACE="U2"),
        ),
    ),
    Case(
        "437",
        episodes(row(DECOM="01/01/2024", REC="E2"), row(DECOM="01/02/2024")),
        episodes(row(DECOM="01/01/2024", REC="E3"), row(DECOM="01/02/2024")),
    ),
    Case(
        "440",
        {"Reviews": [row(DOB="01/01/2015", REVIEW="01/06/2024", REVIEW_CODE="PN0")]},
        {"Reviews": [row(DOB="01/01/2015", REVIEW="01/06/2024", REVIEW_CODE="PN1")]},
    ),
    Case(
        "441",
        {"Reviews": [row(DOB="01/01/2022", REVIEW="01/06/2024", REVIEW_CODE="PN1")]},
        {"Reviews": [row(DOB="01/01/2022", REVIEW="01/06/2024", REVIEW_CODE="PN0")]},
    ),
    Case(
        "442",
        episodes(row(LS="C2"), Header=[row()]),
        episodes(row(LS="C2"), Header=[row(UPN="UN1")]),
    ),
    one_episode("446", {"LS": "E1", "DECOM": "01/01/2004"}, {"LS": "E1", "DECOM": "01/01/2006"}),
    Case(
        "460",
        episodes(row(REC="E17", DEC="01/06/2024"), Header=[row(DOB="01/01/2010")]),
        episodes(row(REC="E17", DEC="01/06/2024"), Header=[row(DOB="01/01/2005")]),
    ),
    Case(
        "501",
        episodes(row(DECOM="01/01/2024", DEC="01/03/2024"), row(DECOM="01/02/2024")),
        episodes(row(DECOM="01/01/2024", DEC="01/03/2024"), row(DECOM="01/03/2024")),
    ),
    Case(
        "502",
        episodes(row(DECOM="01/06/2023")),
        episodes(row(DECOM="01/05/2023")),
        fail_last=episodes(row(DECOM="01/05/2023")),
        ok_last=episodes(row(DECOM="01/05/2023")),
    ),
]


def continues(code: str, column: str, now: str, before: str, year: int = 2025) -> Case:
    """Rule 503x: the first episode this year repeats last year's open episode's ``column``."""
    return Case(
        code,
        episodes(row(DECOM="01/05/2023", **{column: now})),
        episodes(row(DECOM="01/05/2023", **{column: before})),
        year,
        fail_last=episodes(row(DECOM="01/05/2023", **{column: before})),
        ok_last=episodes(row(DECOM="01/05/2023", **{column: before})),
    )


CASES += [
    continues("503A", "RNE", "P", "S"),
    continues("503B", "LS", "C1", "C2"),
    continues("503C", "CIN", "N2", "N1"),
    continues("503D", "PLACE", "U2", "U1"),
    Case(  # H5 became K3 in 2024
        "503D",
        episodes(row(DECOM="01/05/2023", PLACE="K2")),
        episodes(row(DECOM="01/05/2023", PLACE="K3")),
        fail_last=episodes(row(DECOM="01/05/2023", PLACE="H5")),
        ok_last=episodes(row(DECOM="01/05/2023", PLACE="H5")),
    ),
    continues("503E", "PLACE_PROVIDER", "PR2", "PR1"),
    continues("503F", "URN", "2", "1"),
    Case(
        "504",
        episodes(
            row(DECOM="01/01/2024", DEC="01/02/2024", REC="X1", CIN="N1"),
            row(DECOM="01/02/2024", CIN="N2"),
        ),
        episodes(
            row(DECOM="01/01/2024", DEC="01/02/2024", REC="X1", CIN="N1"),
            row(DECOM="01/02/2024", CIN="N1"),
        ),
    ),
    adopters("511", {"NB_ADOPTR": "2", "SEX_ADOPTR": "M1"}, {"NB_ADOPTR": "2", "SEX_ADOPTR": "MF"}),
    adopters(
        "514", {"LS_ADOPTR": "L0", "SEX_ADOPTR": "MF"}, {"LS_ADOPTR": "L0", "SEX_ADOPTR": "M1"}
    ),
    one_episode("516", {"REC": "E45", "PLACE": "A3"}, {"REC": "E45", "PLACE": "U1"}),
    adopters(
        "517", {"LS_ADOPTR": "L3", "SEX_ADOPTR": "MM"}, {"LS_ADOPTR": "L3", "SEX_ADOPTR": "MF"}
    ),
    adopters(
        "518", {"LS_ADOPTR": "L4", "SEX_ADOPTR": "MF"}, {"LS_ADOPTR": "L4", "SEX_ADOPTR": "MM"}
    ),
    adopters(
        "519", {"LS_ADOPTR": "L2", "SEX_ADOPTR": "M1"}, {"LS_ADOPTR": "L2", "SEX_ADOPTR": "MM"}
    ),
    adopters(
        "520", {"LS_ADOPTR": "L11", "SEX_ADOPTR": "MM"}, {"LS_ADOPTR": "L11", "SEX_ADOPTR": "MF"}
    ),
    Case(
        "521",
        episodes(row(PLACE="A3", DECOM="01/06/2024"), AD1=[row(DATE_INT="01/07/2024")]),
        episodes(row(PLACE="A3", DECOM="01/06/2024"), AD1=[row(DATE_INT="01/05/2024")]),
    ),
    Case(
        "522",
        {"PlacedAdoption": [row(DATE_PLACED="01/06/2024", DATE_PLACED_CEASED="01/05/2024")]},
        {"PlacedAdoption": [row(DATE_PLACED="01/06/2024", DATE_PLACED_CEASED="01/07/2024")]},
    ),
    Case(
        "523",
        {"PlacedAdoption": [row(DATE_PLACED="01/06/2024")], "AD1": [row(DATE_INT="01/07/2024")]},
        {"PlacedAdoption": [row(DATE_PLACED="01/06/2024")], "AD1": [row(DATE_INT="01/06/2024")]},
    ),
    adopters(
        "524", {"LS_ADOPTR": "L12", "SEX_ADOPTR": "MF"}, {"LS_ADOPTR": "L12", "SEX_ADOPTR": "FF"}
    ),
    Case(
        "525",
        {
            "PlacedAdoption": [row(DATE_PLACED_CEASED="01/06/2024")],
            "AD1": [row(DATE_INT="01/01/2024")],
        },
        {"PlacedAdoption": [row(DATE_PLACED_CEASED="01/06/2024")], "AD1": [row()]},
    ),
    one_episode("526", {"PLACE": "U1"}, {"PLACE": "U1", "PLACE_PROVIDER": "PR1"}),
    one_episode("526", {"PLACE": "Z1"}, {"PLACE": "Z11"}, year=2026),
    one_episode(
        "527", {"PLACE": "P1", "PLACE_PROVIDER": "PR1"}, {"PLACE": "P1", "PLACE_PROVIDER": "PR0"}
    ),
    one_episode(
        "528", {"PLACE": "R2", "PLACE_PROVIDER": "PR2"}, {"PLACE": "R2", "PLACE_PROVIDER": "PR3"}
    ),
    one_episode(
        "529", {"PLACE": "A3", "PLACE_PROVIDER": "PR3"}, {"PLACE": "A3", "PLACE_PROVIDER": "PR1"}
    ),
    one_episode(
        "530", {"PLACE": "P1", "PLACE_PROVIDER": "PR4"}, {"PLACE": "P1", "PLACE_PROVIDER": "PR0"}
    ),
    one_episode(
        "531", {"PLACE": "P1", "PLACE_PROVIDER": "PR5"}, {"PLACE": "P1", "PLACE_PROVIDER": "PR0"}
    ),
    one_episode(
        "550", {"PLACE": "U1", "PLACE_PROVIDER": "PR0"}, {"PLACE": "P1", "PLACE_PROVIDER": "PR0"}
    ),
    Case(
        "542",
        {"OC2": [row(DOB="01/01/2016", CONVICTED="0")]},
        {"OC2": [row(DOB="01/01/2010", CONVICTED="0")]},
    ),
    Case(
        "543",
        episodes(*CLA, OC2=[row(DOB="01/01/2010")]),
        episodes(*CLA, OC2=[row(DOB="01/01/2010", CONVICTED="0")]),
    ),
    Case(
        "544",
        {"OC2": [row(CONVICTED="1")]},
        {"OC2": [row(CONVICTED="1", SUBSTANCE_MISUSE="0", **OC2_DONE)]},
    ),
    Case(
        "545",
        episodes(*CLA, OC2=[row(DOB="01/01/2022")]),
        episodes(*CLA, OC2=[row(DOB="01/01/2022", HEALTH_CHECK="1")]),
    ),
    Case(
        "546",
        episodes(*CLA, OC2=[row(DOB="01/01/2010", HEALTH_CHECK="1")]),
        episodes(*CLA, OC2=[row(DOB="01/01/2010")]),
    ),
    Case(
        "547",
        {"OC2": [row(HEALTH_CHECK="1")]},
        {"OC2": [row(HEALTH_CHECK="1", SUBSTANCE_MISUSE="0", **OC2_DONE)]},
    ),
    Case(
        "551",
        episodes(row(PLACE="A3")),
        episodes(row(PLACE="A3"), PlacedAdoption=[row(DATE_PLACED="01/01/2024")]),
    ),
    Case(
        "552",
        episodes(
            row(PLACE="A3", DECOM="01/06/2024"), PlacedAdoption=[row(DATE_PLACED="01/07/2024")]
        ),
        episodes(
            row(PLACE="A3", DECOM="01/06/2024"), PlacedAdoption=[row(DATE_PLACED="01/05/2024")]
        ),
    ),
    Case(
        "553",
        episodes(row(LS="E1")),
        episodes(row(LS="E1"), PlacedAdoption=[row(DATE_PLACED="01/01/2024")]),
    ),
    Case(
        "554",
        episodes(row(LS="E1", DECOM="01/06/2024"), PlacedAdoption=[row(DATE_PLACED="01/07/2024")]),
        episodes(row(LS="E1", DECOM="01/06/2024"), PlacedAdoption=[row(DATE_PLACED="01/05/2024")]),
    ),
    Case(
        "557",
        episodes(row(PLACE="A3", REC="E3", DEC="01/06/2024")),
        episodes(
            row(PLACE="A3", REC="E3", DEC="01/06/2024"),
            PlacedAdoption=[
                row(
                    DATE_PLACED="01/01/2024",
                    DATE_PLACED_CEASED="01/06/2024",
                    REASON_PLACED_CEASED="RD1",
                )
            ],
        ),
    ),
    Case(
        "557",
        episodes(row(LS="D1", REC="E3", DEC="01/06/2024")),
        episodes(row(LS="C2", REC="E3", DEC="01/06/2024")),
        year=2024,
    ),
    Case(
        "558",
        episodes(
            row(REC="E11"),
            PlacedAdoption=[
                row(DATE_PLACED_CEASED="01/06/2024"),
                row(DATE_PLACED_CEASED="01/07/2024"),
            ],
        ),
        episodes(row(REC="E11"), PlacedAdoption=[row(DATE_PLACED_CEASED="01/06/2024")]),
    ),
    Case(
        "559",
        {"PlacedAdoption": [row(DATE_PLACED="01/01/2024")]},
        {"PlacedAdoption": [row(DATE_PLACED="01/01/2024")]},
        fail_last={"PlacedAdoption": []},
        ok_last={"PlacedAdoption": [row(DATE_PLACED="01/01/2024")]},
    ),
    Case(
        "560",
        {"PlacedAdoption": [row(DATE_PLACED="01/02/2024")]},
        {"PlacedAdoption": [row(DATE_PLACED="01/01/2024")]},
        fail_last={"PlacedAdoption": [row(DATE_PLACED="01/01/2024")]},
        ok_last={"PlacedAdoption": [row(DATE_PLACED="01/01/2024")]},
    ),
    Case(
        "561",
        {"PlacedAdoption": [row(DATE_PLACED="01/01/2024")]},
        {"PlacedAdoption": [row(DATE_PLACED="01/01/2024")]},
        fail_last={
            "PlacedAdoption": [row(DATE_PLACED="01/01/2024", DATE_PLACED_CEASED="01/02/2024")]
        },
        ok_last={"PlacedAdoption": [row(DATE_PLACED="01/01/2024")]},
    ),
    Case(
        "562",
        episodes(row(DECOM="01/01/2024")),
        episodes(row(DECOM="01/01/2024")),
        fail_last=episodes(row(DECOM="01/02/2023")),
        ok_last=episodes(row(DECOM="01/01/2024")),
    ),
    Case(
        "563",
        {"PlacedAdoption": [row(REASON_PLACED_CEASED="RD1", DATE_PLACED_CEASED="01/06/2024")]},
        {
            "PlacedAdoption": [
                row(
                    REASON_PLACED_CEASED="RD1",
                    DATE_PLACED_CEASED="01/06/2024",
                    DATE_PLACED="01/01/2024",
                )
            ]
        },
    ),
    Case(
        "564",
        {"Missing": [row(MISSING="M")]},
        {"Missing": [row(MISSING="M", MIS_START="01/06/2024")]},
    ),
    Case(
        "565",
        {"Missing": [row(MIS_START="01/06/2024")]},
        {"Missing": [row(MISSING="A", MIS_START="01/06/2024")]},
    ),
    Case(
        "566",
        {"Missing": [row(MIS_END="01/06/2024")]},
        {"Missing": [row(MISSING="M", MIS_END="01/06/2024")]},
    ),
    Case(
        "567",
        {"Missing": [row(MIS_START="02/06/2024", MIS_END="01/06/2024")]},
        {"Missing": [row(MIS_START="01/06/2024", MIS_END="02/06/2024")]},
    ),
    code_case("570", "Missing", "MIS_START", "01/04/2025", "01/04/2024"),
    code_case("571", "Missing", "MIS_END", "31/03/2024", "01/04/2024"),
    Case(
        "574",
        pair(
            "Missing",
            {"MIS_START": "01/06/2024"},
            {"MIS_START": "01/07/2024", "MIS_END": "02/07/2024"},
        ),
        pair(
            "Missing",
            {"MIS_START": "01/06/2024", "MIS_END": "10/06/2024"},
            {"MIS_START": "01/07/2024", "MIS_END": "02/07/2024"},
        ),
    ),
    Case(
        "575",
        episodes(row(DECOM="01/01/2024", DEC="01/06/2024"), Missing=[row(MIS_START="01/03/2024")]),
        episodes(
            row(DECOM="01/01/2024", DEC="01/06/2024"),
            Missing=[row(MIS_START="01/03/2024", MIS_END="05/03/2024")],
        ),
    ),
    Case(
        "576",
        {"Missing": [row(MIS_START="01/06/2024")]},
        {"Missing": [row(MIS_START="01/03/2024")]},
        fail_last={"Missing": [row(MIS_START="01/03/2024")]},
        ok_last={"Missing": [row(MIS_START="01/03/2024")]},
    ),
    Case(
        "579",
        pair("PlacedAdoption", {"DATE_PLACED": "01/01/2024"}, {"DATE_PLACED": "01/02/2024"}),
        pair(
            "PlacedAdoption",
            {"DATE_PLACED": "01/01/2024", "DATE_PLACED_CEASED": "15/01/2024"},
            {"DATE_PLACED": "01/02/2024"},
        ),
    ),
    Case(
        "580",
        episodes(
            row(DEC="01/06/2024", REC="E4A"),
            Missing=[row(DOB="01/06/2006", MIS_START="01/05/2024", MIS_END="01/06/2024")],
        ),
        episodes(
            row(DEC="01/06/2024", REC="E8"),
            Missing=[row(DOB="01/06/2006", MIS_START="01/05/2024", MIS_END="01/06/2024")],
        ),
    ),
    Case(
        "581",
        episodes(row(DECOM="01/06/2024"), Missing=[row(MIS_START="01/05/2024")]),
        episodes(row(DECOM="01/06/2024"), Missing=[row(MIS_START="01/07/2024")]),
    ),
    Case(
        "582",
        episodes(row(REC="E11", DEC="01/06/2024"), AD1=[row(DATE_MATCH="01/06/2024")]),
        episodes(row(REC="E11", DEC="01/06/2024"), AD1=[row(DATE_MATCH="01/05/2024")]),
    ),
    Case(
        "583",
        pair("PlacedAdoption", {"DATE_PLACED": "01/01/2024"}, {"DATE_PLACED": "01/02/2024"}),
        pair(
            "PlacedAdoption",
            {"DATE_PLACED": "01/01/2024", "DATE_PLACED_CEASED": "15/01/2024"},
            {"DATE_PLACED": "01/02/2024"},
        ),
    ),
    Case(
        "586",
        {"Missing": [row(DOB="01/01/2015", MIS_START="01/01/2014")]},
        {"Missing": [row(DOB="01/01/2015", MIS_START="01/01/2016")]},
    ),
    Case(
        "601",
        episodes(row(REC="E11", DEC="01/06/2024"), AD1=[row(DATE_INT="01/01/2024")]),
        episodes(row(REC="E11", DEC="01/06/2024"), AD1=[row(**AD1_DONE)]),
    ),
    Case(
        "602",
        episodes(row(REC="E3", DEC="01/06/2024"), AD1=[row(DATE_INT="01/01/2024")]),
        episodes(row(REC="E11", DEC="01/06/2024"), AD1=[row(DATE_INT="01/01/2024")]),
    ),
    Case(
        "607",
        episodes(row(DEC="01/06/2024", REC="E3", LS="C2"), Header=[row(SEX="F")]),
        episodes(row(DEC="01/06/2024", REC="E3", LS="C2"), Header=[row(SEX="F", MOTHER="0")]),
    ),
    Case("611", {"Header": [row(MOTHER="1")]}, {"Header": [row(MOTHER="1", MC_DOB="01/01/2024")]}),
    Case(
        "612",
        {"Header": [row(SEX="F", MOTHER="0", MC_DOB="01/01/2024")]},
        {"Header": [row(SEX="F", MOTHER="1", MC_DOB="01/01/2024")]},
    ),
    Case(
        "620",
        {"Header": [row(MOTHER="1", DOB="01/01/2015")]},
        {"Header": [row(MOTHER="1", DOB="01/01/2005")]},
    ),
    Case(
        "621",
        {"Header": [row(DOB="01/01/2005", MC_DOB="01/01/2000")]},
        {"Header": [row(DOB="01/01/2005", MC_DOB="01/01/2023")]},
    ),
    Case(
        "624",
        {"Header": [row(MC_DOB="01/01/2024")]},
        {"Header": [row(MC_DOB="01/01/2024")]},
        fail_last={"Header": [row(MC_DOB="01/02/2024")]},
        ok_last={"Header": [row(MC_DOB="01/01/2024")]},
    ),
    Case(
        "625",
        episodes(row(DEC="01/06/2024", REC="E3"), Header=[row(MC_DOB="01/07/2024")]),
        episodes(row(DEC="01/06/2024", REC="E3"), Header=[row(MC_DOB="01/05/2024")]),
    ),
    Case(
        "626",
        {"Header": [row(MOTHER="1", MC_DOB="01/01/2024")]},
        {"Header": [row(MOTHER="1", MC_DOB="01/06/2024")]},
        fail_last={"Header": [row(MOTHER="0")]},
        ok_last={"Header": [row(MOTHER="0")]},
    ),
    Case(
        "628",
        {"Header": [row(MOTHER="0")], "OC3": [row(IN_TOUCH="YES")]},
        episodes(row(), Header=[row(MOTHER="0")], OC3=[row(IN_TOUCH="YES")]),
    ),
    Case(
        "630",
        episodes(row(RNE="S", DECOM="01/06/2024")),
        episodes(row(RNE="S", DECOM="01/06/2024"), PrevPerm=[row(PREV_PERM="Z1")]),
    ),
    code_case("631", "PrevPerm", "PREV_PERM", "P9", "P1"),
    Case(
        "632",
        episodes(row(DECOM="01/06/2024"), PrevPerm=[row(DATE_PERM="01/07/2024")]),
        episodes(row(DECOM="01/06/2024"), PrevPerm=[row(DATE_PERM="ZZ/ZZ/2020")]),
    ),
    code_case("633", "PrevPerm", "LA_PERM", "123", "800"),
    Case(
        "634",
        episodes(row(DECOM="01/01/2020"), PrevPerm=[row(PREV_PERM="Z1")]),
        episodes(row(DECOM="01/06/2024"), PrevPerm=[row(PREV_PERM="Z1")]),
    ),
    Case(
        "635",
        {"PrevPerm": [row(LA_PERM="800")]},
        {"PrevPerm": [row(LA_PERM="800", PREV_PERM="P1")]},
    ),
    Case("1000", episodes(row(REC="E2"), OC3=[row()]), episodes(row(REC="E3"), OC3=[row()])),
    Case("1002", {"OC3": [row()]}, episodes(row(), OC3=[row()])),
    Case(
        "1003",
        episodes(row(RNE="S", DECOM="01/06/2024"), PlacedAdoption=[row(DATE_PLACED="01/05/2024")]),
        episodes(row(RNE="S", DECOM="01/06/2024"), PlacedAdoption=[row(DATE_PLACED="01/07/2024")]),
    ),
    Case(
        "1004",
        {"Missing": [row(MISSING="M", MIS_START="31/02/2024")]},
        {"Missing": [row(MISSING="M", MIS_START="01/02/2024")]},
    ),
    date_case("1005", "Missing", "MIS_END"),
    code_case("1006", "Missing", "MISSING", "X", "M"),
    code_case("1009", "Episodes", "REASON_PLACE_CHANGE", "WHIM", "CARPL"),
    Case(
        "1010",
        {"OC3": [row()]},
        {"OC3": [row()]},
        fail_last=episodes(row(DECOM="01/01/2023")),
        ok_last=episodes(row(DECOM="01/01/2023", DEC="01/02/2023", REC="E3")),
    ),
    Case(
        "1011",
        episodes(row(DECOM="01/01/2024", REC="E3"), OC3=[row(IN_TOUCH="YES")]),
        episodes(row(DECOM="01/01/2024", REC="E4A"), OC3=[row(IN_TOUCH="YES")]),
    ),
    Case("1012", {"Reviews": [row()]}, episodes(row(), Reviews=[row()])),
    Case(
        "3001",
        {"Header": [row(DOB="01/06/2007")], "OC3": [row(ACCOM="Z1")]},
        {"Header": [row(DOB="01/06/2007")], "OC3": [row(ACCOM="B1")]},
    ),
    Case("EPI", {"Header": [row()]}, episodes(row(), Header=[row()])),
]

for _code, _table in {
    "INT01": "AD1",
    "INT02": "PlacedAdoption",
    "INT03": "Episodes",
    "INT04": "Missing",
    "INT05": "OC2",
    "INT06": "OC3",
    "INT07": "PrevPerm",
    "INT08": "Reviews",
    "INT09": "UASC",
}.items():
    CASES.append(
        Case(
            _code,
            {_table: [row("2")], "Header": [row("1")]},
            {_table: [row("1")], "Header": [row("1")]},
        )
    )
for _code, _table in {
    "INT11": "AD1",
    "INT12": "PlacedAdoption",
    "INT13": "Missing",
    "INT14": "OC2",
    "INT15": "OC3",
    "INT16": "PrevPerm",
    "INT17": "Reviews",
    "INT18": "UASC",
}.items():
    CASES.append(
        Case(
            _code,
            {_table: [row(DOB="02/01/2010")], "Header": [row(DOB="01/01/2010")]},
            {_table: [row(DOB="01/01/2010")], "Header": [row(DOB="01/01/2010")]},
        )
    )
CASES.append(
    Case(
        "INT21",
        {"UASC": [row(SEX="M")], "Header": [row(SEX="F")]},
        {"UASC": [row(SEX="F")], "Header": [row(SEX="F")]},
    )
)
for _code, _table in {
    "INT31": "AD1",
    "INT32": "Header",
    "INT33": "OC2",
    "INT34": "OC3",
    "INT35": "PrevPerm",
    "INT36": "UASC",
}.items():
    CASES.append(Case(_code, {_table: [row(), row()]}, {_table: [row(), row("2")]}))


def sw(code: str, bad: dict, good: dict, year: int = 2025) -> Case:
    return Case(code, {"SWEpisodes": [row(**bad)]}, {"SWEpisodes": [row(**good)]}, year)


CASES += [
    sw("SW01aSTG1", {"SW_ID": "SW1"}, {"SW_ID": "SW1", "SW_DECOM": "01/01/2020"}),
    sw(
        "SW01bSTG1",
        {"SW_DECOM": "01/06/2024", "SW_ID": "SW1"},
        {"SW_DECOM": "01/06/2024", "SW_ID": "SW1", "SW_REASON": "MANAGE"},
    ),
    sw("SW02STG1", {"SW_ID": "AB12"}, {"SW_ID": "SW12"}),
    sw("SW02STG1", {"SW_ID": "SW1"}, {"SW_ID": "SW12"}, year=2026),
    sw("SW04STG1", {"SW_DECOM": "31/02/2024"}, {"SW_DECOM": "ZZ/02/2024"}),
    sw("SW04STG1", {"SW_DECOM": "ZZ/02/2024"}, {"SW_DECOM": "01/02/2024"}, year=2026),
    sw("SW05STG1", {"SW_DEC": "31/02/2024"}, {"SW_DEC": "01/ZZ/2024"}),
    sw("SW06STG2", {"SW_DECOM": "01/04/2025"}, {"SW_DECOM": "31/03/2025"}),
    sw("SW07STG2", {"SW_DEC": "01/04/2025"}, {"SW_DEC": "01/06/2024"}),
    Case(
        "SW08STG2",
        pair("SWEpisodes", {"SW_DECOM": "01/01/2024"}, {"SW_DECOM": "01/02/2024"}),
        pair(
            "SWEpisodes",
            {"SW_DECOM": "01/01/2024", "SW_DEC": "01/02/2024"},
            {"SW_DECOM": "01/02/2024"},
        ),
    ),
    sw(
        "SW09STG2",
        {"SW_DECOM": "01/06/2024", "SW_DEC": "01/06/2024"},
        {"SW_DECOM": "01/06/2024", "SW_DEC": "02/06/2024"},
    ),
    sw(
        "SW09STG2",
        {"SW_DECOM": "01/06/2024", "SW_DEC": "02/06/2024"},
        {"SW_DECOM": "01/06/2024", "SW_DEC": "04/06/2024"},
        year=2026,
    ),
    Case(
        "SW10STG2",
        pair(
            "SWEpisodes",
            {"SW_DECOM": "01/01/2024", "SW_DEC": "01/02/2024"},
            {"SW_DECOM": "01/04/2024", "SW_REASON": "MANAGE"},
        ),
        pair(
            "SWEpisodes",
            {"SW_DECOM": "01/01/2024", "SW_DEC": "01/02/2024"},
            {"SW_DECOM": "03/02/2024", "SW_REASON": "MANAGE"},
        ),
    ),
    Case(
        "SW12STG2",
        episodes(row(DECOM="01/06/2024", RNE="S", LS="C2")),
        episodes(
            row(DECOM="01/06/2024", RNE="S", LS="C2"), SWEpisodes=[row(SW_DECOM="01/06/2024")]
        ),
    ),
    sw("SW13STG1", {"SW_REASON": "SWLAZY"}, {"SW_REASON": "MANAGE"}),
    Case(
        "SW10aSTG2",
        pair(
            "SWEpisodes",
            {"SW_DECOM": "01/01/2024", "SW_DEC": "01/02/2024"},
            {"SW_DECOM": "01/04/2024"},
        ),
        pair(
            "SWEpisodes",
            {"SW_DECOM": "01/01/2024", "SW_DEC": "01/02/2024"},
            {"SW_DECOM": "05/02/2024"},
        ),
        year=2026,
    ),
    Case(
        "SW10bSTG2",
        pair(
            "SWEpisodes",
            {"SW_DECOM": "01/01/2024", "SW_DEC": "01/02/2024"},
            {"SW_DECOM": "15/01/2024", "SW_REASON": "FCONTA"},
        ),
        pair(
            "SWEpisodes",
            {"SW_DECOM": "01/01/2024", "SW_DEC": "01/02/2024"},
            {"SW_DECOM": "15/01/2024", "SW_REASON": "MANAGE"},
        ),
        year=2026,
    ),
    Case(
        "SW17STG2",
        pair(
            "SWEpisodes",
            {"SW_DECOM": "01/01/2024", "SW_DEC": "01/02/2024"},
            {"SW_DECOM": "01/02/2024", "SW_DEC": "01/03/2024"},
        ),
        pair(
            "SWEpisodes",
            {"SW_DECOM": "01/01/2024", "SW_DEC": "01/02/2024"},
            {"SW_DECOM": "01/02/2024"},
        ),
        year=2026,
    ),
    sw(
        "SW18STG2",
        {"SW_DECOM": "01/06/2024", "SW_DEC": "01/05/2024"},
        {"SW_DECOM": "01/06/2024", "SW_DEC": "01/07/2024"},
        year=2026,
    ),
    Case(
        "SW19STG2",
        pair("SWEpisodes", {"SW_DECOM": "01/06/2024"}, {"SW_DECOM": "01/06/2024"}),
        pair("SWEpisodes", {"SW_DECOM": "01/06/2024"}, {"SW_DECOM": "02/06/2024"}),
        year=2026,
    ),
    Case(
        "234",
        episodes(
            row(DECOM="01/06/2025", REASON_PLACE_CHANGE="CUSTOD"), Header=[row(DOB="01/01/2016")]
        ),
        episodes(
            row(DECOM="01/06/2025", REASON_PLACE_CHANGE="CUSTOD"), Header=[row(DOB="01/01/2010")]
        ),
        year=2026,
    ),
    one_episode("242", {"URN": "XXXXXXX", "PLACE": "K2"}, {"URN": "XXXXXXX", "PLACE": "A3"}, 2026),
    Case(
        "348",
        {"OC3": [row(IN_TOUCH="YES")]},
        {"OC3": [row(IN_TOUCH="DIED")]},
        year=2026,
        fail_last={"OC3": [row(IN_TOUCH="DIED")]},
        ok_last={"OC3": [row(IN_TOUCH="DIED")]},
    ),
    Case(
        "444",
        {"Header": [row(UPN="A123456789012"), row("2", UPN="A123456789012")]},
        {"Header": [row(UPN="UN1"), row("2", UPN="UN1")]},
        year=2026,
    ),
]


# A child looked after two years ago, so that last year's episodes are not empty.
OTHER_LAST = {"Episodes": [row("2", DECOM="01/01/2023")]}
# Child 1 is in this year's UASC table but not its Header (only child 2 is).
UASC_NOT_HEADER = {"Header": [row("2")]}


def care_leaver(code: str, bad_dec: str, good_dec: str) -> Case:
    """A care leaver aged 17 at the year's end (17 on 1 June 2024) whose only episode ended on
    ``bad_dec`` (breaking rule ``code``) or ``good_dec``."""
    leaver = {"OC3": [row(DOB="01/06/2007", IN_TOUCH="YES")]}
    return Case(
        code,
        episodes(row(DECOM="01/01/2024", DEC=bad_dec), **leaver),
        episodes(row(DECOM="01/01/2024", DEC=good_dec), **leaver),
    )


CASES += [
    Case(
        "1001",
        episodes(
            row(DECOM="01/01/2024", DEC="01/02/2024"),
            Header=[row(DOB="01/01/2006")],
            OC3=[row(IN_TOUCH="YES")],
        ),
        episodes(
            row(DECOM="01/01/2023", DEC="01/06/2023"),
            Header=[row(DOB="01/01/2006")],
            OC3=[row(IN_TOUCH="YES")],
        ),
        fail_last=OTHER_LAST,
        ok_last=OTHER_LAST,
    ),
    care_leaver("1007", "01/07/2024", "01/05/2024"),
    Case(
        "1014",
        episodes(
            row(DECOM="01/01/2020", DEC="01/02/2020"),
            UASC=[row()],
            OC3=[row(IN_TOUCH="YES")],
        ),
        episodes(row(DECOM="01/01/2020"), UASC=[row()], OC3=[row(IN_TOUCH="YES")]),
    ),
    care_leaver("1016", "01/07/2024", "01/05/2024"),
    Case(
        "205A",
        {**UASC_NOT_HEADER, "UASC": [row(DUC="01/06/2024")]},
        {**UASC_NOT_HEADER, "UASC": [row()]},
        fail_last={"Header": [row()], "UASC": [row(DUC="01/06/2023")]},
        ok_last={"Header": [row()], "UASC": [row(DUC="01/06/2023")]},
    ),
    Case(
        "205B",
        {"Header": [row()], "UASC": [row(DUC="01/06/2024")]},
        {"Header": [row()], "UASC": [row(DUC="01/06/2024")]},
        fail_last={"Header": [row()], "UASC": [row(DOB="01/06/2006", DUC="01/05/2024")]},
        ok_last={"Header": [row()], "UASC": [row(DOB="01/06/2006", DUC="01/06/2024")]},
    ),
    Case(
        "205C",
        {**UASC_NOT_HEADER, "UASC": [row(DUC="01/06/2024")]},
        {**UASC_NOT_HEADER, "UASC": [row()]},
        fail_last=UASC_NOT_HEADER,
        ok_last=UASC_NOT_HEADER,
    ),
    Case(
        "205D",
        {"Header": [row()], "UASC": [row()]},
        {"Header": [row()], "UASC": [row()]},
        fail_last={"Header": [row()], "UASC": []},
        ok_last={"Header": [row()], "UASC": [row()]},
    ),
    Case(
        "577",
        episodes(row(DECOM="01/01/2024", DEC="01/06/2024"), Missing=[row(MIS_START="01/03/2024")]),
        episodes(
            row(DECOM="01/01/2024", DEC="01/06/2024"),
            Missing=[row(MIS_START="01/03/2024", MIS_END="01/04/2024")],
        ),
    ),
    Case(
        "578",
        episodes(row(DECOM="01/01/2024", DEC="01/06/2024"), Missing=[row(MIS_START="01/07/2024")]),
        episodes(row(DECOM="01/01/2024", DEC="01/06/2024"), Missing=[row(MIS_START="01/03/2024")]),
    ),
    Case(
        "NoE",
        episodes(row(DECOM="01/01/2024")),
        episodes(row(DECOM="01/01/2024")),
        fail_last=OTHER_LAST,
        ok_last=episodes(row(DECOM="01/01/2024")),
    ),
    Case(
        "SW11bSTG2",
        {"SWEpisodes": [row(SW_DECOM="01/01/2025", SW_DEC="28/03/2025")]},
        pair(
            "SWEpisodes",
            {"SW_DECOM": "01/01/2025", "SW_DEC": "28/03/2025"},
            {"SW_DECOM": "28/03/2025"},
        ),
    ),
]


# Rules whose code in the DfE validator fails; the cases are the rules as written.
_CEASED_LAST_YEAR = {
    "PlacedAdoption": [
        row(DATE_PLACED="01/02/2024", DATE_PLACED_CEASED="01/03/2024", REASON_PLACED_CEASED="RD1")
    ]
}
CASES += [
    # 11 on 31 March 2025 (born 31 March 2014) is old enough; born a day later is not.
    Case(
        "231",
        {"Header": [row(DOB="01/04/2014")], "UASC": [row(DOB="01/04/2014")]},
        {"Header": [row(DOB="31/03/2014")], "UASC": [row(DOB="31/03/2014")]},
    ),
    one_episode(
        "233",
        {"DECOM": "01/06/2025", "REASON_PLACE_CHANGE": "CARPL"},
        {"DECOM": "01/06/2025", "DEC": "01/09/2025", "REC": "X1", "REASON_PLACE_CHANGE": "CARPL"},
        2026,
    ),
    # Last year's decision ceased: this year's must be a later one.
    Case(
        "584",
        {"PlacedAdoption": [row(DATE_PLACED="01/02/2024")]},
        {"PlacedAdoption": [row(DATE_PLACED="01/06/2024")]},
        fail_last=_CEASED_LAST_YEAR,
        ok_last=_CEASED_LAST_YEAR,
    ),
    Case(
        "584",
        {"PlacedAdoption": [row()]},
        {"PlacedAdoption": [row(DATE_PLACED="01/06/2024")]},
        fail_last=_CEASED_LAST_YEAR,
        ok_last=_CEASED_LAST_YEAR,
    ),
]


def dolo(**values: str) -> dict:
    """A deprivation of liberty order of child 1, born 1 June 2010, from 1 June 2026."""
    return row(**{"DOB": "01/06/2010", "DOLO_START": "01/06/2026", **values})


def in_care(**values: str) -> dict:
    """Child 1's episode, from 1 May 2026, open, in a children's home (K2)."""
    return row(**{"DECOM": "01/05/2026", "RNE": "S", "LS": "C2", "PLACE": "K2", **values})


# Deprivation of liberty orders, from collection year 2027 (1 April 2026 to 31 March 2027).
CASES += [
    Case(f"{code}", {"DoLo": [dolo(**bad)]}, {"DoLo": [dolo(**good)]}, year=2027)
    for code, bad, good in (
        ("700", {"DOLO_START": "2026-06-01"}, {}),
        ("700", {"DOLO_START": ""}, {}),
        ("701", {"DOLO_END": "31/06/2026"}, {"DOLO_END": "30/06/2026"}),
        ("702", {"DOLO_END": "01/06/2026"}, {"DOLO_END": "02/06/2026"}),
        ("703", {"DOLO_START": "01/04/2027"}, {"DOLO_START": "31/03/2027"}),
        ("704", {"DOLO_START": "01/01/2026", "DOLO_END": "31/03/2026"}, {"DOLO_END": "31/03/2027"}),
        ("704", {"DOLO_END": "01/04/2027"}, {"DOLO_END": "01/07/2026"}),
        ("708", {"DOB": "01/06/2026"}, {"DOB": "31/05/2026"}),
    )
]
CASES += [
    Case(
        "705",
        {"DoLo": [dolo(DOLO_END="01/08/2026"), dolo(DOLO_START="01/07/2026")]},
        {"DoLo": [dolo(DOLO_END="01/08/2026"), dolo(DOLO_START="01/08/2026")]},
        year=2027,
    ),
    Case(
        "705",
        {"DoLo": [dolo(), dolo(DOLO_START="01/09/2026", DOLO_END="01/10/2026")]},
        {"DoLo": [dolo(DOLO_END="01/08/2026"), dolo(child="2")]},
        year=2027,
    ),
    Case(
        "706",
        {"DoLo": [dolo(DOLO_START="02/06/2026")]},
        {"DoLo": [dolo(DOLO_START="01/06/2025")]},
        year=2027,
        fail_last={"DoLo": [dolo(DOLO_START="01/06/2025")]},
        ok_last={"DoLo": [dolo(DOLO_START="01/06/2025")]},
    ),
    Case(
        "707",
        {"Episodes": [in_care(DEC="01/09/2026", REC="E8")], "DoLo": [dolo()]},
        {"Episodes": [in_care(DEC="01/09/2026", REC="E8")], "DoLo": [dolo(DOLO_END="01/09/2026")]},
        year=2027,
    ),
    Case(
        "709",
        {"Episodes": [in_care(PLACE="U1")], "DoLo": [dolo(DOLO_END="01/09/2026")]},
        {"Episodes": [in_care()], "DoLo": [dolo(DOLO_END="01/09/2026")]},
        year=2027,
    ),
    Case(
        "710",
        {"Episodes": [in_care(PLACE="K1")], "DoLo": [dolo(DOLO_END="01/09/2026")]},
        {
            "Episodes": [in_care(PLACE="K1", DEC="31/05/2026", REC="E8")],
            "DoLo": [dolo(DOLO_END="01/09/2026")],
        },
        year=2027,
    ),
]

# Cases of the rules of earlier collection years kept in a module of their own.
CASES += earlier_year_cases(Case, row)
CASES += placement_cases(Case, row)
CASES += provider_cases(Case, row)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_flags_the_failing_return_and_not_the_passing_one(case: Case, tmp_path: Path) -> None:
    assert REGISTRY.rules[case.code].applies(case.year)
    failing = rule_rows(tmp_path / "fail", case.code, case.fail, case.year, case.fail_last)
    passing = rule_rows(tmp_path / "ok", case.code, case.ok, case.year, case.ok_last)
    assert failing, f"rule {case.code} found nothing in its failing case"
    assert not passing, f"rule {case.code} flagged its passing case: {passing}"


def test_every_rule_has_a_case() -> None:
    assert set(REGISTRY.rules) - {case.code for case in CASES} == set()


def test_validate_skips_rules_whose_tables_were_not_supplied(tmp_path: Path) -> None:
    # Rule 1012 needs only Episodes, so with no episodes file it does not run; with an empty
    # one, the review of a child with no episode is found.
    write_return(tmp_path / "a", {"Header": [row(SEX="M")], "Reviews": [row()]})
    assert "1012" not in {f.rule_code for f in validate(tmp_path / "a", 2025)}
    write_return(tmp_path / "b", {"Header": [row(SEX="M")], "Reviews": [row()], "Episodes": []})
    found = [f for f in validate(tmp_path / "b", 2025) if f.rule_code == "1012"]
    assert [(f.table, f.row, f.child_id, f.fields) for f in found] == [
        ("Reviews", 0, "1", ("CHILD",))
    ]


def test_validate_runs_previous_year_rules_only_with_last_years_return(tmp_path: Path) -> None:
    write_return(tmp_path / "now", {"Header": [row(SEX="M", DOB="01/01/2010")]})
    write_return(tmp_path / "last", {"Header": [row(SEX="F", DOB="01/01/2010")]})
    assert "202" not in {f.rule_code for f in validate(tmp_path / "now", 2025)}
    found = [f for f in validate(tmp_path / "now", 2025, tmp_path / "last") if f.rule_code == "202"]
    assert [(f.table, f.row, f.fields) for f in found] == [("Header", 0, ("SEX",))]


def test_a_table_with_no_file_has_the_columns_and_types_of_one_read_from_a_file(
    tmp_path: Path,
) -> None:
    # Empty tables are declared, not made from a query: their columns must not drift apart.
    write_return(tmp_path, {table: [] for table in TABLES})
    con = duckdb.connect()
    try:
        load(con, tmp_path)

        def shape(name: str) -> list[tuple[str, str]]:
            return con.execute(
                "SELECT column_name, data_type FROM duckdb_columns()"
                " WHERE table_name = ? ORDER BY column_index",
                [name],
            ).fetchall()

        for table in TABLES:
            for kind in ("", "_raw", "_file"):
                assert shape(f"{table}_last{kind}") == shape(f"{table}{kind}"), (table, kind)
                assert shape(f"{table}{kind}"), (table, kind)
    finally:
        con.close()


def test_findings_give_rows_within_their_table_in_file_order(tmp_path: Path) -> None:
    write_return(
        tmp_path,
        {"Header": [row("A", SEX="M"), row("B", SEX="X"), row("C", SEX="M"), row("D", SEX="Q")]},
    )
    found = [f for f in validate(tmp_path, 2025) if f.rule_code == "101"]
    assert [(f.row, f.child_id) for f in found] == [(1, "B"), (3, "D")]
    assert found[0].message == REGISTRY.rules["101"].message


def test_files_are_recognised_by_their_columns_whatever_their_names(tmp_path: Path) -> None:
    # A byte-order mark and lower-case values, as spreadsheets write them.
    (tmp_path / "children.csv").write_text(
        "\ufeffCHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n7,m,01/01/2010,wbri,A123456789012,,\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.csv").write_text("A,B\n1,2\n")
    assert set(find_tables(tmp_path)) == {"Header"}
    # Read upper-cased, the codes are valid; only the warning that no episodes were loaded.
    assert [(f.rule_code, f.child_id) for f in validate(tmp_path, 2025)] == [("EPI", "7")]


def test_rules_run_together_find_what_each_finds_alone() -> None:
    # The DfE validator's own fake return breaks many rules at once.
    con = duckdb.connect()
    try:
        present = load(con, SAMPLES / "csc-validator-be-903" / "tests" / "fake_data")
        codes = [
            rule.code
            for rule in REGISTRY.rules.values()
            if rule.applies(2025) and set(rule.tables) <= present
        ]
        alone = sorted(f for code in codes for f in REGISTRY.rules[code].check(con, 2025))
        together = sorted(run_together(con, codes, 2025))
    finally:
        con.close()
    assert len({f.rule_code for f in alone}) > 40
    assert together == alone


def test_every_rules_message_and_fields_reach_the_findings_tables_whole() -> None:
    codes = sorted(REGISTRY.rules)
    with duckdb.connect() as con:
        con.execute(_messages_and_fields(codes))
        messages = dict(con.execute("SELECT rule_code, message FROM _messages").fetchall())
        fields = con.execute("SELECT rule_code, t, fields FROM _fields").fetchall()
    assert messages == {code: REGISTRY.rules[code].message for code in codes}
    assert ("101", "Header", "SEX") in fields
    assert {code for code, _, _ in fields} == {c for c in codes if REGISTRY.rules[c].fields}
    assert all(held and "\x1f" not in held for _, _, held in fields)
