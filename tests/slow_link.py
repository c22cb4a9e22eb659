"""A slow link in front of a real server: what a stalled or crawling server looks like.

``SlowLink(port)`` listens on a free localhost port and passes each connection on to the real
server at ``port``. What the client sends goes through at once; what the server answers is
held back: ``trickle`` seconds before each byte (a server that answers a byte every few
seconds), or not at all once ``stall_after`` bytes went through (a server that stops). The
server is real; only its pace is not.
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import suppress


class SlowLink:
    def __init__(self, port: int, *, trickle: float = 0.0, stall_after: int | None = None) -> None:
        self.target = port
        self.trickle = trickle
        self.stall_after = stall_after
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self._closing = threading.Event()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def __enter__(self) -> SlowLink:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._closing.set()
        for sock in [self.listener, *self._sockets]:
            with suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            self.connections += 1
            self._sockets += [client, server]
            threading.Thread(target=self._pass, args=(client, server, 0.0, None), daemon=True).start()
            threading.Thread(target=self._pass, args=(server, client, self.trickle, self.stall_after), daemon=True).start()

    def _pass(self, source: socket.socket, target: socket.socket, pause: float, stall_after: int | None) -> None:
        sent = 0
        try:
            while not self._closing.is_set():
                data = source.recv(65536)
                if not data:
                    break
                for start in range(0, len(data), 1 if pause else len(data)):
                    chunk = data[start:start + 1] if pause else data
                    if stall_after is not None and sent + len(chunk) > stall_after:
                        self._closing.wait()  # holds the connection open and says nothing more
                        return
                    if pause and self._closing.wait(pause):
                        return
                    target.sendall(chunk)
                    sent += len(chunk)
        except OSError:
            pass
        finally:
            with suppress(OSError):
                target.shutdown(socket.SHUT_WR)


def wait_until(condition, timeout: float = 10.0) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
