"""Running notebooks (course_utils.tooling.nbrun) and `python -m course_utils execute`.

The grader (`python -m course_utils grade`, alias `check`) is tested in tests/grading/test_grade.py.
"""

import subprocess
import sys

import nbformat
import pytest
from helpers import make_notebook

from course_utils.tooling.nbrun import (
    clean_notebook,
    notebook_bytes,
    read_notebook,
    run_bounded,
    write_notebook,
)


def test_read_notebook_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no notebook at"):
        read_notebook(tmp_path / "missing.ipynb")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match=r"is not a notebook \(\.ipynb\)"):
        read_notebook(text)
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    with pytest.raises(ValueError, match="is not a valid notebook"):
        read_notebook(broken)


def test_clean_notebook_keeps_tags_only_and_sets_the_kernel(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"state": {}}
    nb.metadata["kernelspec"] = {"name": "my-env", "display_name": "My env", "language": "python"}
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "1",
            metadata={
                "tags": ["nbval-ignore-output"],
                "execution": {"iopub.status.busy": "2026-01-01T00:00:00Z"},
                "scrolled": True,
            },
        )
    )
    nb.cells.append(nbformat.v4.new_markdown_cell("x", metadata={"tags": []}))
    clean_notebook(nb)
    assert nb.metadata == {
        "kernelspec": {
            "name": "python3",
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
        },
        "language_info": {"name": "python"},
    }
    assert nb.cells[0].metadata == {"tags": ["nbval-ignore-output"]}
    assert nb.cells[1].metadata == {}
    data = write_notebook(nb, tmp_path / "c.ipynb")
    assert data == notebook_bytes(nb) == (tmp_path / "c.ipynb").read_bytes()
    assert data.endswith(b"}\n")


@pytest.mark.slow
def test_a_bounded_run_goes_on_past_errors_and_reports_no_failure(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# a learner's notebook"),
        nbformat.v4.new_code_cell("1 / 0"),
        nbformat.v4.new_code_cell("print('still running')"),
    ]
    outcome = run_bounded(nb, tmp_path, timeout=60)
    assert outcome.failure is None and outcome.executed == [1, 2]
    assert nb.cells[1].outputs[0].ename == "ZeroDivisionError"
    assert nb.cells[2].outputs[0].text == "still running\n"
    with pytest.raises(ValueError, match="timeout must be positive"):
        run_bounded(nb, tmp_path, timeout=0)


def _cli(*args):
    """Run ``python -m course_utils *args`` and return the completed process."""
    return subprocess.run(
        [sys.executable, "-m", "course_utils", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.slow
def test_execute_stores_a_clean_executed_notebook_and_refuses_a_failing_one(tmp_path):
    good = make_notebook(tmp_path / "good.ipynb", [("code", "print(6 * 7)")])
    run = _cli("execute", good)
    assert run.returncode == 0, run.stderr
    nb = read_notebook(good)
    assert nb.cells[0].outputs[0].text == "42\n"
    assert nb.cells[0].execution_count == 1
    assert nb.metadata.kernelspec.name == "python3"

    bad = make_notebook(tmp_path / "bad.ipynb", [("code", "1 / 0")])
    before = bad.read_bytes()
    run = _cli("execute", bad)
    assert run.returncode == 1 and "FAILED, not stored" in run.stderr
    assert bad.read_bytes() == before
