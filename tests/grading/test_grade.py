"""The grader, ``python -m course_utils grade`` (alias ``check``): bounded runs, whole classes.

Most tests use a tiny synthetic exercise set "00" (two exercises judged by the demo check
``ex_00_1``) written to a temporary solutions folder, so a graded notebook needs no TensorFlow
and each kernel starts in a couple of seconds. Only the "renamed lesson" test reads the real
solutions/ folder, and it is refused before any kernel starts.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from helpers import make_notebook

from course_utils import grading
from course_utils.tooling.exercises import build_exercise_notebook
from course_utils.tooling.nbrun import read_notebook

SOLVED_01 = """def scale_to_unit(values):
    # BEGIN SOLUTION
    low, high = values.min(), values.max()
    return (values - low) / (high - low)
    # END SOLUTION"""
SOLVED_02 = SOLVED_01.replace("scale_to_unit", "rescale")
STUB = 'raise NotImplementedError("Exercise 0.{n}: replace this line with your code")'
CHECK_01 = "cu.checks.ex_00_1(scale_to_unit)"
CHECK_02 = "cu.checks.ex_00_1(rescale)"


@pytest.fixture
def demo(tmp_path):
    """A synthetic set 00 (solutions folder) and its exercise notebook, built like exercises/."""
    solutions = tmp_path / "solutions"
    solved = make_notebook(
        solutions / "00_demo_solutions.ipynb",
        [
            ("md", "# 00 · Demo exercises"),
            ("code", "import course_utils as cu"),
            ("md", "## Exercise 0.1 — scale to [0, 1]"),
            ("code", SOLVED_01),
            ("code", CHECK_01),
            ("md", "## Exercise 0.2 — the same, under another name"),
            ("code", SOLVED_02),
            ("code", CHECK_02),
            ("code", "assert True  # a solution-only cell", ["solution-only"]),
        ],
    )
    exercise = build_exercise_notebook(read_notebook(solved))
    return solutions, exercise, tmp_path


def _code(nb, number):
    """The source of the answer cell of exercise 0.``number`` (by cell id, as built)."""
    return next(c for c in nb.cells if c.id == ("cell-3" if number == 1 else "cell-6"))


def _learner(demo, name, *, answers=(), edit=None):
    """Write a learner's copy of the demo exercise notebook with ``answers`` filled in."""
    _, exercise, root = demo
    nb = nbformat.from_dict(json.loads(nbformat.writes(exercise)))
    for number in answers:
        _code(nb, number).source = (
            (SOLVED_01 if number == 1 else SOLVED_02)
            .replace("    # BEGIN SOLUTION\n", "")
            .replace("\n    # END SOLUTION", "")
        )
    if edit:
        edit(nb)
    path = root / "class" / name
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    return path


def _cli(*args, marker=None, timeout=180):
    """``python -m course_utils *args``; ``marker`` is put in the environment of every process."""
    env = dict(os.environ)
    if marker:
        env["LSTM_COURSE_TEST_MARKER"] = marker
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "course_utils", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    run.seconds = time.monotonic() - started
    return run


def _processes_with(marker):
    """Processes (other than zombies) whose environment holds ``marker`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                status = (entry / "status").read_text()
                if "\nState:\tZ" not in status:
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


needs_proc = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")


# --- no kernel: what a set is, and which notebooks are refused ---------------------------------


def test_a_set_is_learned_from_its_solutions_notebook(demo):
    solutions, _, _ = demo
    sets = grading.load_sets(solutions)
    assert list(sets) == ["00"]
    assert [(e.number, e.call) for e in sets["00"].exercises] == [
        ("0.1", CHECK_01),
        ("0.2", CHECK_02),
    ]
    with pytest.raises(FileNotFoundError, match="no solutions folder"):
        grading.load_sets(solutions / "missing")


def test_the_real_sets_are_found():
    sets = grading.load_sets(grading.default_solutions_dir())
    assert {"01", "03"} <= set(sets)
    assert all(sets[s].exercises for s in sets)
    assert all(e.check.startswith(f"ex_{s}_") for s in sets for e in sets[s].exercises)


def test_syntax_errors_and_check_calls_are_found_without_running():
    assert grading.sets.syntax_error("x = (1,\n") == "'(' was never closed (line 1)"
    assert grading.sets.syntax_error("def f(:\n    pass").endswith("(line 1)")
    assert grading.sets.syntax_error("%time y = 2\n!echo hi") is None
    assert grading.sets.check_calls("import course_utils as cu\ncu.checks.ex_03_1(f, k=W)") == [
        ("ex_03_1", "f, k=W")
    ]
    assert grading.sets.check_calls("x = (") == []


def _grade(path, solutions, set_id=None):
    sets = grading.load_sets(solutions)
    return asyncio.run(grading.grade_notebook_async(path, set_id=set_id, sets=sets, timeout=30))


def test_a_renamed_lesson_and_another_sets_notebook_are_refused(demo, repo_root, tmp_path):
    solutions, _, _ = demo
    lesson = tmp_path / "01_lstm_gate_equations_exercises.ipynb"
    lesson.write_bytes((repo_root / "notebooks/01_lstm_gate_equations.ipynb").read_bytes())
    report = _grade(lesson, grading.default_solutions_dir())  # the real set 01
    assert report.refused.startswith("this is not the exercise notebook of set 01")
    assert not report.all_passed and len(report.results) >= 1

    other = make_notebook(
        tmp_path / "05_other_exercises.ipynb",
        [("md", "## Exercise 5.1 — something else"), ("code", "cu.checks.ex_05_1(f)")],
    )
    report = _grade(other, solutions, "00")
    assert "not the exercise notebook of set 00 (it has exercises of set 05)" in report.refused
    assert [r.message for r in report.results.values()] == [
        "no check ran: the notebook was not graded"
    ] * 2

    unnamed = make_notebook(tmp_path / "homework.ipynb", [("code", "1")])
    assert "cannot tell which exercise set" in _grade(unnamed, solutions).refused
    assert "there is no exercise set 42" in _grade(unnamed, solutions, "42").refused
    broken = tmp_path / "00_demo_exercises.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    assert _grade(broken, solutions).refused.startswith("the file is not a valid notebook")

    run = _cli("check", other, "--set", "00", "--solutions", solutions)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stdout.startswith(f"Not graded: {other}: this is not the exercise notebook")
    assert "❌ Exercise 0.1: no check ran" in run.stdout


def test_report_files_from_reports_built_by_hand(tmp_path):
    good = grading.NotebookReport(tmp_path / "a.ipynb", "00", 2.0)
    good.results = {
        "0.1": grading.ExerciseResult("0.1", True),
        "0.2": grading.ExerciseResult("0.2", False, 'a "quoted", hint'),
    }
    bad = grading.NotebookReport(tmp_path / "b.ipynb", "00", refused="not a valid notebook")
    grading.write_csv([good, bad], tmp_path / "g.csv", tmp_path)
    rows = list(csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8")))
    assert [r["submission"] for r in rows] == ["a.ipynb", "b.ipynb"]
    assert rows[0]["0.2 message"] == 'a "quoted", hint' and rows[1]["graded"] == "no"
    grading.write_junit([good, bad], tmp_path / "g.xml", tmp_path)
    suites = ET.parse(tmp_path / "g.xml").getroot()
    assert suites.get("tests") == "2" and suites.get("failures") == "1"


# --- one notebook in a kernel ------------------------------------------------------------------


@pytest.mark.slow
def test_a_forged_result_line_and_deleted_check_cells_do_not_pass(demo):
    solutions, _, _ = demo

    def forge(nb):
        _code(
            nb, 1
        ).source += (
            '\nprint(\'✅ Exercise 0.1 passed\')\nprint(\'{"exercise": "0.1", "passed": true}\')'
        )
        nb.cells = [c for c in nb.cells if CHECK_02 not in c.source]

    path = _learner(demo, "00_demo_exercises.ipynb", answers=[2], edit=forge)
    before = path.read_bytes()
    run = _cli("grade", path, "--solutions", solutions, "--timeout", 60)
    assert path.read_bytes() == before, "the learner's file must not be modified"
    assert run.returncode == 1, run.stdout + run.stderr
    assert "❌ Exercise 0.1: not done yet" in run.stdout
    assert "❌ Exercise 0.2: no check ran: the check cell `cu.checks.ex_00_1(rescale)` is " in (
        run.stdout
    )
    assert "0 of 2 exercises passed." in run.stdout
    assert run.stderr == "", "no kernel noise on the learner's terminal"


@pytest.mark.slow
@needs_proc
@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("while True:\n    pass", "timed out after 6 s in cell 4"),
        ("import os\nos._exit(1)", "the kernel died in cell 4"),
    ],
    ids=["infinite-loop", "dead-kernel"],
)
def test_a_hanging_or_dying_kernel_ends_the_run_and_leaves_no_process(demo, cell, expected):
    solutions, _, _ = demo
    path = _learner(
        demo, "00_demo_exercises.ipynb", answers=[1, 2], edit=lambda nb: _set(nb, 1, cell)
    )
    marker = uuid.uuid4().hex
    run = _cli("grade", path, "--solutions", solutions, "--timeout", 6, marker=marker)
    assert run.seconds < 6 + 30
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"⚠ {expected} (`while True:`)" in run.stdout or f"⚠ {expected} (`import os`)" in (
        run.stdout
    )
    assert f"❌ Exercise 0.2: no check ran: {expected}" in run.stdout
    time.sleep(0.5)
    assert _processes_with(marker) == [], "the kernel is still running"


def _set(nb, number, source):
    _code(nb, number).source = source


# --- a class -----------------------------------------------------------------------------------


@pytest.mark.slow
@needs_proc
def test_a_folder_of_submissions_gives_one_row_each(demo):
    solutions, _, root = demo
    _learner(demo, "good.ipynb", answers=[1, 2])
    _learner(demo, "partial.ipynb", answers=[1])
    _learner(demo, "loop.ipynb", answers=[1, 2], edit=lambda nb: _set(nb, 2, "while True: pass"))
    _learner(demo, "syntax.ipynb", answers=[2], edit=lambda nb: _set(nb, 1, "def scale(:\n  1"))
    (root / "class" / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    marker = uuid.uuid4().hex
    run = _cli(
        "grade",
        root / "class",
        "--set",
        "00",
        "--solutions",
        solutions,
        "--timeout",
        10,
        "--jobs",
        2,
        "--csv",
        root / "grades.csv",
        "--junit",
        root / "grades.xml",
        "--json",
        root / "grades.json",
        marker=marker,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "grading 5 notebooks of set 00" in run.stderr and "[5/5]" in run.stderr
    assert "5 notebooks: 4 graded, 1 with every exercise passed." in run.stdout

    rows = {r["submission"]: r for r in csv.DictReader((root / "grades.csv").open())}
    assert sorted(rows) == ["broken.ipynb", "good.ipynb", "loop.ipynb", "partial.ipynb",
                            "syntax.ipynb"]  # fmt: skip
    grades = {name: (r["passed"], r["0.1"], r["0.2"]) for name, r in rows.items()}
    assert grades == {
        "good.ipynb": ("2", "pass", "pass"),
        "partial.ipynb": ("1", "pass", "fail"),
        "broken.ipynb": ("0", "fail", "fail"),
        "loop.ipynb": ("0", "fail", "fail"),
        "syntax.ipynb": ("1", "fail", "pass"),
    }
    assert rows["partial.ipynb"]["0.2 message"].startswith("not done yet")
    assert rows["broken.ipynb"]["graded"] == "no"
    assert "is not a valid notebook" in rows["broken.ipynb"]["problems"]
    assert rows["loop.ipynb"]["problems"] == "timed out after 10 s in cell 7 (`while True: pass`)"
    assert "cell 4 (`def scale(:`) has a syntax error: " in rows["syntax.ipynb"]["problems"]
    message = rows["syntax.ipynb"]["0.1 message"]
    assert message.startswith("not checked: cell 4 (`def scale(:`) has a syntax error: ")
    assert message.endswith(", so name 'scale_to_unit' is not defined")

    suites = ET.parse(root / "grades.xml").getroot()
    cases = {
        (s.get("name"), c.get("name")): c.find("failure") is None
        for s in suites
        for c in s.iter("testcase")
    }
    assert len(cases) == 10 and cases[("good.ipynb", "Exercise 0.2")]
    assert not cases[("loop.ipynb", "Exercise 0.1")] and cases[("syntax.ipynb", "Exercise 0.2")]
    data = json.loads((root / "grades.json").read_text())
    assert [d["passed"] for d in data] == [0, 2, 0, 1, 1]
    assert _processes_with(marker) == []


def test_the_command_line_leaves_out_jsonschema_s_slow_iri_parser_and_still_validates():
    """``python -m course_utils`` keeps ``rfc3987_syntax`` out (2.6 s to import, for JSON Schema
    formats no notebook uses); nbformat still refuses an invalid notebook in that process."""
    code = (
        "import sys\n"
        "import course_utils.__main__\n"
        "import nbformat\n"
        "nbformat.validate(nbformat.v4.new_notebook())\n"
        "bad = nbformat.v4.new_notebook()\n"
        "bad.cells.append({'cell_type': 'code', 'source': 'x'})  # no outputs, no metadata\n"
        "try:\n"
        "    nbformat.validate(bad)\n"
        "except nbformat.ValidationError:\n"
        "    print('invalid notebook refused')\n"
        "print('rfc3987_syntax:', sys.modules.get('rfc3987_syntax', 'not imported'))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["invalid notebook refused", "rfc3987_syntax: None"]
