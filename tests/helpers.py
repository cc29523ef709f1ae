"""Small builders shared by the tests (not a test module)."""

from __future__ import annotations

from pathlib import Path

import nbformat


def make_notebook(path: Path, cells: list[tuple[str, str] | tuple[str, str, list[str]]]) -> Path:
    """Write a notebook of ``(kind, source[, tags])`` cells, kind "md" or "code"."""
    nb = nbformat.v4.new_notebook()
    for index, cell in enumerate(cells):
        kind, source, *rest = cell
        tags = rest[0] if rest else []
        metadata = {"tags": tags} if tags else {}
        new = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        nb.cells.append(new(source, metadata=metadata, id=f"cell-{index}"))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
