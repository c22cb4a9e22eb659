"""What the machines board, a machine's page and the dashboard show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from data.agenda import TOP, AgendaEntry, AgendaGroup
from data.engine.clock import office_day
from data.engine.store import Store
from data.machines import forecasts, rules
from data.machines.forecasts import MaintenanceDue, Reliability, TonerForecast
from data.machines.models import Machine, MachineStatus, MaintenancePlan, MeterReading, SupplyLevel, Ticket
from data.machines.supply_levels import latest_levels, low_supplies
from data.stock.models import StockMovement, SupplyItem
from data.stock.views import toner_issued

STATUS_ORDER = {MachineStatus.DOWN: 0, MachineStatus.NEEDS_ATTENTION: 1, MachineStatus.OK: 2, MachineStatus.RETIRED: 3}


@dataclass(frozen=True)
class BoardRow:
    machine: Machine
    last_reading: MeterReading | None
    per_day: float | None
    open_tickets: int
    next_maintenance: MaintenanceDue | None
    toner_out_on: date | None


@dataclass(frozen=True)
class MachineRecords:
    """Everything stored about the machines, read once, grouped by machine id."""

    machines: list[Machine]
    readings: dict[int, list[MeterReading]] = field(default_factory=dict)
    tickets: dict[int, list[Ticket]] = field(default_factory=dict)
    plans: dict[int, list[MaintenancePlan]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Store) -> MachineRecords:
        def by_machine(name: str) -> dict[int, list]:
            grouped: dict[int, list] = {}
            for record in store.repo(name).list():
                grouped.setdefault(record.machine_id, []).append(record)
            return grouped

        readings = {machine_id: forecasts.counting(found) for machine_id, found in by_machine("meter_readings").items()}
        plans = {machine_id: rules.active_plans(found) for machine_id, found in by_machine("maintenance_plans").items()}
        return cls(store.repo("machines").list(), readings, by_machine("tickets"), plans)


def board_row(machine: Machine, records: MachineRecords, toner: list[StockMovement], supplies: dict[int, SupplyItem],
              today: date) -> BoardRow:
    readings = records.readings.get(machine.id, [])
    plans = [] if machine.status == MachineStatus.RETIRED else records.plans.get(machine.id, [])
    toner_left = forecasts.toner_forecasts(forecasts.toner_issues(toner, supplies, machine.id), supplies, readings, today)
    return BoardRow(
        machine,
        forecasts.latest_reading(readings),
        forecasts.recent_pages_per_day(readings, today),
        sum(1 for t in records.tickets.get(machine.id, []) if t.is_open),
        forecasts.next_due(forecasts.plan_due(p, readings, today) for p in plans),
        toner_left[0].runs_out_on if toner_left else None,
    )


def board(store: Store, today: date) -> list[BoardRow]:
    """Every machine at a glance: down first, then needing attention, ok, retired."""
    records = MachineRecords.load(store)
    toner, supplies = toner_issued(store)
    rows = [board_row(m, records, toner, supplies, today) for m in records.machines]
    return sorted(rows, key=lambda r: (STATUS_ORDER[r.machine.status], r.machine.asset_tag))


@dataclass(frozen=True)
class MachineDetail:
    machine: Machine
    readings: list[MeterReading]  # oldest first, the voided ones left out
    history: list[MeterReading]  # every reading, the voided ones too
    pages_per_day_series: list[float]  # for a sparkline
    tickets: list[Ticket]  # newest first
    maintenance: list[MaintenanceDue]
    toner: list[TonerForecast]
    reliability: Reliability
    levels: list[SupplyLevel]  # the newest of each supply, as the machine last reported it


def machine_detail(store: Store, machine_id: int, today: date) -> MachineDetail:
    machine = store.repo("machines").get(machine_id)
    history = forecasts.in_order(store.repo("meter_readings").find(machine_id=machine_id))
    readings = forecasts.counting(history)
    tickets = sorted(store.repo("tickets").find(machine_id=machine_id), key=lambda t: t.opened_at, reverse=True)
    plans = rules.active_plans(store.repo("maintenance_plans").find(machine_id=machine_id))
    return MachineDetail(
        machine, readings, history, forecasts.daily_pages_series(readings), tickets,
        [forecasts.plan_due(p, readings, today) for p in plans], machine_toner(store, machine_id, today), forecasts.reliability(tickets),
        latest_levels(store.repo("supply_levels").find(machine_id=machine_id)).get(machine_id, []),
    )


def machine_toner(store: Store, machine_id: int, today: date) -> list[TonerForecast]:
    movements, supplies = toner_issued(store)
    readings = forecasts.counting(store.repo("meter_readings").find(machine_id=machine_id))
    return forecasts.toner_forecasts(forecasts.toner_issues(movements, supplies, machine_id), supplies, readings, today)


def agenda_groups(store: Store, now: datetime) -> list[AgendaGroup]:
    records = MachineRecords.load(store)
    today = office_day(now)
    down = [m for m in records.machines if m.status == MachineStatus.DOWN]
    due = sorted(
        ((m, d) for m in records.machines if m.status != MachineStatus.RETIRED
         for p in records.plans.get(m.id, []) if (d := forecasts.plan_due(p, records.readings.get(m.id, []), today)).is_due),
        key=lambda pair: pair[1].due_on or today,
    )

    def down_entry(machine: Machine) -> AgendaEntry:
        open_tickets = [t for t in records.tickets.get(machine.id, []) if t.is_open]
        since = min((t.opened_at for t in open_tickets), default=None)
        hours = f", down {(now - since).total_seconds() / 3600:.0f} h" if since else ""
        return AgendaEntry(f"{machine.label()} — {machine.location}{hours}", "machines", machine.id, True)

    low = low_supplies(records.machines, store.repo("supply_levels").list())
    return [
        AgendaGroup("machines_down", "Machines down", "machines", len(down), [down_entry(m) for m in down[:TOP]]),
        AgendaGroup("supplies_low", "Toner low", "machines", len(low), [
            AgendaEntry(f"{s.machine.label()} — {s.level.label()}", "machines", s.machine.id) for s in low[:TOP]
        ]),
        AgendaGroup("maintenance_due", "Maintenance due", "machines", len(due), [
            AgendaEntry(f"{m.label()} — {d.plan.task} (by {d.due_by.value})", "machines", m.id) for m, d in due[:TOP]
        ]),
    ]


@dataclass(frozen=True)
class Board:
    """The board of machines and every ticket, as read at ``now``."""

    rows: list[BoardRow]
    tickets: list[Ticket]
    now: datetime

    def open_tickets(self, machine_id: int) -> list[Ticket]:
        return [t for t in self.tickets if t.machine_id == machine_id and t.is_open]

    def row(self, machine_id: int | None) -> BoardRow | None:
        return next((r for r in self.rows if r.machine.id == machine_id), None)


def board_view(store: Store) -> Board:
    return Board(board(store, store.today()), store.repo("tickets").list(), store.now())


@dataclass(frozen=True)
class MachinePage:
    detail: MachineDetail
    now: datetime

    @property
    def today(self) -> date:
        return office_day(self.now)

    def ticket(self, ticket_id: int | None) -> Ticket | None:
        return next((t for t in self.detail.tickets if t.id == ticket_id), None)


def machine_page(store: Store, machine_id: int) -> MachinePage:
    return MachinePage(machine_detail(store, machine_id, store.today()), store.now())


@dataclass(frozen=True)
class PlansPage:
    """A machine's maintenance plans: those followed, when each falls due, and the removed ones."""

    machine: Machine
    dues: list[MaintenanceDue]  # the plans followed, the soonest due first
    removed: list[MaintenancePlan]
    counter: int  # the machine's last reading: a new plan starts from it

    def plan(self, plan_id: int | None) -> MaintenancePlan | None:
        plans = [due.plan for due in self.dues] + self.removed
        return next((p for p in plans if p.id == plan_id), None)


def plans_page(store: Store, machine_id: int) -> PlansPage:
    machine = store.repo("machines").get(machine_id)
    plans = store.repo("maintenance_plans").find(machine_id=machine_id)
    readings = forecasts.counting(store.repo("meter_readings").find(machine_id=machine_id))
    today = store.today()
    dues = sorted((forecasts.plan_due(p, readings, today) for p in rules.active_plans(plans)),
                  key=lambda d: (not d.is_due, d.due_on or date.max, d.plan.task.casefold()))
    last = forecasts.latest_reading(readings)
    return PlansPage(machine, dues, [p for p in plans if p.is_removed], last.total if last else 0)
