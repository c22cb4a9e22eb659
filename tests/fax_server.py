"""A real HylaFAX server on localhost for the tests: faxq (the scheduler) and hfaxd (the
client protocol) from a spool folder of their own, on a free port, without a modem.

Without a modem a job waits at the server for a free line, which is what the tests follow;
the server's own verdicts come from what its operators do (`faxrm`) and from kill times.
A received fax is a TIFF in the receive queue, as faxgetty leaves it. Where HylaFAX is not
installed the fax server tests are skipped with the reason, except in CI (CI=true).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from itertools import count
from pathlib import Path

import pytest

from tests.servers import free_port, missing, wait_for_port

FAXQ, HFAXD = "/usr/sbin/faxq", "/usr/sbin/hfaxd"
QUEUES = ("archive", "client", "config", "dev", "docq", "doneq", "info", "log", "pollq", "recvq", "sendq", "status", "tmp")
PAGE = b"%!PS\n/Helvetica findfont 24 scalefont setfont 72 700 moveto (A fax from outside) show showpage\n"


class HylaFax:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="backoffice-hylafax-"))
        for queue in QUEUES:
            (self.root / queue).mkdir()
        shutil.copytree("/var/spool/hylafax/bin", self.root / "bin", symlinks=True)
        shutil.copytree("/etc/hylafax", self.root / "etc", symlinks=True)
        (self.root / "etc" / "hosts.hfaxd").write_text("localhost\n127.0.0.1\n")
        (self.root / "etc" / "hosts.hfaxd").chmod(0o600)
        os.mkfifo(self.root / "FIFO")
        for path in [self.root, *self.root.rglob("*")]:
            self.own(path)
        self.port = free_port()
        self.address = f"localhost:{self.port}"
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.faxq = subprocess.Popen([FAXQ, "-D", "-q", str(self.root)], **quiet)
        self.hfaxd = subprocess.Popen([HFAXD, "-d", "-q", str(self.root), "-i", str(self.port)], **quiet)
        wait_for_port(self.port, self.hfaxd)
        self.numbers = count(1)

    def receive(self, sender: str, pages: int = 1) -> str:
        """A fax comes in from ``sender`` (its fax id, TSI): the document faxgetty would leave."""
        name = f"fax{next(self.numbers):09d}.tif"
        path = self.root / "recvq" / name
        subprocess.run(["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=tiffg3", f"-sOutputFile={path}", "-"],
                       input=PAGE * pages, check=True, capture_output=True)
        subprocess.run(["tiffset", "-s", "270", sender, str(path)], check=True, capture_output=True)
        path.chmod(0o644)
        self.own(path)
        return name

    @staticmethod
    def own(path: Path) -> None:
        """As root, the daemons run as the fax user, uucp, and only trust a spool it owns."""
        if os.getuid() == 0:
            fax_user = pwd.getpwnam("uucp")
            os.lchown(path, fax_user.pw_uid, fax_user.pw_gid)

    def jobs(self) -> dict:
        from data.calls.fax_server import FaxServer

        with FaxServer(self.address) as server:
            return server.jobs()

    def waiting(self, job: str) -> bool:
        """Job ``job`` is in the send queue, still to go."""
        return (self.root / "sendq" / f"q{job}").exists()

    def operator_removes(self, job: str) -> None:
        """Someone at the fax server removes the job with HylaFAX's own faxrm."""
        subprocess.run(["faxrm", "-h", self.address, job], check=True, capture_output=True, timeout=30)

    def stop(self) -> None:
        for process in (self.hfaxd, self.faxq):
            process.terminate()
        for process in (self.hfaxd, self.faxq):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def hylafax():
    if not (Path(FAXQ).exists() and Path(HFAXD).exists() and shutil.which("sendfax")):
        missing("HylaFAX", "hylafax-server hylafax-client")
    server = HylaFax()
    yield server
    server.stop()
