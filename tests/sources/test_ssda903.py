import csv
import hashlib
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from casegrip.model.findings import Severity, SourceError
from casegrip.model.schema import table
from casegrip.sources.ssda903 import TABLES, read_ssda903

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "reference" / "samples"
FAKE_903 = SAMPLES / "csc-validator-be-903" / "tests" / "fake_data"
DEMAND = SAMPLES / "cs-demand-model" / "cs_demand_model_samples" / "combined"
LIIA = SAMPLES / "liia-tools" / "liiatools" / "spec" / "s903" / "samples"
LIIA_PIPELINE = SAMPLES / "liia-tools-pipeline" / "liiatools" / "ssda903_pipeline" / "spec"

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
)


def _fake_903(placed_for_adoption: str) -> list[Path]:
    # The folder holds two PlacedAdoption files (one deliberately wrong): a return has one.
    others = {"placed_for_adoption.csv", "placed_for_adoption_errors.csv"} - {placed_for_adoption}
    return [p for p in sorted(FAKE_903.glob("*.csv")) if p.name not in others]


# Each sample 903 set, and the findings it gives, by rule.
SAMPLE_SETS = {
    "csc-validator-be-903": (_fake_903("placed_for_adoption.csv"), {"table_not_imported": 2}),
    "csc-validator-be-903 errors": (
        _fake_903("placed_for_adoption_errors.csv"),
        {"table_not_imported": 2},
    ),
    **{
        f"cs-demand-model {year}": (
            sorted(DEMAND.glob(f"{year}-*.csv")),
            {"table_not_imported": 1},  # PrevPerm
        )
        for year in range(2017, 2022)
    },
    "liia-tools episodes": ([LIIA / "SSDA903_2020_episodes.csv"], {}),
    "liia-tools episodes to fix": (
        [LIIA / "SSDA903_episodes_for_testing_fixes_INPUT.csv"],
        {"unknown_column": 2},  # LA, YEAR
    ),
    "liia-tools-pipeline": (
        sorted((LIIA_PIPELINE / "samples").glob("*.csv")),
        {"unknown_column": 1},  # TEST_COLUMN
    ),
}


def _data_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return sum(1 for row in list(csv.reader(handle))[1:] if any(c.strip() for c in row))


@pytest.mark.parametrize("name", SAMPLE_SETS)
def test_each_sample_903_set_loads(name):
    files, expected_findings = SAMPLE_SETS[name]
    assert files, f"no sample files for {name}"

    extract = read_ssda903(files)

    assert extract.source == "ssda903"
    assert set(extract.tables) == set(TABLES)
    for table_name, data in extract.tables.items():
        assert data.schema == table(table_name).arrow_schema()
    assert Counter(f.rule for f in extract.findings) == expected_findings
    assert [f.name for f in extract.files] == [p.name for p in files]
    for recorded, path in zip(extract.files, files, strict=True):
        assert recorded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert recorded.rows == _data_rows(path)
    by_kind = {p.name.lower(): _data_rows(p) for p in files}
    headers = [n for kind, n in by_kind.items() if "header" in kind]
    episodes = [n for kind, n in by_kind.items() if "episodes" in kind and "sw" not in kind]
    assert extract.tables["ssd_person"].num_rows == sum(headers)
    assert extract.tables["ssd_cla_episodes"].num_rows == sum(episodes)
    assert extract.extract_date is not None


def test_a_folder_with_two_files_of_one_table_is_refused():
    with pytest.raises(SourceError) as caught:
        read_ssda903(FAKE_903)
    assert caught.value.file == "placed_for_adoption_errors.csv"
    assert "PlacedAdoption" in caught.value.reason


def _write(folder: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _rows(extract, name):
    return extract.tables[name].to_pylist()


def test_header_maps_to_person(tmp_path):
    paths = _write(
        tmp_path,
        {
            "h.csv": f"{HEADER}\n"
            "A1,1,27/03/2008,WBRI,D051910639385,,\n"
            "A2,2,2011-09-09,REFU,UN4,1,01/02/2027\n"
            "A3,F,09/09/2011,AOTH,,0,\n"
            "A4,7,09/09/2011,AOTH,,1.0,\n",
        },
    )
    people = _rows(read_ssda903(paths), "ssd_person")

    assert [p["pers_person_id"] for p in people] == ["A1", "A2", "A3", "A4"]
    assert [p["pers_sex"] for p in people] == ["M", "F", "F", "7"]  # 7 is kept for the store
    assert [p["pers_dob"] for p in people] == [
        date(2008, 3, 27),
        date(2011, 9, 9),
        date(2011, 9, 9),
        date(2011, 9, 9),
    ]
    assert [p["pers_ethnicity"] for p in people] == ["WBRI", "REFU", "AOTH", "AOTH"]
    assert [p["pers_upn"] for p in people] == ["D051910639385", None, None, None]
    assert [p["pers_upn_unknown"] for p in people] == [None, "UN4", None, None]
    assert [p["pers_is_mother"] for p in people] == [None, "Y", "N", "Y"]
    assert [p["_source_row"] for p in people] == [0, 1, 2, 3]


def test_files_are_recognised_by_their_columns_not_their_names(tmp_path):
    paths = _write(
        tmp_path,
        {
            "903 Head.CSV": "\ufeffchild, Sex ,dob,ethnic,upn,mother,mc_dob\n"
            "A1,1,01/01/2010,WBRI,,,\n",
            "data2.csv": "CHILD,DOB,REVIEW,REVIEW_CODE\nA1,01/01/2010,05/05/2020,PN1\n",
        },
    )
    extract = read_ssda903(tmp_path)

    assert {f.name for f in extract.files} == {p.name for p in paths}
    assert _rows(extract, "ssd_person")[0]["pers_sex"] == "M"
    review = _rows(extract, "ssd_cla_reviews")[0]
    assert review["clar_cla_review_date"] == date(2020, 5, 5)
    assert review["clar_cla_review_participation"] == "PN1"
    assert extract.findings == []


def test_periods_of_care_placements_and_legal_statuses(tmp_path):
    # Child B: episodes given out of order. E1-E3 are one period of care (each DECOM is the
    # previous DEC); E2 changes the legal status only; E3 moves placement; after a gap, E4
    # starts a second period. Child C has one open episode.
    episodes = (
        f"{EPISODES}\n"
        "B,01/06/2020,P,C2,N1,U4,PR1,15/08/2020,E11,PLACE,AB1 2CD,EF3 4GH,1000003\n"
        "B,01/04/2020,S,V2,N1,U1,PR1,10/05/2020,X1,,AB1 2CD,XY1 2ZZ,1000001\n"
        "C,05/05/2020,S,V2,N2,K2,PR4,,,,,,\n"
        "B,10/05/2020,L,C2,N1,U1,PR1,01/06/2020,X1,CARPL,AB1 2CD,XY1 2ZZ,1000001\n"
        "B,01/01/2021,S,V2,N1,U1,PR1,,,,AB1 2CD,XY1 2ZZ,1000001\n"
    )
    reviews = (
        "CHILD,DOB,REVIEW,REVIEW_CODE\n"
        "B,01/01/2010,01/07/2020,PN1\n"  # first period
        "B,01/01/2010,01/10/2020,PN2\n"  # between periods
        "B,01/01/2010,01/02/2021,PN3\n"  # second period
    )
    extract = read_ssda903(_write(tmp_path, {"e.csv": episodes, "r.csv": reviews}))

    by_start = {
        (e["clae_person_id"], e["clae_cla_episode_start_date"]): e
        for e in _rows(extract, "ssd_cla_episodes")
    }
    assert len(by_start) == 5
    b = [by_start["B", d] for d in sorted(d for p, d in by_start if p == "B")]
    assert [e["clae_cla_episode_id"] for e in b] == ["B-E1", "B-E2", "B-E3", "B-E4"]
    assert [e["clae_cla_id"] for e in b] == ["B-P1", "B-P1", "B-P1", "B-P2"]
    assert [e["clae_entered_care_date"] for e in b] == [date(2020, 4, 1)] * 3 + [date(2021, 1, 1)]
    assert [e["_source_row"] for e in b] == [1, 3, 0, 4]
    assert [e["clae_cla_placement_id"] for e in b] == ["B-PL1", "B-PL1", "B-PL2", "B-PL3"]
    assert b[2]["clae_cla_episode_ceased_reason"] == "E11"
    assert by_start["C", date(2020, 5, 5)]["clae_cla_id"] == "C-P1"

    placements = {p["clap_cla_placement_id"]: p for p in _rows(extract, "ssd_cla_placement")}
    assert set(placements) == {"B-PL1", "B-PL2", "B-PL3", "C-PL1"}
    first = placements["B-PL1"]
    assert first["clap_cla_id"] == "B-P1"
    assert (first["clap_cla_placement_start_date"], first["clap_cla_placement_end_date"]) == (
        date(2020, 4, 1),
        date(2020, 6, 1),
    )
    assert first["clap_cla_placement_type"] == "U1"
    assert first["clap_cla_placement_postcode"] == "XY1 2ZZ"
    assert first["clap_cla_placement_urn"] == "1000001"
    assert first["clap_cla_placement_change_reason"] == "CARPL"  # from its last episode
    assert placements["B-PL2"]["clap_cla_placement_provider"] == "PR1"
    assert placements["B-PL2"]["clap_cla_placement_change_reason"] == "PLACE"
    assert placements["C-PL1"]["clap_cla_placement_end_date"] is None

    legal = [
        (s["lega_legal_status"], s["lega_legal_status_start_date"], s["lega_legal_status_end_date"])
        for s in _rows(extract, "ssd_legal_status")
        if s["lega_person_id"] == "B"
    ]
    assert legal == [
        ("V2", date(2020, 4, 1), date(2020, 5, 10)),
        ("C2", date(2020, 5, 10), date(2020, 8, 15)),
        ("V2", date(2021, 1, 1), None),
    ]

    assert [r["clar_cla_id"] for r in _rows(extract, "ssd_cla_reviews")] == ["B-P1", None, "B-P2"]


def test_an_unparseable_date_is_blank_with_a_finding(tmp_path):
    paths = _write(
        tmp_path,
        {
            "episodes.csv": f"{EPISODES}\n"
            "B,01/04/2020,S,V2,N1,U1,PR1,31/02/2021,X1,,,,\n"
            "B,yesterday,S,V2,N1,U1,PR1,,,,,,\n",
            "header.csv": f"{HEADER}\nB,1,2010-13-01,WBRI,,,\n",
        },
    )
    extract = read_ssda903(paths)

    episodes = _rows(extract, "ssd_cla_episodes")
    assert episodes[0]["clae_cla_episode_ceased_date"] is None
    assert episodes[1]["clae_cla_episode_start_date"] is None
    assert _rows(extract, "ssd_person")[0]["pers_dob"] is None
    found = sorted(
        (f.file, f.table, f.row, f.field, f.value, f.severity)
        for f in extract.findings
        if f.rule == "unparseable_date"
    )
    assert found == [
        ("episodes.csv", "ssd_cla_episodes", 0, "DEC", "31/02/2021", Severity.ERROR),
        ("episodes.csv", "ssd_cla_episodes", 1, "DECOM", "yesterday", Severity.ERROR),
        ("header.csv", "ssd_person", 0, "DOB", "2010-13-01", Severity.ERROR),
    ]


def test_unknown_columns_are_reported_once_each_and_ignored(tmp_path):
    paths = _write(
        tmp_path,
        {"e.csv": f"{EPISODES},LA,Year\nB,01/04/2020,S,V2,N1,U1,PR1,,,,,,,Sutton,2020\n"},
    )
    extract = read_ssda903(paths)

    unknown = [(f.rule, f.table, f.field, f.file) for f in extract.findings]
    assert unknown == [
        ("unknown_column", "ssd_cla_episodes", "LA", "e.csv"),
        ("unknown_column", "ssd_cla_episodes", "Year", "e.csv"),
    ]
    assert extract.tables["ssd_cla_episodes"].num_rows == 1


def test_unnamed_columns_are_reported_only_when_they_hold_values(tmp_path):
    paths = _write(
        tmp_path,
        {
            "e.csv": f"{EPISODES},\nB,01/04/2020,S,V2,N1,U1,PR1,,,,,,,\n",
            "h.csv": f"{HEADER},,,CHILD\nB,1,01/01/2010,WBRI,,,,,x,C\n",
        },
    )
    found = [(f.rule, f.field, f.file) for f in read_ssda903(paths).findings]
    assert found == [
        ("unknown_column", "(unnamed column 9)", "h.csv"),
        ("duplicate_column", "CHILD", "h.csv"),
    ]


def test_a_missing_column_is_reported_and_read_as_blank(tmp_path):
    paths = _write(tmp_path, {"e.csv": "CHILD,DECOM,RNE\nB,01/04/2020,S\n"})
    extract = read_ssda903(paths)

    missing = {f.field for f in extract.findings if f.rule == "missing_column"}
    assert missing == set(EPISODES.split(",")) - {"CHILD", "DECOM", "RNE"}
    assert _rows(extract, "ssd_cla_episodes")[0]["clae_cla_episode_ceased_date"] is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "no header"),
        (b"\n\n", "no header"),
        (b"NAME,ADDRESS\nx,y\n", "no recognisable SSDA903 header"),
        (b"CHILD,FOO\n1,2\n", "no recognisable SSDA903 header"),
        (b"PK\x03\x04\x00\x00binary", "binary"),
        (b'CHILD,DECOM,RNE\n"B,01/04/2020,S\n', "not a readable CSV"),
    ],
)
def test_a_file_that_is_no_903_table_stops_the_import(tmp_path, content, reason):
    good = _write(tmp_path, {"header.csv": f"{HEADER}\nB,1,01/01/2010,WBRI,,,\n"})
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)

    with pytest.raises(SourceError, match=reason) as caught:
        read_ssda903([*good, bad])
    assert caught.value.file == "bad.csv"


def test_a_missing_file_stops_the_import(tmp_path):
    with pytest.raises(SourceError, match="cannot be read") as caught:
        read_ssda903([tmp_path / "absent.csv"])
    assert caught.value.file == "absent.csv"


def test_windows_1252_text_is_read(tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes(f"{HEADER}\nB,1,01/01/2010,W\u20acRI,,,\n".encode("cp1252"))
    (person,) = read_ssda903([path]).tables["ssd_person"].to_pylist()
    assert person["pers_ethnicity"] == "W\u20acRI"


def test_extract_date(tmp_path):
    tomorrow = (date.today() + timedelta(days=1)).strftime("%d/%m/%Y")
    paths = _write(
        tmp_path,
        {
            "e.csv": f"{EPISODES}\n"
            "B,01/04/2020,S,V2,N1,U1,PR1,15/03/2021,E11,,,,\n"
            f"C,01/04/2020,S,V2,N1,U1,PR1,{tomorrow},E11,,,,\n",
            "r.csv": "CHILD,DOB,REVIEW,REVIEW_CODE\nB,01/01/2010,20/03/2021,PN1\n",
        },
    )
    # The latest episode date that is not in the future; reviews count only without episodes.
    assert read_ssda903(paths).extract_date == date(2021, 3, 15)
    assert read_ssda903(paths[1:]).extract_date == date(2021, 3, 20)
    assert read_ssda903(paths, collection_year=2021).extract_date == date(2021, 3, 31)


def test_the_other_903_tables(tmp_path):
    paths = _write(
        tmp_path,
        {
            "e.csv": f"{EPISODES}\n"
            "D,01/01/2019,S,C2,N1,U1,PR1,01/03/2019,X1,,,,\n"
            "D,01/03/2019,L,E1,N1,U1,PR1,01/06/2019,X1,,,,\n"
            "D,01/06/2019,P,E1,N1,A5,PR1,20/12/2019,E11,,,,\n",
            "missing.csv": "CHILD,DOB,MISSING,MIS_START,MIS_END\nD,01/01/2010,A,13/11/2019,\n",
            "oc2.csv": "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,"
            "TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,"
            "INTERVENTION_OFFERED\n"
            "D,01/01/2010,12,,0,0,1,1,1,0,,\n"
            "E,01/01/2010,,SDQ1,0,yes,1,0,0,0,,\n",
            "oc3.csv": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n"
            "F,01/01/2001,YES,F2,S1\n"
            "G,01/01/2001,NO,0,0\n",
            "ad1.csv": "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
            "D,01/01/2010,15/02/2019,20/05/2019,0,2,MF,L11\n"
            "H,01/01/2010,15/02/2019,20/05/2019,1,two,F1,L0\n",
            "pa.csv": "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n"
            "D,01/01/2010,15/02/2019,,\n"
            "J,01/01/2010,01/02/2019,01/05/2019,RD1\n",
            "sw.csv": "\ufeffCHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"
            "D,01/01/2010,SW123,01/01/2019,03/01/2019,LEFTRL\n"
            "D,01/01/2010,SW456,03/01/2019,,\n"
            "K,01/01/2010,SW123,01/02/2019,,\n",
            "uasc.csv": "CHILD,SEX,DOB,DUC\nD,1,01/01/2010,01/01/2028\n",
            "prev.csv": "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\nD,01/01/2010,Z1,,\n",
        },
    )
    extract = read_ssda903(paths)

    (missing,) = _rows(extract, "ssd_missing")
    assert (missing["miss_person_id"], missing["miss_missing_episode_type"]) == ("D", "A")
    assert missing["miss_missing_episode_start_date"] == date(2019, 11, 13)
    assert missing["miss_missing_episode_end_date"] is None

    checks = [
        (h["clah_person_id"], h["clah_health_check_type"], h["clah_health_check_status"])
        for h in _rows(extract, "ssd_cla_health")
    ]
    assert checks == [
        ("D", "Health Assessment", "Completed"),
        ("D", "Dental Check", "Completed"),
    ]
    odd = [(f.rule, f.table, f.row, f.field, f.value) for f in extract.findings if f.row]
    assert ("unknown_code", "ssd_cla_health", 1, "HEALTH_CHECK", "yes") in odd

    leavers = [
        (
            c["clea_person_id"],
            c["clea_care_leaver_in_touch"],
            c["clea_care_leaver_activity"],
            c["clea_care_leaver_accommodation"],
            c["clea_care_leaver_accom_suitable"],
        )
        for c in _rows(extract, "ssd_care_leavers")
    ]
    assert leavers == [("F", "YES", "F2", "S", "1"), ("G", "NO", "0", "0", None)]

    permanence = {p["perm_person_id"]: p for p in _rows(extract, "ssd_permanence")}
    assert set(permanence) == {"D", "H", "J"}
    adopted = permanence["D"]  # PlacedAdoption and AD1 rows of one decision are one row
    assert adopted["perm_table_id"] == "D-PA1"
    assert adopted["perm_cla_id"] == "D-P1"
    assert adopted["perm_adm_decision_date"] == date(2019, 2, 15)
    assert adopted["perm_matched_date"] == date(2019, 5, 20)
    assert adopted["perm_adopted_by_carer_flag"] == "N"
    assert adopted["perm_number_of_adopters"] == 2
    assert (adopted["perm_adopter_sex"], adopted["perm_adopter_legal_status"]) == ("MF", "L11")
    assert adopted["perm_placement_order_date"] == date(2019, 3, 1)  # first E1 episode
    assert adopted["perm_placed_for_adoption_date"] == date(2019, 6, 1)  # first A5 placement
    assert adopted["perm_permanence_order_date"] == date(2019, 12, 20)
    assert adopted["perm_permanence_order_type"] == "Adoption"
    assert permanence["H"]["perm_number_of_adopters"] is None
    assert ("unparseable_integer", "ssd_permanence", 1, "NB_ADOPTR", "two") in odd
    assert permanence["H"]["perm_adopted_by_carer_flag"] == "Y"
    reversed_ = permanence["J"]
    assert reversed_["perm_decision_reversed_date"] == date(2019, 5, 1)
    assert reversed_["perm_decision_reversed_reason"] == "RD1"

    involvements = [
        (
            i["invo_person_id"],
            i["invo_professional_id"],
            i["invo_professional_role_id"],
            i["invo_involvement_start_date"],
            i["invo_involvement_end_date"],
            i["invo_worker_change_reason"],
        )
        for i in _rows(extract, "ssd_involvements")
    ]
    assert involvements == [
        ("D", "SW123", "CW", date(2019, 1, 1), date(2019, 1, 3), "LEFTRL"),
        ("D", "SW456", "CW", date(2019, 1, 3), None, None),
        ("K", "SW123", "CW", date(2019, 2, 1), None, None),
    ]
    workers = [
        (p["prof_professional_id"], p["prof_social_worker_registration_no"])
        for p in _rows(extract, "ssd_professionals")
    ]
    assert workers == [("SW123", "SW123"), ("SW456", "SW456")]

    not_imported = {(f.table, f.file) for f in extract.findings if f.rule == "table_not_imported"}
    assert not_imported == {("PrevPerm", "prev.csv")}


def test_a_row_without_a_child_id_is_kept_and_reported(tmp_path):
    paths = _write(tmp_path, {"e.csv": f"{EPISODES}\n,01/04/2020,S,V2,N1,U1,PR1,,,,,,\n"})
    extract = read_ssda903(paths)

    (episode,) = _rows(extract, "ssd_cla_episodes")
    assert episode["clae_person_id"] is None
    assert episode["clae_cla_episode_id"] == "Episodes#0-E1"
    assert [(f.rule, f.row) for f in extract.findings] == [("missing_child_id", 0)]
