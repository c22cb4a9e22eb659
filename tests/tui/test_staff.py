"""Staff by the keys HR presses: timelines, trainings, warnings, termination, and access."""

from __future__ import annotations

from datetime import date, timedelta

from data.staff.models import EmploymentStatus, EventKind, StaffEvent, WarningLevel
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.widgets.dialogs import ConfirmModal
from tui.widgets.record_table import RecordTable

TODAY = date(2026, 3, 10)  # the clock's day


def add_employee(store, name: str, **fields):
    return store.repo("employees").add({"name": name, "role": "Clerk", "department": "Accounts",
                                        "start_date": TODAY - timedelta(days=400), **fields})


def table_rows(app, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(f"#{table_id}", RecordTable)
    return [[str(cell).strip() for cell in table.get_row_at(i)] for i in range(table.row_count)]


def listed(app) -> list[str]:
    return [row[0] for row in table_rows(app, "employees")]


async def test_enter_shows_the_timeline_in_date_order_with_marks(make_app, store):
    priya = add_employee(store, "Priya Shah", role="Accounts Clerk")
    add_employee(store, "Tom Baines")
    events = store.repo("staff_events")
    events.add(StaffEvent(employee_id=priya.id, kind=EventKind.WARNING, on=TODAY - timedelta(days=30),
                          level=WarningLevel.VERBAL, reason="Late again", expires_after_months=6))
    events.add(StaffEvent(employee_id=priya.id, kind=EventKind.TRAINING, on=TODAY - timedelta(days=390),
                          course="Fire safety", completed=True, valid_until=TODAY - timedelta(days=25)))
    events.add(StaffEvent(employee_id=priya.id, kind=EventKind.WARNING, on=TODAY - timedelta(days=300),
                          level=WarningLevel.VERBAL, reason="Rude on the phone", expires_after_months=6))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        assert await wait_for(pilot, lambda: listed(app) == ["Priya Shah", "Tom Baines"])
        assert table_rows(app, "employees")[0][3] == "1 warning  1 training expired"
        await pilot.press("enter")
        assert app.screen.focused is app.screen.query_one("#timeline")
        timeline = table_rows(app, "timeline")
        assert [(row[1], row[2].split(":")[0]) for row in timeline] == [
            ("", "Started as Accounts Clerk"),
            ("expired", "Training"),
            ("expired", "Verbal warning"),  # six months are over
            ("ACTIVE", "Verbal warning"),
        ]
        assert [row[0] for row in timeline] == [f"{d:%d %b %Y}" for d in (
            TODAY - timedelta(days=400), TODAY - timedelta(days=390), TODAY - timedelta(days=300), TODAY - timedelta(days=30))]
        await pilot.press("escape", "j")  # back in the list: the next employee's file
        assert await wait_for(pilot, lambda: [row[2] for row in table_rows(app, "timeline")] == ["Started as Clerk"])


async def test_a_training_added_by_keys(make_app, store):
    priya = add_employee(store, "Priya Shah")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        assert await wait_for(pilot, lambda: listed(app) == ["Priya Shah"])
        await pilot.press("t")
        form = app.screen
        assert form.value_of("on") == "2026-03-10"
        await pilot.press(*"First aid at work", "tab", "tab", "tab", *"2029-03-10", "ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is not form)
        assert await wait_for(pilot, lambda: any("First aid at work" in row[2] for row in table_rows(app, "timeline")))
    [training] = store.repo("staff_events").find(employee_id=priya.id)
    assert (training.kind, training.course, training.on, training.valid_until, training.completed) == (
        EventKind.TRAINING, "First aid at work", TODAY, date(2029, 3, 10), True)


async def test_a_warning_suggests_the_next_level_from_the_active_ones(make_app, store):
    owen = add_employee(store, "Owen Price")
    store.repo("staff_events").add(StaffEvent(employee_id=owen.id, kind=EventKind.WARNING, on=TODAY - timedelta(days=20),
                                              level=WarningLevel.VERBAL, reason="Personal calls", expires_after_months=6))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        assert await wait_for(pilot, lambda: listed(app) == ["Owen Price"])
        await pilot.press("w")
        form = app.screen
        assert form.value_of("level") == "written"
        await pilot.press("ctrl+s")  # no reason: said under the field
        assert await wait_for(pilot, lambda: "reason" in str(form.query_one("#error-reason").render()))
        await pilot.press(*"Shouted at a customer", "ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is not form)
        assert await wait_for(pilot, lambda: table_rows(app, "employees")[0][3] == "2 warnings")
    warning = store.repo("staff_events").find(employee_id=owen.id, level=WarningLevel.WRITTEN)[0]
    assert (warning.reason, warning.on, warning.issued_by, warning.expires_after_months) == ("Shouted at a customer", TODAY, "tester", 12)


async def test_termination_asks_then_the_employee_leaves_the_active_list(make_app, store):
    kieran = add_employee(store, "Kieran Doyle", role="Driver")
    add_employee(store, "Sofia Rossi")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        assert await wait_for(pilot, lambda: listed(app) == ["Kieran Doyle", "Sofia Rossi"])
        await pilot.press("T")
        form = app.screen
        await pilot.press(*["backspace"] * 10, *"2020-01-01", "tab", *"Moving away", "ctrl+s")  # before he started
        assert await wait_for(pilot, lambda: "cannot be earlier" in str(form.query_one("#error-on").render()))
        form.widget_of("on").focus()
        await pilot.press(*["backspace"] * 10, *"2026-03-31", "ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "Kieran Doyle leaves on 31 Mar 2026: Moving away" in str(app.screen.query_one("#dialog-message").render())
        await pilot.press("n")  # thought better of it: nothing changes
        assert store.repo("employees").get(kieran.id).status == EmploymentStatus.ACTIVE

        await pilot.press("T", *["backspace"] * 10, *"2026-03-09", "tab", *"Moving away", "ctrl+s")  # left yesterday
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        assert await wait_for(pilot, lambda: listed(app) == ["Sofia Rossi"])
        await pilot.press("a")  # the record stays, with its file
        assert await wait_for(pilot, lambda: listed(app) == ["Sofia Rossi", "Kieran Doyle"])
        assert table_rows(app, "employees")[1][3] == "left 09 Mar 2026"
    left = store.repo("employees").get(kieran.id)
    assert (left.status, left.left_on, left.left_reason) == (EmploymentStatus.LEFT, date(2026, 3, 9), "Moving away")
    [termination] = store.repo("staff_events").find(employee_id=kieran.id, kind=EventKind.TERMINATION)
    assert termination.reason == "Moving away"



async def test_an_employee_leaving_later_this_year_stays_listed_saying_when(make_app, store):
    add_employee(store, "Priya Shah", status=EmploymentStatus.LEFT, left_on=date(2026, 12, 31), left_reason="Moving [bold]away")
    add_employee(store, "Tom Baines", status=EmploymentStatus.LEFT, left_on=TODAY - timedelta(days=1), left_reason="Retired")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        assert await wait_for(pilot, lambda: listed(app) == ["Priya Shah"])
        assert table_rows(app, "employees")[0][3] == "leaving 31 Dec"
