"""Regenerate ``src/casegrip/model/ssd_1_4_5.yml`` from the SSD 1.4.5 specification files.

    .venv/bin/python scripts/generate_schema.py [--check]

Reads ``../shared/reference/ssd/derived/ssd_consolidated_v1.4.5.yml`` (the spec YAML joined to
the SystemC v1.4.5 DDL), keeps the performance-relevant tables, corrects the spec's known key
errors, adds casegrip's own SSD-style tables, and writes the canonical schema. ``--check`` fails
when the committed file differs from what the spec gives.
"""

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT.parent / "shared" / "reference" / "ssd" / "derived" / "ssd_consolidated_v1.4.5.yml"
OUT = ROOT / "src" / "casegrip" / "model" / "ssd_1_4_5.yml"

TABLES = (
    "person contacts early_help_episodes cin_episodes cin_assessments assessment_factors "
    "s47_enquiry initial_cp_conference cp_plans cp_visits cp_reviews cin_plans cin_visits "
    "cla_episodes cla_placement cla_reviews cla_visits cla_health missing care_leavers permanence "
    "legal_status pre_proceedings involvements professionals department "
    # What the SSDA903 and CIN census returns need beyond the pathway tables.
    "sdq_scores cla_immunisations cla_substance_misuse cla_convictions address disability "
    "immigration_status"
).split()

PERSON = "ssd_person.pers_person_id"
# The spec's foreign keys that name a wrong table or column (see the SSD README); ours are right.
FK_FIXES = {
    "cppv_person_id": PERSON,
    "cppr_person_id": PERSON,
    "cinv_person_id": PERSON,
    "clav_person_id": PERSON,
    "clah_person_id": PERSON,
    "perm_person_id": PERSON,
    "csdq_person_id": PERSON,
    "clai_person_id": PERSON,
    "clas_person_id": PERSON,
    "clac_person_id": PERSON,
    "clae_cla_placement_id": "ssd_cla_placement.clap_cla_placement_id",
    "clae_referral_id": "ssd_cin_episodes.cine_referral_id",
    "clap_person_id": PERSON,
    "clar_cla_person_id": PERSON,
    "cinp_referral_id": "ssd_cin_episodes.cine_referral_id",
    "cppl_referral_id": "ssd_cin_episodes.cine_referral_id",
    "invo_person_id": PERSON,
    "invo_referral_id": "ssd_cin_episodes.cine_referral_id",
    "prof_professional_department": "ssd_department.dept_team_id",
    # References the spec leaves out.
    "icpc_cp_plan_id": "ssd_cp_plans.cppl_cp_plan_id",
    "cppv_cp_plan_id": "ssd_cp_plans.cppl_cp_plan_id",
    "clav_cla_id": "ssd_cla_episodes.clae_cla_id",
    "perm_cla_id": "ssd_cla_episodes.clae_cla_id",
}
# Foreign keys to a non-unique column (clae_cla_id names a period of care, not a row) are kept
# as references but checked against the set of values, which the checks do anyway.
PK_FIXES = {"ssd_pre_proceedings": "prep_table_id"}
ALIASES = {"pers_single_unique_id": ["pers_common_child_id"]}

EXTRA_TABLES = {
    "ssd_supervision": {
        "description": "Supervision sessions (casegrip's own, SSD style): who supervised whom, "
        "when, what kind, how long.",
        "fields": [
            ("supe_supervision_id", "string", True, None, "Supervision session ID"),
            (
                "supe_supervisee_id",
                "string",
                False,
                "ssd_professionals.prof_professional_id",
                "Worker supervised",
            ),
            (
                "supe_supervisor_id",
                "string",
                False,
                "ssd_professionals.prof_professional_id",
                "Supervisor",
            ),
            ("supe_supervision_date", "date", False, None, "Date of supervision"),
            (
                "supe_supervision_type",
                "string",
                False,
                None,
                "Type: FORMAL, GROUP, REFLECTIVE, AD_HOC",
            ),
            ("supe_supervision_minutes", "integer", False, None, "Length in minutes"),
        ],
    },
    "ssd_cin_plan_reviews": {
        "description": "Reviews of child in need plans (casegrip's own, SSD style).",
        "fields": [
            ("cinr_cin_plan_review_id", "string", True, None, "CIN plan review ID"),
            ("cinr_cin_plan_id", "string", False, "ssd_cin_plans.cinp_cin_plan_id", "CIN plan"),
            ("cinr_person_id", "string", False, PERSON, "Person Unique ID"),
            ("cinr_cin_plan_review_due_date", "date", False, None, "Date the review was due"),
            ("cinr_cin_plan_review_date", "date", False, None, "Date the review took place"),
        ],
    },
}


def logical_type(name: str, sql: str) -> str:
    base = sql.split("(")[0].upper()
    if name.endswith("_json"):
        return "json"
    return {"DATETIME": "date", "INT": "integer", "FLOAT": "float"}.get(base, "string")


def build() -> dict:
    spec = yaml.safe_load(SPEC.read_text())["tables"]
    tables: dict = {}
    for short in TABLES:
        name = f"ssd_{short}"
        source = spec[name]
        pk_fix = PK_FIXES.get(name)
        fields = []
        for field in source["fields"]:
            if not field.get("in_ddl", True) and field["name"] != "pers_common_child_id":
                continue
            column = field["name"]
            if column == "pers_common_child_id":
                continue  # the DDL's pers_single_unique_id is the same item (PERS013A)
            entry = {
                "name": column,
                "type": logical_type(column, field.get("type_sql", "NVARCHAR")),
                "item_ref": field.get("item_ref"),
                "description": (field.get("description") or "").strip(),
            }
            is_pk = column == pk_fix if pk_fix else bool(field.get("pk"))
            if is_pk:
                entry["pk"] = True
            fk = FK_FIXES.get(column, field.get("fk"))
            if fk and not is_pk:
                entry["fk"] = fk
            if column in ALIASES:
                entry["aliases"] = ALIASES[column]
            fields.append(entry)
        tables[name] = {"description": source.get("description", "").strip(), "fields": fields}
    for name, extra in EXTRA_TABLES.items():
        tables[name] = {
            "description": extra["description"],
            "casegrip_extension": True,
            "fields": [
                {
                    "name": n,
                    "type": t,
                    "description": d,
                    **({"pk": True} if pk else {}),
                    **({"fk": fk} if fk else {}),
                }
                for n, t, pk, fk, d in extra["fields"]
            ],
        }
    return {
        "ssd_version": "1.4.5",
        "generated_by": "scripts/generate_schema.py from shared/reference/ssd (do not edit)",
        "tables": tables,
    }


def render() -> str:
    return yaml.safe_dump(build(), sort_keys=False, width=100, allow_unicode=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.check:
        if OUT.read_text() != text:
            sys.exit(f"{OUT} is out of date: run scripts/generate_schema.py")
        print(f"{OUT} matches the SSD specification")
        return
    OUT.write_text(text)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
