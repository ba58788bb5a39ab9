"""Synthetic authority profiles: how big, how busy, how the pathway behaves, and the figures
the generated case record should come close to (``calibration.py`` checks them).

``city`` is shaped on Manchester in 2017-2018 (``shared/spec/indicators.md`` section 7.2):
about 125,000 children, 12,500 referrals a year, 950 children on CP plans, 5,200 children in
need, 1,300 looked after and 430 social workers. ``small`` is a sixth of it, for tests.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

from . import organisation
from .organisation import OrganisationPlan


@dataclass(frozen=True)
class Rates:
    """The pathway's probabilities and timescales. Rates per referral unless said otherwise."""

    contacts_per_referral: float = 1.55  # contacts about children not referred, per referral
    contact_known_child: float = 0.35  # share of those contacts about a child already known
    contact_early_help: float = 0.2  # share of those contacts passed to early help
    unborn: float = 0.02  # pre-birth referrals
    referral_nfa: float = 0.065
    s47: float = 0.34  # of referrals going on to assessment
    icpc_per_s47: float = 0.29
    cp_per_icpc: float = 0.86
    cla_from_assessment: float = 0.026
    s47_to_cla: float = 0.03  # of s47 enquiries without a conference: into care at once
    cwd: float = 0.015  # long-term support from the disabled children's team
    cin_plan: float = 0.105  # CIN plan after an assessment without s47
    not_in_need: float = 0.60  # of assessments without s47 or plan: closed, RC8/RC9
    early_help_after_assessment: float = 0.25  # of those closed not in need: RC9
    cp_to_cla: float = 0.09
    cin_plan_to_cp: float = 0.05
    cin_plan_to_cla: float = 0.025
    rereferral_12m: float = 0.33  # after a closed episode, if time allows
    rereferral_later: float = 0.17
    rereferral_after_cp: float = 0.8  # and then likely to come back to a CP plan
    cla_starts_per_year: float = 480  # for the history of children already in care
    uasc: float = 0.004  # referrals of unaccompanied asylum-seeking children
    # Timeliness: share on time at the start and at the end of the simulated years.
    assessment_on_time: tuple[float, float] = (0.79, 0.89)
    icpc_on_time: tuple[float, float] = (0.77, 0.87)
    cp_review_on_time: tuple[float, float] = (0.9, 0.97)
    cla_review_on_time: tuple[float, float] = (0.9, 0.97)
    cp_visit_on_time: tuple[float, float] = (0.84, 0.94)
    cin_visit_on_time: tuple[float, float] = (0.8, 0.9)
    cin_review_on_time: tuple[float, float] = (0.78, 0.9)
    cla_visit_on_time: tuple[float, float] = (0.86, 0.95)
    health_on_time: tuple[float, float] = (0.6, 0.8)
    supervision_held: tuple[float, float] = (0.82, 0.93)
    # Workforce.
    vacancy_gap_days: tuple[float, float] = (150, 15)  # mean gap before a post is refilled
    new_posts: float = 0.08  # share of case-holding posts created during the years simulated
    agency_share: tuple[float, float] = (0.15, 0.08)  # of new starters
    tenure_days: float = 3000  # mean time in post of an employed worker
    agency_tenure_days: float = 500
    reallocation_days: float = 520  # mean time a worker keeps a case before a change
    asye_cap: int = 15


@dataclass(frozen=True)
class Target:
    value: float
    tolerance: float
    relative: bool = False  # True: tolerance is a share of the target; False: absolute


@dataclass(frozen=True)
class Profile:
    name: str
    authority: str
    la_code: str
    child_population: int
    referrals_per_year: float
    organisation: Callable[[int], OrganisationPlan]
    rates: Rates = field(default_factory=Rates)
    targets: dict[str, Target] = field(default_factory=dict)
    prefix: str = ""  # put before every id, so that many authorities' ids never collide


def _city_targets(scale: float, loose: float = 1.0) -> dict[str, Target]:
    """The city's figures, scaled for a smaller authority; ``loose`` widens the tolerances
    of counts, which are noisier in a small authority."""

    def count(value: float, tolerance: float) -> Target:
        return Target(round(value * scale), tolerance * loose, relative=True)

    def share(value: float, tolerance: float) -> Target:
        return Target(value, tolerance * (1 + (loose - 1) / 2))

    return {
        "referrals": count(12_500, 0.1),
        "contacts_per_referral": share(3.0, 0.5),
        "rereferral_12m_pct": share(26, 4),
        "referral_nfa_pct": share(6.5, 2),
        "assessed_not_in_need_pct": share(31, 5),
        "assessments_per_referral": share(1.0, 0.1),
        "assessments_45wd_pct": share(85, 4),
        "assessments_45wd_first_year_pct": share(78, 5),
        "assessments_45wd_improvement_pts": share(7, 6),
        "s47_per_referral": share(0.33, 0.05),
        "icpc_per_s47": share(0.31, 0.05),
        "icpc_15wd_pct": share(83, 5),
        "cp_plans_per_icpc": share(0.86, 0.06),
        "cp_plans_started": count(1_150, 0.12),
        "repeat_cp_plans_pct": share(22, 5),
        "cp_open": count(950, 0.1),
        "cp_open_2y_plus_pct": share(2.5, 2.5),
        "cp_ended_2y_plus_pct": share(4.4, 3.5),
        "cin_open": count(5_200, 0.1),
        "cla_open": count(1_300, 0.1),
        "cla_started": count(480, 0.15),
        "cla_ceased": count(480, 0.2),
        "cla_3plus_placements_pct": share(10, 3.5),
        "cla_missing_pct": share(11, 4),
        "cla_adopted_pct_of_ceased": share(9, 5),
        "cla_reviews_on_time_pct": share(95, 4),
        "cp_visited_10wd_pct": share(92, 6),
        "care_leavers_in_touch_pct": share(91, 6),
        "care_leavers_suitable_accommodation_pct": share(89, 6),
        "care_leavers_eet_pct": share(54, 8),
        "social_workers_fte": count(430, 0.07),
        "caseload_first_year": share(19, 1.5),
        "caseload": share(18, 1.5),
        "workers_over_18_cases_pct": share(45, 25),
        "asye_within_cap_pct": share(95, 7),
    }


CITY = Profile(
    name="city",
    authority="City Council (synthetic)",
    la_code="999",
    child_population=125_000,
    referrals_per_year=12_500,
    organisation=lambda seed: organisation.city(
        seed,
        workers_per_team=20,
        team_sizes={
            **{
                f"{loc} {team}": 19
                for loc in organisation.LOCALITIES
                for team in (
                    "Assessment 1",
                    "Assessment 2",
                    "Safeguarding 1",
                    "Safeguarding 2",
                    "Children in Care",
                )
            },
            "Front Door": 44,
            "Independent Reviewing Officers": 38,
            "Permanence and Adoption": 24,
            "Children with Disabilities": 18,
            "Quality Assurance": 12,
        },
        seniors_per_team=2,
        personal_advisers=True,
    ),
    targets=_city_targets(1.0),
)

SMALL = Profile(
    name="small",
    authority="Small Borough Council (synthetic)",
    la_code="997",
    child_population=20_000,
    referrals_per_year=12_500 * 0.16,
    organisation=organisation.small,
    # Timeliness improves faster, so that two years are enough to show it.
    rates=replace(Rates(), cla_starts_per_year=480 * 0.16, assessment_on_time=(0.74, 0.92)),
    targets={
        **_city_targets(0.16, loose=2.0),
        # Two years of record hold fewer earlier plans for a repeat plan to follow.
        "repeat_cp_plans_pct": Target(16, 8),
    },
)

PROFILES = {p.name: p for p in (CITY, SMALL)}


def profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown synthetic profile {name!r}; known: {known}") from None


def _scaled(seed: int, **kwargs) -> OrganisationPlan:
    return organisation.scaled(seed, **kwargs)


def england_profiles(n: int, seed: int = 1) -> list[Profile]:
    """``n`` authorities of mixed sizes and pathways, with distinct DfE codes (001, 002...,
    which no real authority uses) and id prefixes (A001, A002...). Their workforces are sized
    for their demand, at the city's cases per worker."""
    rng = random.Random(f"england-{seed}")
    profiles = []
    for i in range(n):
        population = round(
            rng.choice((25, 40, 60, 80, 110, 150, 220, 300)) * 1000 * rng.uniform(0.85, 1.15)
        )
        referrals = population / 10_000 * rng.uniform(400, 900)
        demand = referrals / CITY.referrals_per_year  # the city's demand is 1
        drift = rng.uniform(0.85, 1.15)
        rates = Rates(
            s47=Rates.s47 * rng.uniform(0.8, 1.2),
            cin_plan=Rates.cin_plan * rng.uniform(0.8, 1.2),
            cla_from_assessment=Rates.cla_from_assessment * drift,
            cla_starts_per_year=480 * demand * drift,
            assessment_on_time=(rng.uniform(0.65, 0.85), rng.uniform(0.8, 0.95)),
            icpc_on_time=(rng.uniform(0.65, 0.85), rng.uniform(0.78, 0.92)),
        )
        la_code = f"{i + 1:03d}"
        prefix = f"A{i + 1:03d}"
        name = f"Authority {la_code} (synthetic)"
        profiles.append(
            Profile(
                name=f"england-{la_code}",
                authority=name,
                la_code=la_code,
                child_population=population,
                referrals_per_year=referrals,
                organisation=partial(
                    _scaled,
                    name=name,
                    la_code=la_code,
                    child_population=round(CITY.child_population * demand),
                    prefix=prefix,
                ),
                rates=rates,
                prefix=prefix,
            )
        )
    return profiles
