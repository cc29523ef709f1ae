"""cu.plots.plot_attention: what it draws, and its refusals."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils.plots import plot_attention

WEIGHTS = np.array([[0.1, 0.9, 0.0, 0.0], [0.2, 0.3, 0.5, 0.0], [0.25, 0.25, 0.25, 0.25]])
LENGTHS = np.array([2, 3, 4])


def teardown_function():
    plt.close("all")


def test_draws_padding_grey_and_boxes_on_the_relevant_steps():
    ax = plot_attention(WEIGHTS, LENGTHS, relevant=[1, 2, 0])
    image = ax.get_images()[0]
    drawn = image.get_array()
    assert drawn.shape == WEIGHTS.shape
    np.testing.assert_array_equal(np.ma.getmaskarray(drawn), np.arange(4)[None] >= LENGTHS[:, None])
    boxes = [patch.get_xy() for patch in ax.patches]
    assert boxes == [(0.5, -0.5), (1.5, 0.5), (-0.5, 1.5)]
    assert "red box" in ax.get_title()


def test_tokens_are_written_in_the_real_steps_only():
    tokens = np.array([[3, 4, 0, 0], [5, 6, 7, 0], [2, 2, 2, 9]])
    ax = plot_attention(WEIGHTS, LENGTHS, tokens=tokens)
    assert sorted(text.get_text() for text in ax.texts) == sorted("345672229")
    assert not ax.patches and "red box" not in ax.get_title()


def test_draws_on_a_given_axes():
    _, ax = plt.subplots()
    assert plot_attention(WEIGHTS, LENGTHS, ax=ax, title="mine") is ax
    assert ax.get_title() == "mine"


@pytest.mark.parametrize(
    ("weights", "lengths", "kwargs", "message"),
    [
        (np.zeros((0, 4)), [], {}, "non-empty 2-D"),
        (np.ones(4) / 4, [4], {}, "non-empty 2-D"),
        (-WEIGHTS, LENGTHS, {}, "finite and non-negative"),
        (WEIGHTS * np.nan, LENGTHS, {}, "finite and non-negative"),
        (WEIGHTS, [2, 3], {}, "one entry per row"),
        (WEIGHTS, [0, 3, 4], {}, "every length must be in 1..4"),
        (WEIGHTS, [2, 3, 5], {}, "every length must be in 1..4"),
        (WEIGHTS, [2.0, 3.0, 4.0], {}, "lengths must be integers"),
        (WEIGHTS, LENGTHS, {"relevant": [1, 2]}, "relevant must be 3"),
        (WEIGHTS, LENGTHS, {"relevant": [2, 0, 0]}, "inside its sequence"),
        (WEIGHTS, LENGTHS, {"tokens": np.zeros((3, 3), int)}, "tokens must have the shape"),
    ],
)
def test_refuses_mismatched_inputs(weights, lengths, kwargs, message):
    with pytest.raises(ValueError) as info:
        plot_attention(weights, np.asarray(lengths), **kwargs)
    assert message in str(info.value)
