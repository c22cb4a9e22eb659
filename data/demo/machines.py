"""Demo machines: six months of readings, a repair history, one machine down with the
vendor called, one needing attention, and maintenance plans of which one is due."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from data.engine.store import Store
from data.machines.actions import refresh_machine_status
from data.machines.forecasts import counter_on, latest_reading
from data.machines.models import Machine, MachineKind, MaintenancePlan, MeterReading, Ticket, TicketStatus
from data.machines.rules import last_service, service_sheet
from data.machines.troubleshooting import Symptom, checklist

# The stock demo issues toner to machine ids 1..8 in this order of asset tags.
# tag, kind, make, model, serial, location, pages a day, vendor, phone, contract days left
MACHINES = [
    ("CP-01", "copier", "Canon", "imageRUNNER ADVANCE C3826i", "2FD04417", "Copy room, ground floor", 900, "Canon Service UK", "0345 600 0123", 400),
    ("CP-02", "copier", "Ricoh", "MP 2014AD", "C857P800231", "1st floor landing", 250, "Ricoh Care", "0345 600 0456", -60),
    ("PR-01", "printer", "HP", "LaserJet Enterprise M507dn", "PHBLB12345", "Accounts, 1st floor", 300, "PrintFix Ltd", "0117 496 0100", 200),
    ("PR-02", "printer", "HP", "LaserJet Enterprise M507dn", "PHBLB12877", "Sales, 2nd floor", 350, "PrintFix Ltd", "0117 496 0100", 200),
    ("PR-03", "printer", "Brother", "HL-L2375DW", "E78123J9N400", "HR office", 60, "PrintFix Ltd", "0117 496 0100", None),
    ("FX-01", "fax", "Brother", "FAX-2840", "U63271F5J8821", "Reception", 15, "PrintFix Ltd", "0117 496 0100", None),
    ("MF-01", "multifunction", "Epson", "WorkForce Pro WF-C4810", "X6K4011234", "Warehouse office", 80, "Epson Service", "0345 600 0789", 30),
    ("SC-01", "scanner", "Fujitsu", "fi-7160", "A3DHB01772", "Reception", 40, "PrintFix Ltd", "0117 496 0100", 100),
]
COLOUR = {"CP-01": 0.3, "MF-01": 0.5}  # share of colour pages
# asset tag → (days since the plan was last done, pages allowed in days of use); CP-01 is due by pages
PLANS = {"CP-01": (45, 30), "CP-02": (40, 120), "PR-01": (55, 120), "PR-02": (30, 120),
         "PR-03": (60, 120), "FX-01": (20, 120), "MF-01": (35, 120), "SC-01": (50, 120)}
# asset tag, symptom, days ago, hours to repair, cost
HISTORY = [
    ("CP-01", Symptom.PAPER_JAM, 150, 2, 0.0), ("CP-01", Symptom.PRINT_QUALITY, 96, 30, 145.0),
    ("CP-01", Symptom.PAPER_JAM, 41, 1, 0.0), ("CP-01", Symptom.ERROR_CODE, 9, 22, 0.0),
    ("PR-01", Symptom.NETWORK, 95, 6, 0.0), ("PR-02", Symptom.PAPER_JAM, 60, 3, 0.0),
    ("FX-01", Symptom.FAX_LINE, 40, 50, 85.0), ("MF-01", Symptom.TONER_OR_INK, 12, 1, 0.0),
]


def seed(store: Store, now: datetime, rng: random.Random) -> None:
    today = now.date()
    machines = store.repo("machines").add_many([
        Machine(asset_tag=tag, kind=MachineKind(kind), make=make, model=model, serial=serial, location=where,
                vendor=vendor, vendor_phone=phone, vendor_email=f"service@{vendor.split()[0].lower()}.example",
                contract_end=today + timedelta(days=days) if days is not None else None)
        for tag, kind, make, model, serial, where, _, vendor, phone, days in MACHINES
    ])
    by_tag = {m.asset_tag: m for m in machines}
    readings = []
    for machine, spec in zip(machines, MACHINES):
        readings += reading_history(machine, spec[6], today, rng)
    store.repo("meter_readings").add_many(readings)
    store.repo("maintenance_plans").add_many(plans(machines, readings, today))
    with store.transaction("machines"):
        store.repo("tickets").add_many(history(by_tag, now, rng))
        store.repo("tickets").add(Ticket(
            machine_id=by_tag["CP-02"].id, reported_by="lucy", symptom=Symptom.PRINT_QUALITY, detail="grey streak down the left",
            steps_tried=checklist("copier", Symptom.PRINT_QUALITY)[:2], status=TicketStatus.TROUBLESHOOTING,
            opened_at=now - timedelta(hours=3),
        ))
        call_vendor(store, by_tag["PR-02"], now)
        for machine in machines:
            refresh_machine_status(store, machine.id)


def reading_history(machine: Machine, per_day: int, today: date, rng: random.Random) -> list[MeterReading]:
    """Readings every two to five weeks for six months, the last one this week."""
    total, day = rng.randint(20_000, 150_000), today - timedelta(days=180)
    last_day = today - timedelta(days=rng.randint(1, 5))
    found = []
    while day <= last_day:
        found.append(counters(machine, day, total))
        step = min(rng.choice([14, 21, 30, 35]), max((last_day - day).days, 1))
        total += int(per_day * step * rng.uniform(0.7, 1.3))
        day += timedelta(days=step)
    return found


def counters(machine: Machine, day: date, total: int) -> MeterReading:
    share = COLOUR.get(machine.asset_tag)
    colour = int(total * share) if share else None
    return MeterReading(
        machine_id=machine.id, taken_on=day, total=total,
        mono=total - colour if colour is not None else None, colour=colour,
        faxes=total // 3 if machine.kind in (MachineKind.FAX, MachineKind.MULTIFUNCTION) else None,
    )


def plans(machines: list[Machine], readings: list[MeterReading], today: date) -> list[MaintenancePlan]:
    found = []
    for machine, spec in zip(machines, MACHINES):
        days_ago, days_of_use = PLANS[machine.asset_tag]
        own = [r for r in readings if r.machine_id == machine.id]
        done_on = today - timedelta(days=days_ago)
        task = "Clean glass and feed rollers" if machine.kind == MachineKind.SCANNER else "Clean rollers, check fuser and drum"
        found.append(MaintenancePlan(
            machine_id=machine.id, task=task, every_days=90, every_pages=spec[6] * days_of_use,
            last_done_on=done_on, last_done_pages=round(counter_on(own, done_on, spec[6]) or 0),
        ))
    return found


def history(by_tag: dict[str, Machine], now: datetime, rng: random.Random) -> list[Ticket]:
    found = []
    for tag, symptom, days_ago, hours, cost in HISTORY:
        machine = by_tag[tag]
        opened = now - timedelta(days=days_ago, hours=rng.randint(0, 6))
        steps = checklist(machine.kind, symptom)
        found.append(Ticket(
            machine_id=machine.id, reported_by=rng.choice(["reception", "marek", "lucy", "tom"]), symptom=symptom,
            steps_tried=steps[: rng.randint(1, len(steps))], status=TicketStatus.CLOSED, opened_at=opened,
            fixed_at=opened + timedelta(hours=hours), closed_at=opened + timedelta(hours=hours + 2), cost=cost,
            vendor_reference=f"SR-{rng.randint(10000, 99999)}" if cost else "",
        ))
    return found


def call_vendor(store: Store, machine: Machine, now: datetime) -> None:
    """PR-02 is down since yesterday: error code, checklist tried, the vendor called."""
    ticket = store.repo("tickets").add(Ticket(
        machine_id=machine.id, reported_by="marek", symptom=Symptom.ERROR_CODE, detail="49.4C02 error, restarts do not clear it",
        steps_tried=checklist(machine.kind, Symptom.ERROR_CODE), status=TicketStatus.VENDOR_CALLED,
        opened_at=now - timedelta(hours=26), vendor_reference="PF-55812",
    ))
    readings = store.repo("meter_readings").find(machine_id=machine.id)
    tickets = store.repo("tickets").find(machine_id=machine.id)
    serviced = last_service(store.repo("maintenance_plans").find(machine_id=machine.id), tickets)
    sheet = service_sheet(machine, ticket, latest_reading(readings), serviced, (now - timedelta(hours=25)).date())
    store.repo("tickets").update(ticket.id, lambda t: setattr(t, "service_sheet", sheet))
