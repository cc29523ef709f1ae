"""Plots shared by several lessons. Each returns the matplotlib ``Axes`` it drew on.

Lesson-specific one-off figures stay in their notebook (marked ``# extra code:``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes


def _history_dict(history: Any) -> dict[str, list[float]]:
    """Accept a Keras ``History`` or a plain ``{"loss": [...], ...}`` mapping."""
    data = getattr(history, "history", history)
    if not isinstance(data, Mapping) or not data:
        raise TypeError(
            "expected a keras History (what model.fit returns) or a dict of metric lists, "
            f"got {type(history).__name__}"
        )
    return {str(k): [float(v) for v in values] for k, values in data.items()}


def plot_learning_curves(
    histories: Any,
    metric: str = "loss",
    *,
    log_y: bool = True,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Training (solid) and validation (dashed) curves of one metric for one or several runs.

    Parameters
    ----------
    histories
        a ``History`` / dict, or a mapping ``{label: History}`` to compare runs.
    metric
        the metric to draw; ``val_<metric>`` is drawn too when present.

    Examples
    --------
    >>> ax = plot_learning_curves({"loss": [1.0, 0.5, 0.2], "val_loss": [1.1, 0.7, 0.4]})
    >>> [line.get_label() for line in ax.get_lines()]
    ['train', 'validation']
    """
    if (
        isinstance(histories, Mapping)
        and histories
        and not all(isinstance(v, Sequence | np.ndarray) for v in histories.values())
    ):
        runs = {str(label): _history_dict(h) for label, h in histories.items()}
    else:
        runs = {"": _history_dict(histories)}
    if ax is None:
        _, ax = plt.subplots()
    for index, (label, data) in enumerate(runs.items()):
        if metric not in data:
            raise ValueError(f"metric {metric!r} not in history (has {sorted(data)})")
        color = f"C{index}"
        epochs = np.arange(1, len(data[metric]) + 1)
        prefix = f"{label} " if label else ""
        ax.plot(epochs, data[metric], color=color, label=f"{prefix}train".strip())
        if f"val_{metric}" in data:
            ax.plot(
                epochs,
                data[f"val_{metric}"],
                color=color,
                linestyle="--",
                label=f"{prefix}validation".strip(),
            )
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.set_title(title or f"Learning curves ({metric})")
    ax.legend()
    return ax


def plot_forecast(
    truth: Any,
    predictions: Mapping[str, Any],
    *,
    x: Any | None = None,
    ax: Axes | None = None,
    title: str = "Forecast vs truth",
    ylabel: str = "value",
) -> Axes:
    """The true series (black) and one line per model's forecast on the same points.

    Examples
    --------
    >>> ax = plot_forecast([1.0, 2.0, 3.0], {"persistence": [1.0, 1.0, 2.0]})
    >>> [line.get_label() for line in ax.get_lines()]
    ['truth', 'persistence']
    """
    truth = np.asarray(truth, dtype=float).reshape(-1)
    x = np.arange(truth.size) if x is None else np.asarray(x).reshape(-1)
    if x.size != truth.size:
        raise ValueError(f"x has {x.size} points but truth has {truth.size}")
    if ax is None:
        _, ax = plt.subplots()
    ax.plot(x, truth, color="black", linewidth=1.5, label="truth")
    for index, (label, values) in enumerate(predictions.items()):
        values = np.asarray(values, dtype=float).reshape(-1)
        if values.size != truth.size:
            raise ValueError(
                f"prediction {label!r} has {values.size} points but truth has {truth.size}"
            )
        ax.plot(x, values, color=f"C{index}", linewidth=1.2, label=label)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def plot_gradient_norms(
    norms: Mapping[str, Any],
    *,
    ax: Axes | None = None,
    title: str = "Gradient norm against lag",
    linestyle: str = "-",
) -> Axes:
    """‖∂loss/∂x_t‖ against the lag (steps back from the last input), on a log scale.

    Introduced in ``notebooks/02_vanishing_gradients.ipynb``.

    Parameters
    ----------
    norms
        ``{label: curve}``; each curve is a 1-D array indexed by time step ``t`` (the
        order of the model's input), so lag ``length - 1 - t`` is drawn on the x axis.
    ax
        the axes to draw on (a new figure if ``None``).
    title
        the axes title.
    linestyle
        line style of every curve, e.g. ``"--"`` to overlay a second set.

    Raises
    ------
    TypeError
        ``norms`` is not a mapping of label to curve.
    ValueError
        ``norms`` is empty, or a curve is not 1-D, has non-positive or
        non-finite values.

    Examples
    --------
    >>> ax = plot_gradient_norms({"RNN": [1e-6, 1e-3, 1.0]})
    >>> ax.get_lines()[0].get_xdata().tolist()
    [2, 1, 0]
    >>> ax.get_yscale()
    'log'
    """
    if not isinstance(norms, Mapping):
        raise TypeError(f"norms must be a dict {{label: curve}}, got {type(norms).__name__}")
    if not norms:
        raise ValueError("norms is empty: pass at least one {label: curve}")
    if ax is None:
        _, ax = plt.subplots()
    for index, (label, curve) in enumerate(norms.items()):
        values = np.asarray(curve, dtype=float)
        if values.ndim != 1 or values.size == 0:
            raise ValueError(
                f"norms[{label!r}] must be a non-empty 1-D curve, got shape {values.shape}"
            )
        if not np.all(np.isfinite(values)) or np.any(values <= 0):
            raise ValueError(f"norms[{label!r}] must be finite and positive to draw on a log scale")
        lags = np.arange(values.size)[::-1]
        ax.plot(lags, values, color=f"C{index}", linestyle=linestyle, label=str(label))
    ax.set_yscale("log")
    ax.set_xlabel("lag (steps back from the last input)")
    ax.set_ylabel("‖∂loss/∂x_t‖")
    ax.set_title(title)
    ax.legend()
    return ax


# --- lesson 07: attention weights as a heat map -----------------------------------------------


def plot_attention(
    weights: Any,
    lengths: Any,
    relevant: Any | None = None,
    *,
    tokens: Any | None = None,
    ax: Axes | None = None,
    title: str = "Attention weights",
) -> Axes:
    """Attention weights of several sequences as a heat map, one row per sequence.

    Padded steps (at or after each sequence's length) are drawn grey whatever their weight, and
    the step that truly decides each target, if given, is outlined in red.

    Introduced in ``notebooks/07_attention.ipynb``.

    Parameters
    ----------
    weights
        array (n, steps) of weights, each row over the time steps.
    lengths
        n true lengths, each in 1..steps (steps from ``length`` on are padding).
    relevant
        n step indices (each < its length) to outline, or ``None``.
    tokens
        optional (n, steps) token ids written into the cells (for short sequences).

    Raises
    ------
    ValueError
        ``weights`` is not 2-D or empty, holds negative or non-finite values, or
        ``lengths`` / ``relevant`` / ``tokens`` do not match its shape or range.

    Examples
    --------
    >>> ax = plot_attention([[0.1, 0.9, 0.0], [0.5, 0.5, 0.0]], [2, 3], relevant=[1, 0])
    >>> len(ax.patches)  # one red outline per sequence
    2
    """
    values = np.asarray(weights, dtype=float)
    if values.ndim != 2 or values.size == 0:
        raise ValueError(f"weights must be a non-empty 2-D array (n, steps), got {values.shape}")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("weights must be finite and non-negative")
    n, steps = values.shape
    lens = np.asarray(lengths)
    if lens.shape != (n,):
        raise ValueError(f"lengths must have one entry per row of weights ({n}), got {lens.shape}")
    if not np.issubdtype(lens.dtype, np.integer):
        raise ValueError("lengths must be integers")
    if np.any(lens < 1) or np.any(lens > steps):
        raise ValueError(f"every length must be in 1..{steps}, got {lens.min()}..{lens.max()}")
    padded = np.arange(steps)[None, :] >= lens[:, None]
    if ax is None:
        _, ax = plt.subplots(figsize=(min(12.0, 2.0 + 0.25 * steps), 0.9 + 0.35 * n))
    cmap = plt.get_cmap("viridis").with_extremes(bad="0.85")
    image = ax.imshow(
        np.ma.masked_array(values, padded), cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto"
    )
    ax.figure.colorbar(image, ax=ax, label="weight", fraction=0.03, pad=0.01)
    if tokens is not None:
        ids = np.asarray(tokens)
        if ids.shape != values.shape:
            raise ValueError(
                f"tokens must have the shape of weights {values.shape}, got {ids.shape}"
            )
        for row, col in zip(*np.nonzero(~padded), strict=True):
            shade = "black" if values[row, col] > 0.6 else "white"
            ax.text(col, row, str(ids[row, col]), ha="center", va="center", fontsize=7, color=shade)
    if relevant is not None:
        where = np.asarray(relevant)
        if where.shape != (n,) or not np.issubdtype(where.dtype, np.integer):
            raise ValueError(f"relevant must be {n} integer step indices, got shape {where.shape}")
        if np.any(where < 0) or np.any(where >= lens):
            raise ValueError("every relevant step must be inside its sequence (0 <= step < length)")
        for row, col in enumerate(where):
            ax.add_patch(
                plt.Rectangle(
                    (col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=1.8
                )
            )
    ax.grid(False)
    ax.set_xlabel("time step (grey: padding)")
    ax.set_ylabel("sequence")
    ax.set_yticks(np.arange(n))
    ax.set_title(
        title + (" · red box: the step that decides the target" if relevant is not None else "")
    )
    return ax
