"""The report's figures drawn by worker processes: the same figures as drawn here, and a failure raised here."""

import pytest

from satsov.report import html as H

BARS = ("_bars", (["a", "b"], [10.0, 20.0], "title", "share (%)"), {})


def test_figures_drawn_by_workers_are_those_drawn_here_in_order():
    jobs = [BARS, ("_bars", (["c"], [30.0], "other", "share (%)"), {}), BARS]
    assert H._drawn(jobs, 2) == [H._draw_job(j) for j in jobs]


def test_a_figure_that_fails_in_a_worker_is_drawn_again_here_where_its_error_is_raised():
    @H._figure
    def _broken_for_test(x):
        raise ValueError(f"broken figure {x}")

    with pytest.raises(ValueError, match="broken figure 7"):
        H._drawn([BARS, ("_broken_for_test", (7,), {}), BARS], 2)


def test_the_costliest_figures_go_first():
    maps = ("_small_multiples", (None, [("a", None)] * 4, "t", "l"), {})
    assert H._cost(maps) > H._cost(("_series_plot", ([], "t"), {})) > H._cost(BARS)
