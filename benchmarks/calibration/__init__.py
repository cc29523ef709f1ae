"""The answers ``make calibrate`` runs against each check, besides the solution in solutions/.

One module per lesson (``exNN.py``) defines ``ANSWERS``, a dict from exercise number ("3.1") to
a list of answers; :func:`all_answers` merges them. Each answer is an :class:`Answer`: a label,
whether it is a right answer, and a function that takes the namespace of the executed solutions
notebook (its imports, data and the solution itself) and returns the check's arguments
``(args, kwargs)``. Right answers are the other answers an exercise's text promises to accept;
wrong answers are the plausible mistakes a learner makes (most are the ones the tests of
``tests/checks/test_checks_exNN.py`` use, and are imported from there so that each is written once).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    """One answer to one check: ``make(namespace)`` gives the check's ``(args, kwargs)``."""

    label: str
    right: bool
    make: Callable[[dict], tuple[tuple, dict]]


def right(label: str, make: Callable[[dict], tuple]) -> Answer:
    """A right answer: ``make`` returns the check's positional arguments."""
    return Answer(label, True, lambda ns: (tuple(make(ns)), {}))


def wrong(label: str, make: Callable[[dict], tuple]) -> Answer:
    """A plausible wrong answer: ``make`` returns the check's positional arguments."""
    return Answer(label, False, lambda ns: (tuple(make(ns)), {}))


def adam(rate: float) -> Callable[[], object]:
    """A factory of ``keras.optimizers.Adam(rate)``: a fresh optimizer for each model built."""

    def make():
        import keras

        return keras.optimizers.Adam(rate)

    return make


def all_answers() -> dict[str, list[Answer]]:
    """Every lesson module's ``ANSWERS``, merged: exercise number -> answers."""
    import importlib
    import pkgutil

    merged: dict[str, list[Answer]] = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("ex"):
            answers = importlib.import_module(f"{__name__}.{module.name}").ANSWERS
            for number, listed in answers.items():
                merged.setdefault(number, []).extend(listed)
    return merged
