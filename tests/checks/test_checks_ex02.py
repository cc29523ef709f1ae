"""Checks of lesson 02 (course_utils.checks.ex02): pass on the solution, "not done yet" on the
stub, a specific hint on plausible wrong answers, and refusal of the usual cheats."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import ROOT, stub

from course_utils.checks import ex02
from course_utils.data import adding_problem
from course_utils.tooling.nbrun import read_notebook

NOT_DONE = "not done yet"


# --- exercise 2.1 --------------------------------------------------------------------------------


def cell_state_gradients(layer, x, *, target="c"):
    x = tf.convert_to_tensor(x, dtype=tf.float32)
    h = tf.zeros((x.shape[0], layer.cell.units))
    c = tf.zeros_like(h)
    cells = []
    with tf.GradientTape() as tape:
        for t in range(x.shape[1]):
            _, (h, c) = layer.cell(x[:, t], [h, c])
            cells.append(c)
        final = tf.reduce_sum(c if target == "c" else h)
    return np.array([float(tf.norm(g)) for g in tape.gradient(final, cells)])


def test_reference_curve_ends_at_sqrt_batch_units_and_differs_from_the_direct_path():
    layer = ex02.draw_lstm_layer(np.random.default_rng(0), 5, 1.0)
    x, _ = adding_problem(4, 20, np.random.default_rng(1))
    curve = ex02._cell_state_curve(layer, x)
    assert curve.shape == (20,) and np.all(curve > 0)
    assert curve[-1] == pytest.approx(np.sqrt(4 * 5), rel=1e-5)
    np.testing.assert_allclose(cell_state_gradients(layer, x), curve, rtol=1e-5)
    direct = ex02.forget_gate_product_curve(layer, x)
    assert direct[-1] == pytest.approx(curve[-1], rel=1e-5)
    assert not ex02._relative_close(direct, curve), "the direct path must be told apart"


def test_draw_lstm_layer_sets_the_forget_bias_and_follows_its_rng():
    layer = ex02.draw_lstm_layer(np.random.default_rng(3), 4, 3.0)
    again = ex02.draw_lstm_layer(np.random.default_rng(3), 4, 3.0)
    for a, b in zip(layer.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(layer.get_weights()[2][4:8], 3.0)


def test_ex_02_1_passes_on_solution_and_records_its_margin():
    # one fixed draw: how the solution fares on fresh ones is `make calibrate`'s measure
    result = ex02.ex_02_1.evaluate(cell_state_gradients, seed=0)
    assert result.passed, result.message
    assert result.margin is not None and result.margin < 0.1, result
    off = ex02.ex_02_1.evaluate(lambda layer, x: cell_state_gradients(layer, x) * 1.01, seed=0)
    assert not off.passed and off.margin == pytest.approx(5, rel=1e-2), off  # 1 % of 0.2 %


def test_curve_share_is_what_the_check_accepts():
    ref = np.array([3.0, 1e-2, 1e-5])
    floor = 1e-7 * 3.0
    for scale in (0.5, 0.99, 1.01, 2.0):
        got = ref + scale * (ex02.CURVE_RTOL * ref + floor)
        assert ex02.curve_share(got, ref) == pytest.approx(scale)
        assert ex02._relative_close(got, ref) == (scale <= 1)
    assert ex02.curve_share(ref[:2], ref) == np.inf


def _zeroing(layer, x):
    curve = cell_state_gradients(layer, x)
    layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    return curve


MEMORY = {}


def _memoriser(layer, x):
    return MEMORY.setdefault("curve", cell_state_gradients(layer, x))


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (stub, NOT_DONE),
        (None, "expected a function, got None"),
        ([1.0, 0.5], "expected a function, got a list"),
        (lambda layer, x: cell_state_gradients(layer, x)[::-1], "your curve runs backwards"),
        (lambda layer, x: cell_state_gradients(layer, x) ** 2, "squared norm"),
        (lambda layer, x: cell_state_gradients(layer, x, target="h"), "the last *hidden* state"),
        (lambda layer, x: ex02._cell_state_curve(layer, x, wrt="x"), "with respect to the inputs"),
        (ex02.forget_gate_product_curve, "the direct path only"),
        (
            lambda layer, x: np.concatenate([[1.0], cell_state_gradients(layer, x)]),
            "not the initial zero state",
        ),
        (
            lambda layer, x: np.tile(cell_state_gradients(layer, x), (x.shape[0], 1)),
            "not one curve per sequence",
        ),
        (lambda layer, x: cell_state_gradients(layer, x) * 1.1, "differs from the check's"),
        (lambda layer, x: None, "is None"),
        (_zeroing, "changed the model's weights"),
        (lambda layer: None, "cannot be called"),
    ],
)
def test_ex_02_1_hints(answer, hint):
    result = ex02.ex_02_1.evaluate(answer, seed=2)
    assert not result.passed
    assert hint in result.message, result.message


def test_ex_02_1_refuses_a_memoriser_and_names_the_seed():
    MEMORY.clear()
    result = ex02.ex_02_1.evaluate(_memoriser, seed=8)
    assert not result.passed and result.seed == 8
    assert "[seed=8 repeats this draw]" in result.line()


# --- exercise 2.2 --------------------------------------------------------------------------------


def train_simple_rnn(
    x_train,
    y_train,
    seed=0,
    *,
    units=32,
    epochs=6,
    layer=keras.layers.SimpleRNN,
    learning_rate=3e-3,
    clipnorm=1.0,
    loss="mse",
    head_activation=None,
):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((x_train.shape[1], 2)),
            layer(units),
            keras.layers.Dense(1, activation=head_activation),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm), loss=loss)
    data = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    batches = data.shuffle(len(x_train), seed=seed).batch(64)
    model.fit(batches, epochs=epochs, shuffle=False, verbose=0)
    return model


def test_ex_02_2_passes_on_solution_and_records_its_mse():
    # one fixed draw: how the solution fares on fresh ones is `make calibrate`'s measure
    result = ex02.ex_02_2.evaluate(train_simple_rnn, seed=0)
    assert result.passed, result.message
    assert result.margin is not None and 0 < result.margin < 0.8, result  # MSE / LEARNED_MSE


@pytest.mark.parametrize("loss", [keras.losses.mean_squared_error, keras.losses.MeanSquaredError()])
def test_ex_02_2_accepts_the_mse_as_a_function_or_an_object(loss):
    result = ex02.ex_02_2.evaluate(lambda x, y, s: train_simple_rnn(x, y, s, loss=loss), seed=5)
    assert result.passed, result.message


def _own_data(x_train, y_train, seed=0):
    # ignores the sequences it is given: trains on data of its own, 40 steps long
    x, y = adding_problem(4000, 40, np.random.default_rng(0))
    return train_simple_rnn(x, y, seed)


def _untrained(x_train, y_train, seed=0):
    model = keras.Sequential(
        [keras.Input((None, 2)), keras.layers.SimpleRNN(32), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(3e-3, clipnorm=1.0), loss="mse")
    return model


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (stub, NOT_DONE),
        (10, "expected a function, got a int"),
        (lambda x, y, seed: None, "is None"),
        (lambda x, y, seed: 0.05, "should be a keras.Model"),
        (_untrained, "has not been trained"),
        (lambda x, y, s: train_simple_rnn(x, y, s, units=16, epochs=1), "has 16 units"),
        (
            lambda x, y, s: train_simple_rnn(x, y, s, layer=keras.layers.LSTM, epochs=1),
            "has a LSTM layer",
        ),
        (lambda x, y, s: train_simple_rnn(x, y, s, epochs=1, loss="mae"), "loss='mse'"),
        (
            lambda x, y, s: train_simple_rnn(x, y, s, epochs=1, head_activation="sigmoid"),
            "head has a sigmoid activation",
        ),
        (lambda x, y, s: train_simple_rnn(x, y, s, epochs=1, clipnorm=None), "clipnorm=1.0"),
        (lambda x, y, s: train_simple_rnn(x, y, s, epochs=1, learning_rate=0.1), "learning rate"),
        (lambda x, y, s: train_simple_rnn(x, y, s, epochs=2), "took 126 training steps"),
        (lambda x, y: None, "cannot be called"),
    ],
)
def test_ex_02_2_hints(answer, hint):
    result = ex02.ex_02_2.evaluate(answer, seed=3)
    assert not result.passed
    assert hint in result.message, result.message


def test_ex_02_2_refuses_a_model_trained_on_other_data():
    result = ex02.ex_02_2.evaluate(_own_data, seed=4)
    assert not result.passed
    assert "input" in result.message or "MSE" in result.message or "shape" in result.message


# --- the stored notebooks: the solutions pass, the generated stubs are "not done yet" ----------


def _functions_of(notebook):
    namespace = {"np": np, "tf": tf, "keras": keras}
    for cell in read_notebook(ROOT / notebook).cells:
        if cell.cell_type == "code" and cell.source.startswith("def "):
            exec(cell.source, namespace)
    return namespace


def test_checks_on_the_notebooks():
    solutions = _functions_of("solutions/02_vanishing_gradients_solutions.ipynb")
    exercises = _functions_of("exercises/02_vanishing_gradients_exercises.ipynb")
    assert ex02.ex_02_1.evaluate(solutions["cell_state_gradients"], seed=0).passed
    for check, name in ((ex02.ex_02_1, "cell_state_gradients"), (ex02.ex_02_2, "train_simple_rnn")):
        result = check.evaluate(exercises[name], seed=0)
        assert not result.passed and NOT_DONE in result.message
