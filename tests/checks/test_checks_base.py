"""The exercise-check protocol (course_utils.checks.base) and the worked example ex_00_1."""

import numpy as np
import pytest
from helpers import stub

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


def test_pass_line_and_record(capsys):
    ex_00_9(lambda a, b: a * b)
    assert capsys.readouterr().out == "✅ Exercise 0.9 passed\n"
    assert base.RESULTS["0.9"] == CheckResult("0.9", True, "")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (stub, "not done yet: your code still raises NotImplementedError"),
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
        call_learner(stub)
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
        (stub, False, "not done yet"),
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


# --- the protocol's defences (issue 15): fresh draws, seeds, one-line hints ------------------


@exercise_check
def ex_00_7(double, *, rng):
    """A toy check with a random draw: double(x) must return 2 * x for x it draws."""
    x = rng.normal(size=int(rng.integers(3, 9)))
    got = as_array(call_learner(double, x.copy()), "double(x)", shape=x.shape)
    if not np.allclose(got, 2 * x):
        raise Hint("double(x) should return 2 * x")


def test_a_check_with_rng_draws_new_inputs_on_every_call():
    seen = []

    def spy(x):
        seen.append(x.copy())
        return 2 * x

    for _ in range(3):
        assert ex_00_7.evaluate(spy).passed
    assert len({tuple(x) for x in seen}) == 3, "three calls, three different draws"


def test_a_memoriser_passes_once_and_fails_the_next_draw_with_its_seed():
    memory = {}

    def memoriser(x):
        memory.setdefault("answer", 2 * x)
        return memory["answer"]

    assert ex_00_7.evaluate(memoriser, seed=1).passed
    result = ex_00_7.evaluate(memoriser, seed=2)
    assert not result.passed and result.seed == 2
    assert "[seed=2 repeats this draw]" in result.line()


def test_the_same_seed_repeats_the_same_draw():
    seen = []

    def spy(x):
        seen.append(x.copy())
        return 2 * x

    ex_00_7.evaluate(spy, seed=11)
    ex_00_7.evaluate(spy, seed=11)
    np.testing.assert_array_equal(seen[0], seen[1])
    assert "seed must be an int" in ex_00_7.evaluate(spy, seed="x").message
    assert "seed must be an int" in ex_00_7.evaluate(spy, seed=-1).message


def test_not_done_lines_carry_no_seed():
    result = ex_00_7.evaluate(stub, seed=5)
    assert result.seed is None and "not done yet" in result.line()
    assert "seed=" not in result.line()


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda a, b: __import__("sys").exit(), "called exit() or sys.exit()"),
        (lambda a: a, "cannot be called as <lambda>(x1, x2): it takes (a)"),
        (lambda a, b: "42", "should be a number, got a str"),
        (lambda a, b: np.int64(13), "you added the numbers"),
        (lambda a, b: 2.0**5000, "raised OverflowError"),
    ],
)
def test_wrong_answers_get_their_own_one_line_hint(answer, message):
    result = ex_00_9.evaluate(answer)
    assert not result.passed
    assert message in result.message
    assert "\n" not in result.message and "Run the exercise cell again" not in result.message


def test_long_errors_are_cut_to_one_line():
    def verbose(a, b):
        raise ValueError("Exception encountered when calling X\nshape mismatch\n" + "x" * 900)

    message = ex_00_9.evaluate(verbose).message
    assert "ValueError: shape mismatch" in message and len(message) < 250


def test_calling_a_check_with_the_wrong_arguments_is_one_line():
    result = ex_00_9.evaluate()
    assert not result.passed and "called with the wrong arguments" in result.message


def test_done_and_attempt(capsys):
    assert not base.done(stub) and not base.done(None)
    assert base.done(lambda: 1) and base.done(len)
    assert base.attempt(stub, exercise="0.9") is None
    assert "finish exercise 0.9 first" in capsys.readouterr().out
    assert base.attempt(lambda: [][1], exercise="0.9") is None
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "IndexError" in out and "Traceback" not in out
    assert base.attempt(lambda x: x + 1, 1, exercise="0.9") == 2


def test_model_helpers_refuse_mutation_and_name_bad_shapes():
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    before = base.snapshot_weights(model)
    assert base.model_outputs(model, np.ones((4, 3)), trained=False).shape == (4, 2)
    base.require_weights_unchanged(model, before)
    model.layers[-1].kernel.assign(np.zeros((3, 2)))
    with pytest.raises(Hint, match="changed the model's weights"):
        base.require_weights_unchanged(model, before)
    with pytest.raises(Hint, match=r"could not take inputs of shape \(4, 5\)"):
        base.model_outputs(model, np.ones((4, 5)), trained=False)
    with pytest.raises(Hint, match=r"should be a keras\.Model"):
        base.model_outputs("model", np.ones((4, 3)))


def test_fixed_draws_repeat_across_processes_and_differ_between_calls(monkeypatch):
    from course_utils.checks import base

    seen = []

    @base.exercise_check
    def ex_00_6(answer, *, rng):
        seen.append(int(rng.integers(0, 10**9)))

    monkeypatch.setenv(base.FIXED_DRAWS_ENV, "11")
    monkeypatch.setattr(base, "_fixed_calls", {})
    ex_00_6.evaluate(1), ex_00_6.evaluate(1)
    monkeypatch.setattr(base, "_fixed_calls", {})
    ex_00_6.evaluate(1), ex_00_6.evaluate(1)
    assert seen[:2] == seen[2:] and seen[0] != seen[1]
    monkeypatch.delenv(base.FIXED_DRAWS_ENV)
    ex_00_6.evaluate(1), ex_00_6.evaluate(1)
    assert len(set(seen[4:]) | set(seen[:2])) == 4  # fresh draws when the variable is unset


def test_a_margin_is_the_largest_share_of_an_allowance_and_none_when_not_recorded():
    from course_utils.checks import base

    @base.exercise_check
    def ex_00_5(error):
        base.record_margin(error, 0.5)
        base.record_margin(error / 10, 0.5)
        if error > 0.5:
            raise base.Hint("too large")

    assert ex_00_5.evaluate(0.25).margin == pytest.approx(0.5)
    refused = ex_00_5.evaluate(1.0)
    assert not refused.passed and refused.margin == pytest.approx(2.0)
    base.record_margin(1.0, 0.5)  # outside a check: nothing happens, nothing raised


def test_check_names_are_parsed_in_one_place():
    import course_utils.checks as checks
    from course_utils.checks.base import parse_check_name

    assert parse_check_name("ex_07_12") == ("07", "7.12")
    for bad in ("ex_7_1", "ex_07_", "ex_07_1x", "check_07_1", None):
        with pytest.raises(ValueError, match="named ex_NN_M"):
            parse_check_name(bad)
    assert checks.ex_00_1.__name__ == "ex_00_1"
    for missing in ("ex_0_1", "ex_99_1", "ex_00_99"):
        with pytest.raises(AttributeError, match="checks are named like ex_03_1"):
            getattr(checks, missing)
