"""A printer that speaks only IPP, for the tests: ippeveprinter, CUPS's IPP Everywhere printer,
on a TCP port of its own. What it reports comes from an attributes file (ipptool's ATTR
lines): its page counter, and its supplies as printer-supply (as IPP Everywhere printers say
them) or as CUPS's marker-* attributes; ``show`` writes the file and starts it again.
ippeveprinter makes its printer-state-reasons itself, so a jam or an open cover is a print
job whose command says ``STATE: media-jam,cover-open``, as a driver does.

ippeveprinter will not start without a D-Bus to announce itself on, even with announcing
off (-r off): the tests give it a bus of its own. Where ippeveprinter is not installed the
tests are skipped with the reason, except in CI (CI=true)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.servers import free_port, missing, wait_for_port

IPPEVEPRINTER = shutil.which("ippeveprinter") or "/usr/sbin/ippeveprinter"
IPPTOOL = shutil.which("ipptool") or "/usr/bin/ipptool"
DBUS_DAEMON = shutil.which("dbus-daemon") or "/usr/bin/dbus-daemon"
PRINT_AND_WAIT = "/usr/share/cups/ipptool/print-job-and-wait.test"


class IppPrinter:
    """One printer on the network; ``show`` sets what it reports."""

    def __init__(self, name: str, bus: str) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="backoffice-ipp-"))
        (self.root / "spool").mkdir()
        self.name, self.bus = name, bus
        self.port = free_port()
        self.address = f"ipp://127.0.0.1:{self.port}/ipp/print"
        self.process: subprocess.Popen | None = None
        self.show(total=1000, supplies={"Black Toner": 80})

    def show(self, total: int | None, supplies: dict[str, int], reasons: tuple[str, ...] = (), markers: bool = False) -> None:
        """What the printer reports from now on: its page counter (None: it has none), each
        supply's level in percent, as printer-supply or (``markers``) as marker-*, and its
        printer-state-reasons keywords (ippeveprinter's own: media-jam, cover-open, toner-low…)."""
        lines = [f"ATTR text printer-make-and-model {quoted(self.name)}"]
        if total is not None:
            lines.append(f"ATTR integer printer-impressions-completed {total}")
        lines += marker_lines(supplies) if markers else supply_lines(supplies)
        (self.root / "printer.conf").write_bytes("\n".join(lines).encode() + b"\n")
        self.restart()
        if reasons:
            self.print_a_job_that_says(f"STATE: {','.join(reasons)}")

    def restart(self) -> None:
        self.stop_process()
        command = self.root / "driver"
        command.write_text("#!/bin/sh\ncat \"$(dirname \"$0\")/says\" >&2\n")
        command.chmod(0o755)
        (self.root / "says").write_text("")
        with (self.root / "log").open("wb") as log:
            self.process = subprocess.Popen(
                [IPPEVEPRINTER, "-p", str(self.port), "-n", "localhost", "-r", "off", "-a", str(self.root / "printer.conf"),
                 "-d", str(self.root / "spool"), "-c", str(command), self.name],
                env={**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": self.bus}, stdout=subprocess.DEVNULL, stderr=log,
            )
        wait_for_port(self.port, self.process)

    def print_a_job_that_says(self, message: str) -> None:
        """A print job whose driver says ``message`` to the printer, waited for to its end."""
        (self.root / "says").write_text(message + "\n")
        document = self.root / "page.pwg"  # what the driver makes of it does not matter: it only says the message
        document.write_bytes(b"RaS2PwgR")
        subprocess.run([IPPTOOL, "-f", str(document), "-d", "filetype=image/pwg-raster", self.address, PRINT_AND_WAIT],
                       check=True, capture_output=True, timeout=120)

    def stop_process(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def stop(self) -> None:
        self.stop_process()
        shutil.rmtree(self.root, ignore_errors=True)


def supply_lines(supplies: dict[str, int]) -> list[str]:
    if not supplies:
        return []
    entries = ",".join(f'"index={n};class=supplyThatIsConsumed;type=toner;unit=percent;maxcapacity=100;level={level};"'
                       for n, level in enumerate(supplies.values(), start=1))
    return [f"ATTR octetString printer-supply {entries}",
            "ATTR text printer-supply-description " + ",".join(quoted(name) for name in supplies)]


def marker_lines(supplies: dict[str, int]) -> list[str]:
    if not supplies:
        return []
    return ["ATTR name marker-names " + ",".join(quoted(name) for name in supplies),
            "ATTR integer marker-levels " + ",".join(str(level) for level in supplies.values()),
            "ATTR keyword marker-types " + ",".join("toner" for _ in supplies)]


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Bus:
    """A D-Bus of the tests' own, for ippeveprinter to find."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="backoffice-dbus-"))
        self.address = f"unix:path={self.root / 'bus'}"
        self.process = subprocess.Popen([DBUS_DAEMON, "--session", f"--address={self.address}", "--nofork"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not (self.root / "bus").exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("dbus-daemon did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def ipp_bus():
    for program, package in ((IPPEVEPRINTER, "cups-ipp-utils"), (IPPTOOL, "cups-ipp-utils"), (DBUS_DAEMON, "dbus-daemon")):
        if not Path(program).exists():
            missing(Path(program).name, package)
    bus = Bus()
    yield bus
    bus.stop()


@pytest.fixture
def ipp_printers(ipp_bus):
    """Start printers on the network: ``ipp_printers("HP OfficeJet Pro 9010")`` → IppPrinter."""
    started: list[IppPrinter] = []

    def start(name: str) -> IppPrinter:
        started.append(IppPrinter(name, ipp_bus.address))
        return started[-1]

    yield start
    for printer in started:
        printer.stop()
