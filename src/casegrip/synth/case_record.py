"""The synthetic case record: an authority's whole SSD extract, invented, as canonical tables.

    result = synthesise("city", years=5, seed=1)
    write_extract(result, Path("var/city"))

The same (profile, years, seed, end date) always gives the same record. See ``pathway.py`` for
how children move through the pathway, ``workforce.py`` for the staff, and ``calibration.py``
for how close the record comes to the figures it is shaped on.
"""

import gc
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from casegrip.calendar import WorkingCalendar
from casegrip.config import AuthorityConfig, dump_config
from casegrip.model.extract import Extract
from casegrip.model.schema import SOURCE_ROW, TABLES, conform, table

from .child_details import child_details
from .days import Days, add_years, to_date, to_day
from .distributions import ACCOMMODATION, ACTIVITY, IN_TOUCH, NEVER_SUITABLE, NEVER_SUITABLE_SHARE
from .organisation import OrganisationPlan, to_config
from .pathway import COLUMNS, LEAF_IDS, WORKER_COLUMNS, YEAR, CaseSimulation, Child
from .profiles import Profile, england_profiles
from .profiles import profile as named_profile
from .teams import team_roles
from .workforce import (
    CASE_HOLDERS,
    IRO,
    PERSONAL_ADVISER,
    Allocation,
    Roster,
    build_roster,
    job_title,
    supervision_sessions,
)

HISTORY_YEARS = 2  # simulated before the years asked for, so that they start in their stride


@dataclass
class SynthResult:
    extract: Extract
    config: AuthorityConfig
    organisation: OrganisationPlan
    profile: Profile
    window_start: date  # the first day of the years asked for


def synthesise(
    profile: str | Profile = "city",
    years: int = 5,
    seed: int = 1,
    end_date: date | None = None,
) -> SynthResult:
    """A synthetic authority's case record for ``years`` years up to ``end_date`` (today)."""
    # Millions of small tuples and no reference cycles worth collecting: the cyclic garbage
    # collector would spend a third of the time walking them.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _synthesise(profile, years, seed, end_date)
    finally:
        if enabled:
            gc.enable()


@dataclass
class Prepared:
    """A simulation set up as ``synthesise`` sets it up, not yet run."""

    profile: Profile
    plan: OrganisationPlan
    config: AuthorityConfig
    days: Days
    roster: Roster
    sim: CaseSimulation
    window_start: int


def prepare(profile: str | Profile, years: int, seed: int, end_date: date) -> Prepared:
    """The organisation, staff and case simulation of ``synthesise``, before the simulation
    runs (tests send it the referrals they want)."""
    prof = profile if isinstance(profile, Profile) else named_profile(profile)
    if years < 1:
        raise ValueError("years must be 1 or more")
    end = to_day(end_date)
    window_start = add_years(end, -years)
    history_start = add_years(window_start, -HISTORY_YEARS)

    plan = prof.organisation(seed)
    config = to_config(plan, prof.child_population)
    first = to_date(history_start - 20 * YEAR)
    last = to_date(end + 8 * YEAR)
    working = WorkingCalendar(config.closure_days, first_year=first.year, last_year=last.year)
    days = Days(working, first, last)
    roster = build_roster(
        plan,
        prof.rates,
        random.Random(f"{prof.name}-{seed}-staff"),
        first=history_start,
        window_start=window_start,
        end=end,
        prefix=prof.prefix,
    )
    sim = CaseSimulation(
        prof,
        team_roles(plan),
        roster,
        days,
        seed=seed,
        history_start=history_start,
        window_start=window_start,
        end=end,
    )
    return Prepared(prof, plan, config, days, roster, sim, window_start)


def _synthesise(
    profile: str | Profile, years: int, seed: int, end_date: date | None
) -> SynthResult:
    end_date = end_date or date.today()
    ready = prepare(profile, years, seed, end_date)
    prof, sim = ready.profile, ready.sim
    sim.run()
    allocation = Allocation(
        ready.roster, prof.rates, random.Random(f"{prof.name}-{seed}-cases"), sim.end
    )
    allocation.run(sim.spans)

    tables = _tables(sim, allocation, ready.roster, ready.plan, ready.days, seed)
    extract = Extract(source="synth", tables=tables, extract_date=end_date)
    return SynthResult(extract, ready.config, ready.plan, prof, to_date(ready.window_start))


def synthesise_england(
    n: int, years: int = 5, seed: int = 1, end_date: date | None = None
) -> list[SynthResult]:
    """``n`` authorities of mixed sizes and ways of working, for benchmarks: distinct DfE codes
    (001...) and id prefixes (A001...), so their records can be pooled."""
    end_date = end_date or date.today()
    return [
        synthesise(p, years=years, seed=seed + i, end_date=end_date)
        for i, p in enumerate(england_profiles(n, seed))
    ]


def write_extract(result: SynthResult, out: Path, fmt: str = "parquet") -> list[Path]:
    """Write every canonical table as ``ssd_<table>.parquet`` (or ``.csv``, dates as
    YYYY-MM-DD) and the authority's configuration as ``authority.yaml``."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"unknown format {fmt!r}: parquet or csv")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        data = result.extract.tables[name]
        if SOURCE_ROW in data.column_names:
            data = data.drop_columns([SOURCE_ROW])
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            pq.write_table(data, path)
        else:
            pa_csv.write_csv(data, path)
        written.append(path)
    path = out / "authority.yaml"
    path.write_text(dump_config(result.config))
    written.append(path)
    return written


# -- assembling the tables ---------------------------------------------------------------------


def _arrow(name: str, columns: tuple[str, ...], rows: list[tuple]) -> pa.Table:
    spec = table(name)
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    arrays = []
    for column, data in zip(columns, values, strict=True):
        kind = spec.column(column).type
        if kind == "date":
            arrays.append(pa.array(data, pa.int32()).cast(pa.date32()))
        else:
            arrays.append(pa.array(data, spec.column(column).arrow_type))
    return conform(name, pa.Table.from_arrays(arrays, names=list(columns)))


def _tables(
    sim: CaseSimulation,
    allocation: Allocation,
    roster: Roster,
    plan: OrganisationPlan,
    days: Days,
    seed: int,
) -> dict[str, pa.Table]:
    end, prefix = sim.end, sim.prefix
    tables: dict[str, pa.Table] = {}

    def resolve(ref):
        if isinstance(ref, tuple):
            span, day = ref
            return None if span is None else allocation.worker_at(span, day)
        return ref

    for name, columns in COLUMNS.items():
        rows = sim.tables[name]
        worker_column = WORKER_COLUMNS.get(name)
        if worker_column is not None and rows:
            k = columns.index(worker_column)
            rows = [(*row[:k], resolve(row[k]), *row[k + 1 :]) for row in rows]
        if name in LEAF_IDS:
            kind, width = LEAF_IDS[name]
            form = f"{prefix}{kind}%0{width}d"
            rows = [(form % n, *row[1:]) for n, row in enumerate(rows, start=1)]
        tables[name] = _arrow(name, columns, rows)

    kept = [c for c in sim.children if c.keep]
    tables["ssd_person"] = _arrow("ssd_person", *_people(kept, end, sim.profile.la_code, seed))
    tables["ssd_care_leavers"] = _arrow(
        "ssd_care_leavers", *_care_leavers(kept, sim, resolve, seed)
    )

    columns = (
        "invo_involvements_id",
        "invo_professional_id",
        "invo_professional_role_id",
        "invo_professional_team",
        "invo_person_id",
        "invo_involvement_start_date",
        "invo_involvement_end_date",
        "invo_worker_change_reason",
        "invo_referral_id",
    )
    rows = []
    n = 0
    for span, segments in zip(sim.spans, allocation.segments, strict=True):
        person, referral, team, role = span[0], span[1], span[2], span[3]
        for start, stop, worker, reason in segments:
            n += 1
            rows.append(
                (f"{prefix}I{n:07d}", worker, role, team, person, start, stop, reason, referral)
            )
    tables["ssd_involvements"] = _arrow("ssd_involvements", columns, rows)

    census = _last_30_september(end)
    caseloads = allocation.caseloads_on(sim.spans, census)
    columns = (
        "prof_professional_id",
        "prof_staff_id",
        "prof_professional_name",
        "prof_social_worker_registration_no",
        "prof_agency_worker_flag",
        "prof_professional_job_title",
        "prof_professional_caseload",
        "prof_professional_department",
        "prof_full_time_equivalency",
    )
    rows = []
    for n, h in enumerate(sorted(roster.holders, key=lambda h: h.professional_id), start=1):
        title = h.post.job_title
        registered = title != PERSONAL_ADVISER and title not in ("Performance analyst",)
        caseload = None
        if h.in_post(census) and title in CASE_HOLDERS and title != IRO:
            caseload = caseloads.get(h.professional_id, 0)
        rows.append(
            (
                h.professional_id,
                None if h.agency else f"{prefix}E{n:05d}",
                h.name,
                f"SWZ{n:05d}{prefix}" if registered else None,
                "Y" if h.agency else "N",
                job_title(h, end),
                caseload,
                h.team,
                h.fte,
            )
        )
    tables["ssd_professionals"] = _arrow("ssd_professionals", columns, rows)

    names = {u.source_id: u.name for u in plan.units}
    rows = [(u.source_id, u.name, u.parent_id, names.get(u.parent_id)) for u in plan.units]
    columns = ("dept_team_id", "dept_team_name", "dept_team_parent_id", "dept_team_parent_name")
    tables["ssd_department"] = _arrow("ssd_department", columns, rows)

    sessions = supervision_sessions(
        roster,
        plan,
        days,
        random.Random(f"{sim.profile.name}-{seed}-supervision"),
        first=sim.horizon,
        end=end,
        held=sim.rates.supervision_held,
    )
    rows = [(f"{prefix}SV{n:06d}", *row) for n, row in enumerate(sessions, start=1)]
    columns = (
        "supe_supervision_id",
        "supe_supervisee_id",
        "supe_supervisor_id",
        "supe_supervision_date",
        "supe_supervision_type",
        "supe_supervision_minutes",
    )
    tables["ssd_supervision"] = _arrow("ssd_supervision", columns, rows)

    for name, (columns, rows) in child_details(
        tables,
        seed=f"{sim.profile.name}-{seed}",
        prefix=prefix,
        first=to_date(sim.horizon),
        end=to_date(end),
    ).items():
        tables[name] = _arrow(name, columns, rows)

    # Every canonical table, in the schema's order, empty where nothing was made.
    return {
        name: tables.get(name) or conform(name, spec.arrow_schema().empty_table())
        for name, spec in TABLES.items()
    }


def _last_30_september(end: int) -> int:
    d = to_date(end)
    year = d.year if (d.month, d.day) >= (9, 30) else d.year - 1
    return to_day(date(year, 9, 30))


UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_WEIGHTS = tuple(range(2, 14))


# The LA number in a synthetic UPN: the DfE's validators want one of their list, and 001 is
# on it but is no English authority's own number (those start at 201), so no synthetic UPN can
# be a real pupil's.
UPN_LA_NUMBER = "001"


def _upn(rng: random.Random, taken: set[str]) -> str:
    """A made-up UPN of the right shape: check letter, LA number, school, year, serial; never
    one in ``taken``, to which it is added (a UPN is one pupil's: CIN census rule 1520)."""
    while True:
        digits = (
            f"{UPN_LA_NUMBER}{2000 + int(rng.random() * 6000)}{int(rng.random() * 100_000):05d}"
        )
        check = sum(int(c) * w for c, w in zip(digits, UPN_WEIGHTS, strict=True)) % 23
        upn = UPN_LETTERS[check] + digits
        if upn not in taken:
            taken.add(upn)
            return upn


def _people(children: list[Child], end: int, la_code: str, seed: int):
    rng = random.Random(f"people-{la_code}-{seed}")
    columns = (
        "pers_person_id",
        "pers_legacy_id",
        "pers_upn",
        "pers_forename",
        "pers_surname",
        "pers_sex",
        "pers_ethnicity",
        "pers_dob",
        "pers_send_flag",
        "pers_expected_dob",
        "pers_nationality",
        "pers_upn_unknown",
    )
    rows = []
    upns: set[str] = set()
    for c in children:
        born = c.dob <= end
        school_age = born and (end - c.dob) / 365.25 >= 4.5
        upn = _upn(rng, upns) if school_age and rng.random() < 0.85 else None
        rows.append(
            (
                c.pid,
                f"{c.n + 100000}",
                upn,
                c.forename,
                c.surname,
                c.sex,
                c.ethnicity,
                c.dob if born else None,
                c.send,
                c.expected,
                c.nationality,
                # Why there is no UPN: UN1 not of school age, UN2 never at a maintained
                # school in England (the DfE's returns want one or the other).
                None if upn else ("UN2" if school_age else "UN1"),
            )
        )
    return columns, rows


def _care_leavers(children: list[Child], sim: CaseSimulation, resolve, seed: int):
    """Young people entitled to leaving care support on the last day: eligible (16-17 and in
    care), relevant (16-17, left care) and former relevant (18 to 21, or 25 if still
    supported)."""
    rng = random.Random(f"{sim.profile.name}-{seed}-care-leavers")
    end = sim.end
    columns = (
        "clea_table_id",
        "clea_person_id",
        "clea_care_leaver_eligibility",
        "clea_care_leaver_in_touch",
        "clea_care_leaver_latest_contact",
        "clea_care_leaver_accommodation",
        "clea_care_leaver_accom_suitable",
        "clea_care_leaver_activity",
        "clea_pathway_plan_review_date",
        "clea_care_leaver_personal_advisor",
        "clea_care_leaver_allocated_team",
        "clea_care_leaver_worker_id",
    )
    rows = []
    for c in children:
        if c.leaver is None:
            continue
        _entry, left, pa_span, until, cw_span, loc = c.leaver
        age = (end - c.dob) / 365.25
        if age < 16 or end >= until:
            continue
        if left is None:
            eligibility = "Eligible"
        elif age < 18:
            eligibility = "Relevant"
        else:
            eligibility = "Former relevant"
        in_touch = "YES" if age < 18 else IN_TOUCH(rng)
        contact = end - (rng.randint(0, 56) if in_touch == "YES" else rng.randint(60, 400))
        # England's share in suitable accommodation, of which homeless young people and those
        # in custody are none: the others are suitable a little more often.
        share = (0.91 if age < 19 else 0.88) / (1 - NEVER_SUITABLE_SHARE)
        suitable = rng.random() < share
        pa = resolve((pa_span, end)) if pa_span is not None else None
        worker = pa if eligibility == "Former relevant" else resolve((cw_span, end))
        if eligibility == "Former relevant" and pa is None:
            continue  # support not yet begun or already ended
        review = end - (rng.randint(0, 182) if rng.random() < 0.88 else rng.randint(183, 330))
        place = ACCOMMODATION(rng)
        while place == "Z" and left != add_years(c.dob, 18):
            # Only young people in care until 18 stay on with their former foster carers, never
            # one who left care before (SSDA903 rule 3001).
            place = ACCOMMODATION(rng)
        if place in NEVER_SUITABLE:  # SSDA903 rule 133
            suitable = False
        accommodation = place + ("1" if suitable else "2")
        # What a young person is doing is known only while the authority is in touch.
        activity = ACTIVITY(rng)
        rows.append(
            (
                sim.next_id("CLV"),
                c.pid,
                eligibility,
                in_touch,
                contact,
                accommodation,
                "Y" if suitable else "N",
                activity if in_touch == "YES" else None,
                review,
                pa,
                loc.cla if eligibility == "Eligible" else loc.leaving_care,
                worker,
            )
        )
    return columns, rows
