"""Checks of lesson 06 (text generation): temperature study, word-level model, your own text.

Each check builds its own model or data: a character model whose next-character distribution is
known exactly (6.1), a toy word language whose next word is determined by the last one (6.2),
and a small text file written to a temporary folder (6.3).
"""

from __future__ import annotations

import math
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from course_utils.checks.base import (
    Hint,
    call_learner,
    exercise_check,
    require_keras_model,
    require_number,
)

# --- 6.1: temperature study -------------------------------------------------------------------

#: The characters of the checker's model and the logits it always predicts for them.
_STUDY_CHARS = "abcdefgh"
_STUDY_LOGITS = np.array([3.0, 2.2, 1.6, 1.0, 0.5, 0.0, -0.6, -1.2])
_STUDY_TEMPERATURES = (0.25, 1.0, 2.5)
_STUDY_SAMPLES = 2000


def _constant_char_model() -> tuple[Any, Any]:
    """A tiny Keras character model that predicts the same distribution at every step."""
    import keras

    from course_utils.text import CharVocab

    vocab = CharVocab(_STUDY_CHARS)
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(len(vocab), 2, name="embed"),
            keras.layers.LSTM(2, return_sequences=True, name="lstm"),
            keras.layers.Dense(len(vocab), name="logits"),
        ],
        name="checker_constant_model",
    )
    dense = model.get_layer("logits")
    bias = np.concatenate([[-30.0], _STUDY_LOGITS]).astype("float32")  # id 0: unknown, unused
    dense.set_weights([np.zeros_like(dense.get_weights()[0]), bias])
    return model, vocab


def _plug_in_entropy(text: str) -> float:
    counts = np.array(list(Counter(text).values()), dtype=np.float64)
    p = counts / counts.sum()
    return float(-(p * np.log2(p)).sum())


def _exact_entropy(temperature: float) -> float:
    z = _STUDY_LOGITS / temperature
    p = np.exp(z - z.max())
    p /= p.sum()
    return float(-(p * np.log2(p)).sum())


@exercise_check
def ex_06_1(sampled_entropy) -> str:
    """Exercise 6.1: ``sampled_entropy(model, vocab, temperature)`` → bits per sampled character.

    Judged on a character model the checker builds, whose next-character distribution is the
    same at every step (so the right answer is known): the learner's entropies at three
    temperatures are compared with the entropies of characters the checker samples itself.
    """
    model, vocab = _constant_char_model()
    got = []
    for temperature in _STUDY_TEMPERATURES:
        value = call_learner(sampled_entropy, model, vocab, temperature)
        got.append(require_number(value, f"sampled_entropy(model, vocab, {temperature})"))
    # The checker samples too, from the model's own prediction (the same at every step, so
    # there is no need to call the model once per character as sample_text does).
    logits = np.asarray(model.predict_on_batch(vocab.encode("abc")[None]))[0, -1, 1:]
    rng = np.random.default_rng(606)
    mine = []
    for t in _STUDY_TEMPERATURES:
        z = logits.astype(np.float64) / t
        p = np.exp(z - z.max())
        draws = rng.choice(len(p), size=_STUDY_SAMPLES, p=p / p.sum())
        mine.append(_plug_in_entropy("".join(_STUDY_CHARS[i] for i in draws)))
    shown = ", ".join(f"T={t}: {g:.2f}" for t, g in zip(_STUDY_TEMPERATURES, got, strict=True))
    expected = ", ".join(f"{m:.2f}" for m in mine)
    if any(g < 0 for g in got):
        raise Hint(f"negative entropies ({shown}): entropy is −Σ p·log2(p), note the minus sign")
    if max(got) - min(got) < 0.2:
        raise Hint(
            f"the entropy hardly changes with temperature ({shown}): pass the temperature on to "
            "sample_text(..., temperature=temperature)"
        )
    if not got[0] < got[1] < got[2]:
        raise Hint(f"the entropy should grow with the temperature, got {shown}")
    ln2 = math.log(2)
    if all(abs(g - m * ln2) < 0.15 for g, m in zip(got, mine, strict=True)):
        raise Hint(f"your values ({shown}) look like nats: use log base 2 for bits")
    if max(got) > math.log2(len(_STUDY_CHARS)) + 0.05:
        raise Hint(
            f"an entropy above log2({len(_STUDY_CHARS)}) = {math.log2(len(_STUDY_CHARS)):.2f} bits "
            f"is impossible with {len(_STUDY_CHARS)} characters ({shown}): did you forget to "
            "divide the counts by their total?"
        )
    for t, g, m in zip(_STUDY_TEMPERATURES, got, mine, strict=True):
        if abs(g - m) > 0.3:
            raise Hint(
                f"at temperature {t} you report {g:.2f} bits, the checker's own samples give "
                f"{m:.2f} (all: {expected}): estimate p from the counts of the sampled "
                "characters (only the new ones, not the seed) and sample a few hundred of them"
            )
    exact = ", ".join(f"{_exact_entropy(t):.2f}" for t in _STUDY_TEMPERATURES)
    return f"{shown} bits (checker's samples: {expected}; exact: {exact})"


# --- 6.2: word-level model --------------------------------------------------------------------

_WORD_VOCAB = 14  # id 0 is padding, ids 1..13 are words
_WORD_LEN = 8


def _toy_word_data(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Left-padded word sequences whose next word is ``last + 3`` (cycling over ids 1..13)."""
    words = _WORD_VOCAB - 1
    lengths = rng.integers(2, _WORD_LEN + 1, size=n)
    starts = rng.integers(0, words, size=n)
    x = np.zeros((n, _WORD_LEN), dtype=np.int32)
    y = np.zeros(n, dtype=np.int32)
    for i, (length, start) in enumerate(zip(lengths, starts, strict=True)):
        seq = (start + 3 * np.arange(length + 1)) % words + 1
        x[i, _WORD_LEN - length :] = seq[:-1]
        y[i] = seq[-1]
    return x, y


def _layers_of(model: Any) -> list[Any]:
    return [layer for layer in model.layers if layer.__class__.__name__ != "InputLayer"]


def _loss_name(model: Any) -> str:
    loss = getattr(model, "loss", None)
    if isinstance(loss, str):
        return loss
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__
    return str(name)


def _check_word_stack(model: Any) -> None:
    layers = _layers_of(model)
    kinds = [layer.__class__.__name__ for layer in layers]
    embeddings = [layer for layer in layers if kinds[layers.index(layer)] == "Embedding"]
    if not embeddings:
        raise Hint(f"your model has no Embedding layer (layers: {kinds}): start with one")
    if not embeddings[0].mask_zero:
        raise Hint(
            "Embedding(..., mask_zero=True) is missing: id 0 is padding and must be masked, or "
            "the LSTM reads the padding as words"
        )
    lstms = [layer for layer in layers if layer.__class__.__name__ == "LSTM"]
    if not lstms:
        raise Hint(f"your model has no LSTM layer (layers: {kinds})")
    if not (lstms[-1].dropout > 0 and lstms[-1].recurrent_dropout > 0):
        raise Hint(
            f"the LSTM has dropout={lstms[-1].dropout} and recurrent_dropout="
            f"{lstms[-1].recurrent_dropout}: give it both, e.g. LSTM(64, dropout=0.2, "
            "recurrent_dropout=0.2)"
        )
    if not any(kind == "Dropout" for kind in kinds):
        raise Hint(f"add a Dropout layer between the two Dense layers (layers: {kinds})")
    denses = [layer for layer in layers if layer.__class__.__name__ == "Dense"]
    relu = [d for d in denses if getattr(d.activation, "__name__", "") == "relu"]
    if not relu:
        raise Hint("add a hidden Dense layer with activation='relu' after the LSTM")
    last = layers[-1]
    if last.__class__.__name__ != "Dense" or getattr(last.activation, "__name__", "") != "softmax":
        raise Hint(
            "the last layer should be Dense(vocab_size, activation='softmax'): one probability "
            "per word of the vocabulary"
        )
    order = [kinds.index("Embedding"), kinds.index("LSTM"), layers.index(relu[0])]
    order.append(kinds.index("Dropout", order[-1]) if "Dropout" in kinds[order[-1] :] else -1)
    if order != sorted(order) or order[-1] == -1:
        raise Hint(
            f"the layers are in the order {kinds}; expected Embedding → LSTM → Dense(relu) → "
            "Dropout → Dense(softmax)"
        )


@exercise_check
def ex_06_2(build_word_model) -> str:
    """Exercise 6.2: ``build_word_model(vocab_size, max_len)`` → a compiled word-level model.

    Checks the source's layer stack and loss, that padding is masked (the same words padded on
    the left or on the right give the same prediction), and that it learns a toy language the
    checker generates (the next word is always the last word + 3) to ≥ 90 % accuracy.
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(6)
    model = call_learner(build_word_model, _WORD_VOCAB, _WORD_LEN)
    model = require_keras_model(model, "build_word_model(14, 8)", trained=False)
    if getattr(model, "optimizer", None) is None:
        raise Hint("compile the model inside build_word_model (optimizer and loss)")
    _check_word_stack(model)
    loss = _loss_name(model)
    if "sparse" in loss.lower():
        raise Hint(
            f"the loss is {loss}: the source's recipe uses one-hot targets with "
            "loss='categorical_crossentropy'"
        )
    if "categorical" not in loss.lower():
        raise Hint(f"the loss is {loss}; use loss='categorical_crossentropy'")
    probe = np.zeros((2, _WORD_LEN), dtype=np.int32)
    probe[0, -3:] = [4, 7, 10]
    probe[1, :3] = [4, 7, 10]
    out = np.asarray(model.predict_on_batch(probe))
    if out.shape != (2, _WORD_VOCAB):
        raise Hint(
            f"the model's output has shape {out.shape} for 2 sequences, expected (2, "
            f"{_WORD_VOCAB}): one distribution over the vocabulary per sequence (the LSTM "
            "returns only its last state)"
        )
    if not np.allclose(out[0], out[1], atol=1e-4):
        raise Hint(
            "the same words padded on the left and on the right get different predictions: "
            "the padding is not masked (use Embedding(mask_zero=True), and no layer in between "
            "that drops the mask)"
        )
    rng = np.random.default_rng(62)
    x, y = _toy_word_data(3000, rng)
    x_test, y_test = _toy_word_data(500, rng)
    targets = keras.utils.to_categorical(y, _WORD_VOCAB)
    data = tf.data.Dataset.from_tensor_slices((x, targets)).shuffle(3000, seed=6).batch(32)
    model.fit(data, epochs=8, verbose=0, shuffle=False)  # the dataset shuffles itself
    predicted = np.argmax(np.asarray(model.predict_on_batch(x_test)), axis=-1)
    accuracy = float(np.mean(predicted == y_test))
    if accuracy < 0.9:
        raise Hint(
            f"after 8 epochs on the checker's toy language (next word = last word + 3) the "
            f"model is right on {accuracy:.0%} of new sequences, expected ≥ 90 %: check the "
            "learning rate (Adam's default is fine), dropout rates ≤ 0.5 and at least ~32 units"
        )
    return f"the stack is right and it learns the checker's toy language ({accuracy:.0%} accurate)"


# --- 6.3: your own text file ------------------------------------------------------------------

_SUBJECTS = ("the cat", "a dog", "my aunt", "the river", "our café", "the old clock")
_VERBS = ("sees", "likes", "follows", "paints", "hears", "finds")
_OBJECTS = ("the moon", "a red boat", "the garden", "small birds", "the market", "a song")


def _toy_story(n_sentences: int, rng: np.random.Generator) -> str:
    """Paragraphs of simple sentences from a tiny grammar (with an 'é' no docstring has)."""
    paragraphs = []
    for _ in range(max(1, n_sentences // 5)):
        sentences = []
        for _ in range(5):
            sentence = (
                f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}."
            ).capitalize()
            sentences.append(sentence)
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


@exercise_check
def ex_06_3(train_on_text_file) -> str:
    """Exercise 6.3: ``train_on_text_file(path)`` → ``(model, vocab)`` trained on that file.

    The checker writes a small story file of its own (a tiny grammar, ~12k characters) to a
    temporary folder, calls the learner's function on it, and measures the returned model's
    bits per character on new sentences from the same grammar: it must beat the unigram
    baseline (character frequencies) by at least 0.5 bits/char.
    """
    from course_utils.text import CharVocab, bits_per_char, ngram_bits_per_char

    rng = np.random.default_rng(63)
    story = _toy_story(400, rng)
    fresh = _toy_story(60, rng)
    with tempfile.TemporaryDirectory(prefix="lstm-course-ex06-") as folder:
        path = Path(folder) / "my_text.txt"
        path.write_text(story, encoding="utf-8")
        result = call_learner(train_on_text_file, path, what="train_on_text_file(path)")
    if not isinstance(result, tuple) or len(result) != 2:
        raise Hint(f"train_on_text_file should return (model, vocab), got {type(result).__name__}")
    model, vocab = result
    if isinstance(model, CharVocab):
        raise Hint("return the model first, then the vocabulary: return model, vocab")
    if not isinstance(vocab, CharVocab):
        raise Hint(f"the vocabulary should be a cu.text.CharVocab, got {type(vocab).__name__}")
    missing = vocab.unknown_chars(story)
    if missing:
        raise Hint(
            f"the vocabulary does not know {missing}, which are in the file: build CharVocab "
            "from the text you loaded from `path`"
        )
    model = require_keras_model(model, "the returned model")
    ids = vocab.encode(fresh)
    probe = np.asarray(model.predict_on_batch(ids[None, :50]))
    if probe.shape != (1, 50, len(vocab)):
        raise Hint(
            f"for 1 window of 50 characters the model returns shape {probe.shape}, expected "
            f"(1, 50, {len(vocab)}): one distribution per character (LSTM(..., "
            "return_sequences=True)) over the whole vocabulary"
        )
    model_bits = bits_per_char(model, ids, length=100)
    unigram = ngram_bits_per_char(story, fresh, order=1)
    if not model_bits < unigram - 0.5:
        raise Hint(
            f"on new sentences your model needs {model_bits:.2f} bits/char, the unigram baseline "
            f"{unigram:.2f}: train longer (more epochs or a higher learning rate) until it beats "
            "the baseline by 0.5 bits"
        )
    return f"{model_bits:.2f} bits/char on the checker's text (unigram baseline {unigram:.2f})"
