"""The grader: ``python -m course_utils check NOTEBOOK`` or ``check FOLDER --set NN``.

What an exercise set contains is learned from ``solutions/NN_topic_solutions.ipynb``: its
``## Exercise N.M`` headings, and under each heading the check cell (``cu.checks.ex_NN_M(...)``)
that judges it. To grade a learner's notebook the grader

1. refuses a file that is not an exercise notebook of that set (a lesson, another set's notebook);
2. names every cell that does not parse ("cell K has a syntax error: ...");
3. runs a copy of the notebook (the learner's file is not changed) in a fresh kernel, going on
   past errors, with one deadline for the whole run: a cell still running at the deadline, or a
   kernel that dies, ends the run with "timed out after N s in cell K" / "the kernel died in
   cell K", and the kernel is killed;
4. appends one cell per exercise after the learner's cells, which calls that exercise's check
   itself (``check.evaluate(...)``, with the arguments of the solutions notebook's check cell)
   and prints its result behind a random code made for this run only. Lines printed by the
   learner's own cells are never read, so a forged "✅ passed" line does not count;
5. reports every exercise: ✅, ❌ with the check's hint, or ❌ "no check ran" (its check cell was
   deleted or changed, or the run stopped before the check).

It does not protect against code written to defeat it: a learner cell that patches
``course_utils`` (or the check functions) in the kernel can still fake results. Graders who
need that assurance must also read the submissions.

Cells are numbered from 1 at the top of the notebook, markdown cells included.
"""

from __future__ import annotations

import ast
import asyncio
import copy
import csv
import json
import os
import re
import secrets
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course_utils.checks.base import draw_seed
from course_utils.exercises import EXERCISE_HEADING, SOLUTION_ONLY, SOLUTIONS_SUFFIX
from course_utils.nbrun import read_notebook, run_bounded_async

CHECK_NAME = re.compile(r"ex_(\d{2})_(\d+)")
SET_PREFIX = re.compile(r"^(\d{2})_")
DEFAULT_TIMEOUT_S = 600


class NotAnExerciseNotebook(ValueError):
    """The file cannot be graded as a notebook of the requested exercise set."""


# --- what a set contains, learned from solutions/ ---------------------------------------------


@dataclass(frozen=True)
class Exercise:
    """One exercise of a set and the check call that judges it.

    ``check`` is the check's name (``ex_03_1``), ``arguments`` the source of the arguments the
    solutions notebook passes to it (``train_cosine_model``).

    >>> Exercise("3.1", "ex_03_1", "f,  WINDOW").key
    'ex_03_1(f, WINDOW)'
    """

    number: str
    check: str
    arguments: str

    @property
    def call(self) -> str:
        """The check cell's call, as a learner sees it.

        >>> Exercise("0.1", "ex_00_1", "scale_to_unit").call
        'cu.checks.ex_00_1(scale_to_unit)'
        """
        return f"cu.checks.{self.check}({self.arguments})"

    @property
    def key(self) -> str:
        """The call without its module prefix, normalised (how a learner's cell is matched)."""
        return _normalise_call(self.check, self.arguments)


@dataclass(frozen=True)
class ExerciseSet:
    """The exercises of one set (``"03"``) and the cell ids of its exercise notebook.

    >>> ExerciseSet("03", "03_sine_forecasting", ()).exercise_notebook
    '03_sine_forecasting_exercises.ipynb'
    """

    set_id: str
    stem: str
    exercises: tuple[Exercise, ...]
    cell_ids: frozenset[str] = frozenset()

    @property
    def exercise_notebook(self) -> str:
        return f"{self.stem}_exercises.ipynb"


def _normalise_call(check: str, arguments: str) -> str:
    try:
        node = ast.parse(f"f({arguments})", mode="eval").body
        arguments = ", ".join(
            [ast.unparse(a) for a in node.args]  # type: ignore[attr-defined]
            + [f"{k.arg}={ast.unparse(k.value)}" for k in node.keywords]  # type: ignore[attr-defined]
        )
    except SyntaxError:
        arguments = " ".join(arguments.split())
    return f"{check}({arguments})"


def _python_source(source: str) -> str:
    """A cell's source as plain Python (IPython's %magics and !commands translated)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # pragma: no cover - ipykernel depends on IPython
        return source
    try:
        return TransformerManager().transform_cell(source)
    except Exception:
        return source


def syntax_error(source: str) -> str | None:
    """Why a code cell does not parse, or ``None`` if it does.

    >>> syntax_error("x = (1,")
    "'(' was never closed (line 1)"
    >>> syntax_error("%time x = 1") is None
    True
    """
    try:
        ast.parse(_python_source(source))
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        return f"{exc.msg}{where}"
    return None


def check_calls(source: str) -> list[tuple[str, str]]:
    """The ``(check name, argument source)`` of every ``...checks.ex_NN_M(...)`` call in a cell.

    >>> check_calls("cu.checks.ex_03_1(f, WINDOW)  # judge it")
    [('ex_03_1', 'f, WINDOW')]
    """
    code = _python_source(source)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and CHECK_NAME.fullmatch(node.func.attr)
        ):
            parts = [ast.get_source_segment(code, a) or ast.unparse(a) for a in node.args]
            parts += [
                f"{k.arg}={ast.get_source_segment(code, k.value) or ast.unparse(k.value)}"
                for k in node.keywords
                if k.arg is not None
            ]
            calls.append((node.func.attr, ", ".join(parts)))
    return calls


def load_set(solutions_notebook: str | Path) -> ExerciseSet:
    """Read one ``NN_topic_solutions.ipynb`` into an :class:`ExerciseSet`.

    Each check call belongs to the nearest ``Exercise N.M`` heading above it (the number in the
    check's name if there is none). Cells tagged ``solution-only`` are not part of the set.

    >>> load_set("solutions/01_lstm_gate_equations_solutions.ipynb").exercises[0]
    Exercise(number='1.1', check='ex_01_1', arguments='lstm_step_peephole')
    """
    path = Path(solutions_notebook)
    match = SET_PREFIX.match(path.name)
    if not match or not path.name.endswith(SOLUTIONS_SUFFIX):
        raise ValueError(f"{path}: solutions notebooks are named NN_topic{SOLUTIONS_SUFFIX}")
    nb = read_notebook(path)
    exercises: dict[str, Exercise] = {}
    heading: str | None = None
    ids = set()
    for cell in nb.cells:
        if SOLUTION_ONLY in cell.metadata.get("tags", []):
            continue
        if cell.get("id"):
            ids.add(cell.id)
        if cell.cell_type == "markdown":
            found = EXERCISE_HEADING.findall(cell.source)
            if found:
                heading = found[-1]
        elif cell.cell_type == "code":
            for check, arguments in check_calls(cell.source):
                name = CHECK_NAME.fullmatch(check)
                number = heading or f"{int(name[1])}.{int(name[2])}"  # type: ignore[index]
                exercises.setdefault(number, Exercise(number, check, arguments))
    stem = path.name[: -len(SOLUTIONS_SUFFIX)]
    return ExerciseSet(match[1], stem, tuple(exercises.values()), frozenset(ids))


def load_sets(solutions_dir: str | Path) -> dict[str, ExerciseSet]:
    """Every exercise set in a solutions folder, by set number (``"03"``).

    >>> sorted(load_sets("solutions"))  # doctest: +SKIP
    ['01', '02', '03', '06']
    """
    folder = Path(solutions_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"no solutions folder at {folder}")
    sets = {}
    for path in sorted(folder.glob(f"*{SOLUTIONS_SUFFIX}")):
        exercise_set = load_set(path)
        sets[exercise_set.set_id] = exercise_set
    if not sets:
        raise FileNotFoundError(f"no *{SOLUTIONS_SUFFIX} notebook in {folder}")
    return sets


def default_solutions_dir() -> Path:
    """The course's ``solutions/`` folder (next to the installed package, else in the cwd).

    >>> default_solutions_dir().name
    'solutions'
    """
    beside_package = Path(__file__).resolve().parents[2] / "solutions"
    return beside_package if beside_package.is_dir() else Path("solutions")


# --- one learner notebook ----------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseResult:
    """The grade of one exercise.

    >>> ExerciseResult("3.1", True).line()
    '✅ Exercise 3.1 passed'
    >>> ExerciseResult("3.1", False, "no check ran").line()
    '❌ Exercise 3.1: no check ran'
    """

    exercise: str
    passed: bool
    message: str = ""

    def line(self) -> str:
        if self.passed:
            return f"✅ Exercise {self.exercise} passed" + (
                f" — {self.message}" if self.message else ""
            )
        return f"❌ Exercise {self.exercise}: {self.message}"


@dataclass
class NotebookReport:
    """Everything the grader found in one notebook.

    ``refused`` says why the notebook was not graded at all (then every exercise failed);
    ``problems`` lists syntax errors and how a run ended early.

    >>> report = NotebookReport(Path("ex.ipynb"), "00", 3.0)
    >>> report.results["0.1"] = ExerciseResult("0.1", True)
    >>> print(report.render())
    Checked ex.ipynb (exercise set 00, ran in 3 s)
      ✅ Exercise 0.1 passed
    1 of 1 exercises passed.
    """

    notebook: Path
    set_id: str | None
    seconds: float = 0.0
    results: dict[str, ExerciseResult] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    refused: str | None = None

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results.values())

    @property
    def all_passed(self) -> bool:
        return self.refused is None and bool(self.results) and self.passed == len(self.results)

    def render(self, name: str | None = None) -> str:
        """The report printed by the command line."""
        shown = name or str(self.notebook)
        if self.refused:
            lines = [f"Not graded: {shown}: {self.refused}"]
        else:
            lines = [f"Checked {shown} (exercise set {self.set_id}, ran in {self.seconds:.0f} s)"]
        lines += [f"  ⚠ {problem}" for problem in self.problems]
        lines += ["  " + result.line() for result in self.results.values()]
        lines.append(f"{self.passed} of {len(self.results)} exercises passed.")
        return "\n".join(lines)


def _first_line(cell: NotebookNode) -> str:
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return first if len(first) <= 40 else first[:37] + "..."


def _cell_label(index: int, cell: NotebookNode) -> str:
    first = _first_line(cell)
    return f"cell {index + 1}" + (f" (`{first}`)" if first else "")


def identify_set(
    nb: NotebookNode, path: Path, sets: dict[str, ExerciseSet], set_id: str | None
) -> ExerciseSet:
    """The exercise set ``nb`` belongs to, or :class:`NotAnExerciseNotebook` saying why not.

    Without ``set_id`` the set is taken from the file name (``03_..._exercises.ipynb``). The
    notebook must then look like that set's exercise notebook: hold one of its ``Exercise N.M``
    headings, or most of its cells (cell ids are kept by JupyterLab). A lesson (no exercise
    headings, other cells) or another set's notebook is refused.

    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_markdown_cell("## Exercise 5.1")]
    >>> sets = {"00": ExerciseSet("00", "00_demo", (Exercise("0.1", "ex_00_1", "f"),))}
    >>> identify_set(nb, Path("00_demo_exercises.ipynb"), sets, None)
    Traceback (most recent call last):
    ...
    course_utils.checks.runner.NotAnExerciseNotebook: this is not the exercise notebook of set 00
    (it has exercises of set 05): grade a copy of exercises/00_demo_exercises.ipynb
    """
    if set_id is None:
        match = SET_PREFIX.match(path.name)
        if not match:
            raise NotAnExerciseNotebook(
                "cannot tell which exercise set this is: name it like "
                "03_sine_forecasting_exercises.ipynb or pass --set 03"
            )
        set_id = match[1]
    if set_id not in sets:
        known = ", ".join(sorted(sets))
        raise NotAnExerciseNotebook(f"there is no exercise set {set_id} (the sets are {known})")
    exercise_set = sets[set_id]
    headings = set()
    calls = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            headings.update(EXERCISE_HEADING.findall(cell.source))
        elif cell.cell_type == "code":
            calls.update(check for check, _ in check_calls(cell.source))
    numbers = {e.number for e in exercise_set.exercises}
    ids = {cell.get("id") for cell in nb.cells} & exercise_set.cell_ids
    share = len(ids) / max(1, len(exercise_set.cell_ids))
    if not (headings & numbers or share >= 0.5):
        others = sorted({f"{int(n.split('.')[0]):02d}" for n in headings} | {c[3:5] for c in calls})
        hint = f" (it has exercises of set {', '.join(others)})" if others else ""
        raise NotAnExerciseNotebook(
            f"this is not the exercise notebook of set {set_id}{hint}: grade "
            f"a copy of exercises/{exercise_set.exercise_notebook}"
        )
    return exercise_set


def _grader_cell(nonce: str, exercise: Exercise) -> NotebookNode:
    # The seed is drawn here, in the grader's process, not in the learner's kernel: code in the
    # notebook cannot fix the draw it is judged on (e.g. by setting FIXED_DRAWS_ENV there).
    seed = draw_seed(exercise.number)
    arguments = (
        f"{exercise.arguments}, seed={seed}" if exercise.arguments.strip() else f"seed={seed}"
    )
    source = f"""\
try:
    import course_utils.checks as _grader_checks
    _grader_result = _grader_checks.{exercise.check}.evaluate({arguments})
    _grader_report = [bool(_grader_result.passed), str(_grader_result.message)]
except NameError as _grader_error:
    _grader_report = [None, str(_grader_error)]
except BaseException as _grader_error:
    _grader_error = f"{{type(_grader_error).__name__}}: {{_grader_error}}"
    _grader_report = [False, "the check stopped: " + _grader_error]
__import__("builtins").print({nonce!r} + __import__("json").dumps(_grader_report), flush=True)
"""
    return nbformat.v4.new_code_cell(source)


def _reported(cell: NotebookNode, nonce: str) -> list | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            for line in output.get("text", "").splitlines():
                if line.startswith(nonce):
                    try:
                        return json.loads(line[len(nonce) :])
                    except ValueError:
                        return None
    return None


def _first_error(nb: NotebookNode, upto: int) -> str | None:
    for index, cell in enumerate(nb.cells[:upto]):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return (
                    f"{_cell_label(index, cell)} raised {output.get('ename')}: "
                    + str(output.get("evalue", "")).strip()
                )
    return None


async def grade_notebook_async(
    path: str | Path,
    *,
    set_id: str | None = None,
    sets: dict[str, ExerciseSet] | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> NotebookReport:
    """Grade one notebook (see the module's docstring); never raises for a bad submission.

    >>> sets = load_sets("solutions")  # doctest: +SKIP
    >>> path = "exercises/01_lstm_gate_equations_exercises.ipynb"
    >>> report = asyncio.run(grade_notebook_async(path, sets=sets, timeout=300))  # doctest: +SKIP
    >>> report.passed  # doctest: +SKIP
    0
    """
    path = Path(path)
    if sets is None:
        sets = load_sets(default_solutions_dir())
    report = NotebookReport(notebook=path, set_id=set_id)

    def refuse(reason: str, exercise_set: ExerciseSet | None) -> NotebookReport:
        report.refused = reason
        for exercise in exercise_set.exercises if exercise_set else ():
            report.results[exercise.number] = ExerciseResult(
                exercise.number, False, "no check ran: the notebook was not graded"
            )
        return report

    prefix = SET_PREFIX.match(path.name)
    guessed = sets.get(set_id or (prefix[1] if prefix else ""))
    try:
        nb = read_notebook(path)
    except (FileNotFoundError, ValueError) as exc:
        return refuse(str(exc).replace(f"{path}: ", "").replace(f"{path} ", "the file "), guessed)
    try:
        exercise_set = identify_set(nb, path, sets, set_id)
    except NotAnExerciseNotebook as exc:
        return refuse(str(exc), guessed)
    report.set_id = exercise_set.set_id

    learner_cells = len(nb.cells)
    present = set()
    syntax = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        problem = syntax_error(cell.source)
        if problem:
            syntax.append(f"{_cell_label(index, cell)} has a syntax error: {problem}")
            present.update(_loose(cell.source))
        present.update(_normalise_call(c, a) for c, a in check_calls(cell.source))
    report.problems.extend(syntax)

    nonce = secrets.token_hex(16)
    graded = [e for e in exercise_set.exercises if e.key in present]
    for exercise in exercise_set.exercises:
        if exercise not in graded:
            report.results[exercise.number] = ExerciseResult(
                exercise.number,
                False,
                f"no check ran: the check cell `{exercise.call}` is missing or was changed; "
                "put it back after your answer",
            )
    run = copy.deepcopy(nb)
    keys = {e.key for e in graded}
    for cell in run.cells:
        if cell.cell_type == "code" and _only_a_check_call(cell.source) in keys:
            # the grader runs this check itself after the last cell: don't run it twice
            cell.source = "# (this check runs in the grader's own cell after the last one)"
    run.cells.extend(_grader_cell(nonce, e) for e in graded)
    outcome = await run_bounded_async(run, path.parent.resolve(), timeout=timeout)
    report.seconds = outcome.seconds
    stopped_at = outcome.cell if outcome.failure else None
    if outcome.failure:
        if stopped_at is not None and stopped_at >= learner_cells:
            checking = graded[stopped_at - learner_cells].number
            report.problems.append(
                outcome.failure.replace(
                    f"in cell {stopped_at + 1}", f"while checking exercise {checking}"
                )
            )
        elif stopped_at is not None:
            report.problems.append(f"{outcome.failure} (`{_first_line(nb.cells[stopped_at])}`)")
        else:
            report.problems.append(outcome.failure)
    for offset, exercise in enumerate(graded):
        data = _reported(run.cells[learner_cells + offset], nonce)
        if data is None and stopped_at == learner_cells + offset:
            what = outcome.failure.split(" in cell ")[0]  # type: ignore[union-attr]
            hint = " (does your code ever return?)" if what.startswith("timed out") else ""
            result = ExerciseResult(
                exercise.number, False, f"the check did not finish: {what}{hint}"
            )
        elif data is None:
            why = report.problems[-1] if outcome.failure else "the check did not report"
            result = ExerciseResult(exercise.number, False, f"no check ran: {why}")
        elif data[0] is None:
            if syntax:  # the likely reason: say it first
                message = f"not checked: {syntax[0]}, so {data[1]}"
            else:
                cause = _first_error(run, learner_cells)
                message = f"not checked: {data[1]}" + (f" ({cause})" if cause else "")
            result = ExerciseResult(exercise.number, False, message)
        else:
            result = ExerciseResult(exercise.number, bool(data[0]), str(data[1]))
        report.results[exercise.number] = result
    order = [e.number for e in exercise_set.exercises]
    report.results = {n: report.results[n] for n in order}
    return report


def _only_a_check_call(source: str) -> str | None:
    """The key of the check call if that call is all the cell does, else ``None``."""
    try:
        tree = ast.parse(_python_source(source))
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    calls = check_calls(source)
    return _normalise_call(*calls[0]) if len(calls) == 1 else None


def _loose(source: str) -> Iterable[str]:
    """Check calls found by text in a cell that does not parse (the call itself may be fine)."""
    for match in re.finditer(r"\bchecks\.(ex_\d{2}_\d+)\s*\(([^()\n]*)\)", source):
        yield _normalise_call(match[1], match[2])


def check_notebook(
    path: str | Path,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    set_id: str | None = None,
    solutions: str | Path | None = None,
) -> NotebookReport:
    """Grade the notebook at ``path`` (synchronous; see :func:`grade_notebook_async`).

    Example::

        >>> path = "exercises/01_lstm_gate_equations_exercises.ipynb"
        >>> report = check_notebook(path)  # doctest: +SKIP
        >>> report.all_passed  # doctest: +SKIP
        False
    """
    sets = load_sets(solutions if solutions is not None else default_solutions_dir())
    return asyncio.run(grade_notebook_async(path, set_id=set_id, sets=sets, timeout=timeout))


# --- a whole class -----------------------------------------------------------------------------


def find_submissions(folder: str | Path) -> list[Path]:
    """Every ``.ipynb`` under ``folder`` (checkpoints and hidden folders skipped), sorted.

    >>> find_submissions("no/such/folder")
    []
    """
    folder = Path(folder)
    return sorted(
        p
        for p in folder.rglob("*.ipynb")
        if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def grade_folder(
    folder: str | Path,
    *,
    set_id: str,
    timeout: float = DEFAULT_TIMEOUT_S,
    solutions: str | Path | None = None,
    jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[NotebookReport]:
    """Grade every notebook under ``folder`` as set ``set_id``, ``jobs`` kernels at a time.

    Each submission gets its own fresh kernel and its own deadline; one that is broken, hangs
    or kills its kernel does not affect the others.

    >>> reports = grade_folder("submissions", set_id="03", jobs=2)  # doctest: +SKIP
    >>> write_csv(reports, "grades.csv", Path("submissions"))  # doctest: +SKIP
    """
    sets = load_sets(solutions if solutions is not None else default_solutions_dir())
    if set_id not in sets:
        raise ValueError(f"there is no exercise set {set_id} (the sets are {', '.join(sets)})")
    paths = find_submissions(folder)
    jobs = max(1, jobs or os.cpu_count() or 1)
    say = progress or (lambda _line: None)
    say(
        f"grading {len(paths)} notebooks of set {set_id}, {jobs} at a time, "
        f"at most {timeout:g} s each"
    )

    async def main() -> list[NotebookReport]:
        gate = asyncio.Semaphore(jobs)
        done = 0

        async def one(path: Path) -> NotebookReport:
            nonlocal done
            async with gate:
                try:
                    report = await grade_notebook_async(
                        path, set_id=set_id, sets=sets, timeout=timeout
                    )
                except Exception as exc:  # a grader bug must not stop the class
                    report = NotebookReport(path, set_id, refused=f"grader error: {exc}")
            done += 1
            name = path.relative_to(folder).as_posix()
            status = report.refused or f"{report.passed} of {len(report.results)} passed"
            say(f"[{done}/{len(paths)}] {name}: {status} ({report.seconds:.0f} s)")
            return report

        return await asyncio.gather(*(one(p) for p in paths))

    return asyncio.run(main())


# --- writing the grades ------------------------------------------------------------------------


def _rows(reports: list[NotebookReport], root: Path | None) -> tuple[list[str], list[dict]]:
    numbers: list[str] = []
    for report in reports:
        for number in report.results:
            if number not in numbers:
                numbers.append(number)
    rows = []
    for report in reports:
        name = report.notebook.relative_to(root).as_posix() if root else str(report.notebook)
        row = {
            "submission": name,
            "set": report.set_id or "",
            "passed": report.passed,
            "total": len(report.results),
            "graded": "no" if report.refused else "yes",
            "problems": "; ".join(([report.refused] if report.refused else []) + report.problems),
        }
        for number in numbers:
            result = report.results.get(number)
            row[number] = "pass" if result and result.passed else "fail"
            row[f"{number} message"] = result.message if result else "no check ran"
        rows.append(row)
    return numbers, rows


def write_csv(reports: list[NotebookReport], path: str | Path, root: Path | None = None) -> None:
    """One row per submission: totals, problems, then each exercise's pass/fail and message.

    >>> write_csv(grade_folder("class", set_id="03"), "grades.csv")  # doctest: +SKIP
    """
    numbers, rows = _rows(reports, root)
    columns = ["submission", "set", "passed", "total", "graded", "problems"]
    for number in numbers:
        columns += [number, f"{number} message"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def write_json(reports: list[NotebookReport], path: str | Path, root: Path | None = None) -> None:
    """A list with one object per submission; exercises under ``"exercises"``.

    >>> write_json(grade_folder("class", set_id="03"), "grades.json")  # doctest: +SKIP
    """
    data = []
    for report, row in zip(reports, _rows(reports, root)[1], strict=True):
        data.append(
            {
                "submission": row["submission"],
                "set": report.set_id,
                "graded": report.refused is None,
                "refused": report.refused,
                "problems": report.problems,
                "passed": report.passed,
                "total": len(report.results),
                "seconds": round(report.seconds, 1),
                "exercises": {
                    n: {"passed": r.passed, "message": r.message} for n, r in report.results.items()
                },
            }
        )
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")


def write_junit(reports: list[NotebookReport], path: str | Path, root: Path | None = None) -> None:
    """JUnit XML: one test suite per submission, one test case per exercise.

    >>> write_junit(grade_folder("class", set_id="03"), "grades.xml")  # doctest: +SKIP
    """
    _, rows = _rows(reports, root)
    suites = ET.Element("testsuites", name="lstm-course exercises")
    for report, row in zip(reports, rows, strict=True):
        failures = len(report.results) - report.passed
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=row["submission"],
            tests=str(len(report.results)),
            failures=str(failures),
            errors="0",
            time=f"{report.seconds:.1f}",
        )
        if row["problems"]:
            ET.SubElement(suite, "system-out").text = row["problems"]
        for number, result in report.results.items():
            case = ET.SubElement(
                suite, "testcase", classname=row["submission"], name=f"Exercise {number}"
            )
            if not result.passed:
                ET.SubElement(case, "failure", message=result.message).text = result.message
    suites.set("tests", str(sum(len(r.results) for r in reports)))
    suites.set("failures", str(sum(len(r.results) - r.passed for r in reports)))
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


def _progress_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
