"""``python -m course_utils {doctor,build-exercises,grade,execute,export-nbgrader}``.

``grade`` is also called ``check``: the name the lessons and exercise notebooks print.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

# nbformat imports jsonschema, and jsonschema imports ``rfc3987_syntax`` when it is installed
# (JupyterLab's jupyter-events brings it in): that module builds an Earley parser when it is
# imported, 2.6 s on the course's CI machine at every start of this command, which the tests and
# lesson 00 start dozens of times (python-jsonschema/jsonschema#1392 and #1521). jsonschema uses
# it only for the "iri" formats of JSON Schema draft 7 and later; nbformat validates notebooks
# against a draft-4 schema without a format checker, so this command tells Python the module is
# absent and jsonschema leaves those two formats unchecked. Only this process is affected: the
# kernels it starts, and a learner's own Python, import what they import.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"the timeout must be positive, got {text}")
    return value


def _doctor(args: argparse.Namespace) -> int:
    from course_utils.runtime import doctor

    return 1 if doctor() else 0


def _build_exercises(args: argparse.Namespace) -> int:
    from course_utils.tooling.exercises import ExerciseBuildError, build_all

    try:
        report = build_all(args.root, dry_run=args.dry_run)
    except (ExerciseBuildError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.dry_run:
        if report.stale:
            print("Stale exercise notebooks (run `make exercises`):")
            for path in report.stale:
                print(f"  {path}")
            return 1
        print("exercises/ is up to date with solutions/.")
        return 0
    for path in report.written:
        print(f"wrote {path}")
    orphans = [p for p in report.stale if p not in report.written]
    for path in orphans:
        print(f"warning: {path} has no solutions notebook; delete it or restore its source")
    if not report.written:
        print("exercises/ was already up to date.")
    return 1 if orphans else 0


def _grade(args: argparse.Namespace) -> int:
    from course_utils import grading

    solutions = args.solutions or grading.default_solutions_dir()
    try:
        sets = grading.load_sets(solutions)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.set is not None and args.set not in sets:
        print(f"error: there is no exercise set {args.set} ({', '.join(sets)})", file=sys.stderr)
        return 2
    target: Path = args.notebook
    if target.is_dir():
        if args.set is None:
            print("error: to grade a folder, say which set it holds: --set NN", file=sys.stderr)
            return 2
        if not grading.find_submissions(target):
            print(f"error: no .ipynb file under {target}", file=sys.stderr)
            return 2
        reports = grading.grade_folder(
            target,
            set_id=args.set,
            timeout=args.timeout,
            solutions=solutions,
            jobs=args.jobs,
            progress=grading.print_progress,
        )
        root = target
        for report in reports:
            print(report.render(report.notebook.relative_to(target).as_posix()))
            print()
        graded = sum(r.refused is None for r in reports)
        complete = sum(r.all_passed for r in reports)
        print(f"{len(reports)} notebooks: {graded} graded, {complete} with every exercise passed.")
    else:
        if not target.is_file():
            print(f"error: no notebook at {target}", file=sys.stderr)
            return 2
        reports = [
            asyncio.run(
                grading.grade_notebook_async(
                    target, set_id=args.set, sets=sets, timeout=args.timeout
                )
            )
        ]
        root = None
        print(reports[0].render())
    for option, write in (("csv", grading.write_csv), ("json", grading.write_json)):
        if getattr(args, option):
            write(reports, getattr(args, option), root)
    if args.junit:
        grading.write_junit(reports, args.junit, root)
    if root is None and reports[0].refused:
        return 2
    return 0 if all(r.all_passed for r in reports) else 1


def _execute(args: argparse.Namespace) -> int:
    from nbclient.exceptions import CellExecutionError

    from course_utils.checks.base import FIXED_DRAWS_ENV, SUITE_DRAWS
    from course_utils.tooling.nbrun import store_executed

    # stored notebooks show the checks' fixed draws, the ones the test suite compares against
    os.environ.setdefault(FIXED_DRAWS_ENV, SUITE_DRAWS)
    status = 0
    for path in args.notebooks:
        try:
            seconds = store_executed(path, timeout=args.timeout)
        except CellExecutionError as exc:
            print(f"{path}: FAILED, not stored\n{exc}", file=sys.stderr)
            status = 1
            continue
        print(f"{path}: executed and stored in {seconds:.1f} s")
    return status


def _export_nbgrader(args: argparse.Namespace) -> int:
    from course_utils.tooling.exercises import ExerciseBuildError
    from course_utils.tooling.nbgrader_export import NbgraderExportError, export_nbgrader

    try:
        report = export_nbgrader(
            args.dest,
            args.sets,
            solutions=args.solutions,
            course_id=args.course_id,
            force=args.force,
        )
    except (NbgraderExportError, ExerciseBuildError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.render())
    first = report.sets[0].set_id
    print(f"next: cd {report.dest} && nbgrader generate_assignment {first} (then release it)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("doctor", help="check the installation").set_defaults(run=_doctor)

    build = commands.add_parser("build-exercises", help="make exercises/ from solutions/")
    build.add_argument(
        "--dry-run",
        "--check",
        action="store_true",
        help="write nothing, only report stale files (exit 1); --check is the same",
    )
    build.add_argument("--root", type=Path, default=Path("."), help="repository root")
    build.set_defaults(run=_build_exercises)

    grade = commands.add_parser(
        "grade",
        aliases=["check"],
        help="grade an exercise notebook, or every notebook in a folder (--set NN)",
        description="Run a copy of each notebook in a fresh kernel, run every exercise's check "
        "after the learner's cells, and report each exercise. Exit status: 0 if every exercise "
        "of every notebook passed, 1 if not, 2 if a single notebook could not be graded (or on "
        "a usage error).",
    )
    grade.add_argument("notebook", type=Path, help="a notebook, or a folder of submissions")
    grade.add_argument(
        "--set", help="the exercise set, e.g. 03 (default: from the notebook's file name)"
    )
    grade.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=600,
        help="seconds one notebook may run, all its cells and checks together (default 600)",
    )
    grade.add_argument("--solutions", type=Path, help="the solutions folder the sets are read from")
    grade.add_argument(
        "--jobs", type=int, default=None, help="notebooks graded at once (default: the cores)"
    )
    grade.add_argument("--csv", type=Path, help="write one row per notebook to this CSV file")
    grade.add_argument("--json", type=Path, help="write the grades to this JSON file")
    grade.add_argument("--junit", type=Path, help="write JUnit XML (one test per exercise)")
    grade.set_defaults(run=_grade)

    execute = commands.add_parser(
        "execute", help="(course developers) execute notebooks and store them executed"
    )
    execute.add_argument("notebooks", type=Path, nargs="+")
    execute.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    execute.set_defaults(run=_execute)

    export = commands.add_parser(
        "export-nbgrader",
        help="(teachers) write the exercise sets as an nbgrader course directory",
        description="Write DEST/nbgrader_config.py and DEST/source/NN/NN.ipynb for each exercise "
        "set, made from solutions/: solution blocks become nbgrader solution regions, check cells "
        "locked autograder tests worth one point per exercise. See "
        "docs/teaching_with_nbgrader.md.",
    )
    export.add_argument("dest", type=Path, help="the course directory to write (empty or new)")
    export.add_argument("--sets", help="the sets to export, e.g. 01,03 (default: every set)")
    export.add_argument(
        "--solutions", type=Path, help="the solutions folder the sets are read from"
    )
    export.add_argument(
        "--course-id", default="lstm-course", help="nbgrader's course id (default lstm-course)"
    )
    export.add_argument(
        "--force",
        action="store_true",
        help="write into a DEST that is not empty (replaces nbgrader_config.py and the exported "
        "sets' source notebooks; the gradebook and submissions are kept)",
    )
    export.set_defaults(run=_export_nbgrader)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
