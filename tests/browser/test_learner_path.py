"""The learner's path in JupyterLab, tested through the page: lesson 00 and exercise notebook 03.

Everything is done and read as a learner would: open the notebook, "Run All Cells" from the Run
menu, type into a cell's editor, read the outputs shown. The kernel API is never used. A
screenshot of each page is written to tests/browser/artifacts/.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from lab_browser import EXERCISES_03, LESSON_00, ROOT, may_skip, unavailable_reason

pytestmark = [pytest.mark.browser, pytest.mark.notebooks]
if unavailable_reason() and may_skip():  # one "skipped" line for the whole tier
    pytest.skip(unavailable_reason(), allow_module_level=True)

# The exercise of notebook 03 that the test solves by typing: the one whose training and check
# are cheapest. Its solution is read from solutions/03 at test time, never copied here.
SOLVED_EXERCISE = "3.3"
SOLUTIONS_03 = ROOT / "solutions" / "03_sine_forecasting_solutions.ipynb"
NOT_DONE = "not done yet"
BEGIN = re.compile(r"^[ \t]*#\s*BEGIN SOLUTION\s*$")
END = re.compile(r"^[ \t]*#\s*END SOLUTION\s*$")
HEADING = re.compile(r"^#{1,6}\s+Exercise\s+(\d+\.\d+)\b", re.MULTILINE)

# What the page shows, read in one go: per cell its kind, prompt ("[3]:", "[*]:", "[ ]:"),
# output text, number of error/stderr outputs and of images in its outputs.
READ_CELLS = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')).map(cell => ({
  code: cell.classList.contains('jp-CodeCell'),
  prompt: (cell.querySelector('.jp-InputArea-prompt') || {}).textContent || '',
  output: Array.from(cell.querySelectorAll('.jp-OutputArea-output'))
                .map(o => o.textContent).join('\\n'),
  errors: cell.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length,
  images: cell.querySelectorAll('.jp-OutputArea-output img').length,
}))"""


class NotebookPage:
    """One notebook open in JupyterLab, driven through the page."""

    def __init__(self, page, lab, path: str):
        self.page, self.path = page, path
        page.goto(lab.page_url(path))
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
        # JupyterLab renders a notebook's cells in batches: read the page only once it shows
        # every cell of the file (once, 11 of 19 were there when the kernel was first idle)
        stored = len(lab.api(f"contents/{path}")["content"]["cells"])
        deadline = time.monotonic() + 60
        while len(self.cells()) < stored and time.monotonic() < deadline:
            time.sleep(0.1)
        self.wait_idle(timeout=90)

    def kernel_status(self) -> str | None:
        indicator = self.page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator"
        )
        return indicator.first.get_attribute("data-status") if indicator.count() else None

    def cells(self) -> list[dict]:
        return self.page.evaluate(READ_CELLS)

    def dialogs(self) -> list[str]:
        return self.page.locator(".jp-Dialog").all_inner_texts()

    def wait_idle(self, timeout: float) -> None:
        """Wait until the kernel is idle and no cell waits to run, for a second in a row."""
        deadline, calm_since = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            busy = self.kernel_status() != "idle" or any(
                "*" in cell["prompt"] for cell in self.cells()
            )
            if self.dialogs():
                return  # a dialog blocks the page; the caller reports it
            if busy:
                calm_since = None
            elif calm_since is None:
                calm_since = time.monotonic()
            elif time.monotonic() - calm_since > 1.0:
                return
            time.sleep(0.25)
        raise AssertionError(
            f"{self.path}: still running after {timeout:.0f} s (kernel {self.kernel_status()})"
        )

    def menu(self, menu: str, item: str) -> None:
        """Click a menu of the menu bar, then one of its items, as a learner does."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
        self.page.locator(
            ".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")
        ).first.click()

    def wait_started(self, before: list[str], timeout: float = 60) -> None:
        """Wait until the page shows that something runs or ran (prompts no longer ``before``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.kernel_status() != "idle" or self._prompts() != before:
                return
            time.sleep(0.1)
        raise AssertionError(f"{self.path}: nothing started running in {timeout:.0f} s")

    def _prompts(self) -> list[str]:
        return [cell["prompt"] for cell in self.cells()]

    def run_all(self, timeout: float) -> list[dict]:
        before = self._prompts()
        self.menu("Run", "Run All Cells")
        self.wait_started(before)
        self.wait_idle(timeout)
        return self.cells()

    def cell(self, index: int):
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(
            index
        )

    def replace_source(self, index: int, source: str) -> None:
        """Select all of a cell's text in its editor and type the new text in its place."""
        editor = self.cell(index).locator(".cm-content")
        editor.scroll_into_view_if_needed()
        editor.click()
        self.page.keyboard.press("Control+A")
        # insert_text enters the text the way a paste does: no auto-indent or auto-closed
        # brackets added to what the learner "typed"
        self.page.keyboard.insert_text(source)
        self.page.keyboard.press("Escape")

    def run_cells(self, first: int, last: int, timeout: float) -> list[dict]:
        """Shift+Enter from cell ``first`` through cell ``last``, then wait for the kernel."""
        self.cell(first).locator(".jp-InputArea-prompt").click()
        before = self._prompts()
        for _ in range(first, last + 1):
            self.page.keyboard.press("Shift+Enter")
        self.wait_started(before)
        self.wait_idle(timeout)
        return self.cells()

    def screenshot(self, folder: Path, name: str, show: int | None = None) -> Path:
        """Save what the page shows (scrolled to cell ``show``) as ``folder/name.png``."""
        if show is not None:
            for _ in range(3):  # cells above may change height once drawn: settle, again
                self.cell(show).evaluate("cell => cell.scrollIntoView({block: 'center'})")
                time.sleep(0.3)
        path = folder / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


def _notebook(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _problems(cells: list[dict], indices: range | None = None) -> list[str]:
    """Error outputs and tracebacks shown in the page (in the cells at ``indices``)."""
    found = []
    for index in indices or range(len(cells)):
        cell = cells[index]
        if cell["errors"]:
            found.append(f"cell {index} shows an error/stderr output: {cell['output'][-400:]!r}")
        elif "Traceback" in cell["output"]:
            found.append(f"cell {index} shows a traceback: {cell['output'][-400:]!r}")
    return found


def _first(cells: list[dict], text: str) -> int | None:
    return next((i for i, cell in enumerate(cells) if text in cell["output"]), None)


def solution_sources(solutions: Path, exercise: str) -> dict[str, str]:
    """Cell id → the source a learner who solved ``exercise`` has in that cell.

    Read from the solutions notebook at test time: the cells of that exercise (below its
    "Exercise N.M" heading) that hold a BEGIN/END SOLUTION block, with the marker lines removed.
    """
    found, current = {}, None
    for cell in _notebook(solutions):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            current = (HEADING.findall(source) or [current])[-1]
        elif current == exercise and any(BEGIN.match(line) for line in source.split("\n")):
            kept = [
                line for line in source.split("\n") if not (BEGIN.match(line) or END.match(line))
            ]
            found[cell["id"]] = "\n".join(kept)
    return found


@pytest.fixture(scope="module")
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    opened = context.new_page()
    yield opened
    context.close()


def test_lesson_00_runs_all_in_the_page(page, lab, served, artifacts):
    notebook = NotebookPage(page, lab, LESSON_00)
    assert notebook.dialogs() == [], "a dialog (kernel selection?) opened with lesson 00"
    stored = _notebook(served / LESSON_00)
    cells = notebook.run_all(timeout=240)
    passed = _first(cells, "✅ Exercise 0.1 passed")
    notebook.screenshot(artifacts, "00_setup_and_tour", show=passed)
    assert notebook.dialogs() == []
    assert len(cells) == len(stored), "the page does not show every cell of lesson 00"
    assert _problems(cells) == []
    prompts = [cell["prompt"].strip() for cell in cells if cell["code"]]
    assert prompts == [f"[{n}]:" for n in range(1, len(prompts) + 1)], (
        f"Run All did not execute every cell once, in order: {prompts}"
    )
    assert passed is not None, "the ✅ line of Exercise 0.1 is not shown"
    stored_images = sum(
        "image/png" in out.get("data", {}) for c in stored for out in c.get("outputs", [])
    )
    assert sum(cell["images"] for cell in cells) >= stored_images, "a plot is not shown"
    # JupyterLab's first-start toast ("... notified about official Jupyter news?") must not
    # appear: the environment's overrides.json answers it (see the Makefile)
    assert "jupyter news" not in page.locator("body").inner_text().lower()


@pytest.fixture(scope="module")
def exercises_03(page, lab, artifacts):
    """Exercise notebook 03 opened, untouched, and run with Run All (shared by two tests)."""
    notebook = NotebookPage(page, lab, EXERCISES_03)
    dialogs = notebook.dialogs()
    cells = notebook.run_all(timeout=300)
    notebook.screenshot(artifacts, "03_exercises_untouched", show=len(cells) - 1)
    return notebook, dialogs, cells


def test_untouched_exercise_notebook_runs_to_the_end(exercises_03, served):
    _, dialogs, cells = exercises_03
    stored = _notebook(served / EXERCISES_03)
    assert dialogs == [], "a dialog (kernel selection?) opened with the exercise notebook"
    assert len(cells) == len(stored)
    assert _problems(cells) == [], "an untouched exercise notebook must show no traceback"
    code = [i for i, cell in enumerate(stored) if cell["cell_type"] == "code"]
    assert re.fullmatch(r"\[\d+\]:", cells[code[-1]]["prompt"].strip()), (
        "Run All stopped before the last cell"
    )
    checks = [i for i in code if "cu.checks.ex_" in "".join(stored[i]["source"])]
    assert checks, "the exercise notebook calls no check"
    for index in checks:
        assert NOT_DONE in cells[index]["output"], (
            f"cell {index}, a check, shows {cells[index]['output'][:200]!r}, not {NOT_DONE!r}"
        )


def test_one_exercise_solved_in_the_editor_passes(exercises_03, served, artifacts):
    notebook, _, _ = exercises_03
    stored = _notebook(served / EXERCISES_03)
    typed = solution_sources(SOLUTIONS_03, SOLVED_EXERCISE)
    assert typed, f"solutions/03 has no solution block under 'Exercise {SOLVED_EXERCISE}'"
    index_of = {cell.get("id"): i for i, cell in enumerate(stored)}
    assert set(typed) <= set(index_of), "exercises/03 is not built from solutions/03"
    edited = sorted(index_of[cell_id] for cell_id in typed)
    for index in edited:
        notebook.replace_source(index, typed[stored[index]["id"]])
    set_id, number = SOLVED_EXERCISE.split(".")
    call = f"checks.ex_{int(set_id):02d}_{number}("
    check = next(
        i for i in range(edited[-1] + 1, len(stored)) if call in "".join(stored[i]["source"])
    )
    cells = notebook.run_cells(edited[0], check, timeout=240)
    notebook.screenshot(artifacts, f"03_exercise_{SOLVED_EXERCISE}_solved", show=check)
    assert _problems(cells, range(edited[0], check + 1)) == []
    assert f"✅ Exercise {SOLVED_EXERCISE} passed" in cells[check]["output"], (
        f"the check shows {cells[check]['output'][:300]!r}"
    )


def test_no_jupyterlab_or_kernel_process_is_left(lab, exercises_03):
    """Last test of the tier: stopping the server leaves none of its processes running."""
    left = lab.stop()
    assert lab.children, "no process was seen below `make lab`: the check below is vacuous"
    kernels = [pid for pid, command in lab.commands.items() if "ipykernel" in command]
    assert kernels, f"no kernel was seen below `make lab`: {lab.commands}"
    assert left == [], f"still running after JupyterLab stopped: {left}"
