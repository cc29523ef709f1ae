"""Calibrate the exercise checks: how often right answers pass and wrong answers are refused.

    make calibrate                                   # every check, 100 draws each
    python benchmarks/check_calibration.py --checks 5.2,3.1 --draws 20
    python benchmarks/check_calibration.py --checks 4.1 --answers RMSE   # one answer

A check is a statistical test: it judges code on data it draws, so a right answer can be refused
on an unlucky draw and a wrong one accepted on a lucky draw. For every check this script runs,
on ``--draws`` draws (seeds ``--first-seed`` on, never the suite's fixed ones):

- the solution, exactly as ``solutions/`` writes it (the notebook's code cells are executed in
  this process, then the check's own arguments are looked up), and every other right answer
  listed in ``benchmarks/calibration/exNN.py`` (an honest one-liner that the exercise text
  says passes, for example);
- every plausible wrong answer listed there (an under-trained model, levels instead of changes,
  a scaler fitted on everything, ...).

It prints, and writes to ``benchmarks/results/check_calibration.md`` (with ``--out``), one row
per answer: how often it passed, the largest share of the check's allowance a right answer used
(``margin``: 0.5 means half the allowed error, above 1 a refusal; see
``checks.base.record_margin``),
the seconds per draw, and whether the row meets the bar: a right answer passes every draw with
a margin of at most 0.8, a wrong answer is refused on at least 95 % of the draws.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import platform
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the wrong answers come from the checks' tests (tests/checks/test_checks_exNN.py, which import
# tests/helpers.py)
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests" / "checks"), str(ROOT / "tests")]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.pop("LSTM_COURSE_CHECK_SEED", None)  # the draws here are chosen, not the suite's

#: A right answer must pass every draw using at most this share of the check's allowance.
MAX_MARGIN = 0.8
#: A wrong answer must be refused on at least this share of the draws.
MIN_REFUSED = 0.95
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "check_calibration.md"


@dataclass
class Row:
    """The calibration of one answer to one check."""

    exercise: str
    answer: str
    right: bool
    passed: int = 0
    draws: int = 0
    margins: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)  # "seed: message" of unexpected outcomes

    @property
    def worst_margin(self) -> float | None:
        return max(self.margins) if self.margins else None

    @property
    def meets_bar(self) -> bool:
        if not self.draws:
            return False
        if self.right:
            worst = self.worst_margin
            return self.passed == self.draws and (worst is None or worst <= MAX_MARGIN)
        return (self.draws - self.passed) >= MIN_REFUSED * self.draws

    def cells(self) -> list[str]:
        kind = "right" if self.right else "wrong"
        outcome = (
            f"passes {self.passed}/{self.draws}"
            if self.right
            else f"refused {self.draws - self.passed}/{self.draws}"
        )
        worst = self.worst_margin
        margin = "–" if worst is None or not self.right else f"{worst:.2f}"
        per_draw = self.seconds / max(self.draws, 1)
        return [
            self.exercise,
            f"{kind}: {self.answer}",
            outcome,
            margin,
            f"{per_draw:.2f}",
            "yes" if self.meets_bar else "**no**",
        ]


def solution_namespace(set_id: str) -> dict:
    """Execute the code cells of solutions/``set_id``_*_solutions.ipynb into a namespace."""
    import matplotlib

    matplotlib.use("Agg")
    import nbformat

    path = next((ROOT / "solutions").glob(f"{set_id}_*_solutions.ipynb"))
    nb = nbformat.read(path, as_version=4)
    namespace: dict = {"__name__": "__calibration__"}
    here = Path.cwd()
    os.chdir(path.parent)
    try:
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.source.strip():
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(cell.source, str(path), "exec"), namespace)
    finally:
        os.chdir(here)
        import matplotlib.pyplot as plt

        plt.close("all")
    return namespace


def progress(label: str, done: int, total: int, seconds: float) -> None:
    """One line on stderr, redrawn in place: label, bar, count, seconds per draw."""
    width = 24
    filled = int(width * done / max(total, 1))
    rate = f"{seconds / done:.1f} s/draw" if done else ""
    sys.stderr.write(f"\r{label:<46.46} ▕{'█' * filled}{'░' * (width - filled)}▏ ")
    sys.stderr.write(f"{done:>3}/{total} {rate:<14}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def calibrate(exercise: str, answer, label: str, right: bool, seeds: range) -> Row:
    """Run one check on one answer for every seed; the answer is ``(args, kwargs)``."""
    import course_utils.checks as checks

    check = getattr(checks, f"ex_{int(exercise.split('.')[0]):02d}_{exercise.split('.')[1]}")
    row = Row(exercise, label, right)
    args, kwargs = answer
    for seed in seeds:
        start, cpu = time.perf_counter(), _cpu()
        with contextlib.redirect_stdout(io.StringIO()):
            result = check.evaluate(*args, seed=seed, **kwargs)
        row.seconds += time.perf_counter() - start
        row.cpu_seconds += _cpu() - cpu
        row.draws += 1
        row.passed += result.passed
        if result.margin is not None and (result.passed or right):
            row.margins.append(result.margin)  # a right answer's refusals count: how far over
        if result.passed != right:
            row.failures.append(f"seed {seed}: {result.message[:160]}")
        progress(f"{exercise} {label}", row.draws, len(seeds), row.seconds)
        import matplotlib.pyplot as plt

        plt.close("all")  # a check may draw (4.1's tune plots its table): one figure per draw
        if row.draws % 10 == 0:
            # Keras keeps every model's traced functions: thousands of fits in one process
            # (4.1 builds three models per draw) grew it to 20 GB without this
            import keras

            keras.utils.clear_session(free_memory=True)
            gc.collect()
    return row


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def render(rows: list[Row], draws: int, command: str, seconds: float) -> str:
    header = ["check", "answer", "outcome", "worst margin", "s/draw", "meets the bar"]
    lines = [
        "# Check calibration",
        "",
        f"`{command}` on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}), "
        f"{draws} draws per answer, {seconds / 60:.0f} min in all.",
        "",
        f"The bar: a right answer passes every draw and uses at most {MAX_MARGIN:.0%} of the "
        f"check's allowance (*worst margin*); a wrong answer is refused on at least "
        f"{MIN_REFUSED:.0%} of the draws.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    missed = [row for row in rows if row.failures]
    if missed:
        lines += ["", "## Unexpected outcomes (first three per answer)", ""]
        for row in missed:
            for failure in row.failures[:3]:
                lines.append(f"- {row.exercise} {row.answer}: {failure}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", help="comma-separated exercise numbers, e.g. 5.2,3.1")
    parser.add_argument("--draws", type=int, default=100, help="draws per answer (100)")
    parser.add_argument("--first-seed", type=int, default=1000, help="first seed (1000)")
    parser.add_argument("--out", type=Path, help=f"write the table there (e.g. {DEFAULT_OUT})")
    parser.add_argument("--no-wrong", action="store_true", help="right answers only")
    parser.add_argument(
        "--answers",
        help="only the answers whose label contains one of these comma-separated words "
        "(e.g. 'solution,RMSE'); the default is every answer",
    )
    args = parser.parse_args(argv)
    if args.draws < 1:
        parser.error("--draws must be at least 1")

    from calibration import all_answers

    from course_utils.grading import load_sets
    from course_utils.runtime import filter_native_stderr

    filter_native_stderr()  # TensorFlow's one known-harmless C++ line, as in the lessons' kernels

    sets = load_sets(ROOT / "solutions")
    known = {e.number: (s, e) for s in sets.values() for e in s.exercises if e.number != "0.1"}
    wanted = args.checks.split(",") if args.checks else sorted(known, key=_number_key)
    unknown = [n for n in wanted if n not in known]
    if unknown:
        parser.error(f"no check for {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    seeds = range(args.first_seed, args.first_seed + args.draws)
    registry = all_answers()
    started = time.perf_counter()
    rows: list[Row] = []
    namespaces: dict[str, dict] = {}
    command = ("python benchmarks/check_calibration.py " + " ".join(argv or sys.argv[1:])).strip()
    for number in wanted:
        exercise_set, exercise = known[number]
        if exercise_set.set_id not in namespaces:
            sys.stderr.write(f"running solutions/{exercise_set.stem}_solutions.ipynb ...\n")
            namespaces[exercise_set.set_id] = solution_namespace(exercise_set.set_id)
        namespace = namespaces[exercise_set.set_id]
        solution = eval(f"(lambda *a, **k: (a, k))({exercise.arguments})", namespace)
        answers = [("the solution (solutions/)", True, lambda ns, s=solution: s)]
        for answer in registry.get(number, []):
            if answer.right or not args.no_wrong:
                answers.append((answer.label, answer.right, answer.make))
        if args.answers:
            words = [word.strip() for word in args.answers.split(",") if word.strip()]
            answers = [a for a in answers if any(word in a[0] for word in words)]
        for label, right, make in answers:
            rows.append(calibrate(number, make(namespace), label, right, seeds))
            sys.stderr.write(f"  {' | '.join(rows[-1].cells())}\n")  # kept if the run is stopped
            if args.out:  # the table so far, so that a long run stopped early still leaves one
                partial = render(rows, args.draws, command, time.perf_counter() - started)
                _write(args.out, f"{partial}\n(partial: the run was still going)\n")
    table = render(rows, args.draws, command, time.perf_counter() - started)
    print(table)
    if args.out:
        _write(args.out, table)
    return 0 if all(row.meets_bar for row in rows) else 1


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _number_key(number: str) -> tuple[int, int]:
    lesson, exercise = number.split(".")
    return int(lesson), int(exercise)


if __name__ == "__main__":
    sys.exit(main())
