"""The suite is offline: the guard blocks and records any non-loopback access."""

import os
import socket
import subprocess
import sys

import lstm_course_netguard as netguard  # tests/netguard/sitecustomize.py (conftest.py)
import pytest


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.5.5.5", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        (b"localhost", True),
        ("0.0.0.0", True),
        (None, True),
        ("10.0.0.1", False),
        ("192.168.1.1", False),
        ("8.8.8.8", False),
        ("2001:db8::1", False),
        ("pypi.org", False),
        ("example.invalid", False),
        (12345, False),
    ],
)
def test_what_counts_as_local(host, local):
    assert netguard.is_local(host) is local


def test_lookups_of_outside_names_are_blocked_and_logged(tmp_path, monkeypatch):
    log = tmp_path / "net.log"
    monkeypatch.setenv("LSTM_COURSE_NETWORK_LOG", str(log))
    with pytest.raises(netguard.NetworkBlocked, match=r"blocked a look-up of 'example\.invalid'"):
        socket.getaddrinfo("example.invalid", 80)
    assert "example.invalid" in log.read_text()


def test_loopback_still_works():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=5)
    client.close()
    server.close()


def test_child_processes_are_guarded_too(tmp_path):
    log = tmp_path / "child.log"
    env = dict(os.environ, LSTM_COURSE_NETWORK_LOG=str(log))
    code = (
        "import urllib.request\n"
        "try:\n"
        "    urllib.request.urlopen('http://example.invalid/', timeout=2)\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.stdout.strip() == "NetworkBlocked", run.stdout + run.stderr
    assert "example.invalid" in log.read_text()
