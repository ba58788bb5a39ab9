"""Children through the pathway, as dated events: the heart of the synthetic case record.

Each referral is generated whole when it arrives: the contact that brought it, the assessment,
perhaps a section 47 enquiry and a conference, then a child in need plan, a child protection
plan or a period of care, with their visits and reviews, until the episode closes or the
simulation ends. Closing an episode may bring the child back later (a re-referral). Referrals
arrive day by day: new children at a steady rate, and children coming back.

Who did the work is decided afterwards (``workforce.Allocation``), so rows hold a placeholder
``(span, day)`` in their worker columns: "whoever held this case on that day".

The simulation starts two years before the years asked for, so that plans and caseloads are
in their stride when those years begin, and children already in care at the start come from
a simulated history of entries into care over the previous 18 years. The record keeps what a
real extract with a one-year look-back would: episodes open on or after the day a year before
the first year (with their whole history), and contacts, visits and the like from that day.
"""

import heapq
import json
import random
from collections import deque
from dataclasses import dataclass
from datetime import date
from functools import cache

from . import postcodes
from .days import Days, add_months, add_years, to_date, to_day
from .distributions import (
    ASSESSMENT_FACTORS,
    ASSESSMENT_LATE,
    ASSESSMENT_ON_TIME,
    CLA_START_AGE,
    CP_CATEGORY,
    CP_REVIEWS_TO_END,
    EARLY_HELP_END,
    EARLY_HELP_REASON,
    EARLY_HELP_SOURCE,
    ETHNICITY,
    FIRST_PLACEMENT,
    FORENAMES,
    FOSTER,
    ICPC_LATE,
    ICPC_ON_TIME,
    LATER_PLACEMENT,
    NO_PROVIDER,
    OTHER_PLACEMENT_2026,
    PLACEMENT_CHANGE_REASON,
    PRIMARY_NEED,
    PROVIDER,
    REFERRAL_AGE,
    REFERRAL_SOURCE,
    RESIDENTIAL,
    RETIRED_2025,
    REVIEW_PARTICIPATION,
    SEX,
    STEPPED_UP,
    SURNAMES,
    Pick,
)
from .profiles import Profile
from .teams import LocalityTeams, TeamRoles
from .workforce import MIN_ALLOCATION_DAYS, Roster

YEAR = 365
# The 2025-26 return's codes: H5 and P2 retired (K3 added), Z1 split into Z11 to Z14.
APRIL_2025 = to_day(date(2025, 4, 1))
# Placement types with no Ofsted URN (SSDA903 rules 218 and 222).
URN_EXEMPT = frozenset(
    {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13", "Z14"}
)
# Categories of need a period of care can start with: N9 (not in need) and N0 (not stated)
# are CIN census codes only.
CLA_NEEDS = frozenset({"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"})

# The columns each table's rows fill, in order (the rest stay null).
COLUMNS: dict[str, tuple[str, ...]] = {
    "ssd_contacts": (
        "cont_contact_id",
        "cont_person_id",
        "cont_contact_date",
        "cont_contact_source_code",
        "cont_contact_source_desc",
        "cont_contact_outcome_json",
    ),
    "ssd_early_help_episodes": (
        "earl_episode_id",
        "earl_person_id",
        "earl_episode_start_date",
        "earl_episode_end_date",
        "earl_episode_reason",
        "earl_episode_end_reason",
        "earl_episode_organisation",
    ),
    "ssd_cin_episodes": (
        "cine_referral_id",
        "cine_person_id",
        "cine_referral_date",
        "cine_cin_primary_need_code",
        "cine_referral_source_code",
        "cine_referral_source_desc",
        "cine_referral_outcome_json",
        "cine_referral_nfa",
        "cine_close_reason",
        "cine_close_date",
        "cine_referral_team",
        "cine_referral_worker_id",
    ),
    "ssd_cin_assessments": (
        "cina_assessment_id",
        "cina_person_id",
        "cina_referral_id",
        "cina_assessment_start_date",
        "cina_assessment_child_seen",
        "cina_assessment_auth_date",
        "cina_assessment_outcome_json",
        "cina_assessment_outcome_nfa",
        "cina_assessment_team",
        "cina_assessment_worker_id",
    ),
    "ssd_assessment_factors": (
        "cinf_table_id",
        "cinf_assessment_id",
        "cinf_assessment_factors_json",
    ),
    "ssd_s47_enquiry": (
        "s47e_s47_enquiry_id",
        "s47e_referral_id",
        "s47e_person_id",
        "s47e_s47_start_date",
        "s47e_s47_end_date",
        "s47e_s47_nfa",
        "s47e_s47_outcome_json",
        "s47e_s47_completed_by_team",
        "s47e_s47_completed_by_worker_id",
    ),
    "ssd_initial_cp_conference": (
        "icpc_icpc_id",
        "icpc_icpc_meeting_id",
        "icpc_s47_enquiry_id",
        "icpc_person_id",
        "icpc_cp_plan_id",
        "icpc_referral_id",
        "icpc_icpc_transfer_in",
        "icpc_icpc_target_date",
        "icpc_icpc_date",
        "icpc_icpc_outcome_cp_flag",
        "icpc_icpc_outcome_json",
        "icpc_icpc_team",
        "icpc_icpc_worker_id",
    ),
    "ssd_cp_plans": (
        "cppl_cp_plan_id",
        "cppl_referral_id",
        "cppl_icpc_id",
        "cppl_person_id",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "cppl_cp_plan_ola",
        "cppl_cp_plan_initial_category",
        "cppl_cp_plan_latest_category",
    ),
    "ssd_cp_visits": (
        "cppv_cp_visit_id",
        "cppv_person_id",
        "cppv_cp_plan_id",
        "cppv_cp_visit_date",
        "cppv_cp_visit_seen",
        "cppv_cp_visit_seen_alone",
        "cppv_cp_visit_bedroom",
    ),
    "ssd_cp_reviews": (
        "cppr_cp_review_id",
        "cppr_person_id",
        "cppr_cp_plan_id",
        "cppr_cp_review_due",
        "cppr_cp_review_date",
        "cppr_cp_review_meeting_id",
        "cppr_cp_review_outcome_continue_cp",
        "cppr_cp_review_quorate",
        "cppr_cp_review_participation",
    ),
    "ssd_cin_plans": (
        "cinp_cin_plan_id",
        "cinp_referral_id",
        "cinp_person_id",
        "cinp_cin_plan_start_date",
        "cinp_cin_plan_end_date",
        "cinp_cin_plan_team",
        "cinp_cin_plan_worker_id",
    ),
    "ssd_cin_visits": (
        "cinv_cin_visit_id",
        "cinv_person_id",
        "cinv_cin_visit_date",
        "cinv_cin_visit_seen",
        "cinv_cin_visit_seen_alone",
        "cinv_cin_visit_bedroom",
    ),
    "ssd_cin_plan_reviews": (
        "cinr_cin_plan_review_id",
        "cinr_cin_plan_id",
        "cinr_person_id",
        "cinr_cin_plan_review_due_date",
        "cinr_cin_plan_review_date",
    ),
    "ssd_cla_episodes": (
        "clae_cla_episode_id",
        "clae_person_id",
        "clae_cla_placement_id",
        "clae_cla_episode_start_date",
        "clae_cla_episode_start_reason",
        "clae_cla_primary_need_code",
        "clae_cla_episode_ceased_date",
        "clae_cla_episode_ceased_reason",
        "clae_cla_id",
        "clae_referral_id",
        "clae_cla_last_iro_contact_date",
        "clae_entered_care_date",
    ),
    "ssd_cla_placement": (
        "clap_cla_placement_id",
        "clap_cla_id",
        "clap_person_id",
        "clap_cla_placement_start_date",
        "clap_cla_placement_type",
        "clap_cla_placement_urn",
        "clap_cla_placement_distance",
        "clap_cla_placement_provider",
        "clap_cla_placement_postcode",
        "clap_cla_placement_end_date",
        "clap_cla_placement_change_reason",
    ),
    "ssd_cla_reviews": (
        "clar_cla_review_id",
        "clar_cla_id",
        "clar_cla_person_id",
        "clar_cla_review_due_date",
        "clar_cla_review_date",
        "clar_cla_review_cancelled",
        "clar_cla_review_participation",
    ),
    "ssd_cla_visits": (
        "clav_cla_visit_id",
        "clav_cla_id",
        "clav_person_id",
        "clav_cla_visit_date",
        "clav_cla_visit_seen",
        "clav_cla_visit_seen_alone",
    ),
    "ssd_cla_health": (
        "clah_health_check_id",
        "clah_person_id",
        "clah_health_check_type",
        "clah_health_check_date",
        "clah_health_check_status",
    ),
    "ssd_missing": (
        "miss_table_id",
        "miss_person_id",
        "miss_missing_episode_start_date",
        "miss_missing_episode_type",
        "miss_missing_episode_end_date",
        "miss_missing_rhi_offered",
        "miss_missing_rhi_accepted",
    ),
    "ssd_legal_status": (
        "lega_legal_status_id",
        "lega_person_id",
        "lega_legal_status",
        "lega_legal_status_start_date",
        "lega_legal_status_end_date",
    ),
    "ssd_permanence": (
        "perm_table_id",
        "perm_person_id",
        "perm_cla_id",
        "perm_adm_decision_date",
        "perm_part_of_sibling_group",
        "perm_siblings_placed_together",
        "perm_siblings_placed_apart",
        "perm_placement_order_date",
        "perm_matched_date",
        "perm_adopter_sex",
        "perm_adopter_legal_status",
        "perm_number_of_adopters",
        "perm_placed_for_adoption_date",
        "perm_adopted_by_carer_flag",
        "perm_placed_foster_carer_date",
        "perm_decision_reversed_date",
        "perm_decision_reversed_reason",
        "perm_permanence_order_date",
        "perm_permanence_order_type",
        "perm_adoption_worker_id",
    ),
    "ssd_pre_proceedings": (
        "prep_table_id",
        "prep_person_id",
        "prep_plo_family_id",
        "prep_pre_pro_decision_date",
        "prep_initial_pre_pro_meeting_date",
        "prep_pre_pro_outcome",
        "prep_agree_stepdown_issue_date",
        "prep_cp_plans_referral_period",
        "prep_legal_gateway_outcome",
        "prep_prev_pre_proc_child",
        "prep_prev_care_proc_child",
        "prep_pre_pro_letter_date",
        "prep_care_pro_letter_date",
        "prep_pre_pro_meetings_num",
        "prep_pre_pro_parents_legal_rep",
        "prep_parents_legal_rep_point_of_issue",
        "prep_court_reference",
        "prep_care_proc_court_hearings",
        "prep_care_proc_short_notice",
        "prep_la_inital_plan_approved",
        "prep_la_initial_care_plan",
        "prep_la_final_plan_approved",
        "prep_la_final_care_plan",
    ),
}
# Tables whose ids nothing refers to: their rows carry None, numbered when the tables are made.
LEAF_IDS = {
    "ssd_contacts": ("CT", 7),
    "ssd_early_help_episodes": ("EH", 6),
    "ssd_assessment_factors": ("AF", 6),
    "ssd_cp_reviews": ("CPR", 6),
    "ssd_cp_visits": ("CPV", 7),
    "ssd_cin_plan_reviews": ("CNR", 6),
    "ssd_cin_visits": ("CNV", 7),
    "ssd_legal_status": ("LS", 6),
    "ssd_cla_reviews": ("LR", 6),
    "ssd_cla_episodes": ("CE", 6),
    "ssd_cla_visits": ("LV", 7),
    "ssd_cla_health": ("H", 6),
    "ssd_missing": ("M", 6),
    "ssd_permanence": ("PM", 6),
    "ssd_pre_proceedings": ("PP", 6),
}
# The worker columns that hold a (span, day) placeholder until cases are allocated.
WORKER_COLUMNS = {
    "ssd_cin_assessments": "cina_assessment_worker_id",
    "ssd_s47_enquiry": "s47e_s47_completed_by_worker_id",
    "ssd_initial_cp_conference": "icpc_icpc_worker_id",
    "ssd_cin_plans": "cinp_cin_plan_worker_id",
}

TRANSFERRED = "Case transferred to another team"
CLOSED = "Case closed"
CARE_ENDED = "Care ended"
LEAVING_CARE_ENDED = "Leaving care support ended"


def _flags(**flags: str | int) -> str:
    return json.dumps(flags)


def _contact_outcome(outcome: str) -> str:
    keys = (
        "NEW_REFERRAL_FLAG",
        "EXISTING_REFERRAL_FLAG",
        "CP_ENQUIRY_FLAG",
        "NFA_FLAG",
        "NON_AGENCY_ADOPTION_FLAG",
        "PRIVATE_FOSTERING_FLAG",
        "ADVICE_FLAG",
        "MISSING_FLAG",
        "OLA_CP_FLAG",
        "OTHER_OUTCOMES_EXIST_FLAG",
    )
    on = {
        "referral": ("NEW_REFERRAL_FLAG",),
        "referral_cp": ("NEW_REFERRAL_FLAG", "CP_ENQUIRY_FLAG"),
        "existing": ("EXISTING_REFERRAL_FLAG",),
        "nfa": ("NFA_FLAG",),
        "advice": ("ADVICE_FLAG",),
        "missing": ("MISSING_FLAG", "ADVICE_FLAG"),
        "private_fostering": ("PRIVATE_FOSTERING_FLAG",),
        "early_help": ("OTHER_OUTCOMES_EXIST_FLAG",),
    }[outcome]
    flags: dict[str, str | int] = {k: "Y" if k in on else "N" for k in keys}
    flags["NUMBER_OF_OUTCOMES"] = len(on)
    flags["COMMENTS"] = "Passed to early help" if outcome == "early_help" else ""
    return json.dumps(flags)


CONTACT_OUTCOME = {
    k: _contact_outcome(k)
    for k in (
        "referral",
        "referral_cp",
        "existing",
        "nfa",
        "advice",
        "missing",
        "private_fostering",
        "early_help",
    )
}
OTHER_CONTACT_OUTCOME = Pick(
    {"nfa": 40, "advice": 42, "missing": 8, "private_fostering": 1, "existing": 9}
)
REFERRAL_OUTCOME = {
    "nfa": _flags(NFA_FLAG="Y", SINGLE_ASSESSMENT_FLAG="N", STRATEGY_DISCUSSION_FLAG="N"),
    "assessment": _flags(NFA_FLAG="N", SINGLE_ASSESSMENT_FLAG="Y", STRATEGY_DISCUSSION_FLAG="N"),
    "s47": _flags(NFA_FLAG="N", SINGLE_ASSESSMENT_FLAG="Y", STRATEGY_DISCUSSION_FLAG="Y"),
    "cla": _flags(
        NFA_FLAG="N", SINGLE_ASSESSMENT_FLAG="Y", STRATEGY_DISCUSSION_FLAG="N", CLA_REQUEST_FLAG="Y"
    ),
}
ASSESSMENT_OUTCOME = {
    kind: _flags(
        NFA_FLAG="Y" if kind == "nfa" else "N",
        EARLY_HELP_FLAG="Y" if kind == "early_help" else "N",
        CIN_PLAN_FLAG="Y" if kind == "cin_plan" else "N",
        STRATEGY_DISCUSSION_FLAG="Y" if kind == "s47" else "N",
        CLA_FLAG="Y" if kind == "cla" else "N",
        PROVISION_OF_SERVICES_FLAG="Y" if kind == "services" else "N",
    )
    for kind in ("nfa", "early_help", "cin_plan", "s47", "cla", "services")
}
S47_OUTCOME = {
    kind: _flags(
        NFA_FLAG="Y" if kind == "nfa" else "N",
        CP_CONFERENCE_FLAG="Y" if kind == "icpc" else "N",
        NFA_CONTINUE_SINGLE_FLAG="Y" if kind == "continue" else "N",
        PROV_OF_SERVICES_FLAG="Y" if kind == "continue" else "N",
        LEGAL_ACTION_FLAG="N",
        MONITOR_FLAG="N",
    )
    for kind in ("nfa", "icpc", "continue")
}
ICPC_OUTCOME = {
    flag: _flags(CP_FLAG=flag, NFA_FLAG="N", PROV_OF_SERVICES_FLAG="N" if flag == "Y" else "Y")
    for flag in ("Y", "N")
}

UNTIL_18_REASON = Pick({"E17": 20, "E5": 25, "E6": 8, "E8": 37, "E13": 10})
OTHER_END_REASON = Pick({"E13": 40, "E8": 30, "E16": 6, "E3": 2, "E7": 2, "E9": 8, "E14": 12})
SGO_REASON = Pick({"E45": 40, "E46": 20, "E47": 30, "E48": 10})
HOME_REASON = Pick({"E4A": 82, "E4B": 18})
PATHWAYS = {
    # Age band at entry -> how the period of care ends (guesses tuned to England's mix of
    # reasons for leaving care and to a stock of about 2.7 years of entries).
    "baby": Pick({"home_short": 22, "home_long": 8, "adoption": 45, "sgo": 15, "cao": 4,
                  "until18": 8}),
    "child": Pick({"home_short": 36, "home_long": 16, "sgo": 12, "cao": 5, "until18": 24,
                   "adoption": 9}),
    "teen": Pick({"home_short": 48, "home_long": 10, "until18": 30, "other": 10, "sgo": 2}),
    "older": Pick({"home_short": 30, "until18": 62, "other": 8}),
}  # fmt: skip
CARE_ORDER_ROUTE = {"adoption": 1.0, "sgo": 0.85, "cao": 0.8, "home_long": 0.6, "until18": 0.55}
EH_ORGANISATION = Pick(
    {
        "Early help hub": 45,
        "Family hub": 25,
        "School": 18,
        "Health visiting": 7,
        "Voluntary sector": 5,
    }
)
FINAL_CARE_PLAN = {
    "adoption": "Adoption",
    "sgo": "Special guardianship",
    "cao": "Child arrangements order",
    "home_long": "Return home",
    "home_short": "Return home",
    "until18": "Long-term fostering",
    "other": "Long-term fostering",
}


@cache
def _factors_json(factors: frozenset[str]) -> str:
    return json.dumps(sorted(factors))


def _care_factor(age: float) -> float:
    """Babies come into care far more often than their share of referrals (a fifth of
    England's entrants are under one), primary school children less often."""
    return 2.6 if age < 1 else 1.0 if age < 5 else 0.7 if age < 10 else 1.0


def _band(age: float) -> str:
    return "baby" if age < 1 else "child" if age < 10 else "teen" if age < 16 else "older"


class Child:
    __slots__ = (
        "cla_periods",
        "cp_plans",
        "dob",
        "ethnicity",
        "expected",
        "forename",
        "keep",
        "leaver",
        "locality",
        "n",
        "nationality",
        "open_until",
        "pid",
        "plo",
        "send",
        "sex",
        "surname",
        "upn",
    )

    def __init__(self, n: int, pid: str) -> None:
        self.n = n
        self.pid = pid
        self.keep = False
        self.open_until = -1  # last day of the open episode; far future while open
        self.cp_plans = 0
        self.cla_periods = 0
        self.plo = 0
        self.leaver = None  # (period start, period end or None, PA span or None, until)
        self.nationality = None
        self.expected = None


@dataclass
class CarePlan:
    pathway: str
    end: int
    reason: str
    adm: int | None = None
    placement_order: int | None = None
    matched: int | None = None
    placed: int | None = None
    reversed: int | None = None


class Episode:
    __slots__ = ("busy_until", "child", "cw_span", "cw_team", "had_cp", "loc", "need", "ref")

    def __init__(self, child: Child, ref: str, loc: LocalityTeams, need: str) -> None:
        self.child = child
        self.ref = ref
        self.loc = loc
        self.need = need
        self.cw_team = None
        self.cw_span = None
        self.had_cp = False
        # The day its last assessment, enquiry or conference is finished (OPEN_WORK while one
        # is still under way at the end): the episode cannot close before it.
        self.busy_until = -1


# An episode's work still under way at the end of the record: it stays open.
OPEN_WORK = 10**9


class CaseSimulation:
    def __init__(
        self,
        profile: Profile,
        roles: TeamRoles,
        roster: Roster,
        days: Days,
        *,
        seed: int,
        history_start: int,
        window_start: int,
        end: int,
    ) -> None:
        self.profile = profile
        self.rates = profile.rates
        self.roles = roles
        self.roster = roster
        self.days = days
        self.rng = random.Random(f"{profile.name}-{seed}-pathway")
        self.start = history_start
        self.window_start = window_start
        self.horizon = window_start - YEAR
        # Allocation records go back as far as the workforce does: a year before the start.
        self.floor = history_start - YEAR
        self.end = end
        self.prefix = profile.prefix
        self.tables: dict[str, list[tuple]] = {name: [] for name in COLUMNS}
        self.spans: list[list] = []  # [person, referral, team, role, start, end, reason]
        self.children: list[Child] = []
        self._ids: dict[str, list] = {}  # kind of id -> [last number, format]
        self.scheduled: list[tuple] = []
        self._seq = 0
        self._buffers = [*self.tables.values(), self.spans]
        # Timeliness differs by team: each team is a little better or worse than the rest.
        team_rng = random.Random(f"{profile.name}-{seed}-teams")
        teams = sorted(
            {t for loc in roles.localities for t in (*loc.assessment, *loc.safeguarding, loc.cla)}
        )
        bias = [team_rng.uniform(-0.06, 0.06) for _ in teams]
        mean = sum(bias) / len(bias)  # the authority as a whole keeps the profile's rates
        self.team_bias = {team: b - mean for team, b in zip(teams, bias, strict=True)}

    # -- small helpers ---------------------------------------------------------------------

    def next_id(self, kind: str, width: int = 6) -> str:
        entry = self._ids.get(kind)
        if entry is None:
            entry = self._ids[kind] = [0, f"{self.prefix}{kind}%0{width}d"]
        entry[0] += 1
        return entry[1] % entry[0]

    def ri(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high``, as ``randint`` but cheaper."""
        return low + int(self.rng.random() * (high - low + 1))

    def on_time(self, pair: tuple[float, float], day: int, team: str | None = None) -> bool:
        frac = (day - self.window_start) / (self.end - self.window_start)
        frac = 0.0 if frac < 0 else 1.0 if frac > 1 else frac
        p = pair[0] + (pair[1] - pair[0]) * frac
        if team is not None:
            p += self.team_bias.get(team, 0.0)
        return self.rng.random() < p

    def span(self, child: Child, ref: str | None, team: str, role: str, start: int) -> int:
        # A case that passes to a team after the end has no involvement (role None) yet.
        role = role if start <= self.end else None
        self.spans.append([child.pid, ref, team, role, max(start, self.floor), None, None])
        return len(self.spans) - 1

    def end_span(self, i: int, day: int, reason: str) -> None:
        span = self.spans[i]
        # An involvement lasts a day at least: one that would end after the extract date is
        # still open on it.
        if max(day, span[4] + 1) > self.end:
            return
        if day <= self.floor:
            span[3] = None  # ended before the allocation records begin: no involvement
        elif reason == CLOSED and day - span[4] < MIN_ALLOCATION_DAYS:
            # A case closed within a day or two of opening is closed on duty, never
            # allocated: so short an allocation is no social worker episode (SSDA903 SW09).
            span[3] = None
        else:
            span[5], span[6] = max(day, span[4] + 1), reason

    def move(self, ep: Episode, team: str, day: int) -> None:
        """The case passes to ``team`` on ``day``."""
        if ep.cw_team == team:
            return
        if ep.cw_team in ep.loc.safeguarding and team in ep.loc.safeguarding:
            return  # stays with the safeguarding team that has it
        if 0 <= add_years(ep.child.dob, 18) - day < MIN_ALLOCATION_DAYS:
            return  # the case closes at 18 within days: the team that has it sees it through
        span = self.spans[ep.cw_span] if ep.cw_span is not None else None
        if span is not None and day - span[4] < MIN_ALLOCATION_DAYS:
            # Nobody hands a case on within a day or two of taking it (a child who comes into
            # care the day they are referred is allocated to the looked-after team at once):
            # the team that keeps it holds it from the start, rather than leaving an
            # allocation too short to be a social worker episode (SSDA903 SW09, SW19).
            span[2] = team
            ep.cw_team = team
            return
        if ep.cw_span is not None:
            self.end_span(ep.cw_span, day, TRANSFERRED)
        ep.cw_span = self.span(ep.child, ep.ref, team, "CW", day)
        ep.cw_team = team

    def worker(self, ep: Episode, day: int) -> tuple[int, int]:
        return (ep.cw_span, min(day, self.end))

    def schedule(self, day: int, child: Child, source=None, risk: bool = False) -> None:
        if day <= self.end:
            self._seq += 1
            heapq.heappush(self.scheduled, (day, self._seq, child, source, risk))

    def age(self, child: Child, day: int) -> float:
        return (day - child.dob) / 365.25

    # -- children --------------------------------------------------------------------------

    def new_child(self, day: int, age: int | None = None, unborn: bool = False) -> Child:
        rng = self.rng
        child = Child(len(self.children) + 1, self.next_id("C"))
        child.sex = SEX(rng)
        if unborn:
            child.expected = day + self.ri(20, 150)
            child.dob = child.expected + self.ri(-14, 10)
        else:
            years = REFERRAL_AGE(rng) if age is None else age
            child.dob = day - years * YEAR - self.ri(0, 364)
        child.ethnicity = ETHNICITY(rng)
        child.forename = rng.choice(FORENAMES[child.sex])
        child.surname = rng.choice(SURNAMES)
        child.locality = rng.randrange(len(self.roles.localities))
        child.send = "Y" if rng.random() < 0.14 else "N"
        child.upn = None
        self.children.append(child)
        return child

    # -- the front door --------------------------------------------------------------------

    def contact(self, child: Child, day: int, source: tuple[str, str], outcome: str) -> None:
        if day < self.horizon or day > self.end:
            return
        child.keep = True
        self.tables["ssd_contacts"].append(
            (None, child.pid, day, source[0], source[1], CONTACT_OUTCOME[outcome])
        )

    def other_contact(self, day: int) -> None:
        """A contact about a child that does not become a referral."""
        rng = self.rng
        child = None
        if self.children and rng.random() < self.rates.contact_known_child:
            candidate = self.children[rng.randrange(len(self.children))]
            if candidate.dob < day and self.age(candidate, day) < 17.9:
                child = candidate
        if child is None:
            child = self.new_child(day)
        source = REFERRAL_SOURCE(rng)
        if child.open_until >= day:
            self.contact(child, day, source, "existing")
        elif rng.random() < self.rates.contact_early_help:
            self.contact(child, day, source, "early_help")
            self.early_help(child, day)
        else:
            outcome = OTHER_CONTACT_OUTCOME(rng)
            self.contact(child, day, source, "nfa" if outcome == "existing" else outcome)

    def early_help(self, child: Child, day: int) -> None:
        rng, days = self.rng, self.days
        start = days.on_or_after(day + self.ri(1, 20))
        if start > self.end:
            return
        stop = start + self.ri(42, 300)
        reason = EARLY_HELP_END(rng)
        if stop > self.end:
            stop, reason = None, None
        elif reason == STEPPED_UP and self.age(child, stop) < 17.5:
            self.schedule(days.on_or_after(stop), child, EARLY_HELP_SOURCE)
        if stop is not None and stop < self.horizon:
            return
        child.keep = True
        self.tables["ssd_early_help_episodes"].append(
            (
                None,
                child.pid,
                start,
                stop,
                EARLY_HELP_REASON(rng),
                reason,
                EH_ORGANISATION(rng),
            )
        )

    # -- a referral and everything that follows --------------------------------------------

    def referral(
        self,
        child: Child,
        day: int,
        source: tuple[str, str] | None = None,
        risk: bool = False,
        care: tuple[int, CarePlan] | None = None,
    ) -> None:
        """One referral (CIN episode), generated to its close or to the end of the record.
        ``care``: a child already in care at the start, (day entered care, care plan)."""
        rng, days, rates, end = self.rng, self.days, self.rates, self.end
        mark = [len(b) for b in self._buffers]
        leaver_before = child.leaver
        ref = self.next_id("R")
        loc = self.roles.localities[child.locality]
        unborn = child.dob > day
        source = source or REFERRAL_SOURCE(rng)
        child.open_until = 10**9
        front_door = self.roster.pick(self.roles.front_door, day, rng)
        fd_worker = front_door.professional_id if front_door else None
        age = self.age(child, day)

        # What happens next is decided up front; the dates follow.
        nfa = care is None and not risk and rng.random() < rates.referral_nfa
        uasc = care is None and child.nationality is not None
        cwd = (
            care is None
            and not (nfa or unborn or uasc or risk)
            and age < 16.5
            and rng.random() < rates.cwd
        )
        s47 = (
            care is None
            and not (nfa or uasc or cwd)
            and rng.random() < rates.s47 * (1.6 if risk else 0.5 if unborn else 1.0)
        )
        if uasc:
            need = "N8"
        elif cwd:
            need = "N2"
        elif s47 or care is not None:
            need = "N1" if rng.random() < 0.85 else PRIMARY_NEED(rng)
        else:
            need = PRIMARY_NEED(rng)
        ep = Episode(child, ref, loc, need)

        contact_day = day
        r = rng.random()
        if r > 0.7:
            contact_day = days.add(day, -1 if r < 0.95 else -self.ri(2, 3))
        self.contact(child, contact_day, source, "referral_cp" if s47 else "referral")

        close_day: int | None = None
        close_reason: str | None = None
        state: str
        t = day
        if nfa:
            close_day, close_reason, state = day, "RC8", "closed"
            outcome = "nfa"
        elif uasc:
            outcome = "cla"
            self.move(ep, loc.cla, day)
            t, state = days.add(day, self.ri(0, 2)), "cla"
            self.assessment(ep, day, "cla", team=loc.cla)
        elif care is not None:
            outcome = "cla"
            self.move(ep, loc.assessment[0], day)
            self.assessment(ep, day, "cla", must_end=care[0])
            t, state = care[0], "cla"
        else:
            outcome = "s47" if s47 else "assessment"
            team = loc.cwd if cwd else rng.choice(loc.assessment)
            start = days.add(day, 0 if rng.random() < 0.6 else self.ri(1, 3))
            self.move(ep, team, start)
            t = start
            if s47:
                state, t = self.s47(ep, day, risk=risk)
                to_care = state == "after_assessment" and (
                    rng.random() < rates.s47_to_cla * _care_factor(age)
                )
                outcome_kind = "s47" if state == "cp" else "cla" if to_care else "services"
                auth = self.assessment(ep, start, outcome_kind)
                if to_care:
                    state = "cla"
                elif state == "after_assessment":
                    if auth is None:
                        state, t = "open", end + 1
                    else:
                        # The enquiry (and any conference) can outlast the assessment: what
                        # follows waits for both.
                        t = max(t, auth)
                        r = rng.random()
                        # Closed with no further action after an enquiry: RC7, as RC8 and
                        # RC9 say no s47 enquiry was needed (CIN census rule 2990).
                        state = "cin_plan" if r < 0.22 else "short" if r < 0.5 else "close"
            else:
                r = rng.random()
                if cwd:
                    kind = "cwd"
                elif unborn:
                    kind = "cla" if r < 0.08 else "cin_plan" if r < 0.4 else "not_in_need"
                elif r < rates.cla_from_assessment * _care_factor(age):
                    kind = "cla"
                elif r < rates.cla_from_assessment + rates.cin_plan:
                    kind = "cin_plan"
                else:
                    kind = "not_in_need" if rng.random() < rates.not_in_need else "short"
                if kind == "cla":
                    # Some children come into care before the assessment is finished.
                    urgent = days.add(start, self.ri(0, 10))
                    auth = self.assessment(ep, start, "cla", must_end=None)
                    t = urgent if rng.random() < 0.5 or auth is None else auth
                    t = max(t, child.dob)  # a baby removed at birth
                    state = "cla"
                else:
                    early = (
                        kind == "not_in_need" and rng.random() < rates.early_help_after_assessment
                    )
                    outcome_kind = {
                        "cwd": "cin_plan",
                        "cin_plan": "cin_plan",
                        "short": "services",
                        "not_in_need": "early_help" if early else "nfa",
                    }[kind]
                    auth = self.assessment(ep, start, outcome_kind)
                    if auth is None:
                        state, t = "open", end + 1
                    else:
                        t = auth
                        state = {"not_in_need": "rc9" if early else "rc8"}.get(kind, kind)

        # The pathway after the assessment, until the episode closes or the record ends.
        last_kind = "short"
        eighteen = add_years(child.dob, 18)
        while close_day is None and t <= end:
            if t >= eighteen:
                close_day, close_reason = eighteen, "RC6" if cwd else "RC7"
                break
            if state in ("rc8", "rc9"):
                close_day, close_reason = t, state.upper()
                last_kind = "nfa"
                if state == "rc9":
                    self.early_help(child, t)
            elif state == "short":
                close_day, close_reason = t + self.ri(7, 50), "RC7"
            elif state == "closed":
                break
            elif state == "cin_plan" or state == "cwd":
                state, t = self.cin_plan(
                    ep, t, long=state == "cwd" or cwd, team=loc.cwd if cwd else None
                )
                last_kind = "cin"
            elif state == "escalate":
                state, t = self.s47(ep, t, risk=True)
                if state != "close":  # "close": the child turned 18 before it could begin
                    self.assessment(ep, t, "s47")
                if state == "after_assessment":
                    state = "cin_plan"
            elif state == "cp":
                state, t = self.cp_plan(ep, t)
                last_kind = "cp"
            elif state == "cla":
                plan = care[1] if care is not None and t == care[0] else None
                state, t = self.period_of_care(ep, t, plan, from_cp=last_kind == "cp", uasc=uasc)
                last_kind = state
                if state in ("adopted", "sgo", "cao", "home", "left"):
                    reason = {"adopted": "RC1", "sgo": "RC4", "cao": "RC3"}.get(state, "RC7")
                    if state == "home" and rng.random() < 0.3:
                        state = "cin_plan"
                    else:
                        close_day, close_reason = t, reason
            elif state == "rc5":
                close_day, close_reason = t, "RC5"
            elif state == "close":
                close_day, close_reason = t, "RC7"
            elif state == "open":
                break
            else:
                raise AssertionError(state)
        if close_day is not None and close_day < ep.busy_until:
            # An episode is closed only when its work is finished: not while an assessment
            # awaits authorisation or an enquiry or its conference is still to come.
            close_day = ep.busy_until
        if close_day is not None and close_day > end:
            close_day = close_reason = None
        if close_day is not None and ep.cw_span is not None:
            self.end_span(ep.cw_span, close_day, CLOSED)

        if close_day is not None and close_day < self.horizon:
            # Closed before the record's look-back: not in the extract.
            for buffer, n in zip(self._buffers, mark, strict=True):
                del buffer[n:]
            child.leaver = leaver_before
        else:
            child.keep = True
            self.tables["ssd_cin_episodes"].append(
                (
                    ref,
                    child.pid,
                    day,
                    need,
                    source[0],
                    source[1],
                    REFERRAL_OUTCOME[outcome],
                    "Y" if nfa else "N",
                    close_reason,
                    close_day,
                    self.roles.front_door,
                    fd_worker,
                )
            )
            # Other agencies keep in touch while the case is open.
            stop = end if close_day is None else close_day
            for _ in range(self.poisson((stop - day) / 330)):
                self.contact(child, self.ri(day, stop), REFERRAL_SOURCE(rng), "existing")
        child.open_until = close_day if close_day is not None else 10**9
        if close_day is not None:
            self.after_close(child, day, close_day, "cp" if ep.had_cp else last_kind)

    def after_close(self, child: Child, referred: int, closed: int, kind: str) -> None:
        """Some children come back: soon (a re-referral within 12 months), or later."""
        rng, rates = self.rng, self.rates
        if self.age(child, closed) > 17.3:
            return
        if kind == "cp":
            if rng.random() < rates.rereferral_after_cp:
                self.schedule(closed + self.ri(30, 700), child, risk=rng.random() < 0.8)
            return
        if kind in ("adopted", "sgo", "cao", "left"):
            if rng.random() < 0.03:
                self.schedule(closed + self.ri(200, 1500), child)
            return
        window = referred + YEAR - 1 - closed
        if window > 10 and rng.random() < rates.rereferral_12m:
            self.schedule(closed + self.ri(7, window), child)
        elif rng.random() < rates.rereferral_later:
            self.schedule(referred + YEAR + 1 + round(rng.expovariate(1 / 500)), child)

    def poisson(self, mean: float) -> int:
        if mean <= 0:
            return 0
        if mean > 30:
            return max(0, round(self.rng.gauss(mean, mean**0.5)))
        n, p, limit = 0, self.rng.random(), 2.718281828459045**-mean
        while p > limit:
            n += 1
            p *= self.rng.random()
        return n

    # -- assessments, s47 enquiries, conferences -------------------------------------------

    def assessment(
        self,
        ep: Episode,
        start: int,
        outcome: str,
        team: str | None = None,
        must_end: int | None = None,
    ) -> int | None:
        """A child and family assessment; returns the day it was authorised (None: still
        open at the end of the record)."""
        rng, days = self.rng, self.days
        start = days.on_or_after(start)
        team = team or ep.cw_team
        if start > self.end:
            return None
        band = (
            ASSESSMENT_ON_TIME
            if self.on_time(self.rates.assessment_on_time, start, team)
            else ASSESSMENT_LATE
        )
        low, high = band(rng)
        auth = days.add(start, self.ri(low, high))
        child = ep.child
        # The episode closes when the child turns 18, so the assessment is finished by then.
        eighteen = add_years(child.dob, 18)
        must_end = eighteen if must_end is None else min(must_end, eighteen)
        if auth > must_end:
            auth = max(start, days.on_or_before(must_end))
        aid = self.next_id("A")
        held = auth <= self.end
        ep.busy_until = max(ep.busy_until, auth if held else OPEN_WORK)
        seen = "N" if child.dob > start or rng.random() < 0.03 else "Y"
        self.tables["ssd_cin_assessments"].append(
            (
                aid,
                child.pid,
                ep.ref,
                start,
                seen,
                auth if held else None,
                ASSESSMENT_OUTCOME[outcome] if held else None,
                ("Y" if outcome in ("nfa", "early_help") else "N") if held else None,
                team,
                self.worker(ep, auth),
            )
        )
        if held:
            factors = frozenset(ASSESSMENT_FACTORS(rng) for _ in range(1 + self.poisson(1.2)))
            self.tables["ssd_assessment_factors"].append((None, aid, _factors_json(factors)))
        return auth if held else None

    def s47(self, ep: Episode, day: int, risk: bool) -> tuple[str, int]:
        """A strategy discussion and section 47 enquiry, perhaps an initial conference.
        Returns the next state ("cp" or "after_assessment") and its day; ("close", the 18th
        birthday) when the child is an adult before the enquiry could begin."""
        rng, days, rates = self.rng, self.days, self.rates
        start = days.on_or_after(day + rng.choice((0, 0, 0, 1, 1, 2, 3, 5)))
        if start > self.end:
            return "open", self.end + 1
        eighteen = add_years(ep.child.dob, 18)
        if start >= eighteen:
            return "close", eighteen
        team = ep.cw_team
        icpc = rng.random() < rates.icpc_per_s47 * (1.7 if risk else 1.0)
        sid = self.next_id("S")
        conference = None
        if icpc:
            band = ICPC_ON_TIME if self.on_time(rates.icpc_on_time, start, team) else ICPC_LATE
            low, high = band(rng)
            conference = days.add(start, self.ri(low, high))
            finish = days.add(start, self.ri(2, low))
            # No initial conference is held for an adult: the enquiry ends without one.
            icpc = conference < eighteen
        if icpc:
            outcome = "icpc"
        else:
            conference = None
            finish = days.add(start, self.ri(3, 25))
            outcome = "continue" if rng.random() < 0.45 else "nfa"
        # The episode closes when the child turns 18, so the enquiry is finished by then.
        if finish > eighteen:
            finish = max(start, days.on_or_before(eighteen))
        done = finish <= self.end
        last = conference if conference is not None else finish
        ep.busy_until = max(ep.busy_until, last if last <= self.end else OPEN_WORK)
        self.tables["ssd_s47_enquiry"].append(
            (
                sid,
                ep.ref,
                ep.child.pid,
                start,
                finish if done else None,
                ("Y" if outcome == "nfa" else "N") if done else None,
                S47_OUTCOME[outcome] if done else None,
                team,
                self.worker(ep, finish),
            )
        )
        if not icpc:
            return "after_assessment", finish
        if conference > self.end:
            return "open", self.end + 1
        plan = rng.random() < rates.cp_per_icpc * (1.08 if risk else 1.0)
        plan = plan and conference < add_years(ep.child.dob, 18)
        cid = self.next_id("IC")
        cp_id = self.next_id("CP") if plan else None
        self._icpc = (cid, cp_id)
        self.tables["ssd_initial_cp_conference"].append(
            (
                cid,
                self.next_id("ICM"),
                sid,
                ep.child.pid,
                cp_id,
                ep.ref,
                "N",
                days.add(start, 15),
                conference,
                "Y" if plan else "N",
                ICPC_OUTCOME["Y" if plan else "N"],
                team,
                self.worker(ep, conference),
            )
        )
        return ("cp" if plan else "after_assessment"), conference

    # -- child protection plans ------------------------------------------------------------

    def cp_plan(self, ep: Episode, start: int) -> tuple[str, int]:
        rng, days, rates, end = self.rng, self.days, self.rates, self.end
        child = ep.child
        icpc_id, pid = self._icpc
        self.move(ep, ep.loc.cwd if ep.need == "N2" else rng.choice(ep.loc.safeguarding), start)
        team = ep.cw_team
        ep.had_cp = True
        iro = self.span(child, ep.ref, self.roles.iro, "IRO", start)
        eighteen = add_years(child.dob, 18)
        child.cp_plans += 1

        # How it ends: at a review conference, or early (care, a move away).
        r = rng.random()
        early = None
        if r < rates.cp_to_cla:
            nxt, early = "cla", start + self.ri(20, 420)
        elif r < rates.cp_to_cla + 0.03:
            nxt, early = "rc5", start + self.ri(20, 300)
        else:
            r = rng.random()
            nxt = "cin_plan" if r < 0.52 else "close"
        reviews_left = CP_REVIEWS_TO_END(rng)
        category = CP_CATEGORY(rng)
        latest = category

        # Review conferences: 3 months after the conference, then every 6 months.
        reviews = self.tables["ssd_cp_reviews"]
        due = add_months(start, 3)
        stop = None
        n = 0
        while True:
            if early is not None and early <= due:
                stop = days.on_or_after(early)
                break
            if self.on_time(rates.cp_review_on_time, due, team):
                held = days.on_or_before(due - self.ri(0, 12))
            else:
                held = days.on_or_after(due + self.ri(1, 30))
            if held > end or held >= eighteen:
                break
            n += 1
            final = early is None and n >= reviews_left
            if rng.random() < 0.08:
                latest = CP_CATEGORY(rng)
            reviews.append(
                (
                    None,
                    child.pid,
                    pid,
                    due,
                    held,
                    self.next_id("CPM"),
                    "N" if final else "Y",
                    "Y" if rng.random() < 0.96 else "N",
                    "PN0" if self.age(child, held) < 4 else REVIEW_PARTICIPATION(rng),
                )
            )
            if final:
                stop = held
                break
            due = add_months(held, 6)
        if (stop is not None and stop > eighteen) or (stop is None and eighteen <= end):
            stop, nxt = eighteen, "close"

        # Statutory visits every 10 working days, some late.
        visits = self.tables["ssd_cp_visits"]
        last = min(stop, end + 1) if stop is not None else end + 1
        v = days.add(start, self.ri(2, 8))
        horizon = self.horizon
        while v < last:
            if v >= horizon:
                young = self.age(child, v) < 4
                seen = "Y" if rng.random() < 0.95 else "N"
                visits.append(
                    (
                        None,
                        child.pid,
                        pid,
                        v,
                        seen,
                        "N" if young or seen == "N" else ("Y" if rng.random() < 0.72 else "N"),
                        "Y" if seen == "Y" and rng.random() < 0.8 else "N",
                    )
                )
            gap = (
                self.ri(5, 10) if self.on_time(rates.cp_visit_on_time, v, team) else self.ri(11, 19)
            )
            v = days.add(v, gap)

        open_at_end = stop is None or stop > end
        self.tables["ssd_cp_plans"].append(
            (
                pid,
                ep.ref,
                icpc_id,
                child.pid,
                start,
                None if open_at_end else stop,
                "N",
                category,
                latest,
            )
        )
        if not open_at_end:
            self.end_span(iro, stop, "Plan ended")
            if nxt == "close" and rng.random() < 0.06:
                self.pre_proceedings(ep, start + self.ri(30, 200), stop, None, None)
            if nxt == "cin_plan" and rng.random() < 0.3:
                self.assessment(ep, days.add(stop, -self.ri(5, 15)), "cin_plan")
            return nxt, stop
        return "open", end + 1

    # -- child in need plans ---------------------------------------------------------------

    def cin_plan(self, ep: Episode, start: int, long: bool, team: str | None) -> tuple[str, int]:
        rng, days, rates, end = self.rng, self.days, self.rates, self.end
        child = ep.child
        start = days.on_or_after(start + self.ri(0, 10))
        if start > end:
            return "open", end + 1
        eighteen = add_years(child.dob, 18)
        if start >= eighteen:
            # Nobody starts a child in need plan for an adult: the episode closes at 18.
            return "close", eighteen
        self.move(ep, team or rng.choice(ep.loc.safeguarding), start)
        team = ep.cw_team
        pid = self.next_id("CN")
        length = self.ri(270, 1100) if long else round(rng.triangular(45, 360, 120))
        stop = start + length
        r = rng.random()
        if long:
            nxt = "close"
        elif r < rates.cin_plan_to_cp:
            nxt = "escalate"
        elif r < rates.cin_plan_to_cp + rates.cin_plan_to_cla:
            nxt = "cla"
        elif r < rates.cin_plan_to_cp + rates.cin_plan_to_cla + 0.02:
            nxt = "rc5"
        else:
            nxt = "close"
        if stop > eighteen:
            stop, nxt = eighteen, "close"
        stop = days.on_or_after(stop)
        last = min(stop, end + 1)

        reviews = self.tables["ssd_cin_plan_reviews"]
        due = add_months(start, 3)
        while due < last:
            if self.on_time(rates.cin_review_on_time, due, team):
                held = days.on_or_before(due - self.ri(0, 10))
            else:
                held = days.on_or_after(due + self.ri(1, 40))
            if held >= last:
                break
            reviews.append((None, pid, child.pid, due, held))
            due = add_months(held, 3)

        visits = self.tables["ssd_cin_visits"]
        v = days.add(start, self.ri(3, 15))
        horizon = self.horizon
        while v < last:
            if v >= horizon:
                seen = "Y" if child.dob <= v and rng.random() < 0.94 else "N"
                alone = (
                    "Y" if seen == "Y" and self.age(child, v) >= 4 and rng.random() < 0.6 else "N"
                )
                visits.append(
                    (
                        None,
                        child.pid,
                        v,
                        seen,
                        alone,
                        "Y" if seen == "Y" and rng.random() < 0.5 else "N",
                    )
                )
            gap = (
                self.ri(10, 20)
                if self.on_time(rates.cin_visit_on_time, v, team)
                else self.ri(21, 32)
            )
            v = days.add(v, gap)

        self.tables["ssd_cin_plans"].append(
            (
                pid,
                ep.ref,
                child.pid,
                start,
                stop if stop <= end else None,
                team,
                self.worker(ep, start),
            )
        )
        return (nxt, stop) if stop <= end else ("open", end + 1)

    # -- periods of care -------------------------------------------------------------------

    def care_plan(self, child: Child, entry: int, uasc: bool = False) -> CarePlan:
        """How a period of care will end, decided when it starts."""
        rng = self.rng
        age = (entry - child.dob) / 365.25
        eighteen = add_years(child.dob, 18)
        pathway = "until18" if uasc and rng.random() < 0.8 else PATHWAYS[_band(age)](rng)
        plan = CarePlan(pathway, eighteen, "E8")
        if pathway == "home_short":
            plan.end = entry + max(3, min(900, round(rng.lognormvariate(4.6, 1.0))))
            plan.reason = HOME_REASON(rng)
        elif pathway == "home_long":
            plan.end = entry + self.ri(365, 1500)
            plan.reason = "E4A"
        elif pathway == "adoption":
            plan.adm = entry + self.ri(120, 360)
            plan.placement_order = plan.adm + self.ri(30, 150)
            if rng.random() < 0.12:
                plan.reversed = plan.placement_order + self.ri(60, 300)
                plan.pathway = "until18" if rng.random() < 0.6 else "sgo"
                plan.end = (
                    eighteen if plan.pathway == "until18" else plan.reversed + self.ri(120, 500)
                )
                plan.reason = UNTIL_18_REASON(rng) if plan.pathway == "until18" else SGO_REASON(rng)
            else:
                plan.matched = plan.placement_order + self.ri(30, 270)
                plan.placed = plan.matched + self.ri(7, 40)
                plan.end = plan.placed + self.ri(150, 420)
                plan.reason = "E11" if rng.random() < 0.7 else "E12"
        elif pathway == "sgo":
            plan.end = entry + self.ri(270, 900)
            plan.reason = SGO_REASON(rng)
        elif pathway == "cao":
            plan.end = entry + self.ri(180, 720)
            plan.reason = "E41"
        elif pathway == "other":
            plan.end = entry + self.ri(30, 1100)
            plan.reason = OTHER_END_REASON(rng)
            # Adult social care takes over at 16 at the earliest (SSDA903 rule 389).
            while plan.reason == "E7" and plan.end < add_years(child.dob, 16):
                plan.reason = OTHER_END_REASON(rng)
        else:
            plan.reason = UNTIL_18_REASON(rng)
        if plan.end >= eighteen:
            plan.end = eighteen
            if plan.pathway != "until18":
                plan.pathway, plan.reason = "until18", UNTIL_18_REASON(rng)
            if plan.adm is not None and (plan.placed or 0) >= eighteen:
                plan.matched = plan.placed = None
        return plan

    def period_of_care(
        self, ep: Episode, entry: int, plan: CarePlan | None, from_cp: bool, uasc: bool
    ) -> tuple[str, int]:
        """A period of care with its episodes, legal statuses, placements, reviews, visits,
        health checks, missing episodes, permanence and, at 18, leaving care."""
        rng, days, rates, end, horizon = self.rng, self.days, self.rates, self.end, self.horizon
        child = ep.child
        # No one is looked after before they are born (SSDA903 rules 301, 302).
        entry = days.on_or_after(max(entry, child.dob))
        if entry > end:
            return "open", end + 1
        plan = plan or self.care_plan(child, entry, uasc)
        stop = plan.end
        age = self.age(child, entry)
        child.cla_periods += 1
        cla_id = self.next_id("CL")
        self.move(ep, ep.loc.cla, entry)
        iro = self.span(child, ep.ref, self.roles.iro, "IRO", entry)
        last = min(stop, end + 1)  # the first day not simulated

        # Legal status: accommodated (s20), or care proceedings from an interim care order.
        legal: list[tuple[str, int]] = []
        court = rng.random() < CARE_ORDER_ROUTE.get(plan.pathway, 0.1) and not uasc
        since = entry
        if rng.random() < 0.12:  # police protection or an emergency protection order first
            first = rng.choice(("L1", "L2"))
            legal.append((first, entry))
            # Police protection lasts 72 hours at most (SSDA903 rule 361); an emergency
            # protection order up to eight days.
            since = entry + (self.ri(1, 3) if first == "L1" else self.ri(1, 8))
        if court:
            issue = since if rng.random() < 0.45 else since + self.ri(3, 120)
            if issue > since:
                legal.append(("V2", since))  # accommodated until proceedings are issued
            legal.append(("C1", issue))
            final = issue + self.ri(26 * 7, 60 * 7)
            legal.append(("C2", final))
            if plan.placement_order is not None:
                legal = [ls for ls in legal if ls[1] < plan.placement_order]
                legal.append(("E1", plan.placement_order))
                if plan.reversed is not None:
                    # The placement order is revoked four weeks after adoption stops being
                    # the plan, and a care order follows (SSDA903 rule 553: E1 means a live
                    # decision). No random draw here: the stream after it stays as it was.
                    legal.append(("C2", plan.reversed + 28))
            if from_cp or rng.random() < 0.5:
                concluded = FINAL_CARE_PLAN[plan.pathway] if final <= end else None
                self.pre_proceedings(ep, issue - self.ri(20, 150), issue, issue, concluded)
        else:
            legal.append(("V2", since))
        legal = [ls for ls in legal if ls[1] < last]
        for i, (code, since) in enumerate(legal):
            until = legal[i + 1][1] if i + 1 < len(legal) else stop
            self.tables["ssd_legal_status"].append(
                (None, child.pid, code, since, until if until <= end else None)
            )

        # Placements: a first one, then moves; some children move often.
        placements: list[list] = []  # [start, type, same carer as before]
        stability = rng.random()
        per_year = 0.12 if stability < 0.66 else 0.75 if stability < 0.93 else 2.4
        if age >= 11:
            per_year *= 1.4
        ptype = FIRST_PLACEMENT[_band(age)](rng) if not uasc else rng.choice(("U6", "H5", "K2"))
        placements.append([entry, ptype, False])
        day = entry
        placed = plan.placed if plan.placed is not None and plan.placed < last else None
        limit = placed if placed is not None else last
        if ptype in ("U6", "K2") and plan.pathway != "home_short" and rng.random() < 0.25:
            # From an emergency placement to a planned one.
            day = entry + self.ri(10, 120)
            if day < limit:
                placements.append([day, LATER_PLACEMENT[_band(self.age(child, day))](rng), False])
            else:
                day = entry
        while True:
            day += max(1, round(rng.expovariate(per_year / YEAR)))
            if day >= limit:
                break
            band = _band(self.age(child, day))
            current = placements[-1][1]
            if current in ("U6", "U3") and rng.random() < 0.25:
                # The same carers, now a long-term placement.
                placements.append([day, "U4" if current == "U6" else "U1", True])
            else:
                placements.append([day, LATER_PLACEMENT[band](rng), False])
        if placed is not None:
            with_carer = placements[-1][1] in FOSTER and rng.random() < 0.15
            placements.append([placed, "A5" if with_carer else "A6", with_carer])
        rows = self.tables["ssd_cla_placement"]
        place_ids = []
        # An unaccompanied asylum-seeking child (one with a nationality here) had no home in
        # England, so their placements have no distance from it (SSDA903 rule 406).
        home = None if child.nationality is not None else postcodes.home(child.pid)
        where = carers_provider = None
        for i, (since, code, same_carers) in enumerate(placements):
            until = placements[i + 1][0] if i + 1 < len(placements) else stop
            # Placements open on 1 April 2025 or later were recoded to the 2025-26 codes, as
            # authorities had to for their 903 return.
            if until >= APRIL_2025 and code in RETIRED_2025:
                code = placements[i][1] = RETIRED_2025[code]
            elif until >= APRIL_2025 and code == "Z1":
                code = placements[i][1] = OTHER_PLACEMENT_2026(rng)
            if code in ("H5", "K3") and self.age(child, since) < 16:
                # Supported accommodation is for 16- and 17-year-olds (SSDA903 rule 371).
                code = placements[i][1] = "K2"
            if code == "P1" and _status_on(legal, since) in ("V2", "L1", "L2"):
                # Placed with parents needs an order: accommodated children are fostered
                # (SSDA903 rule 378).
                code = placements[i][1] = "U4"
            ended = until <= end
            if code in FOSTER:
                provider = PROVIDER["foster"](rng)
            elif code == "P1":
                provider = "PR0"
            elif code in NO_PROVIDER:
                provider = None
            else:
                # Children's homes and adoptive placements are the council's own or private
                # and voluntary ones; other public bodies run neither (SSDA903 rule 529).
                own_or_voluntary = code in ("K1", "K2", "A3", "A4", "A5", "A6")
                provider = PROVIDER["K2" if own_or_voluntary else "other"](rng)
            if same_carers and where is not None:
                provider = carers_provider
            carers_provider = provider
            # The Ofsted URN of the home or fostering service: every placement the DfE does
            # not exempt (SSDA903 rules 218 and 222). Made up, like every identifier here.
            urn = None if code in URN_EXEMPT else f"SC{self.ri(900000, 999999)}"
            # Placed with parents is at home; anywhere else is not (SSDA903 rule 392d). The
            # same carers stay where they are. A supported accommodation provider with an
            # Ofsted URN has premises in the authority's area (rule 241).
            if code == "P1" and home is not None:
                where = home
            elif not (same_carers and where is not None):
                where = postcodes.placement(rng, provider, in_area=code == "K3", not_at=home)
            distance = postcodes.miles(home, where) if home is not None else None
            change = None
            if ended and i + 1 < len(placements):
                change = "PLACE" if placements[i + 1][2] else PLACEMENT_CHANGE_REASON(rng)
                # No child under 10, the age of criminal responsibility, is taken into
                # custody (SSDA903 rule 234).
                while change == "CUSTOD" and since < add_years(child.dob, 10):
                    change = PLACEMENT_CHANGE_REASON(rng)
            place_id = self.next_id("PL")
            place_ids.append(place_id)
            rows.append(
                (
                    place_id,
                    cla_id,
                    child.pid,
                    since,
                    code,
                    urn,
                    distance,
                    provider,
                    where,
                    until if ended else None,
                    change,
                )
            )

        if plan.reason in ("E45", "E46") and placements[-1][1] not in FOSTER:
            # A special guardianship order to former foster carers (E45, E46) is made while
            # the child lives with them (SSDA903 rule 516); to anyone else it is E47 or E48.
            plan.reason = "E47" if plan.reason == "E45" else "E48"

        # Reviews: within 20 working days, then 3 months, then every 6 months.
        reviews = self.tables["ssd_cla_reviews"]
        review_days = []
        due = days.add(entry, 20)
        n = 0
        while due < last:
            if self.on_time(rates.cla_review_on_time, due, ep.loc.cla):
                held = max(days.on_or_before(due - self.ri(0, 6)), entry + 1)
            else:
                held = days.on_or_after(due + self.ri(1, 35))
            if held >= last:
                break
            review_days.append(held)
            reviews.append(
                (
                    None,
                    cla_id,
                    child.pid,
                    due,
                    held,
                    "N",
                    "PN0" if self.age(child, held) < 4 else REVIEW_PARTICIPATION(rng),
                )
            )
            n += 1
            due = add_months(held, 3 if n == 1 else 6)

        # Episodes: a new one whenever the legal status or the placement changes.
        changes: dict[int, set[str]] = {}
        for code_day in legal[1:]:
            changes.setdefault(code_day[1], set()).add("L")
        for since, _code, same in placements[1:]:
            changes.setdefault(since, set()).add("T" if same else "P")
        starts = [entry, *sorted(d for d in changes if entry < d < last)]
        place_starts = [p[0] for p in placements]
        episodes = self.tables["ssd_cla_episodes"]
        for i, since in enumerate(starts):
            kinds = changes.get(since, set())
            if since == entry:
                rne = "S"
            elif "L" in kinds:
                rne = "U" if "P" in kinds else "B" if "T" in kinds else "L"
            else:
                rne = "P" if "P" in kinds else "T"
            until = starts[i + 1] if i + 1 < len(starts) else stop
            ended = until <= end
            reason = "X1" if i + 1 < len(starts) else plan.reason if ended else None
            k = 0
            while k + 1 < len(place_starts) and place_starts[k + 1] <= since:
                k += 1
            seen_by_iro = [d for d in review_days if d <= min(until, end)]
            episodes.append(
                (
                    None,
                    child.pid,
                    place_ids[k],
                    since,
                    rne,
                    ep.need if ep.need in CLA_NEEDS else "N1",
                    until if ended else None,
                    reason,
                    cla_id,
                    ep.ref,
                    seen_by_iro[-1] if seen_by_iro else None,
                    entry,
                )
            )

        # Visits: within a week of each placement, then at least every six weeks (three
        # months in a settled long-term placement).
        visits = self.tables["ssd_cla_visits"]
        for i, (since, code, _same) in enumerate(placements):
            until = min(placements[i + 1][0] if i + 1 < len(placements) else last, last)
            if self.on_time(rates.cla_visit_on_time, since, ep.loc.cla):
                v = since + self.ri(1, 7)
            else:
                v = since + self.ri(8, 20)
            while v < until:
                v = days.on_or_after(v)
                if v >= until:
                    break
                if v >= horizon:
                    seen = "Y" if rng.random() < 0.97 else "N"
                    alone = (
                        "Y"
                        if seen == "Y" and self.age(child, v) >= 4 and rng.random() < 0.75
                        else "N"
                    )
                    visits.append((None, cla_id, child.pid, v, seen, alone))
                longest = 91 if code in ("U1", "U4") and v - since > YEAR else 42
                if self.on_time(rates.cla_visit_on_time, v, ep.loc.cla):
                    v += self.ri(longest * 2 // 3, longest)
                else:
                    v += self.ri(longest + 1, longest + 25)

        # Health: an initial assessment (due within 20 working days), then yearly (six-monthly
        # under five), and dental checks.
        health = self.tables["ssd_cla_health"]
        if self.on_time(rates.health_on_time, entry):
            check = days.add(entry, self.ri(4, 20))
        else:
            check = days.add(entry, self.ri(21, 70))
        kind = "Initial health assessment"
        while check < last:
            if check >= horizon:
                status = "Completed" if rng.random() < 0.96 else "Refused"
                health.append((None, child.pid, kind, check, status))
            kind = "Review health assessment"
            every = 182 if self.age(child, check) < 5 else YEAR
            check = days.on_or_after(
                check + every + (self.ri(-40, 0) if rng.random() < 0.85 else self.ri(1, 90))
            )
        dental = entry + self.ri(60, 300)
        while dental < last:
            if dental >= horizon and self.age(child, dental) >= 1 and rng.random() < 0.85:
                health.append(
                    (
                        None,
                        child.pid,
                        "Dental check",
                        days.on_or_after(dental),
                        "Completed",
                    )
                )
            dental += self.ri(300, 420)

        # Missing: some children over 11 go missing, often repeatedly.
        eleven = add_years(child.dob, 11)
        from_day = max(entry, eleven)
        if from_day < last:
            residential = any(p[1] in RESIDENTIAL for p in placements)
            if rng.random() < (0.28 if residential else 0.1):
                missing = self.tables["ssd_missing"]
                per_year = rng.uniform(2, 12)
                # Days a new episode starts: the DfE validator matches a child who goes
                # missing that day to the episode that ended (rule 575).
                changes = {p[0] for p in placements} | {since for _, since in legal}
                m = from_day
                while True:
                    m += max(1, round(rng.expovariate(per_year / YEAR)))
                    if m >= last:
                        break
                    if m < horizon or m in changes:
                        continue
                    # Back before the period of care ends (SSDA903 rules 575, 577): a child
                    # still missing then left care for that reason, E8 (rule 580).
                    back = min(m + (0 if rng.random() < 0.4 else self.ri(1, 4)), last - 1)
                    kind = "M" if rng.random() < 0.85 else "A"
                    offered = ("Y" if rng.random() < 0.88 else "N") if kind == "M" else "NA"
                    accepted = ("Y" if rng.random() < 0.55 else "N") if offered == "Y" else "NA"
                    missing.append(
                        (
                            None,
                            child.pid,
                            m,
                            kind,
                            back if back <= end else None,
                            offered,
                            accepted,
                        )
                    )
                    m = back  # the next time starts after this one (rule 574)

        # Permanence: adoption milestones, special guardianship and child arrangements orders.
        if plan.adm is not None and plan.adm <= end:
            adopted = plan.reason in ("E11", "E12") and stop <= end
            worker = self.roster.pick(ep.loc.adoption, plan.adm, rng)
            siblings = rng.random() < 0.3

            def upto(day: int | None) -> int | None:
                return day if day is not None and day <= end else None

            self.tables["ssd_permanence"].append(
                (
                    None,
                    child.pid,
                    cla_id,
                    plan.adm,
                    "Y" if siblings else "N",
                    self.ri(2, 3) if siblings else 1,
                    self.ri(0, 1) if siblings else 0,
                    upto(plan.placement_order),
                    upto(plan.matched),
                    *(_adopters(rng) if upto(plan.matched) else (None, None, None)),
                    upto(plan.placed),
                    ("Y" if placements[-1][2] else "N") if upto(plan.placed) else None,
                    placements[-2][0] if upto(plan.placed) and placements[-1][2] else None,
                    upto(plan.reversed),
                    rng.choice(("RD1", "RD2", "RD3", "RD4")) if upto(plan.reversed) else None,
                    stop if adopted else None,
                    "Adoption order" if adopted else None,
                    worker.professional_id if worker else None,
                )
            )
        elif plan.pathway in ("sgo", "cao") and stop <= end:
            order = (
                "Special guardianship order"
                if plan.pathway == "sgo"
                else "Child arrangements order"
            )
            orders = (None, child.pid, cla_id, None, "N", *[None] * 12, stop, order, None)
            self.tables["ssd_permanence"].append(orders)

        # Leaving care: looked after for 13 weeks since 14 and still in care at 16 or more.
        fourteen, sixteen = add_years(child.dob, 14), add_years(child.dob, 16)
        if (
            stop > sixteen
            and stop - max(entry, fourteen) >= 91
            and plan.reason not in ("E11", "E12", "E2")
        ):
            support_from = max(entry, add_years(child.dob, 17))
            until = add_years(child.dob, 25 if rng.random() < 0.15 else 21)
            pa = None
            if support_from <= end and support_from < until:
                pa = self.span(child, None, ep.loc.leaving_care, "PA", support_from)
                if until <= end:
                    self.end_span(pa, until, LEAVING_CARE_ENDED)
            child.leaver = (entry, stop if stop <= end else None, pa, until, ep.cw_span, ep.loc)

        if stop > end:
            return "open", end + 1
        self.end_span(iro, stop, CARE_ENDED)
        if plan.reason in ("E11", "E12"):
            return "adopted", stop
        if plan.pathway in ("sgo", "cao"):
            return plan.pathway, stop
        if plan.reason in ("E4A", "E4B"):
            return "home", stop
        return "left", stop

    def pre_proceedings(
        self, ep: Episode, decided: int, until: int, issued: int | None, final_plan: str | None
    ) -> None:
        """Pre-proceedings under the Public Law Outline: issued, or stepped down."""
        rng, days = self.rng, self.days
        decided = days.on_or_after(decided)
        if decided > self.end:
            return
        child = ep.child
        child.plo += 1
        meeting = days.add(decided, self.ri(5, 15))
        if issued is not None and issued <= self.end:
            outcome, agreed = "Issue care proceedings", issued
        elif issued is None and until <= self.end:
            outcome, agreed = "Step down", until
        else:
            outcome, agreed = None, None
        in_court = outcome == "Issue care proceedings"
        self.tables["ssd_pre_proceedings"].append(
            (
                None,
                child.pid,
                f"{self.prefix}F{child.n:06d}",
                decided,
                meeting if meeting <= self.end else None,
                outcome,
                agreed,
                child.cp_plans,
                "Proceed to pre-proceedings",
                child.plo - 1,
                0,
                days.add(decided, self.ri(1, 5)),
                days.add(agreed, -self.ri(3, 15)) if in_court else None,
                self.ri(0, 3),
                "Y" if rng.random() < 0.9 else "N",
                ("Y" if rng.random() < 0.95 else "N") if in_court else None,
                f"MA{self.next_id('CRT', 5)}" if in_court else None,
                self.ri(2, 9) if in_court else None,
                ("Y" if rng.random() < 0.15 else "N") if in_court else None,
                ("Y" if rng.random() < 0.85 else "N") if in_court else None,
                "Interim care order" if in_court else None,
                ("Y" if rng.random() < 0.9 else "N") if in_court and final_plan else None,
                final_plan if in_court else None,
            )
        )

    # -- running it ------------------------------------------------------------------------

    def children_already_in_care(self) -> None:
        """Children in care at the start, from 18 years of earlier entries into care."""
        rng = self.rng
        per_day = self.rates.cla_starts_per_year / YEAR
        entries = [
            day
            for day in range(self.start - 18 * YEAR, self.start)
            for _ in range(self.poisson(per_day))
        ]
        for entry in entries:
            age = CLA_START_AGE(rng)
            dob = entry - age * YEAR - self.ri(0, 364)
            probe = Child(0, "")
            probe.dob = dob
            plan = self.care_plan(probe, entry)
            if plan.end <= self.start:
                continue
            child = self.new_child(entry, age=age)
            child.dob = dob
            entry_day = self.days.on_or_after(entry)
            self.referral(
                child,
                self.days.on_or_before(entry_day - self.ri(5, 60)),
                care=(entry_day, plan),
            )

    def run(self) -> None:
        """Day by day: children coming back, then new children, so that referrals stay near
        the profile's yearly number; and contacts that go no further."""
        rng, rates, days = self.rng, self.rates, self.days
        self.children_already_in_care()
        weights = [self.day_weight(d) for d in range(self.start, self.end + 1)]
        scale = len(weights) / sum(weights)  # so that a year's weights add up to 365
        per_day = self.profile.referrals_per_year / YEAR
        other_per_day = self.profile.referrals_per_year * rates.contacts_per_referral / YEAR
        # Children coming back over the last quarter, per unit of day weight.
        recent: deque[tuple[int, float]] = deque()
        back_sum, weight_sum = 0, 0.0
        for i, day in enumerate(range(self.start, self.end + 1)):
            w = weights[i] * scale
            back = 0
            while self.scheduled and self.scheduled[0][0] <= day:
                _, _, child, source, risk = heapq.heappop(self.scheduled)
                if child.open_until >= day or self.age(child, day) >= 17.9:
                    continue
                self.referral(child, days.on_or_after(day), source, risk)
                back += 1
            recent.append((back, w))
            back_sum, weight_sum = back_sum + back, weight_sum + w
            if len(recent) > 91:
                old_back, old_w = recent.popleft()
                back_sum, weight_sum = back_sum - old_back, weight_sum - old_w
            new_mean = max(per_day * 0.3, per_day - back_sum / weight_sum) * w
            for _ in range(self.poisson(new_mean)):
                if rng.random() < rates.uasc:
                    child = self.new_child(day, age=self.ri(15, 17))
                    child.nationality = rng.choice(
                        ("Afghanistan", "Eritrea", "Sudan", "Iran", "Vietnam")
                    )
                    child.sex = "M"
                    self.referral(child, day, ("7", "Other legal agency"))
                else:
                    unborn = rng.random() < rates.unborn
                    self.referral(self.new_child(day, unborn=unborn), day)
            for _ in range(self.poisson(other_per_day * w)):
                self.other_contact(day)

    def day_weight(self, day: int) -> float:
        """Referrals come on working days, fewer in August and at Christmas."""
        w = 1.0 if self.days.is_working_day(day) else 0.08
        d = to_date(day)
        if d.month == 8:
            w *= 0.85
        elif (d.month == 12 and d.day >= 22) or (d.month == 1 and d.day == 1):
            w *= 0.6
        return w


def _adopters(rng: random.Random) -> tuple[str, str, int]:
    """Adopters' sex codes, legal status and number, consistent with each other as the
    SSDA903 rules 511 to 524 ask: one adopter (M1, F1) is single (L0); a couple is MF, FF or
    MM, married (L11 different sex, L12 same sex) or in a civil partnership (L2); only an MF
    couple is coded L3 (not married, rule 517)."""
    if rng.random() < 0.25:
        return ("F1" if rng.random() < 0.8 else "M1"), "L0", 1
    sexes = rng.choice(("MF", "MF", "MF", "MF", "MF", "MF", "FF", "MM"))
    if sexes == "MF":
        return sexes, rng.choice(("L11", "L11", "L11", "L2", "L3")), 2
    return sexes, rng.choice(("L12", "L12", "L12", "L2", "L2")), 2


def _status_on(legal: list[tuple[str, int]], day: int) -> str | None:
    """The legal status in force on ``day`` (``legal``: (code, start) in start order)."""
    found = None
    for code, since in legal:
        if since > day:
            break
        found = code
    return found
