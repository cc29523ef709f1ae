"""Unit tests of the browser tier's helpers (fast tier: no browser, no JupyterLab)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
from lab_browser import (
    CHROMIUM_ENV,
    CHROMIUM_NAMES,
    HOW_TO_ENABLE,
    REQUIRE_ENV,
    browser_required,
    command_line,
    descendants,
    find_chromium,
    free_port,
    lab_args,
    may_skip,
    still_running,
    unavailable_reason,
)


def _which(available: dict[str, str]):
    return available.get


def test_find_chromium_takes_the_first_name_found_on_path():
    found = {"google-chrome": "/opt/google/chrome", "chromium-browser": "/usr/bin/chromium-browser"}
    assert find_chromium({}, which=_which(found)) == "/usr/bin/chromium-browser"
    assert find_chromium({}, which=_which({"chromium": "/usr/bin/chromium"})) == "/usr/bin/chromium"
    assert CHROMIUM_NAMES[0] == "chromium"


def test_find_chromium_returns_none_when_there_is_none():
    assert find_chromium({}, which=_which({})) is None
    assert find_chromium({CHROMIUM_ENV: "  "}, which=_which({})) is None  # blank = unset


def test_the_environment_variable_wins_over_path(tmp_path):
    program = tmp_path / "my-chrome"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    env = {CHROMIUM_ENV: str(program)}
    # the real shutil.which: an absolute path to an executable is accepted as it is
    assert find_chromium(env) == str(program)
    assert find_chromium(env, which=_which({str(program): str(program)})) == str(program)


def test_a_variable_naming_no_program_is_an_error_not_a_skip(tmp_path):
    not_executable = tmp_path / "chrome.txt"
    not_executable.write_text("not a program")
    for value in (str(tmp_path / "missing"), str(not_executable)):
        with pytest.raises(FileNotFoundError, match=CHROMIUM_ENV):
            find_chromium({CHROMIUM_ENV: value})


def test_browser_required_reads_the_ci_variable():
    assert browser_required({REQUIRE_ENV: "1"})
    assert not browser_required({REQUIRE_ENV: "0"})
    assert not browser_required({REQUIRE_ENV: ""})
    assert not browser_required({})


def test_unavailable_reason_names_what_to_install_and_who_may_skip(tmp_path):
    assert unavailable_reason({}, which=_which({})) == HOW_TO_ENABLE
    assert unavailable_reason({}, which=_which({"chromium": "/usr/bin/chromium"})) is None
    bad = {CHROMIUM_ENV: str(tmp_path / "missing")}
    assert CHROMIUM_ENV in unavailable_reason(bad)
    assert may_skip({}) and not may_skip(bad) and not may_skip({REQUIRE_ENV: "1"})


def test_free_port_can_be_listened_on_at_once():
    port = free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
        server.listen()
    assert len({free_port() for _ in range(5)}) >= 2  # the OS picks, not a constant


def test_lab_args_are_loopback_with_token_and_root_only_for_root(tmp_path):
    args = lab_args(8123, "secret", tmp_path, euid=1000).split()
    assert "--ServerApp.ip=127.0.0.1" in args
    assert "--ServerApp.port=8123" in args and "--ServerApp.port_retries=0" in args
    assert "--IdentityProvider.token=secret" in args
    assert f"--ServerApp.root_dir={tmp_path}" in args
    assert "--no-browser" in args
    assert "--allow-root" not in args
    assert lab_args(8123, "secret", tmp_path, euid=0).split()[-1] == "--allow-root"


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc (Linux)")
def test_descendants_and_still_running_follow_a_process_tree():
    # a shell whose child sleeps: both are descendants of this process, then both are gone
    parent = subprocess.Popen(
        ["sh", "-c", f"{sys.executable} -c 'import time; time.sleep(30)' & wait"]
    )
    try:
        deadline = time.monotonic() + 10
        seen = {}
        while len(seen) < 2 and time.monotonic() < deadline:
            seen = {
                pid: start
                for pid, start in descendants(os.getpid()).items()
                if pid == parent.pid or "time.sleep(30)" in command_line(pid)
            }
            time.sleep(0.05)
        assert parent.pid in seen and len(seen) == 2, seen
        assert sorted(still_running(seen)) == sorted(seen)
    finally:
        for pid in seen:
            os.kill(pid, 9)
        parent.wait()
    time.sleep(0.2)
    assert still_running(seen) == []
    # a pid now used by another process (another start time) does not count as still running
    assert still_running({os.getpid(): "0"}) == []
