"""Calls & faxes: the message queue, the fax queue, the directory, and the call slip."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from data.addresses import readable_number
from data.calls import actions, rules
from data.calls.fax_documents import fax_reading
from data.calls.models import (
    UNKNOWN_CALLER,
    Call,
    CallStatus,
    Contact,
    Direction,
    Fax,
    FaxStatus,
    Priority,
)
from data.calls.views import (
    DONE_SHOWN,
    CallsView,
    call_words,
    calls_view,
    fax_state,
    my_names,
    person_for,
)
from data.engine.clock import local
from data.engine.drafts import Draft, DraftKey
from data.engine.states import words
from data.engine.text import upper_first
from data.mail.views import MailView, mail_view
from data.when import HINT, moment_said, parse_when, span_said
from screens.base import TabbedSection
from screens.call_slip import open_call_slip
from screens.fax_form import FaxForm
from screens.mail_tab import COLUMNS as MAIL_COLUMNS
from screens.mail_tab import MAIL_ACTIONS, MAIL_BINDINGS, MailActions
from screens.pass_on import ask_whom
from tui.jobs import Done, Reply
from tui.plain import clipped, inert, title
from tui.widgets.dialogs import ChoiceModal, ErrorModal
from tui.widgets.drafting import saved_then_forgotten
from tui.widgets.key_bar import KeyBar
from tui.widgets.model_form import ModelForm, saving_to
from tui.widgets.prompt import PromptModal
from tui.widgets.record_table import RecordTable
from tui.widgets.section_bar import SectionBar
from tui.widgets.steady import refill, relabel
from tui.widgets.text_modal import TextModal

TABS = ("messages", "mail", "faxes", "directory")
MESSAGE_ACTIONS = {"pass_on", "taken", "callback", "done", "reopen", "note", "for_whom", "all_calls"}
DIRECTORY_ACTIONS = {"list_callers"}
FAX_ACTIONS = {"send", "resend", "edit_number", "cancel_fax", "sent_by_hand", "fax_pass_on", "fax_close", "fax_reopen",
               "view_fax", "print_fax"}
TABLE_OF = {"calls": ("messages", "queue"), "faxes": ("faxes", "fax-queue"), "contacts": ("directory", "contacts"),
            "mail": ("mail", "mail-queue"), "hr_mail": ("mail", "mail-queue")}


def status_cell(call: Call, now: datetime) -> Text:
    if rules.is_overdue(call, now):
        return Text(f"OVERDUE {span_said(call.callback_due, now, short=True)}", style="bold red")
    if call.status == CallStatus.CALLBACK and call.callback_due:
        return Text(f"call back {moment_said(call.callback_due, now)}", style="yellow")
    return Text(words(call.status), style="dim" if call.status == CallStatus.DONE else "")


def priority_cell(priority: Priority) -> Text:
    return {Priority.URGENT: Text("URGENT", style="bold red"), Priority.LOW: Text("low", style="dim")}.get(priority, Text(""))


def call_row(call: Call, now: datetime) -> tuple[int, list, str]:
    """A call's row, with the words `/` finds it by besides: its message, its number as written."""
    who = f"{call.who}, {call.company}" if call.company else call.who
    who = f"→ {who}" if call.direction == Direction.OUTGOING else who
    caller = Text(clipped(who, 32), style="italic" if call.caller == UNKNOWN_CALLER else "")  # a caller id may be long
    return call.id, [priority_cell(call.priority), caller, call.for_whom, status_cell(call, now),
                     span_said(call.created_at, now, short=True) if call.created_at else ""], call_words(call)


FAX_STYLES = {FaxStatus.GAVE_UP: "bold red", FaxStatus.FAILED: "bold red", FaxStatus.RETRYING: "yellow", FaxStatus.SENT: "green",
              FaxStatus.RECEIVED: "bold", FaxStatus.CLOSED: "dim", FaxStatus.AT_SERVER: "cyan"}


def fax_status_cell(fax: Fax) -> Text:
    state = f"at server, job {fax.job}" if fax.status == FaxStatus.AT_SERVER else fax_state(fax)
    return Text(state, style=FAX_STYLES.get(fax.status, ""))


def fax_correspondent(fax: Fax) -> str:
    return f"← {fax.who}" if fax.incoming else f"→ {fax.recipient}"


def fax_row(fax: Fax, now: datetime) -> tuple[int, list]:
    if fax.incoming:
        return fax.id, [fax_correspondent(fax), readable_number(fax.fax_number), fax_status_cell(fax), "",
                        moment_said(fax.sent_at, now) if fax.sent_at else "", fax.last_error]
    next_try = f"{local(fax.next_attempt):%H:%M}" if fax.next_attempt else ""
    return fax.id, [fax_correspondent(fax), readable_number(fax.fax_number), fax_status_cell(fax), f"{fax.tries}/{fax.max_tries}",
                    next_try, fax.last_error or (fax.server_said if fax.status == FaxStatus.AT_SERVER else "")]


def fax_said(fax: Fax) -> str:
    """What a send came to, for the notice: 'queued at the fax server (job 12)'."""
    return f"Fax {fax_state(fax)}" + (f": {fax.last_error}" if fax.last_error else "")


def contact_row(contact: Contact) -> tuple[int, list]:
    reach = readable_number(contact.number or contact.extension or contact.fax_number)
    return contact.id, [contact.name, contact.kind.value, reach, contact.company or contact.department]


def call_detail(call: Call) -> Text:
    text = Text()
    text.append(f"Called {call.caller}" if call.direction == Direction.OUTGOING else call.caller, style="bold")
    if call.company:
        text.append(f", {call.company}")
    if call.number:
        text.append(f"  {readable_number(call.number)}")
    if call.direction == Direction.OUTGOING:
        text.append(f"  by {call.handled_by or (call.history[0].user if call.history else 'someone here')}", style="bold")
    elif call.for_whom or not call.rang_for:
        text.append(f"  for {call.for_whom or '(nobody yet)'}", style="bold")
    else:
        text.append(f"  rang for {call.rang_for}", style="bold")
    if call.caller_id and call.caller_id != readable_number(call.number):
        text.append(f"\nCaller id as the phone system gave it: {call.caller_id}", style="dim")
    text.append("\n")
    text.append(call.message or "(no message)")
    text.append("\n")
    for step in reversed(call.history[-4:]):
        text.append(f"  {local(step.at):%a %d %b %H:%M}  {step.user:<10} {step.action}", style="dim")
        if step.note:
            text.append(f" — {step.note}", style="dim")
        text.append("\n")
    return inert(text)


def fax_detail(fax: Fax) -> Text:
    text = Text()
    number = readable_number(fax.fax_number)
    if fax.incoming:
        text.append(f"From {fax.who}", style="bold")
        text.append(f"  {number}" if fax.sender and number else "")  # an unnamed sender is said by the number
        text.append(f"  {fax.pages} page(s)")
        text.append(f"  received {local(fax.sent_at):%a %d %b %H:%M}\n" if fax.sent_at else "\n")
        text.append(f"Document: {fax.document}  (v read, P print)\n")
        text.append(f"{upper_first(fax_state(fax))}\n", style="bold" if fax.status == FaxStatus.RECEIVED else "")
    else:
        text.append(f"To {fax.recipient}", style="bold")
        text.append(f"{', ' + fax.company if fax.company else ''}  {number}  {fax.pages} page(s)\n")
        text.append(f"Document: {fax.document}\n")
        if fax.cover_note:
            text.append(f"Cover note: {fax.cover_note}\n")
        if fax.status == FaxStatus.AT_SERVER:
            text.append(upper_first(fax_state(fax)) + (f": {fax.server_said}" if fax.server_said else "") + "\n", style="cyan")
    if fax.last_error:
        text.append(f"Last error: {fax.last_error}\n", style="red")
    if fax.next_attempt:
        text.append(f"Next try at {local(fax.next_attempt):%H:%M}\n")
    if fax.sent_at and fax.status == FaxStatus.SENT:
        text.append(f"Sent {local(fax.sent_at):%a %d %b %H:%M}\n", style="green")
    for step in reversed(fax.attempts[-3:]):
        text.append(f"  {local(step.at):%a %d %b %H:%M}  {step.user:<10} {step.action}" + (f" — {step.note}" if step.note else "") + "\n", style="dim")
    return inert(text)


class FaxPassedOn(Reply):
    """A received fax passed on, and whether its person was told (actions.HandedOn)."""


class FaxRead(Reply):
    """What can be shown of a received fax (fax_documents.FaxReading), read in a thread."""


class PassedOn(Reply):
    """What became of passing a call on (actions.HandedOn): the address told, else why not."""


class RecordToEdit(Reply):
    """(repository, the newest revision of the record a person opened), read in a thread."""


class CallsPage(NamedTuple):
    calls: CallsView
    mail: MailView


class CallsScreen(TabbedSection, MailActions):
    CSS_PATH = "calls.tcss"
    domains = frozenset({"calls", "mail"})
    first_tab = "messages"
    tab_actions = {"messages": MESSAGE_ACTIONS, "faxes": FAX_ACTIONS, "mail": MAIL_ACTIONS, "directory": DIRECTORY_ACTIONS}
    BINDINGS = [
        Binding("n", "new", "New", id="calls.new", tooltip="A new call, message, fax or contact, by tab"),
        Binding("p", "pass_on", "Pass on", id="calls.pass_on", tooltip="Pass the call on to a person or department"),
        Binding("m", "taken", "Message taken", id="calls.message_taken", tooltip="The caller left a message"),
        Binding("b", "callback", "Call back", id="calls.callback", tooltip="Schedule a callback at a time"),
        Binding("d", "done", "Done", id="calls.done", tooltip="The call is dealt with"),
        Binding("u", "reopen", "Reopen", id="calls.reopen", tooltip="Reopen a call that was done"),
        Binding("t", "note", "Note", id="calls.note", tooltip="Add a note to the call's history"),
        Binding("w", "for_whom", "For whom", id="calls.for_whom", tooltip="Show only the calls for one person or department"),
        Binding("a", "all_calls", "All/open", id="calls.all", tooltip="Show done calls too, or only open ones"),
        Binding("y", "yours", "Yours", id="calls.yours", tooltip="What was passed on to you: calls, faxes and mail, on any tab"),
        Binding("s", "send", "Send now", id="faxes.send", tooltip="Send the fax now with the fax command"),
        Binding("r", "resend", "Resend", id="faxes.resend", tooltip="Queue a failed or given-up fax again"),
        Binding("e", "edit_number", "Edit number", id="faxes.edit_number", tooltip="Give the fax another number"),
        Binding("x", "cancel_fax", "Cancel fax", id="faxes.cancel", tooltip="Take the fax out of the queue"),
        Binding("h", "sent_by_hand", "Sent by hand", id="faxes.sent_by_hand", tooltip="Mark the fax as sent on the machine"),
        Binding("p", "fax_pass_on", "Pass on", id="faxes.pass_on", tooltip="Pass a fax that came in on to a person or department"),
        Binding("d", "fax_close", "Close", id="faxes.close", tooltip="A fax that came in is dealt with"),
        Binding("u", "fax_reopen", "Reopen", show=False, id="faxes.reopen", tooltip="Reopen a fax that came in and was closed"),
        Binding("v", "view_fax", "Read", id="faxes.view",
                tooltip="Show a fax that came in: who sent it, when, its pages, and its words where they can be read"),
        Binding("P", "print_fax", "Print", id="faxes.print", tooltip="Print a fax that came in with the office's print command"),
        Binding("f", "list_callers", "From calls", id="directory.from_calls",
                tooltip="Put every caller whose number the directory lacks into it, as an outside contact"),
        *MAIL_BINDINGS,
        Binding("left_square_bracket", "tab(-1)", "Prev tab", key_display="[", id="calls.previous_tab", tooltip="The tab to the left"),
        Binding("right_square_bracket", "tab(1)", "Next tab", key_display="]", id="calls.next_tab", tooltip="The tab to the right"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: CallsView | None = None
        self.show_done = False
        self.wanted_calls: set[int] = set()  # done calls opened from the palette or the dashboard
        self.for_whom = ""
        if any(box.hr for box in self.mailboxes()):
            self.domains = self.domains | {"people"}  # the HR mailbox's messages are in the HR file

    def compose(self) -> ComposeResult:
        yield SectionBar("calls")
        with TabbedContent(id="calls-tabs"):
            with TabPane("Messages", id="messages"):
                yield RecordTable([("priority", "Pri"), ("caller", "Caller"), ("for", "For"), ("status", "Status"), ("age", "Age")], id="queue")
                yield Static(id="call-detail")
            with TabPane("Mail", id="mail"):
                yield RecordTable(MAIL_COLUMNS, id="mail-queue")
                yield Static(id="mail-detail")
            with TabPane("Faxes", id="faxes"):
                yield RecordTable([("who", "To / from"), ("number", "Fax number"), ("status", "Status"), ("tries", "Tries"), ("next", "Time"), ("error", "Last word")], id="fax-queue")
                yield Static(id="fax-detail")
            with TabPane("Directory", id="directory"):
                yield RecordTable([("name", "Name"), ("kind", "Kind"), ("reach", "Number / ext."), ("where", "Company / department")], id="contacts")
        yield KeyBar()

    # -- loading and showing -----------------------------------------------------------
    def fetch(self) -> CallsPage:
        return CallsPage(calls_view(self.store, self.show_done, self.wanted_calls), mail_view(self.store))

    def show(self, page: CallsPage) -> None:
        self.show_mail(page.mail)
        self.show_calls(page.calls)
        self.call_after_refresh(self.open_yours_if_wanted)

    def show_calls(self, data: CallsView) -> None:
        self.data = data
        self.query_one("#queue", RecordTable).set_rows(call_row(c, data.now) for c in data.queue(self.for_whom, self.show_done))
        self.put_cursor_on_new_call()
        self.query_one("#fax-queue", RecordTable).set_rows(fax_row(f, data.now) for f in reversed(data.faxes))
        self.query_one("#contacts", RecordTable).set_rows(contact_row(c) for c in sorted(data.contacts, key=lambda c: c.name))
        tabs = self.query_one(TabbedContent)
        relabel(tabs.get_tab("messages"), title(f"Messages ({data.open_count(self.for_whom)})" + (f" for {self.for_whom}" if self.for_whom else "")))
        self.update_detail()

    def selected(self, table_id: str) -> int | None:
        key = self.query_one(f"#{table_id}", RecordTable).selected_key
        return int(key) if key is not None else None

    def selected_call(self) -> Call | None:
        return self.data.call(self.selected("queue")) if self.data else None

    def selected_fax(self) -> Fax | None:
        return self.data.fax(self.selected("fax-queue")) if self.data else None

    @on(DataTable.RowHighlighted)
    def detail_of_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.update_detail(event.data_table.id)

    def update_detail(self, table_id: str | None = None) -> None:
        """The detail under a table (``table_id``), or under each once the rows are new."""
        if table_id in (None, "queue"):
            call = self.selected_call()
            refill(self.query_one("#call-detail", Static), call_detail(call) if call else Text("No open calls.", style="dim"))
        if table_id in (None, "fax-queue"):
            fax = self.selected_fax()
            refill(self.query_one("#fax-detail", Static), fax_detail(fax) if fax else Text("No faxes.", style="dim"))
        if table_id in (None, "mail-queue"):
            refill(self.query_one("#mail-detail", Static), self.mail_detail())

    def select_record(self, collection: str, record_id: int) -> bool:
        if self.data is None:
            return False  # not loaded yet: tried again once the rows are in
        tab, table_id = TABLE_OF[collection]
        call = self.data.call(record_id) if collection == "calls" else None
        if tab == "mail":
            record_key = f"{collection}:{record_id}"
            mail = self.mail_data.find(collection, record_id) if self.mail_data else None
            if mail is not None and not mail.is_open and not self.mail_with_done:
                self.mail_with_done, self.mail_for_whom = True, ""
                self.show_mail(self.mail_data)
        else:
            record_key = record_id
        if collection == "calls" and call is None and record_id not in self.wanted_calls:  # a done one: read it in
            self.show_done, self.for_whom = True, ""
            self.wanted_calls.add(record_id)
            self.reload()
            return False  # tried again once it is in
        self.query_one(TabbedContent).active = tab
        table = self.query_one(f"#{table_id}", RecordTable)
        if table.select_key(record_key):
            table.focus()
            return True
        return False

    def action_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = TABS[(TABS.index(self.current_tab()) + step) % len(TABS)]

    # -- messages ----------------------------------------------------------------------
    def chosen_call(self) -> Call | None:
        call = self.selected_call()
        if call is None:
            self.notify("Choose a call first.", severity="warning")
        return call

    def action_taken(self) -> None:
        if call := self.chosen_call():
            self.run_job(lambda: actions.take_message(self.store, call.id), notice="Message taken")

    def action_done(self) -> None:
        if call := self.chosen_call():
            self.run_job(lambda: actions.mark_done(self.store, call.id), notice="Done")

    def action_reopen(self) -> None:
        if call := self.chosen_call():
            self.run_job(lambda: actions.reopen(self.store, call.id), notice="Reopened")

    def action_pass_on(self) -> None:
        call = self.chosen_call()
        if call is None:
            return

        def chosen(to: str) -> None:
            self.run_job(lambda: actions.pass_on_and_tell(self.store, self.mailboxes(), call.id, to), PassedOn)

        ask_whom(self.app, self.data.names if self.data else [], chosen, value=call.for_whom)

    @on(PassedOn)
    def passed_on(self, message: PassedOn) -> None:
        message.stop()
        handed = message.result
        if handed.not_told:
            self.notify(f"Passed on to {handed.record.for_whom}. {handed.not_told}", severity="warning", timeout=12)
        else:
            self.notify(f"Passed on to {handed.record.for_whom} and told by e-mail", timeout=4)
        self.reload()

    _cursor_to: int | None = None  # a call just logged here, to put the cursor on once it is read

    def cursor_to_call(self, call_id: int | None) -> None:
        self._cursor_to = call_id
        self.put_cursor_on_new_call()

    def put_cursor_on_new_call(self) -> None:
        if self._cursor_to is None or self.data is None or self.data.call(self._cursor_to) is None:
            return  # not read yet: once it is
        self.query_one("#queue", RecordTable).select_key(self._cursor_to)
        self._cursor_to = None

    # -- what was passed on to you ---------------------------------------------------------
    _yours_wanted = False  # asked from the dashboard before the section had read its records

    def open_yours(self) -> None:
        """The dashboard's "Yours" line: the list, once the records are in."""
        self._yours_wanted = True
        self.open_yours_if_wanted()

    def open_yours_if_wanted(self) -> None:
        if self._yours_wanted and self.data is not None and self.mail_data is not None and self.is_current:
            self._yours_wanted = False
            self.action_yours()

    def action_yours(self) -> None:
        if self.data is None:
            self._yours_wanted = True
            return
        from data.calls.yours import yours

        settings = self.app.settings  # type: ignore[attr-defined]
        me = my_names(self.data.contacts, self.store.user, settings.my_name, settings.extension)
        found = yours(self.data, self.mail_data, me)
        whom = person_for(self.data.contacts, settings.my_name or self.store.user)
        if not found:
            self.notify(f"Nothing passed on to you ({whom}) is open.", timeout=4)
            return
        choices = [((y.collection, y.record_id), clipped(f"{span_said(y.since, self.data.now, short=True):>4}  {y.text}", 60)) for y in found]
        self.app.push_screen(ChoiceModal(f"Yours: {len(found)} passed on to {whom}", choices), self.open_one_of_yours)

    def open_one_of_yours(self, chosen: tuple[str, int] | None) -> None:
        if chosen is None:
            return
        collection, record_id = chosen
        if collection == "calls" and self.for_whom and self.data:  # a filter for someone else would hide it
            self.for_whom = ""
            self.show_calls(self.data)
        self.open_record(collection, record_id)

    def action_callback(self) -> None:
        call = self.chosen_call()
        if call is None:
            return

        def check(text: str) -> str | None:
            try:
                when = parse_when(text, self.store.now())
            except ValueError as error:
                return str(error)
            return None if when > self.store.now() else "That time has passed."

        def chosen(text: str | None) -> None:
            if text:
                when = parse_when(text, self.store.now())
                self.run_job(lambda: actions.schedule_callback(self.store, call.id, when),
                             notice=f"Call back {local(when):%a %d %b %H:%M}")

        self.app.push_screen(PromptModal("Call back at", placeholder=HINT, check=check), chosen)

    def action_note(self, call: Call | None = None, draft: Draft | None = None) -> None:
        call = call or self.chosen_call()
        if call is None:
            return

        def chosen(note: str | None) -> None:
            if note and note.strip():
                self.run_job(saved_then_forgotten(self.store, key, lambda: actions.add_note(self.store, call.id, note)),
                             notice="Note added")

        key = draft.key if draft else DraftKey("call-note", f"calls:{call.id}", f"a note on the call from {call.who}")
        self.app.push_screen(PromptModal("Note", placeholder="what happened", draft=draft or key), chosen)

    def action_for_whom(self) -> None:
        def chosen(who: str | None) -> None:
            if who is not None:
                self.for_whom = who.strip()
                if self.data:
                    self.show_calls(self.data)

        names = self.data.names if self.data else []
        self.app.push_screen(PromptModal("Show calls for (empty: everyone)", value=self.for_whom, suggestions=names), chosen)

    def action_all_calls(self) -> None:
        self.show_done = not self.show_done
        if self.show_done:
            self.reload()  # the done calls are read only now
        elif self.data:
            self.show_calls(self.data)
        self.notify(f"Showing done calls too (the last {DONE_SHOWN})" if self.show_done else "Showing open calls", timeout=2)

    # -- new and edit ------------------------------------------------------------------
    def action_new(self) -> None:
        tab = self.current_tab()
        if tab == "messages":
            open_call_slip(self.app)
        elif tab == "mail":
            self.action_mail_new()
        elif tab == "faxes":
            self.app.push_screen(FaxForm(self.store), self.saved)
        else:
            form = ModelForm(Contact, title="New contact", save=saving_to(self.store.repo("contacts")))
            self.app.push_screen(form, self.saved)

    @on(DataTable.RowSelected)
    def edit(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "mail-queue":
            self.action_mail_read()
            return
        collection = next(name for name, (_, table) in TABLE_OF.items() if table == event.data_table.id)
        key = event.data_table.selected_key  # type: ignore[attr-defined]
        if key is not None:
            repo = self.store.repo(collection)
            self.run_job(lambda: (repo, repo.get(int(key))), RecordToEdit)  # it may have been deleted a moment ago

    @on(RecordToEdit)
    def open_form(self, message: RecordToEdit) -> None:
        repo, record = message.result
        heading = f"{repo.collection.title.capitalize()} {record.label()}"
        form = ModelForm(type(record), title=heading, record=record, save=self.saving(repo), reload=lambda: repo.get(record.id))
        self.app.push_screen(form, self.saved)

    def saving(self, repo):
        """How an edited record is saved: calls and faxes through their rules, as the keys
        would (and as a line in their history); contacts as they are."""
        save = {"calls": actions.save_call, "faxes": actions.save_fax}.get(repo.collection.name)
        if save is None:
            return saving_to(repo)
        return lambda edit: save(self.store, edit.record, force=edit.overwrite, fields=edit.changed)

    # -- the directory ---------------------------------------------------------------
    def action_list_callers(self) -> None:
        self.run_job(lambda: actions.list_callers(self.store),
                     lambda added: Done(added, notice=f"{len(added)} caller(s) put in the directory" if added
                                        else "Every caller with a number is in the directory already"))

    # -- faxes -------------------------------------------------------------------------
    @property
    def fax_settings(self):
        return self.app.settings  # type: ignore[attr-defined]

    def chosen_fax(self) -> Fax | None:
        fax = self.selected_fax()
        if fax is None:
            self.notify("Choose a fax first.", severity="warning")
        return fax

    def action_resend(self) -> None:
        if fax := self.chosen_fax():
            self.run_job(lambda: actions.resend_fax(self.store, fax.id), notice="Queued again")

    def action_cancel_fax(self) -> None:
        if fax := self.chosen_fax():
            at_server = " and removed from the fax server" if fax.status == FaxStatus.AT_SERVER else ""
            server = self.fax_settings.fax_server
            self.run_job(lambda: actions.cancel_fax(self.store, fax.id, server), notice=f"Cancelled{at_server}")

    def action_fax_pass_on(self) -> None:
        fax = self.chosen_fax()
        if fax is not None:
            ask_whom(self.app, self.data.names if self.data else [],
                     lambda to: self.run_job(lambda: actions.pass_on_fax_and_tell(self.store, self.mailboxes(), fax.id, to),
                                             FaxPassedOn))

    @on(FaxPassedOn)
    def fax_passed_on(self, message: FaxPassedOn) -> None:
        """Said at once: the fax went to the person as a PDF, or why they were not told."""
        message.stop()
        handed = message.result
        if handed.not_told:
            self.app.push_screen(ErrorModal(f"Passed on to {handed.record.passed_to}. {handed.not_told}", title="Not told"))
        else:
            self.notify(f"Passed on to {handed.record.passed_to} and e-mailed to {handed.told} as a PDF", timeout=4)
        self.changed(handed.record)

    def action_view_fax(self) -> None:
        fax = self.chosen_fax()
        if fax is not None:
            self.run_job(lambda: fax_reading(self.store, fax), FaxRead)

    @on(FaxRead)
    def show_fax_reading(self, message: FaxRead) -> None:
        message.stop()
        reading = message.result
        self.app.push_screen(TextModal(reading.heading, reading.text, reading.where))

    def action_print_fax(self) -> None:
        if fax := self.chosen_fax():
            command = self.fax_settings.print_command
            self.run_job(lambda: actions.print_received_fax(self.store, fax.id, command), notice=f"Fax {fax.label()} sent to the printer")

    def action_fax_close(self) -> None:
        if fax := self.chosen_fax():
            self.run_job(lambda: actions.close_fax(self.store, fax.id), notice="Closed")

    def action_fax_reopen(self) -> None:
        if fax := self.chosen_fax():
            self.run_job(lambda: actions.reopen_fax(self.store, fax.id), notice="Reopened")

    def action_sent_by_hand(self) -> None:
        if fax := self.chosen_fax():
            self.run_job(lambda: actions.fax_sent_by_hand(self.store, fax.id), notice="Marked as sent")

    def action_edit_number(self) -> None:
        fax = self.chosen_fax()
        if fax is None:
            return

        def check(text: str) -> str | None:
            try:
                Fax.model_validate({**fax.model_dump(), "fax_number": text})
            except ValueError as error:
                return str(error).splitlines()[-1].split(", ", 1)[-1]
            return None

        def chosen(number: str | None) -> None:
            if number:
                self.run_job(lambda: actions.change_fax_number(self.store, fax.id, number), notice="Number changed")

        self.app.push_screen(PromptModal("Fax number", value=readable_number(fax.fax_number), check=check), chosen)

    def action_send(self) -> None:
        fax = self.chosen_fax()
        template, server = self.fax_settings.fax_command, self.fax_settings.fax_server
        if fax is None:
            return
        if not template.strip():
            self.app.push_screen(ErrorModal("No fax command is set up. Send it on the machine and mark it with h, "
                                            "or set fax_command in the settings.", title="Cannot send"))
            return
        self.run_job(lambda: actions.send_fax(self.store, fax.id, template, server=server), lambda sent: Done(sent, notice=fax_said(sent)))
