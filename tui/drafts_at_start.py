"""At start, the drafts the user's last session left are offered back, one after another;
each one continued opens its form again, on the same record, with what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from data.engine.drafts import Draft, drafts_of, throw_away
from tui.widgets.draft_offer import CONTINUE, THROW_AWAY, DraftOffer

CALLS_SCREEN_KINDS = {"call-note": "action_note", "mail-reply": "action_mail_reply", "mail-reply-all": "action_mail_reply_all", "mail-forward": "action_mail_forward",
                      "mail-note": "action_mail_note"}


def offer_drafts(app) -> None:
    """Read this user's drafts in a thread; offer them once they are in."""

    def read() -> None:
        try:
            drafts = drafts_of(app.store)
        except Exception as error:  # a refused drafts folder: said, and the app goes on
            app.call_from_thread(app.notify, f"Your drafts could not be read: {error}", severity="warning", timeout=15)
        else:
            if drafts:
                app.call_from_thread(offer, app, drafts, [])

    app.run_worker(read, thread=True, group="drafts", exit_on_error=False)


def offer(app, drafts: list[Draft], continued: list[Draft]) -> None:
    if not drafts:
        for draft in continued:
            continue_draft(app, draft)
        return
    first, rest = drafts[0], drafts[1:]

    def answered(choice: str | None) -> None:
        if choice == CONTINUE:
            continued.append(first)
        elif choice == THROW_AWAY:
            app.run_worker(lambda: throw_away(app.store, first.key), thread=True, group="drafts", exit_on_error=False)
        offer(app, rest, continued)

    app.push_screen(DraftOffer(first), answered)


def continue_draft(app, draft: Draft) -> None:
    """Open the form the draft was typed in again, with what was typed."""
    from screens.calls import continue_ring, open_call_slip

    kind = draft.key.kind
    if kind == "call-slip":
        open_call_slip(app, draft)
    elif kind == "ring":
        continue_ring(app, draft)
    elif kind == "mail-new":
        on_calls_screen(app, lambda screen: screen.action_mail_new(draft=draft))
    elif kind in CALLS_SCREEN_KINDS:
        with_record(app, draft, lambda record: on_calls_screen(app, lambda screen: continue_on(screen, draft, record)))
    else:
        app.notify(f"A draft of {draft.key.about} cannot be opened by this version; it is kept.", severity="warning")


def continue_on(screen, draft: Draft, record: Any) -> None:
    action = getattr(screen, CALLS_SCREEN_KINDS[draft.key.kind])
    if draft.key.kind == "call-note":
        action(call=record, draft=draft)
    else:
        action(chosen=(draft.key.on_record()[0], record), draft=draft)  # type: ignore[index]


def on_calls_screen(app, then: Callable[[Any], None]) -> None:
    app.go_to_section("calls")
    app.call_after_refresh(lambda: then(app.screen))


def with_record(app, draft: Draft, then: Callable[[Any], None]) -> None:
    """``then(record)`` with the record the draft is on, read in a thread; when it is gone, said."""
    on = draft.key.on_record()

    def read() -> None:
        try:
            record = app.store.repo(on[0]).get(on[1])  # type: ignore[index]
        except Exception as error:
            app.call_from_thread(app.notify, f"Your draft of {draft.key.about} cannot be continued: {error}. "
                                 "It is kept, and offered again next time.", severity="warning", timeout=15)
        else:
            app.call_from_thread(then, record)

    if on is None:
        app.notify(f"Your draft of {draft.key.about} is on no record; it is kept.", severity="warning")
    else:
        app.run_worker(read, thread=True, group="drafts", exit_on_error=False)
