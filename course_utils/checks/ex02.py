"""Checks of lesson 02 (vanishing gradients and the adding problem).

- ``ex_02_1``: the learner's gradient-norm curve function, judged on GRUs the check builds, and
  the learner's answer to which of SimpleRNN, GRU and LSTM has the fastest-decaying curve at
  initialisation (the check measures the three slopes itself).
- ``ex_02_2``: the longest lag at which a SimpleRNN still learns the adding problem within the
  fixed budget of :data:`LAG_BUDGET`; the check trains that budget itself at the learner's lag and
  at twice that lag.

Introduced in ``solutions/02_vanishing_gradients_solutions.ipynb``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from course_utils.checks.base import (
    Hint,
    NotDone,
    as_array,
    call_learner,
    exercise_check,
    require_number,
)

#: The recurrent layers exercise 2.1 compares, by their Keras names.
CELLS = ("SimpleRNN", "GRU", "LSTM")

#: Exercise 2.1's setting for the "which decays fastest" question: models of this width at
#: initialisation (Keras' default initialisers), on a batch of adding-problem sequences.
DECAY_SETTING = {"units": 32, "length": 100, "batch": 64, "model_seed": 0, "data_seed": 0}

#: Exercise 2.2's fixed budget: a ``SimpleRNN(units)`` → ``Dense(1)`` model trained with
#: Adam(learning_rate, clipnorm) on the MSE, ``n_train`` sequences for ``epochs`` epochs at
#: ``batch_size``, then tested on ``n_test`` fresh sequences.
LAG_BUDGET = {
    "units": 32,
    "n_train": 4000,
    "n_test": 1000,
    "epochs": 6,
    "batch_size": 64,
    "learning_rate": 3e-3,
    "clipnorm": 1.0,
}

#: A model "learns" the adding problem (beats the constant guess clearly) if its test MSE is
#: below this, less than half the constant guess's 1/6 ≈ 0.167.
LEARNED_MSE = 0.08

#: The longest lag exercise 2.2 accepts (the check trains at twice the answer).
MAX_LAG = 100


def _build_recurrent_model(cell: str, units: int, seed: int) -> Any:
    """A ``cell(units)`` → ``Dense(1)`` regressor on sequences of 2 features (any length)."""
    import keras

    layers = {
        "SimpleRNN": keras.layers.SimpleRNN,
        "GRU": keras.layers.GRU,
        "LSTM": keras.layers.LSTM,
    }
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [keras.Input((None, 2)), layers[cell](units, name="recurrent"), keras.layers.Dense(1)],
        name=f"{cell.lower()}_{units}",
    )


def _reference_gradient_norms(
    model: Any, x: np.ndarray, y: np.ndarray, *, broadcast_bug: bool = False
) -> np.ndarray:
    """‖∂loss/∂x_t‖ for every time step t, the loss being the batch MSE of ``model(x)`` vs ``y``.

    The norm is taken over the batch and feature axes together, so the result has one value
    per time step (shape ``(length,)``), in the order of the input. With ``broadcast_bug`` the
    targets keep shape (n,), the classic mistake: (n, 1) minus (n,) broadcasts to an (n, n) loss.
    """
    import tensorflow as tf

    inputs = tf.convert_to_tensor(x, dtype=tf.float32)
    target_shape = (-1,) if broadcast_bug else (-1, 1)
    targets = tf.convert_to_tensor(np.reshape(y, target_shape), dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        loss = tf.reduce_mean(tf.square(model(inputs) - targets))
    grad = tape.gradient(loss, inputs).numpy().astype(np.float64)
    return np.sqrt(np.sum(grad**2, axis=(0, 2)))


def decay_slope(curve: np.ndarray) -> float:
    """How fast a gradient-norm curve falls: decades lost per step of lag (least-squares slope).

    >>> float(round(decay_slope(np.array([1e-4, 1e-3, 1e-2, 1e-1])), 6))
    1.0
    """
    curve = np.asarray(curve, dtype=np.float64)
    lags = np.arange(curve.size)[::-1]
    slope = np.polyfit(lags, np.log10(curve), 1)[0]
    return float(-slope)


@functools.lru_cache(maxsize=1)
def _decay_slopes_at_init() -> dict[str, float]:
    """Decades per step of lag of each cell's curve at initialisation, in :data:`DECAY_SETTING`."""
    from course_utils.data import adding_problem

    s = DECAY_SETTING
    x, y = adding_problem(s["batch"], s["length"], np.random.default_rng(s["data_seed"]))
    slopes = {}
    for cell in CELLS:
        model = _build_recurrent_model(cell, s["units"], s["model_seed"])
        slopes[cell] = decay_slope(_reference_gradient_norms(model, x, y))
    return slopes


def _cell_name(answer: Any) -> str:
    if answer is None:
        raise Hint(
            "fastest_decay is None: set it to the name of the cell whose curve falls fastest, "
            "one of 'SimpleRNN', 'GRU' or 'LSTM'"
        )
    name = getattr(answer, "__name__", answer)
    if not isinstance(name, str):
        raise Hint(
            f"fastest_decay should be a string ('SimpleRNN', 'GRU' or 'LSTM'), "
            f"got a {type(answer).__name__}"
        )
    by_key = {cell.lower(): cell for cell in CELLS}
    key = name.strip().lower().replace(" ", "").replace("-", "").replace("_", "")
    key = {"rnn": "simplernn", "vanillarnn": "simplernn"}.get(key, key)
    if key not in by_key:
        raise Hint(f"fastest_decay is {answer!r}; expected one of 'SimpleRNN', 'GRU' or 'LSTM'")
    return by_key[key]


def _judge_curve(gradient_norm_curve: Any, model: Any, x: np.ndarray, y: np.ndarray) -> None:
    length = x.shape[1]
    what = f"gradient_norm_curve(model, x, y) for x of shape {x.shape}"
    got_raw = call_learner(gradient_norm_curve, model, x.copy(), y.copy())
    if got_raw is not None:
        shape = np.shape(got_raw.numpy() if hasattr(got_raw, "numpy") else got_raw)
        if shape == x.shape:
            raise Hint(
                f"{what} returned the whole gradient, shape {shape}: reduce it to one norm per "
                "time step, over the batch and feature axes together, e.g. "
                "np.sqrt((grad**2).sum(axis=(0, 2)))"
            )
        if len(shape) == 2 and shape[1] == length:
            raise Hint(
                f"{what} has shape {shape}: take the norm over the batch too (one number per "
                "time step), not one curve per sequence"
            )
    got = as_array(got_raw, what, shape=(length,))
    expected = _reference_gradient_norms(model, x, y)

    def close(a: np.ndarray, b: np.ndarray) -> bool:
        return bool(np.all(np.abs(a - b) <= 1e-2 * np.abs(b) + 1e-30))

    if close(got, expected):
        return
    if close(got[::-1], expected):
        raise Hint(
            "your curve runs backwards: return it in the order of the input's time steps "
            "(index t, the last step is lag 0); the plot turns t into the lag"
        )
    if close(got, _reference_gradient_norms(model, x, y, broadcast_bug=True)):
        raise Hint(
            "the loss compares model(x), shape (n, 1), with y, shape (n,): that broadcasts to "
            "an (n, n) matrix. Reshape y to (n, 1) (or use model(x)[:, 0]) before subtracting"
        )
    grad_scale = got / expected
    if np.all(np.isfinite(grad_scale)) and np.allclose(grad_scale, grad_scale[0], rtol=1e-2):
        factor = float(grad_scale[0])
        if np.isclose(factor, x.shape[0], rtol=1e-2):
            raise Hint(
                "your curve is the reference times the batch size: use the *mean* squared error "
                "over the batch (tf.reduce_mean), not the sum"
            )
        if np.isclose(factor, np.sqrt(x.shape[0]), rtol=1e-2) or np.isclose(
            factor, 1 / np.sqrt(x.shape[0]), rtol=1e-2
        ):
            raise Hint(
                "your curve is off by √(batch size): take one norm over the batch and feature "
                "axes together, np.sqrt((grad**2).sum(axis=(0, 2))), not a mean of norms"
            )
        raise Hint(
            f"your curve has the right shape of decay but is {factor:.3g} × the reference: the "
            "loss should be the batch mean of (model(x) - y)², and the norm plain (not squared)"
        )
    worst = float(np.max(np.abs(np.log10(np.maximum(got, 1e-300) / expected))))
    raise Hint(
        f"{what} differs from the check's ‖∂loss/∂x_t‖ by up to a factor of 10^{worst:.2g}: "
        "watch the input with tf.GradientTape, take the loss as the batch mean of "
        "(model(x) - y)², and the norm over the batch and feature axes for each t"
    )


@exercise_check
def ex_02_1(gradient_norm_curve, fastest_decay) -> str:
    """Exercise 2.1: ``gradient_norm_curve(model, x, y)`` and the cell that decays fastest.

    The curve function is judged on two GRUs the check builds (different widths and sequence
    lengths) against :func:`_reference_gradient_norms`; ``fastest_decay`` must name the cell
    whose curve the check measures to fall fastest at initialisation (:data:`DECAY_SETTING`).
    """
    from course_utils.data import adding_problem

    rng = np.random.default_rng(2020)
    for units, length, seed in ((16, 30, 5), (24, 45, 6)):
        model = _build_recurrent_model("GRU", units, seed)
        x, y = adding_problem(8, length, rng)
        _judge_curve(gradient_norm_curve, model, x, y)

    answer = _cell_name(fastest_decay)
    slopes = _decay_slopes_at_init()
    fastest = max(slopes, key=slopes.get)
    shown = ", ".join(f"{cell} {10 * slope:.2g}" for cell, slope in slopes.items())
    if answer != fastest:
        raise Hint(
            f"your curve function is right, but {answer} is not the cell whose curve falls "
            "fastest at initialisation: compare the slopes of the three lines on the log plot "
            "(the steepest one loses the most decades per step of lag)"
        )
    return f"curve matches on two GRUs; decades lost per 10 steps at initialisation: {shown}"


@functools.lru_cache(maxsize=16)
def _adding_test_mse(length: int, seed: int = 0) -> float:
    """Test MSE of the :data:`LAG_BUDGET` SimpleRNN on the adding problem at ``length`` steps.

    Deterministic for a given ``length`` and ``seed`` on one machine (cached in this process).
    """
    import keras
    import tensorflow as tf

    from course_utils.data import adding_problem

    b = LAG_BUDGET
    rng = np.random.default_rng(seed)
    x_train, y_train = adding_problem(b["n_train"], length, rng)
    x_test, y_test = adding_problem(b["n_test"], length, rng)
    model = _build_recurrent_model("SimpleRNN", b["units"], seed)
    model.compile(
        optimizer=keras.optimizers.Adam(b["learning_rate"], clipnorm=b["clipnorm"]), loss="mse"
    )
    # an explicit tf.data pipeline: with NumPy arrays, Keras' own pipeline makes TensorFlow log a
    # harmless internal message to stderr when op determinism is on
    train = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    train = train.shuffle(b["n_train"], seed=seed).batch(b["batch_size"])
    model.fit(train, epochs=b["epochs"], shuffle=False, verbose=0)
    return float(model.evaluate(x_test, y_test, batch_size=b["n_test"], verbose=0))


@exercise_check
def ex_02_2(longest_lag) -> str:
    """Exercise 2.2: the longest lag at which the budget SimpleRNN still learns the adding task.

    The check trains the :data:`LAG_BUDGET` SimpleRNN itself at the learner's lag (it must reach
    a test MSE below :data:`LEARNED_MSE`) and at twice that lag (it must not).
    """
    if longest_lag is None:
        raise NotDone(
            "not done yet: longest_lag is still None. Write the sweep in the exercise cell "
            "(replace the `raise NotImplementedError(...)` line), run it, then this cell"
        )
    if isinstance(longest_lag, str):
        raise Hint(f"longest_lag should be a number (an int), got the string {longest_lag!r}")
    value = require_number(longest_lag, "longest_lag")
    if value != int(value):
        raise Hint(f"longest_lag is {value}; a lag is a whole number of steps")
    lag = int(value)
    if lag < 2:
        raise Hint(f"longest_lag is {lag}; the adding problem needs sequences of at least 2 steps")
    if lag > MAX_LAG:
        raise Hint(
            f"longest_lag is {lag}: with this budget a SimpleRNN does not get anywhere near that "
            "far back. Did you report the longest lag that *failed*, or forget the threshold "
            f"(test MSE < {LEARNED_MSE})?"
        )
    at_lag = _adding_test_mse(lag)
    if not at_lag < LEARNED_MSE:
        raise Hint(
            f"the check trained the budget's SimpleRNN at lag {lag} and got test MSE "
            f"{at_lag:.3g}, not below {LEARNED_MSE}: at this lag it does not learn the task, so "
            "the longest lag is shorter. Report the last lag of your sweep that still passed"
        )
    at_double = _adding_test_mse(2 * lag)
    if at_double < LEARNED_MSE:
        raise Hint(
            f"the check's SimpleRNN still learns at twice your lag ({2 * lag} steps, test MSE "
            f"{at_double:.3g} < {LEARNED_MSE}): the longest lag is longer. Extend your sweep"
        )
    return (
        f"test MSE {at_lag:.2g} at lag {lag} and {at_double:.2g} at lag {2 * lag} "
        "(the constant guess gets ≈ 0.167)"
    )
