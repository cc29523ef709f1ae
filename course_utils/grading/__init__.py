"""The grader: run a learner's exercise notebook (or a class's folder) and grade every exercise.

``python -m course_utils grade NOTEBOOK`` (or ``grade FOLDER --set NN``) uses three modules:

- :mod:`course_utils.grading.sets`: what each exercise set holds, learned from ``solutions/``;
- :mod:`course_utils.grading.grade`: grading one notebook in a fresh kernel, or a whole folder;
- :mod:`course_utils.grading.reports`: the grades of a notebook, and CSV/JSON/JUnit files.

It is tooling for teachers and CI, not part of what the lessons import; the checks it calls are
the learner's :mod:`course_utils.checks`.
"""

from __future__ import annotations

from course_utils.grading.grade import (
    DEFAULT_TIMEOUT_S,
    find_submissions,
    grade_folder,
    grade_notebook,
    grade_notebook_async,
    print_progress,
)
from course_utils.grading.reports import (
    ExerciseResult,
    NotebookReport,
    write_csv,
    write_json,
    write_junit,
)
from course_utils.grading.sets import (
    Exercise,
    ExerciseSet,
    NotAnExerciseNotebook,
    default_solutions_dir,
    identify_set,
    load_set,
    load_sets,
)

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "Exercise",
    "ExerciseResult",
    "ExerciseSet",
    "NotAnExerciseNotebook",
    "NotebookReport",
    "default_solutions_dir",
    "find_submissions",
    "grade_folder",
    "grade_notebook",
    "grade_notebook_async",
    "identify_set",
    "load_set",
    "load_sets",
    "print_progress",
    "write_csv",
    "write_json",
    "write_junit",
]
