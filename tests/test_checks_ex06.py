"""Checks of lesson 06: pass on a solution, 'not done yet' on the stub, hints on usual mistakes."""

from collections import Counter

import numpy as np
import pytest

from course_utils.checks import ex06
from course_utils.text import CharVocab, load_corpus, next_char_windows, sample_text


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise 6.x: replace this line with your code")


def assert_not_done(check):
    result = check.evaluate(stub)
    assert not result.passed
    assert result.message.startswith("not done yet")


# --- 6.1 --------------------------------------------------------------------------------------


def entropy_of(text, log=np.log2):
    counts = np.array(list(Counter(text).values()), dtype=float)
    p = counts / counts.sum()
    return float(-(p * log(p)).sum())


def sampled_entropy(model, vocab, temperature):
    rng = np.random.default_rng(0)
    return entropy_of(sample_text(model, vocab, "a", 200, temperature, rng=rng, context=5))


def test_ex06_1_passes_on_the_solution():
    result = ex06.ex_06_1.evaluate(sampled_entropy)
    assert result.passed, result.message


def test_ex06_1_stub():
    assert_not_done(ex06.ex_06_1)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (
            lambda m, v, t: entropy_of(sample_text(m, v, "a", 200, 1.0, rng=0, context=5)),
            "hardly changes with temperature",
        ),
        (
            lambda m, v, t: entropy_of(sample_text(m, v, "a", 200, t, rng=0, context=5), np.log),
            "look like nats",
        ),
        (lambda m, v, t: -sampled_entropy(m, v, t), "minus sign"),
        (lambda m, v, t: {0.25: 1.0, 1.0: 2.0, 2.5: 2.8}[t], "the checker's own samples give"),
        (lambda m, v, t: None, "should be a number"),
    ],
)
def test_ex06_1_hints(wrong, hint):
    result = ex06.ex_06_1.evaluate(wrong)
    assert not result.passed
    assert hint in result.message, result.message


def test_ex06_1_checker_model_is_what_it_claims():
    model, vocab = ex06._constant_char_model()
    out = np.asarray(model.predict_on_batch(np.array([[1, 2, 3]])))
    assert out.shape == (1, 3, len(vocab))
    np.testing.assert_allclose(out[0, 0, 1:], ex06._STUDY_LOGITS, atol=1e-6)
    np.testing.assert_allclose(out[0, 0], out[0, 2])
    assert ex06._exact_entropy(0.25) < ex06._exact_entropy(1.0) < ex06._exact_entropy(2.5)


# --- 6.2 --------------------------------------------------------------------------------------


def make_word_model(
    vocab_size,
    max_len,
    *,
    mask=True,
    recurrent_dropout=0.2,
    loss="categorical_crossentropy",
    last="softmax",
):
    import keras

    model = keras.Sequential(
        [
            keras.Input((max_len,), dtype="int32"),
            keras.layers.Embedding(vocab_size, 16, mask_zero=mask),
            keras.layers.LSTM(48, dropout=0.2, recurrent_dropout=recurrent_dropout),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(vocab_size, activation=last),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss, metrics=["accuracy"])
    return model


@pytest.mark.slow
def test_ex06_2_passes_on_the_solution():
    result = ex06.ex_06_2.evaluate(make_word_model)
    assert result.passed, result.message


def test_ex06_2_stub():
    assert_not_done(ex06.ex_06_2)


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"mask": False}, "mask_zero=True"),
        ({"recurrent_dropout": 0.0}, "give it both"),
        ({"loss": "sparse_categorical_crossentropy"}, "one-hot targets"),
        ({"last": None}, "Dense(vocab_size, activation='softmax')"),
    ],
)
def test_ex06_2_hints(kwargs, hint):
    result = ex06.ex_06_2.evaluate(lambda v, n: make_word_model(v, n, **kwargs))
    assert not result.passed
    assert hint in result.message, result.message


def test_ex06_2_uncompiled_and_none():
    import keras

    def uncompiled(v, n):
        return keras.Sequential([keras.Input((n,)), keras.layers.Dense(v)])

    assert "compile the model" in ex06.ex_06_2.evaluate(uncompiled).message
    assert "forget to `return`" in ex06.ex_06_2.evaluate(lambda v, n: None).message


def test_toy_word_data_follows_its_rule():
    x, y = ex06._toy_word_data(50, np.random.default_rng(0))
    last = x[:, -1]
    np.testing.assert_array_equal(y, (last - 1 + 3) % 13 + 1)
    assert np.all((x > 0).sum(axis=1) >= 2)


# --- 6.3 --------------------------------------------------------------------------------------


def train_on_text_file(path, epochs=6, vocab_from=None):
    import keras
    import tensorflow as tf

    text = load_corpus(path)
    vocab = CharVocab(vocab_from or text)
    x, y = next_char_windows(vocab.encode(text), 50, stride=10)
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(len(vocab), 16),
            keras.layers.LSTM(64, return_sequences=True),
            keras.layers.Dense(len(vocab)),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=0).batch(32)
    if epochs:
        model.fit(data, epochs=epochs, verbose=0, shuffle=False)
    return model, vocab


@pytest.mark.slow
def test_ex06_3_passes_on_the_solution():
    result = ex06.ex_06_3.evaluate(train_on_text_file)
    assert result.passed, result.message


def test_ex06_3_stub():
    assert_not_done(ex06.ex_06_3)


def test_ex06_3_hints():
    untrained = ex06.ex_06_3.evaluate(lambda p: train_on_text_file(p, epochs=0))
    assert "has not been trained" in untrained.message
    corpus_vocab = ex06.ex_06_3.evaluate(
        lambda p: train_on_text_file(p, epochs=0, vocab_from="the cat")
    )
    assert "vocabulary does not know" in corpus_vocab.message
    swapped = ex06.ex_06_3.evaluate(lambda p: train_on_text_file(p, epochs=0)[::-1])
    assert "return the model first" in swapped.message
    assert "should return (model, vocab)" in ex06.ex_06_3.evaluate(lambda p: None).message


def test_toy_story_has_paragraphs_and_a_non_ascii_character():
    story = ex06._toy_story(40, np.random.default_rng(0))
    assert story.count("\n\n") == 7
    assert "é" in "".join(ex06._SUBJECTS)
