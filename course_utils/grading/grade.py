"""Grading: ``python -m course_utils grade NOTEBOOK`` or ``grade FOLDER --set NN``.

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

import asyncio
import copy
import json
import os
import re
import secrets
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course_utils.checks.base import CHECK_NAME, draw_seed
from course_utils.grading.reports import ExerciseResult, NotebookReport
from course_utils.grading.sets import (
    SET_PREFIX,
    Exercise,
    ExerciseSet,
    NotAnExerciseNotebook,
    check_calls,
    default_solutions_dir,
    identify_set,
    load_sets,
    normalise_call,
    only_a_check_call,
    syntax_error,
)
from course_utils.tooling.nbrun import read_notebook, run_bounded_async

DEFAULT_TIMEOUT_S = 600


def _first_line(cell: NotebookNode) -> str:
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return first if len(first) <= 40 else first[:37] + "..."


def _cell_label(index: int, cell: NotebookNode) -> str:
    first = _first_line(cell)
    return f"cell {index + 1}" + (f" (`{first}`)" if first else "")


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
    """Grade one notebook (see the module's docstring); never raises for a bad submission."""
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
    present: set[str] = set()
    syntax = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        problem = syntax_error(cell.source)
        if problem:
            syntax.append(f"{_cell_label(index, cell)} has a syntax error: {problem}")
            present.update(_loose(cell.source))
        present.update(normalise_call(c, a) for c, a in check_calls(cell.source))
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
        if cell.cell_type == "code" and only_a_check_call(cell.source) in keys:
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


def _loose(source: str) -> Iterable[str]:
    """Check calls found by text in a cell that does not parse (the call itself may be fine)."""
    call = rf"\bchecks\.(?P<name>{CHECK_NAME.pattern})\s*\((?P<arguments>[^()\n]*)\)"
    for match in re.finditer(call, source):
        yield normalise_call(match["name"], match["arguments"])


def grade_notebook(
    path: str | Path,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    set_id: str | None = None,
    solutions: str | Path | None = None,
) -> NotebookReport:
    """Grade the notebook at ``path`` (synchronous; see :func:`grade_notebook_async`)."""
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


def print_progress(line: str) -> None:
    """Print one progress line of :func:`grade_folder` on stderr (what the command line does).

    >>> import contextlib, io
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     print_progress("[1/2] ada.ipynb: 3 of 3 passed (12 s)")
    >>> err.getvalue()
    '[1/2] ada.ipynb: 3 of 3 passed (12 s)\\n'
    """
    print(line, file=sys.stderr, flush=True)
