"""What the grader found, and the grades written as CSV, JSON or JUnit XML.

:class:`NotebookReport` holds one notebook's grades (:class:`ExerciseResult` per exercise) and
renders the report the command line prints; :func:`write_csv`, :func:`write_json` and
:func:`write_junit` write the grades of a whole class.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

# --- one notebook ----------------------------------------------------------------------


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


# --- a whole class ------------------------------------------------------------------------


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
    """One row per submission: totals, problems, then each exercise's pass/fail and message."""
    numbers, rows = _rows(reports, root)
    columns = ["submission", "set", "passed", "total", "graded", "problems"]
    for number in numbers:
        columns += [number, f"{number} message"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def write_json(reports: list[NotebookReport], path: str | Path, root: Path | None = None) -> None:
    """A list with one object per submission; exercises under ``"exercises"``."""
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
    """JUnit XML: one test suite per submission, one test case per exercise."""
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
