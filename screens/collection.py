"""CollectionScreen: a section showing one collection in a RecordTable, with new and edit."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer

from data.collections import Collection, get_collection
from data.record import Record
from screens.base import SectionScreen
from tui.widgets.section_bar import SectionBar
from tui.widgets.model_form import ModelForm, display_value
from tui.widgets.record_table import RecordTable


class CollectionScreen(SectionScreen):
    collection_name: ClassVar[str]
    section: ClassVar[str]

    BINDINGS = [
        Binding("n", "new", "New", id="collection.new", tooltip="Add a record"),
    ]

    @property
    def collection(self) -> Collection:
        return get_collection(self.collection_name)

    @property
    def repo(self):
        return self.store.repo(self.collection)

    def compose(self) -> ComposeResult:
        yield SectionBar(self.section)
        columns = self.collection.list_columns()
        yield RecordTable([(c, c.replace("_", " ").capitalize()) for c in columns], id="records")
        yield Footer()

    def fetch(self) -> list[Record]:
        return self.repo.list()

    def show(self, records: list[Record]) -> None:
        columns = self.collection.list_columns()
        self.query_one(RecordTable).set_rows(
            (r.id, [display_value(getattr(r, c)) for c in columns]) for r in records
        )

    def action_new(self) -> None:
        repo = self.repo
        form = ModelForm(
            self.collection.model,
            title=f"New {self.collection.title}",
            save=lambda record, overwrite: repo.add(record),
        )
        self.app.push_screen(form, self.saved)

    @on(DataTable.RowSelected)
    def edit(self, event: DataTable.RowSelected) -> None:
        key = self.query_one(RecordTable).selected_key
        if key is not None:
            self.run_job(lambda: self.repo.get(int(key)), self.open_form)

    def open_form(self, record: Record) -> None:
        repo = self.repo
        form = ModelForm(
            self.collection.model,
            title=f"{self.collection.title.capitalize()} {record.label()}",
            record=record,
            save=lambda changed, overwrite: repo.save(changed, force=overwrite),
            reload=lambda: repo.get(record.id),
        )
        self.app.push_screen(form, self.saved)

    def saved(self, record: Any) -> None:
        if record is not None:
            self.notify(f"Saved {self.collection.title} {record.label()}", timeout=3)
            self.reload()
