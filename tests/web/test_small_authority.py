"""The shared small authority: its figures are there and its organisation syncs."""

from casegrip.measures.results import figures


def test_small_authority_has_figures_and_an_organisation(small):
    figs = figures(small.snapshot)
    assert figs.latest("cla_rate_per_10k", "authority", "997") is not None
    team = small.unit("East Family Support and Protection")
    worker = small.worker_with_children(team.name)
    assert small.children_of(worker)
    assert any(item.status == "overdue" for item in figs.due)
