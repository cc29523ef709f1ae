"""Every exercise check refuses answers that are not code (issue 15, "typed results").

A check must be handed the learner's *function, builder or model* and run it on inputs it draws;
a number, a table of results or a string typed into the check call must never pass. This module
finds every check of every lesson (``course_utils/checks/exNN.py``) and tries it with typed
values in place of each argument. The cheats that need a check's own task (memorisers, model
mutation, one-liners) are tried in each lesson's ``tests/checks/test_checks_exNN.py``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import course_utils.checks as checks_package

TYPED_ANSWERS = {
    "a float": 0.5,
    "an int": 10,
    "a numeric string": "2.0",
    "a dict of results": {2: 0.5, 5: 0.4, 20: 0.3, 40: 0.2},
    "a list of numbers": [0.27, 2.11, 2.83],
    "an array": np.zeros(3),
    "None": None,
}


def all_checks() -> list:
    found = []
    for module_info in pkgutil.iter_modules(checks_package.__path__):
        if not (module_info.name.startswith("ex") and module_info.name[2:].isdigit()):
            continue
        module = importlib.import_module(f"course_utils.checks.{module_info.name}")
        for name, value in vars(module).items():
            if name.startswith("ex_") and hasattr(value, "evaluate"):
                found.append(value)
    return sorted(found, key=lambda check: check.__name__)


def learner_parameters(check) -> list[str]:
    """The arguments a learner passes (the decorator's ``rng`` is not one of them)."""
    signature = inspect.signature(inspect.unwrap(check))
    return [
        name
        for name, p in signature.parameters.items()
        if name != "rng"
        and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        and p.default is p.empty
    ]


CHECKS = all_checks()


def test_every_lesson_with_exercises_has_checks():
    lessons = {check.__name__[3:5] for check in CHECKS}
    assert {"01", "02", "03", "06"} <= lessons, lessons


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
@pytest.mark.parametrize("kind", list(TYPED_ANSWERS))
def test_typed_values_never_pass(check, kind):
    typed = TYPED_ANSWERS[kind]
    arguments = [typed for _ in learner_parameters(check)]
    result = check.evaluate(*arguments, seed=0)
    assert not result.passed, f"{check.__name__} passed on {kind} in every argument"
    assert "Traceback" not in result.message and "\n" not in result.message.strip()
