"""The synthetic facts the returns need beyond the work with children: SDQs, immunisations,
substance misuse, convictions, home addresses, disabilities and immigration status."""

from datetime import date

from casegrip.synth.postcodes import HOME_AUTHORITY, _postcodes, home, miles

from .conftest import years_on


def test_sdqs_are_for_children_aged_4_to_16_and_are_a_score_or_a_reason(rows):
    dob = dict(rows("ssd_person", "pers_person_id", "pers_dob"))
    found = rows(
        "ssd_sdq_scores", "csdq_person_id", "csdq_sdq_completed_date", "csdq_sdq_score",
        "csdq_sdq_reason",
    )  # fmt: skip
    assert len(found) > 20
    for child, done, score, reason in found:
        march = date(done.year if done.month <= 3 else done.year + 1, 3, 31)
        april = date(march.year - 1, 4, 1)
        assert years_on(dob[child], 4) <= march
        assert years_on(dob[child], 17) > april
        assert (score is None) != (reason is None)
        assert score is None or 0 <= score <= 40
        assert reason is None or reason in {"SDQ2", "SDQ3", "SDQ4", "SDQ5"}


def test_every_child_looked_after_for_a_year_has_one_immunisation_status_and_a_home(rows):
    statuses = rows("ssd_cla_immunisations", "clai_person_id", "clai_immunisations_status")
    children = [child for child, _ in statuses]
    assert len(children) == len(set(children)) > 10
    assert {status for _, status in statuses} == {"Y", "N"}
    looked_after = {child for (child,) in rows("ssd_cla_episodes", "clae_person_id")}
    homes = rows("ssd_address", "addr_person_id", "addr_address_type", "addr_address_postcode")
    with_home = {child for child, _, _ in homes}
    asylum = {child for (child,) in rows("ssd_immigration_status", "immi_person_id")}
    assert with_home <= looked_after
    assert asylum
    assert not asylum & with_home
    assert set(children) - asylum <= with_home
    assert all(kind == "Home" and post == home(child) for child, kind, post in homes)


def test_placements_are_at_real_postcodes_their_distance_from_home_away(rows):
    homes = dict(rows("ssd_address", "addr_person_id", "addr_address_postcode"))
    placements = rows(
        "ssd_cla_placement", "clap_person_id", "clap_cla_placement_type",
        "clap_cla_placement_provider", "clap_cla_placement_postcode",
        "clap_cla_placement_distance",
    )  # fmt: skip
    assert len(placements) > 50
    areas = {p.code: p for codes in _postcodes().values() for p in codes}
    for child, kind, provider, where, distance in placements:
        assert where in areas
        if provider in ("PR0", "PR1"):
            assert areas[where].authority == HOME_AUTHORITY
        if child in homes:
            # placed with parents is at home, anywhere else is not (SSDA903 rule 392d)
            assert (where == homes[child]) == (kind == "P1")
            assert distance == miles(homes[child], where)
        else:
            assert distance is None
    assert {areas[where].area for *_, where, _ in placements} == {"home", "near", "far"}


def test_convictions_and_substance_misuse_are_of_older_children(rows):
    dob = dict(rows("ssd_person", "pers_person_id", "pers_dob"))
    for child, day in rows("ssd_cla_convictions", "clac_person_id", "clac_cla_conviction_date"):
        assert years_on(dob[child], 10) <= date(day.year + 1, 3, 31)
    misuse = rows(
        "ssd_cla_substance_misuse", "clas_person_id", "clas_substance_misuse_date",
        "clas_intervention_received",
    )  # fmt: skip
    for child, day, received in misuse:
        assert years_on(dob[child], 11) <= date(day.year + 1, 3, 31)
        assert received == "Y"  # the SSD cannot say an intervention was offered (rule 159)


def test_children_in_need_have_a_disability_or_none_and_unborn_children_nothing(rows):
    dob = dict(rows("ssd_person", "pers_person_id", "pers_dob"))
    coded = rows("ssd_disability", "disa_person_id", "disa_disability_code")
    in_need = {c for (c,) in rows("ssd_cin_episodes", "cine_person_id") if dob.get(c)}
    assert {child for child, _ in coded} == in_need
    by_child: dict[str, set[str]] = {}
    for child, code in coded:
        by_child.setdefault(child, set()).add(code)
    assert all(codes == {"NONE"} or "NONE" not in codes for codes in by_child.values())
    share = sum(codes != {"NONE"} for codes in by_child.values()) / len(by_child)
    assert 0.05 < share < 0.4


def test_uasc_status_runs_from_care_to_the_18th_birthday(rows):
    dob = dict(rows("ssd_person", "pers_person_id", "pers_dob"))
    nationality = dict(rows("ssd_person", "pers_person_id", "pers_nationality"))
    statuses = rows(
        "ssd_immigration_status", "immi_person_id", "immi_immigration_status_start_date",
        "immi_immigration_status_end_date", "immi_immigration_status",
    )  # fmt: skip
    assert statuses
    for child, start, ended, status in statuses:
        assert nationality[child] is not None
        assert status == "Unaccompanied Asylum Seeking Child"
        assert start < years_on(dob[child], 18)
        assert ended is None or ended == years_on(dob[child], 18)
