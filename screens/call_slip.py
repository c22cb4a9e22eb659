"""The call slip: a call logged from any section with `c`, and the slip the phone system's
ring opens over whatever is on screen, answered by saving it, closed when a colleague answers
first, what was typed in it kept as a draft."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.suggester import SuggestFromList
from textual.widgets import Input

from data.addresses import readable_number
from data.calls import actions, rules
from data.calls.models import UNKNOWN_CALLER, Call, Contact, Direction, Priority
from data.calls.views import directory_names, known_caller, recent_calls_from, taken_by
from data.engine.clock import local
from data.engine.drafts import Draft, DraftKey, new_ref, throw_away
from data.engine.errors import ConflictError
from data.engine.text import visible
from data.when import parse_when
from tui.jobs import Reply
from tui.messages import DataChanged
from tui.plain import clipped, title
from tui.widgets.draft_offer import CONTINUE, THROW_AWAY, DraftOffer
from tui.widgets.model_form import ModelForm


class Directory(Reply):
    """The calls and the directory a call slip recognises callers and names from."""


class RingNow(Reply):
    """(the ringing call as stored now, the conflict a save of the slip met or None)."""


SLIP_TITLES = {Direction.INCOMING: "Call slip — ctrl+t urgent, ctrl+o a call made",
               Direction.OUTGOING: "Call made — ctrl+o a call taken"}


class CallSlip(ModelForm):
    """The call slip: a known number fills caller and company; ctrl+t makes it urgent;
    enter jumps to the next empty field. For a call the phone system says is ringing
    (``ringing``), the slip opens on it, says who called before and about what, and saving
    it — even unchanged — answers the call."""

    BINDINGS = [Binding("ctrl+t", "urgent", "Urgent", id="slip.urgent", tooltip="Mark the call urgent (again: normal)"),
                Binding("ctrl+o", "outgoing", "Call made", id="slip.outgoing",
                        tooltip="A call someone here made, not one taken (again: taken)")]

    def __init__(self, store, ringing: Call | None = None, draft: Draft | None = None) -> None:
        # "Call back at" takes the words `b` takes: 14:30, 2pm, noon, +2h, fri 10.
        when = {"callback_due": lambda text: parse_when(text, store.now())}
        self.direction = Direction.INCOMING
        if ringing is None:
            super().__init__(Call, title=SLIP_TITLES[self.direction], parsers=when,
                             draft=draft or DraftKey("call-slip", new_ref(), "a call slip"),
                             save=lambda edit: actions.log_call(store, edit.record.model_copy(update={"direction": self.direction})))
        else:
            # The slip opens without the missed call's "call back now": a time written there is a
            # real callback. Saving it answers the call, whether or not anything was written.
            super().__init__(Call, title=f"Ringing: {readable_number(ringing.number) or 'a hidden number'} — ctrl+t urgent",
                             record=ringing.model_copy(update={"callback_due": None}), parsers=when, save_unchanged=True,
                             reload=lambda: store.repo("calls").get(ringing.id), draft=draft or ring_draft(ringing),
                             save=lambda edit: actions.answer_ring(store, edit.record, edit.changed, force=edit.overwrite))
        self.store = store
        self.ringing = ringing
        self.known_calls: list[Call] = []
        self.contacts: list[Contact] = []
        self.answering = False  # this slip's save is answering the ring
        self.taken = False  # a colleague answered the ring: the slip is closing
        self.from_number: set[str] = set()  # filled in from a known number, a blank company too: enter skips them

    def on_mount(self) -> None:  # Textual runs ModelForm.on_mount too
        self.widget_of(self.first_to_fill()).focus()
        self.widget_of("callback_due").placeholder = "14:30, 2pm, +2h, fri 10 …"
        store = self.store
        self.run_job(lambda: (store.repo("calls").list(), store.repo("contacts").list()), Directory, group="load")

    def first_to_fill(self) -> str:
        """Where the slip opens: the number; on a ringing call, the first thing the phone system
        could not fill — the caller's name, whom it is for — else the message."""
        if self.ringing is None:
            return "number"
        if self.ringing.caller == UNKNOWN_CALLER:
            return "caller"  # selected: what is typed replaces "Unknown caller"
        return "message" if self.ringing.for_whom else "for_whom"

    @on(Directory)
    def directory_loaded(self, message: Directory) -> None:
        self.known_calls, self.contacts = message.result
        names = [visible(name, one_line=True) for name in directory_names(self.contacts)]
        self.widget_of("for_whom").suggester = SuggestFromList(names, case_sensitive=False)
        if self.ringing:
            self.say_above(caller_so_far(self.known_calls, self.ringing))

    def failed(self, error: Exception, group: str) -> None:
        self.answering = False
        if isinstance(error, ConflictError) and self.ringing:  # perhaps a colleague answered first
            self.run_job(lambda: (self.store.repo("calls").get(self.ringing.id), error), RingNow, group="ring")
        elif group not in ("load", "ring"):  # without the directory, the slip still takes the call
            super().failed(error, group)

    # -- one answer per ring -----------------------------------------------------------
    def save_in_background(self, edit) -> None:
        self.answering = self.ringing is not None
        super().save_in_background(edit)

    @on(DataChanged)
    def ring_maybe_taken(self, message: DataChanged) -> None:
        if self.ringing is not None and "calls" in message.domains and not self.answering:
            self.run_job(lambda: (self.store.repo("calls").get(self.ringing.id), None), RingNow, group="ring")

    @on(RingNow)
    def close_if_taken(self, message: RingNow) -> None:
        message.stop()
        call, conflict = message.result
        if self.taken or self.ringing is None:
            return  # a second look, asked before the first closed the slip
        if rules.is_unanswered_ring(call) or (self.answering and conflict is None):
            if conflict is not None:
                super().failed(conflict, "save")
            return
        self.taken = True
        typed = bool(self.typed_since_opening())
        self.finish_draft(keep_it=True)
        self.dismiss(None)
        who = taken_by(call)
        self.app.notify(f"The call from {call.who} was taken by {who}." + (" What you typed is kept as a draft." if typed else ""),
                        timeout=10)
        if typed and self.draft_key is not None:
            # Asked by the app, not by this slip, which is gone before the answer comes.
            self.app.call_later(offer_now, self.app, Draft(self.draft_key, self.typed_since_opening()), f"when the call was taken by {who}")

    @on(Input.Changed, "#field-number")
    def fill_known_caller(self, event: Input.Changed) -> None:
        known = known_caller(self.known_calls, event.value, self.contacts)
        if known and not self.value_of("caller"):
            self.set_value("caller", known[0])
            self.set_value("company", known[1])
            self.from_number = {"caller", "company"}

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        for name in self.fields[self.fields.index(event.input.id.removeprefix("field-")) + 1 :]:
            if not self.value_of(name) and name not in self.from_number:
                self.widget_of(name).focus()
                return
        self.focus_next()

    def action_outgoing(self) -> None:
        if self.ringing is None:
            made = self.direction == Direction.INCOMING
            self.direction = Direction.OUTGOING if made else Direction.INCOMING
            self.query_one(".form").border_title = title(SLIP_TITLES[self.direction])
            self.say_above("A call made: the caller is whom you called. Done once saved, unless a time to call again is set."
                           if made else "")

    def action_urgent(self) -> None:
        urgent = self.value_of("priority") == Priority.URGENT.value
        self.set_value("priority", Priority.NORMAL if urgent else Priority.URGENT)


def ring_draft(call: Call) -> DraftKey:
    return DraftKey("ring", f"calls:{call.id}", f"the slip of the call from {readable_number(call.number) or 'a hidden number'}")


def offer_now(app, draft: Draft, why: str) -> None:
    """A slip closed for its person: what they typed in it, to continue or throw away."""

    def answered(choice: str | None) -> None:
        if choice == CONTINUE:
            continue_ring(app, draft)
        elif choice == THROW_AWAY:
            app.run_worker(lambda: throw_away(app.store, draft.key), thread=True, group="drafts", exit_on_error=False)

    app.push_screen(DraftOffer(draft, why), answered)


def continue_ring(app, draft: Draft) -> None:
    """The slip of a ring, again, with what was typed: still ringing, the slip answers it; taken
    meanwhile, the call itself opens with what was typed, to save onto it."""
    store, call_id = app.store, draft.key.on_record()[1]  # type: ignore[index]

    def read() -> None:
        try:
            call = store.repo("calls").get(call_id)
        except Exception as error:
            app.call_from_thread(app.notify, f"Your draft of {draft.key.about} cannot be continued: {error}. It is kept.",
                                 severity="warning", timeout=15)
            return
        app.call_from_thread(open_again, call)

    def open_again(call: Call) -> None:
        if rules.is_unanswered_ring(call):
            app.push_screen(CallSlip(store, ringing=call, draft=draft))
            return
        save = lambda edit: actions.save_call(store, edit.record, force=edit.overwrite, fields=edit.changed)  # noqa: E731
        app.push_screen(ModelForm(Call, title=f"Call {call.label()}", record=call, save=save, draft=draft,
                                  reload=lambda: store.repo("calls").get(call.id)))

    app.run_worker(read, thread=True, group="drafts", exit_on_error=False)


def caller_so_far(calls: list[Call], ringing: Call) -> str:
    """Who is ringing, as far as the office knows: their last calls, and what is still open."""
    earlier = [c for c in recent_calls_from(calls, ringing.number, limit=4) if c.id != ringing.id][:3]
    if not earlier:
        return "Not called before."
    open_ones = sum(1 for c in calls if c.number == ringing.number and c.is_open and c.id != ringing.id)
    lines = [f"{local(c.created_at):%a %d %b %H:%M}  for {c.for_whom or 'nobody'}: {c.message or '(no message)'}"
             for c in earlier if c.created_at]
    return "\n".join([f"Called before — {open_ones} still open:", *(clipped(line, 74) for line in lines)])


def open_ringing_slip(app, call: Call) -> None:
    """The phone system rang for this session: the slip of that call, over whatever is open."""
    def answered(saved: Call | None) -> None:
        if saved:
            app.notify(f"Answered the call from {saved.who}", timeout=3)
            show_on_calls(app, saved)

    app.push_screen(CallSlip(app.store, ringing=call), answered)


def show_on_calls(app, call: Call) -> None:
    """A call just logged or answered while Calls is open gets the cursor, for the next key
    (`p` to pass it on, say) to act on it."""
    screen = app.screen
    if hasattr(screen, "cursor_to_call") and screen.current_tab() == "messages":  # the calls section's
        screen.cursor_to_call(call.id)


def open_call_slip(app, draft: Draft | None = None) -> None:
    """The `c` key: a call slip over any section."""
    def logged(call: Call | None) -> None:
        if call:
            app.notify(f"Logged the call {'to' if call.direction == Direction.OUTGOING else 'from'} {call.who}", timeout=3)
            show_on_calls(app, call)

    app.push_screen(CallSlip(app.store, draft=draft), logged)
