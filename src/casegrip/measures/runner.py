"""Evaluating measures: rows for many windows in one query, attribution, breakdowns, values."""

import contextlib
import queue
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import NamedTuple

import ibis
import ibis.expr.types as ir
import pyarrow.compute as pc

from casegrip.engines.connect import Compiled

from .frame import Frame
from .model import Kind, Measure, Rag
from .primitives import _in_code_point_order, engine_of

BREAKDOWNS = ("authority", "service", "locality", "team", "worker", "age_band", "sex", "ethnicity")


class Point(NamedTuple):
    """One figure: a measure for one window and one group of a breakdown."""

    window_end: date
    group: str
    numerator: int
    denominator: int
    value: float | None


def allocations(frame: Frame) -> ir.Table:
    """Each child's allocated social worker and team at each window's end (the most recent
    allocation open then), from ``ssd_involvements`` and the configured role codes."""
    return frame.shared("allocations", lambda: _allocations(frame))


def _allocations(frame: Frame) -> ir.Table:
    invo = frame.table("ssd_involvements")
    codes = frame.config.involvement_roles.allocated_social_worker
    allocated = invo.filter(invo.invo_professional_role_id.isin(codes))
    open_then = frame.open_at(allocated, "invo_involvement_start_date", "invo_involvement_end_date")
    ranked = open_then.mutate(
        rank=ibis.row_number().over(
            group_by=[open_then.window_end, open_then.invo_person_id],
            order_by=[
                ibis.desc(open_then.invo_involvement_start_date),
                # Same-day allocations: the greatest id by code point, as on every engine
                # (PostgreSQL would otherwise order ids by its collation).
                ibis.desc(_in_code_point_order(open_then.invo_involvements_id, engine_of(invo))),
            ],
        )
    )
    return ranked.filter(ranked["rank"] == 0).select(
        window_end=ranked.window_end,
        child_id=ranked.invo_person_id,
        alloc_team_id=ranked.invo_professional_team,
        alloc_worker_id=ranked.invo_professional_id,
    )


def evaluate(
    measure: Measure, frame: Frame, *, attribute: bool = True, alloc: ir.Table | None = None
) -> ir.Table:
    """The measure's rows for every window, each with a team and worker where one is known
    (``alloc``: the allocations, when the caller has worked them out already)."""
    rows = measure.rows(frame)
    if not attribute:
        return rows
    alloc = allocations(frame) if alloc is None else alloc
    joined = rows.left_join(
        alloc, [rows.window_end == alloc.window_end, rows.child_id == alloc.child_id]
    )
    return joined.select(
        *[joined[c] for c in rows.columns if c not in {"team_id", "worker_id"}],
        team_id=ibis.coalesce(joined.team_id, joined.alloc_team_id),
        worker_id=ibis.coalesce(joined.worker_id, joined.alloc_worker_id),
    )


PERSON_BREAKDOWNS = ("age_band", "sex", "ethnicity")


def _with_person(rows: ir.Table, frame: Frame) -> ir.Table:
    person = frame.table("ssd_person").select(
        p_id="pers_person_id", p_dob="pers_dob", p_sex="pers_sex", p_eth="pers_ethnicity"
    )
    joined = rows.left_join(person, rows.child_id == person.p_id)
    return joined.select(*[joined[c] for c in rows.columns], "p_dob", "p_sex", "p_eth")


def _group_of(t: ir.Table, frame: Frame, by: str | None) -> ir.Value:
    """Which group of ``by`` each row of ``t`` falls in (``t`` carries p_* columns for the
    person breakdowns)."""
    if by in (None, "authority"):
        return ibis.literal(frame.config.la_code)
    if by == "team":
        return t.team_id.fill_null("unallocated")
    if by == "worker":
        return t.worker_id.fill_null("unallocated")
    if by in ("service", "locality"):
        # Teams are few: a CASE maps each to its service or locality, no join needed.
        level = 0 if by == "service" else 1
        mapping = {team: path[level] or "none" for team, path in frame.config.team_paths().items()}
        if not mapping:
            return ibis.literal("unallocated")
        return t.team_id.substitute(mapping, else_="unallocated")
    if by == "sex":
        return t.p_sex.fill_null("unknown")
    if by == "ethnicity":
        return t.p_eth.fill_null("unknown")
    if by == "age_band":
        from .primitives import age_in_years

        age = age_in_years(t.p_dob, t.window_end)
        return ibis.cases(
            (age.isnull(), "unknown"),
            (age < 1, "Under 1"),
            (age < 5, "1 to 4"),
            (age < 10, "5 to 9"),
            (age < 16, "10 to 15"),
            else_="16 and over",
        )
    if by in t.columns:
        return t[by].cast("string").fill_null("unknown")
    raise ValueError(f"{by!r} is not a breakdown of this measure")


def with_group(rows: ir.Table, frame: Frame, by: str | None) -> ir.Table:
    """Add a ``grp`` column naming the group of ``by`` each row falls in."""
    if by in PERSON_BREAKDOWNS:
        joined = _with_person(rows, frame)
        return joined.select(*[joined[c] for c in rows.columns], grp=_group_of(joined, frame, by))
    return rows.mutate(grp=_group_of(rows, frame, by))


def _metrics(measure: Measure, grouped: ir.Table) -> dict[str, ir.Value]:
    # Booleans are counted with a CASE: PostgreSQL will not cast a boolean to a number.
    metrics = {
        "numerator": ibis.ifelse(grouped.in_numerator, 1, 0).sum(),
        "denominator": ibis.ifelse(grouped.in_denominator, 1, 0).sum(),
    }
    in_den = grouped.in_denominator
    if measure.kind is Kind.MEDIAN:
        from .primitives import median

        metrics["value"] = median(ibis.ifelse(in_den, grouped.value, ibis.null()))
    elif measure.kind is Kind.MEAN:
        metrics["value"] = ibis.ifelse(in_den, grouped.value, ibis.null()).mean()
    elif measure.kind is Kind.RATIO:
        metrics["value"] = ibis.ifelse(in_den, grouped.value, ibis.null()).sum()
    else:
        metrics["value"] = ibis.null().cast("float64")
    return metrics


def aggregate(measure: Measure, rows: ir.Table, frame: Frame, by: str | None = None) -> ir.Table:
    """One row per window and group: numerator, denominator and the measure's value."""
    grouped = with_group(rows, frame, by)
    return grouped.group_by(["window_end", "grp"]).aggregate(**_metrics(measure, grouped))


def _points(measure: Measure, result, frame: Frame) -> list[Point]:
    """Points from an aggregate's Arrow result, a column at a time (a whole catalogue is
    hundreds of thousands of figures; a dict per row costs more than the query)."""
    numerators = pc.fill_null(result.column("numerator"), 0).to_pylist()
    denominators = pc.fill_null(result.column("denominator"), 0).to_pylist()
    population = frame.config.child_population
    if measure.kind is Kind.PROPORTION:
        values = [
            round(100 * n / d, 1) if d else None
            for n, d in zip(numerators, denominators, strict=True)
        ]
    elif measure.kind is Kind.RATE_PER_10K:
        values = [round(n / population * 10_000, 1) for n in numerators]
    elif measure.kind is Kind.COUNT:
        values = [float(n) for n in numerators]
    elif measure.kind is Kind.RATIO:
        values = [
            round(n / float(per), 1) if per else None
            for n, per in zip(numerators, result.column("value").to_pylist(), strict=True)
        ]
    else:
        values = [
            None if v is None else round(float(v), 1) for v in result.column("value").to_pylist()
        ]
    return list(
        map(
            Point._make,
            zip(
                result.column("window_end").to_pylist(),
                result.column("grp").to_pylist(),
                numerators,
                denominators,
                values,
                strict=True,
            ),
        )
    )


def run(measure: Measure, frame: Frame, by: str | None = None) -> list[Point]:
    """The measure for every window of the frame, for each group of ``by``."""
    rows = evaluate(measure, frame, attribute=by in {"team", "worker", "service", "locality"})
    table = aggregate(measure, rows, frame, by)
    result = frame.connection.to_pyarrow(table.order_by(["window_end", "grp"]))
    return _fill_empty_windows(_points(measure, result, frame), frame, by)


def run_many(
    measures: tuple[Measure, ...] | list[Measure],
    frame: Frame,
    breakdowns: tuple[str, ...] = BREAKDOWNS,
    *,
    extra: bool = True,
    progress: Callable[[Measure], None] | None = None,
) -> dict[tuple[str, str], list[Point]]:
    """Every measure by every breakdown (and, with ``extra``, each measure's own breakdowns
    such as legal status), keyed by (measure id, breakdown), in the order of ``measures``.

    Allocations are worked out once per connection; each measure's rows are worked out once
    into a temporary table, and all its breakdowns are then one query over that table.

    Where the engine can open a second connection on the same data (DuckDB), two threads share
    the measures: one builds and compiles a measure's queries in Python while the engine runs
    the other's, which releases the interpreter. ``progress`` is told of each measure done."""
    chosen = list(measures)
    frame.share = True
    second = frame.connection.fork() if len(chosen) > 1 else None
    done: dict[str, dict[tuple[str, str], list[Point]]] = {}
    if second is None:
        for measure in chosen:
            done[measure.id] = _run_one(measure, frame, breakdowns, extra)
            if progress is not None:
                progress(measure)
    else:
        frames = [frame, frame.on(second)]
        frames[1].share = True
        # One thread takes measures from the front, the other from the back: measures of one
        # area sit together and share pieces (periods of care...), so each thread mostly
        # builds the shared pieces of its own end, and they meet wherever the work balances.
        todo = deque(chosen)
        lock = threading.Lock()
        finished: queue.Queue[Measure] = queue.Queue()

        def work(own: Frame) -> None:
            while True:
                with lock:
                    if not todo:
                        return
                    measure = todo.popleft() if own is frame else todo.pop()
                done[measure.id] = _run_one(measure, own, breakdowns, extra)
                finished.put(measure)

        try:
            with ThreadPoolExecutor(max_workers=2, thread_name_prefix="measures") as pool:
                workers = [pool.submit(work, own) for own in frames]
                # Progress is told here, on the caller's thread (it may write to a database).
                while progress is not None and not all(w.done() for w in workers):
                    with contextlib.suppress(queue.Empty):
                        progress(finished.get(timeout=0.1))
                for worker in workers:
                    worker.result()
            while progress is not None and not finished.empty():
                progress(finished.get())
        finally:
            second.close()
    results: dict[tuple[str, str], list[Point]] = {}
    for measure in chosen:
        results.update(done[measure.id])
    return results


def _run_one(
    measure: Measure, frame: Frame, breakdowns: tuple[str, ...], extra: bool
) -> dict[tuple[str, str], list[Point]]:
    connection = frame.connection
    wanted = list(breakdowns) + [b for b in measure.breakdowns if extra and b not in breakdowns]
    # The reason in words is for drill-down; unasked for, the engine never builds it.
    rows = evaluate(measure, frame, alloc=allocations(frame)).drop("reason")
    if any(b in PERSON_BREAKDOWNS for b in wanted):
        rows = _with_person(rows, frame)
    rows = connection.materialise("_cg_rows", rows)
    result = connection.run(_breakdowns_query(measure, rows, frame, tuple(wanted)))
    points = _points(measure, result, frame)
    by_breakdown: dict[str, list[Point]] = {by: [] for by in wanted}
    # Rows come ordered by breakdown: each breakdown's points are one run of them.
    runs = pc.run_end_encode(result.column("breakdown").combine_chunks())
    start = 0
    for by, end in zip(runs.values.to_pylist(), runs.run_ends.to_pylist(), strict=True):
        by_breakdown[by] = points[start:end]
        start = end
    return {
        (measure.id, by): _fill_empty_windows(found, frame, by)
        for by, found in by_breakdown.items()
    }


def _breakdowns_query(
    measure: Measure, rows: ir.Table, frame: Frame, wanted: tuple[str, ...]
) -> Compiled:
    """Every breakdown of a measure's materialised rows in one query, ordered by breakdown,
    window and group.

    The query depends only on the rows' schema, the kind of measure and the breakdowns, and
    the rows are always materialised under the same name: measures of the same shape share one
    compiled query (a catalogue has a handful of shapes; compiling costs more than running)."""
    key = ("breakdowns", measure.kind, wanted, rows.schema())
    return frame.compiled(key, lambda: _breakdowns_expr(measure, rows, frame, wanted))


def _breakdowns_expr(
    measure: Measure, rows: ir.Table, frame: Frame, wanted: tuple[str, ...]
) -> ir.Table:
    parts = []
    for by in wanted:
        grouped = rows.mutate(grp=_group_of(rows, frame, by), breakdown=ibis.literal(by))
        parts.append(
            grouped.group_by(["breakdown", "window_end", "grp"]).aggregate(
                **_metrics(measure, grouped)
            )
        )
    table = ibis.union(*parts) if len(parts) > 1 else parts[0]
    return table.order_by(["breakdown", "window_end", "grp"])


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
    if in_numerator:
        return "numerator"
    if in_denominator:
        return "denominator only"
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
