"""benchmarks/threads.py: its table, its argument check and one real run of its child code."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import threads as bench  # noqa: E402


def _run(wall: float, weights: str = "abc") -> dict[str, float | str]:
    return {"wall": wall, "cpu": wall * 1.5, "weights": weights}


def test_the_table_has_each_run_the_mean_the_spread_and_whether_the_weights_agree():
    table = bench.markdown(
        {
            "w": {"default": [_run(10.0), _run(20.0)], "threads=1": [_run(15.0), _run(15.0)]},
            "v": {
                "default": [_run(1.0, "x")],
                "threads=1": [_run(1.0, "y")],
                "threads_per_op=1": [_run(2.0, "y"), _run(1.0, "z")],
            },
        }
    )
    assert "| w | default | 10.0, 20.0 | 15.0 | 2.00 | 22.5 | yes |" in table
    assert "| w | threads=1 | 15.0, 15.0 | 15.0 | 1.00 | 22.5 | yes |" in table
    assert "| v | default | 1.0 | 1.0 | 1.00 | 1.5 | NO |" in table  # not threads=1's hash
    assert "| v | threads=1 | 1.0 | 1.0 | 1.00 | 1.5 | yes |" in table
    assert "| v | threads_per_op=1 | 2.0, 1.0 | 1.5 | 2.00 | 2.2 | NO |" in table  # one run differs


def test_rounds_below_one_are_refused(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--rounds", "0"])
    assert "--rounds must be at least 1" in capsys.readouterr().err


@pytest.mark.slow
def test_a_child_run_reports_seconds_and_a_weight_hash():
    run = bench.run_once("03 sine LSTM(50)", "threads=1")
    assert run["wall"] > 0 and run["cpu"] > 0 and len(run["weights"]) == 16
