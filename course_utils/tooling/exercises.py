"""Build ``exercises/`` from ``solutions/``: each exercise set is written once, as solutions.

In a solutions notebook, the learner's part of a code cell sits between ``# BEGIN SOLUTION`` and
``# END SOLUTION``; the builder replaces it with a stub that raises
``NotImplementedError("Exercise N.M: ...")`` at the same indentation. N.M is taken from the
nearest markdown heading above the cell that names it (``## Exercise 3.1 — ...``). Cells tagged
``solution-only`` are dropped, outputs are cleared and cell ids kept, so the result is
byte-identical on every run.

Command line: ``python -m course_utils build-exercises [--dry-run]`` (``--check`` is the same).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nbformat import NotebookNode

from course_utils.tooling.nbrun import clean_notebook, notebook_bytes, read_notebook

BEGIN = re.compile(r"^(?P<indent>[ \t]*)#\s*BEGIN SOLUTION\s*$")
END = re.compile(r"^[ \t]*#\s*END SOLUTION\s*$")
EXERCISE_HEADING = re.compile(r"^#{1,6}\s+Exercise\s+(?P<number>\d+\.\d+)\b", re.MULTILINE)
SOLUTION_ONLY = "solution-only"
SOLUTIONS_SUFFIX = "_solutions.ipynb"
EXERCISES_SUFFIX = "_exercises.ipynb"


class ExerciseBuildError(ValueError):
    """A solutions notebook cannot be turned into an exercise notebook (e.g. broken markers)."""


@dataclass(frozen=True)
class BuildReport:
    """What a build found: the files it wrote, and the files that were stale before it ran.

    >>> BuildReport(written=[], stale=[]).stale
    []
    """

    written: list[Path]
    stale: list[Path]


def stub_lines(indent: str, exercise: str) -> list[str]:
    """The lines that replace a solution block.

    >>> for line in stub_lines("    ", "3.1"):
    ...     print(line)
        # Exercise 3.1: write your code here.
        raise NotImplementedError("Exercise 3.1: replace this line with your code")
    """
    message = f"Exercise {exercise}: replace this line with your code"
    return [
        f"{indent}# Exercise {exercise}: write your code here.",
        f'{indent}raise NotImplementedError("{message}")',
    ]


def strip_solutions(source: str, exercise: str | None, where: str) -> str:
    """Replace every ``BEGIN SOLUTION``/``END SOLUTION`` block in ``source`` with the stub.

    ``where`` names the notebook and cell in error messages.

    >>> code = "def f():\\n    # BEGIN SOLUTION\\n    return 1\\n    # END SOLUTION\\n"
    >>> print(strip_solutions(code, "0.1", "x"))
    def f():
        # Exercise 0.1: write your code here.
        raise NotImplementedError("Exercise 0.1: replace this line with your code")
    <BLANKLINE>
    """
    out: list[str] = []
    open_at: int | None = None
    for number, line in enumerate(source.split("\n"), start=1):
        begin = BEGIN.match(line)
        if begin:
            if open_at is not None:
                raise ExerciseBuildError(
                    f"{where}: BEGIN SOLUTION on line {number} is nested inside the block "
                    f"opened on line {open_at}"
                )
            if exercise is None:
                raise ExerciseBuildError(
                    f"{where}: a solution block needs a markdown heading '## Exercise N.M ...' "
                    "above its cell"
                )
            open_at = number
            out.extend(stub_lines(begin["indent"], exercise))
        elif END.match(line):
            if open_at is None:
                raise ExerciseBuildError(
                    f"{where}: END SOLUTION on line {number} has no BEGIN SOLUTION before it"
                )
            open_at = None
        elif open_at is None:
            out.append(line)
    if open_at is not None:
        raise ExerciseBuildError(f"{where}: BEGIN SOLUTION on line {open_at} is never closed")
    return "\n".join(out)


def exercise_path_for(solution: Path, exercises_dir: Path) -> Path:
    """The exercise notebook a solutions notebook is built into.

    >>> exercise_path_for(Path("solutions/03_x_solutions.ipynb"), Path("exercises")).as_posix()
    'exercises/03_x_exercises.ipynb'
    """
    if not solution.name.endswith(SOLUTIONS_SUFFIX):
        raise ExerciseBuildError(
            f"{solution}: solution notebooks are named NN_topic{SOLUTIONS_SUFFIX}"
        )
    return exercises_dir / (solution.name[: -len(SOLUTIONS_SUFFIX)] + EXERCISES_SUFFIX)


def published_cells(nb: NotebookNode) -> Iterator[tuple[int, NotebookNode, str | None]]:
    """``(index, cell, exercise)`` for every cell of ``nb`` a learner gets (not ``solution-only``).

    ``exercise`` is the number of the last ``## Exercise N.M`` heading at or above the cell (a
    solution-only heading counts too), ``None`` before the first one. The exercise builder and
    the nbgrader export walk a solutions notebook with it.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("setup()"),
    ...             nbformat.v4.new_markdown_cell("## Exercise 2.1"),
    ...             nbformat.v4.new_code_cell("secret()", metadata={"tags": ["solution-only"]}),
    ...             nbformat.v4.new_code_cell("answer()")]
    >>> [(index, exercise) for index, _, exercise in published_cells(nb)]
    [(0, None), (1, '2.1'), (3, '2.1')]
    """
    exercise: str | None = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            headings = EXERCISE_HEADING.findall(cell.source)
            if headings:
                exercise = headings[-1]
        if SOLUTION_ONLY not in cell.metadata.get("tags", []):
            yield index, cell, exercise


def build_exercise_notebook(solution_nb: NotebookNode, name: str = "notebook") -> NotebookNode:
    """Return the exercise notebook made from a solutions notebook (the input is not changed).

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> solution = "x = None\\n# BEGIN SOLUTION\\nx = 1\\n# END SOLUTION"
    >>> nb.cells = [nbformat.v4.new_markdown_cell("## Exercise 1.1"),
    ...             nbformat.v4.new_code_cell(solution)]
    >>> print(build_exercise_notebook(nb).cells[1].source)
    x = None
    # Exercise 1.1: write your code here.
    raise NotImplementedError("Exercise 1.1: replace this line with your code")
    """
    nb = copy.deepcopy(solution_nb)
    cells = []
    for index, cell, exercise in published_cells(nb):
        where = f"{name}, cell {index} (id {cell.get('id', '?')})"
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, exercise, where)
            cell.outputs = []
            cell.execution_count = None
        elif any(BEGIN.match(line) or END.match(line) for line in cell.source.split("\n")):
            raise ExerciseBuildError(f"{where}: solution markers only work in code cells")
        cells.append(cell)
    nb.cells = cells
    return clean_notebook(nb)


def build_all(root: str | Path = ".", *, dry_run: bool = False) -> BuildReport:
    """Build every ``solutions/*_solutions.ipynb`` into ``exercises/``.

    With ``dry_run=True`` nothing is written; the report lists the exercise notebooks that are
    missing, differ from a fresh build, or have no solutions notebook any more.
    """
    root = Path(root)
    solutions_dir, exercises_dir = root / "solutions", root / "exercises"
    if not solutions_dir.is_dir():
        raise FileNotFoundError(f"no solutions/ folder under {root.resolve()}")
    written: list[Path] = []
    stale: list[Path] = []
    expected: set[Path] = set()
    for solution in sorted(solutions_dir.glob("*.ipynb")):
        target = exercise_path_for(solution, exercises_dir)
        expected.add(target)
        data = notebook_bytes(
            build_exercise_notebook(read_notebook(solution), str(solution.relative_to(root)))
        )
        current = target.read_bytes() if target.exists() else None
        if current != data:
            stale.append(target)
            if not dry_run:
                exercises_dir.mkdir(exist_ok=True)
                target.write_bytes(data)
                written.append(target)
    if exercises_dir.is_dir():
        stale.extend(p for p in sorted(exercises_dir.glob("*.ipynb")) if p not in expected)
    return BuildReport(written=written, stale=stale)
