"""Data for the lessons: synthetic series and tasks, windows and splits, and loaders for the data
that installed packages ship. Everything here is NumPy only (no TensorFlow import).
"""

from __future__ import annotations

import numbers

import numpy as np


def _as_generator(rng: np.random.Generator | int | None, name: str = "rng") -> np.random.Generator:
    """Accept a NumPy ``Generator`` or an int seed; anything else is a ``TypeError``."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{name} must be a numpy Generator (np.random.default_rng(seed)) or an int seed, "
        f"got {type(rng).__name__}"
    )


def _positive_int(value: object, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def adding_problem(
    n: int, length: int, rng: np.random.Generator | int
) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem of Hochreiter & Schmidhuber (1997), in its common two-half form.

    Each sequence has ``length`` steps with two features: a value drawn uniformly from [0, 1)
    and a marker that is 1 at exactly two steps, one in the first half and one in the second
    half, and 0 elsewhere. The target is the sum of the two marked values, so a model must carry
    the first marked value across up to ``length`` steps. Always guessing the mean, 1.0, gives
    an MSE of 1/6 ≈ 0.167 (the variance of a sum of two uniforms).

    Introduced in ``notebooks/02_vanishing_gradients.ipynb``.

    Args:
        n: number of sequences (>= 1).
        length: steps per sequence (>= 2).
        rng: a NumPy ``Generator`` (or an int seed) — all randomness comes from it.

    Returns:
        ``x`` of shape (n, length, 2) and ``y`` of shape (n,), both float32.

    Example:
        >>> x, y = adding_problem(3, 10, np.random.default_rng(0))
        >>> x.shape, y.shape
        ((3, 10, 2), (3,))
        >>> x[..., 1].sum(axis=1)
        array([2., 2., 2.], dtype=float32)
        >>> bool(np.allclose(y, (x[..., 0] * x[..., 1]).sum(axis=1)))
        True
    """
    n = _positive_int(n, "n")
    length = _positive_int(length, "length", minimum=2)
    rng = _as_generator(rng)
    half = length // 2
    values = rng.uniform(0.0, 1.0, size=(n, length))
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    markers = np.zeros((n, length))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values[rows, first] + values[rows, second]).astype(np.float32)
    return x, y
