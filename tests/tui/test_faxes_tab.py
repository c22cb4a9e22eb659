"""The fax tab against a real HylaFAX server: a fax sent by key shows its job, cancel by key
removes the job there, a received fax comes in while the app is open and is passed on."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from data.calls import actions
from data.calls.models import Fax, FaxStatus
from tests.fax_server import PAGE
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.app import BackOfficeApp
from tui.settings import DEFAULT_FAX_COMMAND, Settings
from tui.widgets.record_table import RecordTable


def fax_app(store, hylafax) -> BackOfficeApp:
    return BackOfficeApp(store, Settings(fax_command=DEFAULT_FAX_COMMAND, fax_server=hylafax.address))


def shown(app, widget_id: str) -> str:
    rendered = app.screen.query_one(widget_id, Static).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def queued_fax(store, tmp_path) -> Fax:
    document = tmp_path / "quote.ps"
    document.write_bytes(PAGE)
    return actions.queue_fax(store, Fax(fax_number="020 7946 0322", recipient="Alan Pryce", document=str(document)))


async def open_faxes(pilot) -> None:
    await pilot.press("1")
    await pilot.pause()
    await pilot.press("right_square_bracket", "right_square_bracket")
    assert await wait_for(pilot, lambda: pilot.app.screen.query_one("#fax-queue", RecordTable).row_count > 0)


async def test_send_by_key_shows_the_job_at_the_server_and_cancel_by_key_removes_it_there(store, hylafax, tmp_path):
    fax = queued_fax(store, tmp_path)
    app = fax_app(store, hylafax)
    async with app.run_test(size=SIZE) as pilot:
        await open_faxes(pilot)
        await pilot.press("s")
        assert await wait_for(pilot, lambda: "Queued at the fax server (job" in shown(app, "#fax-detail"))
        job = store.repo("faxes").get(fax.id).job
        assert hylafax.waiting(job)
        row = app.screen.query_one("#fax-queue", RecordTable).get_row_at(0)
        assert f"at server, job {job}" in " ".join(str(cell) for cell in row)

        await pilot.press("h")  # marking it sent by hand is refused while the server has it
        assert await wait_for(pilot, lambda: "which says when it has gone" in str(app.screen.query_one("#dialog-message").render()))
        await pilot.press("escape", "x")
        assert await wait_for(pilot, lambda: store.repo("faxes").get(fax.id).status == FaxStatus.CANCELLED)
        assert not hylafax.waiting(job)
        assert await wait_for(pilot, lambda: f"cancelled (job {job} removed from the fax server)" in shown(app, "#fax-detail"))


async def test_a_fax_received_while_the_app_is_open_comes_in_and_is_passed_on_by_key(store, hylafax):
    hylafax.receive("+44 161 496 0733")
    app = fax_app(store, hylafax)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.work_the_faxes()  # what its timer runs every half minute
        assert await wait_for(pilot, lambda: any("fax(es) came in" in n.message for n in app._notifications))
        await open_faxes(pilot)
        assert "From 0161 496 0733  1 page(s)" in shown(app, "#fax-detail")

        await pilot.press("p", *"Priya", "enter")
        assert await wait_for(pilot, lambda: store.repo("faxes").list()[0].status == FaxStatus.PASSED_ON)
        assert await wait_for(pilot, lambda: "Priya was not told by e-mail" in str(app.screen.query_one("#dialog-message").render())
                              if app.screen.query("#dialog-message") else False)
        await pilot.press("enter", "d")
        assert await wait_for(pilot, lambda: store.repo("faxes").list()[0].status == FaxStatus.CLOSED)
        await pilot.press("s")  # an incoming fax is never sent
        assert await wait_for(pilot, lambda: "never sent" in str(app.screen.query_one("#dialog-message").render()))
    assert not hylafax.jobs()
