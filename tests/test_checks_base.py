"""The exercise-check protocol (course_utils.checks.base) and the worked example ex_00_1."""

import json

import numpy as np
import pytest

import course_utils as cu
from course_utils.checks import base
from course_utils.checks.base import (
    CheckResult,
    Hint,
    as_array,
    call_learner,
    exercise_check,
    exercise_number,
    require_close,
    require_keras_model,
    require_number,
)


@exercise_check
def ex_00_9(answer_function):
    """A toy check: the learner's function must return 42 for 6 * 7."""
    value = require_number(call_learner(answer_function, 6, 7), "your answer")
    if value == 13:
        raise Hint("you added the numbers; multiply them")
    if value != 42:
        raise Hint(f"got {value:g}, expected 42")


def _stub(*args):
    raise NotImplementedError("Exercise 0.9: replace this line with your code")


def test_pass_line_and_record(capsys):
    ex_00_9(lambda a, b: a * b)
    assert capsys.readouterr().out == "✅ Exercise 0.9 passed\n"
    assert base.RESULTS["0.9"] == CheckResult("0.9", True, "")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (_stub, "not done yet: your code still raises NotImplementedError"),
        (lambda a, b: a + b, "you added the numbers; multiply them"),
        (lambda a, b: None, "your answer should be a number, got None"),
        (lambda a, b: float("nan"), "your answer is nan, expected a finite number"),
        (lambda a, b: 1 / 0, "raised ZeroDivisionError: division by zero"),
        (None, "expected a function, got None"),
        (42, "expected a function, got a int"),
    ],
)
def test_failures_are_one_line_hints_never_tracebacks(capsys, answer, message):
    ex_00_9(answer)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "Traceback" not in out
    assert out.startswith("❌ Exercise 0.9: ")
    assert message in out


def test_unexpected_exception_inside_a_check_is_reported_not_raised():
    @exercise_check
    def ex_00_8(value):
        return value.missing_attribute  # a wrong type reaching the checker's own code

    result = ex_00_8.evaluate(3)
    assert not result.passed
    assert "the check could not use your answer (AttributeError" in result.message


def test_results_are_appended_to_the_report_file(tmp_path, monkeypatch):
    report = tmp_path / "report.jsonl"
    monkeypatch.setenv(base.REPORT_ENV, str(report))
    ex_00_9(lambda a, b: a * b)
    ex_00_9(_stub)
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert [entry["passed"] for entry in lines] == [True, False]
    assert lines[0] == {"exercise": "0.9", "passed": True, "message": ""}


def test_exercise_numbers_come_from_the_function_name():
    assert exercise_number("ex_03_1") == "3.1"
    assert exercise_number("ex_10_12") == "10.12"
    for bad in ("ex_3_1", "check_03_1", "ex_03_x"):
        with pytest.raises(ValueError, match="ex_NN_M"):
            exercise_number(bad)
    with pytest.raises(ValueError, match="ex_NN_M"):

        @exercise_check
        def my_check():  # not named ex_NN_M
            pass


def test_as_array_accepts_lists_and_tensors_and_rejects_bad_values():
    np.testing.assert_array_equal(as_array([1, 2], "y"), [1.0, 2.0])
    assert as_array(np.zeros((3, 1)), "y", shape=(None, 1)).shape == (3, 1)
    with pytest.raises(Hint, match=r"y has shape \(3, 1\), expected \(3,\)"):
        as_array(np.zeros((3, 1)), "y", shape=(3,))
    with pytest.raises(Hint, match=r"expected \(any, 2\)"):
        as_array(np.zeros((3, 1)), "y", shape=(None, 2))
    with pytest.raises(Hint, match="NaN or infinite"):
        as_array([1.0, np.inf], "y")
    with pytest.raises(Hint, match="should be numbers"):
        as_array(["a", "b"], "y")
    with pytest.raises(Hint, match="is None"):
        as_array(None, "y")
    assert np.isnan(as_array([np.nan], "y", finite=False)[0])


def test_require_close_reports_the_difference():
    require_close([1.0, 2.0 + 1e-9], np.array([1.0, 2.0]), "h")
    with pytest.raises(Hint, match=r"differs from the reference by up to 0\.1"):
        require_close([1.0, 2.1], np.array([1.0, 2.0]), "h")
    with pytest.raises(Hint, match="shape"):
        require_close([1.0], np.array([1.0, 2.0]), "h")


def test_require_number():
    assert require_number(np.float32(2.5), "x") == 2.5
    for bad in (None, True, "abc", [1, 2]):
        with pytest.raises(Hint, match="should be a number"):
            require_number(bad, "x")
    with pytest.raises(Hint, match="finite"):
        require_number(float("inf"), "x")


def test_call_learner_keeps_the_stub_apart_from_other_errors():
    with pytest.raises(base.NotDone, match="not done yet"):
        call_learner(_stub)
    with pytest.raises(Hint, match="your function f raised KeyError"):

        def f():
            raise KeyError("k")

        call_learner(f)


def test_require_keras_model_recognises_unbuilt_uncompiled_and_untrained_models():
    import keras

    with pytest.raises(Hint, match="is None"):
        require_keras_model(None)
    with pytest.raises(Hint, match=r"should be a keras\.Model, got a str"):
        require_keras_model("model")
    unbuilt = keras.Sequential([keras.layers.Dense(1)])
    with pytest.raises(Hint, match="not built yet"):
        require_keras_model(unbuilt)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(Hint, match="not compiled"):
        require_keras_model(model)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(Hint, match="has not been trained"):
        require_keras_model(model)
    require_keras_model(model, trained=False)
    model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=1, verbose=0)
    assert require_keras_model(model) is model


def test_lazy_lookup_of_lesson_checks():
    assert cu.checks.ex_00_1.exercise == "0.1"
    with pytest.raises(AttributeError, match="no check called 'ex_00_99'"):
        cu.checks.ex_00_99  # noqa: B018
    with pytest.raises(AttributeError, match="no check called 'ex_99_1'"):
        cu.checks.ex_99_1  # noqa: B018


# --- the worked example of notebook 00 -----------------------------------------------------


def _scale(values):
    return (values - values.min()) / (values.max() - values.min())


@pytest.mark.parametrize(
    ("answer", "passed", "message"),
    [
        (_scale, True, "passed"),
        (_stub, False, "not done yet"),
        (lambda v: v / v.max(), False, "you divided by the maximum"),
        (lambda v: v - v.mean(), False, "should lie in [0, 1]"),
        (lambda v: np.sort(_scale(v)), False, "the smallest value should map to 0"),
        (lambda v: _scale(v)[:-1], False, "has shape"),
        (lambda v: None, False, "is None"),
    ],
)
def test_ex_00_1(answer, passed, message):
    result = cu.checks.ex_00_1.evaluate(answer)
    assert result.passed is passed
    assert message in result.line()
