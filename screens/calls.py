"""Calls & faxes: the message queue, the fax queue, the directory, and the call slip."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane

from data.addresses import normalise_number, readable_number
from data.calls import actions, rules
from data.calls.fax_documents import count_pages, fax_reading
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
    call_notice,
    call_words,
    calls_view,
    directory_names,
    fax_state,
    known_caller,
    my_names,
    person_for,
    recent_calls_from,
)
from data.engine.clock import local
from data.engine.drafts import Draft, DraftKey, new_ref, throw_away
from data.engine.errors import ConflictError
from data.engine.states import words
from data.engine.text import upper_first, visible
from data.mail.views import MailView, mail_view
from data.when import HINT, moment_said, parse_when
from screens.base import TabbedSection
from screens.mail_tab import COLUMNS as MAIL_COLUMNS
from screens.mail_tab import MAIL_ACTIONS, MAIL_BINDINGS, MailActions
from screens.pass_on import ask_whom
from tui.jobs import Done, Reply
from tui.messages import DataChanged
from tui.plain import clipped, inert, title
from tui.widgets.dialogs import ChoiceModal, ErrorModal
from tui.widgets.draft_offer import CONTINUE, THROW_AWAY, DraftOffer
from tui.widgets.key_bar import KeyBar
from tui.widgets.model_form import ModelForm, saving_to
from tui.widgets.path_suggester import PathSuggester
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


def age(since: datetime | None, now: datetime) -> str:
    if since is None:
        return ""
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h"
    return f"{minutes // 1440}d"


def status_cell(call: Call, now: datetime) -> Text:
    if rules.is_overdue(call, now):
        return Text(f"OVERDUE {age(call.callback_due, now)}", style="bold red")
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
    return call.id, [priority_cell(call.priority), caller, call.for_whom, status_cell(call, now), age(call.created_at, now)], call_words(call)


FAX_STYLES = {FaxStatus.GAVE_UP: "bold red", FaxStatus.FAILED: "bold red", FaxStatus.RETRYING: "yellow", FaxStatus.SENT: "green",
              FaxStatus.RECEIVED: "bold", FaxStatus.CLOSED: "dim", FaxStatus.AT_SERVER: "cyan"}


def fax_status_cell(fax: Fax) -> Text:
    state = f"at server, job {fax.job}" if fax.status == FaxStatus.AT_SERVER else fax_state(fax)
    return Text(state, style=FAX_STYLES.get(fax.status, ""))


def fax_correspondent(fax: Fax) -> str:
    return f"← {fax.sender or 'unknown sender'}" if fax.incoming else f"→ {fax.recipient}"


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
        text.append(f"From {fax.sender or 'an unknown sender'}", style="bold")
        text.append(f"  {number}  {fax.pages} page(s)")
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
    """A received fax passed on, and whether its person was told (actions.FaxHandedOn)."""


class FaxRead(Reply):
    """What can be shown of a received fax (fax_documents.FaxReading), read in a thread."""


class PassedOn(Reply):
    """What became of passing a call on: (told, the sentence that says so)."""


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
            self.run_job(lambda: pass_on_and_tell(self.store, self.mailboxes(), call.id, to), PassedOn)

        ask_whom(self.app, self.data.names if self.data else [], chosen, value=call.for_whom)

    @on(PassedOn)
    def passed_on(self, message: PassedOn) -> None:
        message.stop()
        told, sentence = message.result
        self.notify(sentence, severity="information" if told else "warning", timeout=4 if told else 12)
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
        from data.yours import yours

        settings = self.app.settings  # type: ignore[attr-defined]
        me = my_names(self.data.contacts, self.store.user, settings.my_name, settings.extension)
        found = yours(self.data, self.mail_data, me)
        whom = person_for(self.data.contacts, settings.my_name or self.store.user)
        if not found:
            self.notify(f"Nothing passed on to you ({whom}) is open.", timeout=4)
            return
        choices = [((y.collection, y.record_id), clipped(f"{age(y.since, self.data.now):>4}  {y.text}", 60)) for y in found]
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
                self.run_job(lambda: actions.add_note(self.store, call.id, note), notice="Note added")

        key = DraftKey("call-note", f"calls:{call.id}", f"a note on the call from {call.who}")
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
            self.app.push_screen(ErrorModal(f"Passed on to {handed.fax.passed_to}. {handed.not_told}", title="Not told"))
        else:
            self.notify(f"Passed on to {handed.fax.passed_to} and e-mailed to {handed.told} as a PDF", timeout=4)
        self.changed(handed.fax)

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


def pass_on_and_tell(store, boxes, call_id: int, to: str) -> tuple[bool, str]:
    """Pass the call on and tell the person by e-mail, the way the directory says: (told, a
    sentence saying so — or naming them and why they could not be told). An e-mail that did not
    go out stays on the mail list as not sent."""
    from data.mail.actions import tell_by_mail, why_not_told
    from data.mail.models import SendStatus

    call = actions.pass_on(store, call_id, to)
    why_not = why_not_told(store, boxes, to)
    if why_not:
        return False, f"Passed on to {to}. {why_not}"
    told = tell_by_mail(store, boxes, to, *call_notice(call))
    if told is None:  # the directory or the mailboxes changed since asked: no mail was made
        return False, f"Passed on to {to}. {why_not_told(store, boxes, to) or f'{to} could not be told by e-mail.'}"
    if told.send_status == SendStatus.SENT:
        return True, f"Passed on to {to} and told by e-mail"
    problem = f": {told.send_error}" if told.send_error else ""
    return False, f"Passed on to {to}, but the e-mail telling {to} did not go out{problem} (it is on the mail list to send again)"


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

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        for name in self.fields[self.fields.index(event.input.id.removeprefix("field-")) + 1 :]:
            if not self.value_of(name):
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


def taken_by(call: Call) -> str:
    """Who answered a ring (or, when nobody did, who last changed the call)."""
    steps = [step.user for step in call.history if step.action == "answered"] or [step.user for step in call.history[-1:]]
    return steps[-1] if steps else "someone else"


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
    if isinstance(app.screen, CallsScreen) and app.screen.current_tab() == "messages":
        app.screen.cursor_to_call(call.id)


def open_call_slip(app, draft: Draft | None = None) -> None:
    """The `c` key: a call slip over any section."""
    def logged(call: Call | None) -> None:
        if call:
            app.notify(f"Logged the call {'to' if call.direction == Direction.OUTGOING else 'from'} {call.who}", timeout=3)
            show_on_calls(app, call)

    app.push_screen(CallSlip(app.store, draft=draft), logged)


class FaxDirectory(Reply):
    """The directory's entries a fax can go to, read in a thread."""


class PagesCounted(Reply):
    """(the document, its pages or None), counted in a thread."""


class FaxForm(ModelForm):
    """The new fax: a name or a fax number the directory knows fills the other and the
    company; the pages of a PDF or PostScript document are counted as it is named."""

    def __init__(self, store) -> None:
        super().__init__(Fax, title="New fax", save=lambda edit: actions.queue_fax(store, edit.record))
        self.store = store
        self.contacts: list[Contact] = []
        self.counted = ""  # the pages last filled in from the document, to tell them from typed ones

    def on_mount(self) -> None:  # Textual runs ModelForm.on_mount too
        self.widget_of("recipient").focus()  # whom to first: the directory fills in the number
        self.widget_of("document").suggester = PathSuggester()
        store = self.store
        self.run_job(lambda: [c for c in store.repo("contacts").list() if c.fax_number], FaxDirectory, group="load")

    @on(FaxDirectory)
    def directory_loaded(self, message: FaxDirectory) -> None:
        self.contacts = message.result
        names = [visible(c.name, one_line=True) for c in self.contacts]
        self.widget_of("recipient").suggester = SuggestFromList(names, case_sensitive=False)
        self.widget_of("fax_number").suggester = SuggestFromList([readable_number(c.fax_number) for c in self.contacts])

    def failed(self, error: Exception, group: str) -> None:
        if group not in ("load", "pages"):  # without the directory or a count, the fax is still written
            super().failed(error, group)

    @on(Input.Changed, "#field-recipient")
    def fill_fax_number(self, event: Input.Changed) -> None:
        listed = fax_contact_named(self.contacts, event.value)
        if listed and not self.value_of("fax_number"):
            self.set_value("fax_number", readable_number(listed.fax_number))
        if listed and not self.value_of("company"):
            self.set_value("company", listed.company)

    @on(Input.Changed, "#field-fax_number")
    def fill_recipient(self, event: Input.Changed) -> None:
        listed = fax_contact_numbered(self.contacts, event.value)
        if listed and not self.value_of("recipient"):
            self.set_value("recipient", listed.name)
        if listed and not self.value_of("company"):
            self.set_value("company", listed.company)

    @on(Input.Changed, "#field-document")
    def count_document_pages(self, event: Input.Changed) -> None:
        path = Path(event.value.strip()).expanduser()
        if event.value.strip() and path.is_file():
            self.run_job(lambda: (path, count_pages(path)), PagesCounted, group="pages", exclusive=True)

    @on(PagesCounted)
    def pages_counted(self, message: PagesCounted) -> None:
        path, pages = message.result
        if Path(self.value_of("document").strip()).expanduser() != path:
            return  # the name changed since
        typed = str(self.value_of("pages")).strip()
        if pages is None:
            self.say_above(f"The pages of {path.name} cannot be counted here: say how many.")
        elif typed in ("", "1", self.counted):
            self.counted = str(pages)
            self.set_value("pages", pages)
            self.say_above(f"{path.name}: {pages} page(s).")


def fax_contact_named(contacts: list[Contact], name: str) -> Contact | None:
    wanted = name.strip().casefold()
    return next((c for c in contacts if wanted and c.name.casefold() == wanted), None)


def fax_contact_numbered(contacts: list[Contact], number: str) -> Contact | None:
    try:
        wanted = normalise_number(number)
    except ValueError:
        return None
    return next((c for c in contacts if wanted and c.fax_number == wanted), None)
