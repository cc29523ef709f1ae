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

    Args:
        histories: a ``History`` / dict, or a mapping ``{label: History}`` to compare runs.
        metric: the metric to draw; ``val_<metric>`` is drawn too when present.

    Example::

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

    Example::

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

    Args:
        norms: ``{label: curve}``; each curve is a 1-D array indexed by time step ``t`` (the
            order of the model's input), so lag ``length - 1 - t`` is drawn on the x axis.
        ax: the axes to draw on (a new figure if ``None``).
        title: the axes title.
        linestyle: line style of every curve, e.g. ``"--"`` to overlay a second set.

    Raises:
        TypeError: ``norms`` is not a mapping of label to curve.
        ValueError: ``norms`` is empty, or a curve is not 1-D, has non-positive or
            non-finite values.

    Example::

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
