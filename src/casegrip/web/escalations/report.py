"""The escalations report for a unit and period: raised by category and team, stage responses
in time, resolved by stage, and the dispute resolution process within 20 working days.

Aggregate only. Counts from 1 to the disclosure threshold less one are shown as ``c`` to users
who may not see small numbers on the unit, and a percentage worked out from a suppressed count
is withheld too (as ``measures.disclosure`` does for indicators).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from casegrip.config import ConfigError, Disclosure
from casegrip.measures.disclosure import SUPPRESSED
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import snapshot_config
from casegrip.web.organisation.models import OrgUnit, UnitKind

from . import deadlines
from .models import (
    IRO_LIMIT_WORKING_DAYS,
    LAST_STAGE,
    Category,
    Escalation,
    EscalationStage,
    Outcome,
    RaiserRole,
)

Shown = int | str


def disclosure_rules() -> Disclosure:
    """The authority's rules from the live snapshot's configuration, else the defaults."""
    live = live_snapshot()
    if live is not None:
        try:
            return snapshot_config(live).disclosure
        except ConfigError:
            pass
    return Disclosure()


def count(n: int, rules: Disclosure | None) -> Shown:
    if rules is None:
        return n
    if 0 < n < rules.threshold:
        return SUPPRESSED
    return int(round(n / rules.round_to) * rules.round_to) if rules.round_to > 1 else n


def percent(numerator: int, denominator: int, rules: Disclosure | None) -> float | str | None:
    if denominator == 0:
        return None
    if SUPPRESSED in (count(numerator, rules), count(denominator, rules)):
        return SUPPRESSED
    return round(100 * numerator / denominator, 1)


@dataclass(frozen=True)
class Report:
    unit: OrgUnit
    start: date
    end: date
    raised: int | str
    by_team: list[dict]
    by_category_total: dict[str, Shown]
    stages: list[dict]
    resolved: list[dict]
    drp: dict
    cafcass: Shown


def build(unit: OrgUnit, start: date, end: date, rules: Disclosure | None, today: date) -> Report:
    """Escalations about children of the teams under ``unit`` raised from ``start`` to ``end``."""
    raised = list(
        Escalation.objects.filter(
            team__path__startswith=unit.path,
            informal_logged_at__gte=start,
            informal_logged_at__lte=end,
        ).select_related("team")
    )
    teams = list(unit.descendants().filter(kind=UnitKind.TEAM).order_by("name"))
    cells = Counter((e.team_id, e.category) for e in raised)
    by_team = []
    for team in teams:
        row = {c: cells[(team.pk, c)] for c in Category.values}
        total = sum(row.values())
        if total:
            by_team.append(
                {
                    "team": team,
                    "cells": [count(row[c], rules) for c in Category.values],
                    "total": count(total, rules),
                }
            )
    by_category = Counter(e.category for e in raised)

    stages = EscalationStage.objects.filter(
        escalation__team__path__startswith=unit.path, issued_at__gte=start, issued_at__lte=end
    )
    stage_rows = []
    for n in range(1, LAST_STAGE + 1):
        issued = [s for s in stages if s.number == n]
        # A stage counts once its response has come in or fallen due.
        fallen_due = [s for s in issued if s.responded_at or s.response_due < today]
        in_time = [s for s in fallen_due if s.responded_in_time()]
        stage_rows.append(
            {
                "stage": n,
                "issued": count(len(issued), rules),
                "fallen_due": count(len(fallen_due), rules),
                "in_time": count(len(in_time), rules),
                "percent": percent(len(in_time), len(fallen_due), rules),
            }
        )

    resolved = [e for e in raised if e.outcome in (Outcome.RESOLVED, Outcome.PARTIALLY)]
    at_stage = Counter(e.current_stage for e in resolved)
    resolved_rows = [
        {
            "stage": "Informal" if n == 0 else f"Stage {n}",
            "resolved": count(at_stage[n], rules),
            "percent": percent(at_stage[n], len(raised), rules),
        }
        for n in range(0, LAST_STAGE + 1)
    ]

    calendar = deadlines.working_calendar()
    formal_iro = [e for e in raised if e.is_formal and e.raised_by_role == RaiserRole.IRO]
    ended = [e for e in formal_iro if e.drp_ended_at]
    within = [
        e
        for e in ended
        if calendar.working_days_between(e.formal_started_at, e.drp_ended_at)
        <= IRO_LIMIT_WORKING_DAYS
    ]
    open_over = [
        e
        for e in formal_iro
        if not e.drp_ended_at and e.overall_deadline and e.overall_deadline < today
    ]
    return Report(
        unit=unit,
        start=start,
        end=end,
        raised=count(len(raised), rules),
        by_team=by_team,
        by_category_total={c: count(by_category[c], rules) for c in Category.values},
        stages=stage_rows,
        resolved=resolved_rows,
        drp={
            "ended": count(len(ended), rules),
            "within": count(len(within), rules),
            "percent": percent(len(within), len(ended), rules),
            "open_over": count(len(open_over), rules),
        },
        cafcass=count(sum(1 for e in raised if e.cafcass_referred_at), rules),
    )
