"""Checks of lesson 01 (the LSTM gate equations): one LSTM step, one GRU step, the parameter count.

Each check draws its own random inputs (several shapes, batch sizes 1 and more), runs the
learner's function on copies of them and compares the result with a reference written from the
equations (the same as :mod:`course_utils.lstm_numpy`, which the tests verify against Keras).
When the answer is wrong, the check re-computes the usual mistakes (gate blocks in another order,
σ and tanh swapped, ``c`` and ``h`` swapped, the bias or a term left out, the GRU's reset gate
in the wrong place) and names the one the learner's result matches.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.checks.base import Hint, as_array, call_learner, exercise_check, require_number

Activation = Callable[[np.ndarray], np.ndarray]

#: (batch, input_dim, units) of the random cases every step check draws: batch 1 and more,
#: one unit and several, input_dim different from units so that transposed products fail.
STEP_CASES = ((1, 3, 2), (4, 2, 5), (3, 1, 1), (2, 6, 4))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _identity(z: np.ndarray) -> np.ndarray:
    return z


def _close(got: np.ndarray, expected: np.ndarray) -> bool:
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=1e-5, atol=1e-6))


# --- Exercise 1.1: one LSTM step ---------------------------------------------------------------


def lstm_step_variant(
    x: np.ndarray,
    h: np.ndarray,
    c: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    *,
    order: str = "ifco",
    gate: Activation = _sigmoid,
    candidate: Activation = np.tanh,
    squash: Activation = np.tanh,
    use_bias: bool = True,
    use_recurrent: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step; with the defaults it is Keras' step, other arguments make a known mistake.

    ``order`` names the gate each column block is read as (Keras: ``"ifco"``).

    >>> rng = np.random.default_rng(0)
    >>> x, h, c = rng.normal(size=(2, 3)), np.zeros((2, 4)), np.zeros((2, 4))
    >>> k, r, b = rng.normal(size=(3, 16)), rng.normal(size=(4, 16)), np.zeros(16)
    >>> h1, c1 = lstm_step_variant(x, h, c, k, r, b)
    >>> h1.shape, c1.shape
    ((2, 4), (2, 4))
    """
    units = h.shape[1]
    z = x @ kernel
    if use_recurrent:
        z = z + h @ recurrent_kernel
    if use_bias:
        z = z + bias
    block = {name: z[:, k * units : (k + 1) * units] for k, name in enumerate(order)}
    i, f, o = gate(block["i"]), gate(block["f"]), gate(block["o"])
    g = candidate(block["c"])
    c_new = f * c + i * g
    return o * squash(c_new), c_new


def _lstm_mistakes() -> list[tuple[dict[str, Any], str]]:
    """Known mistakes of exercise 1.1: variant arguments and the hint for each."""
    mistakes: list[tuple[dict[str, Any], str]] = []
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
        ({"gate": np.tanh, "candidate": _sigmoid}, swapped),
        ({"candidate": _sigmoid}, swapped + "; your candidate g uses σ"),
        ({"gate": np.tanh}, swapped + "; your gates use tanh"),
        ({"gate": np.tanh, "candidate": _sigmoid, "squash": _sigmoid}, swapped),
        (
            {"squash": _sigmoid},
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


@exercise_check
def ex_01_1(lstm_step) -> str:
    """Exercise 1.1: ``lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)``.

    Must return ``(h, c)`` of one LSTM step with Keras' weight layout (gate order i, f, c, o).
    Judged on random inputs the check draws: four shapes, batch sizes 1 to 4, one and several
    units.
    """
    rng = np.random.default_rng(101)
    for batch, input_dim, units in STEP_CASES:
        case = _draw_lstm_case(rng, batch, input_dim, units)
        what = f"lstm_step (batch {batch}, input_dim {input_dim}, units {units})"
        result = call_learner(lstm_step, *(v.copy() for v in case.values()), what=f"your {what}")
        h_raw, c_raw = _pair(result, f"your {what}", ("h", "c"))
        h = as_array(h_raw, f"h (first value returned by {what})", shape=(batch, units))
        c = as_array(c_raw, f"c (second value returned by {what})", shape=(batch, units))
        args = tuple(case.values())
        h_ref, c_ref = lstm_step_variant(*args)
        if _close(h, h_ref) and _close(c, c_ref):
            continue
        if _close(h, c_ref) and _close(c, h_ref):
            raise Hint("you returned (c, h); return the hidden state first: `return h, c`")
        if _close(c, c_ref) and _close(h, np.tanh(c_ref)):
            raise Hint("h = o · tanh(c): you forgot to multiply by the output gate o")
        if _close(h, h_ref) and _close(c, case["c_prev"]):
            raise Hint("h is right but you returned the old cell state c_prev; return the new c")
        for kwargs, hint in _lstm_mistakes():
            h_bad, c_bad = lstm_step_variant(*args, **kwargs)
            if _close(h, h_bad) and _close(c, c_bad):
                raise Hint(hint)
        if _close(c, c_ref):
            raise Hint(
                f"c is right but h is not (off by up to {np.max(np.abs(h - h_ref)):.3g}): "
                "h = o · tanh(c) with the new c"
            )
        raise Hint(
            f"c differs from the reference by up to {np.max(np.abs(c - c_ref)):.3g} "
            f"(batch {batch}, units {units}); check c = f · c_prev + i · g, with "
            "z = x_t @ kernel + h_prev @ recurrent_kernel + bias split into i, f, c, o"
        )
    return f"matches the reference on {len(STEP_CASES)} random cases (batch 1 to 4)"


# --- Exercise 1.2: one GRU step ----------------------------------------------------------------


def gru_step_variant(
    x: np.ndarray,
    h: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    *,
    order: str = "zrh",
    gate: Activation = _sigmoid,
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
            {"gate": np.tanh, "candidate": _sigmoid},
            "tanh and σ are swapped: z and r use σ, the candidate ĥ uses tanh",
        ),
        ({"candidate": _sigmoid}, "the candidate ĥ uses tanh, not σ"),
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
def ex_01_2(gru_step) -> str:
    """Exercise 1.2: ``gru_step(x_t, h_prev, kernel, recurrent_kernel, bias)`` returns ``h``.

    One step of Keras' GRU with ``reset_after=True`` (gate order z, r, h; ``bias`` of shape
    (2, 3·units)). Judged on random inputs the check draws: four shapes, batch sizes 1 to 4.
    """
    rng = np.random.default_rng(202)
    for batch, input_dim, units in STEP_CASES:
        case = {
            "x_t": rng.normal(size=(batch, input_dim)),
            "h_prev": rng.normal(scale=0.7, size=(batch, units)),
            "kernel": rng.normal(scale=0.8, size=(input_dim, 3 * units)),
            "recurrent_kernel": rng.normal(scale=0.8, size=(units, 3 * units)),
            "bias": rng.normal(size=(2, 3 * units)),
        }
        what = f"gru_step (batch {batch}, input_dim {input_dim}, units {units})"
        result = call_learner(gru_step, *(v.copy() for v in case.values()), what=f"your {what}")
        if isinstance(result, tuple | list) and len(result) == 2:
            raise Hint(f"your {what} returned two values; a GRU step has one state: return h")
        h = as_array(result, f"the value returned by {what}", shape=(batch, units))
        args = tuple(case.values())
        h_ref = gru_step_variant(*args)
        if _close(h, h_ref):
            continue
        for kwargs, hint in _gru_mistakes():
            if _close(h, gru_step_variant(*args, **kwargs)):
                raise Hint(hint)
        raise Hint(
            f"h differs from the reference by up to {np.max(np.abs(h - h_ref)):.3g} "
            f"(batch {batch}, units {units}); compare term by term with the GRU equations"
        )
    return f"matches Keras' GRU step on {len(STEP_CASES)} random cases (batch 1 to 4)"


# --- Exercise 1.3: the parameter count ---------------------------------------------------------


def lstm_param_count_reference(input_dim: int, units: int) -> int:
    """Parameters of ``keras.layers.LSTM(units)`` on ``input_dim`` features.

    Four gates, each with an input matrix, a recurrent matrix and a bias:

    >>> lstm_param_count_reference(1, 50)   # the sine forecaster of lesson 03
    10400
    """
    return 4 * (units * (input_dim + units) + units)


def _count_mistakes(d: int, u: int) -> list[tuple[int, str]]:
    return [
        (4 * u * (d + u), "you forgot the bias: each of the 4 gates has `units` bias values"),
        (
            u * (d + u) + u,
            "that is the count of one gate; an LSTM has 4 (i, f, c, o), each with its own weights",
        ),
        (
            4 * (u * d + u),
            "you forgot the recurrent kernel (units × 4·units): the gates also read h_prev",
        ),
        (
            4 * (u * (d + u) + 2 * u),
            "Keras' LSTM has one bias per gate; two biases per gate is the PyTorch/cuDNN count",
        ),
        (4 * u * (d + u) + u, "the bias has 4·units values (one per gate unit), not units"),
        (3 * (u * (d + u) + 2 * u), "that is the count of Keras' GRU (3 gate blocks)"),
        (3 * (u * (d + u) + u), "that is a GRU's count (3 gate blocks); an LSTM has 4"),
        (
            lstm_param_count_reference(u, d),
            "input_dim and units are swapped: the kernel is (input_dim, 4·units) and the "
            "recurrent kernel (units, 4·units)",
        ),
        (4 * (d * d + u * u + u), "the kernel is (input_dim × 4·units), not input_dim²"),
    ]


@exercise_check
def ex_01_3(lstm_param_count) -> str:
    """Exercise 1.3: ``lstm_param_count(input_dim, units)`` returns an LSTM layer's parameters.

    Judged on (input_dim, units) pairs the check draws, against the formula that the tests
    verify equals ``keras.layers.LSTM(units).count_params()``.
    """
    rng = np.random.default_rng(303)
    pairs = [(1, 1), (1, 50), *((int(d), int(u)) for d, u in rng.integers(2, 200, size=(4, 2)))]
    answers: dict[tuple[int, int], float] = {}
    for d, u in pairs:
        got_raw = call_learner(lstm_param_count, d, u, what="your lstm_param_count")
        if isinstance(got_raw, str):
            raise Hint(f"lstm_param_count({d}, {u}) should be a number, got a str")
        got = require_number(got_raw, f"lstm_param_count({d}, {u})")
        if not math.isclose(got, round(got)):
            raise Hint(
                f"lstm_param_count({d}, {u}) = {got:g} is not a whole number; a parameter count "
                "is an integer"
            )
        answers[d, u] = got
    wrong = [(d, u) for (d, u), got in answers.items() if got != lstm_param_count_reference(d, u)]
    if not wrong:
        return f"right on {len(pairs)} (input_dim, units) pairs"
    d, u = wrong[0]
    shown = f"lstm_param_count({d}, {u}) = {answers[d, u]:g}"
    # A known mistake is named only if it explains the answers on every pair.
    for index, (_, hint) in enumerate(_count_mistakes(d, u)):
        if all(got == _count_mistakes(*pair)[index][0] for pair, got in answers.items()):
            raise Hint(f"{shown}: {hint}")
    raise Hint(
        f"{shown}, expected {lstm_param_count_reference(d, u)}: count the kernel, the "
        "recurrent kernel and the bias of the 4 gates"
    )
