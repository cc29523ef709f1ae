"""Checks of lesson 03 (course_utils.checks.ex03).

Each check receives a builder, draws its own task from a fresh seed, and judges what the builder
returns on data it never saw. The fast tests use tiny models and exact rules to reach every hint
and to try each class of cheat (typed numbers, input-ignoring memorisers, loose one-liners,
models without the LSTM the exercise asks for); the slow tests run the solutions notebook's own
code (read between its BEGIN/END SOLUTION markers) on one fixed seed each: how often the
solutions pass on fresh draws, and with what margin, is measured by
``benchmarks/check_calibration.py`` (answers in ``benchmarks/calibration/ex03.py``).
"""

import re

import keras
import nbformat
import numpy as np
import pytest
from helpers import ROOT, stub

from course_utils.baselines import LinearAR, mse
from course_utils.checks import ex03
from course_utils.checks.ex03 import STEP, ex_03_1, ex_03_2, ex_03_3, ex_03_4
from course_utils.data import chronological_split, fit_scaler, make_windows

SOLUTIONS = ROOT / "solutions/03_sine_forecasting_solutions.ipynb"


def message(check, answer, seed=0):
    result = check.evaluate(answer, seed=seed)
    assert not result.passed, result.message
    return result.message


def tiny_model(window, layer="lstm", steps=1):
    """A compiled model that has taken `steps` optimizer steps (so checks see it as trained)."""
    keras.utils.set_random_seed(0)
    middle = keras.layers.LSTM(2) if layer == "lstm" else keras.layers.Flatten()
    model = keras.Sequential([keras.Input((window, 1)), middle, keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    if steps:
        x = np.zeros((4, window, 1), dtype=np.float32)
        model.fit(x, np.zeros((4, 1)), epochs=steps, verbose=0)
    return model


# --- the solutions notebook's own answers ---------------------------------------------------


def solution_namespace():
    """Run the solutions notebook's import cell and its exercise cells' definitions."""
    nb = nbformat.read(SOLUTIONS, as_version=4)
    namespace: dict = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or "cu.checks" in cell.source or "cu.start" in cell.source:
            continue
        if cell.source.startswith("import") or "BEGIN SOLUTION" in cell.source:
            exec(compile(cell.source, "<solutions 03>", "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def solution():
    return solution_namespace()


def graded(result):
    """The result, after asserting it passed and recorded a margin inside its allowance."""
    assert result.passed, result.message
    assert result.margin is not None, "the check recorded no margin (record_margin)"
    assert 0.0 <= result.margin <= 1.0
    return result


@pytest.mark.slow
def test_3_1_passes_on_the_solution(solution):
    result = graded(ex_03_1.evaluate(solution["train_cosine_model"], seed=7))
    assert "beyond the series" in result.message


@pytest.mark.slow
def test_3_2_passes_on_the_solution(solution):
    graded(ex_03_2.evaluate(solution["make_step_model"], seed=3))


@pytest.mark.slow
def test_3_3_passes_on_the_solution(solution):
    graded(ex_03_3.evaluate(solution["make_counting_forecaster"], seed=11))


@pytest.mark.slow
def test_3_4_passes_on_the_solution(solution):
    result = graded(ex_03_4.evaluate(solution["window_test_mse"], seed=5))
    assert "own test windows" in result.message


def test_margins_are_recorded_where_the_checks_grade():
    """A graded refusal records its share too (more than 1); a structural one records none."""
    baseline = maker(lambda w, s: w[:, -1] + np.diff(s).mean())
    assert graded(ex_03_3.evaluate(baseline, seed=0)).margin < 1e-6
    far = ex_03_3.evaluate(maker(lambda w, s: w[:, -1] + 2 * np.diff(s).mean()), seed=0)
    assert not far.passed and far.margin == pytest.approx(4.0)  # a whole step off: 4 quarters
    assert ex_03_3.evaluate(maker(lambda w, s: w[:, -1]), seed=0).margin is None


@pytest.mark.slow
def test_3_1_refuses_a_model_memorised_from_the_lessons_cosine(solution):
    """Trained once on the lesson's cos(t), then returned whatever series the check gives."""
    t = np.linspace(0, 100, 1000)
    memorised = solution["train_cosine_model"](np.cos(t), 10)
    msg = message(ex_03_1, lambda series, window: memorised, seed=1)
    assert "scaler was fitted on values" in msg or "windows of" in msg


@pytest.mark.slow
def test_3_2_refuses_a_model_trained_on_the_one_example():
    def make_one_example_model():
        model = tiny_model(5, steps=0)
        x = (0.1 + 0.1 * np.arange(5)).reshape(1, 5, 1)
        model.fit(np.repeat(x, 32, 0), np.full((32, 1), 0.6), epochs=60, verbose=0)
        return model

    msg = message(ex_03_2, make_one_example_model)
    assert "train on many sequences" in msg or "expected 0.6" in msg


# --- 3.1 ------------------------------------------------------------------------------------


def test_3_1_not_done_typed_values_and_one_liners():
    assert "not done yet" in message(ex_03_1, stub)
    assert "expected a function" in message(ex_03_1, None)
    assert "expected a function" in message(ex_03_1, 0.0005)  # a typed number
    # a predictor one-liner instead of a builder: it cannot take (series, window)
    assert "cannot be called" in message(ex_03_1, lambda w: w[:, -1] + 0.1)
    assert "return two things" in message(ex_03_1, lambda series, window: None)
    assert "return two things" in message(ex_03_1, lambda series, window: 0.0005)


def test_3_1_model_and_scaler_hints():
    def with_scaler(model_of_window, scaler_of_series=None):
        def build(series, window):
            scaler = (scaler_of_series or (lambda s: fit_scaler(s[: int(0.8 * len(s))])))(series)
            return model_of_window(window), scaler

        return build

    assert "not been trained" in message(ex_03_1, with_scaler(lambda w: tiny_model(w, steps=0)))
    assert "no LSTM layer" in message(ex_03_1, with_scaler(lambda w: tiny_model(w, "dense")))
    assert "keras.Model" in message(ex_03_1, with_scaler(lambda w: "model"))
    bad_scaler = with_scaler(tiny_model, lambda series: "scaler")
    assert "cannot scale the windows" in message(ex_03_1, bad_scaler)
    whole_series = with_scaler(tiny_model, fit_scaler)  # the leak: min and max of the test part
    for seed in (0, 1, 2):
        assert "from the test part" in message(ex_03_1, whole_series, seed=seed)
    lesson_scaler = with_scaler(tiny_model, lambda series: fit_scaler(np.cos(np.arange(100.0))))
    assert "scaler was fitted on values" in message(ex_03_1, lesson_scaler, seed=2)
    fitted_tiny = message(ex_03_1, with_scaler(tiny_model))
    assert "× that of persistence" in fitted_tiny or "last value" in fitted_tiny
    wrong_window = with_scaler(lambda w: tiny_model(w + 1))
    assert "windows of" in message(ex_03_1, wrong_window)


def test_3_1_draws_a_new_task_at_every_call_and_repeats_it_by_seed():
    seen = []

    def spy(series, window):
        seen.append((len(series), window, float(series[0]), float(series.max())))
        return None

    for seed in (0, 0, 1, 2):
        ex_03_1.evaluate(spy, seed=seed)
    assert seen[0] == seen[1]
    assert len(set(seen)) == 3


# --- 3.2 ------------------------------------------------------------------------------------


def test_3_2_not_done_typed_values_and_structure():
    assert "not done yet" in message(ex_03_2, stub)
    assert "expected a function" in message(ex_03_2, 0.6)
    assert "keras.Model" in message(ex_03_2, lambda: 0.6)
    assert "keras.Model" in message(ex_03_2, lambda: lambda w: w[:, -1] + 0.1)
    assert "not been trained" in message(ex_03_2, lambda: tiny_model(5, steps=0))
    assert "no LSTM layer" in message(ex_03_2, lambda: tiny_model(5, "dense"))
    assert "takes windows of 4 steps" in message(ex_03_2, lambda: tiny_model(4))
    untrained_guess = message(ex_03_2, lambda: tiny_model(5))
    assert "expected 0.6" in untrained_guess or "last value" in untrained_guess


def fitted(model, window):
    """Compile `model` and take one optimizer step, so the checks see it as trained."""
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((4, window, 1)), np.zeros((4, 1)), epochs=1, verbose=0)
    return model


def rule_beside_an_idle_lstm(window):
    """The cheat: "last value plus last step" in tensor arithmetic, plus 0 × an LSTM."""
    inputs = keras.Input((window, 1))
    idle = keras.layers.Dense(1)(keras.layers.LSTM(2)(inputs))
    rule = 2 * inputs[:, -1] - inputs[:, -2] + 0 * idle
    return fitted(keras.Model(inputs, rule), window)


def rule_in_a_lambda(window):
    return fitted(
        keras.Sequential(
            [
                keras.Input((window, 1)),
                keras.layers.LSTM(2, return_sequences=True),
                keras.layers.Lambda(lambda h: h[:, -1, :1]),
            ]
        ),
        window,
    )


class RuleModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.lstm = keras.layers.LSTM(2)

    def call(self, x):
        return 2 * x[:, -1] - x[:, -2] + 0 * self.lstm(x)[:, :1]


def rule_in_a_subclass(window):
    model = RuleModel()
    model(np.zeros((1, window, 1), dtype=np.float32))
    return fitted(model, window)


def test_3_1_and_3_2_refuse_a_rule_written_into_a_model_beside_an_lstm():
    assert "not a rule written into the model" in message(
        ex_03_2, lambda: rule_beside_an_idle_lstm(5)
    )
    assert "Lambda" in message(ex_03_2, lambda: rule_in_a_lambda(5))
    assert "subclassed" in message(ex_03_2, lambda: rule_in_a_subclass(5))

    def with_scaler(series, window):
        return rule_beside_an_idle_lstm(window), fit_scaler(series[: int(0.8 * len(series))])

    assert "not a rule written into the model" in message(ex_03_1, with_scaler)


def test_plain_models_pass_the_structure_check():
    from course_utils.models import build_regressor

    for model in (
        build_regressor(5, units=2, layers=2, dropout=0.1, bidirectional=True, norm="layer"),
        tiny_model(5),
    ):
        assert ex03._foreign_parts(model) == []


# --- 3.3 ------------------------------------------------------------------------------------


def maker(rule):
    """A make_counting_forecaster that returns predict_next = rule(windows, sequence)."""
    return lambda sequence, window: lambda windows: rule(np.asarray(windows), sequence)


def test_3_3_accepts_the_named_baseline_last_value_plus_mean_step():
    baseline = maker(lambda w, s: w[:, -1] + np.diff(s).mean())
    for seed in (0, 1, 2):
        result = ex_03_3.evaluate(baseline, seed=seed)
        assert result.passed and "far beyond" in result.message


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (stub, "not done yet"),
        (None, "expected a function"),
        (11, "expected a function"),
        (lambda w: w[:, -1] + 1, "cannot be called"),  # a predictor instead of the maker
        (lambda sequence, window: None, "should return a function"),
        (lambda sequence, window: [11.0], "should return a function"),
        (maker(lambda w, s: w[:, -1]), "last number"),
        (maker(lambda w, s: w[:, -1] + 1), "adds 1"),
        (maker(lambda w, s: w[:, -1] + 2 * np.diff(s).mean()), "off by more than a quarter"),
        (maker(lambda w, s: np.minimum(w[:, -1] + np.diff(s).mean(), s.max() * 3)), "behind"),
        (maker(lambda w, s: None), "forget to `return`"),
        (maker(lambda w, s: w[:, -1:] + np.zeros((1, 2))), "shape"),
        (maker(lambda w, s: 1 / 0), "ZeroDivisionError"),
    ],
)
def test_3_3_hints(answer, hint):
    assert hint in message(ex_03_3, answer, seed=4)


def test_3_3_refuses_a_memoriser_of_one_draw():
    recorded = {}

    def spy(sequence, window):
        def predict_next(windows):
            recorded["answer"] = windows[:, -1] + np.diff(sequence).mean()
            return recorded["answer"]

        return predict_next

    assert ex_03_3.evaluate(spy, seed=0).passed
    memorised = recorded["answer"].copy()
    assert "quarter step" in message(ex_03_3, maker(lambda w, s: memorised), seed=1) or (
        "behind" in message(ex_03_3, maker(lambda w, s: memorised), seed=1)
    )


# --- 3.4 ------------------------------------------------------------------------------------


def ar_test_mse(series, window, factor=1.0):
    """What a linear AR(window) gets on the same split (what a converged LSTM gets, about)."""
    X, y = make_windows(series, window)
    X_train, X_test, _, y_test = chronological_split(X, y, 0.8)
    ar = LinearAR(window).fit(series[: len(X_train) + window])
    return factor * mse(y_test, ar.predict(X_test))


def tiny_answer(returns="own", layer="lstm", steps_off=0):
    """A window_test_mse answering (number, model, scaler) with a barely trained tiny model.

    ``returns`` picks the number: "own" (the model's true test MSE), "scaled" (the same in
    scaled units) or "ar" (a least-squares AR's MSE: a number that needs no LSTM at all).
    """

    def answer(series, window):
        X, y = make_windows(series, window)
        X_train, _, _, _ = chronological_split(X, y, 0.8)
        scaler = fit_scaler(series[: len(X_train) + window])
        model = tiny_model(window + steps_off, layer=layer)
        if returns == "ar":
            return ar_test_mse(series, window), model, scaler
        own, scaled = ex03._own_test_mse(model, scaler, series, window, "test")
        return (own if returns == "own" else scaled), model, scaler

    return answer


def test_3_4_refuses_a_least_squares_ar_stand_in():
    """The number of a least-squares AR (no LSTM trained) no longer passes: the model is scored."""
    for seed in (0, 1, 2):
        msg = message(ex_03_4, tiny_answer("ar"), seed=seed)
        assert "the model you returned scores" in msg


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (stub, "not done yet"),
        ({2: 0.024, 5: 0.021, 20: 0.0118, 40: 0.0112}, "expected a function"),  # typed results
        (0.011, "expected a function"),
        (lambda series, window: "0.011", "three things"),
        (lambda series, window: None, "forget the return"),
        (lambda series, window: ar_test_mse(series, window), "three things"),  # the old answer
        (lambda s, w: (float("nan"), *tiny_answer()(s, w)[1:]), "finite"),
        (lambda s, w: ("0.011", *tiny_answer()(s, w)[1:]), "should be a number"),
        (lambda series: 0.01, "cannot be called"),
        (tiny_answer(layer="flatten"), "no LSTM layer"),
        (tiny_answer(steps_off=1), "takes windows of"),
        (lambda s, w: (*tiny_answer()(s, w)[:2], "scaler"), "cannot scale"),
        (tiny_answer("scaled"), "scaled units"),  # MSE left in scaled units
        (tiny_answer("own"), "under-trained"),
    ],
)
def test_3_4_hints(answer, hint):
    assert hint in message(ex_03_4, answer, seed=3)


def test_3_4_refuses_constants_and_memorised_answers():
    for value in (0.01, 0.011, 0.0125, 0.02):
        assert not ex_03_4.evaluate(lambda s, w, v=value: v, seed=1).passed
    seen = {}
    honest = tiny_answer("own")

    def spy(series, window):
        seen[window] = honest(series, window)
        return seen[window]

    assert "under-trained" in message(ex_03_4, spy, seed=0)
    table = dict(seen)
    memoriser = lambda s, w: table.get(w, next(iter(table.values())))  # noqa: E731
    refused = [not ex_03_4.evaluate(memoriser, seed=seed).passed for seed in (1, 2, 3, 4)]
    assert all(refused)


def test_hints_never_show_the_reference_for_the_judged_draw():
    """A failing 3.4 line shows the learner's own value, never the AR reference it compares to."""
    for seed in (1, 2):
        task = ex03._noisy_task(np.random.default_rng(seed))
        refs = [ex03._references(task["series"], task["clean"], w) for w in task["windows"]]
        msg = message(ex_03_4, tiny_answer("own"), seed=seed)
        for ar_mse, floor in refs:
            assert f"{ar_mse:.3g}" not in msg and f"{floor:.3g}" not in msg
        assert re.search(r"\d\.\d+", msg)  # the learner's own number is shown


def test_step_constant():
    assert STEP == pytest.approx(np.linspace(0, 100, 1000)[1])


# --- 3.4's second call: a model must not depend on the test part of the series -------------


def fitted_answer(fit_on="train", unseeded=False):
    """A window_test_mse whose tiny LSTM really trains (one epoch): on the training windows, or
    on every window (``fit_on="all"``), optionally shuffling with an unseeded generator."""

    def answer(series, window):
        X, y = make_windows(series, window)
        X_train, _, y_train, _ = chronological_split(X, y, 0.8)
        scaler = fit_scaler(series[: len(X_train) + window])
        X_fit, y_fit = (X, y) if fit_on == "all" else (X_train, y_train)
        if unseeded:
            order = np.random.default_rng().permutation(len(X_fit))
            X_fit, y_fit = X_fit[order], y_fit[order]
        model = keras.Sequential(
            [keras.Input((window, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)]
        )
        model.compile(optimizer="adam", loss="mse")
        scaled = ex03.apply_scaler(scaler, X_fit[:, :, 0])[:, :, None].astype(np.float32)
        model.fit(scaled, ex03.apply_scaler(scaler, y_fit), epochs=1, batch_size=32, verbose=0)
        own, _ = ex03._own_test_mse(model, scaler, series, window, "test")
        return own, model, scaler

    return answer


def second_call(answer, seed=0, keras_seed=7):
    """3.4's second call alone, for the short window of draw ``seed``: None or the hint."""
    task = ex03._noisy_task(np.random.default_rng(seed))
    short = task["windows"][0]
    keras.utils.set_random_seed(keras_seed)
    got = answer(task["series"].copy(), short)
    forecasts = ex03._forecasts(got[1], got[2], ex03._probe(task["series"], short), "test")
    try:
        ex03._refuse_a_model_that_reads_the_test_part(
            answer, task, short, got[1], forecasts, keras_seed
        )
    except ex03.Hint as hint:
        return str(hint)
    return None


def test_3_4_second_call_keeps_a_model_that_never_read_the_test_part():
    for seed in (0, 1):
        assert second_call(fitted_answer(), seed=seed) is None


@pytest.mark.parametrize(
    "answer",
    [
        fitted_answer(fit_on="all"),  # the leak: trained on the test windows too
        fitted_answer(unseeded=True),  # randomness the check's seed does not fix
    ],
    ids=["trained on every window", "unseeded shuffle"],
)
def test_3_4_second_call_refuses_a_model_that_changes_with_the_test_part(answer):
    hint = second_call(answer)
    assert hint is not None and "they depend on the test part" in hint
    assert "first 80 %" in hint and "seed any random generator" in hint


def test_3_4_second_call_refuses_the_first_model_handed_back():
    """A function that keeps its models and hands one back (trained, say, on every window) is
    refused, whether it returns the very object or keeps only the score it first returned."""
    kept = {}
    honest = fitted_answer(fit_on="all")

    def keeper(series, window):
        if window not in kept:
            kept[window] = honest(series, window)
        return kept[window]

    assert "the very model object of the first call" in second_call(keeper)
    kept.clear()

    def stale_score(series, window):  # a new model, but the first call's number
        fresh = honest(series, window)
        kept.setdefault(window, fresh[0])
        return kept[window], fresh[1], fresh[2]

    hint = second_call(stale_score)
    assert "but the model you returned scores" in hint or "depend on the test part" in hint


@pytest.mark.slow
def test_3_4_refuses_the_calibrations_leak_that_its_score_let_through():
    """The answer calibration lists as "trained on every window (leak)", whole: it passes every
    judgement of the score (0 of 20 draws refused before the second call), and is refused now."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from calibration.ex03 import window_recipe

    assert "depend on the test part" in message(ex_03_4, window_recipe(train_on_all=True), seed=5)
