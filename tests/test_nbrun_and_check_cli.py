"""Running notebooks (course_utils.nbrun) and `python -m course_utils check|execute`."""

import subprocess
import sys

import nbformat
import pytest
from helpers import make_notebook

from course_utils.checks.runner import check_notebook
from course_utils.nbrun import clean_notebook, notebook_bytes, read_notebook, write_notebook


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


LEARNER_NOTEBOOK = [
    ("code", "import course_utils as cu"),
    ("md", "## Exercise 0.1"),
    ("code", "def scale(v):\n    return (v - v.min()) / (v.max() - v.min())"),
    ("code", "cu.checks.ex_00_1(scale)"),
    ("md", "## Exercise 0.2"),
    ("code", "def wrong(v):\n    return v / v.max()\n\ncu.checks.ex_00_1(wrong)"),
    ("code", "undefined_name + 1"),
    ("code", "cu.checks.ex_00_1(never_defined)"),
]


@pytest.mark.slow
def test_check_reports_each_exercise_and_continues_past_errors(tmp_path):
    cells = [list(c) for c in LEARNER_NOTEBOOK]
    # make the three check calls three different exercises of the same (demo) check
    cells[5][1] = cells[5][1].replace("ex_00_1(wrong)", "ex_00_1(wrong)  # 0.1 again")
    path = make_notebook(tmp_path / "00_demo_exercises.ipynb", [tuple(c) for c in cells])
    before = path.read_bytes()
    report = check_notebook(path, timeout=120)
    assert path.read_bytes() == before, "the learner's file must not be modified"
    # the last result recorded for 0.1 wins: the wrong answer
    assert list(report.results) == ["0.1"]
    assert not report.results["0.1"].passed
    assert "divided by the maximum" in report.results["0.1"].message
    assert not report.all_passed
    text = report.render()
    assert "0 of 1 exercises passed." in text


def _cli(*args):
    """Run ``python -m course_utils *args`` and return the completed process."""
    return subprocess.run(
        [sys.executable, "-m", "course_utils", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.slow
def test_check_command_line(tmp_path):
    passing = make_notebook(tmp_path / "00_ok_exercises.ipynb", LEARNER_NOTEBOOK[:4])
    run = _cli("check", passing)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "✅ Exercise 0.1 passed" in run.stdout
    assert "1 of 1 exercises passed." in run.stdout
    assert run.stderr == "", "no kernel or TensorFlow noise on the learner's terminal"

    stub = make_notebook(
        tmp_path / "00_stub_exercises.ipynb",
        [
            ("code", "import course_utils as cu"),
            ("code", "def scale(v):\n    raise NotImplementedError('Exercise 0.1: ...')"),
            ("code", "cu.checks.ex_00_1(scale)"),
        ],
    )
    run = _cli("check", stub)
    assert run.returncode == 1
    assert "❌ Exercise 0.1: not done yet" in run.stdout
    assert "0 of 1 exercises passed." in run.stdout

    unrun = make_notebook(
        tmp_path / "00_unrun_exercises.ipynb",
        [
            ("code", "import course_utils as cu"),
            ("code", "value = undefined_name"),
            ("code", "cu.checks.ex_00_1(value)"),
        ],
    )
    run = _cli("check", unrun)
    assert run.returncode == 1
    assert "❌ Exercise 0.1: not checked: the check cell raised NameError" in run.stdout

    missing = _cli("check", tmp_path / "nope.ipynb")
    assert missing.returncode == 2 and "no notebook at" in missing.stderr


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
