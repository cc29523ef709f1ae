"""The old home of :mod:`course_utils.tooling.nbrun`, kept for the root ``conftest.py`` only.

``conftest.py`` imports ``time_budget`` from here; once it imports it from
``course_utils.tooling.nbrun``, delete this module.
"""

from __future__ import annotations

from course_utils.tooling.nbrun import time_budget

__all__ = ["time_budget"]
