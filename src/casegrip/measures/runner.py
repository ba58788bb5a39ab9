"""Evaluating measures: rows for many windows in one query, attribution, breakdowns, values."""

from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir

from .frame import Frame
from .model import Kind, Measure, Rag

BREAKDOWNS = ("authority", "service", "locality", "team", "worker", "age_band", "sex", "ethnicity")


@dataclass(frozen=True)
class Point:
    """One figure: a measure for one window and one group of a breakdown."""

    window_end: date
    group: str
    numerator: int
    denominator: int
    value: float | None


def allocations(frame: Frame) -> ir.Table:
    """Each child's allocated social worker and team at each window's end (the most recent
    allocation open then), from ``ssd_involvements`` and the configured role codes."""
    invo = frame.table("ssd_involvements")
    codes = frame.config.involvement_roles.allocated_social_worker
    allocated = invo.filter(invo.invo_professional_role_id.isin(codes))
    open_then = frame.open_at(allocated, "invo_involvement_start_date", "invo_involvement_end_date")
    ranked = open_then.mutate(
        rank=ibis.row_number().over(
            group_by=[open_then.window_end, open_then.invo_person_id],
            order_by=[
                ibis.desc(open_then.invo_involvement_start_date),
                ibis.desc(open_then.invo_involvements_id),
            ],
        )
    )
    return ranked.filter(ranked["rank"] == 0).select(
        window_end=ranked.window_end,
        child_id=ranked.invo_person_id,
        alloc_team_id=ranked.invo_professional_team,
        alloc_worker_id=ranked.invo_professional_id,
    )


def evaluate(measure: Measure, frame: Frame, *, attribute: bool = True) -> ir.Table:
    """The measure's rows for every window, each with a team and worker where one is known."""
    rows = measure.rows(frame)
    if not attribute:
        return rows
    alloc = allocations(frame)
    joined = rows.left_join(
        alloc, [rows.window_end == alloc.window_end, rows.child_id == alloc.child_id]
    )
    return joined.select(
        *[joined[c] for c in rows.columns if c not in {"team_id", "worker_id"}],
        team_id=ibis.coalesce(joined.team_id, joined.alloc_team_id),
        worker_id=ibis.coalesce(joined.worker_id, joined.alloc_worker_id),
    )


def with_group(rows: ir.Table, frame: Frame, by: str | None) -> ir.Table:
    """Add a ``grp`` column naming the group of ``by`` each row falls in."""
    if by in (None, "authority"):
        return rows.mutate(grp=ibis.literal(frame.config.la_code))
    if by == "team":
        return rows.mutate(grp=rows.team_id.fill_null("unallocated"))
    if by == "worker":
        return rows.mutate(grp=rows.worker_id.fill_null("unallocated"))
    if by in ("service", "locality"):
        # Teams are few: a CASE maps each to its service or locality, no join needed.
        level = 0 if by == "service" else 1
        mapping = {team: path[level] or "none" for team, path in frame.config.team_paths().items()}
        grp = rows.team_id.substitute(mapping, else_="unallocated") if mapping else None
        return rows.mutate(grp=grp if grp is not None else ibis.literal("unallocated"))
    if by in ("age_band", "sex", "ethnicity"):
        from .primitives import age_in_years

        person = frame.table("ssd_person").select(
            p_id="pers_person_id", p_dob="pers_dob", p_sex="pers_sex", p_eth="pers_ethnicity"
        )
        joined = rows.left_join(person, rows.child_id == person.p_id)
        if by == "sex":
            grp = joined.p_sex.fill_null("unknown")
        elif by == "ethnicity":
            grp = joined.p_eth.fill_null("unknown")
        else:
            age = age_in_years(joined.p_dob, joined.window_end)
            grp = ibis.cases(
                (age.isnull(), "unknown"),
                (age < 1, "Under 1"),
                (age < 5, "1 to 4"),
                (age < 10, "5 to 9"),
                (age < 16, "10 to 15"),
                else_="16 and over",
            )
        return joined.select(*[joined[c] for c in rows.columns], grp=grp)
    if by in rows.columns:
        return rows.mutate(grp=rows[by].cast("string").fill_null("unknown"))
    raise ValueError(f"{by!r} is not a breakdown of this measure")


def aggregate(measure: Measure, rows: ir.Table, frame: Frame, by: str | None = None) -> ir.Table:
    """One row per window and group: numerator, denominator and the measure's value."""
    grouped = with_group(rows, frame, by)
    # Booleans are counted with a CASE: PostgreSQL will not cast a boolean to a number.
    den = ibis.ifelse(grouped.in_denominator, 1, 0)
    num = ibis.ifelse(grouped.in_numerator, 1, 0)
    metrics = {"numerator": num.sum(), "denominator": den.sum()}
    in_den = grouped.in_denominator
    if measure.kind is Kind.MEDIAN:
        from .primitives import median

        metrics["value"] = median(ibis.ifelse(in_den, grouped.value, ibis.null()))
    elif measure.kind is Kind.MEAN:
        metrics["value"] = ibis.ifelse(in_den, grouped.value, ibis.null()).mean()
    elif measure.kind is Kind.RATIO:
        metrics["value"] = ibis.ifelse(in_den, grouped.value, ibis.null()).sum()
    return grouped.group_by(["window_end", "grp"]).aggregate(**metrics)


def _value(measure: Measure, row: dict, population: int) -> float | None:
    if measure.kind is Kind.PROPORTION:
        den = row["denominator"]
        return round(100 * row["numerator"] / den, 1) if den else None
    if measure.kind is Kind.RATE_PER_10K:
        return round(row["numerator"] / population * 10_000, 1)
    if measure.kind is Kind.COUNT:
        return float(row["numerator"])
    if measure.kind is Kind.RATIO:
        per = row.get("value")
        return round(row["numerator"] / float(per), 1) if per else None
    value = row.get("value")
    return None if value is None else round(float(value), 1)


def run(measure: Measure, frame: Frame, by: str | None = None) -> list[Point]:
    """The measure for every window of the frame, for each group of ``by``."""
    rows = evaluate(measure, frame, attribute=by in {"team", "worker", "service", "locality"})
    table = aggregate(measure, rows, frame, by)
    points = []
    for row in frame.connection.to_pylist(table.order_by(["window_end", "grp"])):
        points.append(
            Point(
                window_end=row["window_end"],
                group=row["grp"],
                numerator=int(row["numerator"] or 0),
                denominator=int(row["denominator"] or 0),
                value=_value(measure, row, frame.config.child_population),
            )
        )
    return _fill_empty_windows(points, frame, by)


def _fill_empty_windows(points: list[Point], frame: Frame, by: str | None) -> list[Point]:
    """A window with no rows is a real zero, not a missing point (only for the whole authority;
    groups with no rows in a window are simply absent)."""
    if by not in (None, "authority"):
        return points
    have = {p.window_end for p in points}
    grp = frame.config.la_code
    filled = points + [
        Point(w.end, grp, 0, 0, None) for w in frame.window_list if w.end not in have
    ]
    return sorted(filled, key=lambda p: p.window_end)


def place(in_numerator: bool, in_denominator: bool) -> str:
    """Where a row stands in its figure, in words."""
    if in_numerator and in_denominator:
        return "numerator"
    if in_denominator:
        return "denominator only"
    if in_numerator:
        return "counted"  # counts, rates per 10,000: numerator rows only
    return "excluded"


def child_rows(measure: Measure, frame: Frame, team_ids: list[str] | None = None) -> list[dict]:
    """The rows behind a figure (drill-down), each with its team, worker, place and reason;
    only the given teams' rows when ``team_ids`` is set."""
    rows = evaluate(measure, frame)
    if team_ids is not None:
        rows = rows.filter(rows.team_id.isin(team_ids))
    ordered = rows.order_by(["window_end", "team_id", "worker_id", "child_id"])
    out = []
    for row in frame.connection.to_pylist(ordered):
        row["place"] = place(bool(row["in_numerator"]), bool(row["in_denominator"]))
        out.append(row)
    return out


def judge(measure: Measure, point: Point) -> Rag:
    target = measure.target.at(point.window_end) if measure.target else None
    return measure.rag.judge(point.value, target, measure.polarity)
