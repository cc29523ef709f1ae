"""Start-up and environment report: the first cell of every notebook calls :func:`start`.

Introduced in ``notebooks/00_setup_and_tour.ipynb``.
"""

from __future__ import annotations

import atexit
import os
import platform
import random
import re
import sys
import threading
import warnings

# Settings that only take effect if they are in the environment before TensorFlow loads.
TF_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "2",  # hide TensorFlow's C++ INFO and WARNING lines
    "TF_ENABLE_ONEDNN_OPTS": "0",  # oneDNN reorders float sums: results would vary by CPU
    "KERAS_BACKEND": "tensorflow",  # the course is written and tested for this backend
}
REQUIRED_KERAS_MAJOR = 3
MIN_PYTHON = (3, 10)

#: Lines TensorFlow's C++ code writes to the process's stderr that TF_CPP_MIN_LOG_LEVEL cannot
#: hide and that say nothing to a learner. With op determinism on, tf.data rewrites Keras' input
#: pipeline (ParallelMap -> Map) and TensorFlow 2.21 logs, through absl before its logging is
#: initialised, that the rewritten node carries an attribute the op does not declare. With
#: ``cu.start(onednn=True)`` it logs, the same way, that "oneDNN custom operations are on" and
#: may change numerical results (what the learner asked for, in the cell's source),
#: and, when a model has a padding mask, that oneDNN leaves boolean operations to TensorFlow's
#: own kernels (a fallback that changes nothing). Only these exact messages are dropped; every
#: other line passes through.
KNOWN_NATIVE_NOISE = re.compile(
    rb"^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$"
    rb"|^E0000 .*node_def_util\.cc:\d+\] NodeDef mentions attribute use_unbounded_threadpool "
    rb"|^I0000 .*port\.cc:\d+\] oneDNN custom operations are on\. "
    rb"|^E0000 .*util\.cc:\d+\] oneDNN supports DT_BOOL only on platforms with AVX-512\. "
    rb"Falling back to the default Eigen-based implementation if present\.$"
)
_stderr_filter_installed = False
#: The start of a line that absl/TensorFlow logs natively ("E0000 00:00…", "WARNING: All…"),
#: or too little of a line to tell.
_MAY_BE_NATIVE_LOG = re.compile(rb"[EWIF]\d|WARNING|.{0,5}$", re.DOTALL)
_NATIVE_LOG_START = re.compile(rb"[EWIF]\d{4} \d\d:\d\d:|WARNING: All log messages")


def _in_jupyter_kernel() -> bool:
    """True when running inside an IPython kernel (JupyterLab, nbclient, nbval)."""
    if "ipykernel" not in sys.modules:
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipykernel depends on IPython
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def filter_native_stderr(pattern: re.Pattern[bytes] = KNOWN_NATIVE_NOISE) -> bool:
    """Drop lines matching ``pattern`` from what C/C++ code writes to file descriptor 2.

    Python's own ``sys.stderr`` in a Jupyter kernel does not go through descriptor 2, so
    warnings and tracebacks are untouched; native lines that do not match pass through
    unchanged. Returns ``False`` (and does nothing) if a filter is already installed.

    >>> bool(KNOWN_NATIVE_NOISE.search(b"E0000 00:00:1.2 5 node_def_util.cc:682] NodeDef "
    ...                                  b"mentions attribute use_unbounded_threadpool which"))
    True
    >>> bool(KNOWN_NATIVE_NOISE.search(b"I0000 00:00:1.2 5 port.cc:153] oneDNN custom "
    ...                                  b"operations are on. You may see slightly different"))
    True
    >>> bool(KNOWN_NATIVE_NOISE.search(b"E0000 00:00:1.2 5 util.cc:131] oneDNN supports DT_BOOL "
    ...     b"only on platforms with AVX-512. Falling back to the default Eigen-based "
    ...     b"implementation if present."))
    True
    >>> bool(KNOWN_NATIVE_NOISE.search(b"E0000 00:00:1.2 5 util.cc:131] oneDNN supports DT_BOOL "
    ...     b"only on platforms with AVX-512. Something else."))
    False
    """
    global _stderr_filter_installed
    if _stderr_filter_installed:
        return False
    if not isinstance(pattern, re.Pattern) or not isinstance(pattern.pattern, bytes):
        raise TypeError("pattern must be a compiled bytes regular expression")
    downstream = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)

    def forward(data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(downstream, view) :]

    def kept(line: bytes) -> bytes:
        # a progress bar redraws its line after "\r" and ends it only at 100 %, so a native
        # message can follow a redraw on the same line: it is matched from where it starts
        redraw = line.rfind(b"\r") + 1
        start = _NATIVE_LOG_START.search(line, redraw) if redraw else None
        cut = start.start() if start else 0
        return line[:cut] if pattern.search(line[cut:]) else line + b"\n"

    def pump() -> None:
        pending = b""
        with os.fdopen(read_end, "rb", buffering=0) as source:
            while chunk := source.read(65536):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                out = b"".join(kept(line) for line in lines)
                # pass a redraw on at once, not when its line ends (a bar ends it at 100 %),
                # unless what follows its "\r" may yet become a native log line
                if b"\r" in pending and not _MAY_BE_NATIVE_LOG.match(pending.rpartition(b"\r")[2]):
                    out, pending = out + pending, b""
                if out:
                    forward(out)
        if pending and not pattern.search(pending):
            forward(pending)

    thread = threading.Thread(target=pump, name="lstm-course-stderr-filter", daemon=True)
    thread.start()

    def restore() -> None:  # let the last lines (e.g. a crash report) through at exit
        os.dup2(downstream, 2)
        thread.join(timeout=2)

    atexit.register(restore)
    _stderr_filter_installed = True
    return True


def _configure_environment(onednn: bool = False) -> list[str]:
    """Put :data:`TF_ENVIRONMENT` into ``os.environ``, with ``TF_ENABLE_ONEDNN_OPTS=1`` if
    ``onednn``.

    Returns the names whose value TensorFlow/Keras can no longer see because they were
    imported before this call with a different value.
    """
    late = []
    wanted = {**TF_ENVIRONMENT, **({"TF_ENABLE_ONEDNN_OPTS": "1"} if onednn else {})}
    for name, value in wanted.items():
        loaded = "keras" if name == "KERAS_BACKEND" else "tensorflow"
        if loaded in sys.modules and os.environ.get(name) != value:
            late.append(name)
        os.environ[name] = value
    return late


def _configure_matplotlib() -> None:
    """Same figure size, resolution and look in every notebook (no effect if not installed)."""
    try:
        import matplotlib as mpl
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return
    mpl.rcParams.update(
        {
            "figure.figsize": (8.0, 3.6),
            "figure.dpi": 90,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "lstm-course",
        }
    )


def keras_major_problem(version: str) -> str | None:
    """Return a problem description if ``version`` is not a Keras 3 release, else ``None``.

    >>> keras_major_problem("3.15.1") is None
    True
    >>> keras_major_problem("2.15.0")
    'Keras 2.15.0 is installed, the course needs Keras 3 (pip install "keras>=3.3,<4")'
    """
    if not isinstance(version, str) or not version:
        raise ValueError(f"version must be a non-empty string, got {version!r}")
    head = version.split(".", 1)[0]
    if not head.isdigit():
        raise ValueError(f"version does not start with a major number: {version!r}")
    if int(head) != REQUIRED_KERAS_MAJOR:
        return (
            f"Keras {version} is installed, the course needs Keras {REQUIRED_KERAS_MAJOR} "
            '(pip install "keras>=3.3,<4")'
        )
    return None


def _device_summary(tf) -> str:
    gpus = tf.config.list_physical_devices("GPU")
    cores = os.cpu_count() or 1
    if gpus:
        return f"{len(gpus)} GPU(s) + CPU ({cores} cores)"
    return f"CPU only ({cores} cores)"


def build_optimizer_before_training() -> bool:
    """Make ``fit`` create the optimizer's variables before it traces the training step.

    Keras 3 on TensorFlow, with no distribution strategy, creates the optimizer's variables
    (Adam's two moments per weight) inside the first traced training step, and a
    ``tf.function`` that creates variables is traced twice. So every model paid for two traces
    of its training step: about 1-2 s per model on a 2-core CPU, most of the fixed cost of a
    small recurrent model (measured 2026-12-07: a first epoch of 2.7-3.1 s became 1.7-1.8 s).
    After this call, ``fit`` (and ``train_on_batch``) of a built model (one with a
    ``keras.Input``) first builds its optimizer for ``model.trainable_variables``, the very
    call Keras makes inside the trace, so the variables, their zeros and their order are the
    same and the trained weights are bit-identical (``tests/test_runtime.py``). Nothing changes
    before the first ``fit``: ``summary()`` after ``compile`` shows no optimizer parameters, as
    with plain Keras. Not covered: a model compiled with ``metrics=[...]`` still creates the
    metrics' variables in its first trace (so it is still traced twice), and unbuilt models,
    models under a distribution strategy (Keras builds those itself) and other backends are
    left to Keras.

    Returns ``True`` if it installed the change now, ``False`` if it was already in place.
    :func:`start` calls it.

    Examples
    --------
    >>> import keras, numpy as np
    >>> build_optimizer_before_training() in (True, False)
    True
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> model.optimizer.built  # as in Keras: not before training
    False
    >>> x = np.ones((4, 3), "float32")
    >>> model.fit(x, x[:, 0], epochs=1, verbose=0).epoch
    [0]
    >>> model.optimizer.built
    True
    """
    import functools

    import keras

    owner = next(cls for cls in keras.Model.__mro__ if "make_train_function" in vars(cls))
    make_train_function = owner.make_train_function
    if getattr(make_train_function, "_course_builds_optimizer", False):
        return False

    @functools.wraps(make_train_function)
    def wrapper(self, *args, **kwargs):
        optimizer = getattr(self, "optimizer", None)
        if (
            keras.backend.backend() == "tensorflow"
            and getattr(self, "_distribute_strategy", None) is None
            and self.built
            and optimizer is not None
            and not optimizer.built
        ):
            optimizer.build(self.trainable_variables)
        return make_train_function(self, *args, **kwargs)

    wrapper._course_builds_optimizer = True  # type: ignore[attr-defined]
    owner.make_train_function = wrapper
    return True


def start(
    seed: int = 42,
    threads: int | None = None,
    threads_per_op: int | None = None,
    onednn: bool = False,
) -> None:
    """Prepare a notebook: quiet, seeded, deterministic TensorFlow, then one summary line.

    Call it in the first code cell, before anything imports TensorFlow or Keras:

    1. sets ``TF_CPP_MIN_LOG_LEVEL=2``, ``TF_ENABLE_ONEDNN_OPTS=0`` (``1`` with
       ``onednn=True``, see below) and ``KERAS_BACKEND=tensorflow`` (warns if TensorFlow was
       already imported, since they then come too late);
    2. seeds Python's ``random``, NumPy's global generator and TensorFlow with
       ``keras.utils.set_random_seed(seed)``;
    3. calls ``tf.config.experimental.enable_op_determinism()``;
    4. inside a Jupyter kernel, filters the known-harmless C++ log lines that determinism (and
       ``onednn=True``) make TensorFlow 2.21 print (:data:`KNOWN_NATIVE_NOISE`);
    5. makes ``fit`` build the optimizer before it traces the training step
       (:func:`build_optimizer_before_training`): TensorFlow then traces a model's training
       step once instead of twice, with bit-identical results;
    6. with ``threads=n``, runs TensorFlow's operations on ``n`` threads (both of its thread
       pools) instead of one per core; with ``threads_per_op=k``, gives each operation ``k``
       threads (the "intra-op" pool) while up to ``threads`` operations, or one per core, run
       at once (the "inter-op" pool); see below;
    7. prints versions and devices on one line.

    ``threads=1`` is for notebooks whose models are small (a few thousand to a few ten
    thousand weights) and that run beside other work, such as the course's test suite.
    Measured on a 2-core machine (``benchmarks/results/threads.md``, section 1): alone, the
    default pools trained such models 10-25 % faster, but one thread used 14-20 % less CPU time,
    so beside other work it keeps the notebook on one core and leaves the other free. Larger
    models (lesson 06's character LSTM) gain from the second core (one thread for everything
    takes a quarter longer); they use ``threads_per_op=1``: each operation on one thread, one
    operation per core at once. Measured on one epoch of lesson 06's training
    (``benchmarks/results/threads.md``, section 2), it took the default's wall time (19.4
    against 19.1 s) for 13 % less CPU time, and it trained to the same weights as ``threads=1``
    in every run, which the default did not: its weights do not depend on whether one or two
    operations run at once. The small models train to the same weights, bit for bit, with any
    of these settings (``tests/test_runtime.py``). It must come before TensorFlow runs its
    first operation: in a kernel that already ran one, ``start`` warns and keeps the threads it has.

    ``onednn=True`` lets TensorFlow replace its own CPU kernels by oneDNN's (matrix products
    fused with their bias and activation, among others). They add floating-point numbers in
    another order, which depends on the CPU's instruction set, so the course leaves them off
    where it does not need the speed: results then differ between CPUs only where the
    instruction set changes TensorFlow's own kernels. Run twice on one machine, a model still
    trains to the same weights, bit for bit (``tests/test_runtime.py``). Lesson 06 turns them
    on: with the AVX2 instructions the test suite uses, an epoch of its character LSTM took
    from about the same to half the wall time, depending on the machine's state; with AVX-512,
    the same wall time for a quarter less CPU time (``benchmarks/results/threads.md``, section
    3). The small models of the other lessons ran no faster with them.

    Examples
    --------
    >>> import course_utils as cu
    >>> cu.start(seed=42)  # doctest: +SKIP
    lstm-course · Python 3.11.7 · TensorFlow 2.21.0 · Keras 3.15.1 · NumPy 2.4.6 · ...

    Raises
    ------
    TypeError
        ``seed``, ``threads`` or ``threads_per_op`` is not an int, or ``onednn`` not a bool.
    ValueError
        ``seed`` is negative or does not fit in 32 bits, or ``threads`` or
        ``threads_per_op`` is below 1.
    """
    from course_utils import validate  # here: importing course_utils stays free of NumPy

    seed = validate.seed(seed, below_2_32=True)
    if threads is not None:
        threads = validate.positive_int(threads, "threads")
    if threads_per_op is not None:
        threads_per_op = validate.positive_int(threads_per_op, "threads_per_op")
    if not isinstance(onednn, bool):
        raise TypeError(f"onednn must be True or False, not {onednn!r}")
    late = _configure_environment(onednn)
    if late:
        warnings.warn(
            "TensorFlow or Keras was imported before cu.start(), so these settings come too "
            f"late: {', '.join(late)}. Restart the kernel and run the cu.start() cell first.",
            RuntimeWarning,
            stacklevel=2,
        )
    _configure_matplotlib()
    if onednn and _in_jupyter_kernel():
        filter_native_stderr()  # before TensorFlow loads: it logs oneDNN's line as it loads

    import keras
    import numpy as np
    import tensorflow as tf

    if threads is not None or threads_per_op is not None:
        _use_threads(tf, threads, threads_per_op)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    build_optimizer_before_training()
    if _in_jupyter_kernel():
        filter_native_stderr()  # no-op if installed above
    random.seed(seed)  # set_random_seed does this too; explicit for the reader
    print(
        f"lstm-course · Python {platform.python_version()} · TensorFlow {tf.__version__} · "
        f"Keras {keras.__version__} · NumPy {np.__version__} · {_device_summary(tf)} · "
        f"{_threads_summary(tf)}seed {seed}"
    )


def _use_threads(tf, threads: int | None, threads_per_op: int | None) -> None:
    """TensorFlow's thread pools at ``threads`` operations at once and ``threads_per_op``
    (else ``threads``) threads per operation, or a warning if it is too late."""
    config = tf.config.threading
    inter = threads or 0  # 0 is TensorFlow's "one per core"
    intra = threads_per_op or threads or 0
    if (config.get_inter_op_parallelism_threads(), config.get_intra_op_parallelism_threads()) == (
        inter,
        intra,
    ):
        return
    try:
        config.set_inter_op_parallelism_threads(inter)
        config.set_intra_op_parallelism_threads(intra)
    except RuntimeError:  # TensorFlow has run an operation already: its pools are fixed
        asked = ", ".join(
            f"{name}={value}"
            for name, value in (("threads", threads), ("threads_per_op", threads_per_op))
            if value is not None
        )
        warnings.warn(
            f"cu.start({asked}) comes too late: TensorFlow already runs operations "
            "in this kernel with its own thread pools. Restart the kernel and run the "
            "cu.start() cell first.",
            RuntimeWarning,
            stacklevel=3,
        )


def _threads_summary(tf) -> str:
    """``"1 thread · "``, ``"1 thread per op · "`` or ``"2 ops at once, 1 thread per op · "``
    when the pools were set (0 means TensorFlow's choice, one per core)."""
    intra = tf.config.threading.get_intra_op_parallelism_threads()
    inter = tf.config.threading.get_inter_op_parallelism_threads()
    if not intra and not inter:
        return ""
    if inter == intra:
        return f"{inter} thread{'s' if inter > 1 else ''} · "
    per_op = f"{intra} thread{'s' if intra > 1 else ''} per op" if intra else ""
    at_once = f"{inter} op{'s' if inter > 1 else ''} at once" if inter else ""
    return ", ".join(part for part in (at_once, per_op) if part) + " · "


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as the doctor shows it: no user name or machine-specific folder in it.

    A path inside the active virtual environment starts with ``<venv>``, one inside the course's
    folder is relative to it, one in the home folder starts with ``~``; other paths (the
    system's Python) are shown as they are.

    >>> display_path(os.path.join(sys.prefix, "bin", "python")).endswith("python")
    True
    >>> display_path(os.path.join(os.path.expanduser("~"), "x", "python"))
    '~/x/python'
    """
    from pathlib import Path

    target = Path(os.path.abspath(path))
    places = []
    if sys.prefix != sys.base_prefix:
        places.append((Path(sys.prefix), "<venv>"))
    places.append((Path(__file__).resolve().parent.parent, "."))
    places.append((Path(os.path.expanduser("~")), "~"))
    for folder, shown in places:
        try:
            rest = target.relative_to(folder)
        except ValueError:
            continue
        return (Path(shown) / rest).as_posix() if shown != "." else rest.as_posix()
    return target.as_posix()


def doctor(verbose: bool = True) -> list[str]:
    """Check the installation; print a report and return the list of problems found.

    Checks the Python version, that TensorFlow and Keras import, that Keras' major version
    is 3 and its backend is TensorFlow, and reports NumPy, the devices and the threads.
    Also available as ``python -m course_utils doctor`` (exit status 1 if problems).

    Examples
    --------
    >>> import course_utils as cu
    >>> problems = cu.doctor(verbose=False)
    >>> problems
    []
    """
    problems: list[str] = []
    report: list[tuple[str, str]] = []
    report.append(("Python", f"{platform.python_version()} ({display_path(sys.executable)})"))
    if sys.version_info[:2] < MIN_PYTHON:
        problems.append(f"Python {platform.python_version()} is too old: the course needs 3.10+")
    _configure_environment()

    try:
        import numpy as np

        report.append(("NumPy", np.__version__))
    except ImportError as exc:  # pragma: no cover - numpy is a dependency
        problems.append(f"NumPy does not import: {exc}")

    try:
        import tensorflow as tf
    except ImportError as exc:
        tf = None
        problems.append(f"TensorFlow does not import ({exc}); install the course: pip install -e .")
    else:
        report.append(("TensorFlow", tf.__version__))
        report.append(("Devices", _device_summary(tf)))
        intra = tf.config.threading.get_intra_op_parallelism_threads()
        inter = tf.config.threading.get_inter_op_parallelism_threads()
        report.append(
            ("Threads", f"intra-op {intra or 'auto'}, inter-op {inter or 'auto'} (0 = auto)")
        )

    try:
        import keras
    except ImportError as exc:
        problems.append(f"Keras does not import ({exc}); install the course: pip install -e .")
    else:
        report.append(("Keras", f"{keras.__version__} (backend {keras.backend.backend()})"))
        problem = keras_major_problem(keras.__version__)
        if problem:
            problems.append(problem)
        if keras.backend.backend() != "tensorflow":
            problems.append(
                f"Keras uses the {keras.backend.backend()!r} backend; the course needs "
                "'tensorflow' (unset KERAS_BACKEND or set it to tensorflow)"
            )
    reordered = os.environ.get("TF_ENABLE_ONEDNN_OPTS") != "0"
    report.append(
        ("CPU math", "reordered sums (results vary by CPU)" if reordered else "reproducible order")
    )

    if verbose:
        width = max(len(name) for name, _ in report)
        print("lstm-course doctor")
        for name, value in report:
            print(f"  {name:<{width}}  {value}")
        if problems:
            print("Problems:")
            for problem in problems:
                print(f"  ✗ {problem}")
        else:
            print("No problems found.")
    return problems
