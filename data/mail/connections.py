"""Connections to the mail servers that keep to a deadline for each whole exchange.

A socket's own timeout counts per read: a server that answers one byte every few seconds
never trips it, and one exchange can go on for hours. Here every read, write and TLS
handshake of a connection waits at most for what is left of the exchange under way, so a
crawling or stalled server ends the exchange when its deadline passes, whatever the library
on top (imaplib, imapclient, smtplib) does between reads.

Imported with the mail servers' libraries, when mail is used.
"""

from __future__ import annotations

import imaplib
import smtplib
import socket
import ssl
import time
from typing import TYPE_CHECKING

from imapclient import IMAPClient

if TYPE_CHECKING:
    from data.mail.mailboxes import Server


class Deadline:
    """When the exchange under way must be over, and what it is, in words."""

    def __init__(self, doing: str, seconds: float) -> None:
        self.start(doing, seconds)

    def start(self, doing: str, seconds: float) -> None:
        self.doing, self.seconds = doing, seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"gave up after {self.seconds:g} s while {self.doing}")
        return left

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.end

    def tls(self) -> ssl.SSLContext:
        """A verifying TLS context whose sockets keep to this deadline."""
        context = ssl.create_default_context()
        context.sslsocket_class = type("TimedSSLSocket", (TimedSSLSocket,), {"deadline": self})
        return context


class TimedSocket(socket.socket):
    deadline: Deadline

    def recv(self, *args):
        self.settimeout(self.deadline.left())
        return super().recv(*args)

    def recv_into(self, *args):
        self.settimeout(self.deadline.left())
        return super().recv_into(*args)

    def send(self, *args):
        self.settimeout(self.deadline.left())
        return super().send(*args)

    def sendall(self, *args):
        self.settimeout(self.deadline.left())
        return super().sendall(*args)


class TimedSSLSocket(ssl.SSLSocket):
    """recv and recv_into read through ``read``, sendall writes through ``send``."""

    deadline: Deadline

    def do_handshake(self, *args):
        self.settimeout(self.deadline.left())
        return super().do_handshake(*args)

    def read(self, *args):
        self.settimeout(self.deadline.left())
        return super().read(*args)

    def write(self, *args):
        self.settimeout(self.deadline.left())
        return super().write(*args)

    def send(self, *args):
        self.settimeout(self.deadline.left())
        return super().send(*args)


def connect(host: str, port: int, deadline: Deadline, secure: bool) -> socket.socket:
    """A connection to host:port, in TLS from the first byte when ``secure``."""
    plain = socket.create_connection((host, port), timeout=deadline.left())
    timed = TimedSocket(fileno=plain.detach())
    timed.deadline = deadline
    if not secure:
        return timed
    try:
        return deadline.tls().wrap_socket(timed, server_hostname=host)
    except BaseException:
        timed.close()
        raise


class TimedIMAP4(imaplib.IMAP4):
    def __init__(self, where: Server, deadline: Deadline) -> None:
        self.where, self.deadline = where, deadline
        super().__init__(where.host, where.port, timeout=deadline.seconds)

    def _create_socket(self, timeout):
        return connect(self.where.host, self.where.port, self.deadline, self.where.secure)

    def _get_capabilities(self):
        self.deadline.doing = "asking what the server offers (CAPABILITY)"  # the greeting came: say so
        return super()._get_capabilities()


class TimedIMAPClient(IMAPClient):
    def __init__(self, where: Server, deadline: Deadline) -> None:
        self.where, self.deadline = where, deadline
        super().__init__(where.host, where.port, ssl=where.secure, timeout=deadline.seconds)
        # IMAPClient sets imaplib's debugging on, which writes out every literal it reads (a
        # whole message) as text before its logger throws the text away: four times a
        # message's size in memory, for nothing.
        self._imap.debug = 0

    def _create_IMAP4(self):
        return TimedIMAP4(self.where, self.deadline)


class TimedSMTP(smtplib.SMTP):
    def __init__(self, where: Server, deadline: Deadline) -> None:
        self.where, self.deadline = where, deadline
        super().__init__(where.host, where.port, timeout=deadline.seconds)

    def _get_socket(self, host, port, timeout):
        return connect(host, port, self.deadline, self.where.secure)
