"""Checks of lesson 01 (the LSTM gate equations).

- ``ex_01_1``: one LSTM step *with peephole connections* (Gers & Schmidhuber, 2000), in Keras'
  weight layout plus a (3, units) array of peephole weights;
- ``ex_01_2``: one step of Keras' GRU (``reset_after=True``);
- ``ex_01_3``: the parameter count of a stacked bidirectional LSTM model, judged against
  ``count_params()`` of models the check builds.

Every call draws fresh shapes and values from the ``rng`` the decorator hands the check, runs
the learner's function on copies of them and compares the result with a reference written from
the equations (with zero peepholes it is Keras' LSTM step, which the tests verify against
:mod:`course_utils.lstm_numpy` and Keras). When the answer is wrong, the check re-computes the
usual mistakes (gate blocks in another order, σ and tanh swapped, the output gate's peephole
reading the old cell state, a bidirectional layer counted once, ...) and names the one that
explains the learner's result; it never shows the expected value for the inputs it judges.
While the learner's function runs, the ready-made answers are refused: 1.2 may not call
``cu.lstm_numpy.gru_forward`` or a Keras GRU, 1.3 may not build Keras LSTM layers and ask
``count_params()`` (each would pass without the step or the formula the exercise asks for).

The checks are exact, so a right answer cannot be refused by an unlucky draw: 1.1 and 1.2 record
(:func:`~course_utils.checks.base.record_margin`) the share of the float tolerance an answer
uses, :func:`tolerance_share`; 1.3 compares integers and records nothing. ``make calibrate``
(100 fresh draws) measured the solutions at a share of ~1e-9, float32 answers (NumPy or
``keras.ops``) at most 0.17, and refused every listed near miss on every draw, including those
a single draw could hide (peepholes read as columns: right for one unit; a count right for one
output, one layer or one input feature): each check draws four cases so that one always shows it.

Introduced in ``solutions/01_lstm_gate_equations_solutions.ipynb``.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from course_utils.checks.base import (
    Hint,
    as_array,
    call_learner,
    exercise_check,
    record_margin,
    require_number,
)
from course_utils.lstm_numpy import Activation, sigmoid

#: How many random cases each step check draws (the first has batch size 1).
N_STEP_CASES = 4


def _identity(z: np.ndarray) -> np.ndarray:
    return z


#: The tolerance of the step checks (1.1, 1.2): ``|got - ref| <= ATOL + RTOL * |ref|`` everywhere,
#: as :func:`numpy.allclose`. A float64 answer uses ~1e-9 of it, a float32 one up to 0.17.
RTOL, ATOL = 1e-5, 1e-6


def _close(got: np.ndarray, expected: np.ndarray) -> bool:
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=RTOL, atol=ATOL))


def tolerance_share(got: np.ndarray, expected: np.ndarray) -> float:
    """The largest share of the step checks' tolerance an answer uses (at most 1 passes).

    ``max |got - ref| / (ATOL + RTOL * |ref|)`` over the elements: the number the step checks
    give :func:`~course_utils.checks.base.record_margin` (``inf`` for another shape).

    >>> ref = np.array([1.0, -2.0])
    >>> tolerance_share(ref, ref)
    0.0
    >>> round(tolerance_share(ref + 5.5e-6, ref), 6)  # 5.5e-6 of an allowed 1.1e-5
    0.5
    """
    if got.shape != expected.shape:
        return math.inf
    if not got.size:
        return 0.0
    return float(np.max(np.abs(got - expected) / (ATOL + RTOL * np.abs(expected))))


def draw_step_shapes(rng: np.random.Generator, n: int = N_STEP_CASES) -> list[tuple[int, int, int]]:
    """``n`` random (batch, input_dim, units): batch 1 first, input_dim never equal to units.

    >>> shapes = draw_step_shapes(np.random.default_rng(0))
    >>> len(shapes), shapes[0][0]
    (4, 1)
    >>> all(d != u for _, d, u in shapes)
    True
    """
    shapes = []
    for k in range(n):
        batch = 1 if k == 0 else int(rng.integers(2, 6))
        units = int(rng.integers(1, 7))
        input_dim = int(rng.choice([d for d in range(1, 8) if d != units]))
        shapes.append((batch, input_dim, units))
    return shapes


# --- Exercise 1.1: one LSTM step with peephole connections -------------------------------------


def lstm_step_variant(
    x: np.ndarray,
    h: np.ndarray,
    c: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    peephole: np.ndarray | None = None,
    *,
    order: str = "ifco",
    gate: Activation = sigmoid,
    candidate: Activation = np.tanh,
    squash: Activation = np.tanh,
    use_bias: bool = True,
    use_recurrent: bool = True,
    peephole_order: str = "ifo",
    output_peephole: str = "new",
    input_peepholes: bool = True,
    use_peepholes: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step; with the defaults it is the peephole step of exercise 1.1.

    ``peephole`` (3, units) holds the rows p_i, p_f, p_o: the input and forget gates add
    ``p ⊙ c_prev`` to their pre-activation, the output gate ``p_o ⊙ c_new``. Without
    ``peephole`` (or with zeros) it is Keras' LSTM step. The other arguments make a known
    mistake: ``order`` names the gate each column block is read as (Keras: ``"ifco"``),
    ``peephole_order`` the gate each peephole row is read as, ``output_peephole`` is ``"new"``
    (right), ``"old"`` (the output gate reads c_prev) or ``"none"``; ``use_peepholes=False``
    ignores ``peephole``.

    >>> rng = np.random.default_rng(0)
    >>> x, h, c = rng.normal(size=(2, 3)), np.zeros((2, 4)), np.zeros((2, 4))
    >>> k, r, b = rng.normal(size=(3, 16)), rng.normal(size=(4, 16)), np.zeros(16)
    >>> h1, c1 = lstm_step_variant(x, h, c, k, r, b)
    >>> h1.shape, c1.shape
    ((2, 4), (2, 4))
    >>> h2, c2 = lstm_step_variant(x, h, c, k, r, b, np.zeros((3, 4)))
    >>> bool(np.allclose(h1, h2) and np.allclose(c1, c2))
    True
    """
    units = h.shape[1]
    z = x @ kernel
    if use_recurrent:
        z = z + h @ recurrent_kernel
    if use_bias:
        z = z + bias
    block = {name: z[:, k * units : (k + 1) * units] for k, name in enumerate(order)}
    if peephole is None or not use_peepholes:
        peephole = np.zeros((3, units))
    p = {name: peephole[k] for k, name in enumerate(peephole_order)}
    z_i, z_f, z_o = block["i"], block["f"], block["o"]
    if input_peepholes:
        z_i = z_i + p["i"] * c
        z_f = z_f + p["f"] * c
    i, f = gate(z_i), gate(z_f)
    g = candidate(block["c"])
    c_new = f * c + i * g
    if output_peephole == "new":
        z_o = z_o + p["o"] * c_new
    elif output_peephole == "old":
        z_o = z_o + p["o"] * c
    o = gate(z_o)
    return o * squash(c_new), c_new


def _lstm_mistakes() -> list[tuple[dict[str, Any], str]]:
    """Known mistakes of exercise 1.1: variant arguments and the hint for each."""
    mistakes: list[tuple[dict[str, Any], str]] = [
        (
            {"use_peepholes": False},
            "you left out the peepholes: this is Keras' plain LSTM step. Add p_i ⊙ c_prev and "
            "p_f ⊙ c_prev to the input and forget gates, p_o ⊙ c_t to the output gate",
        ),
        (
            {"output_peephole": "old"},
            "the output gate's peephole reads the *new* cell state: o = σ(z_o + p_o ⊙ c_t), "
            "computed after c_t (the input and forget gates read c_prev)",
        ),
        (
            {"output_peephole": "none"},
            "the output gate has a peephole too: o = σ(z_o + p_o ⊙ c_t), with the new c_t",
        ),
        (
            {"input_peepholes": False},
            "the input and forget gates have peepholes too: add p_i ⊙ c_prev and p_f ⊙ c_prev",
        ),
        (
            {"input_peepholes": False, "output_peephole": "old"},
            "the peepholes are in the wrong places: i and f read c_prev (p_i ⊙ c_prev, "
            "p_f ⊙ c_prev), o reads the new c_t (p_o ⊙ c_t)",
        ),
    ]
    for perm in itertools.permutations("ifo"):
        order = "".join(perm)
        if order != "ifo":
            mistakes.append(
                (
                    {"peephole_order": order},
                    f"the peephole rows are mixed up: you used them as p_{order[0]}, "
                    f"p_{order[1]}, p_{order[2]}; row 0 belongs to the input gate, row 1 to "
                    "the forget gate, row 2 to the output gate",
                )
            )
    for perm in itertools.permutations("ifco"):
        order = "".join(perm)
        if order != "ifco":
            mistakes.append(
                (
                    {"order": order},
                    f"the gate order is swapped: you read the column blocks as "
                    f"{', '.join(order)}, but Keras stores them as i, f, c, o "
                    "(input gate, forget gate, candidate, output gate) — block k is "
                    "z[:, k*units:(k+1)*units]",
                )
            )
    swapped = (
        "tanh and σ are swapped: the gates i, f, o use σ (values in (0, 1), they are "
        "multipliers) and the candidate g = tanh(z_c) uses tanh (values in (-1, 1))"
    )
    mistakes += [
        ({"gate": np.tanh, "candidate": sigmoid}, swapped),
        ({"candidate": sigmoid}, swapped + "; your candidate g uses σ"),
        ({"gate": np.tanh}, swapped + "; your gates use tanh"),
        ({"gate": np.tanh, "candidate": sigmoid, "squash": sigmoid}, swapped),
        (
            {"squash": sigmoid},
            "h should be o · tanh(c) with the new cell state; you squashed c with σ",
        ),
        (
            {"squash": _identity},
            "h should be o · tanh(c): you forgot the tanh on the new cell state",
        ),
        (
            {"use_bias": False},
            "you forgot the bias: z = x_t @ kernel + h_prev @ recurrent_kernel + bias",
        ),
        (
            {"use_recurrent": False},
            "you left out the recurrent term h_prev @ recurrent_kernel: each gate sees the "
            "current input and the previous hidden state",
        ),
    ]
    return mistakes


def _draw_lstm_case(rng: np.random.Generator, batch: int, input_dim: int, units: int) -> dict:
    return {
        "x_t": rng.normal(size=(batch, input_dim)),
        "h_prev": rng.normal(scale=0.5, size=(batch, units)),
        "c_prev": rng.normal(size=(batch, units)),
        "kernel": rng.normal(scale=0.8, size=(input_dim, 4 * units)),
        "recurrent_kernel": rng.normal(scale=0.8, size=(units, 4 * units)),
        "bias": rng.normal(size=4 * units),
        "peephole": rng.normal(size=(3, units)),
    }


def _pair(result: Any, what: str, names: tuple[str, str]) -> tuple[Any, Any]:
    if isinstance(result, tuple | list) and len(result) == 2:
        return result[0], result[1]
    if isinstance(result, tuple | list):
        raise Hint(f"{what} returned {len(result)} values; return exactly two: {', '.join(names)}")
    if result is None:
        raise Hint(f"{what} returned None: did you forget to `return {', '.join(names)}`?")
    raise Hint(
        f"{what} returned a single {type(result).__name__}; return the pair "
        f"{', '.join(names)} (e.g. `return h, c`)"
    )


class _Shortcut(Exception):
    """Raised inside the learner's call when it uses a ready-made layer the exercise replaces."""


@contextlib.contextmanager
def _refusing(targets: Sequence[tuple[Any, str]], hint: str) -> Iterator[None]:
    """While active, each ``(owner, attribute)`` in ``targets`` raises :class:`_Shortcut`.

    The check wraps the learner's call in it, so that an answer which hands the work to the
    lesson's library or to a Keras layer (a one-liner that passes without solving) is refused
    with ``hint``; every attribute is restored afterwards.

    >>> import types
    >>> box = types.SimpleNamespace(f=lambda: 1)
    >>> with _refusing([(box, "f")], "use your own code"):
    ...     try:
    ...         box.f()
    ...     except _Shortcut as exc:
    ...         print(exc)
    use your own code
    >>> box.f()
    1
    """
    saved = [(owner, name, owner.__dict__[name]) for owner, name in targets]

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise _Shortcut(hint)

    try:
        for owner, name, _ in saved:
            setattr(owner, name, refuse)
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def _call_refusing(
    targets: Sequence[tuple[Any, str]], hint: str, func: Any, *args: Any, what: str
) -> Any:
    """:func:`call_learner` with the ``targets`` refused (:func:`_refusing`); one-line hint."""
    try:
        with _refusing(targets, hint):
            return call_learner(func, *args, what=what)
    except Hint as exc:
        cause: BaseException | None = exc.__cause__
        for _ in range(20):  # Keras may wrap the refusal in an error of its own
            if cause is None or isinstance(cause, _Shortcut):
                break
            cause = cause.__cause__ or cause.__context__
        if isinstance(cause, _Shortcut):
            raise Hint(str(cause)) from None
        raise


def _gru_shortcuts() -> list[tuple[Any, str]]:
    import keras

    from course_utils import lstm_numpy

    # _check_weights is looked up at call time by gru_forward (and lstm_forward), so refusing
    # it also catches ``from course_utils.lstm_numpy import gru_forward`` made earlier
    return [
        (lstm_numpy, "gru_forward"),
        (lstm_numpy, "_check_weights"),
        (keras.layers.GRUCell, "build"),
        (keras.layers.GRUCell, "call"),
    ]


def _lstm_layer_shortcuts() -> list[tuple[Any, str]]:
    import keras

    return [(keras.layers.LSTMCell, "build")]


@exercise_check
def ex_01_1(lstm_step_peephole, *, rng: np.random.Generator) -> str:
    """Exercise 1.1: ``lstm_step_peephole(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias,
    peephole)`` returns ``(h, c)`` of one peephole LSTM step.

    Keras' weight layout (gate order i, f, c, o) plus ``peephole`` of shape (3, units), rows
    p_i, p_f, p_o. Judged on :data:`N_STEP_CASES` random cases drawn from ``rng`` (shapes and
    values), against :func:`lstm_step_variant`.
    """
    for batch, input_dim, units in draw_step_shapes(rng):
        case = _draw_lstm_case(rng, batch, input_dim, units)
        args = tuple(case.values())
        h_ref, c_ref = lstm_step_variant(*args)  # before the learner's code runs
        what = f"lstm_step_peephole (batch {batch}, input_dim {input_dim}, units {units})"
        result = call_learner(lstm_step_peephole, *(v.copy() for v in args), what=f"your {what}")
        h_raw, c_raw = _pair(result, f"your {what}", ("h", "c"))
        h = as_array(h_raw, f"h (first value returned by {what})", shape=(batch, units))
        c = as_array(c_raw, f"c (second value returned by {what})", shape=(batch, units))
        record_margin(max(tolerance_share(h, h_ref), tolerance_share(c, c_ref)), 1.0)
        if _close(h, h_ref) and _close(c, c_ref):
            continue
        if _close(h, c_ref) and _close(c, h_ref):
            raise Hint("you returned (c, h); return the hidden state first: `return h, c`")
        if _close(h, h_ref) and _close(c, case["c_prev"]):
            raise Hint("h is right but you returned the old cell state c_prev; return the new c")
        if _close(c, c_ref) and _close(h, np.tanh(c_ref)):
            raise Hint("h = o · tanh(c): you forgot to multiply by the output gate o")
        for kwargs, hint in _lstm_mistakes():
            h_bad, c_bad = lstm_step_variant(*args, **kwargs)
            if _close(h, h_bad) and _close(c, c_bad):
                raise Hint(hint)
        if _close(c, c_ref):
            raise Hint(
                "c is right but h is not: h = o · tanh(c_t), where the output gate "
                "o = σ(z_o + p_o ⊙ c_t) reads the new cell state"
            )
        raise Hint(
            f"c differs from the reference (batch {batch}, units {units}); check "
            "c_t = f ⊙ c_prev + i ⊙ g with i = σ(z_i + p_i ⊙ c_prev), f = σ(z_f + p_f ⊙ c_prev) "
            "and z = x_t @ kernel + h_prev @ recurrent_kernel + bias split into i, f, c, o"
        )
    return f"matches the reference on {N_STEP_CASES} random cases (batch 1 and more)"


# --- Exercise 1.2: one GRU step ----------------------------------------------------------------


def gru_step_variant(
    x: np.ndarray,
    h: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    *,
    order: str = "zrh",
    gate: Activation = sigmoid,
    candidate: Activation = np.tanh,
    reset: str = "after",
    input_bias: bool = True,
    recurrent_bias: bool = True,
    flip_update: bool = False,
) -> np.ndarray:
    """One GRU step; with the defaults it is Keras' step (``reset_after=True``).

    ``reset`` is ``"after"`` (Keras: r · (h U_h + b_rec,h)), ``"before"`` ((r · h) U_h + b_rec,h)
    or ``"bias_outside"`` (r · (h U_h) + b_rec,h).

    >>> rng = np.random.default_rng(0)
    >>> x, h = rng.normal(size=(2, 3)), np.zeros((2, 4))
    >>> gru_step_variant(x, h, rng.normal(size=(3, 12)), rng.normal(size=(4, 12)),
    ...                  np.zeros((2, 12))).shape
    (2, 4)
    """
    units = h.shape[1]
    b_in = bias[0] if input_bias else 0.0
    b_rec = bias[1] if recurrent_bias else np.zeros(3 * units)
    a = x @ kernel + b_in
    block = {name: k for k, name in enumerate(order)}

    def part(matrix: np.ndarray, name: str) -> np.ndarray:
        k = block[name]
        return matrix[..., k * units : (k + 1) * units]

    u_rec = h @ recurrent_kernel
    z = gate(part(a, "z") + part(u_rec, "z") + part(b_rec, "z"))
    r = gate(part(a, "r") + part(u_rec, "r") + part(b_rec, "r"))
    if reset == "after":
        inner = r * (part(u_rec, "h") + part(b_rec, "h"))
    elif reset == "before":
        inner = (r * h) @ part(recurrent_kernel, "h") + part(b_rec, "h")
    else:
        inner = r * part(u_rec, "h") + part(b_rec, "h")
    h_cand = candidate(part(a, "h") + inner)
    if flip_update:
        return (1.0 - z) * h + z * h_cand
    return z * h + (1.0 - z) * h_cand


def _gru_mistakes() -> list[tuple[dict[str, Any], str]]:
    reset_hint = (
        "the reset gate is in the wrong place for Keras' GRU (reset_after=True): it multiplies "
        "the whole recurrent projection of the candidate, bias included — "
        "ĥ = tanh(x_t W_h + b_in,h + r ⊙ (h_prev U_h + b_rec,h))"
    )
    mistakes: list[tuple[dict[str, Any], str]] = [
        (
            {"reset": "before"},
            reset_hint + "; you applied r to h_prev before the product (that is "
            "reset_after=False, the variant of Cho et al. 2014)",
        ),
        ({"reset": "bias_outside"}, reset_hint + "; you left b_rec,h outside the reset gate"),
        (
            {"flip_update": True},
            "the update gate mixes the other way round in Keras: h = z ⊙ h_prev + (1 − z) ⊙ ĥ "
            "(z close to 1 keeps the old state)",
        ),
        (
            {"gate": np.tanh, "candidate": sigmoid},
            "tanh and σ are swapped: z and r use σ, the candidate ĥ uses tanh",
        ),
        ({"candidate": sigmoid}, "the candidate ĥ uses tanh, not σ"),
        ({"gate": np.tanh}, "the gates z and r use σ (values in (0, 1)), not tanh"),
        (
            {"input_bias": False, "recurrent_bias": False},
            "you forgot the bias: bias[0] is added to x_t @ kernel and bias[1] to "
            "h_prev @ recurrent_kernel",
        ),
        (
            {"recurrent_bias": False},
            "you forgot the recurrent bias bias[1] (Keras' GRU has two bias rows with "
            "reset_after=True: bias[0] for the input, bias[1] for the recurrent projection)",
        ),
        (
            {"input_bias": False},
            "you forgot the input bias bias[0], added to x_t @ kernel",
        ),
    ]
    for perm in itertools.permutations("zrh"):
        order = "".join(perm)
        if order != "zrh":
            mistakes.append(
                (
                    {"order": order},
                    f"the gate order is swapped: you read the column blocks as "
                    f"{', '.join(order)}, but Keras stores them as z, r, h (update gate, "
                    "reset gate, candidate)",
                )
            )
    return mistakes


@exercise_check
def ex_01_2(gru_step, *, rng: np.random.Generator) -> str:
    """Exercise 1.2: ``gru_step(x_t, h_prev, kernel, recurrent_kernel, bias)`` returns ``h``.

    One step of Keras' GRU with ``reset_after=True`` (gate order z, r, h; ``bias`` of shape
    (2, 3·units)). Judged on :data:`N_STEP_CASES` random cases drawn from ``rng``.
    """
    for batch, input_dim, units in draw_step_shapes(rng):
        case = {
            "x_t": rng.normal(size=(batch, input_dim)),
            "h_prev": rng.normal(scale=0.7, size=(batch, units)),
            "kernel": rng.normal(scale=0.8, size=(input_dim, 3 * units)),
            "recurrent_kernel": rng.normal(scale=0.8, size=(units, 3 * units)),
            "bias": rng.normal(size=(2, 3 * units)),
        }
        args = tuple(case.values())
        h_ref = gru_step_variant(*args)  # before the learner's code runs
        what = f"gru_step (batch {batch}, input_dim {input_dim}, units {units})"
        result = _call_refusing(
            _gru_shortcuts(),
            "your gru_step runs a ready-made GRU (cu.lstm_numpy.gru_forward or a Keras GRU); "
            "exercise 1.2 asks you to write the step yourself, in NumPy, from the equations",
            gru_step,
            *(v.copy() for v in args),
            what=f"your {what}",
        )
        if isinstance(result, tuple | list) and len(result) == 2:
            raise Hint(f"your {what} returned two values; a GRU step has one state: return h")
        h = as_array(result, f"the value returned by {what}", shape=(batch, units))
        record_margin(tolerance_share(h, h_ref), 1.0)
        if _close(h, h_ref):
            continue
        for kwargs, hint in _gru_mistakes():
            if _close(h, gru_step_variant(*args, **kwargs)):
                raise Hint(hint)
        raise Hint(
            f"h differs from the reference (batch {batch}, units {units}); compare term by "
            "term with the GRU equations"
        )
    return f"matches Keras' GRU step on {N_STEP_CASES} random cases (batch 1 and more)"


# --- Exercise 1.3: the parameter count of a stacked bidirectional LSTM model -------------------


def lstm_param_count_reference(input_dim: int, units: int) -> int:
    """Parameters of ``keras.layers.LSTM(units)`` on ``input_dim`` features (lesson 01).

    Four gates, each with an input matrix, a recurrent matrix and a bias:

    >>> lstm_param_count_reference(1, 50)   # the sine forecaster of lesson 03
    10400
    """
    return 4 * (units * (input_dim + units) + units)


def build_stacked_bilstm(input_dim: int, units: Sequence[int], outputs: int) -> Any:
    """The model of exercise 1.3 (not compiled, not trained).

    ``Input((None, input_dim))`` → one ``Bidirectional(LSTM(u))`` per entry of ``units`` (all
    but the last with ``return_sequences=True``) → ``Dense(outputs)``.

    >>> build_stacked_bilstm(1, [2], 1).count_params()   # 2 · 32 + (4 + 1)
    69
    """
    import keras

    layers: list[Any] = [keras.Input((None, input_dim))]
    for k, u in enumerate(units):
        last = k == len(units) - 1
        layers.append(
            keras.layers.Bidirectional(
                keras.layers.LSTM(int(u), return_sequences=not last), name=f"bilstm_{k + 1}"
            )
        )
    layers.append(keras.layers.Dense(outputs, name="head"))
    return keras.Sequential(layers, name="stacked_bilstm")


def stacked_bilstm_count_variant(
    input_dim: int,
    units: Sequence[int],
    outputs: int,
    *,
    directions: int = 2,
    next_input: int = 2,
    head_input: int = 2,
    biases_per_gate: int = 1,
    head: bool = True,
    head_bias: bool = True,
    stacked: bool = True,
) -> int:
    """The parameter count of :func:`build_stacked_bilstm`'s model; other arguments make a
    known mistake (``next_input``/``head_input``: how many directions' outputs the next layer
    and the head read; ``stacked=False`` feeds every layer ``input_dim`` features).

    >>> stacked_bilstm_count_variant(1, [2], 1)
    69
    >>> stacked_bilstm_count_variant(1, [2], 1, directions=1, head_input=1)
    35
    """
    total, d = 0, input_dim
    for u in units:
        total += directions * 4 * (u * (d + u) + biases_per_gate * u)
        d = next_input * u if stacked else input_dim
    if head:
        total += head_input * units[-1] * outputs + (outputs if head_bias else 0)
    return total


def _stack_mistakes() -> list[tuple[dict[str, Any], str]]:
    return [
        (
            {"directions": 1, "next_input": 1, "head_input": 1},
            "you counted each Bidirectional layer once: it holds two LSTMs (forward and "
            "backward), each with its own weights",
        ),
        (
            {"next_input": 1, "head_input": 1},
            "the layer after a Bidirectional one reads both directions, concatenated: its "
            "input has 2·units features, not units (this applies to the Dense head too)",
        ),
        (
            {"next_input": 1},
            "the second Bidirectional layer reads both directions of the first, "
            "concatenated: its input has 2·units features, not units",
        ),
        (
            {"head_input": 1},
            "the Dense head reads both directions of the last layer, concatenated: its input "
            "has 2·units features, not units",
        ),
        ({"head": False}, "you forgot the Dense head: (its input size) × outputs + outputs"),
        ({"head_bias": False}, "you forgot the Dense head's bias (one value per output)"),
        (
            {"biases_per_gate": 2},
            "Keras' LSTM has one bias per gate; two biases per gate is the PyTorch/cuDNN count",
        ),
        (
            {"stacked": False},
            "only the first layer reads the input_dim features; every later layer reads the "
            "2·units outputs of the layer below",
        ),
    ]


def _draw_stack_case(rng: np.random.Generator) -> tuple[int, list[int], int]:
    input_dim = int(rng.integers(1, 11))
    n_layers = int(rng.integers(1, 4))
    units = [int(u) for u in rng.integers(3, 41, size=n_layers)]
    outputs = int(rng.integers(1, 6))
    return input_dim, units, outputs


@exercise_check
def ex_01_3(stacked_bilstm_param_count, *, rng: np.random.Generator) -> str:
    """Exercise 1.3: ``stacked_bilstm_param_count(input_dim, units, outputs)``.

    The number of parameters of :func:`build_stacked_bilstm`'s model, by formula. Judged on
    four models the check draws from ``rng`` (1 to 3 layers; at least one of them with 2 or
    more), against Keras' own ``count_params()`` of each model, computed before the learner's
    function runs. An exact comparison: it records no margin.
    """
    cases = [_draw_stack_case(rng) for _ in range(3)]
    d, _, k = _draw_stack_case(rng)
    cases.append((d, [int(u) for u in rng.integers(3, 41, size=2)], k))  # always one stack
    expected = [int(build_stacked_bilstm(*case).count_params()) for case in cases]
    answers: list[float] = []
    for (d, units, k), _ in zip(cases, expected, strict=True):
        shown = f"stacked_bilstm_param_count({d}, {units}, {k})"
        got_raw = _call_refusing(
            _lstm_layer_shortcuts(),
            "your stacked_bilstm_param_count builds Keras LSTM layers; exercise 1.3 asks for "
            "the count by formula (build the model outside your function to compare)",
            stacked_bilstm_param_count,
            d,
            list(units),
            k,
            what="your stacked_bilstm_param_count",
        )
        got = require_number(got_raw, shown)
        if not math.isclose(got, round(got)):
            raise Hint(f"{shown} = {got:g} is not a whole number; a parameter count is an integer")
        answers.append(got)
    if all(got == want for got, want in zip(answers, expected, strict=True)):
        return "matches Keras' count_params() on 4 random models (1 to 3 layers)"
    index = next(i for i, (g, w) in enumerate(zip(answers, expected, strict=True)) if g != w)
    d, units, k = cases[index]
    shown = f"stacked_bilstm_param_count({d}, {units}, {k}) = {answers[index]:g}"
    # A known mistake is named only if it explains the answers on every model.
    for kwargs, hint in _stack_mistakes():
        if all(
            got == stacked_bilstm_count_variant(*case, **kwargs)
            for case, got in zip(cases, answers, strict=True)
        ):
            raise Hint(f"{shown}: {hint}")
    raise Hint(
        f"{shown} is not what Keras counts for that model. Count layer by layer: each "
        "direction of a Bidirectional(LSTM(u)) on d features has 4·(u·(d + u) + u); for "
        "example input_dim 1, units [2], outputs 1 gives 2·32 + (4·1 + 1) = 69"
    )
