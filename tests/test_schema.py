"""The canonical schema: generated from the SSD 1.4.5 spec files, and internally consistent."""

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from casegrip.model.schema import SOURCE_ROW, SSD_VERSION, TABLES, conform, table

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = (
    "person contacts early_help_episodes cin_episodes cin_assessments assessment_factors "
    "s47_enquiry initial_cp_conference cp_plans cp_visits cp_reviews cin_plans cin_visits "
    "cla_episodes cla_placement cla_reviews cla_visits cla_health missing care_leavers permanence "
    "legal_status pre_proceedings involvements professionals department supervision "
    "cin_plan_reviews sdq_scores cla_immunisations cla_substance_misuse cla_convictions address "
    "disability immigration_status"
).split()


def test_committed_schema_is_what_the_ssd_spec_files_give():
    result = subprocess.run(
        [sys.executable, "scripts/generate_schema.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert SSD_VERSION == "1.4.5"


def test_every_required_table_is_there_with_one_primary_key():
    assert sorted(TABLES) == sorted(f"ssd_{name}" for name in REQUIRED)
    for spec in TABLES.values():
        assert sum(c.pk for c in spec.columns) == 1, spec.name


def test_every_foreign_key_names_a_real_table_and_column():
    for spec in TABLES.values():
        for column in spec.columns:
            if column.fk:
                target, target_column = column.fk
                assert TABLES[target].has(target_column), (spec.name, column.name)


def test_person_ids_point_at_ssd_person():
    # The SSD spec points these at ssd_cla_episodes.clae_person_id, which is no key.
    for name in (
        "ssd_cp_visits",
        "ssd_cin_visits",
        "ssd_cla_health",
        "ssd_permanence",
        "ssd_sdq_scores",
        "ssd_cla_substance_misuse",
        "ssd_cla_convictions",
    ):
        person = next(c for c in table(name).columns if c.name.endswith("_person_id"))
        assert person.fk == ("ssd_person", "pers_person_id"), name


@pytest.mark.parametrize("alias", ["pers_common_child_id", "pers_single_unique_id"])
def test_both_names_of_the_common_child_id_are_accepted(alias):
    conformed = conform("person", pa.table({"pers_person_id": ["1"], alias: ["X"]}))
    assert conformed.column("pers_single_unique_id").to_pylist() == ["X"]


def test_conform_fills_missing_columns_and_numbers_rows():
    conformed = conform("ssd_cp_plans", pa.table({"cppl_cp_plan_id": ["A", "B"]}))
    assert conformed.schema == table("cp_plans").arrow_schema()
    assert conformed.column(SOURCE_ROW).to_pylist() == [0, 1]
    assert conformed.column("cppl_cp_plan_start_date").null_count == 2
    assert pa.types.is_date32(conformed.schema.field("cppl_cp_plan_start_date").type)


def test_an_unknown_table_is_named_in_the_error():
    with pytest.raises(KeyError, match="ssd_shoes"):
        table("ssd_shoes")


def test_the_return_tables_have_the_columns_the_builders_read():
    assert table("sdq_scores").column("csdq_sdq_score").type == "integer"
    assert table("cla_immunisations").pk.name == "clai_person_id"
    assert table("immigration_status").has("immi_immigration_status_end_date")
    assert table("address").column("addr_address_json").type == "json"
    assert table("disability").column("disa_person_id").fk == ("ssd_person", "pers_person_id")
