"""Checks of lesson 07: pass on the solutions (several seeds), 'not done yet' on the stub, the
specific hint on each usual mistake, and no pass for the cheats a builder allows."""

import keras
import numpy as np
import pytest
from helpers import stub

from course_utils.checks import ex07


def assert_not_done(check):
    result = check.evaluate(stub, seed=0)
    assert not result.passed
    assert result.message.startswith("not done yet"), result.message


# --- 7.1: masking bug hunt --------------------------------------------------------------------


def word_model(vocab_size, *, mask_zero=True, middle="rescaling", recurrent=True, units=16):
    layers = [
        keras.Input((None,), dtype="int32"),
        keras.layers.Embedding(vocab_size, 8, mask_zero=mask_zero, name="embedding"),
    ]
    if middle == "rescaling":
        layers.append(keras.layers.Rescaling(8**0.5, name="scale"))
    elif middle == "lambda":
        layers.append(keras.layers.Lambda(lambda t: t * 8**0.5, name="scale"))
    elif middle == "conv":
        layers.append(keras.layers.Conv1D(8, 1, name="pointwise"))
    if recurrent:
        layers.append(keras.layers.LSTM(units, name="lstm"))
    else:
        layers.append(keras.layers.GlobalAveragePooling1D(name="average"))
    layers.append(keras.layers.Dense(1, activation="sigmoid", name="score"))
    return keras.Sequential(layers)


def functional_fix(vocab_size):
    # keeps the Lambda and hands the mask to the LSTM explicitly
    inputs = keras.Input((None,), dtype="int32")
    embedding = keras.layers.Embedding(vocab_size, 8, mask_zero=True)
    embedded = embedding(inputs)
    with pytest.warns(UserWarning):
        scaled = keras.layers.Lambda(lambda t: t * 8**0.5)(embedded)
    states = keras.layers.LSTM(16)(scaled, mask=embedding.compute_mask(inputs))
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(states))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ex07_1_passes_on_the_solution(seed):
    result = ex07.ex_07_1.evaluate(word_model, seed=seed)
    assert result.passed, result.message
    assert "same output" in result.message
    # the tolerances (padding gap, given layers, not constant) are recorded, far from the bar
    assert result.margin is not None and result.margin <= 0.8, result.margin


def test_ex07_1_passes_on_the_functional_fix():
    result = ex07.ex_07_1.evaluate(functional_fix, seed=3)
    assert result.passed, result.message
    assert result.margin is not None and result.margin <= 0.8, result.margin


def test_ex07_1_stub():
    assert_not_done(ex07.ex_07_1)


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"mask_zero": False, "middle": "lambda"}, "give the Embedding mask_zero=True"),
        ({"mask_zero": False}, "give the Embedding mask_zero=True"),
        ({"middle": "lambda"}, "layer 'scale' (Lambda) drops it"),
        ({"middle": "conv"}, "layer 'pointwise' (Conv1D) drops it"),
        ({"recurrent": False}, "no recurrent layer"),
    ],
)
def test_ex07_1_hints(kwargs, hint):
    result = ex07.ex_07_1.evaluate(lambda v: word_model(v, **kwargs), seed=0)
    assert not result.passed
    assert hint in result.message, result.message
    assert "[seed=0" in result.line()


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"middle": None}, "the √8 scaling included"),  # masked, but the scaling was dropped
        ({"units": 32}, "keep the given layers and sizes"),
    ],
)
def test_ex07_1_refuses_a_different_model(kwargs, hint):
    result = ex07.ex_07_1.evaluate(lambda v: word_model(v, **kwargs), seed=0)
    assert not result.passed
    assert hint in result.message, result.message


def test_ex07_1_refuses_a_constant_model():
    def constant(vocab_size):
        model = word_model(vocab_size)
        score = model.get_layer("score")
        score.set_weights([np.zeros_like(w) for w in score.get_weights()])
        return model

    result = ex07.ex_07_1.evaluate(constant, seed=0)
    assert not result.passed
    assert "does not depend" in result.message, result.message


def test_ex07_1_none_and_not_a_model():
    assert "forget to `return`" in ex07.ex_07_1.evaluate(lambda v: None, seed=0).message
    assert "keras.Model" in ex07.ex_07_1.evaluate(lambda v: "model", seed=0).message


def test_mask_path_names_the_dropping_layer():
    with pytest.warns(UserWarning):
        model = word_model(5, middle="lambda")
    maker, dropper = ex07.mask_path(model)
    assert (maker.name, dropper.name) == ("embedding", "scale")
    maker, dropper = ex07.mask_path(word_model(5))
    assert maker.name == "embedding" and dropper is None
    assert ex07.mask_path(word_model(5, mask_zero=False)) == (None, None)


# --- 7.2: pointer network ---------------------------------------------------------------------


def pointer_model(vocab_size, max_len, *, mask=True, per_position=True, compiled=True, lr=0.01):
    inputs = keras.Input((max_len,), dtype="int32")
    embedded = keras.layers.Embedding(vocab_size, 16, mask_zero=True)(inputs)
    if not per_position:
        last = keras.layers.LSTM(32)(embedded)
        model = keras.Model(inputs, keras.layers.Dense(8, activation="softmax")(last))
    else:
        states = keras.layers.LSTM(32, return_sequences=True)(embedded)
        hidden = keras.layers.Dense(16, activation="tanh")(states)
        scores = keras.layers.Dense(1)(hidden)[..., 0]
        if mask:
            scores = keras.ops.where(keras.ops.not_equal(inputs, 0), scores, -1e9)
        model = keras.Model(inputs, keras.ops.softmax(scores, axis=-1))
    if compiled:
        model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy")
    return model


@pytest.mark.slow
def test_ex07_2_passes_on_the_solution():
    # one fixed draw: how often fresh draws pass is measured by `make calibrate`
    result = ex07.ex_07_2.evaluate(pointer_model, seed=0)
    assert result.passed, result.message
    assert "points at the largest value" in result.message
    # hits, mass on the right step, padding and the untrained model are all recorded
    assert result.margin is not None and result.margin <= 0.8, result.margin


def test_ex07_2_stub():
    assert_not_done(ex07.ex_07_2)


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"per_position": False}, "one probability per input position"),
        ({"compiled": False}, "compile the model"),
    ],
)
def test_ex07_2_fast_hints(kwargs, hint):
    result = ex07.ex_07_2.evaluate(lambda v, n: pointer_model(v, n, **kwargs), seed=0)
    assert not result.passed
    assert hint in result.message, result.message


@pytest.mark.slow
def test_ex07_2_unmasked_padding():
    result = ex07.ex_07_2.evaluate(lambda v, n: pointer_model(v, n, mask=False), seed=0)
    assert not result.passed
    assert "padded positions get probability" in result.message, result.message


@pytest.mark.slow
def test_ex07_2_refuses_a_model_that_does_not_learn():
    # masked and well-formed, but a learning rate of 0 leaves it pointing at random
    result = ex07.ex_07_2.evaluate(lambda v, n: pointer_model(v, n, lr=0.0), seed=0)
    assert not result.passed
    assert "points at the largest value in" in result.message, result.message


def test_ex07_2_not_a_distribution():
    def raw_scores(vocab_size, max_len):
        inputs = keras.Input((max_len,), dtype="int32")
        embedded = keras.layers.Embedding(vocab_size, 4)(inputs)
        scores = keras.layers.Dense(1)(embedded)[..., 0]
        model = keras.Model(inputs, scores)
        model.compile(optimizer="sgd", loss="mse")
        return model

    result = ex07.ex_07_2.evaluate(raw_scores, seed=0)
    assert not result.passed
    assert "probability distribution" in result.message, result.message


def test_ex07_2_wrong_loss():
    def mse_model(vocab_size, max_len):
        model = pointer_model(vocab_size, max_len)
        model.compile(optimizer="adam", loss="mse")
        return model

    result = ex07.ex_07_2.evaluate(mse_model, seed=0)
    assert not result.passed
    assert "sparse_categorical_crossentropy" in result.message, result.message


def test_ex07_2_requires_scores_of_lstm_states():
    def no_lstm(vocab_size, max_len):
        inputs = keras.Input((max_len,), dtype="int32")
        embedded = keras.layers.Embedding(vocab_size, 16)(inputs)
        scores = keras.layers.Dense(1)(embedded)[..., 0]
        scores = keras.ops.where(keras.ops.not_equal(inputs, 0), scores, -1e9)
        model = keras.Model(inputs, keras.ops.softmax(scores, axis=-1))
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return model

    result = ex07.ex_07_2.evaluate(no_lstm, seed=0)
    assert not result.passed
    assert "return_sequences=True" in result.message, result.message


def test_ex07_2_refuses_a_hand_written_rule():
    # an LSTM is present, but the output is softmax(50 · token id): the answer by a rule
    def rule(vocab_size, max_len):
        inputs = keras.Input((max_len,), dtype="int32")
        embedded = keras.layers.Embedding(vocab_size, 4, mask_zero=True)(inputs)
        states = keras.layers.LSTM(4, return_sequences=True)(embedded)
        learned = keras.layers.Dense(1)(states)[..., 0]
        scores = 0.0 * learned + 50.0 * keras.ops.cast(inputs, "float32")
        model = keras.Model(inputs, keras.ops.softmax(scores, axis=-1))
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return model

    result = ex07.ex_07_2.evaluate(rule, seed=0)
    assert not result.passed
    assert "before any training" in result.message, result.message


def test_ex07_2_none():
    assert "forget to `return`" in ex07.ex_07_2.evaluate(lambda v, n: None, seed=0).message
