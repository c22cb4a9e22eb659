"""The fax server's own account of its jobs and received faxes: HylaFAX's client protocol.

hfaxd speaks an FTP-like protocol (port 4559), so the standard library's ftplib reaches it:
``JOBFMT``/``RCVFMT`` choose the fields, ``LIST sendq|doneq|recvq`` lists them, ``JKILL``
cancels a job and ``RETR recvq/…`` brings a received fax. Everything the server says is
hostile text: it is made inert before it is kept.
"""

from __future__ import annotations

import ftplib
import getpass
from dataclasses import dataclass
from datetime import UTC, datetime

from data.engine.errors import DataError
from data.engine.text import visible

DEFAULT_PORT = 4559
TIMEOUT = 15  # seconds for the server to answer
FIELD = "\x1f"  # between fields: a unit separator no job field holds
JOB_FORMAT = FIELD.join(("%j", "%a", "%t", "%u", "%P", "%s"))  # the failure reason last: it may hold anything
RECEIVED_FORMAT = FIELD.join(("%f", "%Z", "%p", "%z", "%j", "%i", "%s", "%e"))

STATE_WORDS = {  # HylaFAX's one-letter job states
    "P": "waiting for its time to send", "S": "waiting to try again", "B": "waiting behind another fax to the same number",
    "W": "waiting for a free line", "R": "being sent now", "T": "suspended at the fax server",
    "?": "in a state the fax server does not name", "D": "sent", "F": "given up",
}


class FaxServerError(DataError):
    """The fax server could not be reached or refused what was asked, in a sentence."""


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
    return int(text) if text.strip().isdigit() else 0


class FaxServer:
    """One conversation with hfaxd; use as ``with FaxServer(address) as server:``."""

    def __init__(self, address: str, user: str = "") -> None:
        self.host, self.port = split_address(address)
        self.user = user or getpass.getuser()
        self.ftp = ftplib.FTP()

    def __enter__(self) -> FaxServer:
        try:
            self.ftp.connect(self.host, self.port, timeout=TIMEOUT)
            self.ftp.login(self.user)
        except (OSError, EOFError, ftplib.Error) as error:
            self.ftp.close()
            raise FaxServerUnreachable(f"The fax server at {self.host}:{self.port} cannot be reached: {reason(error)}") from None
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.ftp.quit()
        except (OSError, EOFError, ftplib.Error):
            self.ftp.close()

    def listing(self, fmt_command: str, queue: str) -> list[list[str]]:
        lines: list[str] = []
        try:
            self.ftp.sendcmd(fmt_command)
            self.ftp.retrlines(f"LIST {queue}", lines.append)
        except (OSError, EOFError, ftplib.Error) as error:
            raise FaxServerError(f"The fax server would not list its {queue}: {reason(error)}") from None
        return [line.split(FIELD) for line in lines if line.count(FIELD) >= 1]

    def jobs(self) -> dict[str, JobState]:
        """Every job the server still knows: waiting, running, done or failed."""
        jobs = {}
        for queue in ("sendq", "doneq"):
            for fields in self.listing(f'JOBFMT "{JOB_FORMAT}"', queue):
                if len(fields) == 6:
                    job, state, tries, most, pages, why = fields
                    jobs[job.strip()] = JobState(job.strip(), state.strip() or "?", as_number(tries), as_number(most),
                                                 pages.strip(), visible(why.strip()))
        return jobs

    def cancel(self, job: str) -> None:
        try:
            self.ftp.sendcmd(f"JKILL {job}")
        except (OSError, EOFError, ftplib.Error) as error:
            raise FaxServerError(f"The fax server would not cancel job {job}: {reason(error)}") from None

    def received(self) -> list[ReceivedFax]:
        faxes = []
        for fields in self.listing(f'RCVFMT "{RECEIVED_FORMAT}"', "recvq"):
            if len(fields) == 8 and fields[0].strip():
                name, epoch, pages, busy, cid_number, cid_name, sender, error = (f.strip() for f in fields)
                faxes.append(ReceivedFax(
                    file=name, received_at=datetime.fromtimestamp(as_number(epoch), UTC), pages=as_number(pages) or 1,
                    receiving=busy == "*", caller_number=visible(cid_number or sender), caller_name=visible(cid_name),
                    error=visible(error)))
        return faxes

    def fetch(self, name: str) -> bytes:
        """The received fax's document, as the server keeps it (TIFF)."""
        if "/" in name or name.startswith("."):
            raise FaxServerError(f"The fax server named a received fax {name!r}, which is not a file name.")
        chunks: list[bytes] = []
        try:
            self.ftp.voidcmd("TYPE I")
            self.ftp.retrbinary(f"RETR recvq/{name}", chunks.append)
        except (OSError, EOFError, ftplib.Error) as error:
            raise FaxServerError(f"The fax server would not give received fax {name}: {reason(error)}") from None
        return b"".join(chunks)


def reason(error: BaseException) -> str:
    return visible(str(error).strip() or type(error).__name__)
