"""TensorFlow's default thread pools against one thread, and against one thread per operation,
on the course's own kinds of model; and each of them with oneDNN's kernels.

Why: ``cu.start(threads=1)`` is what the lessons with small models use, and
``cu.start(threads_per_op=1)`` what lesson 06 uses. This script is the measurement behind those
choices. Each workload runs in a fresh Python process (a process's thread pools are fixed once
TensorFlow has run an operation), in turn with the default pools, with ``threads=1`` and with
``threads_per_op=1`` (each operation on one thread, one operation per core at once), for
``--rounds`` rounds, and the script reports the wall-clock and CPU seconds of each run:

    python benchmarks/threads.py                 # 3 rounds, about 12 minutes on 2 cores
    python benchmarks/threads.py --rounds 5 --out table.md   # also write the table to a file
    python benchmarks/threads.py --workloads 06 --settings threads_per_op=1,oneDNN

``--settings`` picks the settings whose names contain every one of its comma-separated pieces
of text (case matters: ``oneDNN`` picks the three settings with ``cu.start(..., onednn=True)``,
which lets TensorFlow use oneDNN's CPU kernels; ``per_op,oneDNN`` one of them; ``""`` all six;
without it, the three without oneDNN run), and ``--workloads`` picks workloads the same way
(``06``). The variable ``ONEDNN_MAX_CPU_ISA=AVX2``
(which the test suite sets) reaches the child processes, so the same command measures the
suite's instruction set.

The workloads are shortened copies of what the lessons train: lesson 02's LSTM(64) on the
adding problem, lesson 03's LSTM(50) on windows of a sine, lesson 04's two stacked LSTM(32)
with validation every epoch, and one epoch of lesson 06's character LSTM(256) as the lesson
trains it (160 steps of 64 windows of 50, shuffled, validated on windows of 250; random
characters, which cost the same). Every run also prints a hash
of the trained weights, and the table says whether each setting's runs trained to the same
weights, bit for bit, and (when ``threads=1`` ran too) whether they are ``threads=1``'s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Python run in a child process; ``{threads}`` is a value of ``SETTINGS``, ``{workload}`` a key.
CHILD = """
import hashlib, json, time
import course_utils as cu
cu.start(seed=0{threads})
import keras, numpy as np, tensorflow as tf

rng = np.random.default_rng(0)
kind = {workload!r}
if kind == "02 adding-problem LSTM(64)":
    x, y = cu.data.adding_problem(9600, 50, rng)
    data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(9600, seed=1).batch(32)
    layers = [keras.Input((None, 2)), keras.layers.LSTM(64), keras.layers.Dense(1)]
    fit = dict(epochs=1)
    optimizer = keras.optimizers.Adam(3e-3, clipnorm=1.0)
elif kind == "03 sine LSTM(50)":
    t = np.linspace(0, 100, 1000)
    X, y = cu.data.make_windows(np.sin(t).astype("float32"), 10)
    data = tf.data.Dataset.from_tensor_slices((X, y)).shuffle(len(X), seed=1).batch(32)
    layers = [keras.Input((10, 1)), keras.layers.LSTM(50), keras.layers.Dense(1)]
    fit = dict(epochs=20)
    optimizer = keras.optimizers.Adam(1e-3)
elif kind == "04 two stacked LSTM(32), 60 epochs":
    X = rng.normal(size=(150, 12, 1)).astype("float32")
    Xv = rng.normal(size=(350, 12, 1)).astype("float32")
    data = tf.data.Dataset.from_tensor_slices((X, X[:, -1, 0])).cache().shuffle(150, seed=0)
    data = data.batch(32).repeat()
    val = tf.data.Dataset.from_tensor_slices((Xv, Xv[:, -1, 0])).batch(1024)
    layers = [
        keras.Input((12, 1)),
        keras.layers.LSTM(32, return_sequences=True),
        keras.layers.LSTM(32),
        keras.layers.Dense(1),
    ]
    fit = dict(epochs=60, steps_per_epoch=5, validation_data=val)
    optimizer = keras.optimizers.Adam(3e-3)
else:  # "06 character LSTM(256), one epoch"
    x = rng.integers(1, 100, size=(64 * 160, 51)).astype("int32")
    xv = rng.integers(1, 100, size=(256, 251)).astype("int32")
    data = tf.data.Dataset.from_tensor_slices((x[:, :-1], x[:, 1:]))
    data = data.shuffle(len(x), seed=0).batch(64, drop_remainder=True)
    val = tf.data.Dataset.from_tensor_slices((xv[:, :-1], xv[:, 1:])).batch(64)
    layers = [
        keras.Input((None,), dtype="int32"),
        keras.layers.Embedding(102, 32),
        keras.layers.LSTM(256, return_sequences=True),
        keras.layers.Dense(102),
    ]
    fit = dict(epochs=1, validation_data=val)
    optimizer = keras.optimizers.Adam(1e-3, clipnorm=1.0)
keras.utils.set_random_seed(1)
model = keras.Sequential(layers)
loss = "mse" if kind[:2] != "06" else keras.losses.SparseCategoricalCrossentropy(from_logits=True)
model.compile(optimizer=optimizer, loss=loss)
wall, cpu = time.perf_counter(), time.process_time()
model.fit(data, shuffle=False, verbose=0, **fit)
weights = hashlib.sha256(b"".join(w.tobytes() for w in model.get_weights())).hexdigest()
print(json.dumps({{"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "weights": weights[:16]}}))
"""

WORKLOADS = (
    "02 adding-problem LSTM(64)",
    "03 sine LSTM(50)",
    "04 two stacked LSTM(32), 60 epochs",
    "06 character LSTM(256), one epoch",
)
SETTINGS = {
    "default": "",
    "threads=1": ", threads=1",
    "threads_per_op=1": ", threads_per_op=1",
    "default, oneDNN": ", onednn=True",
    "threads=1, oneDNN": ", threads=1, onednn=True",
    "threads_per_op=1, oneDNN": ", threads_per_op=1, onednn=True",
}
#: What runs without --settings: the three pools of sections 1 and 2 of the stored results.
DEFAULT_SETTINGS = ("default", "threads=1", "threads_per_op=1")


def pick(names: list[str] | tuple[str, ...], words: str | None, what: str) -> list[str]:
    """The names that contain every comma-separated word of ``words`` (all names if None).

    >>> pick(list(SETTINGS), "threads_per_op=1", "settings")
    ['threads_per_op=1', 'threads_per_op=1, oneDNN']
    >>> pick(list(SETTINGS), "threads_per_op=1,oneDNN", "settings")
    ['threads_per_op=1, oneDNN']
    >>> pick(WORKLOADS, "07", "workloads")
    Traceback (most recent call last):
    ...
    ValueError: no workloads match '07'; they are: 02 adding-problem LSTM(64); ...
    """
    if words is None:
        return list(names)
    wanted = [word.strip() for word in words.split(",") if word.strip()]
    chosen = [name for name in names if all(word in name for word in wanted)]
    if not chosen:
        raise ValueError(f"no {what} match {words!r}; they are: {'; '.join(names)}")
    return chosen


def run_once(workload: str, setting: str) -> dict[str, float | str]:
    """One training run in a fresh process: its wall and CPU seconds and a hash of its weights."""
    code = CHILD.format(threads=SETTINGS[setting], workload=workload)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode:
        raise RuntimeError(f"{workload} ({setting}) failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(
    rounds: int,
    workloads: list[str] | tuple[str, ...] = WORKLOADS,
    settings: list[str] | tuple[str, ...] = DEFAULT_SETTINGS,
) -> dict[str, dict[str, list[dict[str, float | str]]]]:
    """``rounds`` runs of each workload in each setting, the order of the settings turning."""
    results: dict[str, dict[str, list[dict[str, float | str]]]] = {}
    for workload in workloads:
        results[workload] = {setting: [] for setting in settings}
        for index in range(rounds):
            # turn which setting goes first, so that a slow spell does not hit one only
            names = list(settings)
            order = names[index % len(names) :] + names[: index % len(names)]
            for setting in order:
                run = run_once(workload, setting)
                results[workload][setting].append(run)
                print(
                    f"{workload:36s} {setting:16s} {run['wall']:6.1f} s wall "
                    f"{run['cpu']:6.1f} s CPU",
                    file=sys.stderr,
                    flush=True,
                )
    return results


def markdown(results: dict[str, dict[str, list[dict[str, float | str]]]]) -> str:
    """The table: per workload and setting, the wall seconds of each run, their mean and CPU,
    whether the setting's runs trained to the same weights and, if ``threads=1`` ran, whether
    those are the weights of ``threads=1``'s runs."""
    compare = all("threads=1" in by_setting for by_setting in results.values())
    lines = [
        "| workload | setting | wall s, each run | mean wall s | max / min | mean CPU s |"
        " runs agree |" + (" weights as threads=1 |" if compare else ""),
        "|---|---|---|---:|---:|---:|---|" + ("---|" if compare else ""),
    ]
    for workload, by_setting in results.items():
        for setting, runs in by_setting.items():
            hashes = {run["weights"] for run in runs}
            walls = [float(run["wall"]) for run in runs]
            cpus = [float(run["cpu"]) for run in runs]
            row = (
                f"| {workload} | {setting} | {', '.join(f'{w:.1f}' for w in walls)} | "
                f"{statistics.mean(walls):.1f} | {max(walls) / min(walls):.2f} | "
                f"{statistics.mean(cpus):.1f} | {'yes' if len(hashes) == 1 else 'NO'} |"
            )
            if compare:
                reference = {run["weights"] for run in by_setting["threads=1"]}
                row += f" {'yes' if hashes == reference else 'NO'} |"
            lines.append(row)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs per workload and setting")
    parser.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    parser.add_argument(
        "--settings",
        help="comma-separated pieces of text the settings' names must all contain, e.g. "
        "'oneDNN' or 'per_op,oneDNN'; '' picks every setting "
        f"(default: {', '.join(DEFAULT_SETTINGS)}; they are: {'; '.join(SETTINGS)})",
    )
    parser.add_argument(
        "--workloads",
        help="comma-separated pieces of text the workloads' names must all contain, e.g. '06'",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    try:
        workloads = pick(WORKLOADS, args.workloads, "workloads")
        settings = (
            list(DEFAULT_SETTINGS)
            if args.settings is None
            else pick(list(SETTINGS), args.settings, "settings")
        )
    except ValueError as error:
        parser.error(str(error))
    table = markdown(measure(args.rounds, workloads, settings))
    print(table)
    if args.out:
        args.out.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
