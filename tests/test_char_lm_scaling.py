"""benchmarks/char_lm_scaling.py on a tiny corpus: it trains, reports, stops at its budget and
resumes from its saved state (about 15 s; the tests that train are marked slow)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import char_lm_scaling as scaling  # noqa: E402

# Keras' own model.save passes NumPy 2 an array wrapper without the `copy` keyword; the warning
# comes from inside Keras, not from the benchmark.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)

TINY = ["--corpus-chars", "12000", "--models", "lstm256"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    state, results = tmp_path_factory.mktemp("state"), tmp_path_factory.mktemp("results")

    def run(*extra: str) -> dict:
        args = [*TINY, "--state", str(state), "--results", str(results), *extra]
        args = args if "--corpus-chars" not in extra else args[2:]
        assert scaling.main(args) == 0
        return json.loads((results / "char_lm_scaling.json").read_text())

    run.state, run.results = state, results
    return run


def test_learning_rate_decays_per_epoch_to_a_floor():
    recipe = scaling.Recipe(units=8, batch=4, lr=1e-2, decay=0.5, floor=0.1)
    assert [recipe.learning_rate(e) for e in range(5)] == pytest.approx(
        [1e-2, 5e-3, 2.5e-3, 1.25e-3, 1e-3]
    )


@pytest.mark.slow  # trains a (tiny) model: the notebooks tier, as CONTRIBUTING asks
def test_a_run_writes_its_table_plot_and_state_then_resumes(run, capsys):
    first = run("--max-epochs", "1")
    assert [r["epoch"] for r in first["rows"]] == [1]
    row = first["rows"][0]
    assert 0 < row["val_bits"] < 10 and 0 < row["test_bits"] < 10
    assert row["cpu_s"] > 0 and row["wall_s"] > 0
    assert first["kn"]["order"] in range(4, 9) and 0 < first["kn"]["test_bits"] < 10
    assert (run.state / "lstm256.keras").exists() and (run.state / "rows.json").exists()
    md = (run.results / "char_lm_scaling.md").read_text()
    assert "| lstm256 | 1 |" in md and "Kneser-Ney (order" in md
    assert "--corpus-chars 12000" in md  # the command that resumes or reproduces this run
    assert (run.results / "char_lm_scaling.png").read_bytes()[:4] == b"\x89PNG"
    assert "Kneser-Ney" in capsys.readouterr().out  # where the curve crosses KN, or not

    second = run("--max-epochs", "2")  # continues from the checkpoint: one more epoch
    assert [r["epoch"] for r in second["rows"]] == [1, 2]
    assert second["rows"][0] == row  # the first epoch was not trained again
    assert second["rows"][1]["cpu_s"] > row["cpu_s"]  # time accumulates over sessions
    assert second["models"]["lstm256"]["complete"]
    assert run("--report")["rows"] == second["rows"]  # --report only rewrites the outputs


def test_the_budget_decides_when_a_model_is_complete():
    content = {
        "kn": {"test_bits": 2.0},
        "config": {"models": {"m": {}}, "max_epochs": None},
        "rows": [
            {
                "model": "m",
                "epoch": 1,
                "val_bits": 2.6,
                "test_bits": 2.5,
                "cpu_s": 50.0,
                "epoch_cpu_s": 50.0,
                "wall_s": 40.0,
            }
        ],
    }
    # an epoch starts only if it is expected to end within the budget
    assert not scaling.summary(content, budget_cpu=100.0, cpu_per_second=1.6)["complete"]
    assert scaling.summary(content, budget_cpu=99.0, cpu_per_second=1.6)["complete"]


def test_crossing_sentence():
    kn = {"test_bits": 2.0}
    rows = [
        {"model": "m", "epoch": 1, "val_bits": 2.6, "test_bits": 2.5, "cpu_s": 60.0},
        {"model": "m", "epoch": 2, "val_bits": 2.0, "test_bits": 1.9, "cpu_s": 120.0},
    ]
    assert "crosses Kneser-Ney after epoch 2" in scaling.crossing(rows, kn, 1.6)
    assert "did not cross" in scaling.crossing(rows[:1], kn, 1.6)
    # without a crossing, the sentence reports the epoch chosen on validation, not on test
    overfit = [
        {"model": "m", "epoch": 1, "val_bits": 2.3, "test_bits": 2.2, "cpu_s": 60.0},
        {"model": "m", "epoch": 2, "val_bits": 2.4, "test_bits": 2.1, "cpu_s": 120.0},
    ]
    sentence = scaling.crossing(overfit, kn, 1.6)
    assert "at its best validation epoch (1) 2.200 against 2.000" in sentence, sentence


@pytest.mark.slow
def test_a_state_of_other_settings_is_refused(run):
    with pytest.raises(SystemExit, match="other settings"):
        run("--corpus-chars", "13000")


def test_report_refuses_a_state_with_nothing_trained_and_leaves_the_results(tmp_path, capsys):
    results = tmp_path / "results"
    results.mkdir()
    (results / "char_lm_scaling.md").write_text("the stored table\n")
    for extra in ([], ["--fresh"]):
        with pytest.raises(SystemExit) as exit_:
            scaling.main(
                ["--report", *extra, "--state", str(tmp_path / "empty"), "--results", str(results)]
            )
        assert exit_.value.code == 2
        assert "holds no finished epoch" in capsys.readouterr().err
    assert (results / "char_lm_scaling.md").read_text() == "the stored table\n"
    assert sorted(p.name for p in results.iterdir()) == ["char_lm_scaling.md"]


def test_stream_batches_continue_each_row_from_one_batch_to_the_next():
    ids = list(range(1000))
    x, y = scaling.stream_batches(ids, batch=4, length=10, offset=3)
    assert x.shape == y.shape == (24, 4, 10)  # 997 ids: 4 streams of 249, 24 windows of 10 each
    assert (y == x + 1).all()  # the target is the next character
    for k in range(len(x) - 1):  # row i of batch k+1 starts where row i of batch k ended
        assert (x[k + 1][:, 0] == x[k][:, -1] + 1).all()
    assert x[0, 0, 0] == 3 and x[0, 1, 0] == 3 + 249  # the offset, then one stream after another
    with pytest.raises(ValueError, match="too few"):
        scaling.stream_batches(list(range(20)), batch=4, length=10)


def test_compare_replaces_a_case_run_again_and_keeps_the_others(tmp_path, monkeypatch):
    out = tmp_path / "batch.json"

    def fake_run(data, batch, lr, epochs, units=256, length=100, stateful=False, **kw):
        return [
            {
                "batch": batch,
                "length": length,
                "lr": lr,
                "units": units,
                "stateful": stateful,
                "epochs": epochs,
                "epoch": 1,
                "val_bits": 3.0 - stateful,
                "cpu_s": 1.0,
            }
        ]

    monkeypatch.setattr(scaling, "lesson_run", fake_run)
    scaling.compare({}, ["64:0.008:1:256:50"], out)
    scaling.compare({}, ["64:0.008:1:256:50"], out, stateful=True)
    scaling.compare({}, ["64:0.008:1:256:50"], out, stateful=True)  # replaces its own rows
    rows = json.loads(out.read_text())
    assert [r["stateful"] for r in rows] == [False, True]
    assert (
        "| 256 | 64 | 50 TBPTT | 0.008 | 1 | 1 | 2.000 | 1 |" in out.with_suffix(".md").read_text()
    )


@pytest.mark.slow  # trains a (tiny) model: the notebooks tier
def test_a_stateful_run_trains_and_is_validated_by_a_stateless_copy():
    data = scaling.prepare(12000)
    rows = scaling.lesson_run(data, batch=8, lr=8e-3, epochs=2, units=16, length=20, stateful=True)
    assert [r["epoch"] for r in rows] == [1, 2] and all(r["stateful"] for r in rows)
    assert 0 < rows[1]["val_bits"] < rows[0]["val_bits"] < 10  # it learns
    assert rows[1]["cpu_s"] > rows[0]["cpu_s"] > 0


def test_bracket_distances_pair_each_closer_with_its_own_opener():
    positions, distances = scaling.bracket_distances("f(a[0]) + (b)")
    assert positions.tolist() == [5, 6, 12] and distances.tolist() == [2, 5, 2]
    # a closer that does not match the innermost open bracket is not paired
    positions, distances = scaling.bracket_distances("(a]) x)")
    assert positions.tolist() == [3] and distances.tolist() == [3]
    assert scaling.bracket_distances("no brackets")[0].size == 0


def test_bracket_spans_start_beyond_the_ngram_and_split_at_the_window_lengths():
    assert scaling.bracket_spans(7) == [(1, 7), (8, 12), (13, 25), (26, 50)]
    assert scaling.bracket_spans(12) == [(1, 12), (13, 25), (26, 50)]
    assert scaling.bracket_spans(30, cuts=(12, 25, 50)) == [(1, 30), (31, 50)]


def test_long_range_bits_line_up_each_bracket_in_both_models(monkeypatch):
    """char_bits' item t scores character t + 1, Kneser-Ney's item t character t: a bracket's
    bits must come from the same character in both (here each model's bits are the position)."""
    import numpy as np

    text = ("(ab)" + "(" + "x" * 9 + ")" + "[" + "y" * 20 + "]" + "{" + "z" * 40 + "}") * 20
    data = {"val_text": text, "val_ids": np.zeros(len(text), dtype=np.int32)}
    n = (len(text) - 1) // 1000 * 1000
    monkeypatch.setattr(
        "course_utils.text.char_bits", lambda model, ids, length: np.arange(1, n + 1.0)
    )
    kn = {"order": 8, "val_char_bits": np.arange(len(text), dtype=float)}
    out = scaling.long_range_bits(None, data, kn)
    assert out["val_bits_1000"] == np.arange(1, n + 1).mean()
    spans = {tuple(b["span"]): b for b in out["brackets"]}
    assert list(spans) == [(1, 7), (8, 12), (13, 25), (26, 50)]
    positions, distances = scaling.bracket_distances(text[: n + 1])
    for (low, high), b in spans.items():
        chosen = (distances >= low) & (distances <= high)
        assert b["count"] == chosen.sum() > 0
        assert b["lstm"] == b["kn"] == positions[chosen].mean() and b["se"] == 0


def test_compare_long_range_passes_kneser_ney_and_writes_the_second_table(tmp_path, monkeypatch):
    out = tmp_path / "windows.json"
    seen = {}

    def fake_run(data, batch, lr, epochs, units=256, length=100, stateful=False, kn=None):
        seen["kn"] = kn
        row = {"batch": batch, "length": length, "lr": lr, "units": units, "stateful": stateful}
        row |= {"epochs": epochs, "epoch": 1, "val_bits": 2.5, "cpu_s": 100.0}
        if kn is None:
            return [row]
        span = {"span": [8, 12], "count": 61, "lstm": 5.2, "kn": 5.95, "se": 0.21}
        return [row | {"val_bits_1000": 2.44, "brackets": [span]}]

    monkeypatch.setattr(scaling, "lesson_run", fake_run)
    monkeypatch.setattr(
        scaling, "kneser_ney_line", lambda data: {"order": 8, "discount": 0.9, "val_bits": 2.2}
    )
    monkeypatch.setattr(
        "course_utils.text.kneser_ney_char_bits", lambda train, val, order, d: [order, d, val]
    )
    data = {"train_text": "ab", "val_text": "ba"}
    scaling.compare(data, ["128:0.008:4:256:25"], out)
    assert seen["kn"] is None and "closing brackets" not in out.with_suffix(".md").read_text()
    scaling.compare(data, ["128:0.008:4:256:25"], out, long_range=True)
    assert seen["kn"] == {"order": 8, "val_char_bits": [8, 0.9, "ba"]}  # scored on validation
    md = out.with_suffix(".md").read_text()
    assert "| 256 | 128 | 25 | 4 | 2.440 | 8-12 | 61 | 5.20 | 5.95 | -0.75 ± 0.21 |" in md


@pytest.mark.slow  # trains a (tiny) model: the notebooks tier
def test_a_long_range_run_scores_its_final_model_on_the_validation_brackets():
    from course_utils import text as cutext

    data = scaling.prepare(30000)
    kn = {"order": 4, "val_char_bits": cutext.kneser_ney_char_bits(
        data["train_text"], data["val_text"], 4, 0.8
    )}  # fmt: skip
    rows = scaling.lesson_run(data, batch=8, lr=8e-3, epochs=1, units=16, length=20, kn=kn)
    last = rows[-1]
    assert 0 < last["val_bits_1000"] < 10
    assert [b["span"] for b in last["brackets"]] == [[1, 3], [4, 12], [13, 25], [26, 50]]
    assert sum(b["count"] for b in last["brackets"]) > 0


def test_lesson_06_quotes_the_stored_window_comparison():
    """Each number of lesson 06's "Not shorter windows" bullet is the stored run's."""
    import nbformat

    rows = json.loads((ROOT / "benchmarks/results/char_lm_windows.json").read_text())
    final = {r["length"]: r for r in rows if r["epoch"] == r["epochs"] and "brackets" in r}
    assert sorted(final) == [12, 25, 50]
    spans = {n: {tuple(b["span"]): b for b in r["brackets"]} for n, r in final.items()}
    lesson = nbformat.read(ROOT / "notebooks/06_text_generation.ipynb", as_version=4)
    bullet = (
        next(c.source for c in lesson.cells if "Not shorter windows" in c.source)
        .split("Not shorter windows", 1)[1]
        .split("\n- ", 1)[0]
    )
    text = " ".join(bullet.split())  # one line: numbers may sit at a line break

    def cpu(n):
        return round(final[n]["cpu_s"])

    def val(n):
        return f"{final[n]['val_bits']:.3f}"

    def bits(n, span, key="lstm"):
        return f"{spans[n][span][key]:.2f}"

    per_step = [final[n]["batch"] * n for n in (25, 12)]
    assert f"step ({per_step[0]:,} and {per_step[1]:,} characters;" in text
    assert f"took {cpu(25)} and {cpu(12)} CPU-s against {cpu(50)} for 64 windows of 50" in text
    assert f"windows of 12 ended lower than windows of 50 ({val(12)} bits/char" in text
    assert f"bits/char against {val(50)}) for two thirds" in text
    assert f"windows of 25 higher than both ({val(25)})" in text
    spans_named = ((1, 7), (8, 12), (13, 25))
    assert "opened 1 to 7, 8 to 12 and 13 to 25 characters back" in text
    for n in (50, 25, 12):
        a, b, c = (bits(n, span) for span in spans_named)
        assert f"windows of {n} paid {a}, {b} and {c}" in text, n
    a, b, c = (bits(50, span, "kn") for span in spans_named)
    assert f"(Kneser-Ney: {a}, {b} and {c})" in text
    far = (26, 50)
    far_lstm = sorted(spans[n][far]["lstm"] for n in final)
    count = spans[50][far]["count"]
    assert f"opened 26 to 50 back the three could not be told apart ({far_lstm[0]:.2f} to" in text
    assert f"to {far_lstm[-1]:.2f}, {count} brackets; Kneser-Ney {bits(50, far, 'kn')})" in text
    assert "two thirds of the CPU time" in text and abs(cpu(12) / cpu(50) - 2 / 3) < 0.03
    assert f"({final[50]['val_bits'] - final[12]['val_bits']:.3f} bits lower in one run" in text
    # what the bullet and the recap say of the numbers
    assert final[25]["val_bits"] > final[50]["val_bits"] > final[12]["val_bits"]
    for span in spans_named[1:]:
        assert spans[50][span]["lstm"] < min(spans[12][span]["lstm"], spans[25][span]["lstm"])
    assert spans[50][(1, 7)]["lstm"] < min(spans[12][(1, 7)]["lstm"], spans[25][(1, 7)]["lstm"])
    assert far_lstm[-1] - far_lstm[0] < 0.5  # "could not be told apart": under half a bit
    recap = " ".join(lesson.cells[-1].source.split())
    assert "windows of 12 a little lower on average, but worse, in one run, on closing" in recap
