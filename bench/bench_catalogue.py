"""The whole catalogue, every breakdown, 60 monthly points, on the synthetic city.

Targets (issue 4): under 10 seconds with DuckDB on this machine, and at least 10 times faster
than a straightforward pandas computation of five of the indicators, measured in the same run.

Baseline: five front-door indicators (referrals per 10,000, referrals with no further action,
re-referrals within 12 months, assessments within 45 working days, open assessments beyond 45
working days) in pandas the way an analyst would write them: tables read into DataFrames once,
then for each month the allocations at its end, the month's rows, and a groupby for each of the
eight breakdowns. Its authority-level figures are checked against casegrip's before timing
counts, so both sides do the same work.

    .venv/bin/python bench/bench_catalogue.py [--months 60] [--profile city]
"""

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from casegrip.calendar import WorkingCalendar
from casegrip.engines.connect import connect
from casegrip.measures.catalogue import MEASURES, get
from casegrip.measures.frame import Frame, monthly_windows
from casegrip.measures.runner import run_many
from casegrip.store.snapshots import import_extract
from casegrip.synth import synthesise

FIVE = (
    "referral_rate_per_10k",
    "referral_nfa_rate",
    "rereferral_rate_12m",
    "assessment_timeliness_45wd",
    "assessments_open_over_45wd",
)
YES = {"Y", "y", "1", "true", "TRUE", "True", "Yes", "YES"}


def age_band(dob: pd.Series, at: date) -> pd.Series:
    years = at.year - dob.dt.year - ((dob.dt.month * 100 + dob.dt.day) > at.month * 100 + at.day)
    bands = pd.cut(
        years,
        [-1, 0, 4, 9, 15, 200],
        labels=["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"],
    )
    return bands.astype(str).where(dob.notna(), "unknown")


def pandas_five(snapshot, config, windows) -> dict[tuple[str, str], dict]:
    """Five indicators, every breakdown, every window, in plain pandas."""
    con = connect("duckdb", snapshot=snapshot)
    try:
        tables = {
            name: con.to_pyarrow(con.table(name)).to_pandas(types_mapper=None)
            for name in (
                "ssd_cin_episodes",
                "ssd_cin_assessments",
                "ssd_involvements",
                "ssd_person",
            )
        }
    finally:
        con.close()
    cal = WorkingCalendar(config.closure_days)
    holidays = np.array(sorted(set(cal.bank_holidays) | set(cal.closures)), dtype="datetime64[D]")
    ref = tables["ssd_cin_episodes"].copy()
    asmt = tables["ssd_cin_assessments"].copy()
    invo = tables["ssd_involvements"]
    person = tables["ssd_person"].rename(columns={"pers_person_id": "child_id"})
    for frame_, cols in (
        (ref, ["cine_referral_date"]),
        (asmt, ["cina_assessment_start_date", "cina_assessment_auth_date"]),
    ):
        for c in cols:
            frame_[c] = pd.to_datetime(frame_[c])
    person["pers_dob"] = pd.to_datetime(person["pers_dob"])
    invo = invo[
        invo.invo_professional_role_id.isin(config.involvement_roles.allocated_social_worker)
    ]
    invo = invo.assign(
        start=pd.to_datetime(invo.invo_involvement_start_date),
        end=pd.to_datetime(invo.invo_involvement_end_date),
    )
    paths = config.team_paths()
    service = {t: p[0] for t, p in paths.items()}
    locality = {t: p[1] or "none" for t, p in paths.items()}

    def wd_between(start: pd.Series, end: pd.Series) -> pd.Series:
        ok = start.notna() & end.notna()
        out = pd.Series(np.nan, index=start.index)
        s = start[ok].values.astype("datetime64[D]") + 1
        e = end[ok].values.astype("datetime64[D]") + 1
        forward = np.busday_count(s, e, holidays=holidays)
        out[ok] = forward
        return out

    results: dict[tuple[str, str], dict] = {}

    def add(measure, window, rows: pd.DataFrame):
        at = window.end
        alloc_open = invo[
            (invo.start <= pd.Timestamp(at)) & (invo.end.isna() | (invo.end > pd.Timestamp(at)))
        ]
        latest = (
            alloc_open.sort_values(["invo_person_id", "start", "invo_involvements_id"])
            .groupby("invo_person_id")
            .tail(1)
        )
        alloc = latest.set_index("invo_person_id")
        rows = rows.copy()
        rows["team"] = rows["team"].fillna(rows.child_id.map(alloc.invo_professional_team))
        rows["worker"] = rows["worker"].fillna(rows.child_id.map(alloc.invo_professional_id))
        rows = rows.merge(
            person[["child_id", "pers_dob", "pers_sex", "pers_ethnicity"]],
            on="child_id",
            how="left",
        )
        groups = {
            "authority": pd.Series(config.la_code, index=rows.index),
            "team": rows.team.fillna("unallocated"),
            "worker": rows.worker.fillna("unallocated"),
            "service": rows.team.map(service).fillna("unallocated"),
            "locality": rows.team.map(locality).fillna("unallocated"),
            "age_band": age_band(rows.pers_dob, at),
            "sex": rows.pers_sex.fillna("unknown"),
            "ethnicity": rows.pers_ethnicity.fillna("unknown"),
        }
        for by, key in groups.items():
            summary = rows.groupby(key).agg(numerator=("num", "sum"), denominator=("den", "sum"))
            results.setdefault((measure, by), {})[at] = summary

    for window in windows:
        lo, hi = pd.Timestamp(window.start), pd.Timestamp(window.end)
        month = ref[(ref.cine_referral_date >= lo) & (ref.cine_referral_date <= hi)]
        base = pd.DataFrame(
            {
                "child_id": month.cine_person_id,
                "team": month.cine_referral_team,
                "worker": month.cine_referral_worker_id,
            }
        )
        add("referral_rate_per_10k", window, base.assign(num=1, den=1))
        nfa = month.cine_referral_nfa.isin(YES)
        add("referral_nfa_rate", window, base.assign(num=nfa.values, den=1))
        earlier = month[["cine_referral_id", "cine_person_id", "cine_referral_date"]].merge(
            ref[["cine_referral_id", "cine_person_id", "cine_referral_date"]],
            on="cine_person_id",
            suffixes=("", "_e"),
        )
        earlier = earlier[
            (earlier.cine_referral_id_e != earlier.cine_referral_id)
            & (earlier.cine_referral_date_e < earlier.cine_referral_date)
            & (earlier.cine_referral_date_e >= earlier.cine_referral_date - pd.DateOffset(years=1))
        ]
        repeat = month.cine_referral_id.isin(earlier.cine_referral_id)
        add("rereferral_rate_12m", window, base.assign(num=repeat.values, den=1))

        done = asmt[(asmt.cina_assessment_auth_date >= lo) & (asmt.cina_assessment_auth_date <= hi)]
        days = wd_between(done.cina_assessment_start_date, done.cina_assessment_auth_date)
        add(
            "assessment_timeliness_45wd",
            window,
            pd.DataFrame(
                {
                    "child_id": done.cina_person_id,
                    "team": done.cina_assessment_team,
                    "worker": done.cina_assessment_worker_id,
                    "num": (days <= 45).values,
                    "den": 1,
                }
            ),
        )
        still = asmt[
            (asmt.cina_assessment_start_date <= hi)
            & (asmt.cina_assessment_auth_date.isna() | (asmt.cina_assessment_auth_date > hi))
        ]
        age = wd_between(still.cina_assessment_start_date, pd.Series(hi, index=still.index))
        add(
            "assessments_open_over_45wd",
            window,
            pd.DataFrame(
                {
                    "child_id": still.cina_person_id,
                    "team": still.cina_assessment_team,
                    "worker": still.cina_assessment_worker_id,
                    "num": (age > 45).values,
                    "den": 1,
                }
            ),
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="city")
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casegrip-bench-") as scratch:
        result = synthesise(args.profile, years=5, seed=1)
        provenance = import_extract(
            result.extract, config=result.config, source_path="bench", home=Path(scratch)
        )
        from casegrip.store.live import live_snapshot

        snapshot = live_snapshot(Path(scratch))
        rows = sum(provenance.row_counts.values())
        windows = monthly_windows(date.fromisoformat(provenance.extract_date), args.months)

        con = connect("duckdb", snapshot=snapshot)
        # Warm: the first queries load DuckDB's extensions. Then each run on a frame of its
        # own, so that neither reuses the other's shared tables or compiled queries.
        run_many([get(m) for m in FIVE], Frame(con, windows, result.config))
        start = time.perf_counter()
        everything = run_many(MEASURES, Frame(con, windows, result.config))
        whole = time.perf_counter() - start
        start = time.perf_counter()
        five = run_many([get(m) for m in FIVE], Frame(con, windows, result.config))
        ours_five = time.perf_counter() - start
        con.close()

        start = time.perf_counter()
        theirs = pandas_five(snapshot, result.config, windows)
        pandas_seconds = time.perf_counter() - start

    for measure in FIVE:
        for point in five[(measure, "authority")]:
            summary = theirs[(measure, "authority")].get(point.window_end)
            num = int(summary.numerator.sum()) if summary is not None else 0
            den = int(summary.denominator.sum()) if summary is not None else 0
            assert (num, den) == (point.numerator, point.denominator), (measure, point, num, den)

    points = sum(len(p) for p in everything.values())
    breakdowns = len({by for _, by in everything})
    print(
        f"{args.profile}: {rows:,} rows; {len(MEASURES)} measures x {breakdowns} breakdowns x "
        f"{args.months} monthly points = {points:,} figures"
    )
    print(f"casegrip, whole catalogue, DuckDB: {whole:.2f} s (target under 10 s)")
    print(f"casegrip, the five indicators, every breakdown: {ours_five:.2f} s")
    print(
        f"pandas baseline, the five indicators, every breakdown: {pandas_seconds:.2f} s "
        f"(figures checked equal to casegrip's)"
    )
    print(
        f"ratio pandas / casegrip for the same five: {pandas_seconds / ours_five:.1f}x "
        f"(target 10x); for scale, pandas's five took {pandas_seconds / whole:.1f}x casegrip's "
        "whole catalogue"
    )


if __name__ == "__main__":
    main()
