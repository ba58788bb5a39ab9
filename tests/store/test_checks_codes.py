"""The code lists the checks compare with: well-formed, and spelt as the DfE spells them."""

import pytest

from casegrip.model import codes

CODE_LISTS = {
    name: value
    for name, value in vars(codes).items()
    if name.isupper() and isinstance(value, frozenset)
}


def test_the_module_holds_the_lists_the_checks_need():
    assert {
        "SEX",
        "ETHNICITY",
        "PRIMARY_NEED",
        "REFERRAL_SOURCE",
        "CLOSURE_REASON",
        "CP_CATEGORY",
        "CLA_START_REASON",
        "CLA_END_REASON",
        "LEGAL_STATUS",
        "PLACEMENT_TYPE",
        "PLACEMENT_PROVIDER",
        "REVIEW_PARTICIPATION",
        "YES_NO",
    } <= set(CODE_LISTS)


@pytest.mark.parametrize("name", sorted(CODE_LISTS))
def test_codes_are_trimmed_text_unique_ignoring_case(name):
    values = CODE_LISTS[name]
    assert values
    assert all(isinstance(v, str) and v == v.strip() and v for v in values)
    assert len({v.upper() for v in values}) == len(values)


def test_ranges_are_complete():
    assert {f"N{n}" for n in range(10)} == codes.PRIMARY_NEED
    assert {f"RC{n}" for n in range(1, 10)} == codes.CLOSURE_REASON
    assert {"PR0", "PR1", "PR2", "PR3", "PR4", "PR5"} == codes.PLACEMENT_PROVIDER
    assert {f"PN{n}" for n in range(8)} == codes.REVIEW_PARTICIPATION
    assert len(codes.ETHNICITY) == 20
    assert {"M", "F", "U"} == codes.SEX
