"""The rows behind one figure: each child (or worker) counted, where they count and why."""

from datetime import date

from casegrip.config import AuthorityConfig
from casegrip.engines.connect import connect
from casegrip.measures.frame import Frame, Window
from casegrip.measures.model import Measure
from casegrip.measures.runner import child_rows
from casegrip.store.live import LiveSnapshot
from casegrip.web.organisation.models import OrgUnit, StaffMember


def for_figure(
    live: LiveSnapshot,
    config: AuthorityConfig,
    measure: Measure,
    month: date,
    team_ids: list[str] | None,
) -> list[dict]:
    """The measure's rows for the month ending ``month``, for the given teams (None: all)."""
    connection = connect(live.engine, snapshot=live)
    try:
        frame = Frame(connection, [Window(month.replace(day=1), month)], config)
        rows = child_rows(measure, frame, team_ids)
    finally:
        connection.close()
    return [r for r in rows if r["place"] != "excluded" or r["in_denominator"]]


def names(rows: list[dict]) -> dict[str, str]:
    """Names of the workers and teams the rows mention, by their case-record ids."""
    workers = {r["worker_id"] for r in rows if r["worker_id"]}
    teams = {r["team_id"] for r in rows if r["team_id"]}
    found = dict(
        StaffMember.objects.filter(professional_id__in=workers).values_list(
            "professional_id", "name"
        )
    )
    found.update(OrgUnit.objects.filter(source_id__in=teams).values_list("source_id", "name"))
    return found


def named(rows: list[dict]) -> list[dict]:
    """The rows with ``team_name`` and ``worker_name`` added."""
    known = names(rows)
    return [
        {
            **r,
            "team_name": known.get(r["team_id"], r["team_id"]) if r["team_id"] else "Unallocated",
            "worker_name": known.get(r["worker_id"], r["worker_id"] or ""),
        }
        for r in rows
    ]


def table(rows: list[dict], measure: Measure) -> tuple[tuple[str, ...], list[tuple]]:
    """Header and rows for an export of the children behind a figure."""
    header = ("Child", "Team", "Worker", "In numerator", "In denominator", "Value", "Reason")
    body = [
        (
            r["child_id"],
            r["team_name"],
            r["worker_name"],
            "yes" if r["in_numerator"] else "no",
            "yes" if r["in_denominator"] else "no",
            r["value"],
            r["reason"],
        )
        for r in named(rows)
    ]
    return header, body
