"""Export the exercise sets as an nbgrader course: ``python -m course_utils export-nbgrader DEST``.

Teachers who run a class on JupyterHub with `nbgrader <https://nbgrader.readthedocs.io>`_ get a
course directory made from ``solutions/``, read with the same rules as the exercise builder
(:mod:`course_utils.tooling.exercises`) and the grader (:mod:`course_utils.grading.sets`)::

    DEST/nbgrader_config.py
    DEST/source/01/01.ipynb
    DEST/source/03/03.ipynb

In each notebook

- every ``# BEGIN SOLUTION`` / ``# END SOLUTION`` block becomes an nbgrader solution region
  (``### BEGIN SOLUTION`` / ``### END SOLUTION``) in an "autograded answer" cell, which
  ``nbgrader generate_assignment`` replaces with a stub;
- every check cell (``cu.checks.ex_03_1(train_cosine_model)``) becomes a locked "autograder
  tests" cell worth one point: it runs the check, which draws fresh data as in the exercise
  notebook, prints its ✅/❌ line, and raises ``AssertionError`` with the check's hint when the
  answer is not accepted;
- cells tagged ``solution-only`` are dropped, as in ``exercises/``; every other cell (the
  instructions, the set-up and the given code) is a locked, read-only cell, so that nbgrader
  restores it before grading.

The notebooks never set ``LSTM_COURSE_CHECK_SEED``: under nbgrader, as for learners, every run of
a check draws new data. ``docs/teaching_with_nbgrader.md`` says how to release, collect and
autograde the sets on a hub.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course_utils import validate
from course_utils.checks.base import exercise_number
from course_utils.grading.sets import (
    Exercise,
    ExerciseSet,
    check_calls,
    default_solutions_dir,
    load_set,
    only_a_check_call,
)
from course_utils.tooling.exercises import (
    BEGIN,
    END,
    SOLUTIONS_SUFFIX,
    ExerciseBuildError,
    published_cells,
    strip_solutions,
)
from course_utils.tooling.nbrun import clean_notebook, notebook_bytes, read_notebook

#: nbgrader's own solution delimiters; ``nbgrader generate_assignment`` finds them by substring.
NBGRADER_BEGIN = "### BEGIN SOLUTION"
NBGRADER_END = "### END SOLUTION"
#: The version of nbgrader's cell metadata that nbgrader 0.6 to 0.9 write.
SCHEMA_VERSION = 3
#: Points of one exercise's autograder-test cell.
POINTS_PER_EXERCISE = 1
DEFAULT_COURSE_ID = "lstm-course"
#: Seconds one cell may run under ``nbgrader autograde`` (nbgrader's default, 30 s, is shorter
#: than a check that trains a model takes on a laptop CPU).
CELL_TIMEOUT_S = 300
#: What ``nbgrader generate_assignment`` puts in place of a solution region. It names the
#: phrase of the exercise builder's stub, so ``cu.checks.done`` and ``cu.checks.attempt`` in the
#: given cells see an unfinished exercise in the same way.
CODE_STUB = '# YOUR CODE HERE\nraise NotImplementedError("replace this line with your code")'
_GRADE_ID = re.compile(r"[^A-Za-z0-9_-]")
_SET_ID = re.compile(r"\d{2}")


class NbgraderExportError(ValueError):
    """A solutions notebook or a request cannot be turned into an nbgrader course directory."""


@dataclass(frozen=True)
class ExportedSet:
    """One exercise set written as an nbgrader assignment.

    Attributes
    ----------
    set_id : str
        The set's number, ``"03"``; it is also the nbgrader assignment's name.
    notebook : pathlib.Path
        The source notebook written, ``DEST/source/03/03.ipynb``.
    exercises : tuple of str
        The exercise numbers, each worth :data:`POINTS_PER_EXERCISE` point(s).

    Examples
    --------
    >>> ExportedSet("03", Path("c/source/03/03.ipynb"), ("3.1", "3.2")).points
    2
    """

    set_id: str
    notebook: Path
    exercises: tuple[str, ...]

    @property
    def points(self) -> int:
        """The most points a submission of this set can score."""
        return POINTS_PER_EXERCISE * len(self.exercises)


@dataclass(frozen=True)
class ExportReport:
    """What :func:`export_nbgrader` wrote.

    Attributes
    ----------
    dest : pathlib.Path
        The course directory.
    config : pathlib.Path
        Its ``nbgrader_config.py``.
    sets : tuple of ExportedSet
        The exported sets, in the order of their numbers.

    Examples
    --------
    >>> report = ExportReport(Path("course"), Path("course/nbgrader_config.py"), ())
    >>> print(report.render())
    wrote course/nbgrader_config.py
    """

    dest: Path
    config: Path
    sets: tuple[ExportedSet, ...] = field(default_factory=tuple)

    def render(self) -> str:
        """The lines the command line prints."""
        lines = [f"wrote {self.config}"]
        for exported in self.sets:
            lines.append(
                f"wrote {exported.notebook} ({len(exported.exercises)} exercises, "
                f"{exported.points} points)"
            )
        return "\n".join(lines)


def parse_sets(text: str | Iterable[str] | None, known: Iterable[str]) -> list[str]:
    """The set numbers asked for (``"01,03"``), checked against the ``known`` ones.

    ``None`` means every known set. Numbers are two digits, as in the file names; repeats are
    dropped and the result is sorted.

    Parameters
    ----------
    text : str, iterable of str or None
        ``"01,03"``, ``["01", "03"]``, or ``None`` for all.
    known : iterable of str
        The sets found in ``solutions/``.

    Returns
    -------
    list of str
        The sets to export.

    Raises
    ------
    NbgraderExportError
        For an empty request, a malformed number or a set that does not exist.

    Examples
    --------
    >>> parse_sets("03, 01,03", ["01", "02", "03"])
    ['01', '03']
    >>> parse_sets(None, ["02", "01"])
    ['01', '02']
    >>> parse_sets("09", ["01", "02"])
    Traceback (most recent call last):
    ...
    course_utils.tooling.nbgrader_export.NbgraderExportError: there is no exercise set 09
    (the sets are ...)
    """
    available = sorted(set(known))
    if text is None:
        return available
    items = text.split(",") if isinstance(text, str) else list(text)
    wanted = [str(item).strip() for item in items]
    if not wanted or any(not item for item in wanted):
        raise NbgraderExportError(
            f"sets must be a comma-separated list of set numbers such as 01,03, got {text!r}"
        )
    for item in wanted:
        if not _SET_ID.fullmatch(item):
            raise NbgraderExportError(
                f"set numbers have two digits, as in the file names (01, 03), got {item!r}"
            )
        if item not in available:
            raise NbgraderExportError(
                f"there is no exercise set {item} (the sets are {', '.join(available)})"
            )
    return sorted(set(wanted))


def solution_regions(source: str, exercise: str | None, where: str) -> str:
    """``source`` with the course's solution markers turned into nbgrader's.

    The markers are found, and checked (nesting, closing, an exercise heading above the cell),
    exactly as the exercise builder does; their indentation is kept.

    Parameters
    ----------
    source : str
        A code cell of a solutions notebook.
    exercise : str or None
        The exercise the cell belongs to (``"3.1"``), ``None`` above the first heading.
    where : str
        The notebook and cell, for error messages.

    Returns
    -------
    str
        The same code, with ``### BEGIN SOLUTION`` / ``### END SOLUTION`` marker lines.

    Raises
    ------
    course_utils.tooling.exercises.ExerciseBuildError
        When the markers are broken (as ``make exercises`` would say).

    Examples
    --------
    >>> code = "def f():\\n    # BEGIN SOLUTION\\n    return 1\\n    # END SOLUTION"
    >>> print(solution_regions(code, "1.1", "nb"))
    def f():
        ### BEGIN SOLUTION
        return 1
        ### END SOLUTION
    """
    strip_solutions(source, exercise, where)  # the builder's checks of the markers
    lines = []
    for line in source.split("\n"):
        begin = BEGIN.match(line)
        if begin:
            lines.append(begin["indent"] + NBGRADER_BEGIN)
        elif END.match(line):
            lines.append(line[: len(line) - len(line.lstrip())] + NBGRADER_END)
        else:
            lines.append(line)
    return "\n".join(lines)


def autograder_test_source(check_cell: str, check: str) -> str:
    """The source of the autograder-test cell made from a check cell.

    The check runs as in the exercise notebook (it prints its line and records its result in
    ``cu.checks.RESULTS``, which given cells read); an ``assert`` then fails the cell with the
    check's hint, which is how nbgrader learns that the exercise earned no point.

    Parameters
    ----------
    check_cell : str
        The check cell of the solutions notebook, e.g. ``cu.checks.ex_03_1(f)``.
    check : str
        The check's name, ``ex_03_1``.

    Returns
    -------
    str
        The test cell's code.

    Examples
    --------
    >>> print(autograder_test_source("cu.checks.ex_03_1(f)", "ex_03_1"))
    cu.checks.ex_03_1(f)
    # nbgrader: no point for Exercise 3.1 unless its check passed (the message is its hint)
    assert cu.checks.RESULTS["3.1"].passed, cu.checks.RESULTS["3.1"].message
    """
    number = exercise_number(check)
    result = f'cu.checks.RESULTS["{number}"]'
    return (
        f"{check_cell.rstrip()}\n"
        f"# nbgrader: no point for Exercise {number} unless its check passed "
        "(the message is its hint)\n"
        f"assert {result}.passed, {result}.message"
    )


def _nbgrader_metadata(
    grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False
) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = POINTS_PER_EXERCISE
    return meta


def _grade_id(prefix: str, cell: NotebookNode, index: int) -> str:
    cell_id = _GRADE_ID.sub("-", str(cell.get("id") or ""))
    return f"{prefix}_{cell_id}" if cell_id else f"{prefix}_cell{index}"


def _note_cell(set_id: str, exercises: Sequence[Exercise]) -> NotebookNode:
    numbers = ", ".join(e.number for e in exercises)
    return nbformat.v4.new_markdown_cell(
        id="nbgrader-note",  # fixed, like the other cells' ids: an export is the same every time
        source=f"**This is exercise set {set_id} as an nbgrader assignment** (exercises {numbers}, "
        f"{POINTS_PER_EXERCISE} point each). Write your answers in place of the "
        "`raise NotImplementedError(...)` lines; the cells after them run the course's checks "
        "and are locked: the autograder runs them again, on new data, when you submit. "
        "*Validate* runs them all before you do.",
    )


def nbgrader_notebook(
    solution_nb: NotebookNode, exercise_set: ExerciseSet, name: str = "notebook"
) -> NotebookNode:
    """The nbgrader source notebook made from a solutions notebook (the input is not changed).

    Parameters
    ----------
    solution_nb : nbformat.NotebookNode
        A ``solutions/NN_topic_solutions.ipynb`` notebook.
    exercise_set : course_utils.grading.sets.ExerciseSet
        Its exercises and check calls, as the grader reads them (:func:`load_set`).
    name : str
        The notebook's name in error messages.

    Returns
    -------
    nbformat.NotebookNode
        Cleaned (no outputs, kernelspec ``python3``), with nbgrader metadata on every cell.

    Raises
    ------
    NbgraderExportError
        A check cell that holds other code, a check the set does not know, an exercise without
        a check cell, text that nbgrader would mistake for a solution region.
    course_utils.tooling.exercises.ExerciseBuildError
        Broken solution markers.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [
    ...     nbformat.v4.new_markdown_cell("## Exercise 0.1"),
    ...     nbformat.v4.new_code_cell("f = None\\n# BEGIN SOLUTION\\nf = abs\\n# END SOLUTION"),
    ...     nbformat.v4.new_code_cell("cu.checks.ex_00_1(f)"),
    ... ]
    >>> demo = ExerciseSet("00", "00_demo", (Exercise("0.1", "ex_00_1", "f"),))
    >>> cells = nbgrader_notebook(nb, demo).cells
    >>> [(c.metadata.nbgrader["solution"], c.metadata.nbgrader["grade"]) for c in cells[1:]]
    [(False, False), (True, False), (False, True)]
    >>> print(cells[2].source)
    f = None
    ### BEGIN SOLUTION
    f = abs
    ### END SOLUTION
    """
    nb = clean_notebook(copy.deepcopy(solution_nb))
    by_key = {e.key: e for e in exercise_set.exercises}
    tested: dict[str, int] = {}
    answers: dict[str, int] = {}
    cells: list[NotebookNode] = []
    for index, cell, exercise in published_cells(nb):
        where = f"{name}, cell {index + 1} (id {cell.get('id', '?')})"
        lines = cell.source.split("\n")
        if cell.cell_type != "code":
            if any(BEGIN.match(line) or END.match(line) for line in lines):
                raise ExerciseBuildError(f"{where}: solution markers only work in code cells")
            meta = _nbgrader_metadata(_grade_id("given", cell, index), locked=True)
        elif any(BEGIN.match(line) for line in lines) or any(END.match(line) for line in lines):
            if check_calls(cell.source):
                raise NbgraderExportError(
                    f"{where}: a cell with a solution block also calls a check; nbgrader needs "
                    "the check in a cell of its own, after the answer"
                )
            cell.source = solution_regions(cell.source, exercise, where)
            major, minor = (exercise or "0.0").split(".")
            slug = f"{int(major):02d}_{minor}"
            answers[slug] = answers.get(slug, 0) + 1
            suffix = "" if answers[slug] == 1 else f"_{answers[slug]}"
            meta = _nbgrader_metadata(f"answer_{slug}{suffix}", solution=True)
        elif check_calls(cell.source):
            key = only_a_check_call(cell.source)
            if key is None:
                raise NbgraderExportError(
                    f"{where}: a check cell must hold the check call only (nbgrader locks and "
                    "re-runs it); move the other code to a cell of its own"
                )
            if key not in by_key:
                raise NbgraderExportError(
                    f"{where}: `{key}` is not the check of an exercise of set "
                    f"{exercise_set.set_id} (the grader knows "
                    f"{', '.join(e.call for e in exercise_set.exercises) or 'none'})"
                )
            judged = by_key[key]
            if judged.number in tested:
                raise NbgraderExportError(
                    f"{where}: Exercise {judged.number} is already checked in cell "
                    f"{tested[judged.number] + 1}; nbgrader gives each exercise one test cell"
                )
            tested[judged.number] = index
            cell.source = autograder_test_source(cell.source, judged.check)
            meta = _nbgrader_metadata(judged.check, grade=True, locked=True)
        else:
            meta = _nbgrader_metadata(_grade_id("given", cell, index), locked=True)
        markers = (NBGRADER_BEGIN, NBGRADER_END) if meta["solution"] else ()
        if any(
            ("BEGIN SOLUTION" in line or "END SOLUTION" in line) and line.strip() not in markers
            for line in cell.source.split("\n")
        ):
            raise NbgraderExportError(
                f"{where}: nbgrader takes any line holding 'BEGIN SOLUTION' or 'END SOLUTION' "
                "for a solution marker; reword this cell"
            )
        cell.metadata["nbgrader"] = meta
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    missing = [e.number for e in exercise_set.exercises if e.number not in tested]
    if missing:
        raise NbgraderExportError(
            f"{name}: no check cell for exercise {', '.join(missing)}: each exercise needs a "
            "cell that only calls its check"
        )
    if not exercise_set.exercises:
        raise NbgraderExportError(f"{name}: no exercise with a check cell: nothing to grade")
    note = _note_cell(exercise_set.set_id, exercise_set.exercises)
    note.metadata["nbgrader"] = _nbgrader_metadata("given_nbgrader_note", locked=True)
    first_is_title = bool(cells) and cells[0].cell_type == "markdown"
    cells.insert(1 if first_is_title else 0, note)
    nb.cells = cells
    nbformat.validate(nb)
    return nb


def config_source(*, course_id: str = DEFAULT_COURSE_ID, timeout: int = CELL_TIMEOUT_S) -> str:
    """The text of the course directory's ``nbgrader_config.py``.

    Parameters
    ----------
    course_id : str
        nbgrader's course id (``c.CourseDirectory.course_id``).
    timeout : int
        Seconds a cell may run under ``nbgrader autograde``.

    Returns
    -------
    str
        Python code that nbgrader runs as its configuration.

    Raises
    ------
    NbgraderExportError
        For a course id nbgrader cannot use, or a timeout that is not positive.

    Examples
    --------
    >>> text = config_source()
    >>> 'c.CourseDirectory.course_id = "lstm-course"' in text
    True
    >>> compile(text, "nbgrader_config.py", "exec") is not None
    True
    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", course_id):
        raise NbgraderExportError(
            f"the course id names a folder of the exchange: letters, digits, '.', '_' and '-' "
            f"only, got {course_id!r}"
        )
    try:
        timeout = validate.positive_int(timeout, "timeout")
    except (TypeError, ValueError):
        raise NbgraderExportError(
            f"timeout must be a positive number of seconds, got {timeout!r}"
        ) from None
    return f'''\
"""nbgrader configuration of the lstm-course exercise sets.

Written by `python -m course_utils export-nbgrader` (with --force, again). Settings
of your hub that every course shares (the exchange folder, for instance) belong in the hub's
/etc/jupyter/nbgrader_config.py instead. See docs/teaching_with_nbgrader.md in lstm-course.
"""

c = get_config()  # noqa: F821 (nbgrader defines it)

c.CourseDirectory.course_id = "{course_id}"

# A check that trains a model runs for tens of seconds on a laptop CPU: give each cell
# {timeout} s (nbgrader's default is 30 s).
c.Execute.timeout = {timeout}

# The stub of a solution region says what the course's own stubs say, so that the given cells
# (cu.checks.attempt) recognise an unfinished exercise.
c.ClearSolutions.code_stub = {{
    "python": {CODE_STUB!r},
}}
'''


def export_nbgrader(
    dest: str | Path,
    sets: str | Iterable[str] | None = None,
    *,
    solutions: str | Path | None = None,
    course_id: str = DEFAULT_COURSE_ID,
    force: bool = False,
) -> ExportReport:
    """Write an nbgrader course directory for the exercise sets (all, or ``sets``).

    Everything is built before anything is written, so an error leaves ``dest`` as it was.

    Parameters
    ----------
    dest : str or pathlib.Path
        The course directory; created if missing. It must be empty unless ``force``.
    sets : str, iterable of str or None
        ``"01,03"`` or ``["01", "03"]``; ``None`` exports every set.
    solutions : str, pathlib.Path or None
        The folder of ``NN_topic_solutions.ipynb`` notebooks (default: the course's).
    course_id : str
        nbgrader's course id, written into ``nbgrader_config.py``.
    force : bool
        Write into a directory that is not empty: ``nbgrader_config.py`` and the exported
        sets' ``source/NN/NN.ipynb`` are replaced; nothing else there (the gradebook,
        ``release/``, ``submitted/``, other sets) is touched.

    Returns
    -------
    ExportReport
        The files written.

    Raises
    ------
    NbgraderExportError
        Unknown sets, ``dest`` not empty (without ``force``) or a file, a solutions notebook
        that cannot be exported.
    FileNotFoundError
        No solutions folder.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     report = export_nbgrader(Path(folder) / "course", "01", solutions="solutions")
    ...     print(report.sets[0].notebook.relative_to(folder), report.sets[0].points)
    course/source/01/01.ipynb 3
    """
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise NbgraderExportError(f"{dest} is a file, not a folder for the course")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise NbgraderExportError(
            f"{dest} is not empty: choose a new folder, or pass force=True (--force) to replace "
            "nbgrader_config.py and the exported notebooks there"
        )
    folder = Path(solutions) if solutions is not None else default_solutions_dir()
    if not folder.is_dir():
        raise FileNotFoundError(f"no solutions folder at {folder}")
    paths = {}
    for path in sorted(folder.glob(f"*{SOLUTIONS_SUFFIX}")):
        paths[path.name[:2]] = path
    if not paths:
        raise FileNotFoundError(f"no *{SOLUTIONS_SUFFIX} notebook in {folder}")
    chosen = parse_sets(sets, paths)
    built: list[tuple[str, bytes, tuple[str, ...]]] = []
    for set_id in chosen:
        exercise_set = load_set(paths[set_id])
        nb = nbgrader_notebook(read_notebook(paths[set_id]), exercise_set, paths[set_id].name)
        numbers = tuple(e.number for e in exercise_set.exercises)
        built.append((set_id, notebook_bytes(nb), numbers))
    config = config_source(course_id=course_id)
    dest.mkdir(parents=True, exist_ok=True)
    config_path = dest / "nbgrader_config.py"
    config_path.write_text(config, encoding="utf-8")
    exported = []
    for set_id, data, numbers in built:
        target = dest / "source" / set_id / f"{set_id}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        exported.append(ExportedSet(set_id, target, numbers))
    return ExportReport(dest, config_path, tuple(exported))
