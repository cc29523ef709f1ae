"""Every untouched exercise notebook runs top to bottom, as "Run All" in JupyterLab does.

JupyterLab stops at the first cell that raises, so a given cell that calls the learner's
unfinished function would hide every exercise below it. Each notebook in exercises/ is executed
as stored (stubs in place) with stop-on-error semantics: every cell must run, and every check
must print its "not done yet" line, never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course_utils.tooling.nbrun import execute_notebook, read_notebook

ROOT = Path(__file__).resolve().parents[1]
EXERCISE_NOTEBOOKS = sorted((ROOT / "exercises").glob("*_exercises.ipynb"))
CHECK_CALL = re.compile(r"\bcu\.checks\.ex_\d{2}_\d+\(")


def _text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            parts.append("Traceback: " + output.get("ename", ""))
        else:
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def test_there_are_exercise_notebooks():
    assert len(EXERCISE_NOTEBOOKS) >= 7, [p.name for p in EXERCISE_NOTEBOOKS]


@pytest.mark.slow
@pytest.mark.parametrize("path", EXERCISE_NOTEBOOKS, ids=lambda p: p.name[:2])
def test_an_untouched_exercise_notebook_runs_to_the_end(path):
    nb = read_notebook(path)
    # allow_errors=False: the first cell that raises stops the run, as "Run All" does.
    execute_notebook(nb, path.parent, timeout=300, allow_errors=False)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.get("execution_count") for cell in code if cell.source.strip())
    checks = [cell for cell in code if CHECK_CALL.search(cell.source)]
    assert checks, f"{path.name} calls no check"
    for cell in checks:
        shown = _text(cell)
        assert "❌ Exercise" in shown and "not done yet" in shown, (cell.source, shown)
    for cell in code:
        assert "Traceback" not in _text(cell), (cell.source, _text(cell))
