"""The gradient-norm plot of lesson 02 (course_utils.plots.plot_gradient_norms)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils.plots import plot_gradient_norms


def test_draws_one_line_per_curve_against_lag_on_log_scale():
    curves = {"SimpleRNN": np.logspace(-6, 0, 5), "LSTM": np.logspace(-2, 0, 5)}
    ax = plot_gradient_norms(curves, title="at initialisation")
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["SimpleRNN", "LSTM"]
    # time step t = 0 is the longest lag (4); the last step is lag 0
    np.testing.assert_array_equal(lines[0].get_xdata(), [4, 3, 2, 1, 0])
    np.testing.assert_allclose(lines[0].get_ydata(), curves["SimpleRNN"])
    assert ax.get_yscale() == "log"
    assert ax.get_title() == "at initialisation"
    assert "lag" in ax.get_xlabel()
    plt.close("all")


def test_draws_on_given_axes_with_linestyle():
    _, ax = plt.subplots()
    returned = plot_gradient_norms({"GRU": [0.1, 0.2]}, ax=ax, linestyle="--")
    assert returned is ax
    assert ax.get_lines()[0].get_linestyle() == "--"
    plt.close("all")


@pytest.mark.parametrize(
    ("norms", "error", "match"),
    [
        ([1.0, 2.0], TypeError, "norms must be a dict"),
        ({}, ValueError, "norms is empty"),
        ({"a": [[1.0, 2.0]]}, ValueError, r"norms\['a'\] must be a non-empty 1-D curve"),
        ({"a": []}, ValueError, "non-empty 1-D"),
        ({"a": [1.0, 0.0]}, ValueError, "finite and positive"),
        ({"a": [1.0, np.nan]}, ValueError, "finite and positive"),
    ],
)
def test_bad_inputs(norms, error, match):
    with pytest.raises(error, match=match):
        plot_gradient_norms(norms)
    plt.close("all")
