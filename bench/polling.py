"""What a poll round of the machines costs, against net-snmp's own tools asking the same.

    python bench/polling.py [--machines 10] [--rounds 5]

Starts that many snmpsimd agents on localhost (a copier each, four toners), then in turns:
a poll round as `backoffice machines poll` and the open app run it (every machine read and
what it said recorded in a fresh office), and the baseline — `snmpget` of the scalars and
`snmpwalk` of the five Printer-MIB columns for every machine, the C tools an administrator
would script. Prints the medians of wall time and CPU time (this process and its children)
and their ratios, and what importing pysnmp costs a process that polls (time and memory).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.engine.store import Store  # noqa: E402
from data.machines import printer_snmp as mib  # noqa: E402
from tests.snmp_agent import SnmpPrinter  # noqa: E402

TONERS = {"Black Toner": 80, "Cyan Toner": 60, "Magenta Toner": 40, "Yellow Toner": 20}
COLUMNS = (mib.MARKER_LIFE_COUNT, mib.SUPPLY_TYPE, mib.SUPPLY_DESCRIPTION, mib.SUPPLY_MAX_CAPACITY, mib.SUPPLY_LEVEL)


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measured(work) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    work()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def poll_round(agents: list[SnmpPrinter], folder: Path) -> None:
    from data.machines.polling import poll_machines

    run = poll_machines(Store(folder, user="bench"))
    assert len(run.polled) == len(agents) and not run.problems, run.problems


def net_snmp_round(agents: list[SnmpPrinter]) -> None:
    for agent in agents:
        ask = ["-v2c", "-c", "public", "-Oqn", f"udp:{agent.address}"]
        subprocess.run(["snmpget", *ask, mib.SYS_DESCR, mib.HR_DEVICE_STATUS, mib.HR_PRINTER_ERRORS],
                       check=True, capture_output=True)
        for column in COLUMNS:
            subprocess.run(["snmpwalk", *ask, column], check=True, capture_output=True)


def import_cost() -> tuple[float, float]:
    """(seconds, MiB of peak memory) a process spends importing pysnmp, from two fresh processes."""
    def run(code: str) -> tuple[float, float]:
        # VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's at the fork.
        script = (f"import re, time; t = time.perf_counter(); {code}; wall = time.perf_counter() - t; "
                  "print(wall, re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1])")
        wall, peak_kib = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout.split()
        return float(wall), int(peak_kib) / 1024

    bare, with_pysnmp = run("pass"), run("import pysnmp.hlapi.v3arch.asyncio")
    return with_pysnmp[0] - bare[0], with_pysnmp[1] - bare[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--machines", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    agents = [SnmpPrinter(f"Copier {n}") for n in range(args.machines)]
    try:
        for agent in agents:
            agent.show(total=100_000, supplies=TONERS)
        for agent in agents:
            agent.wait_until_it_answers()
        folder = Path(tempfile.mkdtemp(prefix="backoffice-bench-"))
        store = Store(folder, user="bench")
        for n, agent in enumerate(agents):
            store.repo("machines").add({"asset_tag": f"CP-{n:02}", "kind": "copier", "serial": f"S{n}", "snmp": agent.address})
        poll_round(agents, folder)  # the first round imports pysnmp: measured apart, below
        ours, theirs = [], []
        for _ in range(args.rounds):
            ours.append(measured(lambda: poll_round(agents, folder)))
            theirs.append(measured(lambda: net_snmp_round(agents)))
    finally:
        for agent in agents:
            agent.stop()
    for name, index in (("wall", 0), ("CPU", 1)):
        mine, base = statistics.median(r[index] for r in ours), statistics.median(r[index] for r in theirs)
        print(f"poll round of {args.machines} machines, {name}: {mine * 1000:.0f} ms vs net-snmp {base * 1000:.0f} ms: {mine / base:.2f}×")
    seconds, mib_more = import_cost()
    print(f"importing pysnmp: +{seconds * 1000:.0f} ms, +{mib_more:.1f} MiB peak memory, once per polling process")


if __name__ == "__main__":
    main()
