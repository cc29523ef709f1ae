"""Scoring a character model: bits per character, per-character bits, and mixing two models.

Introduced in ``notebooks/06_text_generation.ipynb``.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils import validate
from course_utils.text.corpus import next_char_windows


def mixture_bits(bits_a: Any, bits_b: Any, lam: float) -> np.ndarray:
    """The bits a linear mixture of two models pays for each character, from their own bits.

    Two models gave the true characters probabilities ``p_a = 2**-bits_a`` and
    ``p_b = 2**-bits_b``; the mixture ``p = lam * p_a + (1 - lam) * p_b`` of their full
    distributions gives each true character exactly that probability, so the per-character bits
    of both models are all it needs. Computed in log space (``numpy.logaddexp2``), so bits of
    several hundred do not underflow to probability 0.

    Mixing an LSTM with an n-gram model this way (the weight chosen on validation text) is how
    Mikolov et al. (2011) showed a recurrent language model adds what n-grams miss.

    Introduced in ``notebooks/06_text_generation.ipynb``.

    Parameters
    ----------
    bits_a, bits_b : array_like of float
        ``-log2 p`` of each true character under model a and model b: the same characters, in
        the same order (same shape), finite and ``>= 0``.
    lam : float
        The weight of model a, in ``[0, 1]`` (0 gives ``bits_b``, 1 gives ``bits_a``).

    Returns
    -------
    numpy.ndarray
        ``-log2(lam * 2**-bits_a + (1 - lam) * 2**-bits_b)``, one number per character
        (float64, the shape of the inputs). Its mean is the mixture's bits per character.

    Raises
    ------
    ValueError
        ``bits_a`` and ``bits_b`` differ in shape, are empty, hold NaN, infinite or negative
        values, or ``lam`` is outside ``[0, 1]`` or not finite.
    TypeError
        ``lam`` is not a number.

    Examples
    --------
    One model is sure (probability 1/2, 1 bit), the other is not (1/8, 3 bits); half-and-half
    gives probability 5/16:

    >>> mixture_bits([1.0, 3.0], [3.0, 1.0], 0.5).round(3)
    array([1.678, 1.678])
    >>> mixture_bits([1.0, 3.0], [3.0, 1.0], 1.0)
    array([1., 3.])
    """
    arrays = []
    for name, bits in (("bits_a", bits_a), ("bits_b", bits_b)):
        array = np.asarray(bits, dtype=np.float64)
        if array.size == 0:
            raise ValueError(f"{name} is empty")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} holds NaN or infinite values")
        if array.min() < 0:
            raise ValueError(f"{name} must be >= 0 (bits of a probability), got {array.min()}")
        arrays.append(array)
    a, b = arrays
    if a.shape != b.shape:
        raise ValueError(
            f"bits_a has shape {a.shape} and bits_b {b.shape}: they must score the same characters"
        )
    lam = validate.finite_float(lam, "lam", low=0.0, high=1.0)
    with np.errstate(divide="ignore"):  # log2(0) = -inf is right for lam = 0 or 1
        log_a, log_b = np.log2(lam), np.log2(1.0 - lam)
    return -np.logaddexp2(log_a - a, log_b - b)


def log2_probs(outputs: np.ndarray, from_logits: bool | None) -> np.ndarray:
    """log2 of the predicted distributions, from logits or probabilities (detected if None).

    >>> log2_probs(np.array([[0.5, 0.25, 0.25]]), None)
    array([[-1., -2., -2.]])
    >>> log2_probs(np.array([[0.0, 0.0]]), True)  # equal logits: probability 1/2 each
    array([[-1., -1.]])
    """
    outputs = outputs.astype(np.float64)
    if from_logits is None:
        sums = outputs.sum(axis=-1)
        from_logits = not (outputs.min() >= 0 and np.allclose(sums, 1.0, atol=1e-3))
    if from_logits:
        shifted = outputs - outputs.max(axis=-1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    else:
        log_probs = np.log(np.clip(outputs, 1e-12, None))
    return log_probs / math.log(2.0)


def char_bits(
    model: Any,
    ids: Any,
    length: int,
    *,
    batch_size: int = 64,
    from_logits: bool | None = None,
) -> np.ndarray:
    """The bits a next-character Keras model pays for each character of ``ids`` after the first.

    Item ``t`` of the result is ``-log2 p(ids[t + 1])`` given the characters before it in its
    window; :func:`bits_per_char` is the mean.

    The ids are cut into non-overlapping windows with :func:`next_char_windows`; every target
    character counts once. The first characters of each window are predicted from a short
    context, so a longer ``length`` measures the model more fairly. The model's outputs may be
    logits or probabilities (detected when ``from_logits`` is ``None``).

    Two windows of three characters, six predictions of 2 bits each:

    >>> class Uniform:  # a stand-in for a model: every next character has probability 1/4
    ...     def predict_on_batch(self, x):
    ...         return np.full((*np.shape(x), 4), 0.25)
    >>> char_bits(Uniform(), np.array([1, 2, 3, 1, 2, 3, 1]), length=3)
    array([2., 2., 2., 2., 2., 2.])
    """
    x, y = next_char_windows(ids, length)
    batch_size = validate.positive_int(batch_size, "batch_size")
    if x.min() < 0:
        raise ValueError(f"ids must be >= 0, got {x.min()}")
    input_dim = next(
        (
            getattr(layer, "input_dim", None)
            for layer in getattr(model, "layers", [])
            if type(layer).__name__ == "Embedding"
        ),
        None,
    )
    if input_dim is not None and max(x.max(), y.max()) >= input_dim:
        raise ValueError(
            f"ids go up to {max(x.max(), y.max())} but the model's Embedding reads only ids "
            f"0..{input_dim - 1}: encode the text with the vocabulary the model was trained with"
        )
    predict = predictor(model)  # batch by batch: no tf.data pipeline, one traced graph
    outputs = np.concatenate(
        [np.asarray(predict(x[i : i + batch_size])) for i in range(0, len(x), batch_size)]
    )
    if outputs.shape[:2] != y.shape:
        raise ValueError(
            f"model outputs have shape {outputs.shape}: expected (windows, length, vocabulary) "
            "= one distribution per input character (LSTM(..., return_sequences=True))"
        )
    if y.max() >= outputs.shape[-1]:
        raise ValueError(
            f"ids go up to {y.max()} but the model predicts only {outputs.shape[-1]} classes"
        )
    log2p = log2_probs(outputs, from_logits)
    picked = np.take_along_axis(log2p, y[..., None].astype(np.int64), axis=-1)
    return -picked.reshape(-1)


def bits_per_char(
    model: Any,
    ids: Any,
    length: int,
    *,
    batch_size: int = 64,
    from_logits: bool | None = None,
) -> float:
    """Average bits per character a next-character Keras model needs to encode ``ids``.

    The ids are cut into non-overlapping windows with :func:`next_char_windows`; every target
    character counts once (:func:`char_bits` gives them one by one). The first characters of each
    window are predicted from a short context, so a longer ``length`` measures the model more
    fairly. The model's outputs may be logits or probabilities (detected when ``from_logits`` is
    ``None``).

    Introduced in ``notebooks/06_text_generation.ipynb``.

    A model that gives each of 4 characters probability 1/4 pays 2 bits per character:

    >>> class Uniform:  # a stand-in for a model: every next character has probability 1/4
    ...     def predict_on_batch(self, x):
    ...         return np.full((*np.shape(x), 4), 0.25)
    >>> bits_per_char(Uniform(), np.array([1, 2, 3, 1, 2, 3, 1]), length=3)
    2.0
    """
    bits = char_bits(model, ids, length, batch_size=batch_size, from_logits=from_logits)
    return float(bits.mean())


_PREDICTORS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def predictor(model: Any) -> Any:
    """A function ids → model outputs that traces once per model for any batch and length.

    ``model.predict_on_batch`` traces a new graph for each new input shape (a sampler's growing
    window, a last smaller batch); TensorFlow then warns about retracing. For a Keras model we
    wrap its call in one ``tf.function`` with a ``(None, None)`` signature instead. Other
    objects only need a ``predict_on_batch`` method.

    >>> class Echo:
    ...     def predict_on_batch(self, ids):
    ...         return ids + 1
    >>> predictor(Echo())(np.array([[1, 2]]))
    array([[2, 3]])
    """
    import keras

    if not isinstance(model, keras.Model) or keras.backend.backend() != "tensorflow":
        return model.predict_on_batch
    if model not in _PREDICTORS:
        import tensorflow as tf

        spec = tf.TensorSpec(shape=(None, None), dtype=tf.int32)
        # a strong reference here would keep the entry alive forever
        ref: Callable[[], Any] = weakref.ref(model)
        call = tf.function(lambda ids: ref()(ids, training=False), input_signature=[spec])
        _PREDICTORS[model] = lambda ids: call(np.asarray(ids, dtype=np.int32)).numpy()
    return _PREDICTORS[model]
