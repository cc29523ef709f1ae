"""Test configuration for the whole suite (unit tests in tests/ and `--nbval` notebooks).

It sits in the repository root so that it applies to notebooks/ and solutions/ as well, also when
pytest is given a single notebook.

- TensorFlow's environment is set before anything imports it (here and in notebook kernels).
- On x86-64 the suite runs with ``ONEDNN_MAX_CPU_ISA=AVX2`` (unless already set): on an AVX-512
  machine it makes TensorFlow compute like the AVX2-only laptops most learners have, with other
  floating-point results. Notebooks are *stored* with the native instruction set
  (``make execute``) and *tested* under this one, so every assert is proven on two code paths.
- The suite is offline: a guard in every Python process it starts blocks non-loopback sockets,
  and the session fails if anything tried (see tests/netguard/sitecustomize.py).
- Notebook cells get the `notebooks` marker (as do tests marked `slow`), so
  `pytest -m "not notebooks"` is the fast tier.
- Each notebook's run time is reported and checked against its budget in COURSE_SPEC.md.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
GUARD_DIR = ROOT / "tests" / "netguard"

# --- environment, before TensorFlow can be imported by any test or kernel ---------------------
os.environ.update(
    {
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "KERAS_BACKEND": "tensorflow",
        "LSTM_COURSE_OFFLINE": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # no debugger warning from kernels on stderr
    }
)
# Fixed draws for every check the suite runs (here, in notebook kernels and in the grader's):
# a run never depends on a lucky draw. `LSTM_COURSE_CHECK_SEED=5 make test` tries other draws;
# how often the solutions pass on fresh ones is measured by `make calibrate`.
from course_utils.checks.base import FIXED_DRAWS_ENV, SUITE_DRAWS  # noqa: E402

os.environ.setdefault(FIXED_DRAWS_ENV, SUITE_DRAWS)
# Where the guard logs attempts: one file per pytest process, in one folder for the whole run.
# pytest-xdist's workers (which import this file again) inherit the controller's folder and write
# their own file there, so a test is blamed only for what its own process (or its kernels) tried,
# and the controller, which creates and removes the folder, reads them all at the end.
_NETWORK_DIR_ENV = "LSTM_COURSE_NETWORK_DIR"
_OWN_NETWORK_DIR = "PYTEST_XDIST_WORKER" not in os.environ or _NETWORK_DIR_ENV not in os.environ
if _OWN_NETWORK_DIR:
    os.environ[_NETWORK_DIR_ENV] = tempfile.mkdtemp(prefix="lstm-course-network-")
_NETWORK_DIR = Path(os.environ[_NETWORK_DIR_ENV])
_NETWORK_LOG = _NETWORK_DIR / f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"
os.environ["LSTM_COURSE_NETWORK_LOG"] = str(_NETWORK_LOG)
#: The instruction set the test tier uses (x86-64 only; the variable means nothing elsewhere).
TEST_CPU_ISA = "AVX2"
if platform.machine().lower() in {"x86_64", "amd64"}:
    os.environ.setdefault("ONEDNN_MAX_CPU_ISA", TEST_CPU_ISA)
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(GUARD_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
)
# Loaded under its own name: "sitecustomize" may already be the interpreter's own module. An
# xdist worker, started with the PYTHONPATH above, has loaded the guard as its sitecustomize at
# start-up: that module is the guard then (one NetworkBlocked class, not two).
_site = sys.modules.get("sitecustomize")
if Path(getattr(_site, "__file__", None) or "-").resolve() == GUARD_DIR / "sitecustomize.py":
    sys.modules["lstm_course_netguard"] = _site
else:
    _spec = importlib.util.spec_from_file_location(
        "lstm_course_netguard", GUARD_DIR / "sitecustomize.py"
    )
    _guard = importlib.util.module_from_spec(_spec)
    sys.modules["lstm_course_netguard"] = _guard
    _spec.loader.exec_module(_guard)
sys.modules["lstm_course_netguard"].install()

# --- time budgets (seconds on the 2-core CI machine), from COURSE_SPEC.md ---------------------
from course_utils.tooling import machine  # noqa: E402
from course_utils.tooling.nbrun import time_budget as budget_for  # noqa: E402

_durations: dict[str, float] = defaultdict(float)
_cells_total: dict[str, int] = defaultdict(int)
_cells_run: dict[str, int] = defaultdict(int)
_cell_seconds: dict[str, list[tuple[float, str]]] = defaultdict(list)


def _notebook_of(nodeid: str) -> str | None:
    path = nodeid.split("::", 1)[0]
    return path if path.endswith(".ipynb") else None


#: Under ``make test`` (pytest-xdist, ``-n 2``) the timed tests (the stored notebooks, which have
#: time budgets, then the browser tier, which waits on pages) run one after another on one worker,
#: collected first so that this longest chain starts at once; every other test module is one unit
#: of work (its module fixtures are built once) for whichever worker is free, and a worker lowers
#: its priority before it runs one (``pytest_runtest_setup``). See ``pytest_xdist_make_scheduler``.
TIMED_GROUP = "notebooks-and-browser"
#: How much a worker running untimed tests lowers its priority (``os.nice``): the timed chain then
#: gets the cores whenever it wants them, and the untimed tests use what it leaves.
UNTIMED_NICENESS = 10
#: ... and it runs TensorFlow on one thread per pool (its own process and the kernels it starts,
#: which inherit the environment), so that it keeps to one core and leaves the other to the
#: timed chain, whose small-model notebooks also run on one thread (``cu.start(threads=1)``).
UNTIMED_TF_THREADS = {"TF_NUM_INTEROP_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1"}
_niced = False
#: A notebook with a budget above this many seconds (lesson 06) runs alone under xdist: while its
#: cells run, the other worker waits before each test it would start. Its time is then the time a
#: learner's 2 cores take, not that of 2 cores shared with the rest of the suite (lesson 06 took
#: 185-204 s beside the untimed tests and 105-127 s alone, in fresh-clone CI runs). The timed
#: chain is the suite's longest, so the pause does not lengthen ``make test``.
SOLO_BUDGET = 180
#: ... and so does lesson 04, the longest of the 120-second notebooks: on 2026-12-06 it took 146 s
#: of its 120 beside the untimed tests in a fresh-clone run and 103 s alone on the same machine
#: (earlier machines: 67-91 s beside them). Alone it took 87-110 s in the next two such runs,
#: whose ``make test`` took 973 and 1002 s against 966 s before: the untimed tests wait for it.
#: Lesson 03 runs alone too, so that lesson 04 starts with the other worker already paused: that
#: worker waits only before it starts a test, so the test it was running when a solo notebook
#: began runs on beside it (up to a minute for the longest ones). On 2026-12-07 lesson 04 took
#: 119-121 s "alone" in two fresh-clone runs against 107 s on an idle machine.
#: Lesson 05 runs alone for the same reason before lesson 06, and lesson 02 and solutions 03,
#: the next closest to their budgets (lesson 02: 89-124 s, solutions 03: 96-113 s of 120 in the
#: fresh-clone runs of 2026-12-07), run alone as well. This costs the suite no time: the timed
#: chain is its longest (about 1,000 s of notebooks plus the browser tier, against about 400 s of
#: untimed tests, whose worker sat idle for 400-460 s at the end of those runs).
SOLO_NOTEBOOKS = frozenset(
    {
        "notebooks/02_vanishing_gradients.ipynb",
        "notebooks/03_sine_forecasting.ipynb",
        "notebooks/04_stacked_dropout_bidirectional.ipynb",
        "notebooks/05_real_world_forecasting.ipynb",
        "solutions/03_sine_forecasting_solutions.ipynb",
    }
)
#: The longest the untimed worker waits for one solo notebook (a crashed worker never blocks it);
#: lesson 06, the longest, took 199-232 s in the fresh-clone runs of 2026-12-07.
SOLO_WAIT_LIMIT = 420
_SOLO_MARKER = _NETWORK_DIR / "solo-notebook.running"
_solo_waited = 0.0


def _timed(nodeid: str) -> bool:
    return _notebook_of(nodeid) is not None or nodeid.startswith("tests/browser/")


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to under pytest-xdist: the timed chain, or one module.

    >>> work_unit("notebooks/03_sine_wave_forecasting.ipynb::Cell 4")
    'notebooks-and-browser'
    >>> work_unit("tests/browser/test_book.py::test_every_page")
    'notebooks-and-browser'
    >>> work_unit("tests/test_text.py::test_vocabulary[abc]")
    'tests/test_text.py'
    """
    return TIMED_GROUP if _timed(nodeid) else nodeid.split("::", 1)[0]


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: unknown when it is not loaded
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """xdist's load-by-scope scheduling with the course's units (``work_unit``).

    Its own ``--dist loadgroup`` marks cannot be used: with pytest 9.2 they no longer reach the
    test ids (xdist 3.8 writes ``item._nodeid``, which pytest stopped reading), and the cells of
    one notebook would be spread over both workers and run in two kernels.
    """
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return CourseScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    cells: dict[str, int] = defaultdict(int)
    for item in items:
        notebook = _notebook_of(item.nodeid)
        if notebook or item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.notebooks)
        if notebook:
            cells[notebook] += 1
    for item in items:
        notebook = _notebook_of(item.nodeid)
        if notebook:
            # carried by every report, so that an xdist controller knows it as well
            item.user_properties.append(("notebook_cells", cells[notebook]))
    # a stable sort: the notebooks first (in their order), the browser tier, then every other test
    items.sort(key=lambda item: 0 if _notebook_of(item.nodeid) else 1 if _timed(item.nodeid) else 2)


def runs_alone(nodeid: str) -> bool:
    """Whether the test is a cell of a notebook that runs alone under xdist (``SOLO_BUDGET``,
    ``SOLO_NOTEBOOKS``).

    >>> runs_alone("notebooks/06_text_generation.ipynb::Cell 3")
    True
    >>> runs_alone("notebooks/04_stacked_dropout_bidirectional.ipynb::Cell 3")
    True
    >>> runs_alone("notebooks/07_attention.ipynb::Cell 3")
    False
    >>> runs_alone("tests/test_conftest.py::test_x")
    False
    """
    notebook = _notebook_of(nodeid)
    return notebook is not None and (
        budget_for(notebook) > SOLO_BUDGET or notebook in SOLO_NOTEBOOKS
    )


def _wait_for_solo_notebook() -> None:
    """Before an untimed test: wait while a solo notebook runs on the other worker.

    The limit is per notebook: the marker names the solo notebook that runs, and the clock starts
    again when another one follows (lessons 02-06 run alone one after another, about 500 s in
    all: with one limit for the whole chain, an untimed test started beside the chain's last
    notebook, lesson 06, before the worker waited again).
    """
    global _solo_waited
    start = time.monotonic()
    running, since = None, start
    while True:
        try:
            now_running = _SOLO_MARKER.read_text()
        except FileNotFoundError:
            break
        now = time.monotonic()
        if now_running != running:
            running, since = now_running, now
        if now - since >= SOLO_WAIT_LIMIT:
            break
        time.sleep(0.5)
    waited = time.monotonic() - start
    if waited >= 0.5:
        _solo_waited += waited
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        (_NETWORK_DIR / f"paused-{worker}.seconds").write_text(f"{_solo_waited:.0f}")


@pytest.hookimpl(tryfirst=True)  # before the test's fixtures are set up
def pytest_runtest_setup(item: pytest.Item) -> None:
    global _niced
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return
    if _timed(item.nodeid):
        # the marker lasts from a solo notebook's first cell to the next timed test
        if runs_alone(item.nodeid):
            _SOLO_MARKER.write_text(item.nodeid.split("::", 1)[0])
        else:
            _SOLO_MARKER.unlink(missing_ok=True)
        return
    _wait_for_solo_notebook()
    if not _niced:
        if hasattr(os, "nice"):  # POSIX; the kernels and servers this worker starts inherit it
            os.nice(UNTIMED_NICENESS)
        for name, value in UNTIMED_TF_THREADS.items():
            os.environ.setdefault(name, value)  # read when TensorFlow makes its thread pools
        _niced = True


def _remove_solo_marker() -> None:
    """A worker that ran a solo notebook last removes the marker (see pytest_sessionfinish)."""
    if "PYTEST_XDIST_WORKER" in os.environ:
        _SOLO_MARKER.unlink(missing_ok=True)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    notebook = _notebook_of(report.nodeid)
    if notebook:
        for name, value in report.user_properties:
            if name == "notebook_cells":
                _cells_total[notebook] = value
        _durations[notebook] += report.duration
        if report.when == "call":
            _cells_run[notebook] += 1
            _cell_seconds[notebook].append((report.duration, report.nodeid.split("::", 1)[-1]))


def slowest_cells(cell_seconds: list[tuple[float, str]], count: int = 5) -> str:
    """The ``count`` slowest of ``(seconds, cell)`` pairs, slowest first: where a notebook spent
    its time.

    >>> slowest_cells([(1.2, "Cell 3"), (61.0, "Cell 12"), (20.4, "Cell 9")], count=2)
    'Cell 12 61 s, Cell 9 20 s'
    """
    slowest = sorted(cell_seconds, reverse=True)[:count]
    return ", ".join(f"{cell} {seconds:.0f} s" for seconds, cell in slowest)


#: The headroom the course asks of every notebook: its run within this share of its budget on the
#: slower machine (issue 19). The summary names the slowest cells of a notebook above it, so that
#: a run that came close to failing says where the time went.
HEADROOM = 0.6


def time_line(
    notebook: str, seconds: float, budget: float, complete: bool, cells: list[tuple[float, str]]
) -> str:
    """One notebook's line of the summary: its time and budget, and its slowest cells if it took
    more than ``HEADROOM`` of the budget.

    >>> time_line("nb00", 12.1, 30, True, [(5.0, "Cell 2")])
    '   12.1 s  (budget  30 s)  nb00'
    >>> time_line("nb06", 156.3, 240, True, [(95.2, "Cell 29"), (11.0, "Cell 68")])
    '  156.3 s  (budget 240 s)  nb06  [65 % of the budget: Cell 29 95 s, Cell 68 11 s]'
    >>> time_line("nb06", 20.0, 240, False, [(15.0, "Cell 1")])
    '   20.0 s  (budget 240 s)  nb06 (partial run)'
    """
    line = f"{seconds:7.1f} s  (budget {budget:>3} s)  {notebook}"
    if not complete:
        return line + " (partial run)"
    if seconds > HEADROOM * budget:
        share = 100 * seconds / budget
        line += f"  [{share:.0f} % of the budget: {slowest_cells(cells, 3)}]"
    return line


def _over_budget() -> list[str]:
    return [
        f"{nb}: {_durations[nb]:.0f} s > budget {budget_for(nb)} s "
        f"(slowest: {slowest_cells(_cell_seconds[nb])})"
        for nb in sorted(_durations)
        if _cells_run[nb] == _cells_total[nb] and _durations[nb] > budget_for(nb)
    ]


def _network_attempts() -> str:
    """What the guard logged in this run, in every process (all workers' files)."""
    return "".join(log.read_text(encoding="utf-8") for log in sorted(_NETWORK_DIR.glob("*.log")))


#: The machine's speed before the tests (``course_utils.tooling.machine``): the controller's
#: reading, so that the summary can say whether a notebook over budget met a slower machine.
_machine_before: tuple[float, machine.CpuTimes | None] | None = None


def pytest_sessionstart(session: pytest.Session) -> None:
    global _machine_before
    if "PYTEST_XDIST_WORKER" not in os.environ:
        _machine_before = (machine.probe_seconds(), machine.read_cpu_times())


def _machine_line() -> str | None:
    if _machine_before is None:
        return None
    probe, cpu = _machine_before
    try:
        return machine.describe(probe, machine.probe_seconds(), cpu, machine.read_cpu_times())
    except ValueError:  # counters that did not move: a session too short to say anything
        return None


def pytest_report_header(config: pytest.Config) -> str:
    isa = os.environ.get("ONEDNN_MAX_CPU_ISA", "native (not an x86-64 machine)")
    return f"lstm-course: notebooks run with ONEDNN_MAX_CPU_ISA={isa}"


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if _durations:
        terminalreporter.section("notebook run times")
        for nb in sorted(_durations):
            complete = _cells_run[nb] == _cells_total[nb]
            terminalreporter.write_line(
                time_line(nb, _durations[nb], budget_for(nb), complete, _cell_seconds[nb])
            )
        line = _machine_line()
        if line:
            terminalreporter.write_line(line)
    for line in _over_budget():
        terminalreporter.write_line(f"OVER BUDGET: {line}", red=True)
    paused = sum(int(f.read_text() or 0) for f in _NETWORK_DIR.glob("paused-*.seconds"))
    if paused:
        terminalreporter.write_line(
            f"(the other tests waited {paused} s while the notebooks that run alone ran: "
            "conftest.runs_alone)"
        )
    tried = _network_attempts()
    if tried:
        terminalreporter.write_line(f"NETWORK ACCESS ATTEMPTED:\n{tried}", red=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _remove_solo_marker()
    if session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        # "no tests ran" must never look like a result: fail loudly instead of exit status 5
        sys.stderr.write("error: no test was collected; check testpaths and the -m/-k filters\n")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    tried = _network_attempts()
    if (tried or _over_budget()) and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWN_NETWORK_DIR:
        shutil.rmtree(_NETWORK_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def _no_network_in_this_test() -> None:
    """Fail the test (not only the session) that made an attempt in the pytest process."""
    before = _NETWORK_LOG.stat().st_size if _NETWORK_LOG.exists() else 0
    yield
    after = _NETWORK_LOG.stat().st_size if _NETWORK_LOG.exists() else 0
    if after > before:
        pytest.fail("this test tried to reach the network (see the log above)")


@pytest.fixture
def repo_root() -> Path:
    """The repository's root folder."""
    return ROOT
