"""Checks of lesson 02 (vanishing gradients and the adding problem).

- ``ex_02_1``: the learner's ``cell_state_gradients(layer, x)``, the curve ‖∂(Σ c_T)/∂c_t‖ of an
  LSTM layer (how much of the cell state at step t still reaches the last one), judged on LSTM
  layers with weights the check draws, against a reference computed before the learner's code
  runs; the layer's weights must be left unchanged.
- ``ex_02_2``: the learner's ``train_simple_rnn(x_train, y_train, seed)``, which trains the fixed
  budget of :data:`LAG_BUDGET` on the adding problem; the check hands it training sequences of a
  short length it draws, checks the model's structure and budget, and judges it on test
  sequences the learner never saw.

Introduced in ``solutions/02_vanishing_gradients_solutions.ipynb``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course_utils.checks.base import (
    Hint,
    as_array,
    call_learner,
    exercise_check,
    model_outputs,
    record_margin,
    require_keras_model,
    require_weights_unchanged,
    snapshot_weights,
)

#: Exercise 2.2's fixed budget: a ``SimpleRNN(units)`` → ``Dense(1)`` model trained with
#: Adam(learning_rate, clipnorm) on the MSE, ``n_train`` sequences for ``epochs`` epochs at
#: ``batch_size``, then tested on ``n_test`` fresh sequences.
LAG_BUDGET: dict[str, Any] = {
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

#: The sequence lengths ``ex_02_2`` draws: short enough that the budget always learns them.
CHECK_LENGTHS = (4, 5, 6)


# --- Exercise 2.1: how much of c_t reaches c_T ------------------------------------------------


def draw_lstm_layer(rng: np.random.Generator, units: int, forget_bias: float) -> Any:
    """A built ``keras.layers.LSTM(units)`` on 2 features with weights drawn from ``rng``.

    The forget-gate block of the bias is ``forget_bias`` (Keras starts it at 1); no global seed
    is touched.

    >>> layer = draw_lstm_layer(np.random.default_rng(0), 3, 2.0)
    >>> [w.shape for w in layer.get_weights()]
    [(2, 12), (3, 12), (12,)]
    >>> layer.get_weights()[2][3:6].tolist()
    [2.0, 2.0, 2.0]
    """
    import keras

    layer = keras.layers.LSTM(units, name="probe_lstm")
    layer.build((None, None, 2))
    kernel = rng.normal(scale=0.6, size=(2, 4 * units))
    recurrent = rng.normal(scale=0.9 / math.sqrt(units), size=(units, 4 * units))
    bias = rng.normal(scale=0.3, size=4 * units)
    bias[units : 2 * units] = forget_bias
    layer.set_weights([kernel, recurrent, bias])
    return layer


def _cell_state_curve(
    layer: Any, x: np.ndarray, *, target: str = "c", wrt: str = "c"
) -> np.ndarray:
    """‖∂(Σ target_T)/∂wrt_t‖ for every step t of ``x``, the norm over batch and units together.

    With the defaults, the reference of exercise 2.1: how strongly the cell state after step t
    (``layer`` started from zero states) moves the sum of the last cell state. ``target="h"``
    differentiates the last hidden state instead, ``wrt="x"`` takes the gradient with respect
    to the inputs (both are known mistakes).

    >>> layer = draw_lstm_layer(np.random.default_rng(0), 3, 1.0)
    >>> x = np.random.default_rng(1).normal(size=(2, 5, 2))
    >>> curve = _cell_state_curve(layer, x)
    >>> curve.shape, bool(np.isclose(curve[-1], np.sqrt(2 * 3)))
    ((5,), True)
    """
    import tensorflow as tf

    inputs = tf.convert_to_tensor(np.asarray(x, dtype=np.float32))
    n, steps = int(inputs.shape[0]), int(inputs.shape[1])
    units = layer.cell.units
    h = tf.zeros((n, units))
    c = tf.zeros((n, units))
    sources = []
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        for t in range(steps):
            h, (h, c) = layer.cell(inputs[:, t], [h, c])
            sources.append(c)
        final = tf.reduce_sum(c if target == "c" else h)
    if wrt == "x":
        grad = tape.gradient(final, inputs).numpy().astype(np.float64)
        return np.sqrt(np.sum(grad**2, axis=(0, 2)))
    grads = tape.gradient(final, sources)
    return np.array([float(tf.norm(g)) for g in grads])


def forget_gate_product_curve(layer: Any, x: np.ndarray) -> np.ndarray:
    """The direct path alone: ‖∏_{k>t} f_k‖ over batch and units, for every step t.

    What ∂(Σ c_T)/∂c_t would be if the gates did not depend on the state (a known mistake, and
    the approximation the lesson's argument makes).

    >>> layer = draw_lstm_layer(np.random.default_rng(0), 3, 1.0)
    >>> x = np.random.default_rng(1).normal(size=(2, 5, 2))
    >>> forget_gate_product_curve(layer, x).shape
    (5,)
    """
    from course_utils.lstm_numpy import lstm_forward, weights_from_keras

    *_, cache = lstm_forward(np.asarray(x), **weights_from_keras(layer), return_cache=True)
    f = cache["f"]  # (batch, steps, units)
    steps = f.shape[1]
    curve = []
    for t in range(steps):
        product = np.prod(f[:, t + 1 :, :], axis=1)  # empty product (t = T-1) is 1
        curve.append(float(np.sqrt(np.sum(product**2))))
    return np.array(curve)


#: Exercise 2.1's tolerance: each value of the curve within this share of the reference's.
CURVE_RTOL = 2e-3


def _relative_close(got: np.ndarray, expected: np.ndarray, rtol: float = CURVE_RTOL) -> bool:
    floor = 1e-7 * float(np.max(np.abs(expected)))
    return got.shape == expected.shape and bool(
        np.all(np.abs(got - expected) <= rtol * np.abs(expected) + floor)
    )


def curve_share(got: np.ndarray, expected: np.ndarray) -> float:
    """The largest share of exercise 2.1's tolerance a curve uses (at most 1 passes).

    ``max |got - ref| / (CURVE_RTOL · |ref| + floor)`` over the steps, the floor being 1e-7 of
    the curve's largest value, as in the check; ``inf`` for another shape.

    >>> ref = np.array([1.0, 0.5, 0.25])
    >>> curve_share(ref, ref)
    0.0
    >>> round(curve_share(ref * 1.001, ref), 2)  # 0.1 % off everywhere: half of 0.2 %
    0.5
    """
    if got.shape != expected.shape:
        return math.inf
    floor = 1e-7 * float(np.max(np.abs(expected)))
    return float(np.max(np.abs(got - expected) / (CURVE_RTOL * np.abs(expected) + floor)))


@exercise_check
def ex_02_1(cell_state_gradients, *, rng: np.random.Generator) -> str:
    """Exercise 2.1: ``cell_state_gradients(layer, x)`` returns ‖∂(Σ c_T)/∂c_t‖ for every t.

    Judged on two LSTM layers the check draws from ``rng`` (width, weights, forget bias) and
    adding-problem sequences of a drawn batch size and length, against :func:`_cell_state_curve`
    computed before the learner's function runs. The learner's function must leave the
    layer's weights unchanged.
    """
    from course_utils.data import adding_problem

    for forget_bias in (1.0, float(rng.uniform(2.5, 4.0))):
        units = int(rng.integers(3, 10))
        layer = draw_lstm_layer(rng, units, forget_bias)
        n, steps = int(rng.integers(2, 7)), int(rng.integers(12, 31))
        x, _ = adding_problem(n, steps, rng)
        expected = _cell_state_curve(layer, x)  # before the learner's code runs
        before = snapshot_weights(layer)
        what = f"cell_state_gradients(layer, x) for x of shape {x.shape} and {units} units"
        got_raw = call_learner(cell_state_gradients, layer, x.copy(), what=f"your {what}")
        require_weights_unchanged(layer, before, "your cell_state_gradients")
        if got_raw is not None:
            got_shape = np.shape(got_raw.numpy() if hasattr(got_raw, "numpy") else got_raw)
            if got_shape == (steps + 1,):
                raise Hint(
                    f"your {what} has {steps + 1} values: return one per step of x, the cell "
                    "state *after* reading x[:, t] (not the initial zero state)"
                )
            if got_shape in ((n, steps), (steps, n)):
                raise Hint(
                    f"your {what} has shape {got_shape}: take one norm per step over the "
                    "batch and the units together, not one curve per sequence"
                )
        got = as_array(got_raw, f"the value of your {what}", shape=(steps,))
        record_margin(curve_share(got, expected), 1.0)
        if _relative_close(got, expected):
            continue
        if _relative_close(got[::-1], expected):
            raise Hint(
                "your curve runs backwards: return it in the order of x's time steps (index t; "
                "the last value, for t = T-1, is ‖∂ΣcT/∂cT‖ = √(batch · units))"
            )
        if _relative_close(got, expected**2):
            raise Hint("your curve is the squared norm: take the square root (a plain 2-norm)")
        if _relative_close(got, _cell_state_curve(layer, x, target="h")):
            raise Hint(
                "you differentiated the last *hidden* state h_T; the exercise asks how much "
                "of c_t reaches the last *cell* state: differentiate Σ c_T"
            )
        if _relative_close(got, _cell_state_curve(layer, x, wrt="x")):
            raise Hint(
                "that is the gradient with respect to the inputs x_t; the exercise asks for "
                "the gradient with respect to the cell states c_t (keep each c_t in a list "
                "inside the tape and ask tape.gradient for that list)"
            )
        if _relative_close(got, forget_gate_product_curve(layer, x), rtol=1e-4):
            raise Hint(
                "that is the product of the forget gates, the direct path only: c_t also "
                "reaches c_T through h_t, which feeds every later gate. Let tf.GradientTape "
                "differentiate the whole step (layer.cell) instead"
            )
        raise Hint(
            f"your {what} differs from the check's ‖∂(Σ c_T)/∂c_t‖: start from zero states, "
            "step the cell with layer.cell(x[:, t], [h, c]), keep every new c in a list, and "
            "take the norm over batch and units of tape.gradient(tf.reduce_sum(c_T), that list)"
        )
    return "matches the reference on two LSTM layers of random width and weights"


# --- Exercise 2.2: the budget SimpleRNN on the adding problem -----------------------------------


def _layer_kinds(model: Any) -> list[str]:
    return [type(layer).__name__ for layer in model.layers]


def _require_budget_structure(model: Any) -> None:
    import keras

    b = LAG_BUDGET
    kinds = _layer_kinds(model)
    recurrent = [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]
    others = [k for k in kinds if k in ("LSTM", "GRU", "Bidirectional")]
    if others:
        raise Hint(
            f"your model has a {others[0]} layer; the exercise measures a plain SimpleRNN: "
            "SimpleRNN(32) → Dense(1)"
        )
    simple = [layer for layer in recurrent if isinstance(layer, keras.layers.SimpleRNN)]
    if len(simple) != 1:
        raise Hint(
            f"your model has {len(simple)} SimpleRNN layers (layers: {', '.join(kinds)}); the "
            "budget is one SimpleRNN(32) followed by Dense(1)"
        )
    if simple[0].units != b["units"]:
        raise Hint(f"your SimpleRNN has {simple[0].units} units; the budget is {b['units']}")
    last = model.layers[-1]
    if not isinstance(last, keras.layers.Dense) or last.units != 1:
        raise Hint("the model should end with Dense(1): one number (the sum) per sequence")
    activation = getattr(last.activation, "__name__", type(last.activation).__name__)
    if activation != "linear":
        # a sigmoid head stops at 1 while the sums reach 2: its MSE cannot go below 1/12 ≈
        # 0.083, and a test set's noise (± 0.005) would let it under LEARNED_MSE now and then
        raise Hint(
            f"your Dense(1) head has a {activation} activation; the budget's head is linear "
            "(no activation): the target, a sum of two values in [0, 1), reaches 2"
        )
    loss = getattr(model, "loss", None)
    # a string, a loss object (MeanSquaredError()) or a loss function (keras.losses.mse)
    loss_name = loss if isinstance(loss, str) else getattr(loss, "__name__", type(loss).__name__)
    if str(loss_name).lower() not in ("mse", "mean_squared_error", "meansquarederror"):
        raise Hint(f"compile with loss='mse' (the budget's loss), not {loss_name!r}")
    optimizer = model.optimizer
    if type(optimizer).__name__ != "Adam":
        raise Hint(f"the budget uses Adam, not {type(optimizer).__name__}")
    lr = float(np.asarray(optimizer.learning_rate))
    if not math.isclose(lr, b["learning_rate"], rel_tol=1e-3):
        raise Hint(f"Adam's learning rate is {lr:g}; the budget is {b['learning_rate']:g}")
    clipnorm = getattr(optimizer, "clipnorm", None)
    if clipnorm is None or not math.isclose(float(clipnorm), b["clipnorm"]):
        raise Hint(f"the budget's Adam clips the gradient: clipnorm={b['clipnorm']}")


@exercise_check
def ex_02_2(train_simple_rnn, *, rng: np.random.Generator) -> str:
    """Exercise 2.2: ``train_simple_rnn(x_train, y_train, seed)`` returns a trained model.

    The check draws adding-problem training sequences of a short length (:data:`CHECK_LENGTHS`)
    and a seed, calls the learner's function on copies, checks the structure and budget of
    :data:`LAG_BUDGET` (layers, loss, optimizer, number of training steps) and requires a test
    MSE below :data:`LEARNED_MSE` on fresh sequences the learner never saw.
    """
    from course_utils.data import adding_problem

    b = LAG_BUDGET
    length = int(rng.choice(CHECK_LENGTHS))
    seed = int(rng.integers(0, 1000))
    x_train, y_train = adding_problem(b["n_train"], length, rng)
    x_test, y_test = adding_problem(b["n_test"], length, rng)
    what = f"your train_simple_rnn(x_train, y_train, seed={seed}) on sequences of {length} steps"
    model = call_learner(train_simple_rnn, x_train.copy(), y_train.copy(), seed, what=what)
    require_keras_model(model, "the model your train_simple_rnn returned")
    _require_budget_structure(model)
    steps = int(model.optimizer.iterations.numpy())
    expected_steps = b["epochs"] * math.ceil(b["n_train"] / b["batch_size"])
    if steps != expected_steps:
        raise Hint(
            f"your model took {steps} training steps; the budget is {b['epochs']} epochs at "
            f"batch size {b['batch_size']} over all {b['n_train']} sequences it is given "
            f"({expected_steps} steps)"
        )
    out = model_outputs(model, x_test, "the model your train_simple_rnn returned")
    if out.shape != (b["n_test"], 1):
        raise Hint(
            f"the model outputs shape {out.shape} for {b['n_test']} sequences; expected (n, 1)"
        )
    mse = float(np.mean((out[:, 0] - y_test) ** 2))
    record_margin(mse, LEARNED_MSE)
    if not mse < LEARNED_MSE:
        raise Hint(
            f"trained on sequences of {length} steps, your model's MSE on the check's test "
            f"sequences is {mse:.3g}, not below {LEARNED_MSE}: at so short a lag the budget "
            "learns the task. Train on the x_train, y_train you are given, with "
            "model.fit(training_batches(x_train, y_train, 64, seed), epochs=6, shuffle=False)"
        )
    return "your budget SimpleRNN learns the adding problem at a short lag, on unseen sequences"
