"""DraftDialog: a form that keeps a draft of what is typed in it, so that nothing typed is lost.

A screen switches it on by giving the form a ``DraftKey`` (what the form is for) — or a
``Draft``, to open the form again with what was typed. While the form is open, what its
fields hold is written to the person's drafts (``data.engine.drafts``) at most every
``DRAFT_SECONDS``, in a thread, and once more when the form goes away unsaved (the app
quits, or the form is closed for the person). Saving the form, or throwing away what was
typed, removes the draft.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from textual import on
from textual.timer import Timer
from textual.widgets import Checkbox, Input, Select, TextArea

from data.engine.drafts import Draft, DraftKey, draft_of, keep, throw_away
from tui.jobs import describe
from tui.widgets.dialogs import Dialog

T = TypeVar("T")
DRAFT_SECONDS = 2.0


class DraftDialog(Dialog[T]):
    """A dialog with fields; each form says what they hold (``draft_values``) and how to put
    a draft's back (``restore_draft``), and calls ``start_drafting`` once its fields are in."""

    def __init__(self, draft: DraftKey | Draft | None = None) -> None:
        super().__init__()
        self.draft_key = draft.key if isinstance(draft, Draft) else draft
        self._draft_restore = draft.values if isinstance(draft, Draft) else None
        self._draft_pristine: dict[str, Any] | None = None
        self._draft_latest: dict[str, Any] | None = None
        self._draft_timer: Timer | None = None
        self._draft_lock = threading.Lock()
        self._draft_done = False
        self._draft_warned = False
        self._draft_store: Any = None
        self._draft_mine = False  # the draft on disk is this form's: it wrote it, or opened with it

    def draft_values(self) -> dict[str, Any]:
        raise NotImplementedError

    def restore_draft(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def start_drafting(self) -> None:
        """What the fields hold now is what the form opened with; a draft given is put back."""
        if self.draft_key is None:
            return
        self._draft_store = self.app.store  # type: ignore[attr-defined]
        self._draft_pristine = self.draft_values()
        if self._draft_restore:
            self.restore_draft(self._draft_restore)
            self._draft_latest = self.draft_values()
            self._draft_mine = True
        else:  # one left for later on the same record (a reply to the same message) comes back
            self.run_worker(self._look_for_draft, thread=True, group="draft", exit_on_error=False)

    def _look_for_draft(self) -> None:
        found = draft_of(self._draft_store, self.draft_key)  # type: ignore[arg-type]
        if found is not None and found.values and not found.still_open:  # not the same form open in another session
            self.app.call_from_thread(self._draft_found, found)

    def _draft_found(self, draft: Draft) -> None:
        if self._draft_done or self.typed_since_opening():
            return  # typing began meanwhile: what is typed now is the draft
        self.restore_draft(draft.values)
        self._draft_latest = self.draft_values()
        self._draft_mine = True
        self.app.notify(f"Your draft of {draft.key.about} is back, as you left it.", timeout=5)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def draft_typed(self) -> None:
        if self.draft_key is None or self._draft_pristine is None or self._draft_done:
            return
        self._draft_latest = self.draft_values()
        if self._draft_timer is None:
            self._draft_timer = self.set_timer(DRAFT_SECONDS, self.write_draft)

    def write_draft(self) -> None:
        self._draft_timer = None
        self.run_worker(self._write_latest, thread=True, group="draft", exit_on_error=False)

    def _write_latest(self) -> None:
        """In a worker's thread: the newest of what was typed, whichever write comes last."""
        try:
            self._write(keep_it=True)
        except Exception as error:  # the form goes on; the person is told once
            self.app.call_from_thread(self.draft_failed, error)

    def _write(self, keep_it: bool, last: bool = False) -> None:
        with self._draft_lock:
            if self._draft_done or self.draft_key is None or self._draft_store is None:
                return
            self._draft_done = last
            store = self._draft_store
            typed = self.typed_since_opening()
            if keep_it and typed:
                keep(store, self.draft_key, typed)
                self._draft_mine = True
            elif self._draft_mine:
                throw_away(store, self.draft_key)

    def typed_since_opening(self) -> dict[str, Any]:
        """The fields that no longer hold what the form opened with: only these are put back,
        so a field a colleague changed meanwhile keeps their word."""
        latest, pristine = self._draft_latest or {}, self._draft_pristine or {}
        return {name: value for name, value in latest.items() if pristine.get(name) != value}

    def finish_draft(self, keep_it: bool) -> None:
        """The form goes: its draft kept as it stands (``keep_it``), or removed (saved, or
        thrown away by the person)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        try:
            self._write(keep_it, last=True)
        except Exception as error:
            self.draft_failed(error)

    def draft_failed(self, error: Exception) -> None:
        if not self._draft_warned:
            self._draft_warned = True
            self.app.notify(f"What you type here cannot be kept as a draft: {describe(error)}",
                            severity="warning", timeout=10)

    def close_unsaved(self) -> None:
        """The person threw away what they typed: the form closes and its draft goes."""
        self.finish_draft(keep_it=False)
        self.dismiss(None)

    def on_unmount(self) -> None:
        self.finish_draft(keep_it=True)  # a form closed for the person, or the app quitting


def saved_then_forgotten(store: Any, key: DraftKey, save: Callable[[], T]) -> Callable[[], T]:
    """A job that saves what a form gave, then throws its draft away: a save that fails (a lock
    waited for too long, the record gone, a conflict) leaves what was typed in the draft."""

    def job() -> T:
        saved = save()
        throw_away(store, key)
        return saved

    return job


def put_back(widget: Any, value: Any) -> None:
    """A field's value from a draft, as far as the field still takes it."""
    if isinstance(widget, Select):
        try:
            widget.value = Select.BLANK if value is None else value
        except Exception:  # a choice no longer offered: the field keeps what it has
            pass
    elif isinstance(widget, TextArea):
        widget.text = value if isinstance(value, str) else ""
        widget.move_cursor(widget.document.end)  # where the typing stopped
    elif isinstance(widget, Checkbox):
        widget.value = bool(value)
    elif isinstance(widget, Input) and isinstance(value, str):
        widget.value = value
        widget.cursor_position = len(value)
