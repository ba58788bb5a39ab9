"""English local authorities' DfE codes beside their ONS codes."""

import pytest

from casegrip.returns.authorities import ONS_CODE, UnknownAuthority, _by_dfe_code, ons_code


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("352", "E08000003"),  # Manchester
        ("318", "E09000027"),  # Richmond upon Thames
        ("940", "E06000061"),  # North Northamptonshire, from 2021
        (" e09000027 ", "E09000027"),  # an ONS code is taken as it is
    ],
)
def test_a_dfe_code_gives_the_authoritys_ons_code(given, expected):
    assert ons_code(given) == expected


@pytest.mark.parametrize("given", ["999", "S12000013", "", "E0900002"])
def test_anything_else_is_refused_saying_what_is_wanted(given):
    with pytest.raises(UnknownAuthority, match="DfE code \\(such as 352\\)"):
        ons_code(given)


def test_the_table_gives_an_ons_code_for_each_english_authority_of_the_statistics():
    pairs = _by_dfe_code()
    assert len(pairs) >= 150
    assert all(ONS_CODE.fullmatch(code) for code in pairs.values())
