"""benchmarks/check_calibration.py and its registry of answers (benchmarks/calibration/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import check_calibration as cc  # noqa: E402
from calibration import all_answers  # noqa: E402

from course_utils.grading import load_sets  # noqa: E402

EXERCISES = sorted(
    e.number
    for s in load_sets(ROOT / "solutions").values()
    for e in s.exercises
    if e.number != "0.1"
)


def row(right: bool, passed: int, draws: int = 100, margins=()) -> cc.Row:
    return cc.Row("3.1", "an answer", right, passed=passed, draws=draws, margins=list(margins))


def test_a_right_answer_meets_the_bar_only_passing_every_draw_with_margin():
    assert row(True, 100, margins=[0.2, 0.79]).meets_bar
    assert not row(True, 99, margins=[0.2]).meets_bar  # one refusal in a hundred is a bug
    assert not row(True, 100, margins=[0.2, 0.81]).meets_bar  # passing, but by luck
    assert row(True, 100).meets_bar  # a check with no graded criterion records no margin
    assert not row(True, 0, draws=0).meets_bar  # nothing measured proves nothing


def test_a_wrong_answer_meets_the_bar_when_refused_on_95_percent():
    assert row(False, 5).meets_bar
    assert not row(False, 6).meets_bar
    assert row(False, 0).cells()[2] == "refused 100/100"


@pytest.mark.parametrize("number", EXERCISES)
def test_every_check_has_two_plausible_wrong_answers(number):
    answers = all_answers().get(number, [])
    assert sum(not a.right for a in answers) >= 2, f"exercise {number}: list two wrong answers"


def test_the_registry_names_only_exercises_that_exist():
    assert set(all_answers()) <= set(EXERCISES)


def test_the_table_says_what_failed():
    failing = row(True, 99, margins=[0.3])
    failing.failures.append("seed 1003: MAE too high")
    table = cc.render([failing, row(False, 0)], 100, "check_calibration.py --checks 3.1", 60.0)
    assert "| 3.1 | right: an answer | passes 99/100 | 0.30 |" in table
    assert "**no**" in table and "seed 1003: MAE too high" in table


@pytest.mark.slow
def test_the_script_runs_a_solution_and_its_wrong_answers(tmp_path):
    out = tmp_path / "table.md"
    script = str(ROOT / "benchmarks" / "check_calibration.py")
    done = subprocess.run(
        [sys.executable, script, "--checks", "1.3", "--draws", "2", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    table = out.read_text()
    assert "| 1.3 | right: the solution (solutions/) | passes 2/2 |" in table, done.stderr[-2000:]
    assert table.count("| 1.3 | wrong:") >= 2
    assert done.returncode == (0 if "**no**" not in table else 1)


def test_unknown_checks_are_refused_with_the_list_of_known_ones(capsys):
    with pytest.raises(SystemExit):
        cc.main(["--checks", "9.9", "--draws", "1"])
    assert "no check for 9.9" in capsys.readouterr().err


def test_a_refused_right_answer_shows_how_far_over_its_allowance(monkeypatch):
    import course_utils.checks as checks
    from course_utils.checks.base import Hint, exercise_check, record_margin

    @exercise_check
    def ex_09_9(answer, *, rng):
        error = answer + rng.uniform(0.0, 0.1)
        record_margin(error, allowed=1.0)
        if error > 1.0:
            raise Hint("too far")
        return "close enough"

    monkeypatch.setattr(checks, "ex_09_9", ex_09_9, raising=False)
    refused = cc.calibrate("9.9", ((1.05,), {}), "over", True, range(3))
    assert refused.passed == 0 and refused.worst_margin > 1.05  # the refusals' margins count
    passing = cc.calibrate("9.9", ((0.5,), {}), "under", True, range(3))
    assert passing.passed == 3 and 0.5 <= passing.worst_margin <= 0.6 and passing.meets_bar
    wrong = cc.calibrate("9.9", ((1.05,), {}), "over", False, range(3))
    assert wrong.meets_bar and wrong.worst_margin is None  # a wrong answer's margins: not shown
