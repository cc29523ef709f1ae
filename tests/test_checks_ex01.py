"""Checks of exercise set 01: pass on a solution, "not done yet" on the stub, a hint per mistake."""

from pathlib import Path

import keras
import numpy as np
import pytest

import course_utils as cu
from course_utils.checks import ex01
from course_utils.lstm_numpy import gru_forward, lstm_forward
from course_utils.nbrun import read_notebook

ROOT = Path(__file__).resolve().parent.parent

NOT_DONE = "not done yet"


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    i, f, g, o = np.split(z, 4, axis=1)
    c = sigmoid(f) * c_prev + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c), c


def gru_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    a = x_t @ kernel + bias[0]
    u = h_prev @ recurrent_kernel + bias[1]
    a_z, a_r, a_h = np.split(a, 3, axis=1)
    u_z, u_r, u_h = np.split(u, 3, axis=1)
    z, r = sigmoid(a_z + u_z), sigmoid(a_r + u_r)
    return z * h_prev + (1 - z) * np.tanh(a_h + r * u_h)


def lstm_param_count(input_dim, units):
    return 4 * (units * (input_dim + units) + units)


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise 1.x: replace this line with your code")


# --- the references the checks use agree with lstm_numpy (itself tested against Keras) ---------


@pytest.mark.parametrize(("batch", "input_dim", "units"), ex01.STEP_CASES)
def test_reference_steps_match_lstm_numpy(batch, input_dim, units):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, input_dim))
    h, c = rng.normal(size=(batch, units)), rng.normal(size=(batch, units))
    k, r, b = (rng.normal(size=s) for s in [(input_dim, 4 * units), (units, 4 * units), 4 * units])
    _, h1, c1 = lstm_forward(x[:, None], k, r, b, h0=h, c0=c)
    h_ref, c_ref = ex01.lstm_step_variant(x, h, c, k, r, b)
    np.testing.assert_allclose(h_ref, h1, atol=1e-12)
    np.testing.assert_allclose(c_ref, c1, atol=1e-12)
    k3, r3, b3 = (
        rng.normal(size=s) for s in [(input_dim, 3 * units), (units, 3 * units), (2, 3 * units)]
    )
    np.testing.assert_allclose(
        ex01.gru_step_variant(x, h, k3, r3, b3),
        gru_forward(x[:, None], k3, r3, b3, h0=h)[1],
        atol=1e-12,
    )


@pytest.mark.parametrize(("input_dim", "units"), [(1, 1), (1, 50), (7, 3), (32, 64)])
def test_parameter_formula_equals_keras_count_params(input_dim, units):
    layer = keras.layers.LSTM(units)
    layer.build((None, None, input_dim))
    assert ex01.lstm_param_count_reference(input_dim, units) == layer.count_params()


def test_checks_are_found_by_name():
    assert cu.checks.ex_01_1 is ex01.ex_01_1
    assert cu.checks.ex_01_3.exercise == "1.3"


# --- 1.1 ---------------------------------------------------------------------------------------


def test_ex_01_1_passes_on_solution_and_prints(capsys):
    assert ex01.ex_01_1.evaluate(lstm_step).passed
    ex01.ex_01_1(lstm_step)
    assert capsys.readouterr().out.startswith("✅ Exercise 1.1 passed")


def test_ex_01_1_float32_solution_passes():
    def step32(*args):
        h, c = lstm_step(*(a.astype(np.float32) for a in args))
        return h, c

    assert ex01.ex_01_1.evaluate(step32).passed


def _lstm_wrong(order="ifco", act_gate=sigmoid, act_cand=np.tanh, squash=np.tanh, bias_on=True):
    def step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
        z = x_t @ kernel + h_prev @ recurrent_kernel + (bias if bias_on else 0)
        blocks = dict(zip(order, np.split(z, 4, axis=1), strict=True))
        c = act_gate(blocks["f"]) * c_prev + act_gate(blocks["i"]) * act_cand(blocks["c"])
        return act_gate(blocks["o"]) * squash(c), c

    return step


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (stub, NOT_DONE),
        (None, "expected a function, got None"),
        (
            _lstm_wrong(order="ifoc"),
            "gate order is swapped: you read the column blocks as i, f, o, c",
        ),
        (_lstm_wrong(order="fico"), "Keras stores them as i, f, c, o"),
        (_lstm_wrong(act_gate=np.tanh, act_cand=sigmoid), "tanh and σ are swapped"),
        (_lstm_wrong(act_cand=sigmoid), "your candidate g uses σ"),
        (_lstm_wrong(squash=lambda c: c), "forgot the tanh on the new cell state"),
        (_lstm_wrong(bias_on=False), "you forgot the bias"),
        (lambda *a: lstm_step(*a)[::-1], "you returned (c, h)"),
        (lambda *a: lstm_step(*a)[0], "returned a single ndarray"),
        (lambda *a: None, "returned None"),
        (lambda *a: (*lstm_step(*a), 0), "returned 3 values"),
        (lambda *a: (lstm_step(*a)[0], a[2]), "you returned the old cell state c_prev"),
        (lambda *a: (np.tanh(lstm_step(*a)[1]), lstm_step(*a)[1]), "multiply by the output gate"),
        (
            lambda x, h, c, k, r, b: lstm_step(x, np.zeros_like(h), c, k, r, b),
            "you left out the recurrent term",
        ),
        (lambda *a: (lstm_step(*a)[0].T, lstm_step(*a)[1]), "has shape"),
        (lambda *a: (lstm_step(*a)[0], lstm_step(*a)[1] + 0.1), "c differs from the reference"),
        (lambda *a: (lstm_step(*a)[0] + 0.1, lstm_step(*a)[1]), "c is right but h is not"),
        (lambda x, h, c, k, r, b: lstm_step(x, h, c, k, r.T, b), "raised ValueError"),
    ],
)
def test_ex_01_1_hints(answer, hint):
    result = ex01.ex_01_1.evaluate(answer)
    assert not result.passed
    assert hint in result.message, result.message


def test_ex_01_1_does_not_let_the_learner_change_its_data():
    def mutating(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
        out = lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)
        kernel[:] = 0
        return out

    assert ex01.ex_01_1.evaluate(mutating).passed


# --- 1.2 ---------------------------------------------------------------------------------------


def test_ex_01_2_passes_on_solution():
    assert ex01.ex_01_2.evaluate(gru_step).passed


def _gru_reset_before(x_t, h_prev, kernel, recurrent_kernel, bias):
    units = h_prev.shape[1]
    a = x_t @ kernel + bias[0]
    u = h_prev @ recurrent_kernel + bias[1]
    z = sigmoid(a[:, :units] + u[:, :units])
    r = sigmoid(a[:, units : 2 * units] + u[:, units : 2 * units])
    h_cand = np.tanh(
        a[:, 2 * units :] + (r * h_prev) @ recurrent_kernel[:, 2 * units :] + bias[1, 2 * units :]
    )
    return z * h_prev + (1 - z) * h_cand


def _gru_flipped(x_t, h_prev, kernel, recurrent_kernel, bias):
    new = gru_step(x_t, h_prev, kernel, recurrent_kernel, bias)
    # h = z h + (1 - z) ĥ  →  the flipped mix is h + ĥ - new
    units = h_prev.shape[1]
    a = x_t @ kernel + bias[0]
    u = h_prev @ recurrent_kernel + bias[1]
    z = sigmoid(a[:, :units] + u[:, :units])
    h_cand = (new - z * h_prev) / (1 - z)
    return (1 - z) * h_prev + z * h_cand


def _gru_no_recurrent_bias(x_t, h_prev, kernel, recurrent_kernel, bias):
    return gru_step(x_t, h_prev, kernel, recurrent_kernel, np.stack([bias[0], 0 * bias[1]]))


def _gru_order_rzh(x_t, h_prev, kernel, recurrent_kernel, bias):
    def swap(m):
        z, r, h = np.split(m, 3, axis=-1)
        return np.concatenate([r, z, h], axis=-1)

    return gru_step(x_t, h_prev, swap(kernel), swap(recurrent_kernel), swap(bias))


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (stub, NOT_DONE),
        (_gru_reset_before, "reset_after=False"),
        (_gru_flipped, "the update gate mixes the other way round"),
        (_gru_no_recurrent_bias, "you forgot the recurrent bias bias[1]"),
        (
            lambda x, h, k, r, b: gru_step(x, h, k, r, np.zeros_like(b)),
            "you forgot the bias",
        ),
        (_gru_order_rzh, "gate order is swapped"),
        (lambda *a: (gru_step(*a), gru_step(*a)), "a GRU step has one state: return h"),
        (lambda *a: gru_step(*a) + 0.05, "h differs from the reference by up to 0.05"),
        (lambda *a: None, "is None: did your function forget to `return` it?"),
        (lambda *a: gru_step(*a) * np.nan, "contains NaN"),
    ],
)
def test_ex_01_2_hints(answer, hint):
    result = ex01.ex_01_2.evaluate(answer)
    assert not result.passed
    assert hint in result.message, result.message


# --- 1.3 ---------------------------------------------------------------------------------------


def test_ex_01_3_passes_on_solution_and_on_float_whole_numbers():
    assert ex01.ex_01_3.evaluate(lstm_param_count).passed
    assert ex01.ex_01_3.evaluate(lambda d, u: float(lstm_param_count(d, u))).passed
    assert ex01.ex_01_3.evaluate(lambda d, u: np.int64(lstm_param_count(d, u))).passed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (stub, NOT_DONE),
        (lambda d, u: 4 * u * (d + u), "you forgot the bias"),
        (lambda d, u: u * (d + u) + u, "an LSTM has 4 (i, f, c, o)"),
        (lambda d, u: 4 * (u * d + u), "you forgot the recurrent kernel"),
        (lambda d, u: 4 * (u * (d + u) + 2 * u), "two biases per gate is the PyTorch/cuDNN count"),
        (lambda d, u: 3 * (u * (d + u) + 2 * u), "count of Keras' GRU"),
        (lambda d, u: lstm_param_count(u, d), "input_dim and units are swapped"),
        (lambda d, u: lstm_param_count(d, u) + 0.5, "is not a whole number"),
        (lambda d, u: lstm_param_count(d, u) + 1, "expected"),
        (lambda d, u: None, "should be a number, got None"),
        (lambda d, u: "10400", "should be a number"),
    ],
)
def test_ex_01_3_hints(answer, hint):
    result = ex01.ex_01_3.evaluate(answer)
    assert not result.passed
    assert hint in result.message, result.message


# --- the stored notebooks: the solutions pass, the generated stubs are "not done yet" ----------


def _functions_of(notebook):
    namespace = {"np": np}
    for cell in read_notebook(ROOT / notebook).cells:
        if cell.cell_type == "code" and "cu." not in cell.source:  # definitions, not checks
            exec(cell.source, namespace)
    return namespace


@pytest.mark.parametrize(
    ("check", "name"),
    [(ex01.ex_01_1, "lstm_step"), (ex01.ex_01_2, "gru_step"), (ex01.ex_01_3, "lstm_param_count")],
)
def test_checks_on_the_notebooks(check, name):
    solutions = _functions_of("solutions/01_lstm_gate_equations_solutions.ipynb")
    exercises = _functions_of("exercises/01_lstm_gate_equations_exercises.ipynb")
    assert check.evaluate(solutions[name]).passed
    result = check.evaluate(exercises[name])
    assert not result.passed and NOT_DONE in result.message
