"""course_utils: the small library behind the lstm-course notebooks.

Every notebook starts with::

    import course_utils as cu
    cu.start(seed=42)

or, in the lessons whose models are all small, ``cu.start(seed=42, threads=1)``, and in lesson
06, ``cu.start(seed=42, threads_per_op=1, onednn=True)`` (see :func:`course_utils.runtime.start`).

Importing this package does not import TensorFlow: ``cu.start`` must be able to configure
TensorFlow's logging before it loads. Submodules (``cu.data``, ``cu.checks``, ...) are imported
on first use, so ``cu.checks.ex_00_1`` works without an explicit import.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from course_utils.runtime import doctor, start
from course_utils.source import show_source

__version__ = "0.1.0"
__all__ = ["__version__", "doctor", "show_source", "start"]


def __getattr__(name: str) -> ModuleType:
    """Import the submodule ``course_utils.<name>`` on first access."""
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
