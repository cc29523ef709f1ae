"""Answers to the checks of lesson 06 besides the solutions (see ``calibration/__init__``).

6.1 is judged on sampled entropies, so its wrong answers are cheap NumPy/sampling mistakes (the
usual shortcuts and near-miss formulas); 6.2 and 6.3 train a model, so their wrong answers are
the realistic Keras mistakes that leave it under-trained within the check's budget.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import test_checks_ex06 as t

from calibration import adam, right, wrong
from course_utils.text import StepModel, sample_text

# --- 6.1 --------------------------------------------------------------------------------------


def three_hundred_from_the_last_character(model, vocab, temperature):
    """Right: 300 characters (a few hundred), another seed character and another rng."""
    text = sample_text(model, vocab, vocab.chars[-1], 300, temperature, rng=12345)
    return t.entropy_of(text)


def first_prediction_only(model, vocab, temperature):
    """The shortcut: the entropy of one prediction (after one seed character), no sampling."""
    return t.one_prediction_entropy(model, vocab, temperature, vocab.chars[1])


def mean_prediction_entropy(model, vocab, temperature):
    """Near miss: the mean entropy of the model's predictions along a sampled text.

    That is the entropy of the next character *given* the previous one (the conditional
    entropy), not the entropy of the characters the model writes.
    """
    seed = vocab.chars[1]
    text = seed + sample_text(model, vocab, seed, 400, temperature, rng=0)
    step = StepModel(model)  # the predictions along the text, one character at a time
    step.reset()
    entropies = []
    for char_id in vocab.encode(text[:-1]):
        z = np.asarray(step.step(int(char_id)), dtype=np.float64) / temperature
        p = np.exp(z - z.max())
        p /= p.sum()
        entropies.append(float(-(p[p > 0] * np.log2(p[p > 0])).sum()))
    return float(np.mean(entropies))


def restarted_for_every_character(model, vocab, temperature):
    """Samples 400 characters, but each one from the state after the seed alone (no state)."""
    rng = np.random.default_rng(0)
    step = StepModel(model)
    text = "".join(
        sample_text(step, vocab, vocab.chars[1], 1, temperature, rng=rng) for _ in range(400)
    )
    return t.entropy_of(text)


def counts_the_seed_too(model, vocab, temperature):
    """Counts a 300-character seed (one character repeated) with the 100 new characters."""
    seed = vocab.chars[1] * 300
    return t.entropy_of(seed + sample_text(model, vocab, seed, 100, temperature, rng=0))


def entropy_in_nats(model, vocab, temperature):
    """The right counts, but the natural logarithm: nats, not bits."""
    text = sample_text(model, vocab, vocab.chars[1], 400, temperature, rng=0)
    counts = np.array(list(Counter(text).values()), dtype=float)
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())


# --- 6.2 --------------------------------------------------------------------------------------


def word_model_with(optimizer_factory):
    """The solution's stack, compiled with another optimizer (a learning-rate mistake)."""

    def build_word_model(vocab_size, max_len):
        import keras

        model = keras.Sequential(
            [
                keras.Input(shape=(max_len,), dtype="int32"),
                keras.layers.Embedding(vocab_size, 32, mask_zero=True),
                keras.layers.LSTM(48, return_sequences=True),
                keras.layers.LSTM(48, dropout=0.2, recurrent_dropout=0.2),
                keras.layers.Dense(64, activation="relu"),
                keras.layers.Dropout(0.2),
                keras.layers.Dense(vocab_size, activation="softmax"),
            ]
        )
        model.compile(
            optimizer=optimizer_factory(), loss="categorical_crossentropy", metrics=["accuracy"]
        )
        return model

    return build_word_model


# --- 6.3 --------------------------------------------------------------------------------------


def text_model(*, epochs, rate=1e-2, stride=10):
    """The solution's recipe with fewer epochs or another learning rate.

    (Windows without overlap, ``stride=50``, for 2 epochs is no mistake the check should refuse:
    it beat the unigram baseline by far more than 0.5 bits/char on the draws tried.)
    """

    def train_on_text_file(path):
        import keras
        import tensorflow as tf

        from course_utils.text import CharVocab, load_corpus, next_char_windows

        text = load_corpus(path)
        vocab = CharVocab(text)
        x, y = next_char_windows(vocab.encode(text), 50, stride=stride)
        model = keras.Sequential(
            [
                keras.Input(shape=(None,), dtype="int32"),
                keras.layers.Embedding(len(vocab), 16),
                keras.layers.LSTM(64, return_sequences=True),
                keras.layers.Dense(len(vocab)),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.Adam(rate, clipnorm=1.0),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=0).batch(32)
        model.fit(data, epochs=epochs, shuffle=False, verbose=0)
        return model, vocab

    return train_on_text_file


ANSWERS = {
    "6.1": [
        right(
            "300 characters, another seed and rng",
            lambda ns: (three_hundred_from_the_last_character,),
        ),
        wrong("entropy of one prediction", lambda ns: (first_prediction_only,)),
        wrong(
            "mean entropy of the predictions (conditional)", lambda ns: (mean_prediction_entropy,)
        ),
        wrong(
            "no state: every character after the seed", lambda ns: (restarted_for_every_character,)
        ),
        wrong("counts a 300-character seed too", lambda ns: (counts_the_seed_too,)),
        wrong("entropy in nats", lambda ns: (entropy_in_nats,)),
    ],
    "6.2": [
        right("the tests' model (Adam 0.01, 32/48 units)", lambda ns: (t.make_word_model,)),
        right("Adam at its default rate (1e-3)", lambda ns: (word_model_with(adam(1e-3)),)),
        wrong("Adam(1e-4): learning rate too low", lambda ns: (word_model_with(adam(1e-4)),)),
        wrong("optimizer='sgd' (rate 0.01)", lambda ns: (word_model_with(lambda: "sgd"),)),
    ],
    "6.3": [
        right("the tests' recipe (6 epochs, no clipnorm)", lambda ns: (t.train_on_text_file,)),
        wrong("one epoch at Adam's default rate", lambda ns: (text_model(epochs=1, rate=1e-3),)),
        wrong("8 epochs at rate 1e-4", lambda ns: (text_model(epochs=8, rate=1e-4),)),
    ],
}
