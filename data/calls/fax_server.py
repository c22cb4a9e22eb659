"""The fax server's own account of its jobs and received faxes: HylaFAX's client protocol.

hfaxd speaks an FTP-like protocol (port 4559), so the standard library's ftplib reaches it:
``JOBFMT``/``RCVFMT`` choose the fields, ``LIST sendq|doneq|recvq`` lists them, ``JKILL``
cancels a job and ``RETR recvq/…`` brings a received fax. Everything the server says is
hostile text: it is made inert before it is kept, and what it may cost is bounded: a whole
conversation ends after DEADLINE seconds however slowly the server drips its answer, and a
listing or a received fax larger than any real one is not read.
"""

from __future__ import annotations

import ftplib
import getpass
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from data.deadlines import Deadline
from data.engine.errors import DataError
from data.engine.text import visible

DEFAULT_PORT = 4559
TIMEOUT = 15  # seconds of silence from the server before a read gives up
DEADLINE = 30  # seconds a whole conversation may take, from connecting to the last answer
MAX_LISTING = 4 << 20  # bytes of one queue's listing: a few hundred bytes a job
MAX_RECEIVED = 64 << 20  # bytes of one received fax: a page is some 50 KB
FIELD = "\x1f"  # between fields: a unit separator no job field holds
JOB_FIELDS = ("%j", "%a", "%t", "%u", "%P", "%J", "%s")  # the failure reason last: it may hold anything
JOB_FORMAT = FIELD.join(JOB_FIELDS)
RECEIVED_FORMAT = FIELD.join(("%f", "%Z", "%p", "%z", "%j", "%i", "%s", "%e"))
FAULTS = (OSError, EOFError, ftplib.Error, ValueError)  # ValueError: text that is not UTF-8
T = TypeVar("T")

STATE_WORDS = {  # HylaFAX's one-letter job states
    "P": "waiting for its time to send", "S": "waiting to try again", "B": "waiting behind another fax to the same number",
    "W": "waiting for a free line", "R": "being sent now", "T": "suspended at the fax server",
    "?": "in a state the fax server does not name", "D": "sent", "F": "given up",
}


class FaxServerError(DataError):
    """The fax server could not be reached or refused what was asked, in a sentence."""


class FaxNotTaken(FaxServerError):
    """A received fax that will never be taken in as it is (not a file name, too large)."""


class FaxServerUnreachable(FaxServerError):
    """Nothing answered at the fax server's address."""


@dataclass(frozen=True)
class JobState:
    job: str
    state: str  # one of STATE_WORDS
    tries: int
    max_tries: int
    pages: str  # "sent/total"
    reason: str  # why the last try failed, in the server's words
    tag: str = ""  # the job tag its client gave it (sendfax -i)

    @property
    def done(self) -> bool:
        return self.state == "D"

    @property
    def failed(self) -> bool:
        return self.state == "F"

    def words(self) -> str:
        said = STATE_WORDS.get(self.state, STATE_WORDS["?"])
        tries = f"; try {self.tries} of {self.max_tries}" if self.tries else ""
        return f"{said}{tries}{': ' + self.reason if self.reason else ''}"


@dataclass(frozen=True)
class ReceivedFax:
    file: str  # its name in the receive queue
    received_at: datetime
    pages: int
    receiving: bool  # still coming in: not yet to be taken
    caller_number: str  # the caller id (CIDNumber), else the sender's fax id (TSI)
    caller_name: str
    error: str


def split_address(address: str) -> tuple[str, int]:
    host, _, port = address.strip().rpartition(":") if ":" in address else (address.strip(), "", "")
    try:
        return host or "localhost", int(port) if port else DEFAULT_PORT
    except ValueError:
        raise FaxServerError(f"The fax server address {address!r} has no port number after ':'.") from None


def as_number(text: str) -> int:
    """A count or a time the server gave, 0 when it is none (or past any real one)."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else 0


class TooLarge(Exception):
    """An answer past what any real one comes to: the reading stops."""


class Client(ftplib.FTP):
    """ftplib's client, which keeps its open data connection for the deadline to shut."""

    data_connection: socket.socket | None = None

    def ntransfercmd(self, cmd: str, rest: int | str | None = None) -> tuple[socket.socket, int | None]:
        self.data_connection, size = super().ntransfercmd(cmd, rest)
        return self.data_connection, size


class FaxServer:
    """One conversation with hfaxd; use as ``with FaxServer(address) as server:``. It ends
    after DEADLINE seconds in a FaxServerError naming what was asked, however slowly the
    server answers."""

    def __init__(self, address: str, user: str = "") -> None:
        self.host, self.port = split_address(address)
        self.user = user or getpass.getuser()
        self.ftp = Client()
        self.deadline = Deadline(DEADLINE, lambda: (self.ftp.sock, self.ftp.data_connection))
        self.asking = ""  # what the server was last asked, in words

    def __enter__(self) -> FaxServer:
        self.deadline.start()
        self.asking = f"let {self.user} log in"
        try:
            self.ftp.connect(self.host, self.port, timeout=min(TIMEOUT, DEADLINE))
            self.ftp.login(self.user)
        except FAULTS as error:
            self.close()
            if self.deadline.passed or isinstance(error, TimeoutError):
                raise self.too_slow() from None
            raise FaxServerUnreachable(f"The fax server at {self.host}:{self.port} cannot be reached: {reason(error)}") from None
        if self.deadline.expired:  # an answer cut off half-way can read as a yes
            self.close()
            raise self.too_slow()
        return self

    def __exit__(self, *exc) -> None:
        try:
            if exc[0] is None and not self.deadline.passed:
                self.ftp.quit()
        except FAULTS:
            pass
        finally:
            self.close()

    def close(self) -> None:
        self.deadline.end()
        self.ftp.close()

    def ask(self, what: str, refused: str, exchange: Callable[[], T]) -> T:
        """Run one exchange; its failure said as ``refused`` with the server's reason, or as
        the server being too slow when it was."""
        self.asking = what
        try:
            answer = exchange()
        except FAULTS as error:
            if self.deadline.passed or isinstance(error, TimeoutError):
                raise self.too_slow() from None
            raise FaxServerError(f"{refused}: {reason(error)}") from None
        if self.deadline.expired:  # an answer cut off half-way can read as a yes
            raise self.too_slow()
        return answer

    def too_slow(self) -> FaxServerError:
        address = f"{self.host}:{self.port}"
        if self.deadline.passed:
            return FaxServerError(f"The fax server at {address} was asked to {self.asking} and had not answered in full"
                                  f" after {self.deadline.words()}: it is too slow or has stopped answering.")
        return FaxServerError(f"The fax server at {address} was asked to {self.asking} and said nothing more"
                              f" for {min(TIMEOUT, DEADLINE)} s: it has stopped answering.")

    def listing(self, fmt_command: str, queue: str, fields: int) -> list[list[str]]:
        """Each line of the queue's listing, split into ``fields`` fields (the last one takes
        the rest of the line); lines of fewer fields are left out."""
        lines: list[str] = []
        size = 0

        def keep(line: str) -> None:
            nonlocal size
            size += len(line) + 1
            if size > MAX_LISTING:
                raise TooLarge
            lines.append(line)

        def exchange() -> None:
            self.ftp.sendcmd(fmt_command)
            self.ftp.retrlines(f"LIST {queue}", keep)

        try:
            self.ask(f"list its {queue}", f"The fax server would not list its {queue}", exchange)
        except TooLarge:
            raise FaxServerError(f"The fax server at {self.host}:{self.port} listed more than {MAX_LISTING >> 20} MB"
                                 f" in its {queue}, more than any fax server keeps: not read.") from None
        split = (line.split(FIELD, fields - 1) for line in lines)
        return [parts for parts in split if len(parts) == fields]

    def jobs(self) -> dict[str, JobState]:
        """Every job the server still knows: waiting, running, done or failed."""
        jobs = {}
        for queue in ("sendq", "doneq"):  # in this order: a job moving on between the two is seen in both
            for fields in self.listing(f'JOBFMT "{JOB_FORMAT}"', queue, len(JOB_FIELDS)):
                job, state, tries, most, pages, tag, why = fields
                jobs[job.strip()] = JobState(job.strip(), state.strip() or "?", as_number(tries), as_number(most),
                                             pages.strip(), visible(why.strip()), tag.strip())
        return jobs

    def job_tagged(self, tag: str) -> JobState | None:
        """The job a client gave ``tag`` (sendfax -i), if the server has one."""
        return next((job for job in self.jobs().values() if job.tag == tag), None)

    def cancel(self, job: str) -> None:
        self.ask(f"cancel job {job}", f"The fax server would not cancel job {job}", lambda: self.ftp.sendcmd(f"JKILL {job}"))

    def received(self) -> list[ReceivedFax]:
        faxes = []
        for fields in self.listing(f'RCVFMT "{RECEIVED_FORMAT}"', "recvq", 8):
            if fields[0].strip():
                name, epoch, pages, busy, cid_number, cid_name, sender, error = (f.strip() for f in fields)
                faxes.append(ReceivedFax(
                    file=name, received_at=datetime.fromtimestamp(as_number(epoch), UTC), pages=as_number(pages) or 1,
                    receiving=busy == "*", caller_number=visible(cid_number or sender), caller_name=visible(cid_name),
                    error=visible(error)))
        return faxes

    def fetch(self, name: str) -> bytes:
        """The received fax's document, as the server keeps it (TIFF)."""
        if "/" in name or name.startswith("."):
            raise FaxNotTaken(f"The fax server named a received fax {visible(name)!r}, which is not a file name.")
        chunks: list[bytes] = []
        size = 0

        def keep(chunk: bytes) -> None:
            nonlocal size
            size += len(chunk)
            if size > MAX_RECEIVED:
                raise TooLarge
            chunks.append(chunk)

        def exchange() -> None:
            self.ftp.voidcmd("TYPE I")
            self.ftp.retrbinary(f"RETR recvq/{name}", keep)

        try:
            self.ask(f"give received fax {name}", f"The fax server would not give received fax {name}", exchange)
        except TooLarge:
            raise FaxNotTaken(f"The fax server's received fax {name} is larger than {MAX_RECEIVED >> 20} MB,"
                              " more than any fax comes to: not taken in.") from None
        return b"".join(chunks)


def reason(error: BaseException) -> str:
    return visible(str(error).strip() or type(error).__name__)
