"""An LSTM and a GRU in plain NumPy that reproduce ``keras.layers.LSTM`` and ``keras.layers.GRU``.

The weights use Keras' own layout, so a trained Keras layer can be loaded with
:func:`weights_from_keras` and run here step by step:

- LSTM: ``kernel`` (input_dim, 4·units), ``recurrent_kernel`` (units, 4·units), ``bias``
  (4·units,); the four column blocks are the gates in the order **i, f, c, o** (input gate,
  forget gate, candidate cell value, output gate).
- GRU (Keras' default ``reset_after=True``): ``kernel`` (input_dim, 3·units),
  ``recurrent_kernel`` (units, 3·units), ``bias`` (2, 3·units) whose first row is added to the
  input projection and second row to the recurrent projection; column blocks **z, r, h**
  (update gate, reset gate, candidate state).

Everything is computed in float64 and vectorised over the batch; only time is a Python loop.
:func:`lstm_backward` is back-propagation through time for :func:`lstm_forward`.

Introduced in ``notebooks/01_lstm_gate_equations.ipynb``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

#: A NumPy activation function: an array in, the same shape out.
Activation = Callable[[np.ndarray], np.ndarray]

__all__ = [
    "gru_forward",
    "gru_step",
    "lstm_backward",
    "lstm_forward",
    "lstm_step",
    "sigmoid",
    "softmax",
    "weights_from_keras",
]

#: The entries of the cache returned by ``lstm_forward(..., return_cache=True)``.
CACHE_KEYS = ("x", "kernel", "recurrent_kernel", "bias", "h0", "c0", "i", "f", "g", "o", "c", "h")


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``, written with tanh so that large |z| cannot
    overflow.

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def softmax(z: np.ndarray) -> np.ndarray:
    """The softmax of ``z`` over its last axis (shifted by the maximum, so it cannot overflow).

    >>> softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    >>> softmax(np.array([1000.0, 1000.0]))
    array([0.5, 0.5])
    """
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _lstm_gates(
    z: np.ndarray, c: np.ndarray, activation: Activation, recurrent_activation: Activation
) -> tuple[np.ndarray, ...]:
    """The LSTM cell's equations from one step's pre-activations ``z``; ``(i, f, g, o, c, h)``."""
    units = z.shape[-1] // 4
    i = recurrent_activation(z[..., :units])
    f = recurrent_activation(z[..., units : 2 * units])
    g = activation(z[..., 2 * units : 3 * units])
    o = recurrent_activation(z[..., 3 * units :])
    c = f * c + i * g
    h = o * activation(c)
    return i, f, g, o, c, h


def _gru_gates(
    a: np.ndarray,
    u: np.ndarray,
    h: np.ndarray,
    activation: Activation,
    recurrent_activation: Activation,
) -> np.ndarray:
    """The GRU cell's equations from one step's input part ``a`` and recurrent part ``u``."""
    units = h.shape[-1]
    z = recurrent_activation(a[..., :units] + u[..., :units])
    r = recurrent_activation(a[..., units : 2 * units] + u[..., units : 2 * units])
    candidate = activation(a[..., 2 * units :] + r * u[..., 2 * units :])
    return z * h + (1.0 - z) * candidate


def lstm_step(
    x: np.ndarray,
    h: np.ndarray,
    c: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    *,
    activation: Activation = np.tanh,
    recurrent_activation: Activation = sigmoid,
) -> tuple[np.ndarray, np.ndarray]:
    """One step of an LSTM cell in Keras' layout: the new ``(h, c)``.

    With the gate blocks in Keras' order i, f, c, o::

        z = x @ kernel + h @ recurrent_kernel + bias
        i = σ(z_i)   f = σ(z_f)   g = tanh(z_c)   o = σ(z_o)
        c_new = f * c + i * g
        h_new = o * tanh(c_new)

    :func:`lstm_forward` runs these equations over a sequence, and
    :class:`course_utils.text.StepModel` one character at a time.

    Introduced in ``notebooks/01_lstm_gate_equations.ipynb``.

    Parameters
    ----------
    x : numpy.ndarray
        The input of this step, ``(input_dim,)`` or ``(batch, input_dim)``.
    h, c : numpy.ndarray
        The hidden and cell state before the step, ``(units,)`` or ``(batch, units)``.
    kernel, recurrent_kernel, bias : numpy.ndarray
        ``(input_dim, 4·units)``, ``(units, 4·units)`` and ``(4·units,)``, as Keras stores them.
    activation, recurrent_activation : callable, optional
        The layer's ``activation`` (tanh) and ``recurrent_activation`` (:func:`sigmoid`).

    Returns
    -------
    tuple of numpy.ndarray
        ``(h_new, c_new)``, shaped like ``h`` and ``c``.

    Notes
    -----
    The step checks none of its arguments (it is the inner loop of the sampler);
    :func:`lstm_forward` checks them once for a whole sequence.

    Examples
    --------
    With zero weights every gate is σ(0) = 0.5 and the candidate is 0, so the cell state halves:

    >>> k, r, b = np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8)
    >>> h, c = lstm_step(np.ones(3), np.zeros(2), np.array([1.0, -2.0]), k, r, b)
    >>> c
    array([ 0.5, -1. ])
    >>> bool(np.allclose(h, 0.5 * np.tanh(c)))
    True
    """
    z = x @ kernel + h @ recurrent_kernel + bias
    *_, c, h = _lstm_gates(z, c, activation, recurrent_activation)
    return h, c


def gru_step(
    x: np.ndarray,
    h: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    *,
    activation: Activation = np.tanh,
    recurrent_activation: Activation = sigmoid,
) -> np.ndarray:
    """One step of a GRU cell in Keras' layout (``reset_after=True``): the new ``h``.

    With the gate blocks in Keras' order z, r, h and ``bias = [b_in, b_rec]``::

        a = x @ kernel + b_in             u = h @ recurrent_kernel + b_rec
        z = σ(a_z + u_z)    r = σ(a_r + u_r)
        ĥ = tanh(a_h + r * u_h)           (the reset gate acts *after* the matrix product)
        h_new = z * h + (1 - z) * ĥ

    :func:`gru_forward` runs these equations over a sequence, and
    :class:`course_utils.text.StepModel` one character at a time.

    Introduced in ``notebooks/01_lstm_gate_equations.ipynb``.

    Parameters
    ----------
    x, h, activation, recurrent_activation
        As for :func:`lstm_step` (a GRU has no cell state ``c``).
    kernel, recurrent_kernel, bias : numpy.ndarray
        ``(input_dim, 3·units)``, ``(units, 3·units)`` and ``(2, 3·units)``, as Keras stores them.

    Returns
    -------
    numpy.ndarray
        ``h_new``, shaped like ``h``.

    Notes
    -----
    The step checks none of its arguments; :func:`gru_forward` checks them once for a sequence.

    Examples
    --------
    With zero weights the update gate is 0.5 and the candidate 0, so the state halves:

    >>> k, r, b = np.zeros((3, 6)), np.zeros((2, 6)), np.zeros((2, 6))
    >>> gru_step(np.ones(3), np.array([1.0, -2.0]), k, r, b)
    array([ 0.5, -1. ])
    """
    a = x @ kernel + bias[0]
    u = h @ recurrent_kernel + bias[1]
    return _gru_gates(a, u, h, activation, recurrent_activation)


def _as_float_array(value: Any, name: str, ndim: int | None = None) -> np.ndarray:
    """``value`` as a finite float64 array (of rank ``ndim``), or a ``ValueError`` naming it."""
    array = np.asarray(value)
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.floating)
        or np.issubdtype(array.dtype, np.integer)
        or array.dtype == np.bool_
    ):
        raise ValueError(f"{name} must be an array of real numbers, got dtype {array.dtype}")
    array = array.astype(np.float64)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must have rank {ndim}, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _check_weights(
    x: np.ndarray, kernel: Any, recurrent_kernel: Any, bias: Any, gates: int, bias_rows: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Validate Keras-layout weights for a cell with ``gates`` column blocks; return units too."""
    kernel = _as_float_array(kernel, "kernel", ndim=2)
    recurrent_kernel = _as_float_array(recurrent_kernel, "recurrent_kernel", ndim=2)
    input_dim = x.shape[-1]
    if kernel.shape[0] != input_dim:
        raise ValueError(
            f"kernel has {kernel.shape[0]} rows but x has {input_dim} features (x.shape[-1]); "
            "kernel must be (input_dim, "
            f"{gates}·units)"
        )
    if kernel.shape[1] % gates:
        raise ValueError(
            f"kernel has {kernel.shape[1]} columns, not a multiple of {gates} "
            f"({gates} gate blocks of `units` columns each)"
        )
    units = kernel.shape[1] // gates
    if recurrent_kernel.shape != (units, gates * units):
        raise ValueError(
            f"recurrent_kernel has shape {recurrent_kernel.shape} but kernel's "
            f"{kernel.shape[1]} columns mean units={units}, so it must be "
            f"({units}, {gates * units})"
        )
    expected_bias = (gates * units,) if bias_rows == 1 else (bias_rows, gates * units)
    bias = _as_float_array(bias, "bias")
    if bias.shape != expected_bias:
        extra = " (Keras' GRU with reset_after=True: input bias and recurrent bias)"
        raise ValueError(
            f"bias has shape {bias.shape} but units={units}, so it must be {expected_bias}"
            + (extra if bias_rows == 2 else "")
        )
    return kernel, recurrent_kernel, bias, units


def _initial_state(value: Any, name: str, batch: int, units: int) -> np.ndarray:
    if value is None:
        return np.zeros((batch, units))
    state = _as_float_array(value, name, ndim=2)
    if state.shape != (batch, units):
        raise ValueError(
            f"{name} has shape {state.shape}, expected (batch, units) = {(batch, units)}"
        )
    return state


def lstm_forward(
    x: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any,
    h0: Any = None,
    c0: Any = None,
    return_cache: bool = False,
) -> tuple[np.ndarray, ...] | tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Run an LSTM over a batch of sequences, exactly like ``keras.layers.LSTM``.

    At every step t, with the gate blocks in Keras' order i, f, c, o::

        z = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias
        i = σ(z_i)   f = σ(z_f)   g = tanh(z_c)   o = σ(z_o)
        c_t = f * c_{t-1} + i * g
        h_t = o * tanh(c_t)

    Introduced in ``notebooks/01_lstm_gate_equations.ipynb``.

    Parameters
    ----------
    x
        inputs of shape (batch, time, input_dim).
    kernel, recurrent_kernel, bias
        (input_dim, 4·units), (units, 4·units) and (4·units,), as Keras stores them.
    h0, c0
        initial hidden and cell state, (batch, units); zeros when ``None``.
    return_cache
        also return a dict with everything :func:`lstm_backward` needs, including
        the gate activations ``"i", "f", "g", "o"`` and the states ``"c", "h"``, each of
        shape (batch, time, units).

    Returns
    -------
        ``(h_seq, h_last, c_last)`` (float64) with ``h_seq`` (batch, time, units) and the final
        states (batch, units) — what ``LSTM(return_sequences=True, return_state=True)`` returns —
        followed by the cache when ``return_cache=True``.

    Raises
    ------
    ValueError
        a wrong rank, mismatched shapes (e.g. units that do not agree between
        the weights), an empty array, a non-numeric dtype, or NaN/inf in any input.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2, 5, 3))             # batch 2, 5 steps, 3 features
    >>> kernel = rng.normal(size=(3, 4 * 4))       # 4 units
    >>> recurrent = rng.normal(size=(4, 4 * 4))
    >>> h_seq, h_last, c_last = lstm_forward(x, kernel, recurrent, np.zeros(16))
    >>> h_seq.shape, h_last.shape, c_last.shape
    ((2, 5, 4), (2, 4), (2, 4))
    >>> bool(np.array_equal(h_seq[:, -1], h_last))
    True
    """
    x = _as_float_array(x, "x", ndim=3)
    kernel, recurrent_kernel, bias, units = _check_weights(
        x, kernel, recurrent_kernel, bias, gates=4, bias_rows=1
    )
    batch, time, _ = x.shape
    h = _initial_state(h0, "h0", batch, units)
    c = _initial_state(c0, "c0", batch, units)
    h_start, c_start = h, c

    # The input projection of every step at once: one matrix product instead of `time`.
    x_proj = x @ kernel + bias  # (batch, time, 4·units)
    gates = {name: np.empty((batch, time, units)) for name in ("i", "f", "g", "o", "c", "h")}
    for t in range(time):
        # lstm_step's equations; the input part of z was computed above for every step at once
        z = x_proj[:, t] + h @ recurrent_kernel
        i, f, g, o, c, h = _lstm_gates(z, c, np.tanh, sigmoid)
        for name, value in zip("ifgoch", (i, f, g, o, c, h), strict=True):
            gates[name][:, t] = value

    h_seq = gates["h"].copy()
    if not return_cache:
        return h_seq, h, c
    cache = {
        "x": x,
        "kernel": kernel,
        "recurrent_kernel": recurrent_kernel,
        "bias": bias,
        "h0": h_start,
        "c0": c_start,
        **gates,
    }
    return h_seq, h, c, cache


def _grad_input(value: Any, name: str, shape: tuple[int, ...]) -> np.ndarray:
    if value is None:
        return np.zeros(shape)
    array = _as_float_array(value, name)
    if array.shape != shape:
        raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
    return array


def lstm_backward(
    dh_seq: Any,
    cache: dict[str, np.ndarray],
    dh_last: Any = None,
    dc_last: Any = None,
) -> dict[str, np.ndarray]:
    """Back-propagation through time for :func:`lstm_forward`.

    Given the gradient of a loss with respect to the outputs of the forward pass, return the
    gradient with respect to its inputs. Going backwards from the last step, with
    ``dh`` the gradient reaching h_t (from the output and from step t+1) and ``dc`` the one
    reaching c_t::

        dc += dh * o * (1 - tanh(c_t)²)       do = dh * tanh(c_t)
        di = dc * g    df = dc * c_{t-1}    dg = dc * i    dc_{t-1} = dc * f
        dz = [di·i(1-i), df·f(1-f), dg·(1-g²), do·o(1-o)]       (gate order i, f, c, o)
        dkernel += x_tᵀ dz    drecurrent_kernel += h_{t-1}ᵀ dz    dbias += Σ_batch dz
        dx_t = dz kernelᵀ     dh_{t-1} = dz recurrent_kernelᵀ

    Args:
        dh_seq: ∂loss/∂h_seq, shape (batch, time, units); ``None`` means zeros (the loss uses
            only the final states).
        cache: the fourth value of ``lstm_forward(..., return_cache=True)``.
        dh_last, dc_last: ∂loss/∂h_last and ∂loss/∂c_last, (batch, units), or ``None``.

    Returns:
        A dict with ``dx`` (batch, time, input_dim), ``dkernel``, ``drecurrent_kernel``,
        ``dbias`` (the weights' shapes), ``dh0`` and ``dc0`` (batch, units).

    Raises:
        ValueError: ``cache`` is not a forward cache, or a gradient has the wrong shape or
            contains NaN/inf.

    Introduced in ``notebooks/01_lstm_gate_equations.ipynb``.

    Example (the gradient of sum(h_last) against a finite difference)::

        >>> rng = np.random.default_rng(1)
        >>> x, k, r, b = (rng.normal(size=s) for s in [(1, 3, 2), (2, 8), (2, 8), (8,)])
        >>> *_, cache = lstm_forward(x, k, r, b, return_cache=True)
        >>> grads = lstm_backward(None, cache, dh_last=np.ones((1, 2)))
        >>> def loss(x0):
        ...     x_shifted = x.copy()
        ...     x_shifted[0, 0, 0] = x0
        ...     return lstm_forward(x_shifted, k, r, b)[1].sum()
        >>> numeric = (loss(x[0, 0, 0] + 1e-6) - loss(x[0, 0, 0] - 1e-6)) / 2e-6
        >>> bool(abs(numeric - grads["dx"][0, 0, 0]) < 1e-6)
        True
    """
    if not isinstance(cache, dict) or any(key not in cache for key in CACHE_KEYS):
        raise ValueError(
            "cache must be the dict returned as the fourth value of "
            "lstm_forward(..., return_cache=True)"
        )
    x, kernel, recurrent_kernel = cache["x"], cache["kernel"], cache["recurrent_kernel"]
    i_all, f_all, g_all, o_all, c_all, h_all = (cache[k] for k in ("i", "f", "g", "o", "c", "h"))
    batch, time, units = h_all.shape
    dh_seq = _grad_input(dh_seq, "dh_seq", (batch, time, units))
    dh_next = _grad_input(dh_last, "dh_last", (batch, units)).copy()
    dc_next = _grad_input(dc_last, "dc_last", (batch, units)).copy()

    dx = np.zeros_like(x)
    dkernel = np.zeros_like(kernel)
    drecurrent = np.zeros_like(recurrent_kernel)
    dbias = np.zeros_like(cache["bias"])
    for t in reversed(range(time)):
        i, f, g, o, c = i_all[:, t], f_all[:, t], g_all[:, t], o_all[:, t], c_all[:, t]
        c_prev = c_all[:, t - 1] if t > 0 else cache["c0"]
        h_prev = h_all[:, t - 1] if t > 0 else cache["h0"]
        dh = dh_seq[:, t] + dh_next
        tanh_c = np.tanh(c)
        do = dh * tanh_c
        dc = dc_next + dh * o * (1.0 - tanh_c**2)
        di, df, dg = dc * g, dc * c_prev, dc * i
        dz = np.concatenate(
            [di * i * (1.0 - i), df * f * (1.0 - f), dg * (1.0 - g**2), do * o * (1.0 - o)],
            axis=1,
        )
        dkernel += x[:, t].T @ dz
        drecurrent += h_prev.T @ dz
        dbias += dz.sum(axis=0)
        dx[:, t] = dz @ kernel.T
        dh_next = dz @ recurrent_kernel.T
        dc_next = dc * f
    return {
        "dx": dx,
        "dkernel": dkernel,
        "drecurrent_kernel": drecurrent,
        "dbias": dbias,
        "dh0": dh_next,
        "dc0": dc_next,
    }


def gru_forward(
    x: Any, kernel: Any, recurrent_kernel: Any, bias: Any, h0: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Run a GRU over a batch of sequences, exactly like ``keras.layers.GRU`` (reset_after=True).

    At every step t, with the gate blocks in Keras' order z, r, h and ``bias = [b_in, b_rec]``::

        a = x_t @ kernel + b_in            u = h_{t-1} @ recurrent_kernel + b_rec
        z = σ(a_z + u_z)    r = σ(a_r + u_r)
        ĥ = tanh(a_h + r * u_h)            (the reset gate acts *after* the matrix product)
        h_t = z * h_{t-1} + (1 - z) * ĥ

    Introduced in ``notebooks/01_lstm_gate_equations.ipynb``.

    Parameters
    ----------
    x
        inputs of shape (batch, time, input_dim).
    kernel, recurrent_kernel, bias
        (input_dim, 3·units), (units, 3·units) and (2, 3·units), as Keras stores them.
    h0
        initial state (batch, units); zeros when ``None``.

    Returns
    -------
        ``(h_seq, h_last)`` (float64), shapes (batch, time, units) and (batch, units) — what
        ``GRU(return_sequences=True, return_state=True)`` returns.

    Raises
    ------
    ValueError
        a wrong rank, mismatched shapes, an empty array, a non-numeric dtype, or
        NaN/inf in any input.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2, 5, 3))
    >>> h_seq, h_last = gru_forward(x, rng.normal(size=(3, 6)), rng.normal(size=(2, 6)),
    ...                             np.zeros((2, 6)))
    >>> h_seq.shape, h_last.shape
    ((2, 5, 2), (2, 2))
    """
    x = _as_float_array(x, "x", ndim=3)
    kernel, recurrent_kernel, bias, units = _check_weights(
        x, kernel, recurrent_kernel, bias, gates=3, bias_rows=2
    )
    batch, time, _ = x.shape
    h = _initial_state(h0, "h0", batch, units)

    x_proj = x @ kernel + bias[0]  # (batch, time, 3·units)
    h_seq = np.empty((batch, time, units))
    for t in range(time):
        # gru_step's equations; the input part a was computed above for every step at once
        u = h @ recurrent_kernel + bias[1]
        h = _gru_gates(x_proj[:, t], u, h, np.tanh, sigmoid)
        h_seq[:, t] = h
    return h_seq, h


def weights_from_keras(layer: Any, *, any_activations: bool = False) -> dict[str, np.ndarray]:
    """The weights of a built ``keras.layers.LSTM`` or ``GRU`` (or its cell) as float64 arrays.

    The result has the keys ``kernel``, ``recurrent_kernel`` and ``bias``, so it can be passed
    on as keyword arguments: ``lstm_forward(x, **weights_from_keras(lstm_layer))``. A layer
    built with ``use_bias=False`` gets a zero bias of the right shape. ``any_activations=True``
    accepts other activations than tanh and sigmoid, for a caller that applies the layer's own
    (:class:`course_utils.text.StepModel` does).

    Introduced in ``notebooks/01_lstm_gate_equations.ipynb``.

    Raises
    ------
    TypeError
        ``layer`` is not a Keras LSTM/GRU layer or cell.
    ValueError
        the layer is not built yet, uses other activations than tanh and sigmoid
        (the NumPy cells implement only those), or is a GRU with ``reset_after=False``.

    Examples
    --------
    >>> import keras
    >>> layer = keras.layers.LSTM(4)
    >>> layer.build((None, None, 3))
    >>> {name: w.shape for name, w in weights_from_keras(layer).items()}
    {'kernel': (3, 16), 'recurrent_kernel': (4, 16), 'bias': (16,)}
    """
    import keras

    kinds = {
        keras.layers.LSTM: "LSTM",
        keras.layers.LSTMCell: "LSTM",
        keras.layers.GRU: "GRU",
        keras.layers.GRUCell: "GRU",
    }
    kind = next((name for cls, name in kinds.items() if isinstance(layer, cls)), None)
    if kind is None:
        hint = (
            " (for a Bidirectional layer pass layer.forward_layer or layer.backward_layer)"
            if isinstance(layer, keras.layers.Bidirectional)
            else ""
        )
        raise TypeError(
            "layer must be a keras.layers.LSTM or keras.layers.GRU (or its cell), "
            f"got {type(layer).__name__}{hint}"
        )
    cell = getattr(layer, "cell", layer)
    if not cell.built:
        raise ValueError(
            f"layer {layer.name!r} is not built yet: call it on data or build it first, e.g. "
            "layer.build((None, None, input_dim))"
        )
    config = cell.get_config()
    default = config["activation"] == "tanh" and config["recurrent_activation"] == "sigmoid"
    if not (default or any_activations):
        raise ValueError(
            f"layer {layer.name!r} uses activation={config['activation']!r} and "
            f"recurrent_activation={config['recurrent_activation']!r}; the NumPy cells "
            "implement the defaults 'tanh' and 'sigmoid' only"
        )
    if kind == "GRU" and not cell.reset_after:
        raise ValueError(
            f"layer {layer.name!r} has reset_after=False; the NumPy GRU (gru_step, gru_forward) "
            "implements Keras' default reset_after=True"
        )
    kernel = np.array(cell.kernel.numpy(), dtype=np.float64)
    recurrent_kernel = np.array(cell.recurrent_kernel.numpy(), dtype=np.float64)
    if cell.use_bias:
        bias = np.array(cell.bias.numpy(), dtype=np.float64)
    else:
        units = recurrent_kernel.shape[0]
        bias = np.zeros(4 * units) if kind == "LSTM" else np.zeros((2, 3 * units))
    return {"kernel": kernel, "recurrent_kernel": recurrent_kernel, "bias": bias}
