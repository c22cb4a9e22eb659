"""The phone system rings the app: `backoffice ring` from another process, and the sessions
it is for show the call slip at once, the caller recognised. Real processes, real files."""

from __future__ import annotations

import subprocess
import sys
import time

from data.calls.models import CallStatus
from tests.data.helpers import ROOT
from tests.tui.conftest import SIZE
from tests.tui.test_calls import queue_texts
from tests.tui.test_shell import wait_for
from tui.app import BackOfficeApp
from tui.settings import Settings


def ring(store, number: str, *to: str) -> subprocess.CompletedProcess:
    """What a PBX's hook runs: a process of its own."""
    return subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(store.folder), "ring", number, *to],
                          cwd=ROOT, capture_output=True, text=True, check=True)


def ringing_slip(app):
    """The slip of a ringing call, once it is on screen with its fields."""
    screen = app.screen
    return screen if getattr(screen, "ringing", None) is not None and screen.query("#field-caller") else None


async def test_a_ring_for_me_pops_the_slip_with_the_caller_and_saving_answers_it(store):
    store.repo("calls").add({"caller": "Janet Moore", "company": "Moore Logistics", "number": "020 7946 0000",
                             "message": "Invoice 4471"})
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")  # somewhere else in the app
        done = ring(store, "02079460000", "--to", "tester")
        assert done.stdout == "call #2: Janet Moore (Moore Logistics) rang for tester\n"
        started = time.monotonic()
        assert await wait_for(pilot, lambda: ringing_slip(app) is not None, seconds=5)
        assert time.monotonic() - started < 2.5  # the files are looked at every second
        slip = ringing_slip(app)
        assert (slip.value_of("caller"), slip.value_of("company")) == ("Janet Moore", "Moore Logistics")
        assert await wait_for(pilot, lambda: "Invoice 4471" in str(slip.query_one("#form-intro").render()))
        await pilot.press(*"Wants a copy of the invoice", "ctrl+s")
        assert await wait_for(pilot, lambda: ringing_slip(app) is None)
        assert app.current_mode == "stock"
    answered = store.repo("calls").get(2)
    assert answered.status == CallStatus.NEW and answered.callback_due is None
    assert answered.message == "Wants a copy of the invoice"
    assert [step.action for step in answered.history] == ["rang for tester", "answered"]


async def test_a_ring_for_someone_else_leaves_this_session_alone_and_one_for_everyone_does_not(store):
    app = BackOfficeApp(store, Settings(fax_command="", extension="214"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)
        ring(store, "0161 496 0732", "--to", "grace")
        await pilot.pause(2.5)
        assert ringing_slip(app) is None
        ring(store, "0161 496 0733", "--to", "214")  # this person's extension
        assert await wait_for(pilot, lambda: ringing_slip(app) is not None, seconds=5)
        assert ringing_slip(app).value_of("caller") == "Unknown caller"
        await pilot.press("escape")  # not answered here
        assert await wait_for(pilot, lambda: ringing_slip(app) is None)
        ring(store, "0161 496 0734")  # for everyone
        assert await wait_for(pilot, lambda: ringing_slip(app) is not None, seconds=5)
    missed = store.repo("calls").find(rang_for="214")[0]
    assert missed.status == CallStatus.CALLBACK and missed.callback_due is not None  # a missed call: call back


def test_a_call_dialled_from_the_office_is_logged_made_and_the_waiting_callback_hears_of_it(store):
    store.repo("contacts").add({"name": "Janet Moore", "kind": "outside", "company": "Moore Logistics", "number": "020 7946 0000"})
    ring(store, "02079460000", "--to", "ann")  # missed: a callback to make
    made = subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(store.folder), "dialled", "020 7946 0000", "--by", "201"],
                          cwd=ROOT, capture_output=True, text=True)
    assert (made.returncode, made.stdout) == (0, "call #2: Janet Moore (Moore Logistics) called by 201\n")
    call = store.repo("calls").get(2)
    assert (call.direction, call.status, call.handled_by) == ("outgoing", CallStatus.DONE, "201")
    waiting = store.repo("calls").get(1)
    assert waiting.status == CallStatus.CALLBACK, "the callback stays open until someone says it is done"
    assert [(s.user, s.action) for s in waiting.history] == [("phone system", "rang for ann"), ("201", "called back (call #2)")]

    bad = subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(store.folder), "dialled", "0207<x>"],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr == "backoffice: field 'number': a phone number has only digits, spaces, + ( ) . - /\n"


async def test_ctrl_o_on_the_slip_logs_a_call_made_which_is_done_and_shown_with_an_arrow(store):
    store.repo("calls").add({"caller": "Janet Moore", "number": "020 7946 0000", "callback_due": "2026-03-10 12:00"})
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "c")
        slip = app.screen
        assert await wait_for(pilot, lambda: bool(getattr(slip, "known_calls", None)))
        await pilot.press("ctrl+o", *"02079460000", "enter")
        assert slip.value_of("caller") == "Janet Moore"
        assert "Call made" in str(slip.query_one(".form").border_title)
        slip.widget_of("message").focus()
        await pilot.press(*"Van booked for Friday", "ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is not slip)
        await pilot.press("a")
        assert await wait_for(pilot, lambda: any("→ Janet Moore" in row for row in queue_texts(app)))
    made = store.repo("calls").get(2)
    assert (made.direction, made.status, made.message) == ("outgoing", CallStatus.DONE, "Van booked for Friday")
    assert [s.action for s in made.history] == ["call made"]
    assert store.repo("calls").get(1).history[-1].action == "called back (call #2)"

