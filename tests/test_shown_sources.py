"""The stored outputs of ``cu.show_source(...)`` cells that nbval compares show today's source.

A lesson that teaches a helper shows its body (``cu.show_source(make_windows)``), and nbval
compares that stored output with a fresh run: a change to the helper's code, docstring or file
fails the notebook tier, but only when the notebooks run. This test renders each such output
from the code as it is now, without running any notebook, so the fast tier says at once which
notebook must be stored again (``make execute``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

import course_utils as cu
from course_utils.source import source_file, source_of

ROOT = Path(__file__).resolve().parent.parent
IGNORED = "nbval-ignore-output"

#: Compared outputs known to be stale: the helper moved or changed since its notebook was last
#: stored, and the notebook must be re-stored (``make execute``) before the notebook tier passes.
#: Each entry is ``(notebook, cell index)``; the test fails once the notebook is stored again,
#: so that its entry is removed.
STALE_UNTIL_RESTORED: set[tuple[str, int]] = set()


def _shown_cells() -> list[tuple[str, int]]:
    found = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or "show_source(" not in cell.source:
                continue
            if IGNORED not in cell.metadata.get("tags", []):
                found.append((path.relative_to(ROOT).as_posix(), index))
    return found


def _namespace(nb: nbformat.NotebookNode) -> dict:
    """What the notebook's ``course_utils`` import lines define (nothing else is run)."""
    namespace: dict = {"cu": cu}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("course_utils"):
                exec(compile(ast.Module([node], []), "<imports>", "exec"), namespace)
    return namespace


def _shown_object(cell_source: str, namespace: dict):
    call = ast.parse(cell_source.strip(), mode="eval").body
    assert isinstance(call, ast.Call) and len(call.args) == 1, cell_source
    return eval(compile(ast.Expression(call.args[0]), "<shown>", "eval"), namespace)


def test_the_lessons_show_sources():
    assert len(_shown_cells()) >= 5  # lessons 00-05 and 07 each show a helper


@pytest.mark.parametrize(
    ("relpath", "index"),
    [
        pytest.param(*key, marks=pytest.mark.xfail(strict=True, reason="re-store the notebook"))
        if key in STALE_UNTIL_RESTORED
        else key
        for key in _shown_cells()
    ],
)
def test_stored_show_source_output_is_the_current_source(relpath, index):
    nb = nbformat.read(ROOT / relpath, as_version=4)
    cell = nb.cells[index]
    shown = _shown_object(cell.source, _namespace(nb))
    expected = f"`{source_file(shown)}`\n\n```python\n{source_of(shown)}```"
    stored = [
        o["data"]["text/markdown"] for o in cell.outputs if "text/markdown" in o.get("data", {})
    ]
    assert stored == [expected], (
        f"{relpath} cell {index}: the stored output of `{cell.source.strip()}` is not the "
        "source as it is now; store the notebook again (make execute)"
    )
