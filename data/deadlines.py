"""A deadline for a whole exchange with a server on the network, not only for each read.

A socket's timeout bounds one read: a server that answers a byte every few seconds never
trips it, and keeps the exchange going for as long as it likes. A Deadline shuts the
exchange's sockets once its time is up, so that the read waiting on them returns at once
and the exchange ends in the error its caller says in a sentence (``expired`` tells it why).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import suppress

Sockets = Callable[[], Iterable["socket.socket | None"]]


class Deadline:
    """``with Deadline(seconds, sockets):`` — ``sockets()`` names the exchange's open sockets
    at the moment the time is up (they change as it goes: a connection made, a data channel)."""

    def __init__(self, seconds: float, sockets: Sockets) -> None:
        self.seconds = seconds
        self.expired = False
        self._until = time.monotonic() + seconds
        self._sockets = sockets
        self._lock = threading.Lock()
        self._ended = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.end()

    def start(self) -> None:
        self._until = time.monotonic() + self.seconds
        self._timer.start()

    @property
    def passed(self) -> bool:
        """The time is up: the sockets were shut, or a read's own timeout came at the same moment."""
        return self.expired or time.monotonic() >= self._until

    def words(self) -> str:
        return f"{round(self.seconds, 1):g} s"

    def end(self) -> None:
        """The exchange is over: its sockets are the caller's to close, never shut after this."""
        with self._lock:
            self._ended = True
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            if self._ended:
                return
            self.expired = True
            for sock in self._sockets():
                if sock is not None:
                    shut(sock)


def shut(sock: socket.socket) -> None:
    """Both ways, so a read waiting on it returns. The plain socket's shutdown, also for a TLS
    socket: its own would take its state from under the read another thread is in."""
    with suppress(OSError, ValueError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
