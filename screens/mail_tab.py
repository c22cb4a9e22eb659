"""The Mail tab of Calls & faxes: the office's mailbox worked as a queue, like the messages.

Its keys are bound on the calls screen (a key may do one thing on one tab and another on
the next); what they do is here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.widgets import TabbedContent

from data.engine.clock import local
from data.engine.drafts import Draft, DraftKey, new_ref
from data.engine.errors import DataError
from data.engine.states import words
from data.mail.views import (
    FAILED,
    OUTGOING,
    QUEUED,
    SENT,
    MailView,
    arrived,
    recipients,
)
from data.when import span_said
from screens.mail_compose import (
    MailForm,
    forward_entries,
    from_line,
    new_entries,
    reply_entries,
)
from screens.pass_on import ask_whom
from tui.jobs import Reply
from tui.plain import clipped, inert, title
from tui.widgets.dialogs import ChoiceModal
from tui.widgets.drafting import saved_then_forgotten
from tui.widgets.entry_form import Entry
from tui.widgets.prompt import PromptModal
from tui.widgets.record_table import RecordTable
from tui.widgets.steady import relabel
from tui.widgets.text_modal import TextModal

if TYPE_CHECKING:
    from data.mail.mailboxes import Mailbox
    from data.mail.models import Mail

MAIL_ACTIONS = {"mail_pass_on", "mail_note", "mail_done", "mail_reopen", "mail_reply", "mail_reply_all", "mail_forward",
                "mail_new", "mail_retry", "mail_for_whom", "mail_all", "mail_read", "mail_cvs"}
MAIL_BINDINGS = [
    Binding("p", "mail_pass_on", "Pass on", id="mail.pass_on", tooltip="Pass the message on to a person or department"),
    Binding("r", "mail_reply", "Reply", id="mail.reply", tooltip="Reply to the sender, threaded"),
    Binding("R", "mail_reply_all", "Reply all", id="mail.reply_all",
            tooltip="Reply to the sender and everyone else the message was to or copied to"),
    Binding("f", "mail_forward", "Forward", id="mail.forward", tooltip="Forward the message to an address"),
    Binding("d", "mail_done", "Done", id="mail.done", tooltip="The message is dealt with"),
    Binding("u", "mail_reopen", "Reopen", show=False, id="mail.reopen", tooltip="Reopen a message that was done"),
    Binding("t", "mail_note", "Note", show=False, id="mail.note", tooltip="Add a note to the message's history"),
    Binding("s", "mail_retry", "Send again", id="mail.retry", tooltip="Try again to send a message that failed"),
    Binding("w", "mail_for_whom", "For whom", show=False, id="mail.for_whom", tooltip="Show only the mail passed on to one person"),
    Binding("a", "mail_all", "All/open", show=False, id="mail.all", tooltip="Show done mail too, or only open mail"),
    Binding("C", "mail_cvs", "CVs to candidates", show=False, id="mail.cvs",
            tooltip="The CVs attached to the message as candidates on an opening"),
]
COLUMNS = [("new", " "), ("who", "From / to"), ("subject", "Subject"), ("for", "For"), ("status", "Status"), ("age", "Age")]


def mail_actions():
    """What can be done with mail, loaded at the first thing done with it: with its parser and
    servers it is most of what opening Calls would load, and an office without mail never needs it."""
    from data.mail import actions

    return actions


def mail_rules():
    """The rules of mail (whom a reply to all reaches, what a typed line says), loaded as
    ``mail_actions`` is, at the first form written."""
    from data.mail import rules

    return rules


def mail_key(collection: str, mail: Mail) -> str:
    return f"{collection}:{mail.id}"


def status_cell(mail: Mail) -> Text:
    if mail.direction == OUTGOING:
        style = {FAILED: "bold red", SENT: "green"}.get(mail.send_status, "yellow")
        said = {QUEUED: "to send", FAILED: "NOT SENT"}.get(mail.send_status, words(mail.send_status))
        return Text(said, style=style)
    return Text(words(mail.status), style="dim" if not mail.is_open else "")


def mail_row(collection: str, mail: Mail, now: datetime, answer: bool) -> tuple[str, list]:
    outgoing = mail.direction == OUTGOING
    who = ("→ " + ", ".join(mail.to[:2])) if outgoing else (mail.sender or mail.sender_address)
    style = "bold" if mail.unread else ""
    subject = ("↳ " if answer else "") + (mail.subject or "(no subject)")
    return mail_key(collection, mail), [
        Text("●" if mail.unread else "", style="bold"), Text(clipped(who, 16), style=style),
        Text(clipped(subject, 24), style=style), clipped(mail.assigned_to, 12), status_cell(mail), span_said(arrived(mail), now)]


def rows(view: MailView, for_whom: str, with_done: bool):
    seen: set[str] = set()
    for collection, mail in view.queue(for_whom, with_done):
        yield mail_row(collection, mail, view.now, mail.thread in seen)
        seen.add(mail.thread)


def heading(mail: Mail) -> Text:
    text = Text()
    if mail.direction == OUTGOING:
        text.append(f"To {', '.join(mail.to)}", style="bold")
        if mail.cc:
            text.append(f"  Cc {', '.join(mail.cc)}", style="bold")
    else:
        text.append(mail.sender or mail.sender_address, style="bold")
        if mail.sender_address and mail.sender:
            text.append(f" <{mail.sender_address}>")
        if mail.known_as:
            text.append(f"  ({mail.known_as})", style="italic")
    when = mail.sent_at or mail.created_at
    if when:
        text.append(f"  {local(when):%a %d %b %H:%M}", style="dim")
    return text


def detail(view: MailView, mail: Mail) -> Text:
    """The highlighted message: who, the subject, its first lines, and what else is in its thread."""
    text = heading(mail)
    copied = mail.direction != OUTGOING and (len(mail.to) > 1 or bool(mail.cc))  # whom a reply to all reaches
    if copied:
        text.append(f"\n{clipped(recipients(mail), 150)}", style="dim")
    text.append(f"\n{mail.subject or '(no subject)'}\n", style="bold")
    if mail.send_error:
        text.append(f"Not sent: {mail.send_error}\n", style="red")
    for problem in mail.problems[:2]:
        text.append(f"Could not read all of it: {problem}\n", style="yellow")
    text.append("\n".join(mail.text.splitlines()[: 3 if copied else 4]) or "(no text)")
    others = len(view.thread_of(mail)) - 1
    cvs = len(mail.documents_received())
    extras = [f"{len(mail.attachments)} attachment(s)" if mail.attachments else "",
              f"C makes {'its CV a candidate' if cvs == 1 else 'its CVs candidates'}" if cvs else "",
              f"{others} more in this conversation" if others else "", "enter reads it all"]
    text.append("\n" + " · ".join(e for e in extras if e), style="dim")
    return inert(text)


def thread_text(view: MailView, mail: Mail, folder: str) -> str:
    """The whole conversation, oldest first, for reading."""
    parts = []
    for each in view.thread_of(mail):
        lines = [heading(each).plain, *([recipients(each)] if recipients(each) else []), f"Subject: {each.subject}"]
        lines += [f"Attachment: {a.name} ({a.size:,} bytes) — {folder}/{a.file}" for a in each.attachments]
        lines += [f"Could not read all of it: {p}" for p in each.problems]
        lines += ["", each.text or "(no text)"]
        lines += [f"  {local(step.at):%a %d %b %H:%M}  {step.user}  {step.action}" + (f" — {step.note}" if step.note else "")
                  for step in each.history]
        parts.append("\n".join(lines))
    return ("\n\n" + "─" * 40 + "\n\n").join(parts)


class OpeningsToChoose(Reply):
    """The open openings, for a message's CVs: (collection, message, openings)."""


class CvsFromMail(Reply):
    """What became of each CV attached to a message."""


class MailPassedOn(Reply):
    """A message passed on, and whether the person was told by e-mail (``PassedOn``)."""


def passed_on_said(outcome) -> tuple[str, str]:
    """(notice, severity) for a message passed on: told, not sent, or why they were not told."""
    who = outcome.mail.assigned_to
    if outcome.why_not:
        return f"Passed on to {who}. {outcome.why_not}", "warning"
    if outcome.told.send_status != SENT:
        said = f"Passed on to {who}, but the e-mail to them was not sent (kept to try again with s): {outcome.told.send_error}"
        return said, "warning"
    return f"Passed on to {who} and forwarded to {', '.join(outcome.told.to)}", "information"


class MailActions:
    """The Mail tab's actions, mixed into the calls screen (which binds their keys)."""

    mail_data: MailView | None = None
    mail_for_whom = ""
    mail_with_done = False

    def mailboxes(self) -> list[Mailbox]:
        return self.app.settings.mailboxes()  # type: ignore[attr-defined]

    def show_mail(self, view: MailView) -> None:
        self.mail_data = view
        self.query_one("#mail-queue", RecordTable).set_rows(rows(view, self.mail_for_whom, self.mail_with_done))
        whom = f" for {self.mail_for_whom}" if self.mail_for_whom else ""
        relabel(self.query_one(TabbedContent).get_tab("mail"), title(f"Mail ({view.waiting_count(self.mail_for_whom)}){whom}"))

    def selected_mail(self) -> tuple[str, Mail] | None:
        key = self.query_one("#mail-queue", RecordTable).selected_key
        if key is None or self.mail_data is None:
            return None
        collection, _, mail_id = str(key).partition(":")
        mail = self.mail_data.find(collection, int(mail_id))
        return (collection, mail) if mail else None

    def mail_detail(self) -> Text:
        chosen = self.selected_mail()
        if chosen is None or self.mail_data is None:
            set_up = bool(self.app.settings.mail)  # type: ignore[attr-defined]
            return Text("No mail waiting." if set_up else "No mailbox is set up: see [mail] in the README.", style="dim")
        return detail(self.mail_data, chosen[1])

    def chosen_mail(self) -> tuple[str, Mail] | None:
        chosen = self.selected_mail()
        if chosen is None:
            self.notify("Choose a message first.", severity="warning")
        return chosen

    def action_mail_read(self) -> None:
        chosen = self.chosen_mail()
        if chosen is None or self.mail_data is None:
            return
        collection, mail = chosen
        from data.mail.attachments import attachments_folder

        folder = str(attachments_folder(self.store, collection, mail.mailbox)) if mail.attachments else ""
        self.app.push_screen(TextModal(mail.subject or "(no subject)", thread_text(self.mail_data, mail, folder), folder))
        if mail.unread:
            self.run_job(lambda: mail_actions().mark_read(self.store, collection, mail.id))

    def action_mail_pass_on(self) -> None:
        chosen = self.chosen_mail()
        if chosen is None:
            return
        collection, mail = chosen

        def chosen_person(to: str) -> None:
            boxes = self.mailboxes()
            self.run_job(lambda: mail_actions().pass_on_and_tell(self.store, boxes, collection, mail.id, to), MailPassedOn)

        ask_whom(self.app, self.data.names if self.data else [], chosen_person)

    def action_mail_done(self) -> None:
        if chosen := self.chosen_mail():
            self.run_job(lambda: mail_actions().mark_done(self.store, chosen[0], chosen[1].id), notice="Done")

    def action_mail_reopen(self) -> None:
        if chosen := self.chosen_mail():
            self.run_job(lambda: mail_actions().reopen(self.store, chosen[0], chosen[1].id), notice="Reopened")

    def action_mail_note(self, chosen: tuple[str, Mail] | None = None, draft: Draft | None = None) -> None:
        chosen = chosen or self.chosen_mail()
        if chosen is None:
            return

        def noted(note: str | None) -> None:
            if note and note.strip():
                save = lambda: mail_actions().add_note(self.store, chosen[0], chosen[1].id, note)  # noqa: E731
                self.run_job(saved_then_forgotten(self.store, key.key if isinstance(key, Draft) else key, save),
                             notice="Note added")

        key = draft or mail_draft("mail-note", *chosen, f"a note on the message {chosen[1].subject or '(no subject)'}")
        self.app.push_screen(PromptModal("Note", placeholder="what happened", draft=key), noted)

    def action_mail_retry(self) -> None:
        chosen = self.chosen_mail()
        if chosen is None or (box := sending_mailbox(self, chosen[1])) is None:
            return
        collection, mail = chosen

        def again() -> Mail:
            mail_actions().retry(self.store, collection, mail.id)
            return sent_or_said(self.store, collection, mail.id, box)

        self.run_job(again, notice=f"Sent to {', '.join(mail.to)}")

    def action_mail_reply(self, chosen: tuple[str, Mail] | None = None, draft: Draft | None = None) -> None:
        self.reply_form(everyone=False, chosen=chosen, draft=draft)

    def action_mail_reply_all(self, chosen: tuple[str, Mail] | None = None, draft: Draft | None = None) -> None:
        self.reply_form(everyone=True, chosen=chosen, draft=draft)

    def reply_form(self, everyone: bool, chosen: tuple[str, Mail] | None = None, draft: Draft | None = None) -> None:
        """The reply's form: to the sender, and — to all — copied to everyone else the message
        was to or copied to; both lines can be changed."""
        chosen = chosen or self.chosen_mail()
        if chosen is None or (box := sending_mailbox(self, chosen[1], hr=chosen[0] == "hr_mail")) is None:
            return
        collection, mail = chosen
        entries = reply_entries(mail, mail_rules().reply_all_copies(mail, self.mailboxes()) if everyone else [])

        def queue(values: dict[str, str]) -> Mail:
            return mail_actions().reply(self.store, collection, mail.id, values["text"], box, *typed(values))

        # A draft keeps only what was changed in the form, so reply-all's is its own kind: it
        # opens again with everyone copied.
        kind, about = ("mail-reply-all", "a reply to all of") if everyone else ("mail-reply", "a reply to")
        key = draft or mail_draft(kind, collection, mail, f"{about} {mail.sender or mail.sender_address}")
        self.compose_and_send(f"{'Reply to all' if everyone else 'Re'}: {mail.subject}", entries, collection, box, queue,
                              start_at="text", draft=key)

    def action_mail_forward(self, chosen: tuple[str, Mail] | None = None, draft: Draft | None = None) -> None:
        chosen = chosen or self.chosen_mail()
        if chosen is None or (box := sending_mailbox(self, chosen[1], hr=chosen[0] == "hr_mail")) is None:
            return
        collection, mail = chosen

        def queue(values: dict[str, str]) -> Mail:
            to, cc, files = typed(values)
            return mail_actions().forward(self.store, collection, mail.id, to, values["text"], box, cc, files)

        key = draft or mail_draft("mail-forward", collection, mail, f"a forward of {mail.subject or '(no subject)'}")
        self.compose_and_send(f"Forward: {mail.subject}", forward_entries(), collection, box, queue,
                              carried=[a.name for a in mail.attachments], draft=key)

    def action_mail_new(self, draft: Draft | None = None) -> None:
        box = sending_mailbox(self, None)
        if box is None:
            return

        def queue(values: dict[str, str]) -> Mail:
            to, cc, files = typed(values)
            return mail_actions().compose(self.store, box, to, values["subject"], values["text"], cc, files)

        key = draft or DraftKey("mail-new", new_ref(), "a new message", hr=box.hr)
        self.compose_and_send("New message", new_entries(), box.collection, box, queue, draft=key)

    def compose_and_send(self, heading: str, entries: list[Entry], collection: str, box: Mailbox, queue,
                         carried: Sequence[str] = (), start_at: str = "", draft: DraftKey | Draft | None = None) -> None:
        """The form queues the message (nothing typed is lost, even if sending fails); then it is sent."""

        def queued(mail: Mail | None) -> None:
            if mail is not None:
                self.run_job(lambda: sent_or_said(self.store, collection, mail.id, box),
                             notice=f"Sent to {', '.join(mail.to + mail.cc)}")

        self.app.push_screen(MailForm(heading, entries, queue, intro=from_line(box, carried),
                                      replies=box.replies, start_at=start_at, draft=draft), queued)

    def action_mail_for_whom(self) -> None:
        def chosen(who: str | None) -> None:
            if who is not None:
                self.mail_for_whom = who.strip()
                if self.mail_data:
                    self.show_mail(self.mail_data)

        names = self.mail_data.names if self.mail_data else []
        self.app.push_screen(PromptModal("Show mail for (empty: everyone)", value=self.mail_for_whom, suggestions=names), chosen)

    def action_mail_cvs(self) -> None:
        chosen = self.chosen_mail()
        if chosen is None:
            return
        collection, mail = chosen
        if not mail.documents_received():
            self.notify("This message has no CV attached (PDF, DOCX, ODT or text).", severity="warning")
            return
        store = self.store
        self.run_job(lambda: (collection, mail, open_openings(store)), OpeningsToChoose)

    def on_mail_passed_on(self, message: MailPassedOn) -> None:
        message.stop()
        notice, severity = passed_on_said(message.result)
        self.notify(notice, severity=severity, timeout=3 if severity == "information" else 10)
        self.reload()

    def on_openings_to_choose(self, message: OpeningsToChoose) -> None:
        message.stop()
        collection, mail, openings = message.result
        if not openings:
            self.notify("No opening is open: open one in Candidates (4, then p).", severity="warning")
            return
        store = self.store

        def chosen(position_id: int | None) -> None:
            if position_id is not None:
                self.run_job(lambda: cvs_from_mail(store, str(position_id), collection, mail.id), CvsFromMail)

        count = len(mail.documents_received())
        question = f"{count} CV{'s' if count != 1 else ''} from {mail.sender or mail.sender_address}: candidates for which opening?"
        self.app.push_screen(ChoiceModal(question, [(p.id, p.title) for p in openings]), chosen)

    def on_cvs_from_mail(self, message: CvsFromMail) -> None:
        message.stop()
        from screens.candidate_dialogs import cv_report

        self.app.push_screen(cv_report(message.result))
        self.reload()

    def action_mail_all(self) -> None:
        self.mail_with_done = not self.mail_with_done
        if self.mail_data:
            self.show_mail(self.mail_data)
        self.notify("Showing done mail too" if self.mail_with_done else "Showing open mail", timeout=2)


# The HR modules are imported when a message's CVs are taken, not whenever Calls opens.
def open_openings(store) -> list:
    from data.candidates.models import PositionStatus

    return [p for p in store.repo("positions").list() if p.status == PositionStatus.OPEN]


def cvs_from_mail(store, opening: str, collection: str, mail_id: int) -> list:
    from data.candidates.cv_mail import cvs_from_mail as take

    return take(store, opening, collection, mail_id)


def typed(values: dict[str, str]) -> tuple[list[str], list[str], list]:
    """The To, Cc and files lines of a message's form, as the mail actions take them."""
    rules = mail_rules()
    return (rules.typed_addresses(values["to"]), rules.typed_addresses(values["cc"], "cc"),
            rules.typed_paths(values["attachments"]))


def mail_draft(kind: str, collection: str, mail: Mail, about: str) -> DraftKey:
    """What a form on a message keeps its draft as; on a message of HR's mailbox, HR's."""
    return DraftKey(kind, mail_key(collection, mail), about, hr=collection == "hr_mail")


def sending_mailbox(screen, mail: Mail | None, hr: bool = False) -> Mailbox | None:
    """The mailbox to send with: the message's own, else the first that can send (not HR's
    for a new message) — for an answer to ``hr`` mail, HR's own alone; None, and said, when
    there is none."""
    from data.mail.mailboxes import hr_cannot_send, hr_sender, sender_for

    if hr and mail is not None:
        box = hr_sender(screen.app.settings.mailboxes(), mail.mailbox)
        if box is None:
            screen.notify(f"{hr_cannot_send(mail.mailbox)}: nothing was written.", severity="warning", timeout=10)
        return box
    box = sender_for(screen.app.settings.mailboxes(), mail.mailbox if mail is not None else "")
    if box is None:
        screen.notify("No mailbox is set up to send with: see [mail] in the README.", severity="warning")
    return box


def mail_the_order(store, box: Mailbox, order_id: int, to: str) -> Mail:
    from data.stock.actions import order_for_mail

    subject, text = order_for_mail(store, order_id)
    queued = mail_actions().compose(store, box, [to], subject, text)
    return sent_or_said(store, box.collection, queued.id, box)


def sent_or_said(store, collection: str, mail_id: int, box: Mailbox) -> Mail:
    """Send a queued message; one the server did not take is kept, and the failure said."""
    sent = mail_actions().send_mail(store, collection, mail_id, box)
    if sent.send_status != SENT:
        raise DataError(f"Not sent, kept to try again (s): {sent.send_error}")
    return sent

