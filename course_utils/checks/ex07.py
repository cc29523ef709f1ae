"""Checks of lesson 07 (padding, masking and attention over LSTM states).

- ``ex_07_1``: the masking bug hunt. The learner's ``build_masked_model(vocab_size)`` must give
  the same output for a sequence whatever its padding (none, in front, behind, any amount); the
  check draws new sequences and paddings on every call and, when the output still depends on
  the padding, names the cause: no layer makes a mask, or which layer drops it.
- ``ex_07_2``: a pointer network. The learner's ``build_pointer_model(vocab_size, max_len)``
  returns a compiled model whose output is a distribution over the *positions* of its input
  (the attention weights are the answer); the check trains it briefly on sequences it draws
  (``cu.data.relevant_step_task(..., task="largest")``) and judges it on new ones: it must point
  at the largest value, put no probability on padding and at least half of it on the right step.

Introduced in ``solutions/07_attention_solutions.ipynb``.
"""

from __future__ import annotations

import re
import warnings
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
)

# --- 7.1: masking bug hunt --------------------------------------------------------------------

#: Token ids of the bug hunt: 0 is padding, 1..11 are words.
BUG_VOCAB = 12
_DROPPED = re.compile(r"Layer '([^']+)' \(of type (\w+)\) was passed an input with a mask")
_RECURRENT = ("LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional")


def mask_path(model: Any) -> tuple[Any | None, Any | None]:
    """The layer that makes the mask and the first layer after it that drops it (or ``None``).

    Follows the model's layers in order (a chain, as in a ``Sequential`` model): the mask is made
    by ``Embedding(mask_zero=True)`` or ``Masking``, dropped by a layer whose
    ``supports_masking`` is false, and consumed (the walk stops) by a recurrent layer that
    returns its last state only or by a global pooling layer.

    >>> import keras, warnings
    >>> with warnings.catch_warnings():  # Keras warns that Conv1D drops the mask: the point
    ...     warnings.simplefilter("ignore")
    ...     model = keras.Sequential([
    ...         keras.Input((None,), dtype="int32"),
    ...         keras.layers.Embedding(5, 2, mask_zero=True, name="embedding"),
    ...         keras.layers.Conv1D(2, 1, name="conv"),
    ...         keras.layers.LSTM(2),
    ...     ])
    >>> [layer.name if layer else None for layer in mask_path(model)]
    ['embedding', 'conv']
    """
    maker = None
    for layer in model_layers(model):
        kind = type(layer).__name__
        if maker is None:
            if (kind == "Embedding" and getattr(layer, "mask_zero", False)) or kind == "Masking":
                maker = layer
            continue
        if not layer.supports_masking:
            return maker, layer
        if kind in _RECURRENT and not getattr(layer, "return_sequences", True):
            break
        if kind.startswith("Global"):
            break
    return maker, None


def _given_architecture(vocab_size: int) -> Any:
    """The given model's layers and sizes, with the scaling as a mask-neutral ``Rescaling``."""
    import keras

    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(vocab_size, 8),
            keras.layers.Rescaling(8**0.5),
            keras.layers.LSTM(16),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


def _require_given_layers(model: Any, sequences: list[list[int]], alone: np.ndarray) -> None:
    """On unpadded sequences the fix must compute what the given model computes (same weights)."""
    reference = _given_architecture(BUG_VOCAB)
    expected_shapes = [tuple(w.shape) for w in reference.get_weights()]
    weights = [np.asarray(w) for w in model.get_weights()]
    shapes = [tuple(w.shape) for w in weights]
    if shapes != expected_shapes:
        raise Hint(
            "keep the given layers and sizes (Embedding(12, 8) → scale by √8 → LSTM(16) → "
            f"Dense(1, sigmoid)) and fix only the masking; your weights have shapes {shapes}"
        )
    reference.set_weights(weights)
    expected = np.concatenate(
        [np.asarray(reference(np.array([s], dtype=np.int32), training=False)) for s in sequences]
    )
    difference = float(np.max(np.abs(expected - alone.reshape(expected.shape))))
    record_margin(difference, 1e-4)
    if difference > 1e-4:
        raise Hint(
            "on sequences without padding your model no longer computes what the given one "
            "computes with the same weights: keep every given layer, the √8 scaling included, "
            "and fix only the masking"
        )


def _padded(sequence: list[int], length: int, side: str) -> np.ndarray:
    row = np.zeros(length, dtype=np.int32)
    if side == "pre":
        row[length - len(sequence) :] = sequence
    else:
        row[: len(sequence)] = sequence
    return row


@exercise_check
def ex_07_1(build_masked_model, *, rng) -> str:
    """Exercise 7.1: ``build_masked_model(vocab_size)`` → a model that padding cannot fool.

    The check builds the learner's model (id 0 is padding), draws five new word sequences of 2–8
    tokens and feeds each one alone (no padding), pre-padded and post-padded to random lengths;
    all outputs of a sequence must agree to 1e-5; without padding the model must compute what
    the given layers compute with its weights (the √8 scaling kept, same sizes), and different
    sequences must get different outputs (a constant model is not a fix).
    """
    import keras

    keras.utils.set_random_seed(int(rng.integers(0, 2**31 - 1)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = call_learner(build_masked_model, BUG_VOCAB, what="build_masked_model(12)")
        model = require_keras_model(model, "build_masked_model(12)", trained=False)
        kinds = [type(layer).__name__ for layer in model_layers(model)]
        if not any(kind in _RECURRENT for kind in kinds):
            raise Hint(
                f"your model has no recurrent layer (layers: {kinds}): keep the LSTM of the "
                "given model and fix how the padding reaches it"
            )
        sequences = [
            [int(t) for t in rng.integers(1, BUG_VOCAB, size=int(rng.integers(2, 9)))]
            for _ in range(5)
        ]
        pre_len, post_len = (int(v) for v in rng.integers(10, 17, size=2))
        alone = np.concatenate(
            [
                model_outputs(model, np.array([s], dtype=np.int32), "your model", trained=False)
                for s in sequences
            ]
        )
        outputs = {"no padding": alone}
        for side, length in (("pre", pre_len), ("post", post_len)):
            batch = np.stack([_padded(s, length, side) for s in sequences])
            outputs[f"{side}-padded"] = model_outputs(model, batch, "your model", trained=False)
    gap = max(float(np.max(np.abs(out - alone))) for out in outputs.values())
    record_margin(gap, 1e-5)
    if gap > 1e-5:
        maker, dropper = mask_path(model)
        dropped = [_DROPPED.search(str(w.message)) for w in caught]
        named = [(m[1], m[2]) for m in dropped if m]
        if maker is None:
            raise Hint(
                f"the output still changes with the padding (by up to {gap:.2g}) and no layer "
                "makes a mask: id 0 is padding, so give the Embedding mask_zero=True"
            )
        if dropper is not None or named:
            name, kind = (dropper.name, type(dropper).__name__) if dropper else named[0]
            raise Hint(
                f"the {type(maker).__name__} makes a mask, but layer '{name}' ({kind}) drops it, "
                "so the LSTM reads the padding again: use a layer that passes the mask on "
                "(lesson 07, section 1) or hand the mask to the LSTM yourself"
            )
        raise Hint(
            f"the output still changes with the padding (by up to {gap:.2g}) although a mask "
            "is made: does every layer between the mask and the LSTM work step by step?"
        )
    _require_given_layers(model, sequences, alone)
    spread = float(np.max(np.ptp(alone.reshape(len(sequences), -1), axis=0)))
    record_margin(1e-6, spread)  # the share of the spread the constant-model bar (1e-6) is
    if spread < 1e-6:
        raise Hint(
            "five different sequences get the same output: your model's output does not depend "
            "on its input any more; keep the given layers and only fix the masking"
        )
    return "every sequence gets the same output without padding, pre-padded and post-padded"


# --- 7.2: a pointer network -------------------------------------------------------------------

POINTER_VOCAB = 10  # 0 padding, 1 (unused marker), 2..9 values
POINTER_BUDGET = {"n_train": 2000, "n_test": 500, "epochs": 5, "batch_size": 64}


def _require_distribution(probs: np.ndarray) -> None:
    if np.max(np.abs(probs.sum(axis=1) - 1.0)) > 1e-3 or probs.min() < 0:
        raise Hint(
            "each row of the output should be a probability distribution over the positions "
            "(non-negative, summing to 1): end with a softmax over the time axis"
        )


@exercise_check
def ex_07_2(build_pointer_model, *, rng) -> str:
    """Exercise 7.2: ``build_pointer_model(vocab_size, max_len)`` → a model that points.

    The model maps padded token ids (batch, max_len) to probabilities over the max_len positions.
    The check draws ``max_len`` (14–20) and sequences of the "largest" task, trains the
    learner's compiled model on them (targets: the positions) with a fixed small budget, then
    on new sequences requires: a recurrent layer that returns its states, an untrained model
    that does not already point right (no hand-written rule), rows that sum to 1, probability 0
    on padding (< 1e-6), the most probable position right in ≥ 90 % of them, and a mean
    probability ≥ 0.5 on the right step.
    """
    import keras
    import tensorflow as tf

    from course_utils.data import relevant_step_task

    max_len = int(rng.integers(14, 21))
    train = relevant_step_task(POINTER_BUDGET["n_train"], max_len, rng, task="largest")
    test = relevant_step_task(POINTER_BUDGET["n_test"], max_len, rng, task="largest")
    seed = int(rng.integers(0, 2**31 - 1))
    keras.utils.set_random_seed(seed)
    what = f"build_pointer_model({POINTER_VOCAB}, {max_len})"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = call_learner(build_pointer_model, POINTER_VOCAB, max_len, what=what)
    model = require_keras_model(model, what, trained=False)
    if getattr(model, "optimizer", None) is None:
        raise Hint(f"compile the model inside build_pointer_model (optimizer and loss): {what}")
    probe = model_outputs(model, test.x[:4], what, trained=False)
    if probe.shape != (4, max_len):
        raise Hint(
            f"for 4 sequences of {max_len} steps the model returns shape {probe.shape}, expected "
            f"(4, {max_len}): one probability per input position (the attention weights), not "
            "one per value"
        )
    _require_distribution(probe)
    kinds = [type(layer).__name__ for layer in model_layers(model)]
    if not any(
        type(layer).__name__ in _RECURRENT and getattr(layer, "return_sequences", False)
        for layer in model_layers(model)
    ):
        raise Hint(
            f"the exercise asks for a score for every LSTM state, but no recurrent layer of "
            f"your model returns its sequence of states (layers: {kinds}): use "
            "LSTM(..., return_sequences=True)"
        )
    untrained = model_outputs(model, test.x, what, trained=False)
    untrained_hits = float(np.mean(np.argmax(untrained, axis=1) == test.positions))
    record_margin(untrained_hits, 0.6)
    if untrained_hits >= 0.6:
        raise Hint(
            "your model points at the largest value before any training: it computes the answer "
            "by a rule you wrote, not with learned scores; let the LSTM states be scored by "
            "trainable layers"
        )
    data = tf.data.Dataset.from_tensor_slices((train.x, train.positions))
    data = data.shuffle(len(train.x), seed=seed % 10_000).batch(POINTER_BUDGET["batch_size"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(data, epochs=POINTER_BUDGET["epochs"], verbose=0, shuffle=False)
    except Exception as exc:
        raise Hint(
            f"training failed with targets = positions (integers 0..{max_len - 1}): "
            f"{type(exc).__name__}; compile with loss='sparse_categorical_crossentropy'"
        ) from exc
    probs = model_outputs(model, test.x, what)
    _require_distribution(probs)
    padding = np.arange(max_len)[None, :] >= test.lengths[:, None]
    if padding.any():
        record_margin(float(probs[padding].max()), 1e-6)
    if padding.any() and float(probs[padding].max()) > 1e-6:
        raise Hint(
            f"padded positions get probability up to {float(probs[padding].max()):.2g}: set "
            "the scores of padded steps (token 0) to a very negative number before the softmax"
        )
    rows = np.arange(len(probs))
    hits = float(np.mean(np.argmax(probs, axis=1) == test.positions))
    mass = float(probs[rows, test.positions].mean())
    record_margin(1.0 - hits, 1.0 - 0.9)
    record_margin(1.0 - mass, 1.0 - 0.5)
    if hits < 0.9 or mass < 0.5:
        raise Hint(
            f"after training on the checker's sequences ({POINTER_BUDGET}), your model points "
            f"at the largest value in {hits:.0%} of new ones, with a mean probability of "
            f"{mass:.2f} on it; expected ≥ 90 % and ≥ 0.5. Score every LSTM state "
            "(return_sequences=True) and train with a learning rate around 0.01"
        )
    return "it points at the largest value of new sequences and never at padding"
