"""What the readings, the toner issued and the maintenance plans foretell: pages a day, when
maintenance falls due, when a cartridge runs out, and how reliable a machine has been."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from data.engine.clock import office_day
from data.machines.models import DueBy, MaintenancePlan, MeterReading, Ticket
from data.stock.models import MovementKind, StockMovement, SupplyCategory, SupplyItem

RATE_WINDOW_DAYS = 90  # pages per day for forecasts: the recent rate, not years ago
TONER_CATEGORIES = (SupplyCategory.TONER, SupplyCategory.INK)


def counting(readings: Iterable[MeterReading]) -> list[MeterReading]:
    """The readings figures are made of: a voided one is history only."""
    return [r for r in readings if not r.is_void]


def in_order(readings: Iterable[MeterReading]) -> list[MeterReading]:
    return sorted(readings, key=lambda r: (r.taken_on, r.total))


def pages_per_day(readings: Iterable[MeterReading], since: date | None = None) -> float | None:
    """Pages per calendar day across the readings, however far apart they were taken.

    With ``since``, from the last reading on or before that day (or the first after it)."""
    ordered = in_order(readings)
    if since is not None:
        before = [r for r in ordered if r.taken_on <= since]
        ordered = ordered[len(before) - 1:] if before else ordered
    if len(ordered) < 2:
        return None
    days = (ordered[-1].taken_on - ordered[0].taken_on).days
    return None if days <= 0 else (ordered[-1].total - ordered[0].total) / days


def recent_pages_per_day(readings: Iterable[MeterReading], today: date) -> float | None:
    return pages_per_day(readings, since=today - timedelta(days=RATE_WINDOW_DAYS))


def daily_pages_series(readings: Iterable[MeterReading]) -> list[float]:
    """Pages per day between consecutive readings, for a sparkline."""
    ordered = in_order(readings)
    return [
        (after.total - before.total) / days
        for before, after in zip(ordered, ordered[1:])
        if (days := (after.taken_on - before.taken_on).days) > 0
    ]


def latest_reading(readings: Iterable[MeterReading]) -> MeterReading | None:
    ordered = in_order(readings)
    return ordered[-1] if ordered else None


def last_readings(readings: Iterable[MeterReading]) -> list[MeterReading]:
    """Each machine's latest reading that counts."""
    by_machine: dict[int, list[MeterReading]] = {}
    for reading in counting(readings):
        by_machine.setdefault(reading.machine_id, []).append(reading)
    return [latest for found in by_machine.values() if (latest := latest_reading(found))]


def counter_on(readings: Iterable[MeterReading], day: date, per_day: float | None) -> float | None:
    """The total counter on ``day``: between readings by straight line, after the last one
    at ``per_day``; unknown before the first reading."""
    ordered = in_order(readings)
    if not ordered or day < ordered[0].taken_on:
        return None
    last = ordered[-1]
    if day >= last.taken_on:
        return last.total + (per_day or 0) * (day - last.taken_on).days
    for before, after in zip(ordered, ordered[1:]):
        if before.taken_on <= day < after.taken_on:
            share = (day - before.taken_on).days / (after.taken_on - before.taken_on).days
            return before.total + share * (after.total - before.total)


@dataclass(frozen=True)
class MaintenanceDue:
    plan: MaintenancePlan
    due_on: date | None  # None: by pages only, and no page rate to turn pages into a date
    pages_left: int | None
    due_by: DueBy | None
    is_due: bool


def maintenance_due(plan: MaintenancePlan, current_pages: float, per_day: float | None, today: date) -> MaintenanceDue:
    """When the plan falls due: by days or by pages, whichever comes first."""
    dates: list[tuple[date, DueBy]] = []
    if plan.every_days:
        dates.append((plan.last_done_on + timedelta(days=plan.every_days), DueBy.DAYS))
    pages_left = None
    if plan.every_pages:
        pages_left = math.ceil(plan.last_done_pages + plan.every_pages - current_pages)
        if pages_left <= 0:
            dates.append((today, DueBy.PAGES))
        elif per_day:
            dates.append((today + timedelta(days=math.floor(pages_left / per_day)), DueBy.PAGES))
    if not dates:
        return MaintenanceDue(plan, None, pages_left, DueBy.PAGES, False)
    due_on, due_by = min(dates)
    return MaintenanceDue(plan, due_on, pages_left, due_by, due_on <= today)


def plan_due(plan: MaintenancePlan, readings: list[MeterReading], today: date) -> MaintenanceDue:
    per_day = recent_pages_per_day(readings, today)
    return maintenance_due(plan, counter_on(readings, today, per_day) or 0, per_day, today)


def next_due(dues: Iterable[MaintenanceDue]) -> MaintenanceDue | None:
    ordered = sorted(dues, key=lambda d: (not d.is_due, d.due_on or date.max))
    return ordered[0] if ordered else None


def toner_issues(movements: Iterable[StockMovement], supplies: dict[int, SupplyItem], machine_id: int) -> list[StockMovement]:
    """Toner or ink issued to this machine (stock movements of kind "used"), oldest first."""
    found = [
        m for m in movements
        if m.kind == MovementKind.USED and m.machine_id == machine_id
        and m.item_id in supplies and supplies[m.item_id].category in TONER_CATEGORIES
    ]
    return sorted(found, key=lambda m: m.at)


def pages_per_cartridge(issues: list[StockMovement], readings: list[MeterReading], per_day: float | None) -> float | None:
    """Pages printed from the first change to the last, per cartridge fitted before the last.

    ``issues`` are the changes of one supply item, each cartridge issued counted as fitted."""
    changes = [(c, m.quantity) for m in issues if (c := counter_on(readings, office_day(m.at), per_day)) is not None]
    if len(changes) < 2:
        return None
    pages = changes[-1][0] - changes[0][0]
    cartridges = sum(quantity for _, quantity in changes[:-1])
    return pages / cartridges if pages > 0 and cartridges > 0 else None


def toner_out_date(issues: list[StockMovement], readings: list[MeterReading], today: date) -> date | None:
    """When the cartridges fitted at the last change will be empty, at the recent page rate."""
    per_day = recent_pages_per_day(readings, today)
    per_cartridge = pages_per_cartridge(issues, readings, per_day)
    if not per_cartridge or not per_day:
        return None
    last = issues[-1]
    at_change = counter_on(readings, office_day(last.at), per_day)
    now = counter_on(readings, today, per_day)
    if at_change is None or now is None:
        return None
    left = per_cartridge * last.quantity - (now - at_change)
    return today + timedelta(days=math.floor(left / per_day))


@dataclass(frozen=True)
class TonerForecast:
    item_id: int
    item_name: str
    cartridges: int  # issued to this machine so far
    last_change: date
    pages_per_cartridge: float | None
    runs_out_on: date | None


def toner_forecasts(issues: list[StockMovement], supplies: dict[int, SupplyItem], readings: list[MeterReading],
                    today: date) -> list[TonerForecast]:
    """One forecast per toner or ink item the machine takes (a colour copier has four),
    soonest empty first."""
    per_day = recent_pages_per_day(readings, today)
    found = []
    for item_id in dict.fromkeys(m.item_id for m in issues):
        own = [m for m in issues if m.item_id == item_id]
        found.append(TonerForecast(
            item_id, supplies[item_id].name if item_id in supplies else f"item #{item_id}", sum(m.quantity for m in own),
            office_day(own[-1].at), pages_per_cartridge(own, readings, per_day), toner_out_date(own, readings, today),
        ))
    return sorted(found, key=lambda f: f.runs_out_on or date.max)


@dataclass(frozen=True)
class Reliability:
    failures: int
    mtbf_days: float | None  # mean time from one repair to the next failure
    mttr_hours: float | None  # mean time from report to repair
    downtime_hours: float


def reliability(tickets: Iterable[Ticket]) -> Reliability:
    """From the machine's fixed and closed tickets."""
    done = sorted((t for t in tickets if t.fixed_at is not None and not t.is_void), key=lambda t: t.opened_at)
    if not done:
        return Reliability(0, None, None, 0.0)
    uptimes = [max((b.opened_at - a.fixed_at).total_seconds(), 0) / 86400 for a, b in zip(done, done[1:])]
    repairs = [(t.fixed_at - t.opened_at).total_seconds() / 3600 for t in done]
    return Reliability(len(done), sum(uptimes) / len(uptimes) if uptimes else None, sum(repairs) / len(repairs), sum(repairs))
