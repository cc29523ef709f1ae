"""What more compute buys lesson 06's character LSTM: bits/char against training time, and KN.

    make scaling                                       # the lesson's LSTM and a wider one
    python benchmarks/char_lm_scaling.py --budget 30   # minutes per model (see below)
    python benchmarks/char_lm_scaling.py --speed       # CPU seconds per step: batch, XLA, unroll
    python benchmarks/char_lm_scaling.py --compare 64:0.008:4:256:50 128:0.008:4:256:25 \
        256:0.008:4:256:12 --long-range --table char_lm_windows   # lesson 06's window lengths

Each model (``lstm256``: the lesson's ``Embedding(32)`` → ``LSTM(256)`` → ``Dense``, 64 windows
of 50 characters per step; ``lstm512``: the same with 512 units) trains one epoch at a time on
the lesson's training text (the same corpus, splits and vocabulary as
``notebooks/06_text_generation.ipynb``). After every epoch it
is scored on the validation text (windows of 250, as the lesson's learning curve) and on the
test text (windows of 1000, the lesson's verdict: the same characters), with the wall-clock and
process CPU time spent so far. The Kneser-Ney line is the lesson's: order and discount chosen
on the validation text, scored on the same test characters.

**The budget** (``--budget``, default 30) is in minutes of an idle 2-core machine, counted in
process CPU time: ``minutes × 60 × --cpu-per-second`` CPU seconds (default 1.6, the CPU
seconds TensorFlow does per wall second while training this model on 2 idle cores). CPU time
does not depend on what else runs on the machine; wall time does, so both are recorded. An
epoch starts only if it is expected to end within the budget.

**Resumable.** Every finished epoch saves ``<state>/<model>.keras`` (weights and optimizer
state) and appends its row to ``<state>/rows.json``; running the command again continues from
there (a larger ``--budget`` trains further). ``--fresh`` starts over.

Outputs: ``benchmarks/results/char_lm_scaling.md`` (the table, where each curve crosses
Kneser-Ney, or that it did not), ``.json`` (the same rows, which the lesson reads) and ``.png``
(bits/char against time). ``--speed`` writes ``benchmarks/results/char_lm_speed.md``;
``--compare`` adds its cases to ``benchmarks/results/<--table>.json`` and ``.md`` (default
``char_lm_batch``), and with ``--long-range`` also scores each case's final model on the
validation text's closing brackets by how far back their opener is (lesson 06, section 7),
against the lesson's Kneser-Ney model.
Everything is offline and seeded; on another machine the times differ, the bits barely.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
STATE = ROOT / "benchmarks" / "state" / "char_lm_scaling"

VAL_LENGTH, TEST_LENGTH = 250, 1000  # the lesson's scoring windows
KN_GRID = [(n, d) for n in range(4, 9) for d in (0.7, 0.8, 0.9)]  # the lesson's grid


@dataclass(frozen=True)
class Recipe:
    """How one model trains: width, batch, window and the learning rate of its first epoch."""

    units: int
    batch: int
    lr: float
    length: int = 50  # characters per training window
    embed_dim: int = 32
    decay: float = 0.8  # learning rate of epoch e: lr · max(decay**e, floor)
    floor: float = 0.05

    def learning_rate(self, epoch: int) -> float:
        return self.lr * max(self.decay**epoch, self.floor)


MODELS = {
    "lstm256": Recipe(units=256, batch=64, lr=8e-3),  # the lesson's model, windows and optimizer
    "lstm512": Recipe(units=512, batch=64, lr=5e-3),  # wider: a lower rate keeps it stable
}


# --- data: the lesson's corpus, splits, vocabulary and Kneser-Ney line ------------------------
def prepare(corpus_chars: int | None = None) -> dict[str, Any]:
    """The lesson's texts and ids (``corpus_chars``: only the start of the corpus, for tests)."""
    from course_utils import text as cutext

    corpus = cutext.load_corpus()
    if corpus_chars:
        corpus = corpus[:corpus_chars]
    train_all, test_text = cutext.train_val_split_text(corpus, val_fraction=0.1, seed=0)
    train_text, val_text = cutext.train_val_split_text(train_all, val_fraction=0.1, seed=1)
    vocab = cutext.CharVocab(train_text)
    data = {"train_text": train_text, "val_text": val_text, "test_text": test_text, "vocab": vocab}
    for name in ("train", "val", "test"):
        data[f"{name}_ids"] = vocab.encode(data[f"{name}_text"])
    data["corpus_chars"] = len(corpus)
    return data


def scored_test_chars(data: dict[str, Any]) -> int:
    """How many test characters the LSTM scores: those its whole windows of 1000 cover."""
    return (len(data["test_ids"]) - 1) // TEST_LENGTH * TEST_LENGTH


def kneser_ney_line(data: dict[str, Any]) -> dict[str, Any]:
    """The lesson's Kneser-Ney baseline: order and discount chosen on validation."""
    from course_utils import text as cutext

    grid = {
        (n, d): cutext.kneser_ney_bits_per_char(data["train_text"], data["val_text"], n, d)
        for n, d in KN_GRID
    }
    (order, discount), val_bits = min(grid.items(), key=lambda item: item[1])
    test = cutext.kneser_ney_char_bits(data["train_text"], data["test_text"], order, discount)
    n = scored_test_chars(data)
    return {
        "order": order,
        "discount": discount,
        "val_bits": float(val_bits),
        "test_bits": float(test[1 : n + 1].mean()),
    }


# --- models and training ---------------------------------------------------------------------
def build(
    recipe: Recipe,
    vocab_size: int,
    *,
    jit_compile: Any = "auto",
    unroll: bool = False,
    stateful: bool = False,
):
    """The lesson's model; ``stateful=True`` carries the LSTM's state from one batch to the next
    (its batch size is then fixed to ``recipe.batch``)."""
    import keras

    length = recipe.length if unroll else None
    model = keras.Sequential(
        [
            keras.Input(batch_shape=(recipe.batch, length), dtype="int32")
            if stateful
            else keras.Input(shape=(length,), dtype="int32"),
            keras.layers.Embedding(vocab_size, recipe.embed_dim, name="embedding"),
            keras.layers.LSTM(
                recipe.units, return_sequences=True, unroll=unroll, stateful=stateful, name="lstm"
            ),
            keras.layers.Dense(vocab_size, name="logits"),
        ],
        name="char_lstm",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(recipe.lr, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=jit_compile,
    )
    return model


def train_dataset(data: dict[str, Any], recipe: Recipe, epoch: int):
    """The lesson's windows, shuffled with a seed of their own for each epoch (resumable)."""
    import tensorflow as tf

    from course_utils import text as cutext

    x, y = cutext.next_char_windows(data["train_ids"], recipe.length)
    return (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(x), seed=1000 + epoch)
        .batch(recipe.batch, drop_remainder=True)
    )


def stream_batches(ids: Any, batch: int, length: int, offset: int = 0):
    """Batches for truncated back-propagation through the whole text, with a stateful LSTM.

    The text (from ``offset`` on) is cut into ``batch`` streams of equal length, side by side;
    batch ``k`` holds characters ``k·length … (k+1)·length - 1`` of every stream, so row ``i``
    of each batch continues row ``i`` of the batch before it. Returns ``(x, y)`` of shape
    ``(steps, batch, length)``, ``y`` the next character of each ``x``.

    >>> x, y = stream_batches(list(range(21)), batch=2, length=3)
    >>> x.shape, x[0].tolist(), x[1].tolist(), y[0].tolist()
    ((3, 2, 3), [[0, 1, 2], [10, 11, 12]], [[3, 4, 5], [13, 14, 15]], [[1, 2, 3], [11, 12, 13]])
    """
    import numpy as np

    ids = np.asarray(ids)[offset:]
    per_stream = (len(ids) - 1) // batch
    steps = per_stream // length
    if steps < 1:
        raise ValueError(f"{len(ids)} ids are too few for {batch} streams of {length} or more")
    x = ids[: batch * per_stream].reshape(batch, per_stream)[:, : steps * length]
    y = ids[1 : batch * per_stream + 1].reshape(batch, per_stream)[:, : steps * length]
    return tuple(a.reshape(batch, steps, length).transpose(1, 0, 2) for a in (x, y))


def cpu_seconds() -> float:
    """CPU time of this process, all threads (user + system)."""
    return time.process_time()


class Bar:
    """A progress bar on stderr, redrawn in place (the style of benchmarks/check_calibration)."""

    def __init__(self, label: str, total: int, stream=sys.stderr) -> None:
        self.label, self.total, self.stream = label, max(total, 1), stream

    def show(self, done: int, note: str = "") -> None:
        width = 24
        filled = int(width * min(done, self.total) / self.total)
        self.stream.write(f"\r{self.label:<34.34} ▕{'█' * filled}{'░' * (width - filled)}▏ {note}")
        self.stream.flush()

    def close(self, note: str = "") -> None:
        self.show(self.total, note)
        self.stream.write("\n")
        self.stream.flush()


def _bar_callback(bar: Bar, budget: float, spent: float, started: float):
    import keras

    class Progress(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch % 4 == 0:
                used = spent + cpu_seconds() - started
                of_budget = f" of {budget:.0f}" if budget else ""  # --compare has no budget
                bar.show(batch + 1, f"{used:7.0f}{of_budget} CPU-s")

    return Progress()


def evaluate(model, data: dict[str, Any]) -> tuple[float, float]:
    """Validation and test bits/char, as the lesson measures them."""
    from course_utils import text as cutext

    val = cutext.char_bits(model, data["val_ids"], length=VAL_LENGTH).mean()
    test = cutext.char_bits(model, data["test_ids"], length=TEST_LENGTH).mean()
    return float(val), float(test)


# --- state -----------------------------------------------------------------------------------
def load_state(state: Path) -> dict[str, Any]:
    path = state / "rows.json"
    if path.exists():
        return json.loads(path.read_text())
    return {"rows": [], "kn": None, "config": None}


def save_state(state: Path, content: dict[str, Any]) -> None:
    state.mkdir(parents=True, exist_ok=True)
    tmp = state / "rows.json.tmp"
    tmp.write_text(json.dumps(content, indent=1) + "\n")
    tmp.replace(state / "rows.json")  # atomic: an interrupted run never leaves half a file


def train_epoch(
    name: str,
    recipe: Recipe,
    data: dict[str, Any],
    content: dict[str, Any],
    state: Path,
    budget_cpu: float,
    max_epochs: int | None,
    models: dict[str, Any],
) -> bool:
    """Train ``name`` one more epoch if its budget allows, save it; False if it is done."""
    import keras

    rows = [r for r in content["rows"] if r["model"] == name]
    checkpoint = state / f"{name}.keras"
    epoch = len(rows)
    spent_cpu = rows[-1]["cpu_s"] if rows else 0.0
    spent_wall = rows[-1]["wall_s"] if rows else 0.0
    last_epoch_cpu = rows[-1]["epoch_cpu_s"] if rows else 0.0
    if spent_cpu + last_epoch_cpu > budget_cpu or (max_epochs is not None and epoch >= max_epochs):
        return False
    if name not in models:
        if rows and not checkpoint.exists():
            raise SystemExit(
                f"{checkpoint} is missing but rows.json has {name}'s rows: use --fresh"
            )
        keras.utils.set_random_seed(42)
        if rows:
            models[name] = keras.models.load_model(checkpoint)
        else:
            models[name] = build(recipe, len(data["vocab"]), jit_compile=False)
    model = models[name]
    steps = len(data["train_ids"]) // recipe.length // recipe.batch
    keras.utils.set_random_seed(42 + epoch)
    model.optimizer.learning_rate.assign(recipe.learning_rate(epoch))
    bar = Bar(f"{name} epoch {epoch + 1}", steps)
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    history = model.fit(
        train_dataset(data, recipe, epoch),
        epochs=1,
        shuffle=False,
        verbose=0,
        callbacks=[_bar_callback(bar, budget_cpu, spent_cpu, cpu0)],
    )
    val_bits, test_bits = evaluate(model, data)
    epoch_cpu, epoch_wall = cpu_seconds() - cpu0, time.perf_counter() - wall0
    model.save(checkpoint)
    content["rows"].append(
        {
            "model": name,
            "epoch": epoch + 1,
            "learning_rate": recipe.learning_rate(epoch),
            "train_bits": float(history.history["loss"][-1]) / math.log(2),
            "val_bits": val_bits,
            "test_bits": test_bits,
            "epoch_cpu_s": epoch_cpu,
            "cpu_s": spent_cpu + epoch_cpu,
            "wall_s": spent_wall + epoch_wall,
        }
    )
    save_state(state, content)
    bar.close(
        f"val {val_bits:.3f} · test {test_bits:.3f} bits/char · {spent_cpu + epoch_cpu:.0f} CPU-s"
    )
    return True


# --- report ----------------------------------------------------------------------------------
def crossing(rows: list[dict[str, Any]], kn: dict[str, Any], cpu_per_second: float) -> str:
    """Where a model's test curve first goes below Kneser-Ney's, or that it did not."""
    if not rows:
        return "not trained yet"
    model = rows[0]["model"]
    for row in rows:
        if row["test_bits"] < kn["test_bits"]:
            return (
                f"{model} crosses Kneser-Ney after epoch {row['epoch']}, "
                f"{row['cpu_s'] / 60:.1f} CPU-minutes (about "
                f"{row['cpu_s'] / cpu_per_second / 60:.1f} minutes on 2 idle cores): "
                f"{row['test_bits']:.3f} against {kn['test_bits']:.3f} bits/char on the test text"
            )
    chosen = chosen_on_validation(rows)
    last = rows[-1]
    return (
        f"{model} did not cross Kneser-Ney within {last['cpu_s'] / 60:.1f} CPU-minutes "
        f"({last['epoch']} epochs): at its best validation epoch ({chosen['epoch']}) "
        f"{chosen['test_bits']:.3f} against {kn['test_bits']:.3f} bits/char on the test text"
    )


def chosen_on_validation(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The epoch a practitioner would keep: the lowest validation bits (never the test's)."""
    return min(rows, key=lambda r: r["val_bits"])


def summary(content: dict[str, Any], budget_cpu: float, cpu_per_second: float) -> dict[str, Any]:
    """The stored result: rows, KN line, per-model status and crossing sentence."""
    kn = content["kn"]
    models = {}
    for name in content["config"]["models"]:
        rows = [r for r in content["rows"] if r["model"] == name]
        done = bool(rows) and rows[-1]["cpu_s"] + rows[-1]["epoch_cpu_s"] > budget_cpu
        done = done or (content["config"].get("max_epochs") or 0) == len(rows) > 0
        models[name] = {
            "complete": done,
            "epochs": len(rows),
            "cpu_s": rows[-1]["cpu_s"] if rows else 0.0,
            "wall_s": rows[-1]["wall_s"] if rows else 0.0,
            "test_bits_at_best_val": chosen_on_validation(rows)["test_bits"] if rows else None,
            "crossing": crossing(rows, kn, cpu_per_second) if rows else f"{name}: not trained yet",
            "crosses": any(r["test_bits"] < kn["test_bits"] for r in rows),
        }
    return {
        "budget_cpu_s": budget_cpu,
        "cpu_per_second": cpu_per_second,
        "kn": kn,
        "models": models,
        "complete": all(m["complete"] for m in models.values()),
        "rows": content["rows"],
        "config": content["config"],
    }


def write_markdown(result: dict[str, Any], path: Path, command: str) -> None:
    kn, config = result["kn"], result["config"]
    status = "complete" if result["complete"] else "**PARTIAL**: the budget is not used up yet"
    lines = [
        "# Character LSTM against Kneser-Ney: bits/char after more training",
        "",
        f"Written by `{command}` ({status}). Running it again (or `make scaling`) resumes from "
        "the saved state in `benchmarks/state/char_lm_scaling/`; a fresh clone without that "
        "state reproduces the run from the start.",
        "",
        f"Budget per model: {result['budget_cpu_s']:.0f} CPU-s of the process (= "
        f"{result['budget_cpu_s'] / result['cpu_per_second'] / 60:.0f} minutes at "
        f"{result['cpu_per_second']} CPU-s per wall second, the assumed rate of 2 idle cores, "
        "`--cpu-per-second`; the table's CPU and wall minutes give the rate of the machine that "
        "ran it). Corpus: "
        f"{config['corpus_chars']:,} characters of standard-library docstrings, the lesson's "
        f"splits; test bits on the {config['test_chars']:,} characters the lesson scores.",
        "",
        f"Kneser-Ney (order {kn['order']}, D = {kn['discount']}, chosen on validation): "
        f"validation {kn['val_bits']:.3f}, test {kn['test_bits']:.3f} bits/char.",
        "",
    ]
    for name, model in result["models"].items():
        recipe = config["models"][name]
        lines.append(
            f"- `{name}`: {recipe['units']} units, batch {recipe['batch']}, Adam "
            f"{recipe['lr']:g} × max({recipe['decay']}^epoch, {recipe['floor']}), clipnorm 1 — "
            f"{'complete' if model['complete'] else 'partial'}, {model['epochs']} epochs. "
            f"{model['crossing']}."
        )
    lines += [
        "",
        "| model | epoch | learning rate | train bits (running) | val bits/char | test bits/char "
        "| CPU min | wall min |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['model']} | {r['epoch']} | {r['learning_rate']:.2e} | {r['train_bits']:.3f} | "
            f"{r['val_bits']:.3f} | {r['test_bits']:.3f} | {r['cpu_s'] / 60:.1f} | "
            f"{r['wall_s'] / 60:.1f} |"
        )
    lines += [
        "",
        "CPU minutes are this process's own work and compare across runs; wall minutes depend on "
        "the machine and on what else it ran.",
        "",
    ]
    path.write_text("\n".join(lines))


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kn = result["kn"]
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, color in zip(result["models"], ("tab:blue", "tab:orange", "tab:green"), strict=False):
        rows = [r for r in result["rows"] if r["model"] == name]
        minutes = [r["cpu_s"] / result["cpu_per_second"] / 60 for r in rows]
        ax.plot(minutes, [r["test_bits"] for r in rows], "o-", color=color, label=f"{name}, test")
        ax.plot(
            minutes, [r["val_bits"] for r in rows], ":", color=color, label=f"{name}, validation"
        )
    ax.axhline(kn["test_bits"], color="grey", ls="--", label=f"Kneser-Ney {kn['order']}, test")
    ax.axhline(kn["val_bits"], color="grey", ls=":", label="Kneser-Ney, validation")
    ax.set_xlabel(f"training minutes on 2 idle cores (CPU-s / {result['cpu_per_second']} / 60)")
    ax.set_ylabel("bits per character")
    title = "character LSTM vs Kneser-Ney" + ("" if result["complete"] else " (partial run)")
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


# --- speed: CPU seconds per optimizer step -----------------------------------------------------
SPEED_CASES = [
    # label, recipe, jit_compile, unroll
    ("256 units, 32 windows of 100", Recipe(256, 32, 8e-3, 100), False, False),
    ("jit_compile=True", Recipe(256, 32, 8e-3, 100), True, False),
    ("own train step, tf.function(jit_compile=True)", Recipe(256, 32, 8e-3, 100), "forced", False),
    ("unroll=True (100 steps)", Recipe(256, 32, 8e-3, 100), False, True),
    ("batch 64 (windows of 100)", Recipe(256, 64, 8e-3 * math.sqrt(2), 100), False, False),
    ("batch 128 (windows of 100)", Recipe(256, 128, 16e-3, 100), False, False),
    ("64 windows of 50 (the lesson)", Recipe(256, 64, 8e-3, 50), False, False),
    ("128 units, 32 windows of 100", Recipe(128, 32, 8e-3, 100), False, False),
    ("512 units, 64 windows of 50", Recipe(512, 64, 5e-3, 50), False, False),
]


def _xla_train_step(model):
    """One optimizer step of ``model`` as a ``tf.function(jit_compile=True)`` (XLA)."""
    import tensorflow as tf

    variables = model.trainable_variables

    @tf.function(jit_compile=True)
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = model.loss(y, model(x, training=True))
        model.optimizer.apply(tape.gradient(loss, variables), variables)
        return loss

    return lambda x, y: step(x, y).numpy()


def speed(
    data: dict[str, Any], steps: int, out: Path | None, cases: list[int] | None = None
) -> list[dict[str, Any]]:
    """Time ``steps`` training steps of each case after two warm-up steps (CPU and wall)."""
    import keras
    import tensorflow as tf

    from course_utils import text as cutext

    rows = []
    chosen = [SPEED_CASES[i] for i in cases] if cases else SPEED_CASES
    for label, recipe, jit, unroll in chosen:
        keras.backend.clear_session()
        keras.utils.set_random_seed(42)
        x, y = cutext.next_char_windows(data["train_ids"], recipe.length)
        model = build(recipe, len(data["vocab"]), jit_compile=jit is True, unroll=unroll)
        step = model.train_on_batch
        if jit == "forced":  # Keras refuses jit_compile for this model: compile the step ourselves
            step = _xla_train_step(model)
        batches = [
            (tf.constant(x[i : i + recipe.batch]), tf.constant(y[i : i + recipe.batch]))
            for i in range(0, (steps + 2) * recipe.batch, recipe.batch)
        ]
        note = ""
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        try:
            for xb, yb in batches[:2]:
                step(xb, yb)
        except Exception as error:  # XLA refused, for instance: say so in the table
            note = f"failed: {type(error).__name__}: {str(error).splitlines()[0][:120]}"
            rows.append({"case": label, "note": note})
            print(f"{label:<32} {note}", file=sys.stderr)
            continue
        first_cpu = cpu_seconds() - cpu0
        bar = Bar(label, steps)
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        for i, (xb, yb) in enumerate(batches[2 : steps + 2]):
            step(xb, yb)
            bar.show(i + 1)
        cpu, wall = (cpu_seconds() - cpu0) / steps, (time.perf_counter() - wall0) / steps
        per_epoch = len(x) // recipe.batch
        compiled = jit == "forced" or getattr(model, "jit_compile", None)
        bar.close(f"{cpu:.3f} CPU-s/step")
        rows.append(
            {
                "case": label,
                "batch": recipe.batch,
                "units": recipe.units,
                "xla": bool(compiled),
                "first_two_steps_cpu_s": first_cpu,
                "cpu_s_per_step": cpu,
                "wall_s_per_step": wall,
                "cpu_s_per_epoch": cpu * per_epoch,
                "chars_per_cpu_s": recipe.batch * recipe.length / cpu,
                "note": note,
            }
        )
    if out is not None:
        write_speed(rows, out, steps)
    return rows


def write_speed(rows: list[dict[str, Any]], path: Path, steps: int) -> None:
    import tensorflow as tf

    lines = [
        "# Character LSTM training speed, CPU seconds per optimizer step",
        "",
        f"Written by `python benchmarks/char_lm_scaling.py --speed` ({steps} steps timed per case "
        f"after 2 warm-up steps; TensorFlow {tf.__version__}, op determinism on as in "
        f"`cu.start`, {os.cpu_count()} cores, shared machine: CPU time is this process's). "
        "An epoch is the lesson's training text once (3,200 characters per step in each case"
        " but batch 64 and 128 of windows of 100).",
        "",
        "| case | windows per step | XLA used | first 2 steps CPU-s | CPU-s/step | wall s/step "
        "| CPU-s/epoch | characters per CPU-s |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "cpu_s_per_step" not in r:
            lines.append(f"| {r['case']} | | | | | | | {r['note']} |")
            continue
        lines.append(
            f"| {r['case']} | {r['batch']} | {'yes' if r['xla'] else 'no'} | "
            f"{r['first_two_steps_cpu_s']:.1f} | {r['cpu_s_per_step']:.3f} | "
            f"{r['wall_s_per_step']:.3f} | {r['cpu_s_per_epoch']:.0f} | "
            f"{r['chars_per_cpu_s']:.0f} |"
        )
    lines.append("")
    path.write_text("\n".join(lines))


# --- the lesson's budget: batch size with the learning rate scaled, at equal epochs ------------
#: Where ``--long-range`` splits the closing brackets beyond the n-gram's reach, by how far back
#: their opener is: at the window lengths it compares (12, 25), up to the lesson's 50.
BRACKET_CUTS = (12, 25, 50)


def bracket_spans(reach: int, cuts: tuple[int, ...] = BRACKET_CUTS) -> list[tuple[int, int]]:
    """Spans of opener distances: within the n-gram's ``reach``, then up to each cut beyond it.

    >>> bracket_spans(7)
    [(1, 7), (8, 12), (13, 25), (26, 50)]
    >>> bracket_spans(20)
    [(1, 20), (21, 25), (26, 50)]
    """
    spans, low = [(1, reach)], reach + 1
    for cut in cuts:
        if cut >= low:
            spans.append((low, cut))
            low = cut + 1
    return spans


def bracket_distances(text: str):
    """Positions of the matched closing brackets of ``text``, and how far back each one's opener is.

    >>> bracket_distances("f(a[0]) + (b)")
    (array([ 5,  6, 12]), array([2, 5, 2]))
    """
    import numpy as np

    openers = {")": "(", "]": "[", "}": "{"}
    open_now: list[tuple[str, int]] = []
    positions, distances = [], []
    for i, char in enumerate(text):
        if char in "([{":
            open_now.append((char, i))
        elif open_now and openers.get(char) == open_now[-1][0]:
            positions.append(i)
            distances.append(i - open_now.pop()[1])
    return np.array(positions, dtype=int), np.array(distances, dtype=int)


def long_range_bits(model, data: dict[str, Any], kn: dict[str, Any]) -> dict[str, Any]:
    """How ``model`` and Kneser-Ney do on the validation text's closing brackets (lesson 06,
    section 7, on the text settings are chosen on).

    ``kn``: the order and the bits per validation character (one per character from the first)
    of the lesson's Kneser-Ney model. The LSTM reads windows of 1000, as in the lesson's verdict.
    Returns ``{"val_bits_1000": ..., "brackets": [...]}``: per span of ``bracket_spans`` the
    count, both models' mean bits and the standard error of their difference (paired).
    """
    import numpy as np

    from course_utils import text as cutext

    ids = data["val_ids"]
    lstm = cutext.char_bits(model, ids, length=TEST_LENGTH)  # characters 1 ... n
    n = len(lstm)
    if n != (len(ids) - 1) // TEST_LENGTH * TEST_LENGTH:
        raise ValueError(f"char_bits scored {n} validation characters of {len(ids)}")
    positions, distances = bracket_distances(data["val_text"][: n + 1])
    rows = []
    for low, high in bracket_spans(kn["order"] - 1):
        at = positions[(positions >= 1) & (distances >= low) & (distances <= high)]
        lstm_at, kn_at = lstm[at - 1], kn["val_char_bits"][at]  # the same characters
        rows.append(
            {
                "span": [low, high],
                "count": len(at),
                "lstm": float(lstm_at.mean()) if len(at) else math.nan,
                "kn": float(kn_at.mean()) if len(at) else math.nan,
                "se": float((lstm_at - kn_at).std(ddof=1) / np.sqrt(len(at)))
                if len(at) > 1
                else math.nan,
            }
        )
    return {"val_bits_1000": float(lstm.mean()), "brackets": rows}


def lesson_run(
    data: dict[str, Any],
    batch: int,
    lr: float,
    epochs: int,
    units: int = 256,
    length: int = 100,
    stateful: bool = False,
    kn: dict[str, Any] | None = None,
):
    """The lesson's training cell (cosine schedule to a twentieth, clipnorm 1) for one setting.

    ``stateful=True``: truncated back-propagation through time over the whole text instead of
    shuffled windows (``stream_batches``; each epoch starts the streams ``13 · epoch`` characters
    further on, so the cuts move, and from a zero state); the LSTM carries its state from one
    window to the next, and gradients stop at the window's start. It is validated by a
    stateless copy with the same weights.

    Returns one row per epoch: validation bits/char (windows of 250, as the lesson's curve) and
    the CPU seconds of training so far (validation included). Given ``kn`` (the lesson's Kneser-Ney
    model, see ``long_range_bits``), the last row also has ``long_range_bits`` of the final model.
    """
    import keras
    import tensorflow as tf

    from course_utils import text as cutext

    keras.backend.clear_session()
    keras.utils.set_random_seed(42)
    x, y = cutext.next_char_windows(data["train_ids"], length)
    train = (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(x), seed=42)
        .batch(batch, drop_remainder=True)
    )
    xv, yv = cutext.next_char_windows(data["val_ids"], VAL_LENGTH)
    val = tf.data.Dataset.from_tensor_slices((xv, yv)).batch(64)
    recipe = Recipe(units, batch, lr, length)
    model = build(recipe, len(data["vocab"]), jit_compile=False, stateful=stateful)
    steps_per_epoch = len(x) // batch
    if stateful:
        steps_per_epoch = len(stream_batches(data["train_ids"], batch, length, 13 * epochs)[0])
        twin = build(recipe, len(data["vocab"]), jit_compile=False)  # validates, stateless
    steps = epochs * steps_per_epoch
    schedule = keras.optimizers.schedules.CosineDecay(lr, decay_steps=steps, alpha=0.05)
    model.optimizer = keras.optimizers.Adam(schedule, clipnorm=1.0)
    model.compile(
        optimizer=model.optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=False,
    )
    rows, cpu = [], 0.0
    label = f"{batch}×{length}{' TBPTT' if stateful else ''} lr {lr:g} {units}u"
    for epoch in range(epochs):
        bar = Bar(f"{label}, epoch {epoch + 1}", steps_per_epoch)
        cpu0 = cpu_seconds()
        epoch_data = train
        if stateful:
            xs, ys = stream_batches(data["train_ids"], batch, length, 13 * epoch)
            epoch_data = tf.data.Dataset.from_tensor_slices((xs, ys)).take(steps_per_epoch)
            model.get_layer("lstm").reset_state()  # each epoch reads the text from a zero state
        history = model.fit(
            epoch_data,
            validation_data=None if stateful else val,  # the stateless twin validates instead
            initial_epoch=epoch,
            epochs=epoch + 1,
            shuffle=False,
            verbose=0,
            callbacks=[_bar_callback(bar, 0, cpu, cpu0)],
        )
        if stateful:
            twin.set_weights(model.get_weights())
            val_loss = twin.evaluate(val, verbose=0)
        else:
            val_loss = history.history["val_loss"][-1]
        cpu += cpu_seconds() - cpu0
        val_bits = val_loss / math.log(2)
        bar.close(f"val {val_bits:.3f} bits/char · {cpu:.0f} CPU-s")
        rows.append(
            {
                "batch": batch,
                "length": length,
                "lr": lr,
                "units": units,
                "stateful": stateful,
                "epochs": epochs,
                "epoch": epoch + 1,
                "val_bits": val_bits,
                "cpu_s": cpu,
            }
        )
    if kn is not None:
        rows[-1].update(long_range_bits(twin if stateful else model, data, kn))
    return rows


def _case_key(row: dict[str, Any]) -> tuple:
    """What identifies a ``--compare`` case among the stored rows (older rows: windows of 100,
    not stateful)."""
    return (
        row["batch"],
        row["lr"],
        row["epochs"],
        row["units"],
        row.get("length", 100),
        row.get("stateful", False),
    )


def compare(
    data: dict[str, Any],
    cases: list[str],
    out: Path,
    stateful: bool = False,
    long_range: bool = False,
) -> None:
    """Run ``batch:lr:epochs[:units[:length]]`` cases of the lesson's training; add to ``out``
    (a case run again replaces its old rows). ``long_range``: score each final model on the
    validation text's closing brackets too (``long_range_bits``), against the lesson's Kneser-Ney.
    """
    old = json.loads(out.read_text()) if out.exists() else []
    kn = None
    if long_range:
        from course_utils import text as cutext

        line = kneser_ney_line(data)
        kn = {
            "order": line["order"],
            "val_char_bits": cutext.kneser_ney_char_bits(
                data["train_text"], data["val_text"], line["order"], line["discount"]
            ),
        }
    for case in cases:
        batch, lr, epochs, *units = case.split(":")
        rows = lesson_run(
            data,
            int(batch),
            float(lr),
            int(epochs),
            *(int(u) for u in units),
            stateful=stateful,
            kn=kn,
        )
        old = [r for r in old if _case_key(r) != _case_key(rows[0])] + rows
        out.write_text(json.dumps(old, indent=1) + "\n")
    write_compare_markdown(old, out.with_suffix(".md"))


def write_compare_markdown(rows: list[dict[str, Any]], path: Path) -> None:
    """The ``--compare`` rows as a Markdown table."""
    lines = [
        "# Lesson 06's training: windows per step, window length, learning rate, width",
        "",
        "Written by `python benchmarks/char_lm_scaling.py --compare"
        " BATCH:LR:EPOCHS[:UNITS[:LENGTH]]`:"
        " the lesson's training cell (Adam, cosine decay to a twentieth over all epochs,"
        " clipnorm 1), validation bits/char after each epoch (windows of 250,"
        " the lesson's learning curve) and the process CPU seconds of training so far"
        " (validation included), on a shared 2-core machine.",
        "",
        "`--stateful` (rows marked *TBPTT*): truncated back-propagation through the whole"
        " text with a stateful LSTM, `windows per step` streams read side by side, instead of"
        " shuffled windows.",
        "",
        "| units | windows per step | window | learning rate | epochs | after epoch "
        "| val bits/char | CPU-s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        window = f"{r.get('length', 100)}{' TBPTT' if r.get('stateful') else ''}"
        lines.append(
            f"| {r['units']} | {r['batch']} | {window} | {r['lr']:g} | "
            f"{r['epochs']} | {r['epoch']} | {r['val_bits']:.3f} | {r['cpu_s']:.0f} |"
        )
    scored = [r for r in rows if "brackets" in r]
    if scored:
        lines += [
            "",
            "## The final models on the validation text's closing brackets (`--long-range`)",
            "",
            "The LSTM reads the validation text in windows of 1000 (as in the lesson's verdict;"
            " *val bits/char* is its average over all characters read so). Its closing brackets"
            " are split by how far back their opener is (lesson 06, section 7): within the"
            " Kneser-Ney model's context (its order minus one), then up to 12, 25 and 50"
            " characters back. Mean bits per bracket of the LSTM and of the lesson's Kneser-Ney"
            " model (order and discount chosen on the validation text), their difference and its"
            " standard error over the brackets.",
            "",
            "| units | windows per step | window | epochs | val bits/char | opener back "
            "| count | LSTM | Kneser-Ney | LSTM − KN |",
            "|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
        ]
        for r in scored:
            window = f"{r.get('length', 100)}{' TBPTT' if r.get('stateful') else ''}"
            for b in r["brackets"]:
                lines.append(
                    f"| {r['units']} | {r['batch']} | {window} | {r['epochs']} "
                    f"| {r['val_bits_1000']:.3f} | {b['span'][0]}-{b['span'][1]} | {b['count']} "
                    f"| {b['lstm']:.2f} | {b['kn']:.2f} "
                    f"| {b['lstm'] - b['kn']:+.2f} ± {b['se']:.2f} |"
                )
    path.write_text("\n".join(lines) + "\n")


def report(content, budget_cpu, cpu_per_second, results: Path, command: str) -> dict[str, Any]:
    """Write the JSON, the Markdown table and the plot of the rows so far."""
    result = summary(content, budget_cpu, cpu_per_second)
    (results / "char_lm_scaling.json").write_text(json.dumps(result, indent=1) + "\n")
    write_markdown(result, results / "char_lm_scaling.md", command)
    plot(result, results / "char_lm_scaling.png")
    return result


# --- command line ------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=30.0, help="minutes per model (see doc)")
    parser.add_argument("--cpu-per-second", type=float, default=1.6)
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated")
    parser.add_argument("--max-epochs", type=int, default=None, help="stop earlier (tests)")
    parser.add_argument("--state", type=Path, default=STATE)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--corpus-chars", type=int, default=None, help="corpus prefix (tests)")
    parser.add_argument("--fresh", action="store_true", help="forget the saved state")
    parser.add_argument("--report", action="store_true", help="only rewrite the outputs")
    parser.add_argument("--speed", action="store_true", help="time training steps instead")
    parser.add_argument("--speed-steps", type=int, default=20)
    parser.add_argument("--speed-cases", help="comma-separated indexes into SPEED_CASES")
    parser.add_argument("--compare", nargs="+", metavar="BATCH:LR:EPOCHS[:UNITS[:LENGTH]]")
    parser.add_argument(
        "--stateful", action="store_true", help="--compare with truncated BPTT over the text"
    )
    parser.add_argument(
        "--long-range",
        action="store_true",
        help="--compare: score the final models on the validation text's closing brackets too",
    )
    parser.add_argument(
        "--table", default="char_lm_batch", help="--compare: the file name (without suffix)"
    )
    args = parser.parse_args(argv)
    if args.report and (args.fresh or not load_state(args.state)["rows"]):
        # the outputs would be rewritten from nothing: the stored results would be lost
        parser.error(f"--report: {args.state} holds no finished epoch to report (train first)")

    import course_utils as cu

    cu.start(seed=42)
    data = prepare(args.corpus_chars)
    args.results.mkdir(parents=True, exist_ok=True)
    if args.speed:
        cases = [int(i) for i in args.speed_cases.split(",")] if args.speed_cases else None
        speed(data, args.speed_steps, args.results / "char_lm_speed.md", cases)
        return 0
    if args.compare:
        out = args.results / f"{args.table}.json"
        compare(data, args.compare, out, stateful=args.stateful, long_range=args.long_range)
        return 0

    names = [n.strip() for n in args.models.split(",") if n.strip()]
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        parser.error(f"unknown model(s) {unknown}: choose from {list(MODELS)}")
    config = {
        "models": {n: MODELS[n].__dict__ for n in names},
        "corpus_chars": data["corpus_chars"],
        "test_chars": scored_test_chars(data),
        "max_epochs": args.max_epochs,
    }
    content = {"rows": [], "kn": None, "config": None} if args.fresh else load_state(args.state)
    if args.fresh:
        for name in names:
            (args.state / f"{name}.keras").unlink(missing_ok=True)
    old = content["config"]
    if old is not None:
        shared = [n for n in names if n in old["models"]]
        if old["corpus_chars"] != config["corpus_chars"] or any(
            old["models"][n] != config["models"][n] for n in shared
        ):
            raise SystemExit(f"{args.state} holds a run with other settings: use --fresh")
    if old is not None:  # keep the models a previous run trained in the report
        config["models"] = {**old["models"], **config["models"]}
    content["config"] = config
    if content["kn"] is None:
        print("Kneser-Ney: choosing order and discount on the validation text ...", file=sys.stderr)
        content["kn"] = kneser_ney_line(data)
        save_state(args.state, content)
    budget_cpu = args.budget * 60 * args.cpu_per_second
    given = [a for a in (sys.argv[1:] if argv is None else argv) if a != "--report"]
    command = (
        "make scaling" if not given else "python benchmarks/char_lm_scaling.py " + " ".join(given)
    )
    if args.report:  # the outputs of the saved state, named after the command that trained it
        command = content.get("command", command)
    content["command"] = command
    models: dict[str, Any] = {}
    trained = not args.report
    while trained:  # one epoch of each model in turn: a stopped run has both curves so far
        trained = False
        for name in names:
            args_ = (name, MODELS[name], data, content, args.state, budget_cpu, args.max_epochs)
            if train_epoch(*args_, models):
                trained = True
                report(content, budget_cpu, args.cpu_per_second, args.results, command)
    result = report(content, budget_cpu, args.cpu_per_second, args.results, command)
    for model in result["models"].values():
        print(model["crossing"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
