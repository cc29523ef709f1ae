"""Synthetic series and tasks, each made for a lesson: every value drawn from the ``rng`` given.

- lesson 02: :func:`adding_problem`, a long-memory task;
- lesson 03: :func:`synthetic_series` (sine, cosine, a ramp, a sum of two waves);
- lesson 04: :func:`gap_filling_task`, where the values after a gap tell most about it;
- lesson 07: :func:`relevant_step_task`, variable-length sequences whose deciding step is known.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_utils import validate


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

    Parameters
    ----------
    n
        number of sequences (>= 1).
    length
        steps per sequence (>= 2).
    rng
        a NumPy ``Generator`` (or an int seed) — all randomness comes from it.

    Returns
    -------
        ``x`` of shape (n, length, 2) and ``y`` of shape (n,), both float32.

    Examples
    --------
    >>> x, y = adding_problem(3, 10, np.random.default_rng(0))
    >>> x.shape, y.shape
    ((3, 10, 2), (3,))
    >>> x[..., 1].sum(axis=1)
    array([2., 2., 2.], dtype=float32)
    >>> bool(np.allclose(y, (x[..., 0] * x[..., 1]).sum(axis=1)))
    True
    """
    n = validate.positive_int(n, "n")
    length = validate.positive_int(length, "length", minimum=2)
    rng = validate.as_generator(rng)
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


SERIES_KINDS = ("sine", "cosine", "increasing", "sine_sum")


def synthetic_series(
    kind: str,
    n: int = 1000,
    stop: float = 100.0,
    noise_std: float = 0.0,
    seed: np.random.Generator | int = 0,
) -> np.ndarray:
    """A synthetic series on ``n`` evenly spaced points of ``t`` from 0 to ``stop``.

    The classic recipe's data is ``synthetic_series("sine")``: ``sin(t)`` on 1000 points of
    [0, 100] (one period is about 63 points). Kinds:

    - ``"sine"``: sin(t); ``"cosine"``: cos(t);
    - ``"increasing"``: t itself, a straight ramp from 0 to ``stop``;
    - ``"sine_sum"``: sin(t) + 0.5 sin(3.1 t + 1), a wave that does not repeat exactly.

    ``noise_std`` > 0 adds Gaussian noise of that standard deviation (σ), drawn from ``seed``
    (an int or a NumPy ``Generator``); its variance σ² is the lowest MSE any forecaster of the
    noisy values can reach.

    Introduced in ``notebooks/03_sine_forecasting.ipynb``.

    Returns
    -------
        float64 array of shape (n,).

    Examples
    --------
    >>> series = synthetic_series("sine", n=5, stop=4.0)
    >>> series.round(3)
    array([ 0.   ,  0.841,  0.909,  0.141, -0.757])
    >>> synthetic_series("increasing", n=4, stop=3.0)
    array([0., 1., 2., 3.])
    >>> noisy = synthetic_series("sine", noise_std=0.1, seed=1)
    >>> round(float(np.std(noisy - synthetic_series("sine"))), 2)
    0.1
    """
    if not isinstance(kind, str) or kind not in SERIES_KINDS:
        raise ValueError(f"kind must be one of {SERIES_KINDS}, got {kind!r}")
    n = validate.positive_int(n, "n", minimum=2)
    stop = validate.finite_float(stop, "stop")
    if stop <= 0:
        raise ValueError(f"stop must be > 0, got {stop}")
    noise_std = validate.finite_float(noise_std, "noise_std")
    if noise_std < 0:
        raise ValueError(f"noise_std must be >= 0, got {noise_std}")
    rng = validate.as_generator(seed, "seed")
    t = np.linspace(0.0, stop, n)
    if kind == "sine":
        values = np.sin(t)
    elif kind == "cosine":
        values = np.cos(t)
    elif kind == "increasing":
        values = t.copy()
    else:
        values = np.sin(t) + 0.5 * np.sin(3.1 * t + 1.0)
    if noise_std > 0:
        values = values + rng.normal(0.0, noise_std, size=n)
    return values


# --- lesson 04: a gap to fill, where the answer needs the values after the gap ----------------


class GapFillingTask(NamedTuple):
    """Sequences with a run of hidden values, the complete sequences, and where the gap is.

    What :func:`gap_filling_task` returns (introduced in lesson 04).

    >>> task = gap_filling_task(4, 0, length=12, gap=3)
    >>> task.inputs.shape, task.targets.shape, task.mask.sum(axis=1).tolist()
    ((4, 12, 2), (4, 12, 1), [3.0, 3.0, 3.0, 3.0])
    """

    inputs: np.ndarray  #: (n, length, 2) float32: the noisy value (0 inside the gap), gap flag
    targets: np.ndarray  #: (n, length, 1) float32: the clean sequence, gap included
    mask: np.ndarray  #: (n, length) float32: 1 inside the gap, 0 elsewhere


def gap_filling_task(
    n: int,
    rng: np.random.Generator | int,
    *,
    length: int = 24,
    gap: int = 5,
    noise_std: float = 0.05,
) -> GapFillingTask:
    """Random sine waves with ``gap`` consecutive values hidden: fill them in.

    Each sequence is ``a sin(ω t + φ)`` for t = 0..length-1 with amplitude a in [0.5, 1],
    angular frequency ω in [0.15, 0.45] per step and phase φ in [0, 2π), plus Gaussian noise of
    ``noise_std``. A gap of ``gap`` steps starts at a random step with at least ``gap`` visible
    steps before it and after it. The inputs carry two features per step: the noisy value (set
    to 0 inside the gap) and a flag that is 1 inside the gap. The targets are the clean values,
    so the error inside the gap (``mask``) is what a gap-filler is judged on. The values after
    the gap tell much more about the hidden ones than the values before it alone.

    Introduced in ``notebooks/04_stacked_dropout_bidirectional.ipynb``.

    Examples
    --------
    >>> task = gap_filling_task(3, rng=0, length=20, gap=4)
    >>> task.inputs.shape, task.targets.shape, task.mask.sum(axis=1).tolist()
    ((3, 20, 2), (3, 20, 1), [4.0, 4.0, 4.0])
    """
    n = validate.positive_int(n, "n")
    rng = validate.as_generator(rng)
    gap = validate.positive_int(gap, "gap")
    length = validate.positive_int(length, "length", minimum=3 * gap)
    noise_std = validate.finite_float(noise_std, "noise_std", low=0.0)
    t = np.arange(length)
    amplitude = rng.uniform(0.5, 1.0, size=(n, 1))
    omega = rng.uniform(0.15, 0.45, size=(n, 1))
    phase = rng.uniform(0.0, 2 * np.pi, size=(n, 1))
    clean = amplitude * np.sin(omega * t + phase)
    noisy = clean + rng.normal(0.0, noise_std, size=clean.shape)
    start = rng.integers(gap, length - 2 * gap + 1, size=(n, 1))
    mask = ((t >= start) & (t < start + gap)).astype(np.float32)
    inputs = np.stack([noisy * (1 - mask), mask], axis=-1).astype(np.float32)
    return GapFillingTask(inputs, clean[..., None].astype(np.float32), mask)


# --- lesson 07: variable-length sequences whose relevant step is known ------------------------

#: Token ids of :func:`relevant_step_task`: 0 pads, 1 is the marker, values are ids 2, 3, ...
PAD_ID = 0
MARKER_ID = 1
RELEVANT_STEP_TASKS = ("after_marker", "largest")


class RelevantStepTask(NamedTuple):
    """Padded sequences, their targets, true lengths and the step that decides each target.

    What :func:`relevant_step_task` returns; unpack it or use the field names.

    >>> x, y, lengths, positions = relevant_step_task(3, 8, 0)
    >>> relevant_step_task(3, 8, 0).lengths.tolist() == lengths.tolist()
    True
    """

    x: np.ndarray  #: (n, max_len) int32 token ids, padded with 0 at the end
    y: np.ndarray  #: (n,) int32 target: a value class in 0..n_values-1
    lengths: np.ndarray  #: (n,) int32 number of real (unpadded) steps
    positions: np.ndarray  #: (n,) int32 index of the step that decides the target


def relevant_step_task(
    n: int,
    max_len: int,
    rng: np.random.Generator | int,
    *,
    min_len: int | None = None,
    n_values: int = 8,
    task: str = "after_marker",
) -> RelevantStepTask:
    """Variable-length token sequences in which exactly one step decides the target.

    Lengths are drawn uniformly from ``min_len..max_len`` (default: from half of ``max_len``);
    each sequence is padded with :data:`PAD_ID` (0) at the end up to ``max_len``. Values are the
    token ids ``2 .. n_values + 1``; the target is the value's class ``token - 2``.

    - ``"after_marker"``: one step holds the marker (id 1); the target is the value right after
      it, so the relevant step is ``marker + 1``.
    - ``"largest"``: no marker; one step holds a value larger than every other, and the target
      is that value (relevant step: where it is).

    Introduced in ``notebooks/07_attention.ipynb``.

    Returns
    -------
        :class:`RelevantStepTask` ``(x, y, lengths, positions)``.

    Raises
    ------
    ValueError
        ``n`` < 1 (an empty batch), a length below the task's minimum (2 steps),
        ``min_len > max_len``, ``n_values`` < 2 or an unknown ``task``.

    Examples
    --------
    >>> task = relevant_step_task(2, 6, np.random.default_rng(0), min_len=4)
    >>> task.x.shape, task.lengths.tolist()
    ((2, 6), [6, 5])
    >>> bool(np.all(task.x[np.arange(2), task.positions - 1] == MARKER_ID))
    True
    >>> bool(np.all(task.x[np.arange(2), task.positions] - 2 == task.y))
    True
    """
    if task not in RELEVANT_STEP_TASKS:
        raise ValueError(f"task must be one of {RELEVANT_STEP_TASKS}, got {task!r}")
    try:
        n = validate.positive_int(n, "n")
    except ValueError:
        raise ValueError(f"n must be >= 1 (an empty batch has no sequences), got {n}") from None
    max_len = validate.positive_int(max_len, "max_len", minimum=2)
    min_len = (
        max(2, max_len // 2) if min_len is None else validate.positive_int(min_len, "min_len", 2)
    )
    if min_len > max_len:
        raise ValueError(f"min_len ({min_len}) must be <= max_len ({max_len})")
    n_values = validate.positive_int(n_values, "n_values", minimum=2)
    rng = validate.as_generator(rng)
    lengths = rng.integers(min_len, max_len + 1, size=n)
    rows = np.arange(n)
    steps = np.arange(max_len)[None, :]
    if task == "after_marker":
        tokens = rng.integers(2, n_values + 2, size=(n, max_len))
        markers = (rng.random(n) * (lengths - 1)).astype(np.int64)  # 0 .. length-2
        tokens[rows, markers] = MARKER_ID
        positions = markers + 1
    else:
        targets = rng.integers(n_values // 2, n_values, size=n)  # the largest value's class
        # every other step: a value class drawn below the target, so the largest is unique
        tokens = (rng.random((n, max_len)) * targets[:, None]).astype(np.int64) + 2
        positions = (rng.random(n) * lengths).astype(np.int64)
        tokens[rows, positions] = targets + 2
    tokens[steps >= lengths[:, None]] = PAD_ID
    y = tokens[rows, positions] - 2
    return RelevantStepTask(
        tokens.astype(np.int32),
        y.astype(np.int32),
        lengths.astype(np.int32),
        positions.astype(np.int32),
    )
