"""The exercise builder: solutions/ → exercises/ (course_utils.tooling.exercises and its CLI)."""

import subprocess
import sys

import nbformat
import pytest
from helpers import make_notebook

from course_utils.tooling.exercises import (
    ExerciseBuildError,
    build_all,
    build_exercise_notebook,
    exercise_path_for,
    strip_solutions,
)
from course_utils.tooling.nbrun import read_notebook

ROOT_SOLUTION = """\
def lstm_step(x, h):
    prepared = x * 2
    # BEGIN SOLUTION
    if prepared > 0:
        return prepared + h
    return h
    # END SOLUTION


result = None
# BEGIN SOLUTION
result = lstm_step(1, 2)
# END SOLUTION
print(result)"""


def test_blocks_become_stubs_at_their_indentation_and_the_rest_is_kept():
    out = strip_solutions(ROOT_SOLUTION, "1.1", "nb")
    assert out.splitlines() == [
        "def lstm_step(x, h):",
        "    prepared = x * 2",
        "    # Exercise 1.1: write your code here.",
        '    raise NotImplementedError("Exercise 1.1: replace this line with your code")',
        "",
        "",
        "result = None",
        "# Exercise 1.1: write your code here.",
        'raise NotImplementedError("Exercise 1.1: replace this line with your code")',
        "print(result)",
    ]
    compile(out, "stub", "exec")  # the stub is valid Python


def test_marker_spelling_variants_are_recognised():
    source = "x = 1\n  #BEGIN SOLUTION  \nx = 2\n#  END SOLUTION\n"
    assert "x = 2" not in strip_solutions(source, "2.1", "nb")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("# BEGIN SOLUTION\nx = 1\n", "BEGIN SOLUTION on line 1 is never closed"),
        ("x = 1\n# END SOLUTION\n", "END SOLUTION on line 2 has no BEGIN SOLUTION"),
        (
            "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n# END SOLUTION\n",
            "BEGIN SOLUTION on line 2 is nested inside the block opened on line 1",
        ),
    ],
)
def test_broken_markers_are_errors_naming_the_place(source, message):
    with pytest.raises(ExerciseBuildError, match=message) as caught:
        strip_solutions(source, "1.1", "solutions/01_x_solutions.ipynb, cell 3 (id abc)")
    assert str(caught.value).startswith("solutions/01_x_solutions.ipynb, cell 3 (id abc): ")


def test_a_solution_block_needs_an_exercise_heading(tmp_path):
    path = make_notebook(tmp_path / "s.ipynb", [("code", "# BEGIN SOLUTION\nx=1\n# END SOLUTION")])
    with pytest.raises(ExerciseBuildError, match=r"needs a markdown heading '## Exercise N\.M"):
        build_exercise_notebook(read_notebook(path), "s.ipynb")


def test_markers_in_markdown_are_an_error(tmp_path):
    path = make_notebook(
        tmp_path / "s.ipynb", [("md", "## Exercise 1.1\n# BEGIN SOLUTION\nanswer\n# END SOLUTION")]
    )
    with pytest.raises(ExerciseBuildError, match="only work in code cells"):
        build_exercise_notebook(read_notebook(path), "s.ipynb")


def _solutions_notebook(path):
    path = make_notebook(
        path,
        [
            ("md", "# Exercises 01"),
            ("code", "import course_utils as cu"),
            ("md", "## Exercise 1.1 — one step"),
            ("code", "def f(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION"),
            ("code", "cu.checks.ex_00_1(f)", ["nbval-ignore-output"]),
            ("md", "Discussion of the answer.", ["solution-only"]),
            ("md", "### Exercise 1.2: two steps"),
            ("code", "y = None\n# BEGIN SOLUTION\ny = 2\n# END SOLUTION"),
            ("code", "print('the official answer')", ["solution-only"]),
        ],
    )
    nb = read_notebook(path)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
    nb.cells[1].execution_count = 1
    nb.cells[1].metadata["scrolled"] = True
    nbformat.write(nb, path)
    return path


def test_built_notebook_drops_solution_only_cells_clears_outputs_and_keeps_ids(tmp_path):
    source = read_notebook(_solutions_notebook(tmp_path / "s.ipynb"))
    built = build_exercise_notebook(source, "s.ipynb")
    assert [c.id for c in built.cells] == [
        "cell-0",
        "cell-1",
        "cell-2",
        "cell-3",
        "cell-4",
        "cell-6",
        "cell-7",
    ]
    code = [c for c in built.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert built.cells[1].metadata == {}
    assert built.cells[4].metadata == {"tags": ["nbval-ignore-output"]}
    assert 'NotImplementedError("Exercise 1.1: ' in built.cells[3].source
    assert 'NotImplementedError("Exercise 1.2: ' in built.cells[6].source
    assert built.cells[6].source.startswith("y = None\n")
    assert "the official answer" not in nbformat.writes(built)
    assert source.cells[1].outputs, "the solutions notebook itself is not modified"
    assert built.metadata.kernelspec.name == "python3"


def _repo(tmp_path):
    _solutions_notebook(tmp_path / "solutions" / "01_demo_solutions.ipynb")
    return tmp_path


def test_build_all_writes_then_is_clean_and_byte_identical(tmp_path):
    root = _repo(tmp_path)
    first = build_all(root)
    target = root / "exercises" / "01_demo_exercises.ipynb"
    assert first.written == [target]
    data = target.read_bytes()
    assert data.endswith(b"\n")
    assert build_all(root, dry_run=True).stale == []
    second = build_all(root)
    assert second.written == [] and target.read_bytes() == data


def test_check_reports_stale_missing_and_orphaned_files(tmp_path):
    root = _repo(tmp_path)
    target = root / "exercises" / "01_demo_exercises.ipynb"
    assert build_all(root, dry_run=True).stale == [target]  # missing
    assert not target.exists(), "--dry-run must not write"
    build_all(root)
    target.write_text(target.read_text().replace("two steps", "2 steps"))
    assert build_all(root, dry_run=True).stale == [target]  # edited by hand
    build_all(root)
    orphan = root / "exercises" / "09_gone_exercises.ipynb"
    orphan.write_text("{}")
    assert build_all(root, dry_run=True).stale == [orphan]


def test_naming_rules(tmp_path):
    assert exercise_path_for(tmp_path / "03_x_solutions.ipynb", tmp_path).name == (
        "03_x_exercises.ipynb"
    )
    with pytest.raises(ExerciseBuildError, match=r"named NN_topic_solutions\.ipynb"):
        exercise_path_for(tmp_path / "03_x.ipynb", tmp_path)
    with pytest.raises(FileNotFoundError, match="no solutions/ folder"):
        build_all(tmp_path / "nowhere")


def _cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "course_utils", "build-exercises", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def test_command_line_exit_codes(tmp_path):
    root = _repo(tmp_path)
    stale = _cli("--dry-run", cwd=root)
    assert stale.returncode == 1 and "01_demo_exercises.ipynb" in stale.stdout
    built = _cli(cwd=root)
    assert built.returncode == 0 and "wrote exercises/01_demo_exercises.ipynb" in built.stdout
    clean = _cli("--check", cwd=root)
    assert clean.returncode == 0 and "up to date" in clean.stdout
    broken = root / "solutions" / "02_broken_solutions.ipynb"
    make_notebook(broken, [("md", "## Exercise 2.1"), ("code", "# BEGIN SOLUTION\nx = 1")])
    failed = _cli(cwd=root)
    assert failed.returncode == 2
    assert "02_broken_solutions.ipynb, cell 1" in failed.stderr
    assert "never closed" in failed.stderr


def test_the_repository_exercises_are_up_to_date(repo_root):
    report = build_all(repo_root, dry_run=True)
    assert report.stale == [], f"run `make exercises`: stale {report.stale}"
