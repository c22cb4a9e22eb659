"""SectionScreen: what every section shares — loading in a thread, live refresh, opening a
record from elsewhere. Work goes through the one job path (tui/jobs.py)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static, TabbedContent

from data.engine.errors import NoAccessError
from tui.jobs import JobScreen, Reply, describe
from tui.messages import DataChanged
from tui.plain import plain
from tui.sections import BY_NAME
from tui.widgets.key_bar import KeyBar
from tui.widgets.record_table import RecordTable
from tui.widgets.section_bar import SectionBar
from tui.widgets.section_trouble import SectionTrouble, trouble_sentence

if TYPE_CHECKING:
    from data.engine.store import Store


STALE_AFTER = 60.0  # seconds


class Loaded(Reply):
    """What a section read from the store, to show."""


class SectionScreen(JobScreen):
    """A section of the office.

    A subclass names the data files it shows (``domains``), reads them in a thread
    (``fetch``, data layer only) and turns the result into widgets (``show``, UI thread).
    It reloads when it becomes visible and whenever one of its files changes on disk.
    """

    domains: ClassVar[frozenset[str]] = frozenset()
    BINDINGS = [
        Binding("H", "history", "History", show=False, id="section.history", tooltip="Search this section's archived records"),
    ]

    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[attr-defined]

    # -- loading -----------------------------------------------------------------------
    _last_read: tuple[float, dict] | None = None  # when what is shown was read, and its files' keys then

    def on_screen_resume(self) -> None:
        if self.shown_is_stale():
            self.call_after_refresh(self.reload)  # draw first, then read

    def shown_is_stale(self) -> bool:
        """Back from a dialog or another section: read again only when a file changed (another
        screen's change does not reach a hidden one) or what is shown is a minute old (due
        times move on)."""
        if self._last_read is None:
            return True
        read_at, keys = self._last_read
        return time.monotonic() - read_at > STALE_AFTER or keys != self.file_keys()

    def file_keys(self) -> dict:
        keys = self.store.stat_keys()
        return {domain: keys.get(domain) for domain in self.domains}

    @on(DataChanged)
    def data_changed(self, message: DataChanged) -> None:
        if message.domains & self.domains:
            self.reload()

    def reload(self) -> None:
        shown = (time.monotonic(), self.file_keys())

        def read() -> Any:
            data = self.fetch()
            self._last_read = shown  # the keys from before the read: a change during it is read next time
            return data

        self.run_job(read, Loaded, group="load", exclusive=True)

    def fetch(self) -> Any:
        """Read what the screen shows. Runs in a thread: no widgets here."""
        raise NotImplementedError

    def show(self, data: Any) -> None:
        """Put what ``fetch`` read on screen. Runs on the UI thread."""
        raise NotImplementedError

    _damage_said: frozenset[str] = frozenset()

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        message.stop()
        if self.draw(message.result):
            self.warn_of_damaged_records()
            self._open_pending()

    def draw(self, data: Any) -> bool:
        """``show``; when that fails, the section says so in its place and the app goes on."""
        try:
            self.show(data)
        except Exception as error:  # a fault of ours that this office's data brings out: said, logged, kept apart
            self.show_trouble(error, drawing=True)
            return False
        self.trouble_over()
        return True

    def changed(self, result: Any) -> None:
        if isinstance(result, str):  # work that says in a sentence what became of it
            self.notify(result, timeout=6)
        self.reload()

    def failed(self, error: Exception, group: str) -> None:
        if group != "load":
            super().failed(error, group)
        elif isinstance(error, NoAccessError):
            self.show_no_access(error)
        else:
            self.show_trouble(error, drawing=False)

    def warn_of_damaged_records(self) -> None:
        """Records that cannot be read are left out; say which, once, so they get mended."""
        from data.engine.collections import get_collection

        damaged = {where: why for where, why in self.store.damaged.items()
                   if get_collection(where.partition(" #")[0]).domain in self.domains}
        if damaged and frozenset(damaged) != self._damage_said:
            first = next(iter(damaged.values()))
            more = f" and {len(damaged) - 1} more" if len(damaged) > 1 else ""
            self.notify(f"Left out a damaged record: {first}{more}. `backoffice check` lists them all.",
                        severity="warning", timeout=15)
        self._damage_said = frozenset(damaged)

    # -- a section that cannot be shown --------------------------------------------------
    _trouble: tuple[str, SectionTrouble] | None = None  # what went wrong, and where it is said
    _hidden: tuple[Widget, ...] = ()

    @property
    def in_trouble(self) -> bool:
        return self._trouble is not None

    def show_trouble(self, error: Exception, drawing: bool) -> None:
        """The section's own widgets make way for a sentence; the section bar, the keys at the
        bottom and every other section go on working. The same trouble again is not logged again."""
        if self._trouble is not None and self._trouble[0] == describe(error):
            return
        sentence = trouble_sentence(self.section_title(), error, drawing)
        if self._trouble is None:
            self._hidden = tuple(w for w in self.children if w.display and not isinstance(w, (SectionBar, KeyBar)))
            for widget in self._hidden:
                widget.display = False
            said = SectionTrouble(sentence)
            self.mount(said, after=self.query_one(SectionBar))
        else:
            said = self._trouble[1]
            said.say(sentence)
        self._trouble = (describe(error), said)
        self.refresh_bindings()

    def trouble_over(self) -> None:
        if self._trouble is None:
            return
        self._trouble[1].remove()
        for widget in self._hidden:
            widget.display = True
        self._trouble, self._hidden = None, ()
        self.refresh_bindings()

    def section_title(self) -> str:
        section = BY_NAME.get(self.query_one(SectionBar).current)
        return section.title if section is not None else "This section"

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """While the section says it cannot be shown, its own keys rest, but for going back
        from a page to the one before: they would act on what is out of sight. The app's keys
        (other sections, help, the call slip) work."""
        return not self.in_trouble or action == "back"

    def show_no_access(self, error: NoAccessError) -> None:
        """One clear sentence instead of the section, for users outside HR, say."""
        self.query("*").remove()
        self.mount(Static(plain(error), classes="no-access"))

    def saved(self, record: Any, message: str = "") -> None:
        """What a form hands back when it closes: say what was saved, and show it."""
        if record is not None:
            self.notify(message or f"Saved {record.label()}", timeout=3)
            self.reload()

    def action_history(self) -> None:
        from tui.widgets.history_screen import HistoryScreen
        from tui.widgets.prompt import PromptModal

        def search(text: str | None) -> None:
            if text and text.strip():
                self.app.push_screen(HistoryScreen(set(self.domains), text.strip()))

        self.app.push_screen(PromptModal("Search history (archived records)", placeholder="words to find"), search)

    # -- opening a record from elsewhere -----------------------------------------------
    _pending_open: tuple[str, int] | None = None

    def open_record(self, collection: str, record_id: int) -> None:
        """Show a record (from the dashboard or the palette); waits for the rows if needed."""
        self._pending_open = (collection, record_id)
        self._open_pending()

    def _open_pending(self) -> None:
        if self._pending_open and self.select_record(*self._pending_open):
            self._pending_open = None

    def select_record(self, collection: str, record_id: int) -> bool:
        """Put the cursor on the record; True when found. Sections with several tables
        override this to pick the right one."""
        for table in self.query(RecordTable):
            if table.select_key(record_id):
                table.focus()
                return True
        return False


class TabbedSection(SectionScreen):
    """A section of tabs, each table its own; keys that belong to one tab show only there."""

    first_tab: ClassVar[str]
    tab_actions: ClassVar[dict[str, set[str]]] = {}  # tab id → actions that work on that tab

    def current_tab(self) -> str:
        return self.query_one(TabbedContent).active or self.first_tab

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self.in_trouble:
            return False
        for tab, actions in self.tab_actions.items():
            if action in actions:
                return (self.current_tab() if self.is_mounted else self.first_tab) == tab
        return True

    @on(TabbedContent.TabActivated)
    def tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        table = event.pane.query(RecordTable).first() if event.pane else None
        if table is not None:
            table.focus()
