"""``python -m course_utils check exercises/NN_topic_exercises.ipynb``: run a learner's notebook
(continuing past errors) and report every exercise check it contains.

The learner's file is not modified: a copy is executed in a fresh kernel, whose checks write
their results to a temporary file (see :data:`course_utils.checks.base.REPORT_ENV`).
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from course_utils.checks.base import REPORT_ENV, CheckResult, exercise_number
from course_utils.nbrun import execute_notebook, read_notebook

CHECK_CALL = re.compile(r"\bchecks\.(ex_\d{2}_\d+)\s*\(")


@dataclass
class NotebookReport:
    """Per-exercise outcome of running one notebook.

    >>> report = NotebookReport(Path("ex.ipynb"), 3.0, {"0.1": CheckResult("0.1", True)})
    >>> print(report.render())
    Checked ex.ipynb (ran in 3 s)
      ✅ Exercise 0.1 passed
    1 of 1 exercises passed.
    """

    notebook: Path
    seconds: float
    results: dict[str, CheckResult] = field(default_factory=dict)

    @property
    def all_passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results.values())

    def render(self) -> str:
        """The report printed by the command line."""
        lines = [f"Checked {self.notebook} (ran in {self.seconds:.0f} s)"]
        for result in self.results.values():
            lines.append("  " + result.line())
        passed = sum(r.passed for r in self.results.values())
        if not self.results:
            lines.append("  This notebook calls no exercise checks.")
        lines.append(f"{passed} of {len(self.results)} exercises passed.")
        return "\n".join(lines)


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def check_notebook(path: str | Path, *, timeout: int = 600) -> NotebookReport:
    """Execute the notebook at ``path`` and collect the result of every check it calls.

    An exercise whose check cell never produced a result (the cell raised before the check ran,
    e.g. a ``NameError``) is reported as failed with that error.

    Example::

        >>> path = "exercises/01_lstm_gate_equations_exercises.ipynb"
        >>> report = check_notebook(path)  # doctest: +SKIP
        >>> report.all_passed  # doctest: +SKIP
        False

    Raises:
        FileNotFoundError: no notebook at ``path``.
        ValueError: the file is not a notebook.
    """
    path = Path(path)
    nb = read_notebook(path)
    cell_of: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            for name in CHECK_CALL.findall(cell.source):
                cell_of.setdefault(exercise_number(name), index)

    with tempfile.TemporaryDirectory(prefix="lstm-course-check-") as tmp:
        report_file = Path(tmp) / "results.jsonl"
        report_file.touch()
        seconds = execute_notebook(
            nb,
            path.parent.resolve(),
            timeout=timeout,
            allow_errors=True,
            env={REPORT_ENV: str(report_file)},
        )
        recorded: dict[str, CheckResult] = {}
        for line in report_file.read_text(encoding="utf-8").splitlines():
            data = json.loads(line)
            recorded[data["exercise"]] = CheckResult(**data)

    results: dict[str, CheckResult] = {}
    for number in sorted(set(cell_of) | set(recorded), key=_number_key):
        if number in recorded:
            results[number] = recorded[number]
            continue
        errors = [
            f"{out.get('ename')}: {out.get('evalue')}"
            for out in nb.cells[cell_of[number]].get("outputs", [])
            if out.get("output_type") == "error"
        ]
        why = f"the check cell raised {errors[0]}" if errors else "the check cell did not run"
        results[number] = CheckResult(
            number, False, f"not checked: {why}. Run the cells above it, then the check again."
        )
    return NotebookReport(notebook=path, seconds=seconds, results=results)
