"""A networked copier or printer for the tests: snmpsimd, the SNMP agent simulator, answering
on a UDP port of its own from a recording in the Printer MIB's shape. The tests rewrite the
recording between polls (counters advance, toner falls, the machine goes down); snmpsimd
re-reads a recording whose file time changed. Where snmpsimd is not installed the tests are
skipped with the reason, except in CI (CI=true)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from data.machines import printer_snmp as mib
from tests.servers import missing

SNMPSIMD = "snmpsimd"
DEVICE_STATES = {"running": 2, "warning": 3, "down": 5}
PRINTER_MIB = "1.3.6.1.2.1.43."  # the tables a poll walks: markers and supplies
# snmpsimd picks the recording for an SNMP v3 request by its context name, which machines
# leave empty, and then by the transport: UDP over IPv4, its first endpoint.
V3_RECORDING = "1.3.6.1.6.1.1.0.snmprec"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class V3User:
    """An SNMP v3 user the machine knows: SHA authentication, AES privacy."""

    name: str
    auth_key: str
    privacy_key: str

    def options(self) -> list[str]:
        return [f"--v3-user={self.name}", f"--v3-auth-key={self.auth_key}", "--v3-auth-proto=SHA",
                f"--v3-priv-key={self.privacy_key}", "--v3-priv-proto=AES", "--v3-only"]

    def access(self) -> mib.SnmpAccess:
        return mib.SnmpAccess(user=self.name, auth_key=self.auth_key, privacy_key=self.privacy_key)


class SnmpPrinter:
    """One machine on the network; ``show`` sets what it reports."""

    def __init__(self, description: str, v3_user: V3User | None = None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="backoffice-snmp-"))
        (self.root / "data").mkdir()
        (self.root / "cache").mkdir()
        self.description = description
        self.recording = self.root / "data" / "public.snmprec"
        self.recordings = [self.recording] + ([self.root / "data" / V3_RECORDING] if v3_user else [])
        self.access = v3_user.access() if v3_user else "public"  # what it answers to
        self.stamp = 0.0
        self.port = free_udp_port()
        self.address = f"127.0.0.1:{self.port}"
        self.show(total=1000, supplies={"Black Toner": 80})
        for path in (self.root, self.root / "data", self.root / "cache"):
            path.chmod(0o777)  # snmpsimd run by root drops to nobody
        as_nobody = ["--process-user=nobody", "--process-group=nogroup"] if os.getuid() == 0 else []
        self.process = subprocess.Popen(
            [SNMPSIMD, f"--data-dir={self.root / 'data'}", f"--cache-dir={self.root / 'cache'}",
             f"--agent-udpv4-endpoint={self.address}", "--logging-method=null", *as_nobody,
             *(v3_user.options() if v3_user else [])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.wait_until_it_answers()

    def show(self, total: int, supplies: dict[str, int], state: str = "running", errors: tuple[str, ...] = (),
             answer_after: float = 0.0) -> None:
        """What the machine reports from now on: its page counter, each supply's level in
        percent (of a capacity of 100), its device state and error bits; ``answer_after``:
        the seconds it waits before each row of its tables it answers (snmpsim's delay
        variation), as an agent slow to walk its tables does; its scalars come at once."""
        values = {
            mib.SYS_DESCR: ("4x", self.description.encode().hex()),
            mib.HR_DEVICE_STATUS: ("2", str(DEVICE_STATES[state])),
            mib.HR_PRINTER_STATUS: ("2", "3"),
            mib.HR_PRINTER_ERRORS: ("4x", error_octets(errors)),
            f"{mib.MARKER_LIFE_COUNT}.1.1": ("65", str(total)),
        }
        for index, (description, percent) in enumerate(supplies.items(), start=1):
            values[f"{mib.SUPPLY_TYPE}.1.{index}"] = ("2", "3")
            values[f"{mib.SUPPLY_DESCRIPTION}.1.{index}"] = ("4x", description.encode().hex())  # any bytes at all
            values[f"{mib.SUPPLY_MAX_CAPACITY}.1.{index}"] = ("2", "100")
            values[f"{mib.SUPPLY_LEVEL}.1.{index}"] = ("2", str(percent))
        ordered = sorted(values, key=lambda oid: tuple(int(part) for part in oid.split(".")))
        # snmpsimd indexes a recording again when the file is newer than its index: a time
        # ahead of any index it built, and later at every change.
        self.stamp = max(self.stamp + 2, time.time() + 60)
        for recording in self.recordings:
            recording.write_text("".join(line(oid, *values[oid], answer_after if oid.startswith(PRINTER_MIB) else 0)
                                         for oid in ordered))
            recording.chmod(0o644)
            os.utime(recording, (self.stamp, self.stamp))

    def wait_until_it_answers(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"snmpsimd stopped at start with status {self.process.returncode}")
            try:
                with ThreadPoolExecutor(1) as thread:  # a thread of its own: async tests run a loop already
                    thread.submit(mib.read_printer, self.address, self.access, 0.5).result()
                return
            except mib.SnmpError:
                time.sleep(0.2)
        raise RuntimeError("snmpsimd did not answer")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)


def line(oid: str, kind: str, value: str, wait: float) -> str:
    """One value of a recording; with ``wait``, answered that many seconds late."""
    if not wait:
        return f"{oid}|{kind}|{value}\n"
    setting = f"hexvalue={value}" if kind.endswith("x") else f"value={value}"
    return f"{oid}|{kind.removesuffix('x')}:delay|{setting},wait={round(wait * 1000)}\n"


def error_octets(errors: tuple[str, ...]) -> str:
    bits = 0
    for name in errors:
        bits |= 0x8000 >> mib.PRINTER_ERRORS.index(name)
    return f"{bits:04x}"


@pytest.fixture
def snmp_printers():
    """Start machines on the network: ``snmp_printers("Canon iR-ADV C5535")`` → SnmpPrinter;
    ``snmp_printers(…, V3User(…))`` also answers that SNMP v3 user."""
    if shutil.which(SNMPSIMD) is None:
        missing("snmpsimd", "snmpsim")
    started: list[SnmpPrinter] = []

    def start(description: str, v3_user: V3User | None = None) -> SnmpPrinter:
        started.append(SnmpPrinter(description, v3_user))
        return started[-1]

    yield start
    for printer in started:
        printer.stop()
