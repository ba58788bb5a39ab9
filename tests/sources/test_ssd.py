"""The SSD source: lenient dates, numbers and JSON; unknown tables and columns; both formats."""

from datetime import date

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from casegrip.model.findings import SourceError
from casegrip.sources import detect, read_source
from casegrip.sources.ssd import read_ssd_folder, read_ssd_postgres


def write(folder, name, text):
    (folder / name).write_text(text)
    return folder


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-03", date(2024, 2, 3)),
        ("2024-02-03 00:00:00", date(2024, 2, 3)),
        ("2024-02-03 13:45:10.123", date(2024, 2, 3)),
        ("2024-02-03T13:45:10", date(2024, 2, 3)),
        ("03/02/2024", date(2024, 2, 3)),
        ("03/02/2024 09:30", date(2024, 2, 3)),
        ("03-02-2024", date(2024, 2, 3)),
        ("03.02.2024", date(2024, 2, 3)),
        ("03-Feb-2024", date(2024, 2, 3)),
        ("3 February 2024", date(2024, 2, 3)),
        ("20240203", date(2024, 2, 3)),
    ],
)
def test_dates_in_the_formats_councils_export(tmp_path, text, expected):
    write(tmp_path, "ssd_person.csv", f"pers_person_id,pers_dob\n1,{text}\n")
    extract = read_ssd_folder(tmp_path)
    assert extract.tables["ssd_person"].column("pers_dob").to_pylist() == [expected]
    assert extract.findings == []


def test_an_unreadable_date_is_left_empty_with_a_finding_naming_file_row_and_field(tmp_path):
    write(tmp_path, "ssd_person.csv", "pers_person_id,pers_dob\n1,2015-01-01\n2,31/31/2020\n3,\n")
    extract = read_ssd_folder(tmp_path)

    assert extract.tables["ssd_person"].column("pers_dob").to_pylist() == [
        date(2015, 1, 1),
        None,
        None,
    ]
    [finding] = extract.findings
    assert (finding.rule, finding.file, finding.row, finding.field, finding.value) == (
        "unparseable_date",
        "ssd_person.csv",
        1,
        "pers_dob",
        "31/31/2020",
    )


def test_numbers_are_read_leniently(tmp_path):
    write(
        tmp_path,
        "ssd_professionals.csv",
        "prof_professional_id,prof_professional_caseload,prof_full_time_equivalency\n"
        "A,12,1.0\nB,12.0,0.5\nC,twelve,half\n",
    )
    extract = read_ssd_folder(tmp_path)
    table = extract.tables["ssd_professionals"]
    assert table.column("prof_professional_caseload").to_pylist() == [12, 12, None]
    assert table.column("prof_full_time_equivalency").to_pylist() == [1.0, 0.5, None]
    assert sorted(f.field for f in extract.findings) == [
        "prof_full_time_equivalency",
        "prof_professional_caseload",
    ]
    assert {f.rule for f in extract.findings} == {"unparseable_number"}


def test_malformed_json_is_kept_as_text_for_the_checks_to_report(tmp_path):
    write(
        tmp_path,
        "ssd_contacts.csv",
        'cont_contact_id,cont_contact_outcome_json\n1,"{""NFA_FLAG"": ""Y""}"\n2,{not json\n',
    )
    table = read_ssd_folder(tmp_path).tables["ssd_contacts"]
    assert table.column("cont_contact_outcome_json").to_pylist() == [
        '{"NFA_FLAG": "Y"}',
        "{not json",
    ]


def test_unknown_tables_and_columns_are_ignored_with_findings_and_aliases_accepted(tmp_path):
    write(tmp_path, "ssd_person.csv", "PERS_PERSON_ID,pers_common_child_id,shoe_size\n1,X,9\n")
    write(tmp_path, "ssd_shoes.csv", "id\n1\n")
    extract = read_ssd_folder(tmp_path)

    person = extract.tables["ssd_person"]
    assert person.column("pers_person_id").to_pylist() == ["1"]
    assert person.column("pers_single_unique_id").to_pylist() == ["X"]
    assert person.column("_source_row").to_pylist() == [0]
    assert "ssd_shoes" not in extract.tables
    assert sorted((f.rule, f.field) for f in extract.findings) == [
        ("unknown_column", "shoe_size"),
        ("unknown_table", ""),
    ]


def test_every_column_is_optional(tmp_path):
    write(tmp_path, "ssd_cin_episodes.csv", "cine_referral_id\nR1\n")
    table = read_ssd_folder(tmp_path).tables["ssd_cin_episodes"]
    assert table.num_rows == 1
    assert table.column("cine_referral_date").null_count == 1


def test_parquet_keeps_its_types_and_row_numbers(tmp_path):
    pq.write_table(
        pa.table(
            {
                "cppv_cp_visit_id": ["V1", "V2", "V3"],
                "cppv_cp_visit_date": pa.array(
                    [date(2024, 1, 1), None, date(2024, 1, 3)], pa.date32()
                ),
            }
        ),
        tmp_path / "ssd_cp_visits.parquet",
    )
    extract = read_ssd_folder(tmp_path)
    table = extract.tables["ssd_cp_visits"]
    assert table.column("_source_row").to_pylist() == [0, 1, 2]
    assert table.column("cppv_cp_visit_date").to_pylist()[2] == date(2024, 1, 3)
    assert extract.files[0].rows == 3
    assert len(extract.files[0].sha256) == 64


def test_a_file_that_cannot_be_read_stops_the_import_naming_the_file(tmp_path):
    (tmp_path / "ssd_person.parquet").write_bytes(b"this is not parquet")
    with pytest.raises(SourceError, match=r"ssd_person\.parquet: cannot be read"):
        read_ssd_folder(tmp_path)


def test_a_folder_without_ssd_files_is_refused(tmp_path):
    write(tmp_path, "notes.txt", "hello")
    with pytest.raises(SourceError):
        read_source(str(tmp_path))


def test_detect_tells_the_sources_apart(tmp_path):
    ssd = tmp_path / "ssd"
    ssd.mkdir()
    write(ssd, "ssd_person.csv", "pers_person_id\n1\n")
    xml = tmp_path / "cin.xml"
    xml.write_text("<Message/>")
    assert detect(str(ssd)) == "ssd"
    assert detect(str(xml)) == "cin_census"
    assert detect("postgresql://localhost/db") == "ssd_postgres"


def test_ssd_tables_in_a_postgresql_schema(pg_engine_url):
    with psycopg.connect(pg_engine_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS ssd_source_test CASCADE")
        conn.execute("CREATE SCHEMA ssd_source_test")
        conn.execute(
            "CREATE TABLE ssd_source_test.ssd_person (pers_person_id text, pers_dob timestamp)"
        )
        conn.execute(
            "INSERT INTO ssd_source_test.ssd_person VALUES ('1', '2015-06-01'), ('2', NULL)"
        )
    try:
        extract = read_ssd_postgres(pg_engine_url, "ssd_source_test")
    finally:
        with psycopg.connect(pg_engine_url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA ssd_source_test CASCADE")
    assert extract.source == "ssd_postgres"
    assert extract.tables["ssd_person"].column("pers_dob").to_pylist() == [date(2015, 6, 1), None]


def test_an_empty_text_is_missing_in_both_formats_and_csv_text_is_trimmed(tmp_path):
    pq.write_table(
        pa.table({"cppv_cp_visit_id": ["V1", "", "V3 "]}), tmp_path / "ssd_cp_visits.parquet"
    )
    write(tmp_path, "ssd_person.csv", "pers_person_id,pers_sex\n 1 ,F\n2,\n")
    extract = read_ssd_folder(tmp_path)
    # Parquet text is typed: kept as the system holds it, an empty one is missing.
    visits = extract.tables["ssd_cp_visits"].column("cppv_cp_visit_id").to_pylist()
    assert visits == ["V1", None, "V3 "]
    person = extract.tables["ssd_person"]
    assert person.column("pers_person_id").to_pylist() == ["1", "2"]
    assert person.column("pers_sex").to_pylist() == ["F", None]
