"""Exercise checks: ``cu.checks.ex_NN_M(...)`` for exercise N.M.

The protocol (pass line, hints, recording) lives in :mod:`course_utils.checks.base`; the checks
of lesson NN live in ``course_utils/checks/exNN.py`` and are imported when first used.

An answer that forgets to scale gets a hint, not a traceback:

>>> import course_utils as cu
>>> cu.checks.ex_00_1(lambda x: x)
❌ Exercise 0.1: the result should lie in [0, 1] but spans ...
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

from course_utils.checks.base import (
    RESULTS,
    CheckResult,
    Hint,
    NotDone,
    as_array,
    attempt,
    call_learner,
    done,
    exercise_check,
    exercise_number,
    parse_check_name,
    require_close,
    require_keras_model,
    require_number,
)

__all__ = [
    "RESULTS",
    "CheckResult",
    "Hint",
    "NotDone",
    "as_array",
    "attempt",
    "call_learner",
    "done",
    "exercise_check",
    "exercise_number",
    "parse_check_name",
    "require_close",
    "require_keras_model",
    "require_number",
]


def __getattr__(name: str) -> Callable[..., Any]:
    """Find ``ex_NN_M`` in ``course_utils.checks.exNN``."""
    try:
        lesson, _ = parse_check_name(name)
    except ValueError:
        lesson = None
    if lesson is not None:
        module_name = f"{__name__}.ex{lesson}"
        if importlib.util.find_spec(module_name) is not None:
            module = importlib.import_module(module_name)
            if hasattr(module, name):
                return getattr(module, name)
    raise AttributeError(f"there is no check called {name!r} (checks are named like ex_03_1)")
