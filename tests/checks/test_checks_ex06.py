"""Checks of lesson 06: pass on a solution (several draws), 'not done yet' on the stub, a
specific hint for each usual mistake, and no pass for the usual cheats (typed numbers,
memorised answers, changing the checker's model, a wrong structure)."""

import logging
from collections import Counter

import numpy as np
import pytest
from helpers import stub

from course_utils.checks import ex06
from course_utils.text import CharVocab, StepModel, load_corpus, next_char_windows, sample_text


def assert_not_done(check):
    result = check.evaluate(stub, seed=0)
    assert not result.passed
    assert result.message.startswith("not done yet")


# --- 6.1 --------------------------------------------------------------------------------------


def entropy_of(text, log=np.log2):
    counts = np.array(list(Counter(text).values()), dtype=float)
    p = counts / counts.sum()
    return float(-(p * log(p)).sum())


def sampled_entropy(model, vocab, temperature):
    rng = np.random.default_rng(0)
    return entropy_of(sample_text(model, vocab, vocab.chars[1], 400, temperature, rng=rng))


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_ex06_1_passes_on_the_solution(seed):
    result = ex06.ex_06_1.evaluate(sampled_entropy, seed=seed)
    assert result.passed, result.message
    assert result.message == "your entropies follow the model's at three temperatures"
    # the graded criteria (tolerance, rises) are recorded, with room to spare on these draws
    assert result.margin is not None and result.margin <= 0.8, result.margin


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_ex06_1_passes_with_300_characters_and_another_rng(seed):
    def shorter(model, vocab, temperature):
        text = sample_text(model, vocab, vocab.chars[-1], 300, temperature, rng=seed + 100)
        return entropy_of(text)

    result = ex06.ex_06_1.evaluate(shorter, seed=seed)
    assert result.passed, result.message


def test_ex06_1_stub():
    assert_not_done(ex06.ex_06_1)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (
            lambda m, v, t: entropy_of(sample_text(m, v, v.chars[1], 300, 1.0, rng=0)),
            "hardly changes with temperature",
        ),
        (
            lambda m, v, t: entropy_of(sample_text(m, v, v.chars[1], 400, t, rng=0), np.log),
            "look like nats",
        ),
        (lambda m, v, t: -sampled_entropy(m, v, t), "minus sign"),
        (lambda m, v, t: None, "should be a number"),
        (lambda m, v, t: "2.0", "should be a number"),
        (lambda m, v, t: {True: 0.4, False: 2.2}[t < 1] + t / 10, "is not the entropy"),
        (  # counts a long seed of one character too: that drags the entropy down
            lambda m, v, t: entropy_of(
                v.chars[1] * 300 + sample_text(m, v, v.chars[1] * 300, 100, t, rng=0)
            ),
            "is not the entropy",
        ),
    ],
)
def test_ex06_1_hints(wrong, hint):
    result = ex06.ex_06_1.evaluate(wrong, seed=11)
    assert not result.passed
    assert hint in result.message, result.message
    assert "\n" not in result.message


def one_prediction_entropy(model, vocab, temperature, seed_text):
    """The shortcut: the entropy of the model's first prediction, no sampling at all."""
    logits = np.asarray(model(vocab.encode(seed_text)[None, :], training=False))[0, -1]
    z = logits.astype(np.float64) / temperature
    p = np.exp(z - z.max())
    p /= p.sum()
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 11])
@pytest.mark.parametrize("which", [1, -1, "ab"])
def test_ex06_1_refuses_the_entropy_of_one_prediction(seed, which):
    def shortcut(model, vocab, temperature):
        seed_text = which if isinstance(which, str) else vocab.chars[which]
        seed_text = "".join(c for c in seed_text if c in vocab.chars) or vocab.chars[1]
        return one_prediction_entropy(model, vocab, temperature, seed_text)

    result = ex06.ex_06_1.evaluate(shortcut, seed=seed)
    assert not result.passed
    assert "entropies of one prediction" in result.message, result.message
    assert "\n" not in result.message


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ex06_1_refuses_sampling_without_the_state(seed):
    def first_steps_only(model, vocab, temperature):
        rng = np.random.default_rng(0)
        seed_text = vocab.chars[1]
        step = StepModel(model)  # one sampler, reset before every character: no state carried
        text = "".join(
            sample_text(step, vocab, seed_text, 1, temperature, rng=rng) for _ in range(400)
        )
        return entropy_of(text)

    result = ex06.ex_06_1.evaluate(first_steps_only, seed=seed)
    assert not result.passed
    assert "one prediction" in result.message or "is not the entropy" in result.message


def test_ex06_1_hints_do_not_reveal_the_expected_values():
    chars, in_a, logits, temperatures = ex06._study_draw(np.random.default_rng(11))
    model, vocab = ex06._two_group_model(chars, in_a, logits)
    after = ex06._logits_after_each_group(model, vocab, chars, in_a)
    expected = [f"{ex06._stationary_entropy(after, in_a, t):.2f}" for t in temperatures]
    one_step = [f"{ex06._exact_entropy(row, t):.2f}" for row in after for t in temperatures]
    result = ex06.ex_06_1.evaluate(lambda m, v, t: 0.5 + t / 3, seed=11)
    assert not result.passed
    assert not any(value in result.message for value in expected + one_step), result.message
    # the shortcut's hint shows the learner's own values, never the long-run ones
    result = ex06.ex_06_1.evaluate(
        lambda m, v, t: one_prediction_entropy(m, v, t, chars[0]), seed=11
    )
    assert not result.passed
    assert not any(value in result.message for value in expected), result.message


def test_ex06_1_refuses_memorised_answers():
    memory = {}

    def record(model, vocab, temperature):
        memory.setdefault("values", []).append(sampled_entropy(model, vocab, temperature))
        return memory["values"][-1]

    assert ex06.ex_06_1.evaluate(record, seed=5).passed
    replay = iter(memory["values"] * 2)
    result = ex06.ex_06_1.evaluate(lambda m, v, t: next(replay), seed=6)
    assert not result.passed


def test_ex06_1_refuses_a_function_that_changes_the_model():
    def flatten_then_measure(model, vocab, temperature):
        dense = model.get_layer("logits")
        kernel, bias = dense.get_weights()
        dense.set_weights([np.zeros_like(kernel), np.zeros_like(bias)])  # all equally likely
        return sampled_entropy(model, vocab, temperature)

    result = ex06.ex_06_1.evaluate(flatten_then_measure, seed=3)
    assert not result.passed
    assert "changed the model's weights" in result.message


def test_ex06_1_draws_new_inputs_and_reuses_one_model(caplog):
    draws = {ex06._study_draw(np.random.default_rng(s))[0] for s in range(5)}
    assert len(draws) == 5
    with caplog.at_level(logging.WARNING):
        for seed in range(5):
            assert ex06.ex_06_1.evaluate(sampled_entropy, seed=seed).passed
    assert len(ex06._STUDY_MODEL) == 1
    assert "retracing" not in caplog.text


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ex06_1_checker_model_is_what_it_claims(seed):
    chars, in_a, logits, temperatures = ex06._study_draw(np.random.default_rng(seed))
    assert 3 <= in_a.sum() <= 5
    model, vocab = ex06._two_group_model(chars, in_a, logits)
    ids = vocab.encode(chars)
    a_ids, b_ids = ids[in_a], ids[~in_a]
    # two sequences that end on the same character after different histories
    x = np.array(
        [[a_ids[0], b_ids[0], a_ids[-1], b_ids[-1]], [b_ids[-1], a_ids[0], a_ids[0], b_ids[-1]]]
    )
    out = np.asarray(model(x, training=False), dtype=np.float64)
    assert out.shape == (2, 4, len(vocab))
    after_a, after_b = out[0, 0], out[0, 1]
    np.testing.assert_allclose(after_a[ids], logits[0], atol=1e-4)
    np.testing.assert_allclose(after_b[ids], logits[1], atol=1e-4)
    assert np.abs(after_a - after_b).max() > 1.0  # the distribution changes with the group
    np.testing.assert_allclose(out[:, :, 0], -30.0, atol=1e-4)  # the unknown id: never drawn
    # only the current character matters: same output whatever came before
    np.testing.assert_allclose(out[0, 2], after_a, atol=1e-5)  # an A after a B
    np.testing.assert_allclose(out[1, 2], after_a, atol=1e-5)  # an A after an A
    np.testing.assert_allclose(out[0, 3], out[1, 3], atol=1e-5)  # a B after an A or a B
    np.testing.assert_allclose(out[1, 0], after_b, atol=1e-5)
    # after an A mostly a B and vice versa, at temperature 1
    p_a = np.exp(after_a[ids]) / np.exp(after_a[ids]).sum()
    p_b = np.exp(after_b[ids]) / np.exp(after_b[ids]).sum()
    assert p_a[~in_a].sum() > 0.8 and p_b[in_a].sum() > 0.8
    # the stepping sampler sees the same model
    step = StepModel(model)
    step.reset()
    np.testing.assert_allclose(step.step(int(a_ids[0])), after_a, atol=1e-4)
    # the reference is the entropy of a long sample; one prediction's entropy is far from it
    after = ex06._logits_after_each_group(model, vocab, chars, in_a)
    long_run = [ex06._stationary_entropy(after, in_a, t) for t in temperatures]
    assert np.all(np.diff(long_run) >= 0.4)
    for row in after:
        assert (
            max(
                abs(ex06._exact_entropy(row, t) - h)
                for t, h in zip(temperatures, long_run, strict=True)
            )
            >= 0.6
        )
    text = sample_text(model, vocab, chars[0], 20_000, temperatures[1], rng=seed)
    assert abs(entropy_of(text) - long_run[1]) < 0.05


# --- 6.2 --------------------------------------------------------------------------------------


def make_word_model(
    vocab_size,
    max_len,
    *,
    mask=True,
    recurrent_dropout=0.2,
    loss="categorical_crossentropy",
    last="softmax",
    rate=0.2,
    metrics=("accuracy",),
    stacked=1,
    first_sequences=True,
):
    import keras

    model = keras.Sequential(
        [
            keras.Input((max_len,), dtype="int32"),
            keras.layers.Embedding(vocab_size, 16, mask_zero=mask),
            *[keras.layers.LSTM(32, return_sequences=first_sequences)][:stacked],
            keras.layers.LSTM(48, dropout=0.2, recurrent_dropout=recurrent_dropout),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dropout(rate),
            keras.layers.Dense(vocab_size, activation=last),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss, metrics=list(metrics))
    return model


@pytest.mark.slow
def test_ex06_2_passes_on_the_solution():
    # one fixed draw: how often fresh draws pass is measured by `make calibrate`
    result = ex06.ex_06_2.evaluate(make_word_model, seed=0)
    assert result.passed, result.message
    assert result.message == "the stack is right and it learns the checker's toy language"
    assert result.margin is not None and result.margin <= 0.8, result.margin  # the accuracy


def test_ex06_2_judges_the_best_epoch_and_stops_when_nothing_is_left_to_learn():
    import keras

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(2, use_bias=False)])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    x_val = np.array([[1.0], [-1.0], [1.0], [-1.0]])
    y_val = np.array([0, 1, 0, 0])  # the sign says the class, except for the last one
    right = [np.array([[1.0, -1.0]])]  # 3 of 4 right
    backwards = [np.array([[-1.0, 1.0]])]  # 1 of 4 right
    keeper = ex06._best_on_validation(x_val, y_val, "the model")
    keeper.set_model(model)
    for epoch, weights in enumerate([backwards, right, backwards]):  # a spike in the last epoch
        model.set_weights(weights)
        keeper.on_epoch_end(epoch)
    assert keeper.epochs == 3 and keeper.best == 0.75 and not model.stop_training
    np.testing.assert_array_equal(keeper.best_weights[0], right[0])
    keeper = ex06._best_on_validation(x_val[:2], y_val[:2], "the model")
    keeper.set_model(model)
    model.set_weights(right)
    keeper.on_epoch_end(0)
    assert keeper.best == 1.0 and model.stop_training


@pytest.mark.slow
def test_ex06_2_passes_at_adams_default_rate():
    def default_rate(v, n):
        model = make_word_model(v, n)
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        return model

    result = ex06.ex_06_2.evaluate(default_rate, seed=1)
    assert result.passed, result.message


def test_ex06_2_records_no_margin_for_a_wrong_structure():
    result = ex06.ex_06_2.evaluate(lambda v, n: make_word_model(v, n, stacked=0), seed=0)
    assert not result.passed and result.margin is None


def test_ex06_2_stub():
    assert_not_done(ex06.ex_06_2)


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"mask": False}, "mask_zero=True"),
        ({"recurrent_dropout": 0.0}, "give it both"),
        ({"loss": "sparse_categorical_crossentropy"}, "one-hot targets"),
        ({"loss": "categorical_hinge"}, "asks for loss='categorical_crossentropy'"),
        ({"loss": "mse"}, "asks for loss='categorical_crossentropy'"),
        ({"rate": 0.0}, "drops nothing"),
        ({"stacked": 0}, "two stacked LSTM layers"),
        ({"first_sequences": False}, "return_sequences=True"),
        ({"last": None}, "Dense(vocab_size, activation='softmax')"),
    ],
)
def test_ex06_2_hints(kwargs, hint):
    result = ex06.ex_06_2.evaluate(lambda v, n: make_word_model(v, n, **kwargs), seed=2)
    assert not result.passed
    assert hint in result.message, result.message


def test_ex06_2_accepts_the_loss_as_an_object():
    import keras

    def build(v, n):
        model = make_word_model(v, n)
        model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy())
        return model

    ex06._check_word_loss(build(10, 5))


@pytest.mark.slow
def test_ex06_2_a_metric_that_breaks_training_gives_one_short_line():
    result = ex06.ex_06_2.evaluate(
        lambda v, n: make_word_model(v, n, metrics=("accuracy", "sparse_categorical_accuracy")),
        seed=0,
    )
    if not result.passed:  # some Keras versions accept it; then there is nothing to report
        assert "\n" not in result.message and len(result.message) < 400, result.message
        assert "training your model" in result.message


def test_ex06_2_uncompiled_and_none():
    import keras

    def uncompiled(v, n):
        return keras.Sequential([keras.Input((n,)), keras.layers.Dense(v)])

    assert "compile the model" in ex06.ex_06_2.evaluate(uncompiled, seed=0).message
    assert "forget to `return`" in ex06.ex_06_2.evaluate(lambda v, n: None, seed=0).message


def test_ex06_2_draws_new_shapes():
    shapes = set()
    for seed in range(6):
        seen = {}

        def spy(v, n, seen=seen):
            seen["shape"] = (v, n)
            return None

        ex06.ex_06_2.evaluate(spy, seed=seed)
        shapes.add(seen["shape"])
    assert len(shapes) >= 3


def test_toy_word_data_follows_its_rule():
    x, y = ex06._toy_word_data(50, 13, 8, 3, np.random.default_rng(0))
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
    # one fixed draw: how often fresh draws pass is measured by `make calibrate`
    result = ex06.ex_06_3.evaluate(train_on_text_file, seed=0)
    assert result.passed, result.message
    assert result.margin is not None and result.margin <= 0.8, result.margin  # bits/char


def test_ex06_3_stub():
    assert_not_done(ex06.ex_06_3)


def test_ex06_3_hints():
    untrained = ex06.ex_06_3.evaluate(lambda p: train_on_text_file(p, epochs=0), seed=0)
    assert "has not been trained" in untrained.message
    corpus_vocab = ex06.ex_06_3.evaluate(
        lambda p: train_on_text_file(p, epochs=0, vocab_from="the cat"), seed=0
    )
    assert "vocabulary does not know" in corpus_vocab.message
    swapped = ex06.ex_06_3.evaluate(lambda p: train_on_text_file(p, epochs=0)[::-1], seed=0)
    assert "return the model first" in swapped.message
    assert "should return (model, vocab)" in ex06.ex_06_3.evaluate(lambda p: None, seed=0).message


def test_ex06_3_refuses_a_model_trained_elsewhere():
    """A model trained once on one draw's file does not pass on another draw's text."""
    import keras

    model, vocab = train_on_text_file_once()
    keras.utils.set_random_seed(0)
    result = ex06.ex_06_3.evaluate(lambda p: (model, vocab), seed=9)
    assert not result.passed


def test_ex06_3_refuses_a_model_without_an_lstm():
    """An Embedding → Dense model (a bigram model of the last character) beats the unigram
    baseline too, but it is not the exercise's model."""
    import keras

    def bigram(path):
        text = load_corpus(path)
        vocab = CharVocab(text)
        model = keras.Sequential(
            [
                keras.Input((None,), dtype="int32"),
                keras.layers.Embedding(len(vocab), 8),
                keras.layers.Dense(len(vocab)),
            ]
        )
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(np.zeros((2, 5), "int32"), np.zeros((2, 5), "int32"), epochs=1, verbose=0)
        return model, vocab

    result = ex06.ex_06_3.evaluate(bigram, seed=0)
    assert not result.passed
    assert "has no LSTM" in result.message


def train_on_text_file_once():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.txt"
        path.write_text("Some other text entirely, with é.\n\n" * 50, encoding="utf-8")
        return train_on_text_file(path, epochs=1)


def test_toy_story_has_paragraphs_and_a_non_ascii_character():
    rng = np.random.default_rng(0)
    grammar = ex06._story_grammar(rng)
    story = ex06._toy_story(40, rng, grammar)
    assert story.count("\n\n") == 7
    assert "é" in story
    assert ex06._story_grammar(np.random.default_rng(1)) != grammar
