"""Helpers of the browser tier: find a Chromium, pick a free port, start `make lab`, stop it.

The browser tests drive JupyterLab the way a learner does, through the page. Playwright cannot
download its own browser here (the suite runs offline), so it launches the system's Chromium,
found on ``PATH`` or named by ``LSTM_COURSE_CHROMIUM``. Without one the tier is skipped, unless
``LSTM_COURSE_REQUIRE_BROWSER=1`` (set by ``.ci/run``) turns that skip into a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # screenshots (git-ignored)
LESSON_00 = "notebooks/00_setup_and_tour.ipynb"
EXERCISES_03 = "exercises/03_sine_forecasting_exercises.ipynb"
CHROMIUM_ENV = "LSTM_COURSE_CHROMIUM"
REQUIRE_ENV = "LSTM_COURSE_REQUIRE_BROWSER"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HOW_TO_ENABLE = (
    "the browser tier needs Chromium: install it (Debian/Ubuntu: `apt-get install chromium`) "
    f"or set {CHROMIUM_ENV}=/path/to/chromium"
)
# Headless, and quiet on the network: no sync, no component or field-trial downloads, no QUIC.
# --no-sandbox because CI containers run as root, where Chromium's sandbox refuses to start.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium(
    env: Mapping[str, str] | None = None, which: Callable[[str], str | None] = shutil.which
) -> str | None:
    """The Chromium to launch: ``$LSTM_COURSE_CHROMIUM`` if set, else the first one on PATH.

    Returns None when there is none. A variable that names no executable is an error, not a
    reason to skip: whoever set it wants the browser tier to run.

    >>> find_chromium({}, which={"chromium-browser": "/usr/bin/chromium-browser"}.get)
    '/usr/bin/chromium-browser'
    >>> find_chromium({}, which=lambda name: None) is None
    True
    """
    env = os.environ if env is None else env
    chosen = env.get(CHROMIUM_ENV, "").strip()
    if chosen:
        found = which(chosen)
        if not found:
            raise FileNotFoundError(f"{CHROMIUM_ENV}={chosen!r} is not an executable program")
        return found
    for name in CHROMIUM_NAMES:
        found = which(name)
        if found:
            return found
    return None


def unavailable_reason(
    env: Mapping[str, str] | None = None, which: Callable[[str], str | None] = shutil.which
) -> str | None:
    """Why the browser tier cannot run here (no Playwright, no Chromium), or None if it can.

    >>> unavailable_reason({}, which=lambda name: None) == HOW_TO_ENABLE
    True
    """
    if importlib.util.find_spec("playwright") is None:
        return "the browser tier needs Playwright: pip install -e '.[test]'"
    try:
        found = find_chromium(env, which)
    except FileNotFoundError as error:
        return str(error)
    return HOW_TO_ENABLE if found is None else None


def may_skip(env: Mapping[str, str] | None = None) -> bool:
    """False when a missing browser must fail, not skip: in CI, or when a Chromium was named.

    >>> may_skip({}), may_skip({REQUIRE_ENV: "1"}), may_skip({CHROMIUM_ENV: "/no/such"})
    (True, False, False)
    """
    env = os.environ if env is None else env
    return not browser_required(env) and not env.get(CHROMIUM_ENV, "").strip()


def browser_required(env: Mapping[str, str] | None = None) -> bool:
    """True when a missing browser must fail the suite instead of skipping the tier (CI).

    >>> browser_required({REQUIRE_ENV: "1"}), browser_required({})
    (True, False)
    """
    env = os.environ if env is None else env
    return env.get(REQUIRE_ENV, "").strip() not in ("", "0")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nothing listens on right now (the OS picks it).

    >>> 1024 <= free_port() <= 65535
    True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def lab_args(port: int, token: str, root_dir: Path, euid: int | None = None) -> str:
    """The ``LAB_ARGS`` of ``make lab`` for a test server: loopback, this port, this token.

    ``--allow-root`` only when running as root (CI containers), where JupyterLab needs it.

    >>> lab_args(8888, "abc", Path("/tmp/x"), euid=1000).split()[:2]
    ['--no-browser', '--ServerApp.ip=127.0.0.1']
    >>> lab_args(8888, "abc", Path("/tmp/x"), euid=0).endswith("--allow-root")
    True
    """
    euid = os.geteuid() if euid is None else euid
    args = [
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
    ]
    if euid == 0:
        args.append("--allow-root")
    return " ".join(args)


# --- processes ---------------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, str, str] | None:
    """(parent pid, state, start time) of a live process, from /proc; None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (name) "
    return int(fields[1]), fields[0], fields[19]


def descendants(pid: int) -> dict[int, str]:
    """Every live process below ``pid`` (children, grandchildren...), with its start time.

    The start time tells a process from a later one that reuses its pid.

    >>> child = subprocess.Popen(["sleep", "5"])
    >>> child.pid in descendants(os.getpid())
    True
    >>> child.kill(); child.wait()
    -9
    """
    parents: dict[int, list[int]] = {}
    started: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat:
                parents.setdefault(stat[0], []).append(int(entry.name))
                started[int(entry.name)] = stat[2]
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found[child] = started[child]
                todo.append(child)
    return found


def command_line(pid: int) -> str:
    """The command line of a process ("" if it is gone).

    >>> "python" in command_line(os.getpid())
    True
    """
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()


def still_running(processes: Mapping[int, str]) -> list[int]:
    """The pids of ``processes`` (pid → start time) that still run (zombies count as gone).

    >>> still_running({os.getpid(): _stat(os.getpid())[2]}) == [os.getpid()]
    True
    """
    alive = []
    for pid, start in processes.items():
        stat = _stat(pid)
        if stat and stat[2] == start and stat[1] != "Z":
            alive.append(pid)
    return alive


class LabServer:
    """JupyterLab started with ``make lab`` (the learner's command), on loopback with a token.

    ``stop()`` asks the server to shut down (it stops its kernels), waits, escalates to SIGTERM
    and SIGKILL if needed, and returns the pids of processes it started that are still running.

    >>> LabServer.__name__
    'LabServer'
    """

    def __init__(self, repo: Path, root_dir: Path, start: str, home: Path, timeout: float = 120):
        self.port = free_port()
        self.token = os.urandom(16).hex()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = home / "jupyterlab.log"
        # A fresh user profile, as a new learner has: no settings, workspaces or runtime files
        # of whoever runs the tests; the environment's overrides.json still applies.
        # The runtime folder holds the kernels' ipc sockets, whose paths a Unix socket limits to
        # about 107 bytes: a short folder of its own, not one below pytest's (longer under xdist).
        self.runtime_dir = Path(tempfile.mkdtemp(prefix="lab-rt-"))
        env = dict(
            os.environ,
            JUPYTER_RUNTIME_DIR=str(self.runtime_dir),
            JUPYTERLAB_SETTINGS_DIR=str(home / "user-settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        )
        command = [
            "make",
            "--no-print-directory",
            "-o",
            ".venv/.installed",  # the environment as installed; `make test` just made it
            "lab",
            f"LAB_START={root_dir / start}",  # make lab's first notebook, in the served copy
            f"BIN={Path(sys.executable).parent}",
            f"LAB_ARGS={lab_args(self.port, self.token, root_dir)}",
        ]
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            command,
            cwd=repo,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.children: dict[int, str] = {}  # what ran below `make lab` when stop() began
        self.commands: dict[int, str] = {}  # their command lines
        self._stopped: list[int] | None = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"`make lab` exited early:\n{self.output()[-3000:]}")
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer in {timeout:.0f} s:\n{self.output()}")

    def api(self, path: str, method: str = "GET") -> object:
        """Call the server's REST API (to start and stop it and read files, never to run cells)."""
        request = urllib.request.Request(
            f"{self.url}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            body = response.read()
        return json.loads(body) if body else None

    def page_url(self, path: str) -> str:
        """The address of a notebook in the page (``path`` relative to the served folder)."""
        return f"{self.url}/lab/tree/{path}?token={self.token}"

    def output(self) -> str:
        """What `make lab` printed so far."""
        if not self._log_file.closed:
            self._log_file.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 30) -> list[int]:
        """Shut the server and its kernels down; return the pids left running (should be [])."""
        if self._stopped is not None:
            return self._stopped
        self.children = descendants(self.process.pid)
        self.commands = {pid: command_line(pid) for pid in self.children}
        try:
            self.api("shutdown", method="POST")
        except OSError:
            pass
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        deadline = time.monotonic() + 10
        left = still_running(self.children)
        while left and time.monotonic() < deadline:
            time.sleep(0.2)
            left = still_running(self.children)
        for pid in left:  # report them, but leave nothing behind either way
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        self._log_file.close()
        shutil.rmtree(self.runtime_dir, ignore_errors=True)
        self._stopped = left
        return left
