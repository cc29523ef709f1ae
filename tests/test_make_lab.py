"""`make lab` starts a quiet, offline JupyterLab at lesson 00 (loopback only in the tests).

The learner's path through the page itself is tested in tests/browser/.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSON_00 = "notebooks/00_setup_and_tour.ipynb"
NOTIFICATION = "@jupyterlab/apputils-extension:notification"
EXTENSION_MANAGER = "@jupyterlab/extensionmanager-extension:plugin"
# nbgrader (in the dev extra, for tests/tooling/test_nbgrader_export.py) enables these on install;
# the course's JupyterLab loads none of them (they need a teacher's nbgrader course).
NBGRADER_SERVER_EXTENSIONS = {
    f"nbgrader.server_extensions.{name}"
    for name in ("assignment_list", "course_list", "formgrader", "validate_assignment")
}
NBGRADER_LAB_EXTENSION = "@jupyter/nbgrader"


def _make(*args: str) -> str:
    run = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout


def test_make_lab_opens_lesson_00():
    commands = [line for line in _make("-n", "lab").splitlines() if "jupyter lab" in line]
    assert len(commands) == 1 and commands[0].split()[2:3] == [LESSON_00], commands
    assert (ROOT / LESSON_00).exists()


def test_make_installs_quiet_offline_jupyterlab_settings(tmp_path):
    """The venv's overrides.json: no news question or fetch, no update check, no PyPI search;
    and the server's config: kernels on local sockets, no websocket warning."""
    bin_dir = tmp_path / "env" / "bin"
    target = bin_dir / ".." / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    _make(str(target), f"BIN={bin_dir}")
    settings = json.loads(target.read_text(encoding="utf-8"))
    assert settings[NOTIFICATION] == {"fetchNews": "false", "checkForUpdates": False}
    assert settings[EXTENSION_MANAGER] == {"enabled": False}
    server = json.loads(
        (bin_dir / ".." / "etc" / "jupyter" / "jupyter_server_config.json").read_text()
    )
    assert server["KernelManager"] == {"transport": "ipc"}  # no "TCP without encryption" warning
    disabled = server["ServerApp"]["jpserver_extensions"]
    assert disabled == dict.fromkeys(NBGRADER_SERVER_EXTENSIONS, False)
    page = json.loads(
        (bin_dir / ".." / "etc" / "jupyter" / "labconfig" / "page_config.json").read_text()
    )
    assert page["disabledExtensions"] == {NBGRADER_LAB_EXTENSION: True}


def test_every_server_extension_nbgrader_enables_is_disabled_for_make_lab():
    """If a new nbgrader version adds a server extension, the Makefile must disable it too."""
    enabled = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "nbgrader.json"
    if not enabled.exists():
        pytest.skip("nbgrader is not installed in this environment (pip install -e '.[dev]')")
    installed = json.loads(enabled.read_text())["ServerApp"]["jpserver_extensions"]
    assert set(installed) == NBGRADER_SERVER_EXTENSIONS
    lab = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / NBGRADER_LAB_EXTENSION
    assert (lab / "package.json").exists(), f"nbgrader's lab extension is not {lab.name}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_make_lab_serves_jupyterlab(tmp_path):
    port, token = _free_port(), secrets.token_hex(16)
    args = (
        f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} "
        f"--ServerApp.port_retries=0 --IdentityProvider.token={token}"
    )
    if os.geteuid() == 0:  # CI containers run as root, which JupyterLab refuses by default
        args += " --allow-root"
    env = dict(
        os.environ,
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "user-settings"),  # a new learner has none
    )
    # -o: take the environment as installed (make test just bootstrapped it); BIN: this
    # interpreter's scripts, so the test also works when run outside .venv (e.g. conda).
    command = [
        "make",
        "--no-print-directory",
        "-o",
        ".venv/.installed",
        "lab",
        f"BIN={Path(sys.executable).parent}",
        f"LAB_ARGS={args}",
    ]
    log = tmp_path / "make-lab.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/api/status?token={token}"
    status = notification = None
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    status = json.loads(response.read())
                    break
            except OSError:
                time.sleep(0.5)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/lab?token={token}", timeout=10
        ) as page:
            assert page.status == 200
            html = page.read().decode("utf-8", "replace")
            assert "JupyterLab" in html
        # nbgrader's lab extension is disabled in the page, its server side is not loaded
        config = re.search(r'<script id="jupyter-config-data"[^>]*>(.*?)</script>', html, re.S)
        assert config, "the /lab page carries no jupyter-config-data"
        assert NBGRADER_LAB_EXTENSION in json.loads(config[1])["disabledExtensions"]
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/formgrader?token={token}", timeout=10)
        assert missing.value.code == 404, "nbgrader's formgrader is served by make lab"
        # the settings JupyterLab hands the page: the environment's overrides.json applies
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/lab/api/settings/{NOTIFICATION}?token={token}", timeout=10
        ) as response:
            # overrides.json becomes the schema's defaults
            notification = json.loads(response.read())["schema"]["properties"]
        time.sleep(2)  # let the start-up finish printing (jupyter_lsp looks for servers)
    finally:
        startup = log.read_text(errors="replace")  # what the learner sees, before Ctrl+C
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        output = log.read_text(errors="replace")
    assert status is not None, f"JupyterLab did not answer on /api/status:\n{output[-3000:]}"
    assert "started" in status and "last_activity" in status
    assert notification["fetchNews"]["default"] == "false"
    assert notification["checkForUpdates"]["default"] is False
    noise = [
        line
        for line in startup.splitlines()
        if line.startswith(("[W", "[E")) and "404 GET /formgrader" not in line  # the probe above
    ]
    assert noise == [], f"make lab prints warnings a learner would have to understand: {noise}"
    assert "nbgrader.server_extensions" not in startup, f"make lab loads nbgrader:\n{startup}"
