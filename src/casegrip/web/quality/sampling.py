"""Drawing an audit sample from the open cases and sharing it among auditors. Pure functions:
the same inputs and seed always give the same sample, so a programme's draw can be explained."""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .casefile import OpenCase


@dataclass(frozen=True)
class Draw:
    chosen: list[OpenCase]
    short: dict[str, int]  # team id -> how many fewer eligible cases than asked for


def draw(
    cases: Iterable[OpenCase],
    *,
    teams: Sequence[str],
    per_team: int,
    case_types: Iterable[str],
    excluded: set[str],
    seed: str,
) -> Draw:
    """``per_team`` cases of the chosen types at random from each team, leaving out children in
    ``excluded`` (audited recently)."""
    wanted = set(case_types)
    by_team: dict[str, list[OpenCase]] = {t: [] for t in teams}
    for case in cases:
        if case.team_id in by_team and case.case_type in wanted and case.child_id not in excluded:
            by_team[case.team_id].append(case)
    rng = random.Random(seed)  # noqa: S311 (a repeatable sample, not a secret)
    chosen, short = [], {}
    for team in sorted(by_team):
        pool = sorted(by_team[team], key=lambda c: c.child_id)
        take = min(per_team, len(pool))
        if take < per_team:
            short[team] = per_team - take
        chosen.extend(sorted(rng.sample(pool, take), key=lambda c: c.child_id))
    return Draw(chosen, short)


@dataclass(frozen=True)
class Auditor:
    user_id: int
    team_ids: frozenset[str]  # the teams the auditor works in: they do not audit their own


def allocate(cases: Sequence[OpenCase], auditors: Sequence[Auditor]) -> list[tuple[OpenCase, int]]:
    """Share the cases out evenly, each to the auditor with fewest so far who is not in the
    case's team (if every auditor is, the one with fewest)."""
    if not auditors:
        return []
    load = {a.user_id: 0 for a in auditors}
    order = {a.user_id: i for i, a in enumerate(auditors)}
    result = []
    for case in cases:
        outside = [a for a in auditors if case.team_id not in a.team_ids] or list(auditors)
        pick = min(outside, key=lambda a: (load[a.user_id], order[a.user_id]))
        load[pick.user_id] += 1
        result.append((case, pick.user_id))
    return result
