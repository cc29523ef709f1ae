"""Offline guard for the test suite, loaded by every Python process the tests start.

``tests/conftest.py`` puts this folder on ``PYTHONPATH`` and sets ``LSTM_COURSE_OFFLINE=1``, so
the notebook kernels that nbval and nbclient start import this file too. Any attempt to resolve
a host name or connect a socket to a non-loopback address raises :class:`NetworkBlocked` and is
logged to the file named by ``LSTM_COURSE_NETWORK_LOG``; the suite fails if that file is not
empty, even if the code that tried caught the exception.
"""

from __future__ import annotations

import ipaddress
import os
import socket

LOCAL_NAMES = {"localhost", "ip6-localhost", "ip6-loopback", ""}


class NetworkBlocked(RuntimeError):
    """Raised when code under test tries to reach the network."""


def is_local(host: object) -> bool:
    """True for loopback addresses and names (what the tests may talk to)."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    host = host.strip("[]").split("%", 1)[0].lower()
    if host in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _blocked(what: str) -> NetworkBlocked:
    log = os.environ.get("LSTM_COURSE_NETWORK_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"pid {os.getpid()}: {what}\n")
    return NetworkBlocked(f"the lstm-course tests run offline; blocked {what}")


def install() -> None:
    """Patch ``socket`` so that only loopback connections and look-ups go through."""
    if getattr(socket, "_lstm_course_guarded", False):
        return
    inet = {socket.AF_INET, socket.AF_INET6}
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        if self.family in inet and not is_local(address[0]):
            raise _blocked(f"a connection to {address!r}")
        return real_connect(self, address)

    def connect_ex(self, address):
        if self.family in inet and not is_local(address[0]):
            raise _blocked(f"a connection to {address!r}")
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if not is_local(host):
            raise _blocked(f"a look-up of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo
    socket._lstm_course_guarded = True


if os.environ.get("LSTM_COURSE_OFFLINE") == "1":
    install()
