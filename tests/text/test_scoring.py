"""course_utils.text.scoring: bits per character of a model, and mixtures of two models."""

import math

import numpy as np
import pytest
from helpers import ConstantModel

from course_utils import text
from course_utils.text import (
    bits_per_char,
    next_char_windows,
)


@pytest.mark.parametrize("logits", [False, True])
def test_bits_per_char_of_a_known_distribution(logits):
    probs = np.array([0.0001, 0.5, 0.25, 0.2499])
    probs = probs / probs.sum()
    ids = np.array([1, 1, 2, 1, 2, 1, 1, 2, 1], dtype=np.int32)
    got = bits_per_char(ConstantModel(probs, logits), ids, length=4)
    targets = next_char_windows(ids, 4)[1].ravel()
    expected = -np.mean(np.log2(probs[targets]))
    assert got == pytest.approx(expected, rel=1e-9)


def test_bits_per_char_rejects_wrong_output_shapes():
    class LastOnly:
        def predict_on_batch(self, x):
            return np.full((len(x), 3), 1 / 3)

    with pytest.raises(ValueError, match="return_sequences=True"):
        bits_per_char(LastOnly(), np.arange(10) % 3, 4)
    with pytest.raises(ValueError, match="predicts only 2 classes"):
        bits_per_char(ConstantModel(np.array([0.5, 0.5])), np.arange(10) % 3, 4)
    with pytest.raises(ValueError, match="batch_size"):
        bits_per_char(ConstantModel(np.array([0.5, 0.5])), np.arange(10) % 2, 4, batch_size=0)


def test_bits_per_char_on_a_tiny_keras_model(tiny_keras_model):
    model, vocab = tiny_keras_model
    ids = vocab.encode("abcd abcd abcd abcd abcd ")
    bits = bits_per_char(model, ids, length=6)
    # an untrained model is close to uniform over the 6 ids
    assert abs(bits - math.log2(len(vocab))) < 0.3
    x, y = next_char_windows(ids, 6)
    logits = np.asarray(model.predict_on_batch(x), dtype=np.float64)
    log_p = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    expected = -np.mean(np.take_along_axis(log_p, y[..., None], axis=-1)) / math.log(2)
    assert bits == pytest.approx(expected, rel=1e-5)


def test_bits_per_char_rejects_ids_outside_the_vocabulary(tiny_keras_model):
    model, _ = tiny_keras_model
    with pytest.raises(ValueError, match=r"Embedding reads only ids 0\.\.5"):
        bits_per_char(model, np.array([1, 2, 9, 1, 2, 3, 1], dtype=np.int32), 3)
    with pytest.raises(ValueError, match="ids must be >= 0"):
        bits_per_char(model, np.array([1, 2, -1, 1, 2, 3, 1], dtype=np.int32), 3)


# --- mixture of two models --------------------------------------------------------------------


def test_mixture_bits_is_the_bits_of_the_mixed_probability():
    a, b = np.array([1.0, 3.0, 0.0]), np.array([3.0, 1.0, 10.0])
    for lam in (0.0, 0.3, 0.5, 1.0):
        expected = -np.log2(lam * 2.0**-a + (1 - lam) * 2.0**-b)
        np.testing.assert_allclose(text.mixture_bits(a, b, lam), expected, rtol=1e-12)
    np.testing.assert_array_equal(text.mixture_bits(a, b, 1.0), a)
    np.testing.assert_array_equal(text.mixture_bits(a, b, 0.0), b)


def test_mixture_bits_never_exceeds_the_worse_model_and_survives_huge_bits():
    rng = np.random.default_rng(0)
    a, b = rng.exponential(3.0, 1000), rng.exponential(3.0, 1000)
    mixed = text.mixture_bits(a, b, 0.4)
    assert np.all(mixed <= np.maximum(a, b) + 1e-12)
    # a mixture pays at most -log2(lam) more than its better part, character by character
    assert np.all(mixed <= np.minimum(a - np.log2(0.4), b - np.log2(0.6)) + 1e-12)
    far = text.mixture_bits([2000.0], [3000.0], 0.5)  # 2**-2000 underflows; log space does not
    assert far[0] == pytest.approx(2001.0)


def test_mixture_bits_keeps_the_shape():
    assert text.mixture_bits(np.ones((2, 3)), np.ones((2, 3)), 0.5).shape == (2, 3)


@pytest.mark.parametrize(
    ("a", "b", "lam", "message"),
    [
        ([1.0, 2.0], [1.0], 0.5, "shape"),
        ([], [], 0.5, "empty"),
        ([1.0, np.nan], [1.0, 2.0], 0.5, "NaN"),
        ([1.0, 2.0], [1.0, np.inf], 0.5, "NaN or infinite"),
        ([1.0, -0.5], [1.0, 2.0], 0.5, ">= 0"),
        ([1.0], [1.0], 1.5, "lam must be <= 1.0"),
        ([1.0], [1.0], -0.1, "lam must be >= 0.0"),
        ([1.0], [1.0], np.nan, "lam must be finite"),
    ],
)
def test_mixture_bits_refuses_bad_input(a, b, lam, message):
    with pytest.raises(ValueError, match=message):
        text.mixture_bits(a, b, lam)


def test_mixture_bits_refuses_a_weight_that_is_not_a_number():
    with pytest.raises(TypeError, match="lam must be a number"):
        text.mixture_bits([1.0], [1.0], "0.5")
