"""The synthetic case record: complete, deterministic, keyed consistently, and calibrated."""

from datetime import date

import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from casegrip.config import load_config
from casegrip.model.schema import SOURCE_ROW, TABLES
from casegrip.synth import calibration_report, format_report, synthesise, write_extract
from casegrip.synth.calibration import last_full_year
from casegrip.synth.case_record import _people
from casegrip.synth.days import to_day
from casegrip.synth.pathway import Child

from .conftest import END, years_on


def test_every_canonical_table_is_there_in_canonical_shape(small):
    assert small.extract.source == "synth"
    assert small.extract.extract_date == END
    assert list(small.extract.tables) == list(TABLES)
    for name, spec in TABLES.items():
        assert small.extract.tables[name].schema == spec.arrow_schema(), name
    counts = small.extract.row_counts()
    empty = [name for name, n in counts.items() if n == 0]
    assert empty == []


def test_the_same_seed_gives_the_same_record_and_another_seed_does_not(small):
    again = synthesise("small", years=2, seed=1, end_date=END)
    for name in TABLES:
        assert again.extract.tables[name].equals(small.extract.tables[name]), name
    assert again.organisation == small.organisation
    other = synthesise("small", years=2, seed=2, end_date=END)
    assert not other.extract.tables["ssd_cin_episodes"].equals(
        small.extract.tables["ssd_cin_episodes"]
    )


def test_primary_keys_are_unique_and_every_foreign_key_resolves(small):
    tables = small.extract.tables
    for name, spec in TABLES.items():
        keys = tables[name].column(spec.pk.name).to_pylist()
        assert None not in keys, name
        assert len(set(keys)) == len(keys), f"{name}.{spec.pk.name} repeats"
    for name, spec in TABLES.items():
        for column in spec.columns:
            if column.fk is None:
                continue
            target_table, target_column = column.fk
            known = set(tables[target_table].column(target_column).to_pylist())
            values = set(tables[name].column(column.name).to_pylist()) - {None}
            missing = values - known
            assert not missing, f"{name}.{column.name}: {sorted(missing)[:5]} not in {column.fk}"


# Dates that look ahead: a conference held early is before its target date.
FUTURE = {
    "pers_expected_dob",
    "icpc_icpc_target_date",
    "cppr_cp_review_due",
    "clar_cla_review_due_date",
    "cinr_cin_plan_review_due_date",
}


def test_nothing_happens_after_the_extract_date(small):
    for name, spec in TABLES.items():
        for column in spec.columns:
            if column.type == "date" and column.name not in FUTURE:
                latest = pc.max(small.extract.tables[name].column(column.name)).as_py()
                assert latest is None or latest <= END, f"{name}.{column.name}: {latest}"


def test_the_small_profile_is_within_every_tolerance(small):
    report = calibration_report(small)
    names = {row.name for row in report}
    assert {"referrals", "cp_open", "cin_open", "cla_open", "caseload"} <= names
    failing = [row for row in report if not row.ok]
    assert failing == [], format_report(failing)


def test_assessment_timeliness_improves_from_the_first_year_to_the_last(small):
    report = {row.name: row.value for row in calibration_report(small)}
    assert report["assessments_45wd_pct"] > report["assessments_45wd_first_year_pct"] + 2
    assert report["caseload"] < report["caseload_first_year"]


def test_care_leavers_homeless_or_in_custody_are_never_suitably_housed(rows):
    accommodation = rows(
        "ssd_care_leavers", "clea_care_leaver_accommodation", "clea_care_leaver_accom_suitable"
    )
    never = [(code, suitable) for code, suitable in accommodation if code[0] in "SX"]
    assert never
    assert all(code[1] == "2" and suitable == "N" for code, suitable in never)  # rule 133
    assert any(code[1] == "1" for code, _ in accommodation)


def test_only_young_people_in_care_until_18_stay_with_former_foster_carers(rows):
    born = dict(rows("ssd_person", "pers_person_id", "pers_dob"))
    left = {}
    for child, ceased in rows("ssd_cla_episodes", "clae_person_id", "clae_cla_episode_ceased_date"):
        if ceased is not None:
            left[child] = max(ceased, left.get(child, ceased))
    staying = [
        child
        for child, code in rows(
            "ssd_care_leavers", "clea_person_id", "clea_care_leaver_accommodation"
        )
        if code.startswith("Z")
    ]
    assert staying
    assert all(left.get(child) == years_on(born[child], 18) for child in staying)  # rule 3001


def test_the_last_full_year_runs_april_to_march():
    assert last_full_year(date(2025, 6, 30)) == (date(2024, 4, 1), date(2025, 3, 31))
    assert last_full_year(date(2025, 3, 31)) == (date(2024, 4, 1), date(2025, 3, 31))
    assert last_full_year(date(2025, 3, 30)) == (date(2023, 4, 1), date(2024, 3, 31))


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_write_extract_round_trip(small, tmp_path, fmt):
    out = tmp_path / "new" / "folder"
    written = write_extract(small, out, fmt=fmt)
    assert {p.name for p in written} == {f"{n}.{fmt}" for n in TABLES} | {"authority.yaml"}
    assert load_config(out / "authority.yaml") == small.config
    for name, spec in TABLES.items():
        expected = small.extract.tables[name].drop_columns([SOURCE_ROW])
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            back = pq.read_table(path)
        else:
            # Nulls are written as nothing, strings quoted: "NA" (not applicable) is a value.
            options = pa_csv.ConvertOptions(
                column_types=expected.schema,
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            )
            back = pa_csv.read_csv(path, convert_options=options)
        assert back.column_names == spec.names(), name
        assert back.equals(expected), name


def test_csv_dates_are_iso(small, tmp_path):
    write_extract(small, tmp_path, fmt="csv")
    header, first = (tmp_path / "ssd_cin_episodes.csv").read_text().splitlines()[:2]
    date_at = header.split(",").index('"cine_referral_date"')
    assert len(first.split(",")[date_at]) == 10
    date.fromisoformat(first.split(",")[date_at])


def test_every_child_has_a_upn_of_their_own_with_a_valid_check_letter():
    # Enough school-age children that UPNs drawn at random would collide (a UPN is one
    # pupil's: CIN census rule 1520).
    end = to_day(END)
    children = []
    for n in range(1, 200_001):
        child = Child(n, f"C{n:06d}")
        child.dob = end - 3000 - n % 3000
        child.forename, child.surname, child.sex, child.ethnicity = "Ann", "Lee", "F", "WBRI"
        child.send, child.expected, child.nationality = "N", None, None
        children.append(child)
    columns, rows = _people(children, end, "999", 1)
    upns = [row[columns.index("pers_upn")] for row in rows]
    upns = [u for u in upns if u is not None]
    assert len(upns) > 150_000
    assert len(set(upns)) == len(upns)
    for upn in upns:
        digits = upn[1:]
        check = sum(int(c) * w for c, w in zip(digits, range(2, 14), strict=True)) % 23
        assert upn[0] == "ABCDEFGHJKLMNPQRTUVWXYZ"[check]
