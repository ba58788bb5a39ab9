"""What the statutory returns need to know of children beyond the work done with them: for
children looked after, strengths and difficulties questionnaires, immunisations, substance
misuse and convictions (the SSDA903's OC2); home addresses (its HOME_POST); disabilities of
children in need (the CIN census); and the immigration status of unaccompanied asylum-seeking
children (its UASC table).

Made from the tables the simulation already wrote (people, periods of care, CIN episodes), with
a random stream of its own, so that adding them changed nothing else in the synthetic record.

The yearly OC2 facts are made for each 31 March on which a child had been looked after for a
year, as the SSDA903 asks for them: an SDQ for children aged 4 to 16 (a score for most, a reason
for the rest), an immunisation status, and for older children the odd substance misuse problem
or conviction, at rates of the order the DfE publishes for children looked after.
"""

import random
from collections import defaultdict
from datetime import date, timedelta

import pyarrow as pa

from . import postcodes
from .days import to_day

# The DfE's disability codes, as the CIN census writes them; MOB to DDA are disabilities.
DISABILITIES = ("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA")
# The words an SSD extract holds for them (the CIN census builder maps the words to codes).
UASC_STATUS = "Unaccompanied Asylum Seeking Child"
# Why there is no SDQ score (SSDA903 SDQ_REASON): carer refused, disability, other, child refused.
SDQ_REASONS = ("SDQ2", "SDQ3", "SDQ4", "SDQ5")
OFFENCES = ("Theft", "Criminal damage", "Assault", "Possession of a controlled drug")
SUBSTANCES = ("Cannabis", "Alcohol", "Other")


def _periods(episodes: pa.Table) -> dict[str, list[tuple[date, date | None]]]:
    """Each child's periods of care: episodes joined where one starts the day another ends."""
    by_child: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    rows = zip(
        episodes.column("clae_person_id").to_pylist(),
        episodes.column("clae_cla_episode_start_date").to_pylist(),
        episodes.column("clae_cla_episode_ceased_date").to_pylist(),
        strict=True,
    )
    for child, start, ceased in sorted(rows, key=lambda r: (r[0], r[1])):
        periods = by_child[child]
        if periods and periods[-1][1] is not None and periods[-1][1] >= start:
            last_start, last_end = periods[-1]
            periods[-1] = (last_start, None if ceased is None else max(last_end, ceased))
        elif periods and periods[-1][1] is None:
            continue  # inside a period still open
        else:
            periods.append((start, ceased))
    return by_child


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _birthday(dob: date, years: int) -> date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # 29 February
        return dob.replace(year=dob.year + years, day=28)


def child_details(
    tables: dict[str, pa.Table], *, seed: str, prefix: str, first: date, end: date
) -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
    """The seven tables, each as (columns, rows) with dates as synthetic day numbers; facts
    dated from ``first`` to ``end`` only, as the rest of the record is."""
    rng = random.Random(f"{seed}-child-details")
    person = tables["ssd_person"]
    dobs = dict(
        zip(
            person.column("pers_person_id").to_pylist(),
            person.column("pers_dob").to_pylist(),
            strict=True,
        )
    )
    nationality = dict(
        zip(
            person.column("pers_person_id").to_pylist(),
            person.column("pers_nationality").to_pylist(),
            strict=True,
        )
    )
    periods = _periods(tables["ssd_cla_episodes"])

    sdq, immunised, misuse, convicted = [], [], [], []
    for child in sorted(periods):
        dob = dobs.get(child)
        if dob is None:
            continue
        latest_immunisation = None
        march = date(first.year, 3, 31)
        while march <= end:
            for start, stop in periods[child]:
                # in care from 1 April to 31 March, as the SSDA903 counts a year
                year_first = date(march.year - 1, 4, 1)
                in_care = start <= year_first and (stop is None or stop >= march)
                if not in_care or march < first:
                    continue
                year_start = max(year_first, first)
                span = (march - year_start).days

                def day_in_year(year_start: date = year_start, span: int = span) -> int:
                    return to_day(year_start + timedelta(days=rng.randint(0, span)))

                age = _age(dob, march)
                # 4 or over at 31 March and not yet 17 on 1 April (SSDA903 rules 188, 189)
                if age >= 4 and _age(dob, year_first) < 17:
                    if rng.random() < 0.8:
                        score = max(0, min(40, round(rng.gauss(14, 7))))
                        sdq.append((None, child, day_in_year(), score, None))
                    else:
                        sdq.append((None, child, day_in_year(), None, rng.choice(SDQ_REASONS)))
                latest_immunisation = ("Y" if rng.random() < 0.88 else "N", day_in_year())
                if age >= 11 and rng.random() < 0.04:
                    # Always an intervention: the SSD has no item for one offered and refused,
                    # which the SSDA903 asks for when none was received (rule 159).
                    misuse.append((None, child, day_in_year(), rng.choice(SUBSTANCES), "Y"))
                if age >= 10 and rng.random() < 0.03:
                    convicted.append((None, child, day_in_year(), rng.choice(OFFENCES)))
            march = date(march.year + 1, 3, 31)
        if latest_immunisation is not None:
            immunised.append((child, *latest_immunisation))

    # A home address for every child looked after: where they lived before care (the child's
    # first period's start; the synthetic record knows no earlier moves). The postcode is the
    # one their placements' distances were measured from. Unaccompanied asylum-seeking
    # children had no home in England (SSDA903 rule 406).
    addresses = []
    for child in sorted(periods):
        dob = dobs.get(child)
        if dob is None or nationality.get(child) is not None:
            continue
        addresses.append((None, child, "Home", to_day(dob), None, postcodes.home(child), None))

    # Disabilities of children in need: about one in eight has one (the DfE's CIN figures),
    # most where the child's disability or illness is why they are in need (need code N2).
    need = tables["ssd_cin_episodes"]
    in_need = defaultdict(set)
    for child, code in zip(
        need.column("cine_person_id").to_pylist(),
        need.column("cine_cin_primary_need_code").to_pylist(),
        strict=True,
    ):
        in_need[child].add(code)
    disabled = []
    for child in sorted(in_need):
        if dobs.get(child) is None:
            continue  # unborn: not known yet
        chance = 0.85 if "N2" in in_need[child] else 0.09
        if rng.random() < chance:
            for code in rng.sample(DISABILITIES, 1 if rng.random() < 0.7 else 2):
                disabled.append((None, child, code))
        else:
            disabled.append((None, child, "NONE"))

    # Unaccompanied asylum-seeking children: the status from their first day in care to their
    # 18th birthday (open while that is still to come).
    statuses = []
    for child in sorted(periods):
        dob = dobs.get(child)
        if dob is None or nationality.get(child) is None:
            continue
        eighteen = _birthday(dob, 18)
        ended = to_day(eighteen) if eighteen <= end else None
        statuses.append((None, child, to_day(periods[child][0][0]), ended, UASC_STATUS))

    def numbered(kind: str, rows: list[tuple]) -> list[tuple]:
        return [(f"{prefix}{kind}{n:06d}", *row[1:]) for n, row in enumerate(rows, start=1)]

    return {
        "ssd_sdq_scores": (
            (
                "csdq_table_id",
                "csdq_person_id",
                "csdq_sdq_completed_date",
                "csdq_sdq_score",
                "csdq_sdq_reason",
            ),
            numbered("SDQ", sdq),
        ),
        "ssd_cla_immunisations": (
            ("clai_person_id", "clai_immunisations_status", "clai_immunisations_status_date"),
            immunised,
        ),
        "ssd_cla_substance_misuse": (
            (
                "clas_substance_misuse_id",
                "clas_person_id",
                "clas_substance_misuse_date",
                "clas_substance_misused",
                "clas_intervention_received",
            ),
            numbered("SM", misuse),
        ),
        "ssd_cla_convictions": (
            (
                "clac_cla_conviction_id",
                "clac_person_id",
                "clac_cla_conviction_date",
                "clac_cla_conviction_offence",
            ),
            numbered("CV", convicted),
        ),
        "ssd_address": (
            (
                "addr_table_id",
                "addr_person_id",
                "addr_address_type",
                "addr_address_start_date",
                "addr_address_end_date",
                "addr_address_postcode",
                "addr_address_json",
            ),
            numbered("AD", addresses),
        ),
        "ssd_disability": (
            ("disa_table_id", "disa_person_id", "disa_disability_code"),
            numbered("DS", disabled),
        ),
        "ssd_immigration_status": (
            (
                "immi_immigration_status_id",
                "immi_person_id",
                "immi_immigration_status_start_date",
                "immi_immigration_status_end_date",
                "immi_immigration_status",
            ),
            numbered("IM", statuses),
        ),
    }
