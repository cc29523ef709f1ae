"""Time every lesson and solutions notebook on this machine, against its budget.

    make bench                      # all notebooks
    python benchmarks/notebook_times.py notebooks/03_sine_forecasting.ipynb

Each notebook runs top to bottom in a fresh kernel (the stored file is not changed). The table
is printed and also written to benchmarks/results/notebook_times.json, with the machine's core
count, so times from different machines are not mixed up.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

from course_utils.tooling.nbrun import execute_notebook, read_notebook, time_budget

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(
        [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb")]
    )
    rows = []
    over = 0
    for path in paths:
        path = path.resolve()
        relpath = path.relative_to(ROOT).as_posix()
        seconds = execute_notebook(read_notebook(path), path.parent)
        budget = time_budget(relpath)
        over += seconds > budget
        rows.append({"notebook": relpath, "seconds": round(seconds, 1), "budget": budget})
        flag = "" if seconds <= budget else "  OVER BUDGET"
        print(f"{seconds:7.1f} s  (budget {budget:>3} s)  {relpath}{flag}", flush=True)
    total = sum(row["seconds"] for row in rows)
    print(f"{total:7.1f} s  in all")
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    machine = {"cores": os.cpu_count(), "machine": platform.machine(), "python": sys.version}
    (results / "notebook_times.json").write_text(
        json.dumps({"machine": machine, "notebooks": rows}, indent=1) + "\n"
    )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
