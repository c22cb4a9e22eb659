"""Demo machines with readings, tickets and maintenance plans."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from data.machines import Machine, MachineKind, MachineStatus, MaintenancePlan, MeterReading, Ticket, TicketStatus, checklist, service_sheet
from data.store import Store

MACHINES = [
    ("CP-01", "copier", "Canon", "imageRUNNER ADVANCE C3826i", "2FD04417", "Copy room, ground floor", 900, "Canon Service UK", "0345 600 0123", 400),
    ("CP-02", "copier", "Ricoh", "MP 2014AD", "C857P800231", "1st floor landing", 250, "Ricoh Care", "0345 600 0456", -60),
    ("PR-01", "printer", "HP", "LaserJet Enterprise M507dn", "PHBLB12345", "Accounts, 1st floor", 300, "PrintFix Ltd", "0117 496 0100", 200),
    ("PR-02", "printer", "HP", "LaserJet Enterprise M507dn", "PHBLB12877", "Sales, 2nd floor", 350, "PrintFix Ltd", "0117 496 0100", 200),
    ("PR-03", "printer", "Brother", "HL-L2375DW", "E78123J9N400", "HR office", 60, "PrintFix Ltd", "0117 496 0100", None),
    ("FX-01", "fax", "Brother", "FAX-2840", "U63271F5J8821", "Reception", 15, "PrintFix Ltd", "0117 496 0100", None),
    ("MF-01", "multifunction", "Epson", "WorkForce Pro WF-4820", "X6K4011234", "Warehouse office", 80, "Epson Service", "0345 600 0789", 30),
    ("SC-01", "scanner", "Fujitsu", "fi-7160", "A3DHB01772", "Reception", 40, "PrintFix Ltd", "0117 496 0100", 100),
]


def seed(store: Store, now: datetime, rng: random.Random) -> None:
    today = now.date()
    machines = [
        Machine(asset_tag=tag, kind=MachineKind(kind), make=make, model=model, serial=serial, location=where,
                vendor=vendor, vendor_phone=phone, vendor_email=f"service@{vendor.split()[0].lower()}.example",
                contract_end=today + timedelta(days=days) if days is not None else None)
        for tag, kind, make, model, serial, where, _, vendor, phone, days in MACHINES
    ]
    machines = store.repo("machines").add_many(machines)
    readings, plans = [], []
    for machine, spec in zip(machines, MACHINES):
        per_day, total = spec[6], rng.randint(20_000, 150_000)
        day = today - timedelta(days=180)
        while day <= today:
            readings.append(MeterReading(machine_id=machine.id, taken_on=day, total=total))
            step = rng.choice([14, 21, 30, 35])
            total += int(per_day * step * rng.uniform(0.7, 1.3))
            day += timedelta(days=step)
        plans.append(MaintenancePlan(
            machine_id=machine.id, task="Clean rollers and check fuser" if machine.kind != MachineKind.SCANNER else "Clean glass and feed rollers",
            every_days=90, every_pages=per_day * 60 or None, last_done_on=today - timedelta(days=rng.choice([20, 50, 95])),
            last_done_pages=readings[-2].total,
        ))
    store.repo("meter_readings").add_many(readings)
    store.repo("maintenance_plans").add_many(plans)
    store.repo("tickets").add_many(tickets(machines, readings, now))
    for machine, status in ((machines[3], MachineStatus.DOWN), (machines[1], MachineStatus.NEEDS_ATTENTION)):
        store.repo("machines").update(machine.id, lambda m, s=status: setattr(m, "status", s))


def tickets(machines: list[Machine], readings: list[MeterReading], now: datetime) -> list[Ticket]:
    found = []
    for n, (machine, symptom, days_ago, hours) in enumerate([
        (machines[0], "paper jam", 120, 3), (machines[0], "print quality", 70, 30), (machines[0], "paper jam", 20, 2),
        (machines[2], "network", 95, 6), (machines[5], "error code", 40, 50), (machines[6], "toner or ink", 12, 1),
    ]):
        opened = now - timedelta(days=days_ago)
        found.append(Ticket(machine_id=machine.id, reported_by="reception", symptom=symptom, steps_tried=checklist(machine.kind, symptom)[:2],
                            status=TicketStatus.CLOSED, opened_at=opened, fixed_at=opened + timedelta(hours=hours), closed_at=opened + timedelta(hours=hours + 1),
                            cost=0 if hours < 5 else 85.0))
    down = machines[3]
    opened = now - timedelta(hours=26)
    open_ticket = Ticket(machine_id=down.id, reported_by="marek", symptom="error code", steps_tried=checklist(down.kind, "error code"),
                         status=TicketStatus.VENDOR_CALLED, opened_at=opened, vendor_reference="PF-55812")
    counter = max((r.total for r in readings if r.machine_id == down.id), default=None)
    open_ticket.service_sheet = service_sheet(down, open_ticket, counter, now.date() - timedelta(days=50), now.date())
    attention = Ticket(machine_id=machines[1].id, reported_by="lucy", symptom="print quality", steps_tried=[], status=TicketStatus.TROUBLESHOOTING,
                       opened_at=now - timedelta(hours=3))
    return found + [open_ticket, attention]


