"""Stored outputs of notebooks/ and solutions/ hold no machine paths (user names, work folders).

A notebook is stored executed on a course developer's machine; anything it prints about that
machine (the virtual environment's absolute path, a temporary folder, a home folder) would be
shown to every learner and change whenever someone else re-executes it. Print paths relative to
the repository, or ``sys.prefix`` as ``<venv>`` (see ``course_utils.runtime.display_path``).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(
    p.relative_to(ROOT).as_posix()
    for folder in ("notebooks", "solutions")
    for p in (ROOT / folder).glob("*.ipynb")
)

#: An absolute path into a home, work or temporary folder (POSIX, macOS or Windows), not part of
#: a longer word or a URL ("https://example.org/work/x" does not match).
MACHINE_PATH = re.compile(
    r"(?<![\w.:/-])(?:/(?:home|Users|root|work|tmp|private/var|var/folders|mnt|scratch)/"
    r"|[A-Za-z]:\\(?:Users|Temp)\\)",
)
#: Output formats that are text (images are base64 and cannot hold a readable path).
TEXT_MIME = re.compile(r"^text/|\+xml$|/json$|^application/javascript$")


def _texts(output: dict) -> list[str]:
    kind = output.get("output_type")
    if kind == "stream":
        return [output.get("text", "")]
    if kind == "error":
        return [output.get("evalue", ""), *output.get("traceback", [])]
    data = output.get("data", {})
    return [
        value if isinstance(value, str) else "".join(value) if isinstance(value, list) else ""
        for mime, value in data.items()
        if TEXT_MIME.search(mime)
    ]


def machine_paths(nb: nbformat.NotebookNode) -> list[str]:
    """One line per stored output that shows a machine path: ``cell K: ...path...``."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            for text in _texts(output):
                for match in MACHINE_PATH.finditer(text):
                    start = max(0, match.start() - 30)
                    snippet = text[start : match.end() + 40].replace("\n", "⏎")
                    found.append(f"cell {index} (id {cell.get('id', '?')}): …{snippet}…")
    return found


def test_the_pattern_finds_machine_paths_and_nothing_else():
    def hit(text: str) -> bool:
        return bool(MACHINE_PATH.search(text))

    for text in (
        "Python 3.11.7 (/work/main/.venv/bin/python)",
        "saved to /tmp/tmpab12/x.png",
        "/home/alice/lstm-course/data.csv",
        "File /Users/bob/course/x.py, line 3",
        r"C:\Users\carol\AppData\Local\Temp\x",
    ):
        assert hit(text), text
    for text in (
        "Python 3.11.7 (<venv>/bin/python)",
        "see https://example.org/work/x and https://keras.io/home/",
        "notebooks/03_sine_forecasting.ipynb",
        "loss 0.5/step, 3/tmp",
    ):
        assert not hit(text), text


@pytest.mark.parametrize("relpath", NOTEBOOKS)
def test_no_machine_path_in_stored_outputs(relpath):
    nb = nbformat.read(ROOT / relpath, as_version=4)
    found = machine_paths(nb)
    assert not found, (
        f"{relpath} shows machine paths in its stored outputs (print paths relative to the "
        "repository, or sys.prefix as <venv>):\n" + "\n".join(found)
    )
