"""Checks of lesson 06 (text generation): temperature study, word-level model, your own text.

Each check makes fresh inputs on every call from the ``rng`` the decorator passes (the seed is
printed when a check fails, so the learner can repeat it): a character model whose next
character depends on the current one (two groups of characters that mostly alternate, a Markov
chain whose long-run character frequencies are known exactly, so the entropy of one prediction
is not the answer) (6.1), a toy word language whose next word follows from the last one (6.2),
and a small text file from a tiny grammar (6.3). References are computed before the learner's
code runs, and models are called with ``model(x, training=False)`` (no TensorFlow retracing
warnings when a check is run many times).
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
    model_layers,
    model_outputs,
    record_margin,
    require_keras_model,
    require_number,
    require_weights_unchanged,
    short_error,
    snapshot_weights,
)
from course_utils.lstm_numpy import softmax

# --- 6.1: temperature study -------------------------------------------------------------------

#: Characters the checker's model may use; each call draws a few of them.
_STUDY_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_STUDY_SIZE = 8  # characters of the checker's model (its vocabulary has one more id: unknown)
_STUDY_TOLERANCE = 0.3  # bits; a plug-in estimate from a few hundred samples is well inside
_SHORTCUT_GAP = 0.6  # bits: one prediction's entropy is this far off at one temperature or more
_STUDY_RISE = 0.4  # bits: the reference rises at least this much from one temperature to the next
_SHORTCUT_MATCH = 0.15  # bits: values this close to one prediction's entropies get their own hint
_GATE = 30.0  # a sigmoid of ±30 is 1 or ~1e-13: a gate fully open or fully shut
_CELL_GAIN = 2.0  # the cell candidate is tanh(±2): a character of group A or of group B

_STUDY_MODEL: list[Any] = []  # one Keras model, reused: only its weights change per call


def _two_group_model(chars: str, in_a: np.ndarray, logits: np.ndarray) -> tuple[Any, Any]:
    """A Keras character model whose next character depends on the current one only.

    ``in_a[k]`` says whether ``chars[k]`` is in group A (else B); ``logits[0]`` are the logits
    of ``chars`` after an A character, ``logits[1]`` after a B character. The embedding puts A
    at +1 and B at −1 on its first axis; the LSTM's recurrent kernel is zero, its forget gate
    shut and its input and output gates open, so its output is ``±tanh(tanh(2))`` on one unit
    whatever came before; the Dense layer turns it into one of the two logit vectors. The
    unknown id 0 gets a logit of −30. One model is built once and reused (its weights are set on
    every call), so running the check many times builds no new model and traces nothing.
    """
    import keras

    from course_utils.text import CharVocab

    vocab = CharVocab(chars)
    if len(vocab) != _STUDY_SIZE + 1:
        raise ValueError(f"expected {_STUDY_SIZE} distinct characters, got {chars!r}")
    if not _STUDY_MODEL:
        _STUDY_MODEL.append(
            keras.Sequential(
                [
                    keras.Input((None,), dtype="int32"),
                    keras.layers.Embedding(len(vocab), 2, name="embed"),
                    keras.layers.LSTM(2, return_sequences=True, name="lstm"),
                    keras.layers.Dense(len(vocab), name="logits"),
                ],
                name="checker_two_group_model",
            )
        )
    model = _STUDY_MODEL[0]
    embed, lstm, dense = (model.get_layer(n) for n in ("embed", "lstm", "logits"))
    table = np.zeros((len(vocab), 2))
    table[vocab.encode(chars), 0] = np.where(in_a, 1.0, -1.0)  # id 0 (unknown) stays at 0
    units = 2
    kernel = np.zeros((2, 4 * units))
    kernel[0, 2 * units] = _CELL_GAIN  # gate order i, f, c, o: the candidate of unit 0
    bias = np.zeros(4 * units)
    bias[:units] = _GATE  # input gate open
    bias[units : 2 * units] = -_GATE  # forget gate shut: the previous state is dropped
    bias[3 * units :] = _GATE  # output gate open
    embed.set_weights([table.astype("float32")])
    lstm.set_weights([kernel, np.zeros((units, 4 * units)), bias])
    out_a = math.tanh(math.tanh(_CELL_GAIN))  # unit 0's output after an A character
    full = np.full((2, len(vocab)), -30.0)  # id 0: unknown, never drawn
    full[:, vocab.encode(chars)] = logits
    dense_kernel = np.zeros((2, len(vocab)))
    dense_kernel[0] = (full[0] - full[1]) / (2 * out_a)
    dense.set_weights([dense_kernel.astype("float32"), ((full[0] + full[1]) / 2).astype("float32")])
    return model, vocab


def _entropy_bits(p: np.ndarray) -> float:
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def _probabilities(logits: np.ndarray, temperature: float) -> np.ndarray:
    return softmax(np.asarray(logits, dtype=np.float64) / temperature)


def _exact_entropy(logits: np.ndarray, temperature: float) -> float:
    """Entropy (bits) of ``softmax(logits / temperature)``: one prediction."""
    return _entropy_bits(_probabilities(logits, temperature))


def _stationary_entropy(after: np.ndarray, in_a: np.ndarray, temperature: float) -> float:
    """Entropy (bits) of the characters of a long sample of the two-group model.

    ``after[0]``/``after[1]`` are the logits over the characters after an A/B character. The
    transition matrix at ``temperature`` has the row ``softmax(after[group] / T)`` for each
    character; its stationary distribution π is how often each character occurs in a long
    sample, whatever the seed.
    """
    rows = [_probabilities(after[0 if a else 1], temperature) for a in in_a]
    transition = np.array(rows)
    n = len(transition)
    system = transition.T - np.eye(n)
    system[-1] = 1.0  # replace one (redundant) equation by Σπ = 1
    pi = np.linalg.solve(system, np.eye(n)[-1])
    return _entropy_bits(np.clip(pi, 0.0, None))


def _study_draw(
    rng: np.random.Generator,
) -> tuple[str, np.ndarray, np.ndarray, tuple[float, float, float]]:
    """Characters, their groups, the logits after A and after B, and three temperatures.

    After an A character the next one is mostly a B (the A characters are 3 to 4.5 nats lower),
    and vice versa. Draws are rejected until the entropy of one prediction (after an A, and after
    a B) is at least 0.6 bits away from the entropy of a long sample at one temperature or more,
    and the latter rises by at least 0.4 bits from each temperature to the next.
    """
    chars = "".join(sorted(rng.choice(list(_STUDY_ALPHABET), size=_STUDY_SIZE, replace=False)))
    for _ in range(1000):
        in_a = np.zeros(_STUDY_SIZE, dtype=bool)
        in_a[rng.choice(_STUDY_SIZE, size=int(rng.integers(3, 6)), replace=False)] = True
        logits = np.array(
            [
                rng.normal(0.0, 1.6, size=_STUDY_SIZE) - rng.uniform(3.0, 4.5) * group
                for group in (in_a, ~in_a)  # after an A: the A characters are lower
            ]
        )
        temperatures = (
            round(float(rng.uniform(0.2, 0.35)), 2),
            round(float(rng.uniform(0.8, 1.2)), 2),
            round(float(rng.uniform(2.0, 3.0)), 2),
        )
        long_run = [_stationary_entropy(logits, in_a, t) for t in temperatures]
        rises = np.diff(long_run)
        gaps = [
            max(
                abs(_exact_entropy(row, t) - h) for t, h in zip(temperatures, long_run, strict=True)
            )
            for row in logits
        ]
        if min(rises) >= _STUDY_RISE and min(gaps) >= _SHORTCUT_GAP:
            return chars, in_a, logits, temperatures
    raise RuntimeError("no usable draw for exercise 6.1")  # never happens: about half are kept


def _logits_after_each_group(model: Any, vocab: Any, chars: str, in_a: np.ndarray) -> np.ndarray:
    """The checker's model's own logits over ``chars`` after an A and after a B character."""
    first = [vocab.encode(chars[int(np.flatnonzero(in_a == a)[0])])[0] for a in (True, False)]
    out = np.asarray(model(np.array([[first[0]], [first[1]]], dtype=np.int32), training=False))
    return out[:, 0, :].astype(np.float64)[:, vocab.encode(chars)]


#: A worked example for hints, on a distribution the check never uses.
_WORKED_EXAMPLE = (
    "e.g. the sample 'aabc' has frequencies 1/2, 1/4, 1/4 and entropy "
    "−(½·log2 ½ + 2·¼·log2 ¼) = 1.5 bits"
)


@exercise_check
def ex_06_1(sampled_entropy, *, rng) -> str:
    """Exercise 6.1: ``sampled_entropy(model, vocab, temperature)`` → bits per sampled character.

    Judged on a character model the checker builds on every call, with characters, logits and
    three temperatures drawn afresh. Its characters are split into two groups, A and B, and its
    next-character distribution depends on the current character's group only (after an A
    mostly a B, and vice versa): a Markov chain whose long-run character frequencies (the
    stationary distribution π of its transition matrix at temperature ``T``) are known exactly.
    The reference is the entropy of π, computed from the model's own logits before the learner's
    function runs; the entropy of one prediction (the shortcut of never sampling) is at least
    0.6 bits away from it at one temperature or more, and gets its own hint. The learner's
    estimates must be within 0.3 bits of the reference and grow with the temperature; the
    function must not change the model.
    """
    chars, in_a, logits, temperatures = _study_draw(rng)
    model, vocab = _two_group_model(chars, in_a, logits)
    after = _logits_after_each_group(model, vocab, chars, in_a)  # before any learner code runs
    exact = [_stationary_entropy(after, in_a, t) for t in temperatures]
    one_step = [[_exact_entropy(row, t) for t in temperatures] for row in after]
    before = snapshot_weights(model)
    got = []
    for temperature in temperatures:
        value = call_learner(sampled_entropy, model, vocab, temperature)
        got.append(require_number(value, f"sampled_entropy(model, vocab, {temperature})"))
        require_weights_unchanged(model, before, "sampled_entropy")
    shown = ", ".join(f"T={t}: {g:.2f}" for t, g in zip(temperatures, got, strict=True))
    # graded: every estimate within the tolerance, and each rise from one temperature to the
    # next kept (the share of the reference's rise the estimate lost; all of it is a refusal)
    record_margin(max(abs(g - e) for g, e in zip(got, exact, strict=True)), _STUDY_TOLERANCE)
    for k in range(len(got) - 1):
        rise = exact[k + 1] - exact[k]
        record_margin(max(0.0, rise - (got[k + 1] - got[k])), rise)
    if any(g < 0 for g in got):
        raise Hint(f"negative entropies ({shown}): entropy is −Σ p·log2(p), note the minus sign")
    if max(got) - min(got) < 0.2:
        raise Hint(
            f"the entropy hardly changes with temperature ({shown}): pass the temperature on to "
            "sample_text(..., temperature=temperature)"
        )
    if not got[0] < got[1] < got[2]:
        raise Hint(f"the entropy should grow with the temperature, got {shown}")
    if max(got) > math.log2(_STUDY_SIZE) + 0.05:
        raise Hint(
            f"an entropy above log2({_STUDY_SIZE}) = {math.log2(_STUDY_SIZE):.2f} bits is "
            f"impossible with {_STUDY_SIZE} characters ({shown}): did you forget to divide the "
            "counts by their total?"
        )
    ln2 = math.log(2)
    off = [abs(g - e) > _STUDY_TOLERANCE for g, e in zip(got, exact, strict=True)]
    if any(off) and all(abs(g - e * ln2) < 0.15 for g, e in zip(got, exact, strict=True)):
        raise Hint(f"your values ({shown}) look like nats: use log base 2 for bits")
    if any(off) and any(
        all(abs(g - s) < _SHORTCUT_MATCH for g, s in zip(got, row, strict=True)) for row in one_step
    ):
        raise Hint(
            f"your values ({shown}) are the entropies of one prediction, but this model's "
            "distribution changes with the previous character: sample a few hundred characters "
            "with sample_text (it carries the state) and count them"
        )
    for t, g, bad in zip(temperatures, got, off, strict=True):
        if bad:
            raise Hint(
                f"at temperature {t} you report {g:.2f} bits, which is not the entropy of the "
                "characters the model samples at that temperature: sample a few hundred new "
                "characters with that temperature and take the entropy of their frequencies "
                f"(only the new characters, not the seed; {_WORKED_EXAMPLE})"
            )
    return "your entropies follow the model's at three temperatures"


# --- 6.2: word-level model --------------------------------------------------------------------


def _toy_word_data(
    n: int, words: int, max_len: int, step: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Left-padded word sequences whose next word is ``last + step`` (cycling over 1..words)."""
    lengths = rng.integers(2, max_len + 1, size=n)
    starts = rng.integers(0, words, size=n)
    x = np.zeros((n, max_len), dtype=np.int32)
    y = np.zeros(n, dtype=np.int32)
    for i, (length, start) in enumerate(zip(lengths, starts, strict=True)):
        seq = (start + step * np.arange(length + 1)) % words + 1
        x[i, max_len - length :] = seq[:-1]
        y[i] = seq[-1]
    return x, y


_CATEGORICAL = {"categorical_crossentropy", "categoricalcrossentropy"}


def _loss_name(model: Any) -> str:
    loss = getattr(model, "loss", None)
    if isinstance(loss, str):
        return loss
    name = getattr(loss, "__name__", None) or type(loss).__name__
    return str(name)


def _check_word_stack(model: Any) -> None:
    layers = model_layers(model)
    kinds = [layer.__class__.__name__ for layer in layers]
    if "Embedding" not in kinds:
        raise Hint(f"your model has no Embedding layer (layers: {kinds}): start with one")
    if not layers[kinds.index("Embedding")].mask_zero:
        raise Hint(
            "Embedding(..., mask_zero=True) is missing: id 0 is padding and must be masked, or "
            "the LSTM reads the padding as words"
        )
    lstms = [layer for layer in layers if layer.__class__.__name__ == "LSTM"]
    if not lstms:
        raise Hint(f"your model has no LSTM layer (layers: {kinds})")
    if len(lstms) < 2:
        raise Hint(
            f"the exercise asks for two stacked LSTM layers, your model has one (layers: {kinds})"
        )
    if not all(layer.return_sequences for layer in lstms[:-1]) or lstms[-1].return_sequences:
        raise Hint(
            "stacked LSTMs: every LSTM but the last needs return_sequences=True (the next one "
            "reads a sequence), the last one returns only its final state"
        )
    if not (lstms[-1].dropout > 0 and lstms[-1].recurrent_dropout > 0):
        raise Hint(
            f"the LSTM has dropout={lstms[-1].dropout} and recurrent_dropout="
            f"{lstms[-1].recurrent_dropout}: give it both, e.g. LSTM(64, dropout=0.2, "
            "recurrent_dropout=0.2)"
        )
    denses = [layer for layer in layers if layer.__class__.__name__ == "Dense"]
    relu = [d for d in denses if getattr(d.activation, "__name__", "") == "relu"]
    if not relu:
        raise Hint("add a hidden Dense layer with activation='relu' after the LSTM")
    dropouts = [layer for layer in layers if layer.__class__.__name__ == "Dropout"]
    if not dropouts:
        raise Hint(f"add a Dropout layer between the two Dense layers (layers: {kinds})")
    if not all(0 < layer.rate < 1 for layer in dropouts):
        rates = [layer.rate for layer in dropouts]
        raise Hint(
            f"Dropout with rate {rates} drops nothing (or everything): use a rate such as 0.2"
        )
    last = layers[-1]
    if last.__class__.__name__ != "Dense" or getattr(last.activation, "__name__", "") != "softmax":
        raise Hint(
            "the last layer should be Dense(vocab_size, activation='softmax'): one probability "
            "per word of the vocabulary"
        )
    order = [kinds.index("Embedding"), layers.index(lstms[-1]), layers.index(relu[0])]
    order.append(kinds.index("Dropout", order[-1]) if "Dropout" in kinds[order[-1] :] else -1)
    if order != sorted(order) or order[-1] == -1:
        raise Hint(
            f"the layers are in the order {kinds}; expected Embedding → LSTM → LSTM → "
            "Dense(relu) → Dropout → Dense(softmax)"
        )


def _check_word_loss(model: Any) -> None:
    loss = _loss_name(model)
    flat = loss.lower().replace(" ", "")
    if "sparse" in flat:
        raise Hint(
            f"the loss is {loss}: the source's recipe uses one-hot targets with "
            "loss='categorical_crossentropy'"
        )
    if flat not in _CATEGORICAL:
        raise Hint(
            f"the loss is {loss}; the exercise asks for loss='categorical_crossentropy' "
            "(the cross-entropy of the softmax against one-hot targets)"
        )


_WORD_EPOCHS = 8  # at most; right answers reach 99 % on validation in 2-4 epochs
_WORD_ENOUGH = 0.99  # validation accuracy at which training stops: nothing left to learn
_WORD_ACCURACY = 0.9  # the bar on the test sequences


def _best_on_validation(x_val: np.ndarray, y_val: np.ndarray, what: str) -> Any:
    """A Keras callback: keeps the weights of the epoch most accurate on ``(x_val, y_val)``.

    It computes the accuracy itself (argmax of ``model(x_val, training=False)``), so it does not
    depend on the metrics the learner compiled, and stops training once it reaches
    ``_WORD_ENOUGH``. After ``fit``, ``best_weights`` are the best epoch's weights and
    ``epochs`` is how many epochs ran.
    """
    import keras

    class BestOnValidation(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.best = -1.0
            self.best_weights: list[np.ndarray] = []
            self.epochs = 0

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            self.epochs = epoch + 1
            out = model_outputs(self.model, x_val, what, trained=False)  # during fit
            accuracy = float(np.mean(np.argmax(out, axis=-1) == y_val))
            if accuracy > self.best:
                self.best, self.best_weights = accuracy, self.model.get_weights()
            if accuracy >= _WORD_ENOUGH:
                self.model.stop_training = True

    return BestOnValidation()


@exercise_check
def ex_06_2(build_word_model, *, rng) -> str:
    """Exercise 6.2: ``build_word_model(vocab_size, max_len)`` → a compiled word-level model.

    With a vocabulary size, a sequence length and a toy language drawn afresh on every call,
    checks the source's layer stack with two stacked LSTMs (Embedding(mask_zero) →
    LSTM(return_sequences=True) → LSTM(dropout, recurrent_dropout) → Dense(relu) → Dropout →
    Dense(softmax)) and its loss (categorical cross-entropy), that
    padding is masked (the same words padded on the left or on the right give the same
    prediction), and that it learns the toy language (the next word is the last word + a step)
    to ≥ 90 % accuracy on new sequences. It trains for at most 8 epochs, stops once 99 % of a
    validation set is right, and judges the weights of the epoch that was best on that set: Adam
    at a high rate has loss spikes (the solution's accuracy once fell from 99.9 % to 94 % in its
    last epoch), and one spike must not decide.
    """
    import keras
    import tensorflow as tf

    vocab_size = int(rng.integers(12, 19))
    max_len = int(rng.integers(6, 11))
    words = vocab_size - 1
    step = int(rng.choice([s for s in range(2, 6) if math.gcd(s, words) == 1]))
    x, y = _toy_word_data(2000, words, max_len, step, rng)
    x_test, y_test = _toy_word_data(500, words, max_len, step, rng)
    x_val, y_val = _toy_word_data(500, words, max_len, step, rng)
    keras.utils.set_random_seed(int(rng.integers(0, 2**31 - 1)))
    what = f"build_word_model({vocab_size}, {max_len})"
    try:
        model = call_learner(build_word_model, vocab_size, max_len, what=what)
    except Hint as exc:
        if "expected ndim=3" in str(exc):
            raise Hint(
                f"{what} failed: an LSTM received one vector per sequence instead of a sequence "
                "— give every LSTM but the last return_sequences=True"
            ) from exc
        raise
    model = require_keras_model(model, what, trained=False)
    if getattr(model, "optimizer", None) is None:
        raise Hint("compile the model inside build_word_model (optimizer and loss)")
    _check_word_stack(model)
    _check_word_loss(model)
    probe = np.zeros((2, max_len), dtype=np.int32)
    probe_words = rng.integers(1, vocab_size, size=3)
    probe[0, -3:] = probe_words
    probe[1, :3] = probe_words
    out = model_outputs(model, probe, what, trained=False)
    if out.shape != (2, vocab_size):
        raise Hint(
            f"the model's output has shape {out.shape} for 2 sequences, expected (2, "
            f"{vocab_size}): one distribution over the vocabulary per sequence (the LSTM "
            "returns only its last state)"
        )
    record_margin(float(np.max(np.abs(out[0] - out[1]))), 1e-4)  # the same words, padded
    if not np.allclose(out[0], out[1], atol=1e-4):
        raise Hint(
            "the same words padded on the left and on the right get different predictions: "
            "the padding is not masked (use Embedding(mask_zero=True), and no layer in between "
            "that drops the mask)"
        )
    targets = keras.utils.to_categorical(y, vocab_size)
    data = tf.data.Dataset.from_tensor_slices((x, targets)).shuffle(len(x), seed=6).batch(50)
    keeper = _best_on_validation(x_val, y_val, what)
    try:
        model.fit(data, epochs=_WORD_EPOCHS, verbose=0, shuffle=False, callbacks=[keeper])
    except Hint:
        raise
    except Exception as exc:
        raise Hint(
            f"training your model on one-hot targets failed ({short_error(exc)}): compile it "
            "with loss='categorical_crossentropy' and metrics=['accuracy'] only"
        ) from exc
    model.set_weights(keeper.best_weights)  # the best epoch on the validation sequences
    predicted = np.argmax(model_outputs(model, x_test, what), axis=-1)
    accuracy = float(np.mean(predicted == y_test))
    record_margin(1.0 - accuracy, 1.0 - _WORD_ACCURACY)
    if accuracy < _WORD_ACCURACY:
        raise Hint(
            f"in {keeper.epochs} epochs on the checker's toy language (next word = last word + a "
            f"fixed step) your model's best epoch is right on {accuracy:.0%} of new sequences, "
            f"expected ≥ {_WORD_ACCURACY:.0%}: check the learning rate (Adam's default is fine), "
            "dropout rates ≤ 0.5 and at least ~32 units"
        )
    return "the stack is right and it learns the checker's toy language"


# --- 6.3: your own text file ------------------------------------------------------------------

_SUBJECTS = ("the cat", "a dog", "my aunt", "the river", "our café", "the old clock", "a child")
_VERBS = ("sees", "likes", "follows", "paints", "hears", "finds", "wants")
_OBJECTS = ("the moon", "a red boat", "the garden", "small birds", "the market", "a song")


def _toy_story(
    n_sentences: int, rng: np.random.Generator, words: tuple[tuple[str, ...], ...] | None = None
) -> str:
    """Paragraphs of simple sentences from a tiny grammar (with an 'é' no docstring has)."""
    subjects, verbs, objects = words or (_SUBJECTS, _VERBS, _OBJECTS)
    paragraphs = []
    for _ in range(max(1, n_sentences // 5)):
        sentences = []
        for _ in range(5):
            sentence = (
                f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)}."
            ).capitalize()
            sentences.append(sentence)
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def _story_grammar(rng: np.random.Generator) -> tuple[tuple[str, ...], ...]:
    """A random part of the grammar (always with 'our café'), so every call reads a new text."""
    subjects = ("our café", *rng.choice(_SUBJECTS[:-2] + _SUBJECTS[-1:], 4, replace=False))
    verbs = tuple(rng.choice(_VERBS, 5, replace=False))
    objects = tuple(rng.choice(_OBJECTS, 5, replace=False))
    return tuple(str(s) for s in subjects), verbs, objects


def _unigram_bits(train: str, test: str) -> float:
    counts = Counter(train)
    total = sum(counts.values())
    return float(-np.mean([math.log2((counts.get(c, 0) + 0.5) / (total + 0.5)) for c in test]))


def _model_bits(model: Any, ids: np.ndarray, length: int, vocab_size: int, what: str) -> float:
    """Bits per character of a next-character model on ``ids``, in windows of ``length``."""
    from course_utils.text import next_char_windows

    x, y = next_char_windows(ids, length)
    out = model_outputs(model, x, what)
    if out.shape != (*x.shape, vocab_size):
        raise Hint(
            f"for {len(x)} windows of {length} characters the model returns shape {out.shape}, "
            f"expected {(*x.shape, vocab_size)}: one distribution per character (LSTM(..., "
            "return_sequences=True)) over the whole vocabulary"
        )
    if out.min() >= 0 and np.allclose(out.sum(axis=-1), 1.0, atol=1e-3):
        log_p = np.log(np.clip(out, 1e-12, None))  # probabilities (a softmax output)
    else:
        shifted = out - out.max(axis=-1, keepdims=True)  # logits
        log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, y[..., None].astype(np.int64), axis=-1)
    return float(-picked.mean() / math.log(2))


@exercise_check
def ex_06_3(train_on_text_file, *, rng) -> str:
    """Exercise 6.3: ``train_on_text_file(path)`` → ``(model, vocab)`` trained on that file.

    The checker writes a small story file (~12k characters from a tiny grammar whose words it
    draws afresh on every call) to a temporary folder, calls the learner's function on it, and
    measures the returned model's bits per character on new sentences from the same grammar: it
    must have an LSTM (or GRU) layer and beat the unigram baseline (character frequencies) by at
    least 0.5 bits/char (an Embedding → Dense model of the last character alone would beat it
    too).
    """
    import keras

    from course_utils.text import CharVocab

    grammar = _story_grammar(rng)
    story = _toy_story(400, rng, grammar)
    fresh = _toy_story(60, rng, grammar)
    unigram = _unigram_bits(story, fresh)  # the reference, before the learner's code runs
    keras.utils.set_random_seed(int(rng.integers(0, 2**31 - 1)))
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
    kinds = [layer.__class__.__name__ for layer in model_layers(model)]
    if not any(kind in ("LSTM", "GRU") for kind in kinds):
        raise Hint(
            f"your model has no LSTM (layers: {kinds}): the exercise asks for the lesson's "
            "Embedding → LSTM(return_sequences=True) → Dense model, not a model of the last "
            "character only"
        )
    ids = vocab.encode(fresh)
    model_bits = _model_bits(model, ids, 100, len(vocab), "the returned model")
    record_margin(model_bits, unigram - 0.5)  # bits/char, against the most the check accepts
    if not model_bits < unigram - 0.5:
        raise Hint(
            f"on new sentences your model needs {model_bits:.2f} bits/char, the unigram baseline "
            f"{unigram:.2f}: train longer (more epochs or a higher learning rate) until it beats "
            "the baseline by 0.5 bits"
        )
    return "your model beats the unigram baseline by more than 0.5 bits/char on new text"
