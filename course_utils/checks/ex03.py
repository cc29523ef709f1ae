"""Checks of lesson 03 (sine forecasting): exercises 3.1–3.4.

Each check receives the learner's *builder* (a function that trains something), draws a fresh
task from its ``rng`` (a wave with its own phase, amplitude, offset and length; a sequence with
its own start and step; a window length), calls the builder on it, and judges the result on data
the builder never saw: windows from beyond the end of the series it trained on. References are
computed before the learner's code runs. Introduced in
``solutions/03_sine_forecasting_solutions.ipynb``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.baselines import LinearAR, mse
from course_utils.checks.base import (
    Hint,
    as_array,
    call_learner,
    exercise_check,
    model_layers,
    model_outputs,
    record_margin,
    require_keras_model,
    require_number,
)
from course_utils.data import (
    apply_scaler,
    chronological_split,
    invert_scaling,
    make_windows,
)

#: The time step of the lesson's series (1000 points over [0, 100]).
STEP = 100.0 / 999
#: How many windows beyond the end of the training series ex_03_1 judges.
FUTURE = 300


def _seed_keras(rng: np.random.Generator) -> int:
    """Seed Keras from the check's draw, so one seed repeats one whole check; the seed used."""
    import keras

    seed = int(rng.integers(2**31 - 1))
    keras.utils.set_random_seed(seed)
    return seed


#: The only building blocks a model of exercises 3.1 and 3.2 may contain (Keras' own classes):
#: anything else (a Lambda layer, arithmetic on the input tensor, a custom layer) could compute
#: "last value plus last step" by hand next to an LSTM that does nothing.
PLAIN_PARTS = frozenset(
    {
        "InputLayer",
        "LSTM",
        "Dense",
        "Dropout",
        "Bidirectional",
        "LayerNormalization",
        "BatchNormalization",
        "Sequential",
        "Functional",
    }
)


def _foreign_parts(model: Any) -> list[str]:
    """Names of the operations of ``model`` (nested models included) outside PLAIN_PARTS."""
    foreign = []
    parts = model.layers if type(model).__name__ == "Sequential" else model.operations
    for part in parts:
        kind = type(part)
        if kind.__name__ not in PLAIN_PARTS or not kind.__module__.startswith("keras."):
            foreign.append(kind.__name__)
        elif kind.__name__ in ("Sequential", "Functional"):
            foreign.extend(_foreign_parts(part))
        for inner in ("forward_layer", "backward_layer"):
            if hasattr(part, inner) and type(getattr(part, inner)).__name__ != "LSTM":
                foreign.append(type(getattr(part, inner)).__name__)
    return foreign


def _require_lstm_model(model: Any, what: str, window: int) -> None:
    """A trained Keras model with an LSTM layer, taking windows of ``window`` steps, or a Hint."""
    import keras

    if isinstance(model, tuple | list):
        raise Hint(f"{what} is a {type(model).__name__}; return the trained keras model itself")
    require_keras_model(model, what)
    if not any(isinstance(layer, keras.layers.LSTM) for layer in model_layers(model, nested=True)):
        kinds = ", ".join(type(layer).__name__ for layer in model.layers) or "no layers"
        raise Hint(f"{what} has no LSTM layer ({kinds}); the exercise asks for an LSTM")
    kind = type(model)
    plain = kind.__name__ in ("Sequential", "Functional") and kind.__module__.startswith("keras.")
    if not plain:
        raise Hint(
            f"{what} is a {kind.__name__}, a subclassed keras.Model whose call() can compute "
            "anything: build it with keras.Sequential([keras.Input(...), LSTM, Dense])"
        )
    foreign = sorted(set(_foreign_parts(model)))
    if foreign:
        raise Hint(
            f"{what} computes with {', '.join(foreign)} besides LSTM and Dense layers: the "
            "exercise asks for a trained LSTM → Dense model, not a rule written into the model"
        )
    inputs = getattr(model, "inputs", None) or []
    steps = tuple(inputs[0].shape)[1] if inputs and len(inputs[0].shape) == 3 else None
    if steps is not None and steps != window:
        raise Hint(
            f"{what} takes windows of {steps} steps, but the task has windows of {window}: "
            "build it with keras.Input(shape=(window, 1)) for the window you were given"
        )


def _kind(value: Any) -> str:
    return f"a {type(value).__name__}"


def _column(values: np.ndarray, n: int, what: str) -> np.ndarray:
    """Accept (n,) or (n, 1) from the learner; anything else is a hint naming the shape."""
    if values.size != n or values.ndim > 2 or (values.ndim == 2 and values.shape[1] != 1):
        raise Hint(f"{what} has shape {values.shape}; for {n} windows expected ({n}, 1) or ({n},)")
    return values.reshape(n)


# --- exercise 3.1 -------------------------------------------------------------------------------


def _cosine_task(rng: np.random.Generator) -> dict[str, Any]:
    window = int(rng.integers(8, 13))
    length = int(rng.integers(900, 1101))
    amplitude = float(rng.uniform(0.5, 3.0))
    offset = float(rng.uniform(-2.0, 2.0))
    phase = float(rng.uniform(0.0, 2 * np.pi))
    wave = offset + amplitude * np.cos(STEP * np.arange(length + FUTURE) + phase)
    # windows whose targets all lie after the series: the first one ends at its last value
    X, y = make_windows(wave[length - window :], window)
    # one outlier in the last tenth, after every training window and target: a scaler fitted
    # on the whole series (the leak the lesson warns about) shows it in its data_max_
    series = wave[:length].copy()
    series[int(rng.integers(int(0.9 * length), length - 1))] = offset + 1.5 * amplitude
    return {
        "window": window,
        "series": series,
        "amplitude": amplitude,
        "X": X[:, :, 0].astype(np.float64),
        "target": y[:, 0].astype(np.float64),
    }


@exercise_check
def ex_03_1(train_cosine_model, *, rng) -> str:
    """Exercise 3.1: ``train_cosine_model(series, window)`` returns ``(model, scaler)``.

    The check draws a cosine wave (amplitude, offset, phase, length and window change at every
    call), trains through the learner's function, then forecasts itself with the returned model
    and scaler (scale the windows, call the model, undo the scaling) on windows from beyond the
    end of the series. The series holds one outlier in its last tenth, after the training part,
    so a scaler fitted on the whole series is caught. The MSE must be at most
    ``1e-3 × amplitude²`` (persistence: about ``5e-3 × amplitude²``), and the model must be a
    plain LSTM → Dense model (no Lambda, arithmetic or subclassed ``call`` beside it).

    Calibration (``benchmarks/check_calibration.py --checks 3.1``): the error depends on how
    far training got, not on the windows judged. At the lesson's learning rate of 1e-3 the
    recipe used 0.10–1.09 of the allowance over seeds 1003–1019 (seed 1011 failed). At a
    constant 3e-3 it used at most 0.54 on 99 of seeds 1000–1099, but seed 1096 failed (1.00 of
    the allowance natively): its training loss rose over the last five epochs to 9 × its
    best, an Adam spike that training ended inside. The exercise therefore decays the rate
    from 3e-3 to zero along a cosine: at most 0.27 of the allowance over seeds 1000–1099, all
    passed. The bar measures quality, not effort: 3 epochs at a constant 3e-3 are refused on
    99 of 100 draws, but 5 epochs reach the bar on 6 of 20.
    """
    task = _cosine_task(rng)
    window, series, X, target = task["window"], task["series"], task["X"], task["target"]
    scale2 = task["amplitude"] ** 2
    persistence = mse(target, X[:, -1]) / scale2
    _seed_keras(rng)
    got = call_learner(train_cosine_model, series.copy(), window, what="your train_cosine_model")
    if not isinstance(got, tuple | list) or len(got) != 2:
        raise Hint(
            "train_cosine_model should return two things, (model, scaler); got "
            + ("None: did you forget `return model, scaler`?" if got is None else _kind(got))
        )
    model, scaler = got
    _require_lstm_model(model, "the model you returned", window)
    try:
        scaled = apply_scaler(scaler, X)  # TypeError unless a fitted MinMaxScaler
    except (TypeError, ValueError) as exc:
        raise Hint(
            "the scaler you returned cannot scale the windows: return the one fit_scaler gave "
            f"you ({exc})"
        ) from exc
    train_part = series[: int(0.8 * len(series))]
    low = float(np.ravel(getattr(scaler, "data_min_", [train_part.min()]))[0])
    high = float(np.ravel(getattr(scaler, "data_max_", [train_part.max()]))[0])
    spread = float(train_part.max() - train_part.min())
    if abs(high - series.max()) < 1e-6 * spread and abs(high - train_part.max()) > 0.1 * spread:
        raise Hint(
            f"your scaler's maximum, {high:.3g}, is a value from the test part of the series "
            "(after the training windows): fit the scaler on the values the training windows "
            "and their targets use, only"
        )
    if abs(low - train_part.min()) > 0.1 * spread or abs(high - train_part.max()) > 0.1 * spread:
        raise Hint(
            f"your scaler was fitted on values from {low:.3g} to {high:.3g}, but the series the "
            f"check gave you runs from {train_part.min():.3g} to {train_part.max():.3g}: fit it "
            "on the training part of `series`, not on another wave"
        )
    outputs = model_outputs(model, scaled[:, :, None], "the model you returned")
    prediction = invert_scaling(scaler, _column(outputs, len(target), "its output"))
    error = mse(target, prediction) / scale2
    record_margin(error, 1e-3)
    if error <= 1e-3:
        return "MSE ≤ 1e-3 × amplitude² on windows beyond the series it trained on"
    if mse(target, outputs.reshape(-1)) / scale2 < error / 4:
        raise Hint(
            "your model's outputs are already in original units: train it on the *scaled* "
            "windows and targets (apply_scaler), so that scaling in and out fits the model"
        )
    if mse(prediction, X[:, -1]) / scale2 < 0.05 * persistence:
        raise Hint(
            "your model returns about the last value of each window (persistence): train it "
            "longer (30 epochs) on the scaled windows, with targets the value after each window"
        )
    raise Hint(
        f"on windows beyond the series, your model's MSE is {error / persistence:.2f} × that "
        "of persistence (the bar: at most 0.2 ×). Did you train LSTM(50) → Dense(1) for 30 "
        "epochs at batch size 32 on the scaled training windows, with the learning rate "
        "decaying from 3e-3 to zero along a cosine (CosineDecay)?"
    )


# --- exercise 3.2 -------------------------------------------------------------------------------


@exercise_check
def ex_03_2(make_step_model, *, rng) -> str:
    """Exercise 3.2: ``make_step_model()`` returns a trained LSTM that continues 0.1…0.5 with 0.6.

    The model is asked for the value after 0.1, 0.2, 0.3, 0.4, 0.5 and after 11 other increasing
    sequences of 5 values the check draws (other starts and steps, all in [0, 1]); every answer
    must be within ± 0.05.
    """
    starts = rng.uniform(0.0, 0.45, size=11)
    steps = rng.uniform(0.04, 0.1, size=11)
    sequences = np.vstack(
        [0.1 + 0.1 * np.arange(5), starts[:, None] + steps[:, None] * np.arange(5)]
    )
    expected = sequences[:, -1] + (sequences[:, -1] - sequences[:, -2])
    _seed_keras(rng)
    model = call_learner(make_step_model, what="your make_step_model")
    _require_lstm_model(model, "the model make_step_model returned", 5)
    outputs = model_outputs(model, sequences[:, :, None], "your model")
    pred = _column(outputs, len(sequences), "your model's output")
    if np.allclose(pred, sequences[:, -1], atol=0.01):
        raise Hint("your model returns the last value (0.5 for 0.1…0.5): it has to learn the step")
    if np.allclose(pred, sequences.mean(axis=1), atol=0.01):
        raise Hint("your model returns the mean of the window: it has to continue the sequence")
    errors = np.abs(pred - expected)
    record_margin(errors.max(), 0.05)  # 0.1…0.5 → 0.6 is row 0: one allowance for all rows
    if abs(pred[0] - 0.6) > 0.05:
        raise Hint(f"for 0.1, 0.2, 0.3, 0.4, 0.5 your model predicts {pred[0]:.3f}; expected 0.6")
    worst = int(np.argmax(errors))
    if errors[worst] > 0.05:
        shown = ", ".join(f"{v:.3f}" for v in sequences[worst])
        raise Hint(
            f"0.6 is right, but after {shown} your model predicts {pred[worst]:.3f}, off by more "
            "than 0.05: train on many sequences (different starts and steps), not only 0.1…0.5"
        )
    return "0.1…0.5 → 0.6, and 11 other increasing sequences continued within 0.05"


# --- exercise 3.3 -------------------------------------------------------------------------------


@exercise_check
def ex_03_3(make_counting_forecaster, *, rng) -> str:
    """Exercise 3.3: ``make_counting_forecaster(sequence, window)`` extrapolates a count.

    The check draws an arithmetic sequence of 10–14 integers (its own start and a step of 2–7),
    a window of 3–5, trains through the learner's function, and asks the returned
    ``predict_next`` for the next number after 4 windows that continue the sequence far beyond
    its range; each answer must be within a quarter of a step.
    """
    window = int(rng.integers(3, 6))
    length = int(rng.integers(10, 15))
    start = float(rng.integers(-10, 11))
    step = float(rng.choice([2, 3, 4, 5, 7]))
    sequence = start + step * np.arange(length)
    gaps = np.sort(rng.choice(np.arange(1, 300), size=3, replace=False))
    first = sequence[-1] + step * np.concatenate([[1], gaps])
    X = first[:, None] + step * np.arange(window)
    expected = X[:, -1] + step
    _seed_keras(rng)
    predict_next = call_learner(
        make_counting_forecaster, sequence.copy(), window, what="your make_counting_forecaster"
    )
    if predict_next is None or not callable(predict_next):
        raise Hint(
            "make_counting_forecaster should return a function predict_next(windows); got "
            + ("None" if predict_next is None else f"a {type(predict_next).__name__}")
        )
    got = call_learner(predict_next, X.copy(), what="the predict_next you returned")
    pred = _column(as_array(got, "predict_next(windows)"), len(X), "predict_next(windows)")
    if np.allclose(pred, X[:, -1], atol=1e-3):
        raise Hint("predict_next returns the last number of each window: predict the next one")
    if np.allclose(pred, X[:, -1] + 1, atol=1e-3):
        raise Hint(
            "predict_next adds 1 to the last number, but the check's sequence counts in other "
            "steps: learn the step from `sequence`"
        )
    errors = np.abs(pred - expected)
    record_margin(errors.max() / step, 0.25)
    if np.all(errors <= step / 4):
        return "next number right (± a quarter step) far beyond the sequence it trained on"
    shown = "; ".join(f"…{x[-2]:g}, {x[-1]:g} → {p:.1f}" for x, p in zip(X, pred, strict=True))
    if errors[-1] > errors[0] and pred[-1] < expected[-1]:
        raise Hint(
            f"your predictions fall further behind as the numbers grow ({shown}). A scaler fitted "
            "on the training sequence maps these numbers outside the range the model saw, and "
            "its tanh/sigmoid units saturate. Predict the step (the difference to the next "
            "number) and add it to the last value, or use a scaling that covers the numbers"
        )
    raise Hint(f"predictions off by more than a quarter step: {shown}")


# --- exercise 3.4 -------------------------------------------------------------------------------


#: Exercise 3.4's upper bound: a window's test MSE at most this many times a linear AR's.
AR_LIMIT = 2.0


def _noisy_task(rng: np.random.Generator) -> dict[str, Any]:
    length = int(rng.integers(600, 801))
    sigma = float(rng.uniform(0.07, 0.15))
    phase = float(rng.uniform(0.0, 2 * np.pi))
    clean = np.sin(STEP * np.arange(length) + phase)
    noisy = clean + rng.normal(0.0, sigma, size=length)
    short = int(rng.integers(2, 6))
    long = int(rng.integers(20, 26))
    return {"series": noisy, "clean": clean, "sigma": sigma, "windows": (short, long)}


def _references(series: np.ndarray, clean: np.ndarray, window: int) -> tuple[float, float]:
    """(MSE of a linear AR(window), MSE of the clean wave) on the test targets of ``window``."""
    X, y = make_windows(series, window)
    X_train, X_test, _, y_test = chronological_split(X, y, 0.8)
    ar = LinearAR(window).fit(series[: len(X_train) + window])
    truth = clean[len(X_train) + window :].reshape(-1, 1)
    return mse(y_test, ar.predict(X_test)), mse(y_test, truth)


def _scaled_outputs(model: Any, scaler: Any, windows: np.ndarray, what: str) -> np.ndarray:
    """The model's outputs (scaled units) for ``windows`` (original units), scaled by the
    learner's scaler; a hint if that scaler cannot scale them."""
    try:
        scaled = apply_scaler(scaler, windows)  # TypeError unless a fitted MinMaxScaler
    except (TypeError, ValueError) as exc:
        raise Hint(
            f"the scaler {what} returned cannot scale the windows: return the one fit_scaler "
            f"gave you ({exc})"
        ) from exc
    return model_outputs(model, scaled[:, :, None], f"the model {what} returned")


def _own_test_mse(
    model: Any, scaler: Any, series: np.ndarray, window: int, what: str
) -> tuple[float, float]:
    """The check's own test MSE of ``model`` in original units, and the same in scaled units."""
    X, y = make_windows(series, window)
    _, X_test, _, y_test = chronological_split(X, y, 0.8)
    outputs = _scaled_outputs(model, scaler, X_test[:, :, 0].astype(np.float64), what)
    prediction = invert_scaling(scaler, _column(outputs, len(y_test), "its output"))
    target = y_test[:, 0]
    scaled_target = apply_scaler(scaler, target)
    return mse(target, prediction), mse(scaled_target, outputs.reshape(-1))


@exercise_check
def ex_03_4(window_test_mse, *, rng) -> str:
    """Exercise 3.4: ``window_test_mse(series, window)`` returns ``(mse, model, scaler)``.

    The check draws a noisy sine (phase, noise level and length change at every call) and a short
    (2–5) and a long (20–25) window, and calls the learner's function for both. The model must be
    a plain LSTM → Dense Keras model taking windows of that length; the check scores it itself
    (its own chronological 80/20 split, the learner's scaler in and out) and the learner's MSE
    must be that score, in original units. The score must be near what a least-squares linear
    autoregression with the same window reaches on the same split: at least 0.85 × its MSE (and
    0.8 × the noise floor's), at most ``AR_LIMIT`` = 2 × it, and the long window must beat the
    short one. Last, it calls the function once more for the short window, Keras seeded as for
    the first call, on the series with fresh noise on its test part (the values only the test
    windows read): the model must come back the same, forecast for forecast
    (:func:`_refuse_a_model_that_reads_the_test_part`).

    Calibration (``make calibrate CHECKS=3.4``, and 9 draws of four recipes measured while
    setting the bar): one LSTM trained once per window is a noisy estimator. The exercise's
    first recipe (30 epochs at batch 32 and a constant 3e-3) scored 1.03–1.33 × AR on the short
    window and 1.00–1.41 × on the long one over those 9 draws; other reasonable recipes (1e-2,
    batch 16, 1e-3 for 20 epochs) up to 1.56 ×. So the upper bound is 2 × AR. Over seeds
    1000–1099 that recipe failed once (seed 1088: σ = 0.073, window 4 at 2.4 × AR: at low noise
    the AR's error is small, and 450–600 Adam steps leave the LSTM's fit error above it) and
    used up to 0.94 of the allowance. The exercise now asks for batch 16 (twice the steps) with
    the rate decayed from 3e-3 to zero along a cosine: all 100 draws passed, using at most 0.80
    of the allowance, the bar's very edge (``benchmarks/results/check_calibration.md``). A
    barely trained tiny LSTM was refused on all 100 draws. It refuses a barely trained
    model and a memorised or constant answer on every draw, but a model trained for only 3
    epochs scored 1.47–4.0 × AR on the short window and was refused on 5 of those 9 draws:
    right and wrong answers overlap there. With the current recipe (batch 16, cosine), 3
    epochs were refused on 12 of 20 draws (2026-12-07). Scoring against the noise-free wave,
    which the check knows, does not close the gap (``benchmarks/check_34_overlap.py``, 70 draws
    of the short window, 2026-12-08): there the recipe's error reached 1.03-1.99 × the AR's
    and 3 epochs' 2.02-9.34 ×, and no bar on that score meets both limits. A worst margin of
    0.8 for the recipe needs a bar of at least 1.99 / 0.8 ≈ 2.49, and 5 % of the 3-epoch draws
    lie below 2.26 (at 2.2 ×, 68 of 70 refused but a worst margin of 0.90; at 2.5 ×, 0.80 and
    54 of 70). So that score is not the fix, and neither is the mean of several training runs:
    the recipe's hard draws are hard in every run (draw 1021: 1.82-2.10 in four runs; over the
    16 most extreme draws, the mean of four runs still reached 1.99 and 3 epochs' fell to
    2.08). Nor would a reference LSTM that the check trained itself on the same draw: against
    another run of the recipe, the recipe's runs scored up to 1.25 × it and 3-epoch runs down
    to 1.18 ×. A model trained on every
    window, test windows included, scores like a right one (LSTM(50) does not fit the test
    noise in 30 epochs enough to score below 0.85 × AR: refused on 0 of 20 draws by the score
    alone); the second call for the short window is what refuses it now.
    """
    task = _noisy_task(rng)
    series = task["series"]
    refs = {w: _references(series, task["clean"], w) for w in task["windows"]}
    own: dict[int, float] = {}
    short, long = task["windows"]
    for window in task["windows"]:
        what = f"window_test_mse(series, {window})"
        seed = _seed_keras(rng)
        got = _call_window_test_mse(window_test_mse, series, window, what)
        if window == short:  # what the second call repeats: the model, its forecasts at once
            first = got[1], _forecasts(got[1], got[2], _probe(series, window), what), seed
        own[window] = _returned_score(got, series, window, what)
    for window, score in own.items():
        ar_mse, floor = refs[window]
        # the two lower bounds (a leak): the share of the 20 % / 15 % an answer falls below
        record_margin(max(0.0, 1.0 - score / floor), 0.2)
        record_margin(max(0.0, 1.0 - score / ar_mse), 0.15)
        record_margin(score / ar_mse, AR_LIMIT)
        if score < 0.8 * floor or score < 0.85 * ar_mse:
            raise Hint(
                f"for window {window} your model scores {score:.3g} on the test windows, better "
                "than a linear autoregression can: did it train on the last 20 % of the windows? "
                "Train on the first 80 % only"
            )
        if score > AR_LIMIT * ar_mse:
            raise Hint(
                f"for window {window} your LSTM's test MSE is {score:.3g}, more than "
                f"{AR_LIMIT:g} × what "
                "a linear autoregression with the same window reaches: it is under-trained. "
                "Train longer or with more steps (e.g. 30 epochs at batch size 16, the rate "
                "falling from 3e-3 to zero along a cosine)"
            )
    record_margin(own[long] / own[short], 1.0)
    if not own[long] < own[short]:
        raise Hint(
            f"your window {long} does no better than window {short} ({own[long]:.3g} vs "
            f"{own[short]:.3g}): a long window can average the noise away"
        )
    _refuse_a_model_that_reads_the_test_part(window_test_mse, task, short, *first)
    return (
        "both models scored on the check's own test windows: near a linear AR of the same "
        "window, and the long window wins; the test part of the series does not change the "
        "short window's model"
    )


def _returned_score(got: Any, series: np.ndarray, window: int, what: str) -> float:
    """The check's own test MSE of the returned model, after checking that the returned MSE is
    that score (hints for an MSE in scaled units, or any other number)."""
    value = require_number(got[0], f"the MSE {what} returned")
    score, scaled_score = _own_test_mse(got[1], got[2], series, window, what)
    record_margin(abs(value - score), 0.02 * score)
    if abs(value - score) <= 0.02 * score:
        return score
    if abs(value - scaled_score) <= 0.05 * scaled_score:
        raise Hint(
            f"for window {window} you return {value:.3g}, which looks like an MSE in scaled "
            "units: undo the scaling (invert_scaling) before comparing with the test targets"
        )
    raise Hint(
        f"for window {window} you return {value:.3g}, but the model you returned scores "
        f"{score:.3g} on the last 20 % of the windows (original units): return the test "
        "MSE of that model, measured on that split"
    )


def _probe(series: np.ndarray, window: int) -> np.ndarray:
    """The windows both calls' models forecast: the first 64 training windows of ``series``."""
    X, _ = make_windows(series, window)
    return X[:64, :, 0].astype(np.float64)


def _call_window_test_mse(window_test_mse: Any, series: np.ndarray, window: int, what: str):
    """The learner's ``(mse, model, scaler)`` for ``window``, its shape and model checked."""
    got = call_learner(window_test_mse, series.copy(), window, what="your window_test_mse")
    if not isinstance(got, tuple | list) or len(got) != 3:
        raise Hint(
            f"{what} should return three things, (mse, model, scaler); got "
            + ("None: did you forget the return?" if got is None else _kind(got))
        )
    _require_lstm_model(got[1], f"the model {what} returned", window)
    return got


def _forecasts(model: Any, scaler: Any, windows: np.ndarray, what: str) -> np.ndarray:
    """The model's forecasts for ``windows`` in original units, through the learner's scaler."""
    outputs = _scaled_outputs(model, scaler, windows, what)
    return invert_scaling(scaler, _column(outputs, len(windows), "its output"))


def _refuse_a_model_that_reads_the_test_part(
    window_test_mse: Any,
    task: dict[str, Any],
    window: int,
    model: Any,
    before: np.ndarray,
    seed: int,
) -> None:
    """Call ``window_test_mse`` again for ``window``, with Keras seeded as for the first call
    (``seed``), on the series whose test part (every value only the test windows read) carries
    fresh noise; ``model`` is the first call's model and ``before`` its forecasts of
    :func:`_probe`'s windows, taken right after that call.

    A model trained on the first 80 % of the windows, with a scaler fitted on them, never read
    those values: it comes back the same and forecasts the same, to the last bit (TensorFlow's
    op determinism is on in every notebook, ``cu.start``; without it the check cannot tell). A
    model that trained on the test windows comes back different. So does an answer that draws
    random numbers the check's seed does not fix (a generator of its own, created without a
    seed; Python's, NumPy's and Keras' global ones are seeded): the hint names both. The first
    call's forecasts were taken right after it, and the second call must return a new model
    whose returned MSE is its own, so a function that keeps its first model and hands it back
    is refused; one that hands back a *copy* of a model kept from before is not caught. A
    scaler fitted on the whole series goes unseen unless the series' minimum or maximum lies
    in its test part.
    """
    series, clean = task["series"], task["clean"]
    X, y = make_windows(series, window)
    cut = len(chronological_split(X, y, 0.8)[0]) + window  # the first value only tests read
    rng = np.random.default_rng(seed)
    altered = series.copy()
    altered[cut:] = clean[cut:] + rng.normal(0.0, task["sigma"], size=len(series) - cut)
    import keras

    keras.utils.set_random_seed(seed)
    what = f"window_test_mse(series, {window})"
    again = _call_window_test_mse(window_test_mse, altered, window, what)
    if again[1] is model:
        raise Hint(
            f"called a second time for window {window}, your function returned the very model "
            "object of the first call: train and return a new model at every call"
        )
    _returned_score(again, altered, window, what)
    after = _forecasts(again[1], again[2], _probe(series, window), what)
    change = float(np.max(np.abs(before - after)))
    record_margin(change, 1e-6)
    if change > 1e-6:
        raise Hint(
            f"called twice for window {window}, with Keras seeded the same way, on two series "
            "that differ only in their last 20 % (the test part), your function returned models "
            f"whose forecasts differ by up to {change:.2g}: they depend on the test part, or on "
            "random numbers the seed does not fix. Fit the scaler and the model on the first "
            "80 % of the windows only, and seed any random generator of your own (e.g. "
            "np.random.default_rng(0))"
        )
