"""What a slow server costs a poll round and a fax run, against the same work with every
server quick, in the same run.

    python bench/slow_servers.py [--machines 8] [--printers 4] [--before DIR]

Starts ``--machines`` copiers (snmpsimd) that answer at once and one with ``--supplies``
supplies that answers each row of its tables after 1.9 s, just within SNMP's timeout (as the
one whose poll took 498 s), one IPP printer (ippeveprinter) reached through
``--printers`` slow links that pass it on a byte every millisecond, and a HylaFAX server
(faxq, hfaxd) reached directly and through a link that passes a byte every half second. Then:

- a poll round of the quick copiers, and the same round with the slow copier too;
- one dripping printer polled alone, and all of them in one round (at once, they take about
  as long as one; one after the other, ``--printers`` times as long);
- `fax run`'s conversations with the server (following the jobs, taking in received faxes)
  directly and through the dripping link.

Each with its wall time and its ratio to the quick baseline. ``--before DIR`` also runs the
slow round, the dripping round and the fax run with another checkout's code (each in a process
of its own, given up after ``--cap`` seconds), for the figures before the deadlines.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.calls import actions, fax_server  # noqa: E402
from data.engine.store import Store  # noqa: E402
from data.machines import polling  # noqa: E402
from tests.fax_server import HylaFax  # noqa: E402
from tests.ipp_printer import Bus, IppPrinter  # noqa: E402
from tests.slow_link import SlowLink  # noqa: E402
from tests.snmp_agent import SnmpPrinter  # noqa: E402

TONERS = {"Black Toner": 80, "Cyan Toner": 60, "Magenta Toner": 40, "Yellow Toner": 20}


def office(machines: list[dict]) -> Store:
    store = Store(Path(tempfile.mkdtemp(prefix="backoffice-bench-")), user="bench")
    for n, machine in enumerate(machines):
        store.repo("machines").add({"asset_tag": f"M-{n:02}", "kind": "copier", "serial": f"S{n}", **machine})
    return store


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def round_of(machines: list[dict]) -> tuple[float, polling.PollRun]:
    store = office(machines)
    return timed(lambda: polling.poll_machines(store))


def say(what: str, seconds: float, baseline: float, run: polling.PollRun | None = None) -> None:
    answered = f", {len(run.polled)} answered, {len(run.problems)} not" if run else ""
    print(f"{what}: {seconds:.2f} s vs {baseline:.2f} s: {seconds / baseline:.1f}×{answered}")


def before(checkout: Path, machines: list[dict], cap: float, fax_server_at: str = "") -> str:
    """A poll round of ``machines`` (or a fax run against ``fax_server_at``) with another
    checkout's code, in a process of its own: its seconds, or 'over CAP s'."""
    folder = office(machines).folder
    work = (f"from data.calls.actions import fax_run; fax_run(store, '', {fax_server_at!r})" if fax_server_at else
            "from data.machines.polling import poll_machines; poll_machines(store)")
    script = (f"import time; from data.engine.store import Store; store = Store({str(folder)!r}, user='bench'); "
              f"t = time.perf_counter(); {work}; print(time.perf_counter() - t)")
    try:
        done = subprocess.run([sys.executable, "-c", script], cwd=checkout, capture_output=True, text=True, timeout=cap, check=True)
    except subprocess.TimeoutExpired:
        return f"over {cap:g} s (given up)"
    return f"{float(done.stdout):.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--machines", type=int, default=8)
    parser.add_argument("--printers", type=int, default=4)
    parser.add_argument("--supplies", type=int, default=24)
    parser.add_argument("--before", type=Path)
    parser.add_argument("--cap", type=float, default=600)
    args = parser.parse_args()
    print(f"poll round deadline {polling.ROUND_DEADLINE:g} s; a conversation with the fax server {fax_server.DEADLINE} s")

    copiers = [SnmpPrinter(f"Copier {n}") for n in range(args.machines + 1)]
    bus = Bus()
    printer = IppPrinter("HP OfficeJet Pro 9130", bus.address)
    links = [SlowLink(printer.port, trickle=0.001) for _ in range(args.printers)]
    fax = HylaFax()
    fax_link = SlowLink(fax.port, trickle=0.5)
    try:
        for copier in copiers:
            copier.show(total=100_000, supplies=TONERS)
        copiers[-1].show(total=100_000, supplies={f"Supply {n}": 50 for n in range(args.supplies)}, answer_after=1.9)
        quick = [{"snmp": c.address} for c in copiers[:-1]]
        slow = [*quick, {"snmp": copiers[-1].address}]
        round_of(quick)  # the first round imports pysnmp
        baseline, _ = round_of(quick)
        seconds, run = round_of(slow)
        say(f"round of {len(quick)} quick copiers and one answering each row after 1.9 s, against the quick ones alone",
            seconds, baseline, run)
        if args.before:
            print(f"  the same round with the code at {args.before}: {before(args.before, slow, args.cap)}")

        dripping = [{"kind": "printer", "ipp": f"ipp://127.0.0.1:{link.port}/ipp/print"} for link in links]
        one, _ = round_of(dripping[:1])
        seconds, run = round_of(dripping)
        say(f"round of {len(dripping)} printers dripping their IPP answer (a byte a millisecond), against one of them alone",
            seconds, one, run)
        if args.before:
            print(f"  the same round with the code at {args.before}: {before(args.before, dripping, args.cap)}")

        fax_office = office([])
        direct, _ = timed(lambda: actions.fax_run(fax_office, "", fax.address))
        seconds, done = timed(lambda: actions.fax_run(fax_office, "", f"127.0.0.1:{fax_link.port}"))
        say("fax run against a fax server answering a byte every half second, against the same server directly",
            seconds, direct)
        print(f"  said: {done.problems[0] if done.problems else done.unreachable or 'nothing'}")
        if args.before:
            print(f"  the same fax run with the code at {args.before}: "
                  f"{before(args.before, [], args.cap, f'127.0.0.1:{fax_link.port}')}")
    finally:
        fax_link.close()
        fax.stop()
        for link in links:
            link.close()
        printer.stop()
        bus.stop()
        for copier in copiers:
            copier.stop()


if __name__ == "__main__":
    main()
