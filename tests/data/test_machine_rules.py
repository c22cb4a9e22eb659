"""Machine rules as pure functions: readings, maintenance, toner, tickets, reliability."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from data.engine.errors import FieldError, RuleError
from data.machines.forecasts import (
    counter_on,
    daily_pages_series,
    maintenance_due,
    pages_per_cartridge,
    pages_per_day,
    reliability,
    toner_forecasts,
    toner_issues,
    toner_out_date,
)
from data.machines.models import (
    DueBy,
    Machine,
    MachineKind,
    MachineStatus,
    MaintenancePlan,
    MeterReading,
    Ticket,
    TicketStatus,
)
from data.machines.rules import (
    check_reading,
    check_unique,
    counter_went_back,
    downtime,
    machine_status,
    move_ticket,
    retire_refusal,
    service_sheet,
    tick_step,
)
from data.machines.troubleshooting import STEPS, SYMPTOM_KINDS, Symptom, checklist, symptoms_for
from data.stock.models import MovementKind, StockMovement, SupplyCategory, SupplyItem

DAY0 = date(2026, 1, 5)
NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


def reading(days: int, total: int, machine_id: int = 1, **counters) -> MeterReading:
    return MeterReading(machine_id=machine_id, taken_on=DAY0 + timedelta(days=days), total=total, **counters)


def printer(**fields) -> Machine:
    values = {"id": 1, "asset_tag": "PR-01", "kind": MachineKind.PRINTER, "make": "HP", "model": "M507dn", "serial": "PHB123"}
    return Machine(**{**values, **fields})


# -- readings ----------------------------------------------------------------------------


def test_a_reading_below_the_previous_one_is_refused_naming_the_counter():
    earlier = [reading(0, 10_000), reading(30, 12_500)]
    with pytest.raises(FieldError) as refused:
        check_reading(reading(40, 12_499), earlier, DAY0 + timedelta(days=40))
    assert refused.value.field == "total"
    assert "12,500" in str(refused.value)


def test_an_equal_reading_and_a_rising_one_are_accepted():
    earlier = [reading(0, 10_000)]
    check_reading(reading(10, 10_000), earlier, DAY0 + timedelta(days=10))
    check_reading(reading(10, 10_001), earlier, DAY0 + timedelta(days=10))


def test_each_counter_is_compared_with_the_last_reading_that_had_it():
    earlier = [reading(0, 10_000, colour=3_000), reading(20, 11_000)]  # the second had no colour figure
    with pytest.raises(FieldError) as refused:
        check_reading(reading(30, 12_000, colour=2_900), earlier, DAY0 + timedelta(days=30))
    assert refused.value.field == "colour"


def test_a_back_dated_reading_above_a_later_one_is_refused():
    readings = [reading(0, 10_000), reading(30, 13_000)]
    with pytest.raises(FieldError) as refused:
        check_reading(reading(15, 13_500), readings, DAY0 + timedelta(days=40))
    assert "later" in str(refused.value)
    check_reading(reading(15, 11_500), readings, DAY0 + timedelta(days=40))


def test_readings_of_another_machine_do_not_count():
    check_reading(reading(10, 100), [reading(0, 50_000, machine_id=2)], DAY0 + timedelta(days=10))


def test_a_reading_dated_in_the_future_is_refused():
    with pytest.raises(FieldError) as refused:
        check_reading(reading(5, 100), [], today=DAY0)
    assert refused.value.field == "taken_on"


def test_pages_per_day_spans_the_gaps_between_readings():
    # 1,000 pages in 10 days, then 1,500 in 30: 2,500 in 40 days, not the mean of 100 and 50
    readings = [reading(40, 3_500), reading(0, 1_000), reading(10, 2_000)]
    assert pages_per_day(readings) == 2_500 / 40
    assert daily_pages_series(readings) == [100, 50]


def test_pages_per_day_needs_two_readings_on_different_days():
    assert pages_per_day([reading(0, 1_000)]) is None
    assert pages_per_day([reading(0, 1_000), reading(0, 1_200)]) is None


def test_pages_per_day_since_a_day_starts_from_the_reading_before_it():
    readings = [reading(0, 0), reading(100, 1_000), reading(120, 3_000), reading(140, 5_000)]
    assert pages_per_day(readings, since=DAY0 + timedelta(days=110)) == 4_000 / 40


def test_the_counter_between_readings_is_a_straight_line_and_after_them_follows_the_rate():
    readings = [reading(0, 1_000), reading(10, 2_000)]
    assert counter_on(readings, DAY0 + timedelta(days=4), per_day=None) == 1_400
    assert counter_on(readings, DAY0 + timedelta(days=13), per_day=50) == 2_150
    assert counter_on(readings, DAY0 - timedelta(days=1), per_day=50) is None


# -- maintenance -------------------------------------------------------------------------


def plan(**fields) -> MaintenancePlan:
    values = {"machine_id": 1, "task": "Clean rollers", "every_days": 90, "every_pages": 10_000,
              "last_done_on": DAY0, "last_done_pages": 50_000}
    return MaintenancePlan(**{**values, **fields})


def test_maintenance_falls_due_by_pages_before_days_on_a_busy_machine():
    today = DAY0 + timedelta(days=30)
    soon = maintenance_due(plan(), current_pages=59_000, per_day=200, today=today)
    assert (soon.due_by, soon.due_on, soon.pages_left, soon.is_due) == (DueBy.PAGES, today + timedelta(days=5), 1_000, False)
    over = maintenance_due(plan(), current_pages=60_200, per_day=200, today=today)
    assert (over.due_by, over.is_due) == (DueBy.PAGES, True)


def test_maintenance_falls_due_by_days_before_pages_on_a_quiet_machine():
    today = DAY0 + timedelta(days=80)
    soon = maintenance_due(plan(), current_pages=52_000, per_day=25, today=today)
    assert (soon.due_by, soon.due_on, soon.is_due) == (DueBy.DAYS, DAY0 + timedelta(days=90), False)
    late = maintenance_due(plan(), current_pages=52_300, per_day=25, today=DAY0 + timedelta(days=91))
    assert (late.due_by, late.is_due) == (DueBy.DAYS, True)


def test_a_plan_by_pages_only_is_due_once_the_pages_are_printed_even_without_a_rate():
    by_pages = plan(every_days=None)
    assert maintenance_due(by_pages, 55_000, None, DAY0).is_due is False
    assert maintenance_due(by_pages, 60_000, None, DAY0).is_due is True


def test_a_plan_needs_days_or_pages():
    with pytest.raises(ValueError, match="how often"):
        plan(every_days=None, every_pages=None)


# -- toner -------------------------------------------------------------------------------

BLACK = SupplyItem(id=1, name="Toner HP 89A", category=SupplyCategory.TONER)
CYAN = SupplyItem(id=2, name="Toner cyan", category=SupplyCategory.TONER)
PAPER = SupplyItem(id=3, name="A4 paper", category=SupplyCategory.PAPER)
SUPPLIES = {item.id: item for item in (BLACK, CYAN, PAPER)}


def used(item: SupplyItem, days: int, machine_id: int = 1, quantity: int = 1) -> StockMovement:
    at = datetime.combine(DAY0 + timedelta(days=days), datetime.min.time()).replace(hour=10)
    return StockMovement(item_id=item.id, kind=MovementKind.USED, quantity=quantity, at=at, machine_id=machine_id)


# 100 pages a day from 10,000 on day 0
STEADY = [reading(0, 10_000), reading(30, 13_000), reading(60, 16_000)]


def test_toner_issued_to_a_machine_is_toner_or_ink_used_for_that_machine():
    movements = [used(BLACK, 20), used(BLACK, 0), used(PAPER, 5), used(BLACK, 10, machine_id=2),
                 StockMovement(item_id=1, kind=MovementKind.RECEIVED, quantity=5, at=NOW, machine_id=1)]
    assert [m.at.date() for m in toner_issues(movements, SUPPLIES, 1)] == [DAY0, DAY0 + timedelta(days=20)]


def test_pages_per_cartridge_counts_the_pages_between_changes():
    # changes at 10,000, 12,000 and 15,000 pages: 5,000 pages from two cartridges
    issues = [used(BLACK, 0), used(BLACK, 20), used(BLACK, 50)]
    assert pages_per_cartridge(issues, STEADY, per_day=100) == 2_500
    # two cartridges taken at once at the first change: 5,000 pages from three
    issues = [used(BLACK, 0, quantity=2), used(BLACK, 20), used(BLACK, 50)]
    assert pages_per_cartridge(issues, STEADY, per_day=100) == 5_000 / 3
    assert pages_per_cartridge(issues[:1], STEADY, per_day=100) is None


def test_toner_out_is_predicted_from_pages_per_cartridge_and_the_page_rate():
    issues = [used(BLACK, 0), used(BLACK, 20), used(BLACK, 50)]
    # 2,500 a cartridge; on day 60 1,000 pages have been printed since the last change:
    # 1,500 left at 100 a day
    today = DAY0 + timedelta(days=60)
    assert toner_out_date(issues, STEADY, today) == today + timedelta(days=15)
    # ten days on, with no new reading, the counter is estimated at the same rate
    assert toner_out_date(issues, STEADY, today + timedelta(days=10)) == today + timedelta(days=15)
    # two cartridges taken at the last change last twice as long
    issues[-1] = used(BLACK, 50, quantity=2)
    assert toner_out_date(issues, STEADY, today) == today + timedelta(days=40)


def test_each_toner_colour_is_forecast_on_its_own_soonest_first():
    movements = [used(BLACK, 0), used(BLACK, 20), used(BLACK, 50), used(CYAN, 0), used(CYAN, 40)]
    today = DAY0 + timedelta(days=60)
    forecasts = toner_forecasts(toner_issues(movements, SUPPLIES, 1), SUPPLIES, STEADY, today)
    assert [(f.item_name, f.cartridges, f.runs_out_on) for f in forecasts] == [
        ("Toner HP 89A", 3, today + timedelta(days=15)),
        ("Toner cyan", 2, DAY0 + timedelta(days=80)),  # 4,000 a cartridge, changed at 14,000
    ]


# -- tickets -----------------------------------------------------------------------------


def ticket(**fields) -> Ticket:
    values = {"id": 7, "machine_id": 1, "symptom": Symptom.PAPER_JAM, "opened_at": NOW, "reported_by": "ann"}
    return Ticket(**{**values, **fields})


def test_a_ticket_moves_from_open_to_closed_and_stamps_its_times():
    t = ticket()
    for status in (TicketStatus.TROUBLESHOOTING, TicketStatus.VENDOR_CALLED, TicketStatus.AWAITING_PARTS, TicketStatus.FIXED):
        move_ticket(t, status, NOW + timedelta(hours=3))
    move_ticket(t, TicketStatus.CLOSED, NOW + timedelta(days=2))
    assert (t.fixed_at, t.closed_at) == (NOW + timedelta(hours=3), NOW + timedelta(days=2))


@pytest.mark.parametrize(
    ("start", "to", "words"),
    [
        (TicketStatus.TROUBLESHOOTING, TicketStatus.AWAITING_PARTS, "Call the vendor before"),
        (TicketStatus.VENDOR_CALLED, TicketStatus.TROUBLESHOOTING, "vendor has been called"),
        (TicketStatus.VENDOR_CALLED, TicketStatus.CLOSED, "not fixed yet"),
        (TicketStatus.FIXED, TicketStatus.VENDOR_CALLED, "already fixed"),
        (TicketStatus.CLOSED, TicketStatus.FIXED, "is closed"),
    ],
)
def test_an_illegal_ticket_move_is_refused_in_words(start, to, words):
    t = ticket(status=start)
    with pytest.raises(RuleError, match=words):
        move_ticket(t, to, NOW)
    assert t.status == start


def test_ticking_a_step_starts_troubleshooting_and_unticking_removes_it():
    t = ticket()
    tick_step(t, "Open every door")
    tick_step(t, "Fan the stack")
    tick_step(t, "Open every door")  # ticked twice, listed once
    assert (t.status, t.steps_tried) == (TicketStatus.TROUBLESHOOTING, ["Fan the stack", "Open every door"])
    tick_step(t, "Fan the stack", done=False)
    assert t.steps_tried == ["Open every door"]
    t.status = TicketStatus.VENDOR_CALLED
    with pytest.raises(RuleError):
        tick_step(t, "Check the paper")


def test_a_machine_is_down_while_the_vendor_has_it_and_needs_attention_while_a_ticket_is_open():
    machine = printer()
    assert machine_status(machine, [ticket(status=TicketStatus.CLOSED)]) == MachineStatus.OK
    assert machine_status(machine, [ticket(status=TicketStatus.TROUBLESHOOTING)]) == MachineStatus.NEEDS_ATTENTION
    assert machine_status(machine, [ticket(), ticket(status=TicketStatus.AWAITING_PARTS)]) == MachineStatus.DOWN
    assert machine_status(machine, [ticket(machine_id=2, status=TicketStatus.VENDOR_CALLED)]) == MachineStatus.OK
    assert machine_status(printer(status=MachineStatus.RETIRED), [ticket()]) == MachineStatus.RETIRED


def test_downtime_runs_from_the_report_to_the_fix():
    assert downtime(ticket(), NOW + timedelta(hours=5)) == timedelta(hours=5)
    assert downtime(ticket(fixed_at=NOW + timedelta(hours=2)), NOW + timedelta(days=3)) == timedelta(hours=2)


def test_the_service_sheet_has_what_the_vendor_asks_for():
    machine = printer(contract_end=date(2026, 2, 1), vendor="PrintFix Ltd", vendor_phone="0117 496 0100", location="Sales")
    t = ticket(symptom=Symptom.ERROR_CODE, detail="49.4C02", steps_tried=["Switch off and on"])
    sheet = service_sheet(machine, t, reading(60, 123_456), date(2025, 12, 1), NOW.date())
    for expected in ("PHB123", "HP M507dn", "PR-01", "123,456", "error code", "49.4C02", "Switch off and on",
                     "EXPIRED on 01 Feb 2026", "01 Dec 2025", "PrintFix Ltd", "Sales"):
        assert expected in sheet


# -- reliability -------------------------------------------------------------------------


def test_mtbf_and_mttr_come_from_the_fixed_tickets():
    start = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    history = [
        ticket(opened_at=start, fixed_at=start + timedelta(hours=4), status=TicketStatus.CLOSED),
        # 10 days working after the first repair, then 12 hours to repair
        ticket(opened_at=start + timedelta(days=10, hours=4), fixed_at=start + timedelta(days=10, hours=16), status=TicketStatus.FIXED),
        # 10 days working again, then 8 hours
        ticket(opened_at=start + timedelta(days=20, hours=16), fixed_at=start + timedelta(days=21), status=TicketStatus.CLOSED),
        ticket(opened_at=start + timedelta(days=30), status=TicketStatus.VENDOR_CALLED),  # not repaired: no figure yet
    ]
    figures = reliability(reversed(history))
    assert (figures.failures, figures.mtbf_days, figures.mttr_hours, figures.downtime_hours) == (3, 10, 8, 24)


def test_a_machine_that_never_failed_has_no_figures():
    figures = reliability([ticket(status=TicketStatus.TROUBLESHOOTING)])
    assert (figures.failures, figures.mtbf_days, figures.mttr_hours) == (0, None, None)


# -- machines and checklists -------------------------------------------------------------


def test_serials_and_asset_tags_are_unique_whatever_the_case():
    stored = [printer()]
    with pytest.raises(FieldError) as refused:
        check_unique(printer(id=None, asset_tag="PR-02", serial=" phb123 "), stored)
    assert refused.value.field == "serial"
    with pytest.raises(FieldError) as refused:
        check_unique(printer(id=None, asset_tag="pr-01", serial="NEW1"), stored)
    assert refused.value.field == "asset_tag"
    check_unique(printer(location="moved"), stored)  # the machine itself, edited


def test_every_kind_has_a_checklist_for_every_symptom_it_can_have():
    for kind in MachineKind:
        for symptom in symptoms_for(kind):
            assert len(checklist(kind, symptom)) >= 3, (kind, symptom)
    kinds = {k.value for k in MachineKind}
    assert all(step_kinds <= kinds for steps in STEPS.values() for _, step_kinds in steps)
    assert all(kinds_of <= kinds for kinds_of in SYMPTOM_KINDS.values())


def test_checklists_suit_the_machine():
    assert Symptom.TONER_OR_INK not in symptoms_for(MachineKind.SCANNER)
    assert Symptom.FAX_LINE in symptoms_for(MachineKind.FAX)
    assert Symptom.FAX_LINE not in symptoms_for(MachineKind.PRINTER)
    assert any("dial tone" in s for s in checklist(MachineKind.FAX, Symptom.FAX_LINE))
    assert not any("fax film" in s for s in checklist(MachineKind.PRINTER, Symptom.TONER_OR_INK))
    assert any("fax film" in s for s in checklist(MachineKind.FAX, Symptom.TONER_OR_INK))


def test_a_counter_going_back_is_said_with_both_numbers():
    last = MeterReading(machine_id=1, taken_on=date(2026, 3, 2), total=1_350)
    assert counter_went_back(1_200, last).startswith("counter went back: 1,200 < 1,350 (1,350 on 02 Mar 2026); not recorded")


def test_a_retire_refusal_names_every_open_ticket_by_number_and_title():
    machine = Machine(id=1, asset_tag="CP-01", kind=MachineKind.COPIER, make="Canon", model="iR", serial="S1")
    opened = datetime(2026, 3, 2, 9, tzinfo=UTC)
    jam = Ticket(id=4, machine_id=1, symptom=Symptom.PAPER_JAM, detail="tray 2\nsecond line", opened_at=opened)
    noise = Ticket(id=2, machine_id=1, symptom=Symptom.NOISE, opened_at=opened)
    assert retire_refusal(machine, []) == ""
    assert retire_refusal(machine, [jam]) == ("CP-01 Canon iR has 1 open ticket (#4 paper jam — tray 2); "
                                              "fix, close or void it before retiring it.")
    assert retire_refusal(machine, [jam, noise]) == ("CP-01 Canon iR has 2 open tickets (#2 grinding or unusual noise; #4 paper jam — tray 2); "
                                                     "fix, close or void them before retiring it.")
