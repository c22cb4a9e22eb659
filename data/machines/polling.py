"""Machines that report themselves: every machine with an SNMP or IPP address is asked for
its page counter, its supply levels and its state, and what it says is recorded — by
`backoffice machines poll` from cron, and by the open app every few minutes.

A round asks every machine at once and ends within ROUND_DEADLINE seconds: a machine that has
not answered in full by then is said to be not answering, and what the others said is kept."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from data.engine.errors import DataError
from data.engine.text import visible
from data.engine.store import Store
from data.machines import forecasts, rules
from data.machines.models import MAX_COUNTER, Machine, MachineStatus, MeterReading, SupplyLevel
from data.machines.printer_report import PrinterReport
from data.machines.supply_levels import latest_levels

if TYPE_CHECKING:
    from data.machines.printer_snmp import SnmpAccess

Answers = dict[int, "PrinterReport | Exception"]  # machine id → its report, or why there is none
Reader = Callable[[list[Machine], "SnmpAccess | str"], Answers]

ROUND_DEADLINE = 40.0  # seconds a round may take: every machine is asked at once, and within it
SPARE = 5.0  # seconds past the round's deadline before a machine is given up without its own word on it
MAX_AT_ONCE = 16  # printers asked over IPP at the same time


class NotInTime(DataError):
    """A machine whose answer the round could not wait for."""


@dataclass
class PollRun:
    polled: list[Machine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one sentence each, naming the machine


def read_machines(machines: list[Machine], snmp: SnmpAccess | str) -> Answers:
    """Every machine at once, within the round's deadline: over SNMP, all with one engine, the
    machines that have an SNMP address (the Printer MIB says more: every marker's counter);
    the others over IPP, each in a thread of its own."""
    until = time.monotonic() + ROUND_DEADLINE
    over_snmp = [m for m in machines if m.snmp]
    over_ipp = [m for m in machines if not m.snmp]
    pool = ThreadPoolExecutor(max_workers=min(MAX_AT_ONCE, len(over_ipp) + 1), thread_name_prefix="poll")
    try:
        asked: dict[Future[Answers], list[Machine]] = {}
        if over_snmp:
            asked[pool.submit(read_over_snmp, over_snmp, snmp, ROUND_DEADLINE)] = over_snmp
        for machine in over_ipp:
            asked[pool.submit(read_over_ipp, machine, until)] = [machine]
        finished, _ = wait(asked, timeout=ROUND_DEADLINE + SPARE)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    answers: Answers = {}
    for future, group in asked.items():
        if future in finished:
            answers.update(future.result())  # a fault of ours, not a machine's, is raised here
        else:
            answers.update((m.id, NotInTime(f"did not answer within the poll round's {ROUND_DEADLINE:g} s")) for m in group)
    return answers


def read_over_snmp(machines: list[Machine], snmp: SnmpAccess | str, seconds: float) -> Answers:
    from data.machines.printer_snmp import read_printers

    return dict(zip((m.id for m in machines), read_printers([m.snmp for m in machines], snmp, seconds=seconds)))


def read_over_ipp(machine: Machine, until: float) -> Answers:
    """Within what is left of the round: a printer waiting for a free thread has less."""
    from data.machines.printer_ipp import read_printer

    left = until - time.monotonic()
    if left <= 0:
        return {machine.id: NotInTime("was not asked: the poll round's time was up before its turn")}
    try:
        return {machine.id: read_printer(machine.ipp, seconds=left)}
    except (DataError, ValueError) as error:
        return {machine.id: error}


def poll_machines(store: Store, snmp: SnmpAccess | str = "public", read: Reader = read_machines,
                  unless_polled_within: timedelta | None = None) -> PollRun:
    """Ask every machine that has an SNMP or IPP address; one that does not answer is named
    and the others are still asked. With ``unless_polled_within``, a machine another session
    polled that recently is left alone: ten open sessions poll each machine once, not ten times.
    ``snmp``: the community, or an SnmpAccess for SNMP v3."""
    run = PollRun()
    now = store.now()
    due = [m for m in store.repo("machines").list()
           if (m.snmp or m.ipp) and m.status != MachineStatus.RETIRED
           and not (unless_polled_within and m.polled_at and now - m.polled_at < unless_polled_within)]
    answers = read(due, snmp) if due else {}
    for machine in due:
        answer = answers[machine.id]
        if isinstance(answer, Exception):
            run.problems.append(f"{machine.asset_tag}: {answer}")
            note_report(store, machine.id, None, f"not answering: {answer}")
            continue
        saved, problem = record_report(store, machine.id, answer)
        run.polled.append(saved)
        if problem:
            run.problems.append(f"{machine.asset_tag}: {saved.reported}")
    return run


def record_report(store: Store, machine_id: int, report: PrinterReport) -> tuple[Machine, str]:
    """Keep what the machine said: its counter as today's polled reading, each supply level
    that changed, its state as a suggestion beside the status people set. A counter that
    cannot be kept is said in the machine's report, and returned."""
    with store.transaction("machines"):
        problem = record_counter(store, machine_id, report.total) if report.total is not None else ""
        record_levels(store, machine_id, report)
        status, said = rules.reported_state(report)  # it answered: its state stands beside a counter not kept
        return note_report(store, machine_id, status, f"{said}; {problem}" if problem else said), problem


def note_report(store: Store, machine_id: int, status: MachineStatus | None, said: str) -> Machine:
    """What the machine said, and when; ``status`` None: nothing it said could be trusted."""
    def reported(machine: Machine) -> None:
        # what a machine says, or an error naming its stored address, is a stranger's text: kept inert
        machine.reported_status, machine.reported, machine.polled_at = status, visible(said, one_line=True)[:500], store.now()

    return store.repo("machines").update(machine_id, reported)


def record_counter(store: Store, machine_id: int, total: int) -> str:
    """Today's polled reading, raised as the day goes on; a counter below the last reading is
    not recorded but said (a wrong reading typed by hand is voided, not overwritten)."""
    if total > MAX_COUNTER:  # a broken or hostile machine: no reading could hold it
        return f"the machine's counter reads {total:,}, more than any machine counts in its life: not recorded"
    readings = store.repo("meter_readings")
    today = store.today()
    latest = forecasts.latest_reading(forecasts.counting(readings.find(machine_id=machine_id)))
    if latest is not None and total < latest.total:
        return rules.counter_went_back(total, latest)
    if latest is not None and total == latest.total:
        return ""
    if latest is not None and latest.polled and latest.taken_on == today:
        latest.total = total
        readings.save(latest)
    else:
        readings.add(MeterReading(machine_id=machine_id, taken_on=today, total=total, polled=True))
    return ""


def record_levels(store: Store, machine_id: int, report: PrinterReport) -> None:
    levels = store.repo("supply_levels")
    last = {level.description: level for level in latest_levels(levels.find(machine_id=machine_id)).get(machine_id, [])}
    for supply in report.supplies:
        before = last.get(supply.description)
        if before is None or before.percent != supply.percent:
            levels.add(SupplyLevel(machine_id=machine_id, at=store.now(), description=supply.description,
                                   kind=supply.kind, percent=supply.percent))
