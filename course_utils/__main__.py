"""Command line: ``python -m course_utils {doctor,build-exercises,check,execute}``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _doctor(args: argparse.Namespace) -> int:
    from course_utils.runtime import doctor

    return 1 if doctor() else 0


def _build_exercises(args: argparse.Namespace) -> int:
    from course_utils.exercises import ExerciseBuildError, build_all

    try:
        report = build_all(args.root, check=args.check)
    except (ExerciseBuildError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
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


def _check(args: argparse.Namespace) -> int:
    from course_utils.checks.runner import check_notebook

    try:
        report = check_notebook(args.notebook, timeout=args.timeout)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.render())
    return 0 if report.all_passed else 1


def _execute(args: argparse.Namespace) -> int:
    from nbclient.exceptions import CellExecutionError

    from course_utils.nbrun import store_executed

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("doctor", help="check the installation").set_defaults(run=_doctor)

    build = commands.add_parser("build-exercises", help="make exercises/ from solutions/")
    build.add_argument("--check", action="store_true", help="only report stale files (exit 1)")
    build.add_argument("--root", type=Path, default=Path("."), help="repository root")
    build.set_defaults(run=_build_exercises)

    check = commands.add_parser("check", help="run an exercise notebook and report each check")
    check.add_argument("notebook", type=Path)
    check.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    check.set_defaults(run=_check)

    execute = commands.add_parser(
        "execute", help="(course developers) execute notebooks and store them executed"
    )
    execute.add_argument("notebooks", type=Path, nargs="+")
    execute.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    execute.set_defaults(run=_execute)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
