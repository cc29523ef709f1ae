"""The protocol every exercise check follows.

A check is a function ``ex_NN_M(...)`` decorated with :func:`exercise_check`. It re-computes what
it judges on data it makes itself, calls the learner's code through :func:`call_learner`, and
raises :class:`Hint` with a specific, learner-facing message when the answer is not right. The
decorator turns that into one printed line, ``✅ Exercise 3.1 passed`` or ``❌ Exercise 3.1: ...``,
never a traceback, and records the result for ``python -m course_utils check``.

Introduced in ``notebooks/00_setup_and_tour.ipynb``.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

#: If this environment variable names a file, every check appends its result there as one JSON
#: line (``python -m course_utils check`` sets it for the kernel that runs a learner's notebook).
REPORT_ENV = "LSTM_COURSE_CHECK_REPORT"

_NAME = re.compile(r"ex_(\d{2})_(\d+)")


class Hint(Exception):
    """A learner's answer is not accepted; the message says what to look at."""


class NotDone(Hint):
    """The learner's code still raises the exercise stub's ``NotImplementedError``."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: which exercise, whether it passed, and the message shown.

    >>> CheckResult("0.1", False, "not done yet").passed
    False
    """

    exercise: str
    passed: bool
    message: str = ""

    def line(self) -> str:
        """The one line a learner sees.

        >>> CheckResult("3.1", True).line()
        '✅ Exercise 3.1 passed'
        >>> CheckResult("3.1", False, "the output has shape (5,), expected (5, 1)").line()
        '❌ Exercise 3.1: the output has shape (5,), expected (5, 1)'
        """
        if self.passed:
            return f"✅ Exercise {self.exercise} passed" + (
                f" — {self.message}" if self.message else ""
            )
        return f"❌ Exercise {self.exercise}: {self.message}"


#: The latest result of every check run in this Python process, by exercise number ("3.1").
RESULTS: dict[str, CheckResult] = {}


def exercise_number(function_name: str) -> str:
    """The exercise number a check function's name stands for.

    >>> exercise_number("ex_03_1")
    '3.1'
    >>> exercise_number("ex_12_10")
    '12.10'
    """
    match = _NAME.fullmatch(function_name)
    if not match:
        raise ValueError(f"check functions are named ex_NN_M (e.g. ex_03_1), got {function_name!r}")
    return f"{int(match[1])}.{int(match[2])}"


def _record(result: CheckResult) -> None:
    RESULTS[result.exercise] = result
    path = os.environ.get(REPORT_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")


def exercise_check(func: Callable[..., str | None]) -> Callable[..., None]:
    """Turn ``func`` (named ``ex_NN_M``) into a learner-facing check.

    ``func`` returns ``None`` or a short detail on success and raises :class:`Hint` on a wrong
    answer. The wrapped check prints one line and returns ``None`` (so a notebook shows the line
    once); ``check.evaluate(...)`` returns the :class:`CheckResult` without printing, for tests.

    Example::

        >>> @exercise_check
        ... def ex_00_9(answer):
        ...     if answer != 42:
        ...         raise Hint(f"got {answer!r}, expected the answer to everything")
        >>> ex_00_9(41)
        ❌ Exercise 0.9: got 41, expected the answer to everything
        >>> ex_00_9.evaluate(42).passed
        True
    """
    number = exercise_number(func.__name__)

    def evaluate(*args: Any, **kwargs: Any) -> CheckResult:
        try:
            detail = func(*args, **kwargs)
        except NotDone as exc:
            return CheckResult(number, False, str(exc))
        except Hint as exc:
            return CheckResult(number, False, str(exc))
        except NotImplementedError:
            return CheckResult(number, False, _not_done_message())
        except Exception as exc:
            return CheckResult(
                number,
                False,
                f"the check could not use your answer ({type(exc).__name__}: {exc}). "
                "Run the exercise cell again, then this one.",
            )
        return CheckResult(number, True, detail or "")

    @functools.wraps(func)
    def check(*args: Any, **kwargs: Any) -> None:
        result = evaluate(*args, **kwargs)
        _record(result)
        print(result.line())

    check.evaluate = evaluate  # type: ignore[attr-defined]
    check.exercise = number  # type: ignore[attr-defined]
    return check


def _not_done_message() -> str:
    return (
        "not done yet: your code still raises NotImplementedError. Replace the "
        "`raise NotImplementedError(...)` line with your solution, run that cell, then this one."
    )


def call_learner(func: Any, *args: Any, what: str | None = None, **kwargs: Any) -> Any:
    """Call the learner's ``func`` and turn any exception it raises into a :class:`Hint`.

    >>> call_learner(lambda x: x + 1, 1)
    2
    >>> call_learner(None, 1)
    Traceback (most recent call last):
    ...
    course_utils.checks.base.Hint: expected a function, got None (did you run the exercise cell?)
    """
    name = what or f"your function {getattr(func, '__name__', '')}".rstrip()
    if not callable(func):
        raise Hint(f"expected a function, got {_describe(func)} (did you run the exercise cell?)")
    try:
        return func(*args, **kwargs)
    except NotImplementedError as exc:
        raise NotDone(_not_done_message()) from exc
    except Exception as exc:
        raise Hint(f"{name} raised {type(exc).__name__}: {exc}") from exc


def _describe(value: Any) -> str:
    return "None" if value is None else f"a {type(value).__name__}"


def as_array(
    value: Any,
    what: str,
    *,
    shape: Sequence[int | None] | None = None,
    finite: bool = True,
) -> np.ndarray:
    """Convert a learner's value to a float64 array, or raise a :class:`Hint` saying why not.

    ``shape`` may use ``None`` for "any size" on an axis.

    >>> as_array([1, 2], "y", shape=(2,))
    array([1., 2.])
    >>> as_array([1, 2], "y", shape=(2, 1))
    Traceback (most recent call last):
    ...
    course_utils.checks.base.Hint: y has shape (2,), expected (2, 1)
    """
    if value is None:
        raise Hint(f"{what} is None: did your function forget to `return` it?")
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise Hint(f"{what} should be numbers (an array), got {_describe(value)}") from exc
    if shape is not None:
        expected = tuple(shape)
        ok = array.ndim == len(expected) and all(
            e is None or e == a for e, a in zip(expected, array.shape, strict=True)
        )
        if not ok:
            shown = "(" + ", ".join("any" if e is None else str(e) for e in expected)
            shown += ",)" if len(expected) == 1 else ")"
            raise Hint(f"{what} has shape {array.shape}, expected {shown}")
    if finite and not np.all(np.isfinite(array)):
        raise Hint(f"{what} contains NaN or infinite values")
    return array


def require_close(
    got: Any, expected: np.ndarray, what: str, *, atol: float = 1e-6, rtol: float = 1e-5
) -> None:
    """Raise a :class:`Hint` unless ``got`` matches ``expected`` (same shape, within tolerance).

    >>> require_close([1.0, 2.0], np.array([1.0, 2.0]), "h")
    >>> require_close([1.0, 2.5], np.array([1.0, 2.0]), "h")
    Traceback (most recent call last):
    ...
    course_utils.checks.base.Hint: h differs from the reference by up to 0.5 (tolerance 2e-05)
    """
    expected = np.asarray(expected, dtype=np.float64)
    array = as_array(got, what, shape=expected.shape)
    diff = float(np.max(np.abs(array - expected))) if array.size else 0.0
    tol = atol + rtol * float(np.max(np.abs(expected))) if expected.size else atol
    if not diff <= tol:
        raise Hint(f"{what} differs from the reference by up to {diff:.3g} (tolerance {tol:.1g})")


def require_number(value: Any, what: str) -> float:
    """Return ``value`` as a finite float, or raise a :class:`Hint`.

    >>> require_number(3, "best window")
    3.0
    """
    if isinstance(value, bool) or value is None:
        raise Hint(f"{what} should be a number, got {_describe(value)}")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise Hint(f"{what} should be a number, got {_describe(value)}") from exc
    if not math.isfinite(number):
        raise Hint(f"{what} is {number}, expected a finite number")
    return number


def require_keras_model(model: Any, what: str = "your model", *, trained: bool = True) -> Any:
    """Raise a :class:`Hint` unless ``model`` is a built Keras model (and trained, by default).

    "Trained" means compiled and fitted at least one step (its optimizer has taken a step).

    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> require_keras_model(model)
    Traceback (most recent call last):
    ...
    course_utils.checks.base.Hint: your model is not compiled: call model.compile(...) and ...
    >>> require_keras_model(model, trained=False) is model
    True
    """
    import keras

    if model is None:
        raise Hint(f"{what} is None: did your function forget to `return` the model?")
    if not isinstance(model, keras.Model):
        raise Hint(f"{what} should be a keras.Model, got {_describe(model)}")
    if not model.built:
        raise Hint(f"{what} is not built yet: start it with keras.Input(shape=...)")
    if trained:
        optimizer = getattr(model, "optimizer", None)
        if optimizer is None:
            raise Hint(f"{what} is not compiled: call model.compile(...) and model.fit(...)")
        if int(optimizer.iterations.numpy()) == 0:
            raise Hint(f"{what} has not been trained: call model.fit(...) before the check")
    return model
