"""Periods of care: what several looked-after, placement and adoption measures are built on."""

import ibis
import ibis.expr.types as ir

from ..frame import Frame


def periods_of_care(frame: Frame) -> ir.Table:
    """Periods of care, worked out once per frame when many measures run (see
    ``_build_periods``)."""
    return frame.shared("cla_periods", lambda: _build_periods(frame))


def _build_periods(frame: Frame) -> ir.Table:
    """Periods of care: ``person``, ``p_start``, ``p_end`` (null while still looked after).

    An episode starts a period unless another episode of the child started before it and had
    not ended before its start; each episode belongs to the latest period start on or before
    its own start; a period ends when its last episode does and is open if any episode is.
    """
    ep = frame.table("ssd_cla_episodes")
    eps = ep.filter(ep.clae_person_id.notnull() & ep.clae_cla_episode_start_date.notnull()).select(
        e_person=ep.clae_person_id,
        e_id=ep.clae_cla_episode_id,
        e_start=ep.clae_cla_episode_start_date,
        e_end=ep.clae_cla_episode_ceased_date,
    )
    other = eps.view().select(o_person="e_person", o_start="e_start", o_end="e_end")
    starts = (
        eps.anti_join(
            other,
            [
                eps.e_person == other.o_person,
                other.o_start < eps.e_start,
                other.o_end.isnull() | (other.o_end >= eps.e_start),
            ],
        )
        .select(s_person="e_person", s_start="e_start")
        .distinct()
    )
    member = eps.join(starts, [eps.e_person == starts.s_person, starts.s_start <= eps.e_start])
    per_episode = member.group_by(["e_person", "e_id", "e_start", "e_end"]).aggregate(
        p_start=member.s_start.max()
    )
    periods = per_episode.group_by(["e_person", "p_start"]).aggregate(
        open_episodes=ibis.ifelse(per_episode.e_end.isnull(), 1, 0).sum(),
        last_end=per_episode.e_end.max(),
    )
    return periods.select(
        person=periods.e_person,
        p_start=periods.p_start,
        p_end=ibis.ifelse(periods.open_episodes > 0, ibis.null("date"), periods.last_end),
    )
