"""Checks of lesson 02 (course_utils.checks.ex02): pass on the solution, "not done yet" on the
stub, a specific hint on plausible wrong answers."""

import numpy as np
import pytest

from course_utils.checks import ex02
from course_utils.data import adding_problem


def solution_curve(model, x, y):
    import tensorflow as tf

    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_mean(tf.square(model(x)[:, 0] - y))
    grad = tape.gradient(loss, x).numpy()
    return np.sqrt((grad**2).sum(axis=(0, 2)))


def stub(*args):
    raise NotImplementedError("Exercise 2.1: replace this line with your code")


def fastest_at_init():
    slopes = ex02._decay_slopes_at_init()
    return max(slopes, key=slopes.get)


# --- exercise 2.1 --------------------------------------------------------------------------------


def test_reference_curve_has_one_positive_value_per_step():
    model = ex02._build_recurrent_model("LSTM", 8, seed=0)
    x, y = adding_problem(4, 12, np.random.default_rng(0))
    curve = ex02._reference_gradient_norms(model, x, y)
    assert curve.shape == (12,)
    assert np.all(curve > 0)
    np.testing.assert_allclose(solution_curve(model, x, y), curve, rtol=1e-5)


def test_decay_slope():
    assert ex02.decay_slope(np.logspace(-8, 0, 9)) == pytest.approx(1.0)
    assert ex02.decay_slope(np.ones(5)) == pytest.approx(0.0, abs=1e-12)


def test_all_cells_decay_at_init_and_gru_fastest():
    slopes = ex02._decay_slopes_at_init()
    assert set(slopes) == set(ex02.CELLS)
    assert all(slope > 0 for slope in slopes.values())
    # the GRU's update gate starts near 0.5, halving the gradient each step: far the steepest
    assert fastest_at_init() == "GRU"
    assert slopes["GRU"] > 1.5 * max(slopes["SimpleRNN"], slopes["LSTM"])


def test_ex_02_1_passes_on_solution():
    result = ex02.ex_02_1.evaluate(solution_curve, fastest_at_init())
    assert result.passed, result.message
    assert "decades" in result.message


@pytest.mark.parametrize("answer", ["gru", " GRU ", "Gru"])
def test_ex_02_1_accepts_spellings_of_the_answer(answer):
    assert ex02.ex_02_1.evaluate(solution_curve, answer).passed


def test_ex_02_1_accepts_the_keras_class():
    import keras

    assert ex02.ex_02_1.evaluate(solution_curve, keras.layers.GRU).passed


def test_ex_02_1_stub_is_not_done():
    result = ex02.ex_02_1.evaluate(stub, None)
    assert not result.passed
    assert result.message.startswith("not done yet")


def test_ex_02_1_curve_right_answer_missing():
    result = ex02.ex_02_1.evaluate(solution_curve, None)
    assert not result.passed
    assert "fastest_decay is None" in result.message


def test_ex_02_1_wrong_cell():
    wrong = next(cell for cell in ex02.CELLS if cell != fastest_at_init())
    result = ex02.ex_02_1.evaluate(solution_curve, wrong)
    assert not result.passed
    assert f"{wrong} is not the cell whose curve falls fastest" in result.message


def test_ex_02_1_unknown_cell_name():
    result = ex02.ex_02_1.evaluate(solution_curve, "transformer")
    assert not result.passed
    assert "expected one of 'SimpleRNN', 'GRU' or 'LSTM'" in result.message


def test_ex_02_1_reversed_curve():
    result = ex02.ex_02_1.evaluate(lambda m, x, y: solution_curve(m, x, y)[::-1], "GRU")
    assert not result.passed
    assert "runs backwards" in result.message


def test_ex_02_1_broadcasting_bug():
    import tensorflow as tf

    def broadcast(model, x, y):
        x = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_mean(tf.square(model(x) - y))  # (n, 1) - (n,) → (n, n)
        return np.sqrt((tape.gradient(loss, x).numpy() ** 2).sum(axis=(0, 2)))

    result = ex02.ex_02_1.evaluate(broadcast, "GRU")
    assert not result.passed
    assert "broadcasts" in result.message


def test_ex_02_1_sum_instead_of_mean():
    result = ex02.ex_02_1.evaluate(lambda m, x, y: solution_curve(m, x, y) * x.shape[0], "GRU")
    assert not result.passed
    assert "*mean* squared error" in result.message


def test_ex_02_1_whole_gradient_returned():
    def whole(model, x, y):
        return np.ones_like(x)

    result = ex02.ex_02_1.evaluate(whole, "GRU")
    assert not result.passed
    assert "returned the whole gradient" in result.message


def test_ex_02_1_per_sequence_curves():
    result = ex02.ex_02_1.evaluate(lambda m, x, y: np.ones(x.shape[:2]), "GRU")
    assert not result.passed
    assert "take the norm over the batch too" in result.message


def test_ex_02_1_not_a_function():
    result = ex02.ex_02_1.evaluate(None, "GRU")
    assert not result.passed
    assert "expected a function" in result.message


# --- exercise 2.2 (trains small SimpleRNNs: slow) ---------------------------------------------


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        ("20", "got the string"),
        (12.5, "a lag is a whole number of steps"),
        (1, "at least 2 steps"),
        (ex02.MAX_LAG + 1, "does not get anywhere near that far back"),
    ],
)
def test_ex_02_2_rejects_bad_values_without_training(answer, match):
    result = ex02.ex_02_2.evaluate(answer)
    assert not result.passed
    assert match in result.message


def test_ex_02_2_none_is_not_done():
    # in the exercise notebook longest_lag stays None while the sweep cell raises the stub
    result = ex02.ex_02_2.evaluate(None)
    assert not result.passed
    assert result.message.startswith("not done yet")


@pytest.mark.slow
def test_ex_02_2_passes_on_the_solution_and_hints_on_wrong_lags():
    # the solution's sweep (5, 10, 20, 40) finds 10: the budget learns at 10, not at 20
    result = ex02.ex_02_2.evaluate(10)
    assert result.passed, result.message
    assert "at lag 10" in result.message

    too_long = ex02.ex_02_2.evaluate(20)  # reuses the cached run at 20
    assert not too_long.passed
    assert "at this lag it does not learn the task" in too_long.message

    too_short = ex02.ex_02_2.evaluate(5)  # trains at 5, reuses 10
    assert not too_short.passed
    assert "still learns at twice your lag (10 steps" in too_short.message
