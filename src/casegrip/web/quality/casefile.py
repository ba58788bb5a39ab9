"""What the audit programme reads from the case record: the open cases a sample is drawn from,
and a child's key facts shown beside the audit form. Both are read-only queries on the live
snapshot (whichever engine keeps it)."""

from dataclasses import dataclass
from datetime import date

from casegrip.store.live import LiveSnapshot
from casegrip.store.snapshots import query, snapshot_config

CASE_TYPES = {
    "CLA": "Looked after",
    "CP": "Child protection",
    "CIN": "Child in need",
    "CL": "Care leaver",
}


OPEN_CASES_SQL = """
        WITH alloc AS (
          SELECT invo_person_id AS child_id, invo_professional_id AS worker_id,
                 invo_professional_team AS team_id,
                 row_number() OVER (PARTITION BY invo_person_id
                   ORDER BY invo_involvement_start_date DESC, invo_professional_id) AS rn
          FROM {schema}.ssd_involvements
          WHERE invo_professional_role_id IN ({marks})
            AND invo_involvement_start_date <= ?
            AND (invo_involvement_end_date IS NULL OR invo_involvement_end_date > ?)
        ),
        cla AS (SELECT DISTINCT clae_person_id AS child_id FROM {schema}.ssd_cla_episodes
                WHERE clae_cla_episode_start_date <= ?
                  AND (clae_cla_episode_ceased_date IS NULL OR clae_cla_episode_ceased_date > ?)),
        cp AS (SELECT DISTINCT cppl_person_id AS child_id FROM {schema}.ssd_cp_plans
               WHERE cppl_cp_plan_start_date <= ?
                 AND (cppl_cp_plan_end_date IS NULL OR cppl_cp_plan_end_date > ?)),
        cin AS (SELECT DISTINCT cine_person_id AS child_id FROM {schema}.ssd_cin_episodes
                WHERE cine_referral_date <= ?
                  AND (cine_close_date IS NULL OR cine_close_date > ?)),
        cl AS (SELECT DISTINCT clea_person_id AS child_id FROM {schema}.ssd_care_leavers)
        SELECT a.child_id, a.worker_id, a.team_id,
               CASE WHEN a.child_id IN (SELECT child_id FROM cla) THEN 'CLA'
                    WHEN a.child_id IN (SELECT child_id FROM cp) THEN 'CP'
                    WHEN a.child_id IN (SELECT child_id FROM cl) THEN 'CL'
                    ELSE 'CIN' END AS case_type
        FROM alloc a
        WHERE a.rn = 1 AND (a.child_id IN (SELECT child_id FROM cla)
                            OR a.child_id IN (SELECT child_id FROM cp)
                            OR a.child_id IN (SELECT child_id FROM cin)
                            OR a.child_id IN (SELECT child_id FROM cl))
        ORDER BY a.child_id
"""


@dataclass(frozen=True)
class OpenCase:
    child_id: str
    case_type: str
    team_id: str
    worker_id: str


def open_cases(snapshot: LiveSnapshot, day: date) -> list[OpenCase]:
    """Every allocated child with an open case on ``day``: their type (looked after first, then
    child protection, care leaver, child in need), team and worker. The worker is the latest
    open allocation, ties broken by worker id, as the measures attribute cases."""
    roles = snapshot_config(snapshot).involvement_roles.allocated_social_worker
    marks = ", ".join("?" for _ in roles)
    sql = OPEN_CASES_SQL.replace("{marks}", marks)  # placeholders only: values are parameters
    rows = query(snapshot, sql, [*roles, day, day, day, day, day, day, day, day])
    return [
        OpenCase(str(r["child_id"]), r["case_type"], str(r["team_id"] or ""), str(r["worker_id"]))
        for r in rows
    ]


def _one(snapshot: LiveSnapshot, sql: str, child_id: str) -> list[dict]:
    return query(snapshot, sql, [child_id])


def key_facts(snapshot: LiveSnapshot, child_id: str) -> dict:
    """A child's episodes, plans, last visits and reviews, for the auditor to read beside the
    questions. Dates only and codes; no names."""
    person = _one(
        snapshot,
        "SELECT pers_sex AS sex, pers_dob AS dob FROM {schema}.ssd_person WHERE pers_person_id = ?",
        child_id,
    )
    referrals = _one(
        snapshot,
        "SELECT cine_referral_date AS start, cine_close_date AS end, "
        "cine_cin_primary_need_code AS need FROM {schema}.ssd_cin_episodes "
        "WHERE cine_person_id = ? ORDER BY cine_referral_date DESC LIMIT 5",
        child_id,
    )
    assessments = _one(
        snapshot,
        "SELECT cina_assessment_start_date AS start, cina_assessment_auth_date AS authorised "
        "FROM {schema}.ssd_cin_assessments WHERE cina_person_id = ? "
        "ORDER BY cina_assessment_start_date DESC LIMIT 3",
        child_id,
    )
    cp_plans = _one(
        snapshot,
        "SELECT cppl_cp_plan_start_date AS start, cppl_cp_plan_end_date AS end, "
        "cppl_cp_plan_latest_category AS category FROM {schema}.ssd_cp_plans "
        "WHERE cppl_person_id = ? ORDER BY cppl_cp_plan_start_date DESC LIMIT 3",
        child_id,
    )
    cla = _one(
        snapshot,
        "SELECT clae_cla_episode_start_date AS start, clae_cla_episode_ceased_date AS end "
        "FROM {schema}.ssd_cla_episodes WHERE clae_person_id = ? "
        "ORDER BY clae_cla_episode_start_date DESC LIMIT 3",
        child_id,
    )
    visits = query(
        snapshot,
        "SELECT 'CP visit' AS kind, max(cppv_cp_visit_date) AS last FROM {schema}.ssd_cp_visits "
        "WHERE cppv_person_id = ? "
        "UNION ALL SELECT 'CIN visit', max(cinv_cin_visit_date) FROM {schema}.ssd_cin_visits "
        "WHERE cinv_person_id = ? "
        "UNION ALL SELECT 'CLA visit', max(clav_cla_visit_date) FROM {schema}.ssd_cla_visits "
        "WHERE clav_person_id = ? "
        "UNION ALL SELECT 'CP review', max(cppr_cp_review_date) FROM {schema}.ssd_cp_reviews "
        "WHERE cppr_person_id = ? "
        "UNION ALL SELECT 'CLA review', max(clar_cla_review_date) FROM {schema}.ssd_cla_reviews "
        "WHERE clar_cla_person_id = ?",
        [child_id] * 5,
    )
    return {
        "child_id": child_id,
        "sex": person[0]["sex"] if person else None,
        "dob": person[0]["dob"] if person else None,
        "referrals": referrals,
        "assessments": assessments,
        "cp_plans": cp_plans,
        "cla": cla,
        "last_events": [v for v in visits if v["last"] is not None],
    }
