"""course_utils.text.step_model: a Keras character model run one character at a time."""

import numpy as np
import pytest
from helpers import tiny_model

from course_utils.text import (
    StepModel,
)


@pytest.mark.parametrize(("cell", "last"), [("LSTM", None), ("GRU", None), ("LSTM", "softmax")])
def test_step_model_reproduces_keras_step_by_step(cell, last):
    import keras

    keras.utils.set_random_seed(1)
    model, vocab = tiny_model(cell, last=last)
    ids = vocab.encode("abc dab cd a")
    expected = np.asarray(model(ids[None], training=False), dtype=np.float64)[0]
    step = StepModel(model)
    got = np.stack([step.step(i) for i in ids])
    np.testing.assert_allclose(got, expected, atol=1e-5)
    step.reset()
    np.testing.assert_allclose(step.feed(ids), expected[-1], atol=1e-5)


def _step_before_lstm_step(model, ids):
    """StepModel.step as it was written before it called lstm_numpy (the reference outputs)."""
    act = {"tanh": np.tanh, "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z))}
    act |= {"relu": lambda z: np.maximum(z, 0.0), "linear": lambda z: z}
    act["softmax"] = lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    layers = [layer for layer in model.layers if type(layer).__name__ != "Dropout"]
    states = {id(layer): [np.zeros(layer.units)] * 2 for layer in layers if hasattr(layer, "units")}
    outputs = []
    for char_id in ids:
        for layer in layers:
            w = [np.asarray(v, dtype=np.float64) for v in layer.get_weights()]
            kind = type(layer).__name__
            if kind == "Embedding":
                x = w[0][char_id]
                continue
            fn = act[layer.activation.__name__]
            if kind == "Dense":
                x = fn(x @ w[0] + (w[1] if len(w) > 1 else 0.0))
                continue
            rec, units, (h, c) = (
                act[layer.recurrent_activation.__name__],
                layer.units,
                states[id(layer)],
            )
            if kind == "LSTM":
                b = w[2] if len(w) > 2 else np.zeros(4 * units)
                z = x @ w[0] + h @ w[1] + b
                i, f, g, o = (
                    rec(z[:units]),
                    rec(z[units : 2 * units]),
                    z[2 * units : 3 * units],
                    rec(z[3 * units :]),
                )
                c = f * c + i * fn(g)
                h = o * fn(c)
            else:
                b = (w[2] if len(w) > 2 else np.zeros((2, 3 * units))).reshape(2, -1)
                zx, zh = x @ w[0] + b[0], h @ w[1] + b[1]
                update = rec(zx[:units] + zh[:units])
                reset = rec(zx[units : 2 * units] + zh[units : 2 * units])
                candidate = fn(zx[2 * units :] + reset * zh[2 * units :])
                h = update * h + (1.0 - update) * candidate
            states[id(layer)] = [h, c]
            x = h
        outputs.append(x)
    return np.stack(outputs)


def test_step_model_is_bit_identical_to_its_equations_before_lstm_step():
    import keras

    keras.utils.set_random_seed(2)
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(7, 4),
            keras.layers.LSTM(5, return_sequences=True),
            keras.layers.GRU(3, return_sequences=True, use_bias=False),
            keras.layers.LSTM(4, activation="relu", use_bias=False, return_sequences=True),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(7, activation="softmax"),
        ]
    )
    ids = np.random.default_rng(0).integers(0, 7, size=30)
    step = StepModel(model)
    got = np.stack([step.step(int(i)) for i in ids])
    assert np.array_equal(got, _step_before_lstm_step(model, ids))


def test_step_model_copies_the_weights_and_rejects_other_models(tiny_keras_model):
    import keras

    model, vocab = tiny_model()
    step = StepModel(model)
    before = step.feed(vocab.encode("ab"))
    model.layers[-1].set_weights([w * 0 for w in model.layers[-1].get_weights()])
    step.reset()
    np.testing.assert_array_equal(step.feed(vocab.encode("ab")), before)
    dense_only = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="Embedding first"):
        StepModel(dense_only)
    with pytest.raises(TypeError, match=r"keras\.Model"):
        StepModel(object())
    with pytest.raises(ValueError, match=r"char_id must lie in 0\.\.5"):
        step.step(6)
    assert step.step(np.int64(2)).shape == (len(vocab),)
