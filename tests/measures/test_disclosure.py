"""Disclosure control: small counts suppressed, values that would reveal them withheld."""

from datetime import date

import pytest

from casegrip.config import Disclosure
from casegrip.measures.catalogue import get
from casegrip.measures.disclosure import SUPPRESSED, disclose
from casegrip.measures.runner import Point

DAY = date(2026, 3, 31)


def point(numerator, denominator, value):
    return Point(DAY, "T1", numerator, denominator, value)


@pytest.mark.parametrize(
    ("measure", "counts", "shown"),
    [
        # A proportion: either count small withholds the percentage.
        ("assessment_timeliness_45wd", (3, 40, 7.5), (SUPPRESSED, 40, SUPPRESSED)),
        ("assessment_timeliness_45wd", (38, 40, 95.0), (38, 40, 95.0)),
        ("assessment_timeliness_45wd", (4, 4, 100.0), (SUPPRESSED, SUPPRESSED, SUPPRESSED)),
        # Zero identifies no one and is shown.
        ("assessment_timeliness_45wd", (0, 12, 0.0), (0, 12, 0.0)),
        # Exactly the threshold is shown.
        ("assessment_timeliness_45wd", (5, 10, 50.0), (5, 10, 50.0)),
        # A rate per 10,000 gives its numerator away.
        ("referral_rate_per_10k", (2, 0, 0.2), (SUPPRESSED, 0, SUPPRESSED)),
        # A median over few cases is withheld.
        ("assessment_duration_median", (3, 3, 31.0), (SUPPRESSED, SUPPRESSED, SUPPRESSED)),
    ],
)
def test_small_counts_are_suppressed_with_what_they_reveal(measure, counts, shown):
    result = disclose(get(measure), point(*counts), Disclosure(threshold=5))
    assert (result.numerator, result.denominator, result.value) == shown


def test_counts_are_rounded_but_values_come_from_the_exact_counts():
    result = disclose(
        get("assessment_timeliness_45wd"), point(37, 41, 90.2), Disclosure(threshold=5, round_to=5)
    )
    assert (result.numerator, result.denominator, result.value) == (35, 40, 90.2)
    assert not result.suppressed
