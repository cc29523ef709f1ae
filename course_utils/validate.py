"""Argument checks shared by every module of ``course_utils``.

One place decides what a valid count, number, probability, seed or series is, so every public
function rejects bad input the same way: a ``TypeError`` for the wrong kind of value, a
``ValueError`` for a value out of range, each naming the argument. Python and NumPy scalars are
accepted alike (``np.int64(10)`` is a count, ``np.float32(0.1)`` a number); ``bool`` and strings
are not numbers here.

Not a lesson: the notebooks never show this module.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection

import numpy as np


def _type_name(value: object) -> str:
    return type(value).__name__


def _scalar(value: object) -> object:
    """A 0-d NumPy array becomes its scalar; anything else is returned unchanged."""
    if isinstance(value, np.ndarray) and value.shape == ():
        return value[()]
    return value


def positive_int(value: object, name: str, minimum: int = 1) -> int:
    """``value`` as an ``int`` that is at least ``minimum``.

    >>> positive_int(np.int64(10), "context")
    10
    >>> positive_int(0, "window")
    Traceback (most recent call last):
    ...
    ValueError: window must be >= 1, got 0
    >>> positive_int(2.0, "window")
    Traceback (most recent call last):
    ...
    TypeError: window must be an int, got float
    """
    number = integer(value, name)
    if number < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {number}")
    return number


def finite_float(
    value: object,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """``value`` as a finite ``float``, optionally inside [``low``, ``high``].

    >>> finite_float(np.float32(0.5), "alpha")
    0.5
    >>> finite_float(float("inf"), "learning_rate")
    Traceback (most recent call last):
    ...
    ValueError: learning_rate must be finite, got inf
    >>> finite_float(0.0, "learning_rate", low=0.0, low_inclusive=False)
    Traceback (most recent call last):
    ...
    ValueError: learning_rate must be > 0.0, got 0.0
    >>> finite_float("0.1", "alpha")
    Traceback (most recent call last):
    ...
    TypeError: alpha must be a number, got str
    """
    value = _scalar(value)
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {_type_name(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    if low is not None and (number < low or (not low_inclusive and number == low)):
        raise ValueError(f"{name} must be {'>=' if low_inclusive else '>'} {low}, got {number}")
    if high is not None and (number > high or (not high_inclusive and number == high)):
        raise ValueError(f"{name} must be {'<=' if high_inclusive else '<'} {high}, got {number}")
    return number


def rate(value: object, name: str) -> float:
    """A rate in [0, 1), such as a dropout rate.

    >>> rate(0.2, "dropout")
    0.2
    >>> rate(1.0, "dropout")
    Traceback (most recent call last):
    ...
    ValueError: dropout must be < 1.0, got 1.0
    """
    return finite_float(value, name, low=0.0, high=1.0, high_inclusive=False)


def seed(value: object, name: str = "seed", *, below_2_32: bool = False) -> int:
    """A seed for ``np.random.default_rng``: an int >= 0 (below 2**32 with ``below_2_32``,
    what ``keras.utils.set_random_seed`` accepts).

    >>> seed(np.int32(3))
    3
    >>> seed(-1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be >= 0, got -1
    >>> seed(2**32, below_2_32=True)
    Traceback (most recent call last):
    ...
    ValueError: seed must be in [0, 2**32), got 4294967296
    """
    if not below_2_32:
        return positive_int(value, name, minimum=0)
    number = integer(value, name)
    if not 0 <= number < 2**32:
        raise ValueError(f"{name} must be in [0, 2**32), got {number}")
    return number


def integer(value: object, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an ``int``; with ``low`` and ``high``, one of ``low .. high - 1``.

    >>> integer(np.int64(2), "column", low=0, high=3)
    2
    >>> integer(3, "column", low=0, high=3)
    Traceback (most recent call last):
    ...
    ValueError: column must be in 0..2, got 3
    >>> integer(True, "column")
    Traceback (most recent call last):
    ...
    TypeError: column must be an int, got bool
    """
    value = _scalar(value)
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {_type_name(value)}")
    number = int(value)
    if low is not None and high is not None and not low <= number < high:
        raise ValueError(f"{name} must be in {low}..{high - 1}, got {number}")
    return number


def fraction(value: object, name: str) -> float:
    """A number strictly between 0 and 1, such as the share of samples that train.

    >>> fraction(0.8, "train_fraction")
    0.8
    >>> fraction(1.0, "train_fraction")
    Traceback (most recent call last):
    ...
    ValueError: train_fraction must be in (0, 1), strictly between 0 and 1, got 1.0
    """
    try:
        return finite_float(
            value, name, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
        )
    except ValueError:  # one message for 0, 1, NaN and beyond
        raise ValueError(
            f"{name} must be in (0, 1), strictly between 0 and 1, got {value}"
        ) from None


def flag(value: object, name: str) -> bool:
    """``True`` or ``False`` (not 0 or 1, not a string).

    >>> flag(False, "fill_gaps")
    False
    >>> flag("yes", "fill_gaps")
    Traceback (most recent call last):
    ...
    TypeError: fill_gaps must be True or False, got str
    """
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {_type_name(value)}")
    return value


def as_generator(rng: object, name: str = "rng") -> np.random.Generator:
    """Accept a NumPy ``Generator`` or an int seed >= 0; anything else is an error.

    >>> bool(as_generator(0).integers(10) == np.random.default_rng(0).integers(10))
    True
    >>> as_generator(-5)
    Traceback (most recent call last):
    ...
    ValueError: rng must be >= 0, got -5
    """
    if isinstance(rng, np.random.Generator):
        return rng
    rng = _scalar(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool | np.bool_):
        return np.random.default_rng(seed(rng, name))
    raise TypeError(
        f"{name} must be a numpy Generator (np.random.default_rng(seed)) or an int seed, "
        f"got {_type_name(rng)}"
    )


def one_of(value: object, name: str, choices: Collection[str]) -> str:
    """A string among ``choices`` (compared in lower case), returned in lower case.

    >>> one_of("LSTM", "cell", ("lstm", "gru"))
    'lstm'
    >>> one_of("rnn", "cell", ("lstm", "gru"))
    Traceback (most recent call last):
    ...
    ValueError: cell must be one of ('lstm', 'gru'), got 'rnn'
    """
    if not isinstance(value, str) or value.lower() not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value.lower()


def as_series(series: object, name: str = "series", *, min_length: int = 1) -> np.ndarray:
    """A finite float64 array of rank 1 (time,) or 2 (time, features) with ``min_length`` steps.

    >>> as_series([1, 2, 3]).dtype
    dtype('float64')
    >>> as_series([1.0, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: series contains 1 NaN or infinite value(s); clean it first
    >>> as_series([1.0, 2.0], min_length=5)
    Traceback (most recent call last):
    ...
    ValueError: series has 2 steps; at least 5 are needed
    """
    try:
        array = np.asarray(series, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {_type_name(series)}") from exc
    if array.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be 1-D (time,) or 2-D (time, features), got shape {array.shape}"
        )
    if array.ndim == 2 and array.shape[1] < 1:
        raise ValueError(f"{name} has no feature columns (shape {array.shape})")
    if not np.all(np.isfinite(array)):
        bad = int(np.count_nonzero(~np.isfinite(array)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); clean it first")
    if len(array) < min_length:
        raise ValueError(f"{name} has {len(array)} steps; at least {min_length} are needed")
    return array


def text(value: object, name: str = "text", *, min_chars: int = 1) -> str:
    """A ``str`` of at least ``min_chars`` characters.

    >>> text("abc")
    'abc'
    >>> text("", "corpus")
    Traceback (most recent call last):
    ...
    ValueError: corpus is empty; at least 1 character is needed
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {_type_name(value)}")
    if len(value) < min_chars:
        what = "is empty" if not value else f"has {len(value)} characters"
        unit = "character is" if min_chars == 1 else "characters are"
        raise ValueError(f"{name} {what}; at least {min_chars} {unit} needed")
    return value
