"""Checks of exercise set 01: pass on a solution, "not done yet" on the stub, a hint per mistake."""

import keras
import numpy as np
import pytest
from helpers import ROOT, stub

import course_utils as cu
from course_utils.checks import ex01
from course_utils.lstm_numpy import gru_forward, lstm_forward
from course_utils.tooling.nbrun import read_notebook

NOT_DONE = "not done yet"


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def lstm_step_peephole(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, peephole):
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=1)
    p_i, p_f, p_o = peephole
    c = sigmoid(z_f + p_f * c_prev) * c_prev + sigmoid(z_i + p_i * c_prev) * np.tanh(z_c)
    return sigmoid(z_o + p_o * c) * np.tanh(c), c


def gru_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    a = x_t @ kernel + bias[0]
    u = h_prev @ recurrent_kernel + bias[1]
    a_z, a_r, a_h = np.split(a, 3, axis=1)
    u_z, u_r, u_h = np.split(u, 3, axis=1)
    z, r = sigmoid(a_z + u_z), sigmoid(a_r + u_r)
    return z * h_prev + (1 - z) * np.tanh(a_h + r * u_h)


def stacked_bilstm_param_count(input_dim, units, outputs):
    total, d = 0, input_dim
    for u in units:
        total += 2 * 4 * (u * (d + u) + u)  # two directions
        d = 2 * u  # the next layer reads both directions
    return total + d * outputs + outputs


# --- the references the checks use agree with lstm_numpy (itself tested against Keras) ---------


SHAPES = [(1, 3, 2), (4, 2, 5), (3, 1, 1), (2, 6, 4)]


@pytest.mark.parametrize(("batch", "input_dim", "units"), SHAPES)
def test_reference_steps_match_lstm_numpy(batch, input_dim, units):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, input_dim))
    h, c = rng.normal(size=(batch, units)), rng.normal(size=(batch, units))
    k, r, b = (rng.normal(size=s) for s in [(input_dim, 4 * units), (units, 4 * units), 4 * units])
    _, h1, c1 = lstm_forward(x[:, None], k, r, b, h0=h, c0=c)
    for peephole in (None, np.zeros((3, units))):  # no peepholes: Keras' own step
        h_ref, c_ref = ex01.lstm_step_variant(x, h, c, k, r, b, peephole)
        np.testing.assert_allclose(h_ref, h1, atol=1e-12)
        np.testing.assert_allclose(c_ref, c1, atol=1e-12)
    p = rng.normal(size=(3, units))
    np.testing.assert_allclose(
        ex01.lstm_step_variant(x, h, c, k, r, b, p), lstm_step_peephole(x, h, c, k, r, b, p)
    )
    k3, r3, b3 = (
        rng.normal(size=s) for s in [(input_dim, 3 * units), (units, 3 * units), (2, 3 * units)]
    )
    np.testing.assert_allclose(
        ex01.gru_step_variant(x, h, k3, r3, b3),
        gru_forward(x[:, None], k3, r3, b3, h0=h)[1],
        atol=1e-12,
    )


def test_draw_step_shapes_varies_with_the_seed():
    a = ex01.draw_step_shapes(np.random.default_rng(1))
    b = ex01.draw_step_shapes(np.random.default_rng(2))
    assert a != b and a[0][0] == b[0][0] == 1


@pytest.mark.parametrize(("input_dim", "units"), [(1, 1), (1, 50), (7, 3), (32, 64)])
def test_parameter_formula_equals_keras_count_params(input_dim, units):
    layer = keras.layers.LSTM(units)
    layer.build((None, None, input_dim))
    assert ex01.lstm_param_count_reference(input_dim, units) == layer.count_params()


@pytest.mark.parametrize(
    ("input_dim", "units", "outputs"), [(1, [2], 1), (3, [5, 7], 2), (8, [4, 3, 6], 1)]
)
def test_stack_count_formula_equals_keras(input_dim, units, outputs):
    model = ex01.build_stacked_bilstm(input_dim, units, outputs)
    expected = model.count_params()
    assert ex01.stacked_bilstm_count_variant(input_dim, units, outputs) == expected
    assert stacked_bilstm_param_count(input_dim, units, outputs) == expected


def test_checks_are_found_by_name():
    assert cu.checks.ex_01_1 is ex01.ex_01_1
    assert cu.checks.ex_01_3.exercise == "1.3"


# --- 1.1 ---------------------------------------------------------------------------------------


def test_ex_01_1_passes_on_solution_and_prints(capsys):
    # one fixed draw: how the solution fares on fresh ones is `make calibrate`'s measure
    result = ex01.ex_01_1.evaluate(lstm_step_peephole, seed=0)
    assert result.passed, result.message
    ex01.ex_01_1(lstm_step_peephole)
    assert capsys.readouterr().out.startswith("✅ Exercise 1.1 passed")


def test_ex_01_1_float32_solution_passes():
    def step32(*args):
        h, c = lstm_step_peephole(*(a.astype(np.float32) for a in args))
        return h, c

    result = ex01.ex_01_1.evaluate(step32, seed=0)
    assert result.passed and 0 < result.margin < 0.8, result


@pytest.mark.parametrize(
    ("check", "answer"),
    [(ex01.ex_01_1, lstm_step_peephole), (ex01.ex_01_2, gru_step)],
)
def test_step_checks_record_the_share_of_the_tolerance_used(check, answer):
    result = check.evaluate(answer, seed=1)
    assert result.passed and result.margin is not None and result.margin < 1e-3, result
    off = check.evaluate(lambda *a: _nudged(answer(*a)), seed=1)
    assert not off.passed and off.margin > 1, off  # the wrong answer used more than all of it


def _nudged(out):
    # adds 1e-4 to every value: ten times the step checks' tolerance
    return tuple(v + 1e-4 for v in out) if isinstance(out, tuple) else out + 1e-4


def test_tolerance_share_is_what_allclose_accepts():
    ref = np.array([[0.5, -3.0], [0.0, 2.0]])
    for scale in (0.5, 0.99, 1.01, 2.0):
        got = ref + scale * (ex01.ATOL + ex01.RTOL * np.abs(ref))
        assert ex01.tolerance_share(got, ref) == pytest.approx(scale)
        assert ex01._close(got, ref) == (scale <= 1)
    assert ex01.tolerance_share(ref.T[:1], ref) == np.inf


def _lstm_wrong(
    order="ifco",
    act_gate=sigmoid,
    act_cand=np.tanh,
    squash=np.tanh,
    bias_on=True,
    p_order="ifo",
    out_peep="new",
):
    def step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, peephole):
        z = x_t @ kernel + h_prev @ recurrent_kernel + (bias if bias_on else 0)
        blocks = dict(zip(order, np.split(z, 4, axis=1), strict=True))
        p = dict(zip(p_order, peephole, strict=True))
        i = act_gate(blocks["i"] + p["i"] * c_prev)
        f = act_gate(blocks["f"] + p["f"] * c_prev)
        c = f * c_prev + i * act_cand(blocks["c"])
        peep_o = {"new": p["o"] * c, "old": p["o"] * c_prev, "none": 0}[out_peep]
        return act_gate(blocks["o"] + peep_o) * squash(c), c

    return step


def _plain_lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, peephole):
    # the lesson's step, copied: no peepholes
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    i, f, g, o = np.split(z, 4, axis=1)
    c = sigmoid(f) * c_prev + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c), c


MEMORISED = {}


def _memoriser(*args):
    # remembers the answer of the first call it sees and replays it, whatever the inputs
    if not MEMORISED:
        MEMORISED["answer"] = lstm_step_peephole(*args)
    return MEMORISED["answer"]


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (stub, NOT_DONE),
        (None, "expected a function, got None"),
        (1.0, "expected a function, got a float"),
        (_plain_lstm_step, "you left out the peepholes"),
        (_lstm_wrong(out_peep="old"), "reads the *new* cell state"),
        (_lstm_wrong(out_peep="none"), "the output gate has a peephole too"),
        (_lstm_wrong(p_order="oif"), "the peephole rows are mixed up"),
        (
            _lstm_wrong(order="ifoc"),
            "gate order is swapped: you read the column blocks as i, f, o, c",
        ),
        (_lstm_wrong(order="fico"), "Keras stores them as i, f, c, o"),
        (_lstm_wrong(act_gate=np.tanh, act_cand=sigmoid), "tanh and σ are swapped"),
        (_lstm_wrong(act_cand=sigmoid), "your candidate g uses σ"),
        (_lstm_wrong(squash=lambda c: c), "forgot the tanh on the new cell state"),
        (_lstm_wrong(bias_on=False), "you forgot the bias"),
        (lambda *a: lstm_step_peephole(*a)[::-1], "you returned (c, h)"),
        (lambda *a: lstm_step_peephole(*a)[0], "returned a single ndarray"),
        (lambda *a: None, "returned None"),
        (lambda *a: (*lstm_step_peephole(*a), 0), "returned 3 values"),
        (lambda *a: (lstm_step_peephole(*a)[0], a[2]), "you returned the old cell state"),
        (
            lambda *a: (np.tanh(lstm_step_peephole(*a)[1]), lstm_step_peephole(*a)[1]),
            "multiply by the output gate",
        ),
        (
            lambda x, h, c, k, r, b, p: lstm_step_peephole(x, np.zeros_like(h), c, k, r, b, p),
            "you left out the recurrent term",
        ),
        (lambda *a: (lstm_step_peephole(*a)[0].T, lstm_step_peephole(*a)[1]), "has shape"),
        (
            lambda *a: (lstm_step_peephole(*a)[0], lstm_step_peephole(*a)[1] + 0.1),
            "c differs from the reference",
        ),
        (
            lambda *a: (lstm_step_peephole(*a)[0] + 0.1, lstm_step_peephole(*a)[1]),
            "c is right but h is not",
        ),
        (
            lambda x, h, c, k, r, b, p: lstm_step_peephole(x, h, c, k, r.T, b, p),
            "raised ValueError",
        ),
        (lambda x, h, c, k, r, b: None, "cannot be called"),
    ],
)
def test_ex_01_1_hints(answer, hint):
    result = ex01.ex_01_1.evaluate(answer, seed=3)
    assert not result.passed
    assert hint in result.message, result.message


def test_ex_01_1_refuses_a_memoriser_and_names_the_seed():
    MEMORISED.clear()
    ex01.ex_01_1.evaluate(_memoriser, seed=10)  # the memoriser learns this draw
    result = ex01.ex_01_1.evaluate(_memoriser, seed=11)
    assert not result.passed and result.seed == 11
    assert "[seed=11 repeats this draw]" in result.line()


def test_ex_01_1_draws_new_inputs_on_every_call():
    seen = []

    def spy(*args):
        seen.append(args[0].copy())
        return lstm_step_peephole(*args)

    ex01.ex_01_1.evaluate(spy)
    first = list(seen)
    seen.clear()
    ex01.ex_01_1.evaluate(spy)
    assert any(
        a.shape != b.shape or not np.array_equal(a, b) for a, b in zip(first, seen, strict=True)
    )


def test_ex_01_1_does_not_let_the_learner_change_its_data():
    def mutating(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, peephole):
        out = lstm_step_peephole(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, peephole)
        kernel[:] = 0
        peephole[:] = 0
        c_prev[:] = 0
        return out

    assert ex01.ex_01_1.evaluate(mutating, seed=0).passed


# --- 1.2 ---------------------------------------------------------------------------------------


def test_ex_01_2_passes_on_solution():
    assert ex01.ex_01_2.evaluate(gru_step, seed=0).passed


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


def _gru_by_library(x_t, h_prev, kernel, recurrent_kernel, bias):
    # the lesson's own call (section 7), on a sequence of one step
    return cu.lstm_numpy.gru_forward(x_t[:, None], kernel, recurrent_kernel, bias, h0=h_prev)[1]


def _gru_by_imported_library(x_t, h_prev, kernel, recurrent_kernel, bias):
    return gru_forward(x_t[:, None], kernel, recurrent_kernel, bias, h0=h_prev)[1]


def _gru_by_keras(x_t, h_prev, kernel, recurrent_kernel, bias):
    layer = keras.layers.GRU(h_prev.shape[1])
    layer.build((None, None, x_t.shape[1]))
    layer.set_weights([kernel, recurrent_kernel, bias])
    return layer(x_t[:, None].astype("float32"), initial_state=h_prev.astype("float32")).numpy()


def test_the_shortcuts_pass_unless_refused_and_are_restored_after_the_check():
    rng = np.random.default_rng(0)
    args = (
        rng.normal(size=(2, 3)),
        rng.normal(size=(2, 4)),
        rng.normal(size=(3, 12)),
        rng.normal(size=(4, 12)),
        rng.normal(size=(2, 12)),
    )
    for shortcut in (_gru_by_library, _gru_by_imported_library, _gru_by_keras):
        np.testing.assert_allclose(shortcut(*args), gru_step(*args), atol=1e-5)
    assert not ex01.ex_01_2.evaluate(_gru_by_keras, seed=0).passed
    assert not ex01.ex_01_3.evaluate(_count_by_keras, seed=0).passed
    np.testing.assert_allclose(_gru_by_library(*args), gru_step(*args), atol=1e-12)
    assert _count_by_keras(1, [2], 1) == 69  # Keras' LSTM can be built again


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
        (lambda *a: gru_step(*a) + 0.05, "h differs from the reference"),
        (lambda *a: None, "is None: did your function forget to `return` it?"),
        (lambda *a: gru_step(*a) * np.nan, "contains NaN"),
        (_gru_by_library, "runs a ready-made GRU"),
        (_gru_by_imported_library, "runs a ready-made GRU"),
        (_gru_by_keras, "runs a ready-made GRU"),
    ],
)
def test_ex_01_2_hints(answer, hint):
    result = ex01.ex_01_2.evaluate(answer, seed=4)
    assert not result.passed
    assert hint in result.message, result.message


# --- 1.3 ---------------------------------------------------------------------------------------


def _stack(**kwargs):
    return lambda d, units, k: ex01.stacked_bilstm_count_variant(d, units, k, **kwargs)


def _count_by_keras(d, units, k):
    # builds the exercise's model and asks Keras: passes without the formula unless refused
    layers = [keras.Input((None, d))]
    layers += [
        keras.layers.Bidirectional(keras.layers.LSTM(u, return_sequences=True)) for u in units[:-1]
    ]
    layers += [keras.layers.Bidirectional(keras.layers.LSTM(units[-1])), keras.layers.Dense(k)]
    return keras.Sequential(layers).count_params()


def test_ex_01_3_passes_on_solution_and_on_float_whole_numbers():
    result = ex01.ex_01_3.evaluate(stacked_bilstm_param_count, seed=0)
    assert result.passed, result.message
    assert result.margin is None  # an exact count: no allowance to use
    f = stacked_bilstm_param_count
    assert ex01.ex_01_3.evaluate(lambda d, u, k: float(f(d, u, k)), seed=0).passed
    assert ex01.ex_01_3.evaluate(lambda d, u, k: np.int64(f(d, u, k)), seed=0).passed


def test_ex_01_3_draws_stacks():
    seen = []

    def spy(d, units, k):
        seen.append(len(units))
        return stacked_bilstm_param_count(d, units, k)

    assert ex01.ex_01_3.evaluate(spy, seed=5).passed
    assert max(seen) >= 2


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (stub, NOT_DONE),
        (12345, "expected a function, got a int"),
        (_stack(directions=1, next_input=1, head_input=1), "counted each Bidirectional layer once"),
        (_stack(next_input=1, head_input=1), "reads both directions, concatenated"),
        (_stack(next_input=1), "the second Bidirectional layer reads both directions"),
        (_stack(head_input=1), "the Dense head reads both directions"),
        (_stack(head=False), "you forgot the Dense head"),
        (_stack(head_bias=False), "the Dense head's bias"),
        (_stack(biases_per_gate=2), "PyTorch/cuDNN count"),
        (_stack(stacked=False), "every later layer reads the 2·units outputs"),
        (
            lambda d, units, k: stacked_bilstm_param_count(d, units, k) + 0.5,
            "is not a whole number",
        ),
        (lambda d, units, k: stacked_bilstm_param_count(d, units, k) + 1, "Count layer by layer"),
        (lambda d, units, k: None, "should be a number, got None"),
        (lambda d, units, k: "10400", "should be a number, got a str"),
        (lambda d, u: 4 * (u * (d + u) + u), "cannot be called"),
        (_count_by_keras, "asks for the count by formula"),
    ],
)
def test_ex_01_3_hints(answer, hint):
    result = ex01.ex_01_3.evaluate(answer, seed=6)
    assert not result.passed
    assert hint in result.message, result.message


def test_ex_01_3_hint_never_shows_the_expected_count():
    cases = []

    def off_by_one(d, units, k):
        cases.append((d, list(units), k))
        return stacked_bilstm_param_count(d, units, k) + 1

    for seed in range(5):
        cases.clear()
        message = ex01.ex_01_3.evaluate(off_by_one, seed=seed).message
        for d, units, k in cases:
            assert f" {stacked_bilstm_param_count(d, units, k)}" not in message, message


def test_ex_01_3_refuses_a_lookup_table_of_one_draw():
    table = {}

    def first_draw(d, units, k):
        return table.setdefault("count", stacked_bilstm_param_count(d, units, k))

    assert not ex01.ex_01_3.evaluate(first_draw, seed=7).passed


# --- the stored notebooks: the solutions pass, the generated stubs are "not done yet" ----------


def _functions_of(notebook):
    namespace = {"np": np}
    for cell in read_notebook(ROOT / notebook).cells:
        if cell.cell_type == "code" and "cu." not in cell.source:  # definitions, not checks
            exec(cell.source, namespace)
    return namespace


@pytest.mark.parametrize(
    ("check", "name"),
    [
        (ex01.ex_01_1, "lstm_step_peephole"),
        (ex01.ex_01_2, "gru_step"),
        (ex01.ex_01_3, "stacked_bilstm_param_count"),
    ],
)
def test_checks_on_the_notebooks(check, name):
    solutions = _functions_of("solutions/01_lstm_gate_equations_solutions.ipynb")
    exercises = _functions_of("exercises/01_lstm_gate_equations_exercises.ipynb")
    assert check.evaluate(solutions[name], seed=0).passed
    result = check.evaluate(exercises[name], seed=0)
    assert not result.passed and NOT_DONE in result.message
