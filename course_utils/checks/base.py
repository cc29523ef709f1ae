"""The protocol every exercise check follows.

A check is a function ``ex_NN_M(...)`` decorated with :func:`exercise_check`. It re-computes what
it judges on data it makes itself, calls the learner's code through :func:`call_learner`, and
raises :class:`Hint` with a specific, learner-facing message when the answer is not right. The
decorator turns that into one printed line, ``✅ Exercise 3.1 passed`` or ``❌ Exercise 3.1: ...``,
never a traceback, and keeps the latest result of each exercise in :data:`RESULTS`.

The rules a check follows (CONTRIBUTING.md, "A check"): it judges the learner's *code* (a function,
a builder or a model), never a number the learner typed; it draws fresh inputs on every call from
the ``rng`` the decorator hands it, and a failing line names the seed that reproduces it; a hint
never reveals the expected value for the inputs it judges; references are computed before the
learner's code can touch the objects it is given.

Introduced in ``notebooks/00_setup_and_tour.ipynb``.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import inspect
import math
import os
import re
import secrets
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils import validate

#: A check's name: ``ex_NN_M`` judges exercise N.M, and lives in ``course_utils/checks/exNN.py``.
CHECK_NAME = re.compile(r"ex_(?P<lesson>\d{2})_(?P<exercise>\d+)")


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
    #: The seed of the check's random draw when it failed on a draw (``None`` otherwise):
    #: ``cu.checks.ex_N_M(..., seed=seed)`` repeats exactly that check.
    seed: int | None = None
    #: The largest share of an allowance the answer used (see :func:`record_margin`): 0.3 means
    #: its error was 30 % of what the check accepts. ``None`` when the check recorded none
    #: (it stopped before, or judges nothing graded). Read by ``make calibrate``.
    margin: float | None = None

    def line(self) -> str:
        """The one line a learner sees.

        >>> CheckResult("3.1", True).line()
        '✅ Exercise 3.1 passed'
        >>> CheckResult("3.1", False, "the output has shape (5,), expected (5, 1)").line()
        '❌ Exercise 3.1: the output has shape (5,), expected (5, 1)'
        >>> CheckResult("3.1", False, "MSE too high", seed=1234).line()
        '❌ Exercise 3.1: MSE too high [seed=1234 repeats this draw]'
        """
        if self.passed:
            return f"✅ Exercise {self.exercise} passed" + (
                f" — {self.message}" if self.message else ""
            )
        suffix = f" [seed={self.seed} repeats this draw]" if self.seed is not None else ""
        return f"❌ Exercise {self.exercise}: {self.message}{suffix}"


#: The latest result of every check run in this Python process, by exercise number ("3.1").
RESULTS: dict[str, CheckResult] = {}


def parse_check_name(function_name: str) -> tuple[str, str]:
    """The lesson (``"03"``) and the exercise number (``"3.1"``) a check's name stands for.

    Everything that needs a check's lesson or exercise (``cu.checks.ex_NN_M``, the grader, the
    nbgrader export) asks here; :data:`CHECK_NAME` is the one pattern of a name.

    >>> parse_check_name("ex_03_1")
    ('03', '3.1')
    >>> parse_check_name("ex_3_1")
    Traceback (most recent call last):
    ...
    ValueError: check functions are named ex_NN_M (e.g. ex_03_1), got 'ex_3_1'
    """
    match = CHECK_NAME.fullmatch(function_name) if isinstance(function_name, str) else None
    if not match:
        raise ValueError(f"check functions are named ex_NN_M (e.g. ex_03_1), got {function_name!r}")
    return match["lesson"], f"{int(match['lesson'])}.{int(match['exercise'])}"


def exercise_number(function_name: str) -> str:
    """The exercise number a check function's name stands for.

    >>> exercise_number("ex_03_1")
    '3.1'
    >>> exercise_number("ex_12_10")
    '12.10'
    """
    return parse_check_name(function_name)[1]


def _record(result: CheckResult) -> None:
    RESULTS[result.exercise] = result


def fresh_seed() -> int:
    """A new seed for one check's random draw (from the operating system, not NumPy's state).

    >>> 0 <= fresh_seed() < 1_000_000
    True
    """
    return secrets.randbelow(1_000_000)


#: When this environment variable is set (to any text, e.g. ``20261203``), checks draw *fixed*
#: seeds instead of fresh ones: the n-th call of a check in a process gets a seed derived from
#: the variable's value, the exercise and n. The test suite sets it (root ``conftest.py``), so a
#: run never depends on a lucky draw; a learner's notebook and the grader, where it is not set,
#: draw fresh seeds. How often a right answer fails on fresh draws is measured separately, by
#: ``make calibrate``.
FIXED_DRAWS_ENV = "LSTM_COURSE_CHECK_SEED"
#: Its value in the test suite and in ``python -m course_utils execute`` (stored notebooks).
SUITE_DRAWS = "2026"
_fixed_calls: dict[str, int] = {}


def draw_seed(exercise: str, fixed: str | None = None) -> int:
    """The seed of the next draw of ``exercise`` ("3.1"): fresh, or fixed under the test suite.

    ``fixed`` stands in for the value of :data:`FIXED_DRAWS_ENV` (read when it is ``None``).

    >>> _fixed_calls.clear()
    >>> first, second = draw_seed("3.1", fixed="7"), draw_seed("3.1", fixed="7")
    >>> _fixed_calls.clear()
    >>> (draw_seed("3.1", fixed="7"), draw_seed("3.1", fixed="7")) == (first, second)
    True
    >>> first != second  # successive calls of one check still see different draws
    True
    """
    base = os.environ.get(FIXED_DRAWS_ENV) if fixed is None else fixed
    if base is None:
        return fresh_seed()
    count = _fixed_calls.get(exercise, 0)
    _fixed_calls[exercise] = count + 1
    digest = hashlib.sha256(f"{base}/{exercise}/{count}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 1_000_000


_margins: contextvars.ContextVar[list[float] | None] = contextvars.ContextVar(
    "lstm_course_check_margins", default=None
)


def record_margin(value: float, allowed: float) -> None:
    """Note how much of one allowance an answer used: ``value / allowed`` (at most 1 passes).

    A check calls it for each graded criterion, before it decides, with the answer's error (or
    the equivalent) and the largest error it accepts; the result's ``margin`` is the largest
    share over the criteria. ``make calibrate`` uses it to show that a right answer passes with
    room to spare (at most 0.8 of the allowance on every fresh draw), not by luck. Outside a
    check it does nothing.

    >>> @exercise_check
    ... def ex_00_7(answer):
    ...     record_margin(abs(answer - 1.0), allowed=0.1)
    ...     if abs(answer - 1.0) > 0.1:
    ...         raise Hint("not close enough to 1")
    >>> round(ex_00_7.evaluate(1.02).margin, 2)
    0.2
    """
    shares = _margins.get()
    if shares is None:
        return
    value, allowed = float(value), float(allowed)
    if allowed <= 0 or math.isnan(value):
        shares.append(math.inf)
    else:
        shares.append(abs(value) / allowed)


def _takes_rng(func: Callable[..., Any]) -> bool:
    parameter = inspect.signature(func).parameters.get("rng")
    return parameter is not None and parameter.kind in (
        inspect.Parameter.KEYWORD_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    )


def exercise_check(func: Callable[..., str | None]) -> Callable[..., None]:
    """Turn ``func`` (named ``ex_NN_M``) into a learner-facing check.

    ``func`` returns ``None`` or a short detail on success and raises :class:`Hint` on a wrong
    answer. The wrapped check prints one line and returns ``None`` (so a notebook shows the line
    once); ``check.evaluate(...)`` returns the :class:`CheckResult` without printing, for tests.

    If ``func`` has a parameter ``rng``, every call draws a fresh seed and passes
    ``rng=np.random.default_rng(seed)``: the check's inputs change from call to call, so an answer
    that memorised one draw fails the next. A failing line names the seed, and
    ``check(..., seed=N)`` repeats that draw exactly.

    Examples
    --------
    >>> @exercise_check
    ... def ex_00_9(answer):
    ...     if answer != 42:
    ...         raise Hint(f"got {answer!r}, expected the answer to everything")
    >>> ex_00_9(41)
    ❌ Exercise 0.9: got 41, expected the answer to everything
    >>> ex_00_9.evaluate(42).passed
    True
    >>> @exercise_check
    ... def ex_00_8(double, *, rng):
    ...     x = rng.integers(1, 100)
    ...     if call_learner(double, x) != 2 * x:
    ...         raise Hint("double(x) should return 2 * x")
    >>> ex_00_8(lambda x: x + x, seed=3)
    ✅ Exercise 0.8 passed
    >>> ex_00_8(lambda x: 2, seed=3)
    ❌ Exercise 0.8: double(x) should return 2 * x [seed=3 repeats this draw]
    """
    number = exercise_number(func.__name__)
    random = _takes_rng(func)

    def evaluate(*args: Any, seed: int | None = None, **kwargs: Any) -> CheckResult:
        drawn: int | None = None
        if random:
            try:
                drawn = draw_seed(number) if seed is None else validate.seed(seed)
            except (TypeError, ValueError):
                return CheckResult(number, False, f"seed must be an int >= 0, got {seed!r}")
            kwargs["rng"] = np.random.default_rng(drawn)
        shares: list[float] = []
        token = _margins.set(shares)
        try:
            detail = func(*args, **kwargs)
        except NotDone as exc:
            return CheckResult(number, False, str(exc))
        except Hint as exc:
            return CheckResult(number, False, str(exc), drawn, _largest(shares))
        except NotImplementedError:
            return CheckResult(number, False, _not_done_message())
        except TypeError as exc:
            if _is_call_error(exc):
                # The check itself was called with the wrong arguments.
                return CheckResult(number, False, _check_call_message(func, exc))
            return CheckResult(number, False, _could_not_use(exc), drawn)
        except Exception as exc:
            return CheckResult(number, False, _could_not_use(exc), drawn)
        except SystemExit:
            return CheckResult(number, False, _EXIT_MESSAGE)
        finally:
            _margins.reset(token)
        return CheckResult(number, True, detail or "", margin=_largest(shares))

    @functools.wraps(func)
    def check(*args: Any, seed: int | None = None, **kwargs: Any) -> None:
        result = evaluate(*args, seed=seed, **kwargs)
        _record(result)
        print(result.line())

    check.evaluate = evaluate  # type: ignore[attr-defined]
    check.exercise = number  # type: ignore[attr-defined]
    return check


def _largest(shares: list[float]) -> float | None:
    return max(shares) if shares else None


def _not_done_message() -> str:
    return (
        "not done yet: your code still raises NotImplementedError. Replace the "
        "`raise NotImplementedError(...)` line with your solution, run that cell, then this one."
    )


_EXIT_MESSAGE = (
    "your code called exit() or sys.exit(), which would stop the notebook: return the result "
    "instead"
)

#: The longest error text a hint repeats; longer messages (TensorFlow's) are cut.
MAX_ERROR_CHARS = 160


def short_error(exc: BaseException) -> str:
    """``Type: first line of the message``, cut to :data:`MAX_ERROR_CHARS` characters.

    TensorFlow's errors span dozens of lines; a hint repeats only their first meaningful line.

    >>> short_error(ValueError("bad shape\\n  long details\\n  more"))
    'ValueError: bad shape'
    >>> len(short_error(RuntimeError("x" * 500))) <= 160 + len("RuntimeError: ") + 1
    True
    """
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    # Keras wraps layer errors as "Exception encountered when calling X ...": keep what follows.
    text = next((line for line in lines if not line.startswith("Exception encountered")), "")
    text = text if text else (lines[0] if lines else "")
    if len(text) > MAX_ERROR_CHARS:
        text = text[: MAX_ERROR_CHARS - 1].rstrip() + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _could_not_use(exc: BaseException) -> str:
    return f"the check could not use your answer ({short_error(exc)})"


def _is_call_error(exc: BaseException) -> bool:
    """A TypeError raised by the call itself (wrong arguments), not inside the function."""
    frames = traceback.extract_tb(exc.__traceback__)
    return len(frames) <= 1 and "argument" in str(exc)


def _check_call_message(func: Callable[..., Any], exc: BaseException) -> str:
    return (
        f"the check was called with the wrong arguments: {func.__name__}{_signature(func)} ({exc})"
    )


def _signature(func: Callable[..., Any]) -> str:
    try:
        return str(inspect.signature(func)).replace(", *, rng", "").replace("*, rng", "")
    except (TypeError, ValueError):
        return "(...)"


def _learner_line(exc: BaseException) -> str:
    """' (line N of your code)' for the deepest frame outside installed packages, or ''."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        name = frame.filename.replace("\\", "/")
        if "site-packages" in name or "/course_utils/" in name or "<frozen" in name:
            continue
        if "ipykernel_" in name or name.startswith("<ipython-input"):
            return f" (line {frame.lineno} of its cell)"
        return ""
    return ""


def call_learner(func: Any, *args: Any, what: str | None = None, **kwargs: Any) -> Any:
    """Call the learner's ``func`` and turn any exception it raises into a :class:`Hint`.

    The hint names the learner's mistake in one line: the stub's ``NotImplementedError`` means
    "not done yet"; a call with the wrong arguments names the call; ``sys.exit()`` is refused;
    any other exception is repeated in one short line (its type and the first line of its
    message).

    >>> call_learner(lambda x: x + 1, 1)
    2
    >>> call_learner(None, 1)
    Traceback (most recent call last):
    ...
    course_utils.checks.base.Hint: expected a function, got None (did you run the exercise cell?)
    >>> def f(x):
    ...     return x
    >>> call_learner(f, 1, 2)
    Traceback (most recent call last):
    ...
    course_utils.checks.base.Hint: your function f cannot be called as f(x1, x2): it takes (x)
    """
    name = what or f"your function {getattr(func, '__name__', '')}".rstrip()
    if not callable(func):
        raise Hint(f"expected a function, got {_describe(func)} (did you run the exercise cell?)")
    try:
        return func(*args, **kwargs)
    except NotImplementedError as exc:
        raise NotDone(_not_done_message()) from exc
    except TypeError as exc:
        if _is_call_error(exc):
            call = ", ".join([f"x{i + 1}" for i in range(len(args))] + [f"{k}=..." for k in kwargs])
            fname = getattr(func, "__name__", "function")
            raise Hint(
                f"{name} cannot be called as {fname}({call}): it takes {_signature(func)}"
            ) from exc
        raise Hint(f"{name} raised {short_error(exc)}{_learner_line(exc)}") from exc
    except Exception as exc:
        raise Hint(f"{name} raised {short_error(exc)}{_learner_line(exc)}") from exc
    except SystemExit as exc:
        raise Hint(_EXIT_MESSAGE) from exc


def done(obj: Any) -> bool:
    """Whether ``obj`` looks like a finished answer: not ``None`` and not the exercise's stub.

    It does not run anything: a function counts as unfinished when its own code still holds the
    stub's ``raise NotImplementedError("Exercise N.M: ...")``. Given cells use it to skip a
    demonstration that needs the learner's answer (see also :func:`attempt`).

    >>> def stub(x):
    ...     raise NotImplementedError("Exercise 3.1: replace this line with your code")
    >>> done(stub), done(None), done(len), done(lambda x: x)
    (False, False, True, True)
    """
    if obj is None:
        return False
    code = getattr(obj, "__code__", None)
    if code is None:
        return True
    return not any(
        isinstance(const, str) and "replace this line with your code" in const
        for const in code.co_consts
    )


def attempt(func: Any, *args: Any, exercise: str, **kwargs: Any) -> Any:
    """Run the learner's ``func`` in a *given* cell; ``None`` and one printed line if it can't.

    For a demonstration cell that needs the learner's answer: an unfinished exercise prints
    "finish exercise N.M first"; a function that raises prints the one-line reason (the check
    cell says more). Either way the notebook goes on (no traceback), as "Run All" needs.

    >>> def stub():
    ...     raise NotImplementedError("Exercise 3.1: replace this line with your code")
    >>> attempt(stub, exercise="3.1") is None
    ⏳ finish exercise 3.1 first: its cell still raises NotImplementedError
    True
    >>> attempt(lambda: 1 / 0, exercise="3.1") is None
    ⚠️ exercise 3.1: your function <lambda> raised ZeroDivisionError: division by zero
    True
    >>> attempt(lambda: 7, exercise="3.1")
    7
    """
    if func is None or not done(func):
        print(f"⏳ finish exercise {exercise} first: its cell still raises NotImplementedError")
        return None
    try:
        return call_learner(func, *args, **kwargs)
    except NotDone:
        print(f"⏳ finish exercise {exercise} first: its cell still raises NotImplementedError")
    except Hint as exc:
        print(f"⚠️ exercise {exercise}: {exc}")
    return None


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

    Python and NumPy numbers (and 0-d arrays or tensors) are accepted; strings are not, even
    ``"2.0"``: a check judges numbers the learner's code computed, not text.

    >>> require_number(3, "best window")
    3.0
    >>> require_number(np.float32(0.5), "alpha")
    0.5
    >>> require_number("2.0", "alpha")
    Traceback (most recent call last):
    ...
    course_utils.checks.base.Hint: alpha should be a number, got a str
    """
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    try:
        return validate.finite_float(value, what)
    except TypeError:
        raise Hint(f"{what} should be a number, got {_describe(value)}") from None
    except ValueError:
        raise Hint(f"{what} is {float(value)}, expected a finite number") from None


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


def snapshot_weights(model: Any) -> list[np.ndarray]:
    """Copies of a Keras model's weights, taken before learner code gets the model.

    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> [w.shape for w in snapshot_weights(model)]
    [(2, 1), (1,)]
    """
    return [np.array(w, copy=True) for w in model.get_weights()]


def require_weights_unchanged(
    model: Any, snapshot: list[np.ndarray], what: str = "your function"
) -> None:
    """Raise a :class:`Hint` if ``model``'s weights differ from ``snapshot``.

    A learner's function that is given a model must only read it; one that sets weights (to
    make the model agree with whatever it returns) is refused.

    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> before = snapshot_weights(model)
    >>> require_weights_unchanged(model, before)
    >>> model.set_weights([w * 0 for w in before])
    >>> require_weights_unchanged(model, before)
    Traceback (most recent call last):
    ...
    course_utils.checks.base.Hint: your function changed the model's weights: it must only read them
    """
    now = model.get_weights()
    if len(now) != len(snapshot) or any(
        a.shape != b.shape or not np.array_equal(a, b) for a, b in zip(now, snapshot, strict=False)
    ):
        raise Hint(f"{what} changed the model's weights: it must only read them")


def model_outputs(
    model: Any, x: Any, what: str = "your model", *, trained: bool = True
) -> np.ndarray:
    """Run a learner's Keras ``model`` on ``x`` and return its outputs as a float64 array.

    Calls ``model(x, training=False)`` (no ``predict``: no progress bar, and no retracing warning
    when a check runs many times); any error becomes a one-line :class:`Hint` naming the input
    shape the model could not take.

    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model_outputs(model, np.ones((3, 2)), trained=False).shape
    (3, 1)
    >>> model_outputs(model, np.ones((3, 5)), trained=False)
    Traceback (most recent call last):
    ...
    course_utils.checks.base.Hint: your model could not take inputs of shape (3, 5): ...
    """
    require_keras_model(model, what, trained=trained)
    array = np.asarray(x)
    if array.dtype.kind == "f":
        array = array.astype(np.float32)
    try:
        out = model(array, training=False)
    except Exception as exc:
        raise Hint(
            f"{what} could not take inputs of shape {array.shape}: {short_error(exc)}"
        ) from exc
    if isinstance(out, list | tuple):
        raise Hint(f"{what} returns {len(out)} outputs; the exercise asks for one")
    return as_array(out, f"the output of {what}")


def model_layers(model: Any, *, nested: bool = False) -> list[Any]:
    """The layers of a learner's Keras model, in order, without its ``InputLayer``.

    With ``nested=True`` also every layer inside them: the layers of a nested model and the
    layer a wrapper holds (``Bidirectional``'s forward and backward layers,
    ``TimeDistributed``'s layer), depth first. Anything without ``layers`` has none.

    >>> import keras
    >>> inner = keras.layers.Bidirectional(keras.layers.LSTM(2, name="lstm"), name="bi")
    >>> model = keras.Sequential([keras.Input((4, 1)), inner, keras.layers.Dense(1, name="out")])
    >>> [layer.name for layer in model_layers(model)]
    ['bi', 'out']
    >>> [layer.name for layer in model_layers(model, nested=True)]
    ['bi', 'forward_lstm', 'backward_lstm', 'out']
    >>> model_layers(None)
    []
    """
    found = []
    for layer in getattr(model, "layers", []):
        if type(layer).__name__ == "InputLayer":
            continue
        found.append(layer)
        if nested:
            found.extend(model_layers(layer, nested=True))
            for inner in ("forward_layer", "backward_layer", "layer"):
                if hasattr(layer, inner):
                    found.append(getattr(layer, inner))
    return found
