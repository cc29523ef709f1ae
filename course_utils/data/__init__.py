"""Data for the lessons, by kind; everything here is NumPy only (no TensorFlow import).

- :mod:`~course_utils.data.synthetic`: synthetic series and tasks (lessons 02, 03, 04, 07);
- :mod:`~course_utils.data.windows`: windows, chronological splits and scalers (lesson 03);
- :mod:`~course_utils.data.real`: real series shipped by installed packages (lesson 05).

Every public name is available here too, as the lessons use them:
``from course_utils.data import load_co2`` or ``cu.data.adding_problem(...)``.
"""

from __future__ import annotations

from course_utils.data.real import load_co2, load_goog, load_stock, stock_tickers
from course_utils.data.synthetic import (
    MARKER_ID,
    PAD_ID,
    RELEVANT_STEP_TASKS,
    SERIES_KINDS,
    GapFillingTask,
    RelevantStepTask,
    adding_problem,
    gap_filling_task,
    relevant_step_task,
    synthetic_series,
)
from course_utils.data.windows import (
    apply_scaler,
    chronological_split,
    fit_scaler,
    invert_scaling,
    make_windows,
    split_index,
)

__all__ = [
    "MARKER_ID",
    "PAD_ID",
    "RELEVANT_STEP_TASKS",
    "SERIES_KINDS",
    "GapFillingTask",
    "RelevantStepTask",
    "adding_problem",
    "apply_scaler",
    "chronological_split",
    "fit_scaler",
    "gap_filling_task",
    "invert_scaling",
    "load_co2",
    "load_goog",
    "load_stock",
    "make_windows",
    "relevant_step_task",
    "split_index",
    "stock_tickers",
    "synthetic_series",
]
