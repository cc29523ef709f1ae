"""Running notebooks from Python: store a notebook executed and clean, or run a learner's copy.

Used by ``python -m course_utils execute`` (course developers), ``python -m course_utils check``
(learners) and ``benchmarks/notebook_times.py``.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

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

    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("print(6 * 7)")]
    >>> seconds = execute_notebook(nb, ".")  # doctest: +SKIP
    >>> nb.cells[0].outputs[0].text  # doctest: +SKIP
    '42\\n'
    """
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    if timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    with tempfile.TemporaryDirectory(prefix="lstm-course-kernel-") as sockets:
        # Local IPC sockets rather than TCP: nothing listens on a port, and the kernel has no
        # reason to warn about unencrypted TCP on the terminal.
        manager = KernelManager(
            kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel")
        )
        client = NotebookClient(
            nb,
            km=manager,
            # The kernel logs shutdown chatter ("Parent appears to have exited") at WARNING on
            # the terminal; errors still show.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
            timeout=timeout,
            allow_errors=allow_errors,
            record_timing=False,
            resources={"metadata": {"path": str(workdir)}},
        )
        started = time.perf_counter()
        with _environment(env):
            client.execute()
        return time.perf_counter() - started


def store_executed(path: str | os.PathLike[str], *, timeout: int = 600) -> float:
    """Execute the notebook at ``path`` top to bottom and store it executed and cleaned.

    Returns the seconds it took. The file is only rewritten if every cell ran without error.

    >>> store_executed("notebooks/00_setup_and_tour.ipynb")  # doctest: +SKIP
    14.2
    """
    path = Path(path)
    nb = read_notebook(path)
    seconds = execute_notebook(nb, path.parent, timeout=timeout)
    write_notebook(clean_notebook(nb), path)
    return seconds
