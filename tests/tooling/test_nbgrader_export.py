"""`python -m course_utils export-nbgrader`: the exercise sets as an nbgrader course directory.

The unit tests read the notebooks the export writes (nbgrader's cell metadata, the solution
regions, the test cells, the dropped cells, the points, the config file) and feed it bad input.
The end-to-end test runs the real nbgrader, offline, in a temporary course directory:
``generate_assignment``, then ``autograde`` of three submissions (the solved notebook, the
release notebook untouched, and one with a plausible wrong answer to one exercise) and
``generate_feedback``; the gradebook must hold full marks, zero and all but one point.

Set 01 (NumPy and parameter counts, the cheapest) runs in the notebooks tier; every set runs
with ``LSTM_COURSE_NBGRADER_ALL_SETS=1`` (several minutes each on 2 cores).
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import nbformat
import pytest
from helpers import ROOT, make_notebook
from nbformat import NotebookNode
from traitlets.config import Config

import course_utils
from course_utils.__main__ import main
from course_utils.checks.base import FIXED_DRAWS_ENV
from course_utils.checks.ex00 import ex_00_1
from course_utils.grading import Exercise, ExerciseSet, load_set, load_sets
from course_utils.tooling.exercises import SOLUTION_ONLY, ExerciseBuildError
from course_utils.tooling.nbgrader_export import (
    CELL_TIMEOUT_S,
    CODE_STUB,
    NbgraderExportError,
    autograder_test_source,
    config_source,
    export_nbgrader,
    nbgrader_notebook,
    parse_sets,
    solution_regions,
)
from course_utils.tooling.nbrun import read_notebook

SOLUTIONS = ROOT / "solutions"
SOLUTION_01 = SOLUTIONS / "01_lstm_gate_equations_solutions.ipynb"
#: nbgrader stores grade ids as cell names; it accepts these characters only.
GRADE_ID = re.compile(r"[A-Za-z0-9_-]+")
ALL_SETS_ENV = "LSTM_COURSE_NBGRADER_ALL_SETS"
#: The set the suite autogrades (the cheapest: NumPy steps and parameter counts).
SUITE_SET = "01"
#: Seconds the end-to-end test of the suite's set may take on the 2-core CI machine, counted as
#: CPU time of all its processes (nbgrader and its kernels), as the book's build is: the machine
#: may be busy with other work, which stretches wall-clock time but not this.
BUDGET_S = 120


def _meta(cell) -> dict:
    return cell["metadata"]["nbgrader"]


def _export_01(tmp_path: Path) -> tuple[Path, dict]:
    report = export_nbgrader(tmp_path / "course", "01", solutions=SOLUTIONS)
    path = report.sets[0].notebook
    return path, nbformat.read(path, as_version=4)


def _demo_solutions(folder: Path, cells: list) -> Path:
    """A solutions folder with one set, 00 (whose check, ex_00_1, needs no TensorFlow)."""
    make_notebook(folder / "00_demo_solutions.ipynb", cells)
    return folder


DEMO_CELLS = [
    ("md", "# 00 — a demo set"),
    ("code", "import course_utils as cu"),
    ("md", "## Exercise 0.1 — scale to [0, 1]"),
    (
        "code",
        "def scale_to_unit(x):\n    # BEGIN SOLUTION\n"
        "    return (x - x.min()) / (x.max() - x.min())\n    # END SOLUTION",
    ),
    ("code", "cu.checks.ex_00_1(scale_to_unit)"),
    ("md", "Why it works (the solution's discussion).", [SOLUTION_ONLY]),
]


# --- solution regions ------------------------------------------------------------------------


def test_solution_blocks_become_nbgrader_regions_at_their_indentation():
    source = (
        "def f(x):\n"
        "    y = 2 * x\n"
        "    #BEGIN SOLUTION  \n"
        "    return y + 1\n"
        "    #  END SOLUTION\n"
        "\n"
        "answer = None\n"
        "# BEGIN SOLUTION\n"
        "answer = f(1)\n"
        "# END SOLUTION"
    )
    assert solution_regions(source, "1.1", "nb").split("\n") == [
        "def f(x):",
        "    y = 2 * x",
        "    ### BEGIN SOLUTION",
        "    return y + 1",
        "    ### END SOLUTION",
        "",
        "answer = None",
        "### BEGIN SOLUTION",
        "answer = f(1)",
        "### END SOLUTION",
    ]


@pytest.mark.parametrize(
    ("source", "exercise", "message"),
    [
        ("# BEGIN SOLUTION\nx = 1\n", "1.1", "BEGIN SOLUTION on line 1 is never closed"),
        ("x = 1\n# END SOLUTION\n", "1.1", "END SOLUTION on line 2 has no BEGIN SOLUTION"),
        (
            "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n# END SOLUTION\n",
            "1.1",
            "nested inside the block opened on line 1",
        ),
        ("# BEGIN SOLUTION\nx = 1\n# END SOLUTION", None, "needs a markdown heading"),
    ],
)
def test_broken_markers_are_refused_as_the_exercise_builder_refuses_them(source, exercise, message):
    with pytest.raises(ExerciseBuildError, match=message) as caught:
        solution_regions(source, exercise, "solutions/01_x_solutions.ipynb, cell 4")
    assert str(caught.value).startswith("solutions/01_x_solutions.ipynb, cell 4: ")


# --- the notebook written for set 01 ---------------------------------------------------------


def test_set_01_cells_carry_nbgrader_metadata_for_their_role(tmp_path):
    path, nb = _export_01(tmp_path)
    assert path == tmp_path / "course" / "source" / "01" / "01.ipynb"
    exercises = load_set(SOLUTION_01).exercises
    assert [e.number for e in exercises] == ["1.1", "1.2", "1.3"]
    tests = [c for c in nb["cells"] if _meta(c)["grade"]]
    answers = [c for c in nb["cells"] if _meta(c)["solution"]]
    given = [c for c in nb["cells"] if not _meta(c)["grade"] and not _meta(c)["solution"]]
    # one locked autograder test per exercise, one point each, named after its check
    assert [_meta(c)["grade_id"] for c in tests] == [e.check for e in exercises]
    for cell in tests:
        meta = _meta(cell)
        assert cell["cell_type"] == "code"
        assert (meta["locked"], meta["solution"], meta["points"]) == (True, False, 1)
    # one autograded answer per exercise, editable, holding nbgrader's markers
    assert [_meta(c)["grade_id"] for c in answers] == ["answer_01_1", "answer_01_2", "answer_01_3"]
    for cell in answers:
        meta = _meta(cell)
        assert cell["cell_type"] == "code"
        assert (meta["locked"], meta["grade"]) == (False, False)
        assert "points" not in meta
    # everything else is read-only
    assert given and all(_meta(c)["locked"] for c in given)
    ids = [_meta(c)["grade_id"] for c in nb["cells"]]
    assert len(set(ids)) == len(ids), "grade ids must be unique in a notebook"
    assert all(GRADE_ID.fullmatch(i) for i in ids), ids
    assert all(_meta(c)["schema_version"] == 3 for c in nb["cells"])
    assert sum(_meta(c).get("points", 0) for c in nb["cells"]) == len(exercises)


def test_set_01_solution_regions_use_nbgrader_markers_around_the_solution(tmp_path):
    _, nb = _export_01(tmp_path)
    solutions = read_notebook(SOLUTION_01)
    by_id = {c.id: c for c in solutions.cells}
    for cell in (c for c in nb["cells"] if _meta(c)["solution"]):
        lines = cell["source"].split("\n")
        marks = [line.strip() for line in lines if "SOLUTION" in line]
        assert marks == ["### BEGIN SOLUTION", "### END SOLUTION"], cell["source"]
        original = by_id[cell["id"]].source.split("\n")
        # the same code, only the marker lines differ
        assert [x for x in lines if "SOLUTION" not in x] == [
            x for x in original if "SOLUTION" not in x
        ]
        indent = [line[: len(line) - len(line.lstrip())] for line in lines if "SOLUTION" in line]
        assert indent == ["    ", "    "], "the regions sit inside the functions"


def test_set_01_test_cells_run_the_check_and_assert_on_its_result(tmp_path):
    _, nb = _export_01(tmp_path)
    tests = [c["source"] for c in nb["cells"] if _meta(c)["grade"]]
    assert tests[0].splitlines()[0] == "cu.checks.ex_01_1(lstm_step_peephole)"
    assert tests[0].splitlines()[-1] == (
        'assert cu.checks.RESULTS["1.1"].passed, cu.checks.RESULTS["1.1"].message'
    )
    for source in tests:
        ast.parse(source)


def test_set_01_drops_solution_only_cells_and_keeps_the_rest_without_outputs(tmp_path):
    _, nb = _export_01(tmp_path)
    solutions = read_notebook(SOLUTION_01)
    dropped = {c.id for c in solutions.cells if SOLUTION_ONLY in c.metadata.get("tags", [])}
    kept = [c.id for c in solutions.cells if c.id not in dropped]
    assert dropped, "solutions/01 has no solution-only cell: the test would prove nothing"
    exported = [c.get("id") for c in nb["cells"]]
    assert not dropped & set(exported)
    assert [i for i in exported if i in kept] == kept, "the other cells are kept, in order"
    text = json.dumps(nb)
    for cell in solutions.cells:
        if cell.id in dropped and len(cell.source) > 40:
            assert cell.source[:40] not in text
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
        assert set(cell["metadata"]) == {"nbgrader"}, "course metadata (tags) is not carried over"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_set_01_has_a_read_only_note_for_learners_after_the_title(tmp_path):
    _, nb = _export_01(tmp_path)
    assert nb["cells"][0]["source"].startswith("# 01 ")
    note = nb["cells"][1]
    assert note["cell_type"] == "markdown" and _meta(note)["locked"]
    assert "nbgrader" in note["source"] and "1.1, 1.2, 1.3" in note["source"]


def test_the_exported_notebook_passes_nbgrader_s_own_metadata_validation(tmp_path):
    from nbgrader.nbgraderformat import MetadataValidator

    path, _ = _export_01(tmp_path)
    MetadataValidator().validate_nb(nbformat.read(path, as_version=4))


def test_an_export_is_the_same_every_time(tmp_path):
    first = export_nbgrader(tmp_path / "a", solutions=SOLUTIONS)
    second = export_nbgrader(tmp_path / "b", solutions=SOLUTIONS)
    for one, other in zip(first.sets, second.sets, strict=True):
        assert one.notebook.read_bytes() == other.notebook.read_bytes()
    assert first.config.read_bytes() == second.config.read_bytes()


def test_nothing_fixes_the_checks_draws(tmp_path):
    """Under nbgrader every check draws fresh data, as in a learner's notebook."""
    report = export_nbgrader(tmp_path / "course", solutions=SOLUTIONS)
    for path in [report.config, *(s.notebook for s in report.sets)]:
        assert FIXED_DRAWS_ENV not in path.read_text(encoding="utf-8"), path


def test_every_set_exports_one_test_cell_per_exercise_the_grader_knows(tmp_path):
    report = export_nbgrader(tmp_path / "course", solutions=SOLUTIONS)
    sets = load_sets(SOLUTIONS)
    assert [s.set_id for s in report.sets] == sorted(sets)
    for exported in report.sets:
        nb = json.loads(exported.notebook.read_text(encoding="utf-8"))
        checks = [_meta(c)["grade_id"] for c in nb["cells"] if _meta(c)["grade"]]
        assert checks == [e.check for e in sets[exported.set_id].exercises]
        assert exported.points == len(checks)
        assert any(_meta(c)["solution"] for c in nb["cells"])


# --- what a test cell does when it runs -------------------------------------------------------


def _run_test_cell(answer, capsys) -> tuple[BaseException | None, str]:
    source = autograder_test_source("cu.checks.ex_00_1(scale_to_unit)", "ex_00_1")
    try:
        exec(compile(source, "test cell", "exec"), {"cu": course_utils, "scale_to_unit": answer})
    except AssertionError as exc:
        return exc, capsys.readouterr().out
    return None, capsys.readouterr().out


def test_a_test_cell_passes_silently_but_for_the_check_line_on_a_right_answer(capsys):
    error, printed = _run_test_cell(lambda x: (x - x.min()) / (x.max() - x.min()), capsys)
    assert error is None
    assert printed.startswith("✅ Exercise 0.1 passed") and printed.count("\n") == 1
    assert course_utils.checks.RESULTS["0.1"].passed  # given cells can read the result


def test_a_test_cell_raises_the_check_s_hint_as_assertion_error_on_a_wrong_answer(capsys):
    def divides_by_max(x):
        return x / abs(x).max()

    error, printed = _run_test_cell(divides_by_max, capsys)
    hint = ex_00_1.evaluate(divides_by_max).message
    assert "subtract the minimum first" in hint
    assert isinstance(error, AssertionError) and str(error) == hint
    assert printed.startswith("❌ Exercise 0.1: ")


def test_a_test_cell_fails_with_not_done_yet_on_nbgrader_s_stub(capsys):
    namespace: dict = {}
    exec(f"def stub(x):\n    {CODE_STUB.splitlines()[1]}", namespace)
    error, _ = _run_test_cell(namespace["stub"], capsys)
    assert isinstance(error, AssertionError) and str(error).startswith("not done yet")
    assert not course_utils.checks.done(namespace["stub"]), "given cells see an unfinished stub"


# --- nbgrader_config.py -------------------------------------------------------------------------


def test_config_file_sets_course_id_timeout_and_the_stub(tmp_path):
    report = export_nbgrader(tmp_path / "course", "01", solutions=SOLUTIONS, course_id="lstm-2026")
    assert report.config == tmp_path / "course" / "nbgrader_config.py"
    config = Config()
    exec(report.config.read_text(encoding="utf-8"), {"get_config": lambda: config})
    assert config.CourseDirectory.course_id == "lstm-2026"
    assert config.Execute.timeout == CELL_TIMEOUT_S > 30  # nbgrader's default is 30 s
    assert config.ClearSolutions.code_stub == {"python": CODE_STUB}
    assert "raise NotImplementedError" in CODE_STUB


@pytest.mark.parametrize("course_id", ["", "my course", "../up", "a/b"])
def test_config_refuses_a_course_id_that_is_no_folder_name(course_id):
    with pytest.raises(NbgraderExportError, match="course id"):
        config_source(course_id=course_id)


@pytest.mark.parametrize("timeout", [0, -5, 2.5, True])
def test_config_refuses_a_timeout_that_is_not_a_positive_int(timeout):
    with pytest.raises(NbgraderExportError, match="timeout"):
        config_source(timeout=timeout)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ("09", r"there is no exercise set 09 \(the sets are 01, 02\)"),
        ("1", "two digits"),
        ("01,,02", "comma-separated"),
        ("", "comma-separated"),
        ([], "comma-separated"),
    ],
)
def test_parse_sets_refuses_what_is_not_a_known_set(sets, message):
    with pytest.raises(NbgraderExportError, match=message):
        parse_sets(sets, ["01", "02"])


def test_an_unknown_set_writes_nothing(tmp_path):
    with pytest.raises(NbgraderExportError, match="no exercise set 42"):
        export_nbgrader(tmp_path / "course", "01,42", solutions=SOLUTIONS)
    assert not (tmp_path / "course").exists()


def test_a_folder_that_is_not_empty_is_refused_unless_forced(tmp_path):
    course = tmp_path / "course"
    (course / "submitted").mkdir(parents=True)
    (course / "gradebook.db").write_text("the teacher's grades")
    with pytest.raises(NbgraderExportError, match="is not empty"):
        export_nbgrader(course, "01", solutions=SOLUTIONS)
    assert sorted(p.name for p in course.iterdir()) == ["gradebook.db", "submitted"]
    (course / "nbgrader_config.py").write_text("old")
    (course / "source" / "01").mkdir(parents=True)
    (course / "source" / "01" / "01.ipynb").write_text("old")
    export_nbgrader(course, "01", solutions=SOLUTIONS, force=True)
    assert (course / "gradebook.db").read_text() == "the teacher's grades"  # kept
    assert (course / "nbgrader_config.py").read_text() != "old"
    assert json.loads((course / "source" / "01" / "01.ipynb").read_text())["cells"]


def test_a_file_in_place_of_the_folder_is_refused(tmp_path):
    (tmp_path / "course").write_text("")
    with pytest.raises(NbgraderExportError, match="is a file"):
        export_nbgrader(tmp_path / "course", "01", solutions=SOLUTIONS, force=True)


def test_a_missing_or_empty_solutions_folder_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="no solutions folder"):
        export_nbgrader(tmp_path / "course", solutions=tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"no \*_solutions\.ipynb notebook"):
        export_nbgrader(tmp_path / "course", solutions=tmp_path / "empty")


def test_the_demo_set_exports_and_drops_its_solution_only_cell(tmp_path):
    solutions = _demo_solutions(tmp_path / "solutions", DEMO_CELLS)
    report = export_nbgrader(tmp_path / "course", solutions=solutions)
    nb = json.loads(report.sets[0].notebook.read_text(encoding="utf-8"))
    assert [c["id"] for c in nb["cells"]][2:] == ["cell-1", "cell-2", "cell-3", "cell-4"]
    assert report.sets[0].exercises == ("0.1",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            (4, ("code", "print('checking')\ncu.checks.ex_00_1(scale_to_unit)")),
            "must hold the check call only",
        ),
        (
            (
                3,
                (
                    "code",
                    "def scale_to_unit(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION"
                    "\ncu.checks.ex_00_1(scale_to_unit)",
                ),
            ),
            "also calls a check",
        ),
        ((4, ("code", "x = 1")), "no check cell for exercise 0.1"),
        ((5, ("md", "Put your code between BEGIN SOLUTION and the end.")), "reword this cell"),
        ((1, ("code", "import course_utils as cu\nprint('END SOLUTION')")), "reword this cell"),
        (
            (
                3,
                (
                    "code",
                    "def scale_to_unit(x):\n    # BEGIN SOLUTION\n    print('BEGIN SOLUTION')\n"
                    "    return x\n    # END SOLUTION",
                ),
            ),
            "reword this cell",
        ),
    ],
)
def test_cells_nbgrader_cannot_grade_are_refused_naming_the_cell(tmp_path, change, message):
    cells = list(DEMO_CELLS)
    index, cell = change
    cells[index] = cell
    sets = {"00": ExerciseSet("00", "00_demo", (Exercise("0.1", "ex_00_1", "scale_to_unit"),))}
    nb = read_notebook(make_notebook(tmp_path / "00_demo_solutions.ipynb", cells))
    with pytest.raises(NbgraderExportError, match=message) as caught:
        nbgrader_notebook(nb, sets["00"], "00_demo_solutions.ipynb")
    assert str(caught.value).startswith("00_demo_solutions.ipynb")


def test_a_second_check_cell_of_one_exercise_is_refused(tmp_path):
    cells = [*DEMO_CELLS, ("code", "cu.checks.ex_00_1(scale_to_unit)")]
    solutions = _demo_solutions(tmp_path / "solutions", cells)
    with pytest.raises(NbgraderExportError, match="already checked in cell 5"):
        export_nbgrader(tmp_path / "course", solutions=solutions)
    assert not (tmp_path / "course").exists()


# --- the command line ---------------------------------------------------------------------------


def test_command_line_writes_the_course_and_says_what_next(tmp_path, capsys):
    status = main(["export-nbgrader", str(tmp_path / "c"), "--sets", "01"])
    assert status == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'c' / 'source' / '01' / '01.ipynb'} (3 exercises, 3 points)" in out
    assert "nbgrader generate_assignment 01" in out
    assert (tmp_path / "c" / "nbgrader_config.py").exists()


def test_command_line_reports_errors_with_status_2(tmp_path, capsys):
    assert main(["export-nbgrader", str(tmp_path / "c"), "--sets", "77"]) == 2
    assert "error: there is no exercise set 77" in capsys.readouterr().err
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.txt").write_text("")
    assert main(["export-nbgrader", str(tmp_path / "c"), "--sets", "01"]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["export-nbgrader", str(tmp_path / "c"), "--sets", "01", "--force"]) == 0


# --- end to end, with the real nbgrader ---------------------------------------------------------

#: Per set: a plausible mistake in one exercise's solution (a line of the solution and what it
#: becomes), and words of the hint its check gives for it.
WRONG_ANSWERS = {
    "01": ("1.1", "o = sigmoid(z_o + p_o * c)", "o = sigmoid(z_o + p_o * c_prev)", "*new* cell"),
    "02": (
        "2.1",
        "return np.array([float(tf.norm(g)) for g in grads])",
        "return np.array([float(tf.norm(g)) for g in grads])[::-1]",
        "runs backwards",
    ),
    "03": (
        "3.1",
        "scaler = fit_scaler(series[: len(X_train) + window])",
        "scaler = fit_scaler(series)",
        "from the test part of the series",
    ),
    "04": (
        "4.2",
        'layer(units // 2, name=f"{kind}_2")',
        'layer(units, name=f"{kind}_2")',
        "the second half as wide",
    ),
    "05": ("5.1", "scale = returns[: split - 1].std()", "scale = returns.std()", "peeks"),
    "06": (
        "6.2",
        "keras.layers.Embedding(vocab_size, 32, mask_zero=True)",
        "keras.layers.Embedding(vocab_size, 32)",
        "mask_zero=True) is missing",
    ),
    "07": (
        "7.1",
        'keras.layers.Embedding(vocab_size, 8, mask_zero=True, name="embedding")',
        'keras.layers.Embedding(vocab_size, 8, name="embedding")',
        "mask_zero=True",
    ),
}


def _set_params() -> list:
    every = os.environ.get(ALL_SETS_ENV) == "1"
    params = []
    for set_id in sorted(load_sets(SOLUTIONS)):
        skip = pytest.mark.skipif(
            set_id != SUITE_SET and not every,
            reason=f"set {set_id} with the real nbgrader: {ALL_SETS_ENV}=1 runs every set",
        )
        params.append(pytest.param(set_id, marks=skip, id=f"set{set_id}"))
    return params


def _nbgrader(course: Path, env: dict, *args: str, spent: dict[str, float]) -> str:
    """Run nbgrader in ``course``; add its CPU and wall seconds to ``spent``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # sys.executable -m nbgrader: this environment's nbgrader, whatever PATH holds
    run = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # nbgrader and the kernels it ran
    spent["cpu"] += after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    spent["wall"] += time.perf_counter() - started
    spent[args[0]] = time.perf_counter() - started
    log = run.stdout + run.stderr
    if run.returncode != 0 or "| ERROR]" in log:
        pytest.fail(f"nbgrader {' '.join(args)} failed (status {run.returncode}):\n{log[-4000:]}")
    return log


def _without_markers(source: str) -> str:
    return "\n".join(line for line in source.split("\n") if "SOLUTION" not in line)


def _submission(release: NotebookNode, source: NotebookNode, wrong: tuple | None = None):
    """The release notebook with every answer typed in (one of them wrong, if asked)."""
    answers = {_meta(c)["grade_id"]: c["source"] for c in source["cells"] if _meta(c)["solution"]}
    if wrong:
        major, minor = wrong[0].split(".")
        wrong_answer = f"answer_{int(major):02d}_{minor}"  # and _2, _3 for further cells
    nb = copy.deepcopy(release)
    replaced = 0
    for cell in nb["cells"]:
        if "nbgrader" in cell["metadata"] and _meta(cell)["solution"]:
            grade_id = _meta(cell)["grade_id"]
            typed = _without_markers(answers[grade_id])
            mine = wrong and re.fullmatch(rf"{wrong_answer}(_\d+)?", grade_id)
            if mine and wrong[1] in typed:
                typed = typed.replace(wrong[1], wrong[2])
                replaced += typed.count(wrong[2])
            cell["source"] = typed
    if wrong:
        assert replaced == 1, f"{wrong[1]!r} is not once in the answer to exercise {wrong[0]}"
    return nb


def _submit(course: Path, student: str, set_id: str, nb: NotebookNode) -> None:
    folder = course / "submitted" / student / set_id
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{set_id}.ipynb")


def _scores(course: Path, set_id: str, students: list[str]) -> dict[str, dict[str, float]]:
    """Each student's points per test cell, read from nbgrader's gradebook."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy's SAWarnings about nbgrader's models
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
            scores = {}
            for student in students:
                graded = gradebook.find_submission_notebook(set_id, set_id, student)
                scores[student] = {grade.name: grade.score for grade in graded.grades}
                total = gradebook.find_submission(set_id, student)
                assert total.score == sum(scores[student].values())
    return scores


def _test_errors(path: Path) -> dict[str, str]:
    """Test cell name → the error it showed, in an autograded notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    errors = {}
    for cell in nb["cells"]:
        if "nbgrader" in cell["metadata"] and _meta(cell)["grade"]:
            for output in cell.get("outputs", []):
                if output["output_type"] == "error":
                    errors[_meta(cell)["grade_id"]] = f"{output['ename']}: {output['evalue']}"
    return errors


@pytest.mark.slow
@pytest.mark.parametrize("set_id", _set_params())
def test_nbgrader_autogrades_solved_untouched_and_one_wrong_answer(tmp_path, set_id):
    started = time.process_time()
    course = tmp_path / "course"
    exported = export_nbgrader(course, set_id, solutions=SOLUTIONS).sets[0]
    spent = {"cpu": time.process_time() - started, "wall": 0.0}
    exercises = load_sets(SOLUTIONS)[set_id].exercises
    checks = [e.check for e in exercises]
    env = dict(
        os.environ,
        # nbgrader runs `alembic` (its database migrations) from PATH: this environment's
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),  # no nbgrader_config.py of yours
        JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
    )
    _nbgrader(course, env, "generate_assignment", set_id, spent=spent)
    release_path = course / "release" / set_id / f"{set_id}.ipynb"
    release = nbformat.read(release_path, as_version=4)
    source = nbformat.read(exported.notebook, as_version=4)
    assert "### BEGIN SOLUTION" not in release_path.read_text(encoding="utf-8")
    assert "### BEGIN SOLUTION" in exported.notebook.read_text(encoding="utf-8")

    wrong = WRONG_ANSWERS[set_id]
    wrong_check = next(e.check for e in exercises if e.number == wrong[0])
    _submit(course, "solved", set_id, _submission(release, source))
    _submit(course, "untouched", set_id, release)
    _submit(course, "wrong", set_id, _submission(release, source, wrong))
    _nbgrader(course, env, "autograde", set_id, spent=spent)
    _nbgrader(course, env, "generate_feedback", set_id, "--student", "wrong", spent=spent)
    print(f"nbgrader, set {set_id}: " + ", ".join(f"{k} {v:.1f} s" for k, v in spent.items()))

    scores = _scores(course, set_id, ["solved", "untouched", "wrong"])
    assert scores["solved"] == dict.fromkeys(checks, 1.0), "full marks for the solved notebook"
    assert scores["untouched"] == dict.fromkeys(checks, 0.0), "zero for the release notebook"
    assert scores["wrong"] == {c: float(c != wrong_check) for c in checks}, "all but one"

    autograded = course / "autograded"
    assert _test_errors(autograded / "solved" / set_id / f"{set_id}.ipynb") == {}
    untouched = _test_errors(autograded / "untouched" / set_id / f"{set_id}.ipynb")
    assert set(untouched) == set(checks)
    errors = _test_errors(autograded / "wrong" / set_id / f"{set_id}.ipynb")
    assert list(errors) == [wrong_check]
    assert errors[wrong_check].startswith("AssertionError: "), "the check failed, not the cell"
    feedback = (course / "feedback" / "wrong" / set_id / f"{set_id}.html").read_text("utf-8")
    assert wrong[3] in errors[wrong_check], errors[wrong_check]
    assert wrong[3] in feedback, "the learner's feedback page shows the hint"
    if set_id == SUITE_SET:
        assert all(e.startswith("AssertionError: not done yet") for e in untouched.values())
        assert spent["cpu"] <= BUDGET_S, f"over the budget of {BUDGET_S} s of CPU: {spent}"
