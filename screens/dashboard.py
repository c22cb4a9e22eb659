"""The dashboard: today's agenda — what needs someone — with a jump to each item."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from data.agenda import TOP, AgendaGroup
from data.domains import DOMAINS
from screens.base import SectionScreen
from tui.plain import plain
from tui.widgets.section_bar import SectionBar


def group_heading(group: AgendaGroup) -> Text:
    style = "bold" if group.count else "dim"
    return Text.assemble((f"{group.count:>4}  ", style), (group.title, style))


def entry_line(text: str, urgent: bool) -> Text:
    return Text.assemble(("      ! " if urgent else "      · ", "bold red" if urgent else "dim"), plain(text, one_line=True))


class DashboardScreen(SectionScreen):
    CSS_PATH = "dashboard.tcss"
    domains = frozenset(DOMAINS)
    BINDINGS = [
        Binding("j", "cursor('down')", "Down", show=False, id="dashboard.down"),
        Binding("k", "cursor('up')", "Up", show=False, id="dashboard.up"),
        Binding("g", "cursor('first')", "Top", show=False, id="dashboard.top"),
        Binding("G", "cursor('last')", "Bottom", show=False, id="dashboard.bottom"),
    ]

    _shown: list[tuple[str | None, str]] = []

    def compose(self) -> ComposeResult:
        yield SectionBar("dashboard")
        yield OptionList(id="agenda")
        yield Footer()

    def fetch(self) -> list[AgendaGroup]:
        from data.agenda import build_agenda

        return build_agenda(self.store)

    def show(self, groups: list[AgendaGroup]) -> None:
        agenda = self.query_one("#agenda", OptionList)
        highlighted = agenda.highlighted_option.id if agenda.highlighted_option else None
        options: list[Option] = []
        for group in groups:
            options.append(Option(group_heading(group), id=f"section:{group.section}:{group.key}"))
            if group.note:
                options.append(Option(plain(f"      {group.note}", "dim", one_line=True), disabled=True))
            for entry in group.entries[:TOP]:
                entry_id = f"{entry.collection}:{entry.record_id}:{group.key}"
                options.append(Option(entry_line(entry.text, entry.urgent), id=entry_id))
        if not options:
            options.append(Option(Text("Nothing needs you today."), disabled=True))
        shown = [(o.id, str(o.prompt)) for o in options]
        if shown == self._shown:
            return  # nothing changed: draw nothing
        self._shown = shown
        with self.app.batch_update():
            agenda.set_options(options)
            if highlighted is not None:
                try:
                    agenda.highlighted = agenda.get_option_index(highlighted)
                except OptionDoesNotExist:
                    pass

    def action_cursor(self, where: str) -> None:
        agenda = self.query_one("#agenda", OptionList)
        {"down": agenda.action_cursor_down, "up": agenda.action_cursor_up,
         "first": agenda.action_first, "last": agenda.action_last}[where]()

    @on(OptionList.OptionSelected, "#agenda")
    def jump(self, event: OptionList.OptionSelected) -> None:
        """Enter on an item opens it in its section; on a heading, opens the section."""
        kind, _, rest = (event.option.id or "").partition(":")
        target, _, _ = rest.partition(":")
        if kind == "section":
            self.app.go_to_section(target)  # type: ignore[attr-defined]
        elif target.isdigit():
            self.app.go_to_record(kind, int(target))  # type: ignore[attr-defined]
