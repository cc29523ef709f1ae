"""Answers to the checks of lesson 04 besides the solutions (see ``calibration/__init__``).

Every wrong answer here is refused because of what training or the draw gives, not because of
its structure: its model has the right layers and shapes, but it was scored on the wrong data,
trained with the wrong optimiser, on the wrong gaps or for too few steps.
"""

from __future__ import annotations

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import test_checks_ex04 as t

from calibration import right, wrong
from course_utils.checks.ex04 import gap_task_mixed
from course_utils.data import gap_filling_task
from course_utils.models import build_regressor

# --- 4.1 ---------------------------------------------------------------------------------------


def _tune_scoring(score):
    """A ``tune`` like the solution's, whose ``val_mse`` is ``score(model, history, data)``."""

    def tune(grid, data, epochs):
        X_train, y_train = data[0], data[1]
        rows = []
        for setting in grid:
            keras.utils.set_random_seed(0)
            model = build_regressor(
                X_train.shape[1], units=setting["units"], layers=setting["layers"]
            )
            start = time.perf_counter()
            history = model.fit(
                X_train, y_train, epochs=epochs, batch_size=setting["batch_size"], verbose=0
            )
            seconds = time.perf_counter() - start
            rows.append({**setting, "val_mse": score(model, history, data), "seconds": seconds})
        table = pd.DataFrame(rows).sort_values("val_mse").reset_index(drop=True)
        _, ax = plt.subplots()
        ax.bar(range(len(table)), table["val_mse"])
        return table

    return tune


def _evaluate(model, history, data):
    """The validation MSE as Keras computes it: ``model.evaluate`` (the loss is MSE)."""
    return float(model.evaluate(data[2], data[3], verbose=0))


def _last_training_loss(model, history, data):
    """The last epoch's training loss from ``fit``'s history: not a validation score."""
    return float(history.history["loss"][-1])


def _validation_rmse(model, history, data):
    """The root of the validation MSE (RMSE), reported in the ``val_mse`` column."""
    prediction = model(data[2], training=False).numpy()
    return float(np.sqrt(np.mean((prediction - data[3]) ** 2)))


# --- 4.2 ---------------------------------------------------------------------------------------


def _builder(optimizer):
    """``build_model`` of the solution, compiled with ``optimizer()`` (a fresh one per model)."""

    def build_model(kind, units):
        layer = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[kind]
        model = keras.Sequential(
            [
                keras.Input(shape=(None, 1)),
                layer(units, return_sequences=True),
                layer(units // 2),
                keras.layers.Dense(1),
            ]
        )
        model.compile(optimizer=optimizer(), loss="mse")
        return model

    return build_model


# --- 4.3 ---------------------------------------------------------------------------------------


def _gap_model(*, gaps=(2, 3, 4, 5, 6), epochs=10, seed=0):
    """The solution's stack (two Bidirectional LSTM(8) → Dense(1)) trained on 1200 sequences
    with the given gap lengths (240 per length of 2–6, or all 1200 of one length)."""
    rng = np.random.default_rng(seed + 1)
    if len(gaps) == 5:
        inputs, targets, mask = gap_task_mixed(240, rng)
    else:
        inputs, targets, mask = gap_filling_task(1200, rng, length=24, gap=gaps[0])
    keras.utils.set_random_seed(seed)
    model = t.gap_stack()
    model.fit(inputs, targets, sample_weight=mask, epochs=epochs, batch_size=32, verbose=0)
    return model


ANSWERS = {
    "4.1": [
        right("val_mse from model.evaluate(X_val, y_val)", lambda ns: (_tune_scoring(_evaluate),)),
        wrong(
            "val_mse scored on the training windows", lambda ns: (t.make_tune(score_on="train"),)
        ),
        wrong(
            "val_mse = last training loss of fit's history",
            lambda ns: (_tune_scoring(_last_training_loss),),
        ),
        wrong("RMSE in the val_mse column", lambda ns: (_tune_scoring(_validation_rmse),)),
    ],
    "4.2": [
        right(
            "compile(optimizer='adam', loss='mse') (Adam's default 1e-3)",
            lambda ns: (_builder(lambda: "adam"),),
        ),
        wrong("compile(optimizer='sgd', loss='mse')", lambda ns: (_builder(lambda: "sgd"),)),
        wrong(
            "Adam with learning_rate=1e-4",
            lambda ns: (_builder(lambda: keras.optimizers.Adam(1e-4)),),
        ),
    ],
    "4.3": [
        right("the solution's stack, training seed 1", lambda ns: (_gap_model(seed=1),)),
        right("the solution's stack, training seed 2", lambda ns: (_gap_model(seed=2),)),
        wrong("trained only on gaps of 5 (the lesson's task)", lambda ns: (_gap_model(gaps=(5,)),)),
        wrong("under-trained: 2 epochs instead of 10", lambda ns: (_gap_model(epochs=2),)),
    ],
}
