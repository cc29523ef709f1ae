"""Running notebooks from Python: store a notebook executed and clean, or run a learner's copy.

Used by ``python -m course_utils execute`` (course developers), ``python -m course_utils check``
(learners) and ``benchmarks/notebook_times.py``.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import os
import signal
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from course_utils.runtime import TF_ENVIRONMENT

#: Cell metadata worth keeping in a stored notebook; everything else (execution timings,
#: collapsed/scrolled state, editor state) is dropped.
KEPT_CELL_METADATA = ("tags",)
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

#: Seconds each notebook may take on the 2-core CI machine (COURSE_SPEC.md): 120 s for a lesson or
#: a solutions notebook unless listed here.
DEFAULT_TIME_BUDGET_S = 120
TIME_BUDGETS_S = {
    "notebooks/00_setup_and_tour.ipynb": 30,
    "notebooks/06_text_generation.ipynb": 240,
}


def time_budget(relpath: str) -> int:
    """The time budget, in seconds, of a notebook given by its path from the repository root.

    >>> time_budget("notebooks/06_text_generation.ipynb"), time_budget("solutions/06_x.ipynb")
    (240, 120)
    """
    return TIME_BUDGETS_S.get(Path(relpath).as_posix(), DEFAULT_TIME_BUDGET_S)


def read_notebook(path: str | os.PathLike[str]) -> NotebookNode:
    """Read a notebook file, with a clear error if it is missing or not a notebook.

    >>> read_notebook("no/such.ipynb")
    Traceback (most recent call last):
    ...
    FileNotFoundError: no notebook at no/such.ipynb
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no notebook at {path}")
    if path.suffix != ".ipynb":
        raise ValueError(f"{path} is not a notebook (.ipynb)")
    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several types for a broken file
        raise ValueError(f"{path} is not a valid notebook: {exc}") from exc


def clean_notebook(nb: NotebookNode) -> NotebookNode:
    """Strip the metadata that differs between machines and editors, in place, and return ``nb``.

    Keeps cell tags; sets the kernelspec to ``python3`` and ``language_info`` to its name.

    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells.append(nbformat.v4.new_code_cell("1", metadata={"scrolled": True}))
    >>> clean_notebook(nb).cells[0].metadata
    {}
    """
    nb.metadata = nbformat.from_dict(
        {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    )
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.metadata.items() if k in KEPT_CELL_METADATA and v}
        )
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if "metadata" in output and not output["metadata"]:
                    output["metadata"] = {}
    nbformat.validator.normalize(nb)
    return nb


def write_notebook(nb: NotebookNode, path: str | os.PathLike[str]) -> bytes:
    """Write ``nb`` in the course's canonical form (indent 1, sorted keys, final newline).

    Returns the bytes written, so callers can compare without reading the file back.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     data = write_notebook(nbformat.v4.new_notebook(), Path(folder) / "empty.ipynb")
    >>> data.endswith(b"}\\n")
    True
    """
    data = notebook_bytes(nb)
    Path(path).write_bytes(data)
    return data


def notebook_bytes(nb: NotebookNode) -> bytes:
    """The canonical serialisation of ``nb`` (what :func:`write_notebook` writes).

    >>> notebook_bytes(nbformat.v4.new_notebook()).splitlines()[0]
    b'{'
    """
    text = nbformat.writes(nb, version=4)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


@contextmanager
def _environment(extra: Mapping[str, str] | None) -> Iterator[None]:
    """Temporarily set the TensorFlow variables (and ``extra``) for a kernel we start."""
    wanted = {**TF_ENVIRONMENT, **(extra or {})}
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _kernel_client(
    manager_class: type, nb: NotebookNode, sockets: str, workdir: str | os.PathLike[str], **options
) -> tuple[Any, Any]:
    """A ``python3`` kernel manager and an nbclient client for ``nb``, run in ``workdir``.

    Shared by :func:`execute_notebook` and :func:`run_bounded_async`; ``options`` go to
    ``NotebookClient`` (timeouts, ``allow_errors``, hooks).
    """
    from nbclient import NotebookClient

    # Local IPC sockets in ``sockets`` rather than TCP: nothing listens on a port, and the
    # kernel has no reason to warn about unencrypted TCP on the terminal.
    manager = manager_class(
        kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel")
    )
    client = NotebookClient(
        nb,
        km=manager,
        # The kernel logs shutdown chatter ("Parent appears to have exited") at WARNING on the
        # terminal; errors still show.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        record_timing=False,
        resources={"metadata": {"path": str(workdir)}},
        **options,
    )
    return manager, client


def execute_notebook(
    nb: NotebookNode,
    workdir: str | os.PathLike[str],
    *,
    timeout: int = 600,
    allow_errors: bool = False,
    env: Mapping[str, str] | None = None,
) -> float:
    """Execute ``nb`` in place in a fresh ``python3`` kernel started in ``workdir``.

    Returns the wall-clock seconds. With ``allow_errors=False`` the first failing cell raises
    ``nbclient.exceptions.CellExecutionError``; with ``True`` execution goes on and errors are
    stored in the cells' outputs.
    """
    from jupyter_client.manager import KernelManager

    if timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    with tempfile.TemporaryDirectory(prefix="lstm-course-kernel-") as sockets:
        manager, client = _kernel_client(
            KernelManager, nb, sockets, workdir, timeout=timeout, allow_errors=allow_errors
        )
        started = time.perf_counter()
        try:
            with _environment(env):
                client.execute()
        finally:
            # nbclient leaves a kernel it was given running: stop it (and its process group)
            pid = getattr(getattr(manager, "provisioner", None), "pid", None)
            try:
                if manager.has_kernel:
                    manager.shutdown_kernel(now=True)
            except Exception:
                pass
            _kill_group(pid)
        return time.perf_counter() - started


def store_executed(path: str | os.PathLike[str], *, timeout: int = 600) -> float:
    """Execute the notebook at ``path`` top to bottom and store it executed and cleaned.

    Returns the seconds it took. The file is only rewritten if every cell ran without error.
    """
    path = Path(path)
    nb = read_notebook(path)
    seconds = execute_notebook(nb, path.parent, timeout=timeout)
    write_notebook(clean_notebook(nb), path)
    return seconds


# --- running a learner's notebook with a deadline (python -m course_utils check) ---------------

#: Seconds a kernel may take to start (not counted in a run's ``timeout``).
STARTUP_TIMEOUT_S = 60
#: Extra seconds the hard watchdog waits after a run's deadline before it kills the kernel
#: itself (nbclient normally reports the timeout first).
WATCHDOG_GRACE_S = 10


@dataclass
class RunOutcome:
    """How a bounded run ended: ``failure`` is ``None`` if every cell was sent and answered.

    ``cell`` is the index (from 0, markdown cells included) of the cell that was running when
    the run stopped; ``executed`` the indices of the cells that finished.

    >>> RunOutcome(2.0, "the kernel died in cell 3", 2).cell
    2
    """

    seconds: float
    failure: str | None = None
    cell: int | None = None
    executed: list[int] = field(default_factory=list)


def _kill_group(pid: int | None) -> None:
    """SIGKILL the kernel's process group (it is started in a session of its own)."""
    if not pid or not hasattr(os, "killpg"):
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:  # reap it if it is our child, so no zombie is left behind
        os.waitpid(pid, os.WNOHANG)
    except (ChildProcessError, OSError):
        pass


async def run_bounded_async(
    nb: NotebookNode,
    workdir: str | os.PathLike[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
) -> RunOutcome:
    """Execute ``nb`` in place in a fresh kernel, going on past errors, all within ``timeout`` s.

    Unlike :func:`execute_notebook`, this never blocks longer than ``timeout`` (+ a few seconds,
    and the kernel's start-up, limited to :data:`STARTUP_TIMEOUT_S`): the cells share one
    deadline, a cell that is still running when it passes ends the run
    ("timed out after N s in cell K"), a kernel that exits ends it too ("the kernel died in cell
    K"), and the kernel's whole process group is killed afterwards in every case. Cell numbers
    in the messages count from 1 at the top of the notebook, markdown cells included.
    """
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    if not timeout > 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    outcome = RunOutcome(seconds=0.0)
    state: dict[str, object] = {"cell": None, "pid": None, "killed": False}
    started = time.monotonic()
    deadline = math.inf  # set when the first cell starts

    def remaining(cell: NotebookNode | None = None) -> int:
        return max(1, math.ceil(min(timeout, deadline - time.monotonic())))

    def note_start(cell: NotebookNode, cell_index: int) -> None:
        nonlocal deadline
        state["cell"] = cell_index
        if state["pid"] is None:
            state["pid"] = getattr(getattr(manager, "provisioner", None), "pid", None)
        if deadline == math.inf:
            deadline = time.monotonic() + timeout
            timer.start()

    def note_done(cell: NotebookNode, cell_index: int, execute_reply: object) -> None:
        outcome.executed.append(cell_index)

    def watchdog() -> None:  # runs in a thread: works even if the event loop is stuck
        state["killed"] = True
        _kill_group(state["pid"])  # type: ignore[arg-type]

    kernel_env = {**os.environ, **TF_ENVIRONMENT, **(env or {})}
    with tempfile.TemporaryDirectory(prefix="lstm-course-kernel-") as sockets:
        manager, client = _kernel_client(
            AsyncKernelManager,
            nb,
            sockets,
            workdir,
            timeout=math.ceil(timeout),  # replies outside cells (kernel_info)
            timeout_func=remaining,
            allow_errors=True,
            startup_timeout=STARTUP_TIMEOUT_S,
            interrupt_on_timeout=False,
            on_cell_start=note_start,
            on_cell_executed=note_done,
        )
        timer = threading.Timer(timeout + WATCHDOG_GRACE_S, watchdog)
        timer.daemon = True
        try:
            await client.async_execute(env=kernel_env)
        except CellTimeoutError:
            outcome.failure = "timed out"
        except DeadKernelError:
            outcome.failure = "died"
        except Exception as exc:  # e.g. the kernel did not start
            outcome.failure = f"could not run the notebook ({type(exc).__name__}: {exc})"
        finally:
            timer.cancel()
            if state["pid"] is None:
                state["pid"] = getattr(getattr(manager, "provisioner", None), "pid", None)
            try:
                if manager.has_kernel:
                    await asyncio.wait_for(manager.shutdown_kernel(now=True), 10)
            except Exception:
                pass
            _kill_group(state["pid"])  # type: ignore[arg-type]
            for step in (getattr(client.kc, "stop_channels", None), manager.cleanup_resources):
                try:
                    result = step() if step is not None else None
                    if inspect.isawaitable(result):
                        await result
                except Exception:
                    pass
    outcome.seconds = time.monotonic() - started
    overdue = state["killed"] or time.monotonic() >= deadline
    if outcome.failure in ("timed out", "died") or (outcome.failure and overdue):
        outcome.cell = state["cell"]  # type: ignore[assignment]
        where = f" in cell {outcome.cell + 1}" if outcome.cell is not None else ""
        if outcome.failure == "timed out" or overdue:
            outcome.failure = f"timed out after {timeout:g} s{where}"
        else:
            outcome.failure = f"the kernel died{where}"
    return outcome


def run_bounded(
    nb: NotebookNode,
    workdir: str | os.PathLike[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
) -> RunOutcome:
    """Synchronous :func:`run_bounded_async` (one notebook)."""
    return asyncio.run(run_bounded_async(nb, workdir, timeout=timeout, env=env))
