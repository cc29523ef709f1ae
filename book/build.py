"""Build the course website (`make book`) from the STORED outputs of notebooks/ and exercises/.

Nothing is executed: Jupyter Book 1.x (Sphinx + MyST-NB, with execution off) renders the outputs
each notebook was stored with. The script stages the sources in a temporary folder:

- ``index.md``, the landing page: the README's introduction and its syllabus table, each lesson
  name linked to its page;
- ``notebooks/*.ipynb`` (the lessons) and ``exercises/*.ipynb`` (the exercise sets), copies with
  one Markdown cell added after the title that says how to run the notebook (``make lab``) and
  links a lesson to its exercise set; the repository's files are never changed;
- ``_toc.yml``, the table of contents in lesson order, each exercise set under its lesson;

then runs ``jupyter-book config sphinx`` and ``sphinx-build`` (warnings are errors) into the
output folder. ``solutions/`` is never copied, so no solution is published.

Usage::

    python book/build.py                   # the site lands in _build/book/ (index.html)
    python book/build.py --out /tmp/site   # anywhere else
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BOOK_DIR = Path(__file__).resolve().parent
ROOT = BOOK_DIR.parent
DEFAULT_OUT = ROOT / "_build" / "book"
#: A lesson is notebooks/NN_topic.ipynb, its exercise set exercises/NN_topic_exercises.ipynb.
LESSON_NAME = re.compile(r"^(\d\d)_[a-z0-9_]+$")


def lessons(root: Path = ROOT) -> list[str]:
    """The lessons' names (``00_setup_and_tour``...) in course order, from ``notebooks/``.

    >>> lessons()[0]
    '00_setup_and_tour'
    """
    names = sorted(path.stem for path in (root / "notebooks").glob("*.ipynb"))
    bad = [name for name in names if not LESSON_NAME.match(name)]
    if bad:
        raise ValueError(f"lesson notebooks must be named NN_topic.ipynb, not {bad}")
    if not names:
        raise ValueError(f"no lesson notebook in {root / 'notebooks'}")
    return names


def exercise_of(lesson: str, root: Path = ROOT) -> str | None:
    """The name of a lesson's exercise notebook, or None (lesson 00 has none).

    >>> exercise_of("03_sine_forecasting")
    '03_sine_forecasting_exercises'
    >>> exercise_of("00_setup_and_tour") is None
    True
    """
    name = f"{lesson}_exercises"
    return name if (root / "exercises" / f"{name}.ipynb").exists() else None


def readme_section(readme: str, heading: str) -> str:
    """The text of the README's ``## heading`` section, without its heading line.

    >>> readme_section("# T\\n\\n## A\\none\\n## B\\ntwo\\n", "A")
    'one'
    """
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
    if not match:
        raise ValueError(f"the README has no '## {heading}' section")
    return match.group(1).strip()


def landing_page(readme: str, names: list[str]) -> str:
    """The site's index.md: the README's title and introduction, then its syllabus.

    In the syllabus table each lesson name (`` `03_sine_forecasting` ``) becomes a link to the
    lesson's page. A lesson the table does not name is an error: the two must not drift apart.

    >>> page = landing_page("# c\\n\\nIntro.\\n\\n## Quick start\\nx\\n## Syllabus\\n"
    ...     "| `00_a` | b |\\n", ["00_a"])
    >>> "[`00_a`](notebooks/00_a.ipynb)" in page
    True
    """
    title, _, rest = readme.partition("\n")
    if not title.startswith("# "):
        raise ValueError("the README must start with a '# title' line")
    intro = rest.split("\n## ", 1)[0].strip()
    syllabus = readme_section(readme, "Syllabus")
    for name in names:
        cell = f"| `{name}` |"
        if cell not in syllabus:
            raise ValueError(f"the README's syllabus table has no row for lesson {name}")
        syllabus = syllabus.replace(cell, f"| [`{name}`](notebooks/{name}.ipynb) |")
    how_to = (
        "## Run it yourself\n\n"
        "These pages show each notebook as it was stored, outputs and plots included. To run\n"
        "the lessons and do the exercises, clone the repository and type `make lab`: it installs\n"
        'everything into `.venv` and opens JupyterLab at lesson 00 (README, "Quick start").'
    )
    return f"{title}\n\n{intro}\n\n## Syllabus\n\n{syllabus}\n\n{how_to}\n"


def _markdown_cell(text: str, cell_id: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}


def lesson_note(lesson: str, exercise: str | None) -> str:
    """The note added under a lesson's title: how to run it, and where its exercises are.

    >>> "make lab" in lesson_note("03_x", "03_x_exercises")
    True
    """
    text = (
        ":::{admonition} Run it yourself\n:class: tip\n\n"
        f"This page shows `notebooks/{lesson}.ipynb` with its stored outputs. To run it yourself,\n"
        "clone the course and type `make lab` (it installs everything and opens JupyterLab),\n"
        f"then open `notebooks/{lesson}.ipynb`.\n"
    )
    if exercise:
        text += (
            f"\n**Exercises:** [{exercise}](../exercises/{exercise}.ipynb) (in JupyterLab:\n"
            f"`exercises/{exercise}.ipynb`; or download {{download}}`{exercise}.ipynb\n"
            f"<../exercises/{exercise}.ipynb>`).\n"
        )
    return text + ":::\n"


def exercise_note(lesson: str, exercise: str) -> str:
    """The note added under an exercise set's title: how to do it and check it.

    >>> "course_utils check" in exercise_note("03_x", "03_x_exercises")
    True
    """
    return (
        ":::{admonition} Run it yourself\n:class: tip\n\n"
        f"The exercises of lesson [{lesson}](../notebooks/{lesson}.ipynb), as a learner gets\n"
        "them (no outputs). To do them, clone the course, type `make lab` and open\n"
        f"`exercises/{exercise}.ipynb` (or download {{download}}`{exercise}.ipynb\n"
        f"<{exercise}.ipynb>`); each check cell prints ✅ or ❌ with a hint, and\n"
        f"`.venv/bin/python -m course_utils check exercises/{exercise}.ipynb` checks them all.\n"
        ":::\n"
    )


def with_note(notebook: dict, note: str) -> dict:
    """A copy of ``notebook`` with a Markdown cell ``note`` right after its first (title) cell.

    >>> nb = {"cells": [{"cell_type": "markdown", "source": "# T"}], "nbformat": 4}
    >>> [cell["source"] for cell in with_note(nb, "hi")["cells"]]
    ['# T', 'hi']
    """
    cells = notebook.get("cells") or []
    if not cells or cells[0].get("cell_type") != "markdown":
        raise ValueError("a course notebook must start with a Markdown title cell")
    copy = dict(notebook)
    copy["cells"] = [cells[0], _markdown_cell(note, "book-run-note"), *cells[1:]]
    return copy


def table_of_contents(names: list[str], root: Path = ROOT) -> str:
    """The ``_toc.yml`` (sphinx-external-toc): lessons in order, each with its exercise set.

    >>> print(table_of_contents(["00_setup_and_tour"]).splitlines()[-1])
      - file: notebooks/00_setup_and_tour
    """
    lines = ["format: jb-book", "root: index", "chapters:"]
    for name in names:
        lines.append(f"  - file: notebooks/{name}")
        exercise = exercise_of(name, root)
        if exercise:
            lines += ["    sections:", f"      - file: exercises/{exercise}"]
    return "\n".join(lines) + "\n"


def stage(source: Path, root: Path = ROOT) -> list[str]:
    """Write the book's sources into the folder ``source``; return the lessons' names."""
    names = lessons(root)
    (source / "notebooks").mkdir(parents=True)
    (source / "exercises").mkdir()
    shutil.copy(BOOK_DIR / "_config.yml", source / "_config.yml")
    readme = (root / "README.md").read_text(encoding="utf-8")
    (source / "index.md").write_text(landing_page(readme, names), encoding="utf-8")
    (source / "_toc.yml").write_text(table_of_contents(names, root), encoding="utf-8")
    for name in names:
        exercise = exercise_of(name, root)
        lesson = json.loads((root / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        _write(
            source / "notebooks" / f"{name}.ipynb", with_note(lesson, lesson_note(name, exercise))
        )
        if exercise:
            path = root / "exercises" / f"{exercise}.ipynb"
            exercises = json.loads(path.read_text(encoding="utf-8"))
            _write(
                source / "exercises" / path.name,
                with_note(exercises, exercise_note(name, exercise)),
            )
    return names


def _write(path: Path, notebook: dict) -> None:
    path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _clear(out: Path) -> None:
    """Empty ``out`` before a build, but only if it is missing, empty or an earlier site."""
    if out.exists() and any(out.iterdir()) and not (out / ".buildinfo").exists():
        raise ValueError(f"{out} is not empty and holds no earlier site: choose another --out")
    shutil.rmtree(out, ignore_errors=True)


def build(out: Path = DEFAULT_OUT, root: Path = ROOT) -> Path:
    """Build the site into ``out`` (emptied first); return the path of its index.html."""
    out = out.resolve()
    _clear(out)
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="lstm-course-book-") as tmp:
        source = Path(tmp) / "src"
        stage(source, root)
        _run([str(bin_dir / "jupyter-book"), "config", "sphinx", str(source)])
        _run(
            [
                str(bin_dir / "sphinx-build"),
                "-b",
                "html",
                "-q",  # only warnings, and those fail the build
                "-W",
                "--keep-going",
                "-d",
                str(Path(tmp) / "doctrees"),
                str(source),
                str(out),
            ]
        )
    return out / "index.html"


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    noise = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed:\n{noise}")


def main(argv: list[str] | None = None) -> int:
    """The command line: ``python book/build.py [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the site lands")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        index = build(args.out)
    except (ValueError, RuntimeError) as error:
        print(f"book: {error}", file=sys.stderr)
        return 1
    print(f"book: built {index} in {time.perf_counter() - started:.0f} s")
    print(f"book: open it with `python3 -m http.server --bind 127.0.0.1 --directory {args.out}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
