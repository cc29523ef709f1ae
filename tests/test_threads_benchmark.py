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
    assert "| runs agree | weights as threads=1 |" in table
    assert "| w | default | 10.0, 20.0 | 15.0 | 2.00 | 22.5 | yes | yes |" in table
    assert "| w | threads=1 | 15.0, 15.0 | 15.0 | 1.00 | 22.5 | yes | yes |" in table
    assert "| v | default | 1.0 | 1.0 | 1.00 | 1.5 | yes | NO |" in table  # not threads=1's hash
    assert "| v | threads=1 | 1.0 | 1.0 | 1.00 | 1.5 | yes | yes |" in table
    # one run differs: its runs disagree, and they are not all threads=1's
    assert "| v | threads_per_op=1 | 2.0, 1.0 | 1.5 | 2.00 | 2.2 | NO | NO |" in table


def test_without_threads_1_the_table_says_only_whether_each_settings_runs_agree():
    table = bench.markdown(
        {
            "w": {
                "threads_per_op=1": [_run(3.0, "a"), _run(3.0, "a")],
                "threads_per_op=1, oneDNN": [_run(2.0, "b"), _run(2.0, "c")],
            }
        }
    )
    assert "weights as threads=1" not in table
    assert "| w | threads_per_op=1 | 3.0, 3.0 | 3.0 | 1.00 | 4.5 | yes |" in table
    assert "| w | threads_per_op=1, oneDNN | 2.0, 2.0 | 2.0 | 1.00 | 3.0 | NO |" in table


def test_settings_and_workloads_are_picked_by_words(monkeypatch, capsys):
    assert bench.pick(list(bench.SETTINGS), "oneDNN", "settings") == [
        "default, oneDNN",
        "threads=1, oneDNN",
        "threads_per_op=1, oneDNN",
    ]
    assert bench.pick(bench.WORKLOADS, "06", "workloads") == ["06 character LSTM(256), one epoch"]
    assert bench.pick(bench.WORKLOADS, None, "workloads") == list(bench.WORKLOADS)
    asked = {}

    def fake_measure(rounds, workloads, settings):
        asked.update(rounds=rounds, workloads=workloads, settings=settings)
        return {w: {s: [_run(1.0)] for s in settings} for w in workloads}

    monkeypatch.setattr(bench, "measure", fake_measure)
    assert bench.main(["--rounds", "2", "--workloads", "03", "--settings", "per_op"]) == 0
    assert asked == {
        "rounds": 2,
        "workloads": ["03 sine LSTM(50)"],
        "settings": ["threads_per_op=1", "threads_per_op=1, oneDNN"],
    }
    assert "| 03 sine LSTM(50) | threads_per_op=1, oneDNN |" in capsys.readouterr().out
    bench.main([])
    assert asked["settings"] == list(bench.DEFAULT_SETTINGS)
    with pytest.raises(SystemExit):
        bench.main(["--settings", "GPU"])
    assert "no settings match 'GPU'" in capsys.readouterr().err


def test_rounds_below_one_are_refused(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--rounds", "0"])
    assert "--rounds must be at least 1" in capsys.readouterr().err


@pytest.mark.slow
def test_a_child_run_reports_seconds_and_a_weight_hash():
    run = bench.run_once("03 sine LSTM(50)", "threads=1")
    assert run["wall"] > 0 and run["cpu"] > 0 and len(run["weights"]) == 16
    again = bench.run_once("03 sine LSTM(50)", "threads=1, oneDNN")
    assert len(again["weights"]) == 16


def _section_3_rows(label: str) -> dict[str, list[str]]:
    """Section 3's rows of lesson 06's workload in the table after ``label``, by setting."""
    text = (ROOT / "benchmarks/results/threads.md").read_text(encoding="utf-8")
    table = text.split("## 3 ·", 1)[1].split(label, 1)[1].split("\n\n")[1]
    rows = [line.strip().strip("|").strip().split(" | ") for line in table.splitlines()[2:]]
    return {row[1]: row for row in rows if row[0].startswith("06 ")}


def test_lesson_06_and_cu_start_quote_the_stored_onednn_measurement():
    """The numbers of lesson 06's "oneDNN's kernels" bullet are section 3's runs 2 and 3."""
    import nbformat

    avx2 = _section_3_rows("Run 2, lesson 06's workload under AVX2:")
    native = _section_3_rows("Run 3, lesson 06's workload natively (AVX-512):")
    on, off = "threads_per_op=1, oneDNN", "threads_per_op=1"
    mean, cpu = 3, 5  # columns: workload, setting, each run, mean wall, max / min, mean CPU, ...
    for rows in (avx2, native):
        assert len(rows[on][2].split(", ")) == len(rows[off][2].split(", ")) == 3
        assert rows[on][6] == rows[off][6] == "yes"  # each setting's runs agree
    lesson = nbformat.read(ROOT / "notebooks/06_text_generation.ipynb", as_version=4)
    assert "cu.start(seed=42, threads_per_op=1, onednn=True)" in lesson.cells[1].source
    bullet = (
        next(c.source for c in lesson.cells if "**oneDNN's kernels.**" in c.source)
        .split("**oneDNN's kernels.**", 1)[1]
        .split("\n- ", 1)[0]
    )
    text = " ".join(bullet.split())
    assert f"took {avx2[on][mean]} s instead of {avx2[off][mean]} s (means of three runs" in text
    assert f"wall time ({native[on][mean]} and {native[off][mean]} s)" in text
    assert f"less CPU time ({native[on][cpu]} against {native[off][cpu]} CPU-s)" in text
    # what the words say of the numbers: at most half under AVX2 (run 2), "about the same wall
    # time" and "a quarter less CPU time" natively (run 3)
    assert abs(float(avx2[on][mean]) / float(avx2[off][mean]) - 0.5) < 0.05
    assert "from about nothing to half" in text and "unusually slow that evening" in text
    assert abs(float(native[on][mean]) / float(native[off][mean]) - 1) < 0.05
    assert abs(float(native[on][cpu]) / float(native[off][cpu]) - 0.75) < 0.05
    import course_utils.runtime as runtime

    doc = " ".join(runtime.start.__doc__.split())
    assert "from about the same to half the wall time, depending on the machine's state" in doc
    assert "the same wall time for a quarter less CPU time" in doc
