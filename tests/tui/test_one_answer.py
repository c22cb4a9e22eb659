"""One answer per ring: two sessions on one data folder show the slip of the same ring; when
one answers, the other's slip closes saying who took the call, and what was typed in it is
kept as a draft to continue or throw away."""

from __future__ import annotations

from data.calls import actions
from data.calls.models import CallStatus
from data.engine.drafts import drafts_of
from data.engine.store import Store
from tests.tui.conftest import SIZE
from tests.tui.test_calls import notices
from tests.tui.test_rings import ring, ringing_slip
from tests.tui.test_shell import wait_for
from tui.app import BackOfficeApp
from tui.settings import Settings
from tui.widgets.dialogs import ConflictModal
from tui.widgets.draft_offer import DraftOffer
from tui.widgets.model_form import ModelForm


async def slip_ready(pilot, app) -> bool:
    """The slip of the ring is up, and tab has taken its cursor on to the message."""
    if not await wait_for(pilot, lambda: ringing_slip(app) is not None and (getattr(app.focused, "id", None) or "").startswith("field-"),
                          seconds=5):
        return False
    for _ in range(8):
        if getattr(app.focused, "id", "") == "field-message":
            return True
        await pilot.press("tab")
    return False


def colleague_answers(store, call_id: int, message: str) -> None:
    """Bob, in his own session on the same folder, answers the ring on his slip."""
    bob = Store(store.folder, user="bob")
    call = bob.repo("calls").get(call_id)
    actions.answer_ring(bob, call.model_copy(update={"message": message, "callback_due": None}), {"message"})


async def test_a_ringing_slip_closes_when_a_colleague_answers_and_what_was_typed_is_kept(store):
    store.repo("calls").add({"caller": "Janet Moore", "number": "020 7946 0000"})
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        ring(store, "02079460000")  # for everyone: both sessions' slips open
        assert await slip_ready(pilot, app)
        await pilot.press(*"Wants a copy of [b]invoice[/b] 4471")
        colleague_answers(store, 2, "Bob took it")
        assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer), seconds=5)
        taken = "The call from Janet Moore was taken by bob. What you typed is kept as a draft."
        assert await wait_for(pilot, lambda: taken in notices(app))
        shown = str(app.screen.query_one("#draft-offer").render())
        assert "when the call was taken by bob" in shown and "Wants a copy of [b]invoice[/b] 4471" in shown
        [draft] = drafts_of(store)
        assert draft.key.kind == "ring" and draft.values == {"message": "Wants a copy of [b]invoice[/b] 4471"}
        await pilot.press("enter")  # continue: the call as bob saved it, with what was typed here
        assert await wait_for(pilot, lambda: isinstance(app.screen, ModelForm) and app.screen.record is not None)
        form = app.screen
        assert ringing_slip(app) is None
        assert form.value_of("message") == "Wants a copy of [b]invoice[/b] 4471"
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is not form)
        assert not any(isinstance(s, ConflictModal) for s in app.screen_stack)
    call = store.repo("calls").get(2)
    assert call.message == "Wants a copy of [b]invoice[/b] 4471" and call.status == CallStatus.NEW
    assert [(s.user, s.action) for s in call.history][:2] == [("phone system", "rang"), ("bob", "answered")]
    assert drafts_of(store) == []


async def test_an_untouched_slip_just_closes_with_the_notice(store):
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        ring(store, "0161 496 0732")
        assert await wait_for(pilot, lambda: ringing_slip(app) is not None, seconds=5)
        colleague_answers(store, 1, "")
        assert await wait_for(pilot, lambda: ringing_slip(app) is None, seconds=5)
        assert await wait_for(pilot, lambda: "The call from 0161 496 0732 was taken by bob." in notices(app))
        assert not isinstance(app.screen, DraftOffer)
    assert drafts_of(store) == []


async def test_saving_a_slip_a_colleague_answered_first_says_who_took_it_not_changed_by_someone_else(store):
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        ring(store, "0161 496 0732")
        assert await slip_ready(pilot, app)
        await pilot.press(*"Left a message")
        colleague_answers(store, 1, "")
        await pilot.press("ctrl+s")  # before this session has looked at the files again
        assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer), seconds=5)
        assert not any(isinstance(s, ConflictModal) for s in app.screen_stack)
        taken = "The call from 0161 496 0732 was taken by bob. What you typed is kept as a draft."
        assert await wait_for(pilot, lambda: taken in notices(app))
    [draft] = drafts_of(store)
    assert draft.values == {"message": "Left a message"}
