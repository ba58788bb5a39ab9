"""Published figures to compare with: England's, the region's and the authority's own.

Reads the DfE's statistics files as Explore Education Statistics publishes them (the files in
``shared/reference/dfe-stats``; a council downloads newer ones the same way) and keeps, for each
measure that has a matching published statistic, one figure per year and area. ``SOURCES`` says
which file, which rows and which column feed each measure, so an analyst can check the match.

Years: ``year`` is the DfE's ``time_period``. For CIN, CP and looked-after statistics it is the
year ending 31 March (2025: April 2024 to March 2025, or 31 March 2025 for counts at a date); for
the workforce census it is the year ending 30 September.
"""

import csv
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from casegrip.home import data_dir, ensure_data_dir

STORE_FILE = "published.json"
POPULATION_FILE = "ons_mid-year_population_estimates_2012_to_2024.csv"


@dataclass(frozen=True)
class Source:
    file: str
    column: str  # the value column (a percentage, rate, count or average)
    where: dict[str, str] = field(default_factory=dict)  # column -> value the row must have
    per_10k: bool = False  # column is a count: divide by the ONS 0-17 population
    year_end: str = "03-31"  # the day the DfE year ends (month-day)


C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
B1 = "b1_children_in_need_2013_to_2025.csv"
CLA = "cla_number_and_rate_per_10k_children.csv"
STABILITY = "la_cla_placement_stability.csv"
HEALTH = "la_conviction_health_outcome_cla.csv"
LEAVERS_ACCOMMODATION = "la_care_leavers_accommodation_suitability.csv"
LEAVERS_ACTIVITY = "la_care_leavers_activity.csv"
CSWW = "csww_indicators_2017_to_2025.csv"
HEALTH_ALL = "Health assessments: Children looked after all ages"

SOURCES: dict[str, Source] = {
    "referral_rate_per_10k": Source(C1, "referral_count", per_10k=True),
    "rereferral_rate_12m": Source(C1, "rereferral_percent"),
    "referral_nfa_rate": Source(C1, "no_further_action_percent"),
    "assessed_not_in_need_rate": Source(C1, "not_in_need_percent"),
    "children_awaiting_assessment": Source(B1, "awaiting_assessment"),
    "cin_rate_per_10k": Source(B1, "At31_episodes", per_10k=True),
    "cp_rate_per_10k": Source(
        "d5_cpps_at31march_by_duration_2013_to_2025.csv", "CPP_At31", per_10k=True
    ),
    "cp_plans_2yrs_plus_open": Source(
        "d5_cpps_at31march_by_duration_2013_to_2025.csv", "2_years_or_more_percent"
    ),
    "repeat_cp_plan_rate": Source(
        "d3_cpps_subsequent_plan_2013_to_2025.csv", "CPP_subsequent_percent"
    ),
    "cla_rate_per_10k": Source(
        CLA, "rate_per_10000", {"population_type": "Children looked after on 31 March each year"}
    ),
    "cla_starts_rate_per_10k": Source(
        CLA,
        "rate_per_10000",
        {"population_type": "Children starting to be looked after each year"},
    ),
    "placement_stability_3plus_in_year": Source(
        STABILITY,
        "children_percent",
        {
            "cla_group": "CLA on 31 March",
            "placement_stability": "With 3 or more placements during the year",
        },
    ),
    "placement_stability_long_term": Source(
        STABILITY,
        "children_percent",
        {
            "cla_group": "Children looked after continuously for at least 2.5 years on 31 "
            "March aged under 16 years",
            "placement_stability": "Living with the same carer for at least 2 years",
        },
    ),
    "cla_sw_changes_3plus": Source(
        "la_cla_swcount.csv",
        "percentage",
        {"sw_stability": "3 or more social workers during the year"},
    ),
    "cla_health_assessment_up_to_date": Source(
        HEALTH,
        "children_percent",
        {"characteristic": HEALTH_ALL, "breakdown": "Had their annual health assessment"},
    ),
    "cla_dental_check": Source(
        HEALTH,
        "children_percent",
        {"characteristic": HEALTH_ALL, "breakdown": "Had their teeth checked by a dentist"},
    ),
    "care_leaver_suitable_accommodation_19_21": Source(
        LEAVERS_ACCOMMODATION,
        "care_leaver_percent",
        {"care_leaver_age": "19 to 21 years", "breakdown": "Accommodation considered suitable"},
    ),
    "care_leaver_eet_19_21": Source(
        LEAVERS_ACTIVITY,
        "care_leaver_percent",
        {
            "care_leaver_age": "19 to 21 years",
            "breakdown": "Total in education, employment or training",
        },
    ),
    "caseload_average_fte": Source(CSWW, "caseload_fte", year_end="09-30"),
    "sw_turnover_rate": Source(CSWW, "turnover_rate_fte", year_end="09-30"),
    "agency_rate": Source(CSWW, "agency_rate_fte", year_end="09-30"),
}


@dataclass(frozen=True)
class Figure:
    measure_id: str
    year: int
    level: str  # National, Regional, Local authority
    code: str  # E92000001 for England, the region's code, or the DfE LA code (e.g. 352)
    name: str
    value: float
    region: str = ""  # the region's code, for an authority's figure


class PublishedError(Exception):
    pass


def _number(text: str | None) -> float | None:
    """A published value; the DfE's symbols (c suppressed, x not available, z not applicable,
    low, k...) mean there is no figure."""
    try:
        return float((text or "").replace(",", ""))
    except ValueError:
        return None


def _rows(path: Path) -> Iterable[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def _area(row: dict) -> tuple[str, str, str]:
    level = row.get("geographic_level", "")
    if level == "National":
        return level, row.get("country_code") or "E92000001", row.get("country_name") or "England"
    if level == "Regional":
        return level, row.get("region_code", ""), row.get("region_name", "")
    return level, row.get("old_la_code", ""), row.get("la_name", "")


def read_published(folder: Path) -> list[Figure]:
    """Every figure of every measure in ``SOURCES`` found in ``folder``'s DfE files."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PublishedError(f"{folder} is not a folder of DfE statistics files")
    population: dict[tuple[int, str, str], float] = {}
    if (folder / POPULATION_FILE).exists():
        for row in _rows(folder / POPULATION_FILE):
            value = _number(row.get("population_estimate"))
            level, code, _ = _area(row)
            if value and row.get("time_period", "").isdigit():
                population[(int(row["time_period"]), level, code)] = value
    figures: list[Figure] = []
    for measure_id, source in SOURCES.items():
        path = folder / source.file
        if not path.exists():
            continue
        for row in _rows(path):
            if row.get("geographic_level") not in ("National", "Regional", "Local authority"):
                continue
            if any(row.get(k) != v for k, v in source.where.items()):
                continue
            if source.column not in row:
                raise PublishedError(f"{source.file} has no column {source.column!r}")
            value = _number(row[source.column])
            period = row.get("time_period", "")
            if value is None or not period.isdigit():
                continue
            year = int(period[:4])
            level, code, name = _area(row)
            if source.per_10k:
                # The DfE divides by the mid-year estimate before the year's end.
                people = population.get((year - 1, level, code))
                if not people:
                    continue
                value = round(value / people * 10_000, 1)
            region = row.get("region_code", "") if level == "Local authority" else ""
            figures.append(Figure(measure_id, year, level, code, name, value, region))
    return figures


def store_published(figures: list[Figure], home: Path | None = None) -> Path:
    target = (home or ensure_data_dir()) / STORE_FILE
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps([asdict(f) for f in figures]))
    partial.replace(target)  # all or nothing
    return target


def load_published(home: Path | None = None) -> list[Figure]:
    path = (home or data_dir()) / STORE_FILE
    if not path.exists():
        return []
    return [Figure(**f) for f in json.loads(path.read_text())]


def year_end(measure_id: str, year: int) -> date:
    month, day = SOURCES[measure_id].year_end.split("-")
    return date(year, int(month), int(day))


def comparison(measure_id: str, la_code: str, figures: list[Figure]) -> dict[int, dict]:
    """By year: England's figure, the authority's own published one and its region's."""
    mine = [f for f in figures if f.measure_id == measure_id]
    regions = {f.region for f in mine if f.level == "Local authority" and f.code == la_code}
    table: dict[int, dict] = {}
    for f in mine:
        if f.level == "National":
            key = "england"
        elif f.level == "Local authority" and f.code == la_code:
            key = "authority"
        elif f.level == "Regional" and f.code in regions:
            key = "region"
        else:
            continue
        table.setdefault(f.year, {})[key] = f.value
    return dict(sorted(table.items()))
