"""The NumPy LSTM/GRU (course_utils.lstm_numpy) against keras.layers.LSTM/GRU and tf.GradientTape.

The Keras layers run in float64 here, so the NumPy cells must agree to ~1e-10, far tighter than
the notebook's float32 bars (1e-5 outputs, 1e-4 relative gradients).
"""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import lstm_numpy
from course_utils.lstm_numpy import gru_forward, lstm_backward, lstm_forward, weights_from_keras

# (batch, time, input_dim, units): units 1 and many, time 1 and many, batch 1 and many.
SHAPES = [(1, 1, 1, 1), (1, 6, 3, 1), (4, 1, 2, 7), (3, 9, 5, 8), (2, 14, 1, 16)]
TOL = 1e-9


def _random_layer(kind, units, input_dim, rng, **kwargs):
    """A float64 Keras LSTM/GRU with random (not initial) weights, returning sequence and state."""
    layer_class = keras.layers.LSTM if kind == "lstm" else keras.layers.GRU
    layer = layer_class(units, return_sequences=True, return_state=True, dtype="float64", **kwargs)
    layer.build((None, None, input_dim))
    layer.set_weights([0.6 * rng.normal(size=w.shape) for w in layer.get_weights()])
    return layer


def _rel_err(got, expected):
    return float(np.max(np.abs(got - expected)) / max(np.max(np.abs(expected)), 1e-12))


@pytest.mark.parametrize(("batch", "time", "input_dim", "units"), SHAPES)
@pytest.mark.parametrize("initial_state", [False, True])
def test_lstm_forward_matches_keras(batch, time, input_dim, units, initial_state):
    rng = np.random.default_rng(batch * 100 + time * 10 + units)
    layer = _random_layer("lstm", units, input_dim, rng)
    x = rng.normal(size=(batch, time, input_dim))
    states = [rng.normal(size=(batch, units)) for _ in range(2)] if initial_state else None
    h_seq_k, h_k, c_k = (np.asarray(v) for v in layer(x, initial_state=states))
    h0, c0 = states if initial_state else (None, None)
    h_seq, h_last, c_last = lstm_forward(x, **weights_from_keras(layer), h0=h0, c0=c0)
    assert h_seq.shape == (batch, time, units) and h_last.shape == c_last.shape == (batch, units)
    assert h_seq.dtype == h_last.dtype == c_last.dtype == np.float64
    for got, expected in [(h_seq, h_seq_k), (h_last, h_k), (c_last, c_k)]:
        assert np.max(np.abs(got - expected)) < TOL


@pytest.mark.parametrize(("batch", "time", "input_dim", "units"), SHAPES)
def test_lstm_backward_matches_gradient_tape(batch, time, input_dim, units):
    rng = np.random.default_rng(7 + batch + time + units)
    layer = _random_layer("lstm", units, input_dim, rng)
    x, h0, c0 = (
        rng.normal(size=s) for s in [(batch, time, input_dim), (batch, units), (batch, units)]
    )
    w_seq, w_h, w_c = (rng.normal(size=s) for s in [(batch, time, units), *[(batch, units)] * 2])
    x_tf, h0_tf, c0_tf = (tf.constant(v) for v in (x, h0, c0))
    with tf.GradientTape() as tape:
        tape.watch([x_tf, h0_tf, c0_tf])
        seq, h, c = layer(x_tf, initial_state=[h0_tf, c0_tf])
        loss = tf.reduce_sum(seq * w_seq) + tf.reduce_sum(h * w_h) + tf.reduce_sum(c * w_c)
    tape_grads = tape.gradient(loss, [x_tf, h0_tf, c0_tf, *layer.trainable_weights])

    *_, cache = lstm_forward(x, **weights_from_keras(layer), h0=h0, c0=c0, return_cache=True)
    grads = lstm_backward(w_seq, cache, dh_last=w_h, dc_last=w_c)
    names = ["dx", "dh0", "dc0", "dkernel", "drecurrent_kernel", "dbias"]
    assert sorted(grads) == sorted(names)
    for name, expected in zip(names, tape_grads, strict=True):
        expected = np.asarray(expected)
        assert grads[name].shape == expected.shape, name
        assert _rel_err(grads[name], expected) < 1e-8, name


def test_lstm_backward_with_only_final_state_gradients():
    """dh_seq=None: a loss on h_last alone, checked against a central finite difference."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 5, 3))
    kernel, recurrent, bias = rng.normal(size=(3, 8)), rng.normal(size=(2, 8)), rng.normal(size=8)
    *_, cache = lstm_forward(x, kernel, recurrent, bias, return_cache=True)
    grads = lstm_backward(None, cache, dh_last=np.ones((2, 2)))
    eps = 1e-6
    for index in [(0, 0, 0), (1, 2, 1), (1, 4, 2)]:
        plus, minus = x.copy(), x.copy()
        plus[index] += eps
        minus[index] -= eps
        numeric = (
            lstm_forward(plus, kernel, recurrent, bias)[1].sum()
            - lstm_forward(minus, kernel, recurrent, bias)[1].sum()
        ) / (2 * eps)
        assert abs(numeric - grads["dx"][index]) < 1e-7
    no_grad = lstm_backward(None, cache)
    assert all(np.all(v == 0) for v in no_grad.values())


@pytest.mark.parametrize(("batch", "time", "input_dim", "units"), SHAPES)
@pytest.mark.parametrize("initial_state", [False, True])
def test_gru_forward_matches_keras(batch, time, input_dim, units, initial_state):
    rng = np.random.default_rng(batch * 100 + time * 10 + units + 1)
    layer = _random_layer("gru", units, input_dim, rng)
    x = rng.normal(size=(batch, time, input_dim))
    h0 = rng.normal(size=(batch, units)) if initial_state else None
    h_seq_k, h_k = (np.asarray(v) for v in layer(x, initial_state=h0))
    h_seq, h_last = gru_forward(x, **weights_from_keras(layer), h0=h0)
    assert h_seq.shape == (batch, time, units) and h_last.shape == (batch, units)
    assert h_seq.dtype == h_last.dtype == np.float64
    assert np.max(np.abs(h_seq - h_seq_k)) < TOL
    assert np.max(np.abs(h_last - h_k)) < TOL


def test_cache_holds_gates_and_states_for_plotting():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4, 2))
    weights = {
        "kernel": rng.normal(size=(2, 20)),
        "recurrent_kernel": rng.normal(size=(5, 20)),
        "bias": rng.normal(size=20),
    }
    h_seq, _, c_last, cache = lstm_forward(x, **weights, return_cache=True)
    for name in "ifgoch":
        assert cache[name].shape == (3, 4, 5), name
    for name in "ifo":
        assert np.all((cache[name] > 0) & (cache[name] < 1)), name
    assert np.all(np.abs(cache["g"]) < 1)
    np.testing.assert_array_equal(cache["c"][:, -1], c_last)
    np.testing.assert_array_equal(cache["h"], h_seq)
    # the cell update, written out for one step
    t = 2
    np.testing.assert_allclose(
        cache["c"][:, t],
        cache["f"][:, t] * cache["c"][:, t - 1] + cache["i"][:, t] * cache["g"][:, t],
    )
    np.testing.assert_allclose(cache["h"][:, t], cache["o"][:, t] * np.tanh(cache["c"][:, t]))
    np.testing.assert_array_equal(cache["h0"], np.zeros((3, 5)))


def test_float32_and_integer_inputs_are_computed_in_float64_and_not_modified():
    rng = np.random.default_rng(1)
    x = rng.integers(-2, 3, size=(2, 3, 2))
    kernel = rng.normal(size=(2, 8)).astype(np.float32)
    recurrent = rng.normal(size=(2, 8)).astype(np.float32)
    bias = np.zeros(8, dtype=np.float32)
    before = [a.copy() for a in (x, kernel, recurrent, bias)]
    outputs = lstm_forward(x, kernel, recurrent, bias)
    assert all(o.dtype == np.float64 for o in outputs)
    expected = lstm_forward(x.astype(np.float64), *(a.astype(np.float64) for a in before[1:]))
    for got, want in zip(outputs, expected, strict=True):
        np.testing.assert_array_equal(got, want)
    for a, b in zip((x, kernel, recurrent, bias), before, strict=True):
        np.testing.assert_array_equal(a, b)
    assert (
        gru_forward(x, rng.normal(size=(2, 6)), recurrent[:, :6], np.zeros((2, 6)))[0].dtype
        == np.float64
    )


def test_saturated_gates_do_not_overflow():
    x = np.full((1, 3, 1), 1e4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h_seq, _, c_last = lstm_forward(x, np.ones((1, 4)), np.ones((1, 4)), np.zeros(4))
        h_gru, _ = gru_forward(-x, np.ones((1, 3)), np.ones((1, 3)), np.zeros((2, 3)))
    assert np.all(np.isfinite(h_seq)) and np.all(np.isfinite(h_gru))
    np.testing.assert_allclose(c_last, [[3.0]])  # i = f = g = 1 at every step: c counts steps


# --- weights_from_keras ------------------------------------------------------------------------


def test_weights_from_keras_layers_and_cells():
    rng = np.random.default_rng(0)
    lstm = _random_layer("lstm", 3, 2, rng)
    weights = weights_from_keras(lstm)
    assert list(weights) == ["kernel", "recurrent_kernel", "bias"]
    for got, expected in zip(weights.values(), lstm.get_weights(), strict=True):
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, expected)
    cell_weights = weights_from_keras(lstm.cell)
    np.testing.assert_array_equal(cell_weights["kernel"], weights["kernel"])
    gru = _random_layer("gru", 4, 5, rng)
    assert {k: v.shape for k, v in weights_from_keras(gru).items()} == {
        "kernel": (5, 12),
        "recurrent_kernel": (4, 12),
        "bias": (2, 12),
    }


def test_weights_from_keras_without_bias_gives_zero_bias():
    rng = np.random.default_rng(0)
    lstm = _random_layer("lstm", 3, 2, rng, use_bias=False)
    gru = _random_layer("gru", 3, 2, rng, use_bias=False)
    assert np.array_equal(weights_from_keras(lstm)["bias"], np.zeros(12))
    assert np.array_equal(weights_from_keras(gru)["bias"], np.zeros((2, 9)))
    x = rng.normal(size=(2, 4, 2))
    np.testing.assert_allclose(
        gru_forward(x, **weights_from_keras(gru))[0], np.asarray(gru(x)[0]), atol=TOL
    )


@pytest.mark.parametrize(
    ("make_layer", "error", "match"),
    [
        (lambda: keras.layers.Dense(3), TypeError, "must be a keras.layers.LSTM"),
        (lambda: np.zeros((2, 8)), TypeError, "got ndarray"),
        (lambda: keras.layers.Bidirectional(keras.layers.LSTM(2)), TypeError, "forward_layer"),
        (lambda: keras.layers.LSTM(3), ValueError, "not built"),
        (lambda: _built(keras.layers.LSTM(3, activation="relu")), ValueError, "'relu'"),
        (
            lambda: _built(keras.layers.GRU(3, recurrent_activation="hard_sigmoid")),
            ValueError,
            "hard_sigmoid",
        ),
        (lambda: _built(keras.layers.GRU(3, reset_after=False)), ValueError, "reset_after=False"),
    ],
)
def test_weights_from_keras_rejects(make_layer, error, match):
    with pytest.raises(error, match=match):
        weights_from_keras(make_layer())


def _built(layer):
    layer.build((None, None, 2))
    return layer


# --- bad inputs --------------------------------------------------------------------------------


def _lstm_args(batch=2, time=3, input_dim=4, units=5):
    rng = np.random.default_rng(0)
    return {
        "x": rng.normal(size=(batch, time, input_dim)),
        "kernel": rng.normal(size=(input_dim, 4 * units)),
        "recurrent_kernel": rng.normal(size=(units, 4 * units)),
        "bias": rng.normal(size=4 * units),
    }


def _gru_args(batch=2, time=3, input_dim=4, units=5):
    rng = np.random.default_rng(0)
    return {
        "x": rng.normal(size=(batch, time, input_dim)),
        "kernel": rng.normal(size=(input_dim, 3 * units)),
        "recurrent_kernel": rng.normal(size=(units, 3 * units)),
        "bias": rng.normal(size=(2, 3 * units)),
    }


def _with_nan(shape, where=(0,)):
    array = np.ones(shape)
    array[where] = np.nan
    return array


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"x": np.ones((3, 4))}, r"x must have rank 3, got shape \(3, 4\)"),
        ({"x": np.ones((1, 2, 3, 4))}, "x must have rank 3"),
        ({"x": np.ones((2, 0, 4))}, "x must not be empty"),
        ({"x": _with_nan((2, 3, 4), (0, 1, 2))}, "x contains NaN or infinite values"),
        ({"x": np.full((2, 3, 4), np.inf)}, "x contains NaN or infinite"),
        ({"x": np.array([[["a", "b", "c", "d"]]])}, "x must be an array of real numbers"),
        ({"x": np.ones((2, 3, 4), dtype=complex)}, "x must be an array of real numbers"),
        ({"kernel": np.ones(20)}, "kernel must have rank 2"),
        ({"kernel": np.ones((3, 20))}, "kernel has 3 rows but x has 4 features"),
        ({"kernel": np.ones((4, 18))}, "not a multiple of 4"),
        ({"kernel": _with_nan((4, 20), (1, 1))}, "kernel contains NaN"),
        ({"recurrent_kernel": np.ones((4, 16))}, r"units=5, so it must be \(5, 20\)"),
        ({"kernel": np.ones((4, 24))}, r"recurrent_kernel has shape \(5, 20\).*units=6"),
        ({"recurrent_kernel": np.ones(20)}, "recurrent_kernel must have rank 2"),
        ({"bias": np.ones(16)}, r"bias has shape \(16,\) but units=5, so it must be \(20,\)"),
        ({"bias": np.ones((1, 20))}, "bias has shape"),
        ({"bias": _with_nan(20)}, "bias contains NaN"),
        ({"h0": np.ones((2, 4))}, r"h0 has shape \(2, 4\), expected \(batch, units\)"),
        ({"h0": np.ones((3, 5))}, "h0 has shape"),
        ({"c0": np.ones(5)}, "c0 must have rank 2"),
        ({"c0": _with_nan((2, 5))}, "c0 contains NaN"),
    ],
)
def test_lstm_forward_bad_inputs(change, match):
    with pytest.raises(ValueError, match=match):
        lstm_forward(**{**_lstm_args(), **change})


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"x": np.ones((3, 4))}, "x must have rank 3"),
        ({"x": _with_nan((2, 3, 4))}, "x contains NaN"),
        ({"kernel": np.ones((4, 16))}, "not a multiple of 3"),
        ({"kernel": np.ones((2, 15))}, "kernel has 2 rows but x has 4 features"),
        ({"recurrent_kernel": np.ones((4, 15))}, r"units=5, so it must be \(5, 15\)"),
        ({"bias": np.ones(15)}, "reset_after=True"),
        ({"bias": np.ones((2, 12))}, r"must be \(2, 15\)"),
        ({"bias": np.full((2, 15), -np.inf)}, "bias contains NaN or infinite"),
        ({"h0": np.ones((2, 3))}, "h0 has shape"),
        ({"h0": _with_nan((2, 5))}, "h0 contains NaN"),
    ],
)
def test_gru_forward_bad_inputs(change, match):
    with pytest.raises(ValueError, match=match):
        gru_forward(**{**_gru_args(), **change})


def test_lstm_backward_bad_inputs():
    *_, cache = lstm_forward(**_lstm_args(), return_cache=True)
    good = np.ones((2, 3, 5))
    with pytest.raises(ValueError, match="cache must be the dict returned"):
        lstm_backward(good, cache=(1, 2, 3))
    with pytest.raises(ValueError, match="cache must be the dict returned"):
        lstm_backward(good, {k: v for k, v in cache.items() if k != "g"})
    with pytest.raises(ValueError, match=r"dh_seq has shape \(2, 5\), expected \(2, 3, 5\)"):
        lstm_backward(np.ones((2, 5)), cache)
    with pytest.raises(ValueError, match="dh_seq contains NaN"):
        lstm_backward(_with_nan((2, 3, 5)), cache)
    with pytest.raises(ValueError, match=r"dh_last has shape \(3, 5\), expected \(2, 5\)"):
        lstm_backward(good, cache, dh_last=np.ones((3, 5)))
    with pytest.raises(ValueError, match="dc_last contains NaN"):
        lstm_backward(good, cache, dc_last=_with_nan((2, 5)))


# --- one cell: lstm_step / gru_step, and the sequences built on the same equations ------------


def _old_sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _old_lstm_forward(x, kernel, recurrent_kernel, bias):
    """lstm_forward's loop as it was written before lstm_step existed (the reference)."""
    units = recurrent_kernel.shape[0]
    h = np.zeros((x.shape[0], units))
    c = np.zeros((x.shape[0], units))
    x_proj = x @ kernel + bias
    out = []
    for t in range(x.shape[1]):
        z = x_proj[:, t] + h @ recurrent_kernel
        i = _old_sigmoid(z[:, :units])
        f = _old_sigmoid(z[:, units : 2 * units])
        g = np.tanh(z[:, 2 * units : 3 * units])
        o = _old_sigmoid(z[:, 3 * units :])
        c = f * c + i * g
        h = o * np.tanh(c)
        out.append(h)
    return np.stack(out, axis=1), h, c


def _old_gru_forward(x, kernel, recurrent_kernel, bias):
    units = recurrent_kernel.shape[0]
    h = np.zeros((x.shape[0], units))
    x_proj = x @ kernel + bias[0]
    out = []
    for t in range(x.shape[1]):
        a = x_proj[:, t]
        u = h @ recurrent_kernel + bias[1]
        z = _old_sigmoid(a[:, :units] + u[:, :units])
        r = _old_sigmoid(a[:, units : 2 * units] + u[:, units : 2 * units])
        candidate = np.tanh(a[:, 2 * units :] + r * u[:, 2 * units :])
        h = z * h + (1.0 - z) * candidate
        out.append(h)
    return np.stack(out, axis=1), h


@pytest.mark.parametrize("seed", range(5))
def test_the_sequences_are_bit_identical_to_their_loops_before_lstm_step(seed):
    rng = np.random.default_rng(seed)
    batch, time, n_in, units = 3, 7, 4, 5
    x = rng.normal(size=(batch, time, n_in)) * 3
    cells = [
        (lstm_numpy.lstm_forward, _old_lstm_forward, 4, (4 * units,)),
        (lstm_numpy.gru_forward, _old_gru_forward, 3, (2, 3 * units)),
    ]
    for forward, before, gates, bias_shape in cells:
        k = rng.normal(size=(n_in, gates * units))
        r = rng.normal(size=(units, gates * units))
        b = rng.normal(size=bias_shape)
        new, old = forward(x, k, r, b), before(x, k, r, b)
        assert all(np.array_equal(a, o) for a, o in zip(new, old, strict=True)), forward.__name__


def test_one_step_is_the_first_step_of_a_sequence():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 1, 3))
    k, r, b = rng.normal(size=(3, 16)), rng.normal(size=(4, 16)), rng.normal(size=16)
    h, c = lstm_numpy.lstm_step(x[:, 0], np.zeros((2, 4)), np.zeros((2, 4)), k, r, b)
    _, h_last, c_last = lstm_numpy.lstm_forward(x, k, r, b)
    np.testing.assert_allclose(h, h_last, rtol=0, atol=1e-12)
    np.testing.assert_allclose(c, c_last, rtol=0, atol=1e-12)
    k, r, b = rng.normal(size=(3, 12)), rng.normal(size=(4, 12)), rng.normal(size=(2, 12))
    h = lstm_numpy.gru_step(x[:, 0], np.zeros((2, 4)), k, r, b)
    np.testing.assert_allclose(h, lstm_numpy.gru_forward(x, k, r, b)[1], rtol=0, atol=1e-12)


def test_softmax_is_bit_identical_to_the_one_it_replaced():
    rng = np.random.default_rng(0)
    for _ in range(20):
        z = rng.normal(size=rng.integers(2, 50)) * 10
        e = np.exp(z - z.max())
        assert np.array_equal(lstm_numpy.softmax(z), e / e.sum())
    assert np.array_equal(lstm_numpy.sigmoid(z), _old_sigmoid(z))
