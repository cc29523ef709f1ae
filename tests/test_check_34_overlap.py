"""benchmarks/check_34_overlap.py: its tables, its argument check and one real draw."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import check_34_overlap as overlap  # noqa: E402

RIGHT, WRONG = list(overlap.ANSWERS)


def draw(right_test: float, right_clean: float, wrong_test: float, wrong_clean: float) -> dict:
    return {
        f"{RIGHT} test": right_test,
        f"{RIGHT} clean": right_clean,
        f"{WRONG} test": wrong_test,
        f"{WRONG} clean": wrong_clean,
    }


def test_the_tables_give_each_ratios_spread_and_what_each_bar_does():
    rows = [draw(1.0, 1.2, 1.5, 2.0), draw(1.6, 2.0, 3.0, 6.0)]
    table = overlap.markdown(rows, "header")
    assert table.startswith("header\n")
    assert f"| {RIGHT} | test MSE | 1.00 | 1.03 | 1.30 | 1.57 | 1.60 |" in table
    assert f"| {WRONG} | clean MSE | 2.00 | 2.20 | 4.00 | 5.80 | 6.00 |" in table
    # the right answer's worst margin is its largest ratio over the bar; a bar refuses the
    # wrong answer's draws above it, not one at it
    assert "| test MSE | 2 | 0.80 | 1/2 |" in table
    assert "| clean MSE | 2 | 1.00 | 1/2 |" in table
    assert "| clean MSE | 2.2 | 0.91 | 1/2 |" in table


def test_no_draws_is_refused(capsys):
    with pytest.raises(SystemExit):
        overlap.main(["--draws", "0"])
    assert "--draws must be at least 1" in capsys.readouterr().err


@pytest.mark.slow
def test_one_draw_scores_both_answers(tmp_path):
    out = tmp_path / "overlap.md"
    script = str(ROOT / "benchmarks" / "check_34_overlap.py")
    done = subprocess.run(
        [sys.executable, script, "--draws", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    table = out.read_text()
    assert "--draws 1 --first-seed 1000" in table
    for label in overlap.ANSWERS:
        assert f"| {label} | clean MSE |" in table
    assert "| clean MSE | 2.5 |" in table and "/1 |" in table
