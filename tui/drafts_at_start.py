"""At start, the drafts the user's last session left are offered back, one after another;
the ones continued open their forms again, on the same record, with what was typed — one
form at a time, the next once the one before is closed."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from data.engine.drafts import Draft, drafts_of, on_nothing_now, throw_away
from tui.plain import clipped
from tui.widgets.draft_offer import ABOUT_WIDTH, CONTINUE, THROW_AWAY, DraftOffer

CALLS_SCREEN_KINDS = {"call-note": "action_note", "mail-reply": "action_mail_reply", "mail-reply-all": "action_mail_reply_all", "mail-forward": "action_mail_forward",
                      "mail-note": "action_mail_note"}
LOOK_EVERY = 0.2  # seconds, only while continued drafts are still to open
OPENS_WITHIN = 15.0  # a form not open by then was not opened (and why was said): the next one opens


def offer_drafts(app) -> None:
    """Read this user's drafts in a thread, and whether what each is on is still there; offer
    them once they are in."""

    def read() -> None:
        try:
            drafts = [(draft, on_nothing_now(app.store, draft)) for draft in drafts_of(app.store)]
        except Exception as error:  # a refused drafts folder: said, and the app goes on
            app.call_from_thread(app.notify, f"Your drafts could not be read: {error}", severity="warning", timeout=15)
        else:
            if drafts:
                app.call_from_thread(offer, app, drafts, [])

    app.run_worker(read, thread=True, group="drafts", exit_on_error=False)


def offer(app, drafts: list[tuple[Draft, bool]], continued: list[Draft]) -> None:
    """Each draft offered in turn (one on a record gone, only to be thrown away); the ones
    continued open once every offer is answered."""
    if not drafts:
        if continued:
            InTurn(app, continued).open_next()
        return
    (first, gone), rest = drafts[0], drafts[1:]

    def answered(choice: str | None) -> None:
        if choice == CONTINUE:
            continued.append(first)
        elif choice == THROW_AWAY:
            app.run_worker(lambda: throw_away(app.store, first.key), thread=True, group="drafts", exit_on_error=False)
            if gone:
                app.notify(f"Your draft of {about(first)} is thrown away: what it was on is no longer there.", timeout=8)
        offer(app, rest, continued)

    app.push_screen(DraftOffer(first, gone=gone), answered)


class InTurn:
    """The continued drafts, opened one at a time: the next once the form of the one before
    is closed, or could not be opened."""

    def __init__(self, app, drafts: list[Draft]) -> None:
        self.app = app
        self.waiting = list(drafts)
        self.current: Draft | None = None
        self.form: Any = None
        self.since = 0.0
        self.timer: Any = None

    def open_next(self) -> None:
        self.current = self.form = None
        if not self.waiting:
            if self.timer is not None:
                self.timer.stop()
                self.timer = None
            return
        draft = self.current = self.waiting.pop(0)
        self.since = time.monotonic()
        if self.timer is None:
            self.timer = self.app.set_interval(LOOK_EVERY, self.look)
        try:
            continue_draft(self.app, draft, failed=lambda: self.not_opened(draft))
        except Exception as error:  # one draft that cannot open does not keep the others shut
            say_not_opened(self.app, draft, error)
            self.not_opened(draft)

    def not_opened(self, draft: Draft) -> None:
        if self.current is draft:
            self.open_next()

    def look(self) -> None:
        if self.current is None:
            return
        stack = self.app.screen_stack
        if self.form is None:
            self.form = next((s for s in stack if getattr(s, "draft_key", None) == self.current.key), None)
            if self.form is None and time.monotonic() - self.since > OPENS_WITHIN:
                self.open_next()
        elif self.form not in stack:
            self.open_next()


def say_not_opened(app, draft: Draft, error: Exception) -> None:
    app.notify(f"Your draft of {about(draft)} could not be opened: {error}. It is kept, and offered again next time.",
               severity="warning", timeout=15)


def continue_draft(app, draft: Draft, failed: Callable[[], None] = lambda: None) -> None:
    """Open the form the draft was typed in again, with what was typed; ``failed()`` when it
    cannot open (the reason said)."""
    from screens.call_slip import continue_ring, open_call_slip

    kind = draft.key.kind
    if kind == "call-slip":
        open_call_slip(app, draft)
    elif kind == "ring":
        with_record(app, draft, lambda _call: continue_ring(app, draft), failed)
    elif kind == "mail-new":
        on_calls_screen(app, draft, lambda screen: screen.action_mail_new(draft=draft), failed)
    elif kind in CALLS_SCREEN_KINDS:
        with_record(app, draft, lambda record: on_calls_screen(app, draft, lambda screen: continue_on(screen, draft, record),
                                                               failed), failed)
    else:
        app.notify(f"A draft of {about(draft)} cannot be opened by this version; it is kept.", severity="warning")
        failed()


def continue_on(screen, draft: Draft, record: Any) -> None:
    action = getattr(screen, CALLS_SCREEN_KINDS[draft.key.kind])
    if draft.key.kind == "call-note":
        action(call=record, draft=draft)
    else:
        action(chosen=(draft.key.on_record()[0], record), draft=draft)  # type: ignore[index]


def on_calls_screen(app, draft: Draft, then: Callable[[Any], None], failed: Callable[[], None]) -> None:
    """``then(screen)`` with the Calls section's own screen — found by its mode, not as the
    screen on top, which may be a form by then."""
    app.go_to_section("calls")

    def on_it() -> None:
        try:
            then(calls_screen(app))
        except Exception as error:
            say_not_opened(app, draft, error)
            failed()

    app.call_after_refresh(on_it)


def calls_screen(app) -> Any:
    from screens.calls import CallsScreen

    if app.current_mode != "calls" or not isinstance(app.screen_stack[0], CallsScreen):
        raise RuntimeError("the Calls section is not open")
    return app.screen_stack[0]


def with_record(app, draft: Draft, then: Callable[[Any], None], failed: Callable[[], None]) -> None:
    """``then(record)`` with the record the draft is on, read in a thread; when it is gone, said."""
    on = draft.key.on_record()

    def read() -> None:
        try:
            record = app.store.repo(on[0]).get(on[1])  # type: ignore[index]
        except Exception as error:
            app.call_from_thread(say_not_opened, app, draft, error)
            app.call_from_thread(failed)
        else:
            app.call_from_thread(then, record)

    if on is None:
        app.notify(f"Your draft of {about(draft)} is on no record; it is kept.", severity="warning")
        failed()
    else:
        app.run_worker(read, thread=True, group="drafts", exit_on_error=False)


def about(draft: Draft) -> str:
    return clipped(draft.key.about, ABOUT_WIDTH)
