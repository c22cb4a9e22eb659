"""The dashboard: today's agenda — what needs someone — with a jump to each item."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from data.agenda import TOP, AgendaGroup
from data.domains import DOMAINS
from screens.base import SectionScreen
from tui.plain import plain
from tui.widgets.key_bar import KeyBar
from tui.widgets.section_bar import SectionBar


YOURS = "yours"  # the group of what was passed on to the person running the app


def group_heading(group: AgendaGroup, shown: int) -> Text:
    style = "bold" if group.count else "dim"
    if group.key == YOURS:
        return Text.assemble(("      ", style), (f"{group.title}: {group.count}", style), ("  enter lists them" if group.count else "", "dim"))
    heading = Text.assemble((f"{group.count:>4}  ", style), (group.title, style))
    if group.count > shown and not group.note:
        heading.append(f"  … {group.count - shown} more", style="dim")
    return heading


def entry_line(text: str, urgent: bool) -> Text:
    return Text.assemble(("      ! " if urgent else "      · ", "bold red" if urgent else "dim"), plain(text, one_line=True))


def entries_that_fit(groups: list[AgendaGroup], room: int) -> list[int]:
    """How many entries of each group to show in ``room`` lines: every heading (and note) first,
    then each group's first entry, then each one's second, and so on up to TOP."""
    free = room - sum(1 + bool(group.note) for group in groups)
    counts = [0] * len(groups)
    for rank in range(TOP):
        for index, group in enumerate(groups):
            if free > 0 and rank < len(group.entries):
                counts[index] += 1
                free -= 1
    return counts


def agenda_options(groups: list[AgendaGroup], room: int) -> list[Option]:
    """One option a line. An id says what enter opens (``section:NAME:…`` or
    ``COLLECTION:ID:…``) and ends with the line's place in the list, which alone keeps ids
    apart: a machine with two low toners has two lines for one record."""
    lines: list[tuple[Text, str | None]] = []
    for group, count in zip(groups, entries_that_fit(groups, room)):
        lines.append((group_heading(group, count), f"section:{group.section}:{group.key}"))
        if group.note:
            lines.append((plain(f"      {group.note}", "dim", one_line=True), None))
        for entry in group.entries[:count]:
            lines.append((entry_line(entry.text, entry.urgent), f"{entry.collection}:{entry.record_id}:{group.key}"))
    options = [Option(prompt, id=f"{opens}:{place}" if opens else None, disabled=opens is None)
               for place, (prompt, opens) in enumerate(lines)]
    return options or [Option(Text("Nothing needs you today."), disabled=True)]


def what_it_opens(option_id: str) -> str:
    """An option's id without its place: the same line after a reload, moved or not."""
    return option_id.rpartition(":")[0]


MINUTE = 60.0


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
    _groups: list[AgendaGroup] | None = None  # None until the agenda is first read
    _room = 0  # the agenda's lines

    def compose(self) -> ComposeResult:
        yield SectionBar("dashboard")
        yield OptionList(id="agenda")
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_interval(MINUTE, self.read_again_if_shown)

    def read_again_if_shown(self) -> None:
        """What is due depends on the clock too: look again every minute (drawn only if it changed)."""
        if self.is_current:
            self.reload()

    def fetch(self) -> list[AgendaGroup]:
        from data.agenda import build_agenda

        return [*self.yours(), *build_agenda(self.store)]

    def yours(self) -> list[AgendaGroup]:
        """"Yours: N", what was passed on to you and is still open; enter lists them on Calls."""
        from data.engine.errors import DataError
        from data.calls.yours import yours_in

        try:
            settings = self.app.settings  # type: ignore[attr-defined]
            found = yours_in(self.store, self.store.user, settings.my_name, settings.extension)
        except DataError:
            return []  # the calls section says what is wrong with its file
        return [AgendaGroup(YOURS, "Yours", "calls", len(found))]

    def show(self, groups: list[AgendaGroup]) -> None:
        self._groups = groups
        agenda = self.query_one("#agenda", OptionList)
        if agenda.display:  # hidden behind a sentence, it has no height: draw for the one it had
            self._room = agenda.scrollable_content_region.height
        options = agenda_options(groups, self._room)
        shown = [(o.id, str(o.prompt)) for o in options]
        if shown == self._shown:
            return  # nothing changed: draw nothing
        highlighted = agenda.highlighted_option
        with self.app.batch_update():
            agenda.set_options(options)
            if highlighted is not None:
                self.highlight_again(agenda, highlighted)
        self._shown = shown

    @staticmethod
    def highlight_again(agenda: OptionList, was: Option) -> None:
        """The cursor stays on the line it was on: the same record and words, else the same record."""
        opens = what_it_opens(was.id or "")
        same_record = [index for index, option in enumerate(agenda.options) if option.id and what_it_opens(option.id) == opens]
        same_words = [index for index in same_record if str(agenda.options[index].prompt) == str(was.prompt)]
        if same_words or same_record:
            agenda.highlighted = (same_words or same_record)[0]

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_to_size)

    def fit_to_size(self) -> None:
        if self._groups is not None:
            self.draw(self._groups)

    def action_cursor(self, where: str) -> None:
        agenda = self.query_one("#agenda", OptionList)
        {"down": agenda.action_cursor_down, "up": agenda.action_cursor_up,
         "first": agenda.action_first, "last": agenda.action_last}[where]()

    def open_yours_on(self, stack: list) -> None:
        """The Yours list over the section just opened — over a dialog left open on it (help,
        say) too, which is its screen on top, not the section."""
        section = next((s for s in reversed(stack) if hasattr(s, "open_yours")), None)
        if section is not None:
            section.open_yours()

    @on(OptionList.OptionSelected, "#agenda")
    def jump(self, event: OptionList.OptionSelected) -> None:
        """Enter on an item opens it in its section; on a heading, opens the section."""
        kind, _, rest = (event.option.id or "").partition(":")
        target, _, _ = rest.partition(":")
        if kind == "section" and rest.split(":")[1:2] == [YOURS]:
            self.app.go_to_section(target)  # type: ignore[attr-defined]
            self.open_yours_on(self.app.screen_stack)
        elif kind == "section":
            self.app.go_to_section(target)  # type: ignore[attr-defined]
        elif target.isdigit():
            self.app.go_to_record(kind, int(target))  # type: ignore[attr-defined]
