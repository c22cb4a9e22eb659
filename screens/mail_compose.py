"""The forms a message is written in — new, reply, reply to all, forward — with their To, Cc
and attachment lines, the mailbox's signature said, and its saved replies a key away.

Each is an EntryForm (so what it does on ctrl+s, escape and a refused line is the one way of
every form); this module only says which lines a message has and what they start with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.widgets import Input, TextArea

from tui.widgets.dialogs import ChoiceModal
from tui.widgets.entry_form import Entry, EntryForm
from tui.widgets.path_suggester import PathSuggester

if TYPE_CHECKING:
    from data.mail.mailboxes import Mailbox
    from data.mail.models import Mail

FILES_HINT = "a file to attach (→ completes); several: a.pdf; b.pdf"


class PathsSuggester(PathSuggester):
    """Completes the last of several paths, separated by ";", as a shell's tab would."""

    async def get_suggestion(self, value: str) -> str | None:
        head, separator, last = value.rpartition(";")
        typed = last.lstrip()
        rest = await super().get_suggestion(typed) if typed else None
        return f"{head}{separator}{last[: len(last) - len(typed)]}{rest}" if rest else None


class MailForm(EntryForm):
    """A message's form: its attachments line completes file names, and ctrl+r puts one of
    the mailbox's saved replies where the cursor is in the text."""

    BINDINGS = [Binding("ctrl+r", "saved_reply", "Saved reply", id="mail.saved_reply",
                        tooltip="Put one of the mailbox's saved replies into the text")]

    def __init__(self, heading: str, entries: list[Entry], submit: Callable[[dict[str, str]], Any], intro: str = "",
                 replies: Sequence[str] = (), start_at: str = "", **options: Any) -> None:
        super().__init__(heading, entries, submit, intro, **options)  # options: whatever else an EntryForm takes
        self.replies = list(replies)
        self.start_at = start_at  # the line the cursor starts in (a reply's text: its To is filled)

    def on_mount(self) -> None:  # Textual calls this first, then EntryForm's (which titles the form, starts its draft)
        if self.start_at and self.index_of(self.start_at) is not None:
            self.input_of(self.start_at).focus()
        if self.index_of("attachments") is not None:
            field = self.input_of("attachments")
            if isinstance(field, Input):
                field.suggester = PathsSuggester()

    def action_saved_reply(self) -> None:
        if not self.replies or self.index_of("text") is None:
            self.notify("This mailbox has no saved replies: see replies under [mail] in the README.", severity="warning")
            return
        text = self.input_of("text")

        def chosen(number: Any) -> None:
            if number is not None and isinstance(text, TextArea):
                text.insert(self.replies[number])
                text.focus()

        choices = [(number, reply.splitlines()[0][:70] if reply.strip() else "(empty)") for number, reply in enumerate(self.replies)]
        self.app.push_screen(ChoiceModal("Saved reply", choices), chosen)


def from_line(box: Mailbox, carried: Sequence[str] = ()) -> str:
    """The form's first line: who it goes out as, signed how, and what goes with it already."""
    said = [f"From {box.sender}"]
    if box.signature:
        said.append(f"signed “{box.signature.splitlines()[0][:40]}…”" if "\n" in box.signature or len(box.signature) > 40
                    else f"signed “{box.signature}”")
    if carried:
        said.append(f"with {', '.join(carried)}")
    if box.replies:
        said.append("ctrl+r a saved reply")
    return " · ".join(said)


def new_entries() -> list[Entry]:
    return [Entry("to", "To", placeholder="name@example.com, …"), Entry("cc", "Cc", placeholder="copies to, …"),
            Entry("subject", "Subject"), Entry("attachments", "Files", placeholder=FILES_HINT),
            Entry("text", "Message", paragraphs=True)]


def reply_entries(mail: Mail, cc: Sequence[str]) -> list[Entry]:
    return [Entry("to", "To", value=mail.sender_address), Entry("cc", "Cc", value=", ".join(cc), placeholder="copies to, …"),
            Entry("attachments", "Files", placeholder=FILES_HINT),
            Entry("text", f"Reply to {mail.sender or mail.sender_address}", paragraphs=True)]


def forward_entries() -> list[Entry]:
    return [Entry("to", "To", placeholder="name@example.com, …"), Entry("cc", "Cc", placeholder="copies to, …"),
            Entry("attachments", "More files", placeholder=FILES_HINT), Entry("text", "Note", paragraphs=True)]
