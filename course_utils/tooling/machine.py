"""How fast the machine is while the tests run: a fixed workload and the host's stolen time.

A notebook over its time budget is either slower code or a slower machine. The course's CI
machines run at different speeds from one hour to the next (a virtual machine shares its host):
lesson 04 took 85 s on an idle machine and 129 s alone in a CI run on the same day, 2026-12-07.
So the test session times this module's fixed workload before and after the tests and reads how
much CPU time the host took away (*steal*, from ``/proc/stat``); the root ``conftest.py`` prints
both under the notebook run times.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: The kernel's CPU counters (Linux). Absent elsewhere: steal is then unknown.
PROC_STAT = Path("/proc/stat")


@dataclass(frozen=True)
class CpuTimes:
    """The machine-wide CPU counters of ``/proc/stat`` (clock ticks since boot, all cores).

    >>> CpuTimes(total=1000, steal=50).total
    1000
    """

    total: int
    steal: int


def read_cpu_times(path: Path = PROC_STAT) -> CpuTimes | None:
    """The ``cpu`` line of ``/proc/stat``, or ``None`` where the file does not exist.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix="stat", delete=False) as f:
    ...     _ = f.write("cpu  100 0 50 800 10 0 5 35 0 0\\ncpu0 50 0 25 400 5 0 2 18 0 0\\n")
    >>> read_cpu_times(Path(f.name))
    CpuTimes(total=1000, steal=35)

    Raises:
        ValueError: the file has no ``cpu`` line with at least 8 counters (user, nice, system,
            idle, iowait, irq, softirq, steal).
    """
    if not path.exists():
        return None
    for line in path.read_text(encoding="ascii").splitlines():
        fields = line.split()
        if fields and fields[0] == "cpu":
            if len(fields) < 9:
                raise ValueError(f"{path}: the cpu line has {len(fields) - 1} counters, not 8+")
            counters = [int(v) for v in fields[1:9]]  # guest time is already counted in user
            return CpuTimes(total=sum(counters), steal=counters[7])
    raise ValueError(f"{path} has no 'cpu' line")


def steal_share(before: CpuTimes, after: CpuTimes) -> float:
    """The share of the machine's CPU time the host took away between two readings.

    >>> steal_share(CpuTimes(1000, 10), CpuTimes(2000, 260))
    0.25

    Raises:
        ValueError: ``after`` is not later than ``before`` (no tick between them, or counters
            that went backwards: readings from two boots or in the wrong order).
    """
    ticks = after.total - before.total
    if ticks <= 0 or after.steal < before.steal:
        raise ValueError(f"no CPU time passed from {before} to {after}: wrong order?")
    return (after.steal - before.steal) / ticks


#: The fixed workload, run by a fresh interpreter: in a process that has imported TensorFlow, or
#: in pytest-xdist's controller with its message threads, the same loop runs up to 1.5 x slower.
_PROBE = """
import time
best = float("inf")
for _ in range({repeats}):
    start = time.perf_counter()
    total = 0
    for i in range({n}):
        total += i * i % 7
    best = min(best, time.perf_counter() - start)
print(best)
"""


def probe_seconds(repeats: int = 5, n: int = 1_000_000) -> float:
    """The best of ``repeats`` timings of a fixed pure-Python loop in a fresh interpreter, one
    thread (about 0.13 s on an idle CI machine of 2026-12-07).

    The best, not the median: a slower machine is slower in every repeat, while a repeat that
    met a passing burst of other work is not the machine. The same number twice on one machine,
    or on two, says how their speeds compare for the Python-heavy part of a notebook's work
    (TensorFlow's small-model training steps are mostly that).

    >>> 0 < probe_seconds(repeats=1, n=1000) < 1
    True

    Raises:
        ValueError: ``repeats`` or ``n`` is below 1.
    """
    if repeats < 1 or n < 1:
        raise ValueError(f"repeats and n must be at least 1, not {repeats} and {n}")
    code = _PROBE.format(repeats=int(repeats), n=int(n))
    run = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, check=True
    )
    return float(run.stdout)


def describe(
    probe_before: float,
    probe_after: float,
    cpu_before: CpuTimes | None,
    cpu_after: CpuTimes | None,
) -> str:
    """One line for a test report: the probe before and after, and the steal in between.

    >>> line = describe(0.040, 0.060, CpuTimes(1000, 0), CpuTimes(3000, 100))
    >>> line[:64]
    'machine: a fixed one-thread workload took 40 ms before the tests'
    >>> line[64:]
    ' and 60 ms after (1.50x); the host took 5.0 % of the CPU time in between (steal)'
    >>> describe(0.040, 0.040, None, None)[-40:]
    'and 40 ms after (1.00x); steal not known'
    """
    line = (
        f"machine: a fixed one-thread workload took {probe_before * 1000:.0f} ms before the "
        f"tests and {probe_after * 1000:.0f} ms after ({probe_after / probe_before:.2f}x); "
    )
    if cpu_before is None or cpu_after is None:
        return line + "steal not known"
    share = steal_share(cpu_before, cpu_after)
    return line + f"the host took {share * 100:.1f} % of the CPU time in between (steal)"
