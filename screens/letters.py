"""Letters and templates: the filled letter to read before it is saved or printed, and the
office's templates edited in place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static

from data.engine.store import Store
from data.staff.letters import FIELDS, Letter, save_letter
from data.staff.printer import can_print, print_file
from data.staff.templates import FILE_NAMES, TITLES, Template, read_template, save_template
from tui.jobs import JobScreen, Reply, describe
from tui.plain import plain, title
from tui.widgets.dialogs import ConfirmModal, Dialog, ErrorModal, close_unless_typed
from tui.widgets.fields import PlainTextArea

NO_PRINTER = "This machine cannot print: the lp command of CUPS is not installed. s saves the letter to print elsewhere."


class LetterMade(Reply):
    """The letter, filled from the record."""


class LetterKept(Reply):
    """Where the letter was saved, and what the printer said (None: not printed)."""


class TemplateRead(Reply):
    """The office's copy of a template."""


class TemplateSaved(Reply):
    """The template was saved."""


class LetterModal(Dialog[None], JobScreen):
    """The filled letter to read first: s saves it, p saves and prints it, e edits its template."""

    CSS_PATH = "letters.tcss"
    BINDINGS = [
        Binding("s", "keep(False)", "Save", id="letter.save", tooltip="Save the letter in the HR folder"),
        Binding("p", "keep(True)", "Save and print", id="letter.print", tooltip="Save the letter and send it to the printer (lp)"),
        Binding("e", "edit_template", "Edit template", id="letter.template", tooltip="Edit the office's template of this letter"),
        Binding("escape", "close", "Close", id="letter.close", tooltip="Close without saving"),
    ]

    def __init__(self, store: Store, make: Callable[[], Letter]) -> None:
        super().__init__()
        self.store = store
        self.make = make
        self.letter: Letter | None = None
        self.saved_at: Path | None = None  # saved once: s again says where, p prints that file
        self.gaps_accepted = False  # a field nothing fills: saved only once the person says so

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static("", id="letter-problems", classes="field-error")
            yield PlainTextArea("", read_only=True, soft_wrap=True, id="letter-body")
            yield Static("Read it through: nothing is saved until you press s or p.", id="letter-where", classes="intro")
            yield Label("s save   p save and print   e edit the template   esc close", classes="keys")

    def on_mount(self) -> None:
        self.query_one(".form").border_title = title("Letter")
        self.run_job(self.make, LetterMade, group="load")

    @on(LetterMade)
    def made(self, message: LetterMade) -> None:
        message.stop()
        self.letter = message.result
        self.query_one(".form").border_title = title(f"{self.letter.title} — to read before saving")
        problems = self.query_one("#letter-problems", Static)
        problems.update(plain("\n".join(self.letter.problems)))
        problems.set_class(bool(self.letter.problems), "-shown")
        self.query_one("#letter-body", PlainTextArea).load_text(self.letter.text)

    def action_keep(self, printing: bool) -> None:
        letter, store = self.letter, self.store
        if letter is None:
            return
        if printing and not can_print():
            self.notify(NO_PRINTER, severity="warning", timeout=8)
            return
        saved_at = self.saved_at
        if saved_at is not None and not printing:
            self.notify(f"Already saved at {saved_at}", timeout=4)
            return
        if letter.problems and saved_at is None and not self.gaps_accepted:
            question = f"The letter still has gaps: {letter.problems[0]} Save it as it is?"

            def answered(yes: bool | None) -> None:
                if yes:
                    self.gaps_accepted = True
                    self.action_keep(printing)

            self.app.push_screen(ConfirmModal(question, "Save with gaps?"), answered)
            return

        def keep() -> tuple[Path, str | None]:
            path = saved_at or save_letter(store, letter)
            return path, print_file(path) if printing else None

        self.run_job(keep, LetterKept, group="save", exclusive=True)

    @on(LetterKept)
    def kept(self, message: LetterKept) -> None:
        message.stop()
        path, printed = message.result
        self.saved_at = path
        said = f"Saved at {path}" + (" and sent to the printer" if printed is not None else "")
        self.query_one("#letter-where", Static).update(plain(said))
        self.notify(said, timeout=6)

    def action_edit_template(self) -> None:
        if self.letter is not None:
            self.app.push_screen(TemplateEditor(self.store, self.letter.template), self.template_edited)

    def template_edited(self, saved: bool | None) -> None:
        if saved:
            self.saved_at = None  # the letter is made again: a new one to save
            self.run_job(self.make, LetterMade, group="load")

    def failed(self, error: Exception, group: str) -> None:
        if group == "load" and self.letter is None:  # nothing to show: say why instead
            self.dismiss(None)
            self.app.push_screen(ErrorModal(describe(error), title="No letter"))
        else:
            super().failed(error, group)

    def action_close(self) -> None:
        self.dismiss(None)


def template_help(template: Template) -> str:
    if template == Template.ONBOARDING:
        return "One item a line; a line starting with # is a note for whoever edits it. New employees get this list."
    return "Fields: " + " ".join("{" + name + "}" for name in FIELDS) + ". {{ and }} write a brace."


class TemplateEditor(Dialog[bool | None], JobScreen):
    """The office's copy of a template, edited in place: ctrl+s saves it for everything after."""

    CSS_PATH = "letters.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="template.save", tooltip="Save the template"),
        Binding("escape", "close", "Close", id="template.close", tooltip="Close (asks first if changed)"),
    ]

    def __init__(self, store: Store, template: Template) -> None:
        super().__init__()
        self.store = store
        self.template = template
        self.original: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(plain(template_help(self.template)), classes="intro")
            yield PlainTextArea("", soft_wrap=True, id="template-body")
            yield Static("", id="template-error", classes="field-error")
            yield Label("ctrl+s save   esc close", classes="keys")

    def on_mount(self) -> None:
        self.query_one(".form").border_title = title(f"{TITLES[self.template]} — {FILE_NAMES[self.template]}")
        store, template = self.store, self.template
        self.run_job(lambda: read_template(store, template), TemplateRead, group="load")

    @on(TemplateRead)
    def read(self, message: TemplateRead) -> None:
        message.stop()
        body = self.query_one("#template-body", PlainTextArea)
        body.load_text(message.result)
        self.original = body.text  # as the widget holds it: a control character shows as a symbol
        body.focus()

    @property
    def text(self) -> str:
        return self.query_one("#template-body", PlainTextArea).text

    def action_save(self) -> None:
        if self.original is None:
            return
        store, template, text = self.store, self.template, self.text
        self.run_job(lambda: save_template(store, template, text), TemplateSaved, group="save", exclusive=True)

    @on(TemplateSaved)
    def saved(self, message: TemplateSaved) -> None:
        message.stop()
        self.notify(f"{TITLES[self.template]} saved for everything after", timeout=3)
        self.dismiss(True)

    def failed(self, error: Exception, group: str) -> None:
        shown = self.query_one("#template-error", Static)
        shown.update(plain(describe(error)))
        shown.add_class("-shown")

    def action_close(self) -> None:
        typed = self.original is not None and self.text != self.original
        close_unless_typed(self.app, typed, lambda: self.dismiss(None))
