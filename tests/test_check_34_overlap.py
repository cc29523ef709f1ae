"""benchmarks/check_34_overlap.py: its tables, its argument check and one real draw."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
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
    spread = [line for line in table.splitlines() if line.startswith("| 3")]
    assert spread == [  # min, 5th percentile (interpolated), median, 95th, max
        f"| {RIGHT} | test MSE | 1.00 | 1.03 | 1.30 | 1.57 | 1.60 |",
        f"| {RIGHT} | clean MSE | 1.20 | 1.24 | 1.60 | 1.96 | 2.00 |",
        f"| {WRONG} | test MSE | 1.50 | 1.57 | 2.25 | 2.92 | 3.00 |",
        f"| {WRONG} | clean MSE | 2.00 | 2.20 | 4.00 | 5.80 | 6.00 |",
    ]
    # the right answer's worst margin is its largest ratio over the bar; a bar refuses the
    # wrong answer's draws above it, not one at it
    bars = [line for line in table.splitlines() if line.startswith(("| test", "| clean"))]
    assert bars == [
        "| test MSE | 2 | 0.80 | 1/2 |",
        "| test MSE | 2.2 | 0.73 | 1/2 |",
        "| test MSE | 2.5 | 0.64 | 1/2 |",
        "| clean MSE | 2 | 1.00 | 1/2 |",
        "| clean MSE | 2.2 | 0.91 | 1/2 |",
        "| clean MSE | 2.5 | 0.80 | 1/2 |",
    ]


def test_a_draw_is_scored_on_the_checks_test_windows_against_the_ar_and_the_clean_wave(
    monkeypatch,
):
    # two stand-in answers: one forecasts the noise-free wave at the test steps, the other
    # the noisy targets themselves. Their ratios are 0 exactly where the script lines up its
    # forecasts with the steps it scores.
    import calibration.ex03

    from course_utils.checks import ex03
    from course_utils.data import apply_scaler, chronological_split, fit_scaler, make_windows

    seed = 1000
    task = ex03._noisy_task(np.random.default_rng(seed))

    class Known:
        def __init__(self, values):
            self.values = values

        def __call__(self, scaled_windows, training):
            assert len(scaled_windows) == len(self.values) and not training
            return self

        def numpy(self):
            return self.values

    def recipe(epochs):
        def window_test_mse(series, window):
            X, y = make_windows(series, window)
            X_train, _, _, y_test = chronological_split(X, y, 0.8)
            cut = len(X_train) + window
            scaler = fit_scaler(series[:cut])
            shown = task["clean"][cut:, None] if epochs == 30 else y_test
            return 0.0, Known(apply_scaler(scaler, shown)), scaler

        return window_test_mse

    monkeypatch.setattr(calibration.ex03, "window_recipe", recipe)
    row = overlap.score_draw(seed)
    assert row["window"] == task["windows"][0] and row["sigma"] == task["sigma"]
    assert row[f"{RIGHT} clean"] < 1e-12  # the wave itself: no error from the wave
    assert row[f"{WRONG} test"] < 1e-12  # the targets themselves: no test error
    # and each against the other: both miss by the noise alone, which the AR with this short
    # window (4) does not reach, against the targets or against the wave
    assert 0.3 < row[f"{RIGHT} test"] < 1.0
    assert 0.3 < row[f"{WRONG} clean"] < 1.0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--draws", "0"], "--draws and --runs must be at least 1"),
        (["--runs", "0"], "--draws and --runs must be at least 1"),
        (["--seeds", "1021,x"], "--seeds takes whole numbers separated by commas, not '1021,x'"),
    ],
)
def test_bad_arguments_are_refused(argv, message, capsys):
    with pytest.raises(SystemExit):
        overlap.main(argv)
    assert message in capsys.readouterr().err


def test_the_last_table_lists_every_run_of_the_extreme_draws(monkeypatch):
    monkeypatch.setattr(overlap, "EXTREMES", 1)
    rows = []
    for seed, right, wrong in [(1, [1.1, 1.3], [3.0, 2.0]), (2, [1.9, 2.1], [2.4, 2.6])]:
        row = draw(1.0, float(np.mean(right)), 2.0, float(np.mean(wrong)))
        row |= {"seed": seed, "window": 3, "sigma": 0.1}
        row |= {f"{RIGHT} clean runs": right, f"{WRONG} clean runs": wrong}
        rows.append(row)
    rows.append(rows[0] | {"seed": 3})  # three draws: more than twice EXTREMES
    lines = [line for line in overlap.markdown(rows).splitlines() if line.startswith("| ")]
    assert lines[-2:] == [
        "| 2 (recipe's highest) | 3 | 0.100 | 1.90, 2.10 | 2.40, 2.60 |",
        "| 1 (3 epochs' lowest) | 3 | 0.100 | 1.10, 1.30 | 3.00, 2.00 |",
    ]
    # a draw that is both extremes is listed once
    rows[1][f"{WRONG} clean"] = 1.0
    assert sum(line.startswith("| 2 (") for line in overlap.markdown(rows).splitlines()) == 1
    # two draws, no more than twice EXTREMES: every one, in their order, unlabelled
    lines = [line for line in overlap.markdown(rows[:2]).splitlines() if line.startswith("| ")]
    assert lines[-2:] == [
        "| 1 | 3 | 0.100 | 1.10, 1.30 | 3.00, 2.00 |",
        "| 2 | 3 | 0.100 | 1.90, 2.10 | 2.40, 2.60 |",
    ]


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


def test_with_several_runs_each_run_is_also_measured_against_another_run_of_the_recipe():
    right, wrong = [1.0, 1.2], [1.8, 2.4]
    row = draw(1.0, 1.1, 2.0, 2.1) | {f"{RIGHT} clean runs": right, f"{WRONG} clean runs": wrong}
    mine, other = overlap.reference_ratios([row])
    assert mine == pytest.approx([1.2, 1 / 1.2])  # never a run over itself
    assert other == pytest.approx([1.8, 2.4, 1.5, 2.0])
    last = overlap.markdown([row]).splitlines()[-1]
    assert "the recipe's runs scored up to 1.20 × the reference" in last
    assert "3 epochs' runs down to 1.50 × (5th percentile 1.54)" in last
    # with one run per draw there is no other run to compare with
    single = draw(1.0, 1.1, 2.0, 2.1) | {f"{RIGHT} clean runs": [1.1], f"{WRONG} clean runs": [2.1]}
    assert "reference" not in overlap.markdown([single])
