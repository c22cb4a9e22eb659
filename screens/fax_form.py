"""The new fax form: the directory fills the fax number, the recipient and the company from one
another, and the pages of the document are counted as it is named."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.suggester import SuggestFromList
from textual.widgets import Input

from data.addresses import readable_number
from data.calls import actions
from data.calls.fax_documents import count_pages
from data.calls.models import Contact, Fax
from data.calls.views import fax_contact
from data.engine.text import visible
from tui.jobs import Reply
from tui.widgets.model_form import ModelForm
from tui.widgets.path_suggester import PathSuggester


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
        listed = fax_contact(self.contacts, event.value)
        if listed and not self.value_of("fax_number"):
            self.set_value("fax_number", readable_number(listed.fax_number))
        if listed and not self.value_of("company"):
            self.set_value("company", listed.company)

    @on(Input.Changed, "#field-fax_number")
    def fill_recipient(self, event: Input.Changed) -> None:
        listed = fax_contact(self.contacts, event.value)
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
