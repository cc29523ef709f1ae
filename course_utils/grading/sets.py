"""Exercise sets, learned from ``solutions/NN_topic_solutions.ipynb``: what the grader grades.

A set's exercises are the notebook's ``## Exercise N.M`` headings, and under each heading the
check cell (``cu.checks.ex_NN_M(...)``) that judges it. :func:`identify_set` tells which set a
learner's notebook belongs to, or says why it is not an exercise notebook of that set.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from nbformat import NotebookNode

from course_utils.checks.base import CHECK_NAME, parse_check_name
from course_utils.tooling.exercises import EXERCISE_HEADING, SOLUTION_ONLY, SOLUTIONS_SUFFIX
from course_utils.tooling.nbrun import read_notebook

SET_PREFIX = re.compile(r"^(\d{2})_")


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
        return normalise_call(self.check, self.arguments)


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


def normalise_call(check: str, arguments: str) -> str:
    """A check call as one canonical string, so that a learner's cell matches its set's call.

    >>> normalise_call("ex_03_1", "f,  window = 5")
    'ex_03_1(f, window=5)'
    """
    try:
        node = ast.parse(f"f({arguments})", mode="eval").body
        arguments = ", ".join(
            [ast.unparse(a) for a in node.args]  # type: ignore[attr-defined]
            + [f"{k.arg}={ast.unparse(k.value)}" for k in node.keywords]  # type: ignore[attr-defined]
        )
    except SyntaxError:
        arguments = " ".join(arguments.split())
    return f"{check}({arguments})"


def python_source(source: str) -> str:
    """A cell's source as plain Python (IPython's %magics and !commands translated).

    >>> python_source("%time x = 1")
    "get_ipython().run_line_magic('time', 'x = 1')\\n"
    """
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
        ast.parse(python_source(source))
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        return f"{exc.msg}{where}"
    return None


def check_calls(source: str) -> list[tuple[str, str]]:
    """The ``(check name, argument source)`` of every ``...checks.ex_NN_M(...)`` call in a cell.

    >>> check_calls("cu.checks.ex_03_1(f, WINDOW)  # judge it")
    [('ex_03_1', 'f, WINDOW')]
    """
    code = python_source(source)
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


def only_a_check_call(source: str) -> str | None:
    """The key of the check call if that call is all the cell does, else ``None``.

    >>> only_a_check_call("cu.checks.ex_03_1(f,  WINDOW)")
    'ex_03_1(f, WINDOW)'
    >>> only_a_check_call("model = fit()\\ncu.checks.ex_03_1(model)") is None
    True
    """
    try:
        tree = ast.parse(python_source(source))
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    calls = check_calls(source)
    return normalise_call(*calls[0]) if len(calls) == 1 else None


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
                number = heading or parse_check_name(check)[1]
                exercises.setdefault(number, Exercise(number, check, arguments))
    stem = path.name[: -len(SOLUTIONS_SUFFIX)]
    return ExerciseSet(match[1], stem, tuple(exercises.values()), frozenset(ids))


def load_sets(solutions_dir: str | Path) -> dict[str, ExerciseSet]:
    """Every exercise set in a solutions folder, by set number (``"03"``).

    >>> from pathlib import Path
    >>> sets = load_sets(Path(__file__).resolve().parents[2] / "solutions")
    >>> sets["01"].exercises[0].call
    'cu.checks.ex_01_1(lstm_step_peephole)'
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


def identify_set(
    nb: NotebookNode, path: Path, sets: dict[str, ExerciseSet], set_id: str | None
) -> ExerciseSet:
    """The exercise set ``nb`` belongs to, or :class:`NotAnExerciseNotebook` saying why not.

    Without ``set_id`` the set is taken from the file name (``03_..._exercises.ipynb``). The
    notebook must then look like that set's exercise notebook: hold one of its ``Exercise N.M``
    headings, or most of its cells (cell ids are kept by JupyterLab). A lesson (no exercise
    headings, other cells) or another set's notebook is refused.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_markdown_cell("## Exercise 5.1")]
    >>> sets = {"00": ExerciseSet("00", "00_demo", (Exercise("0.1", "ex_00_1", "f"),))}
    >>> identify_set(nb, Path("00_demo_exercises.ipynb"), sets, None)
    Traceback (most recent call last):
    ...
    course_utils.grading.sets.NotAnExerciseNotebook: this is not the exercise notebook of set 00
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
    calls: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            headings.update(EXERCISE_HEADING.findall(cell.source))
        elif cell.cell_type == "code":
            calls.update(check for check, _ in check_calls(cell.source))
    numbers = {e.number for e in exercise_set.exercises}
    ids = {cell.get("id") for cell in nb.cells} & exercise_set.cell_ids
    share = len(ids) / max(1, len(exercise_set.cell_ids))
    if not (headings & numbers or share >= 0.5):
        others = sorted(
            {f"{int(n.split('.')[0]):02d}" for n in headings}
            | {parse_check_name(c)[0] for c in calls}
        )
        hint = f" (it has exercises of set {', '.join(others)})" if others else ""
        raise NotAnExerciseNotebook(
            f"this is not the exercise notebook of set {set_id}{hint}: grade "
            f"a copy of exercises/{exercise_set.exercise_notebook}"
        )
    return exercise_set
