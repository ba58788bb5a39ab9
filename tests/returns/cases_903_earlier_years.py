"""Failing and passing cases for the SSDA903 rules that apply only to collection years before
2025 (used by ``test_validate_903.py``, which passes in its ``Case`` and ``row``)."""


def earlier_year_cases(Case, row) -> list:
    return []
