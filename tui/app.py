"""BackOfficeApp: sections as modes, global keys, the palette, live refresh. Wiring only."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.background import BACKGROUND_WORK, BackgroundWork
from tui.messages import DataChanged, LockWaiting, LockWaitOver, OpenRecord, Rings
from tui.collector import collect_what_was_set_aside
from tui.sections import BY_NAME, SECTIONS, section_of
from tui.settings import Settings, SettingsError, load_settings
from tui.stylesheet import ParsedOnceStylesheet

if TYPE_CHECKING:
    from data.engine.store import Store

POLL_SECONDS = 1.0
FAX_SECONDS = 30.0
BACKGROUND_NOTICE_SECONDS = 30  # a failure of work nobody asked for stays in sight this long
ARCHIVE_DELAY = 10.0
MAIL_SECONDS = 60.0
MAIL_DELAY = 2.0  # the first fetch, once the first screen is drawn
MINUTE = 60.0
IDLE_SECONDS = 2.0  # no key, click or paste for this long: a pause in someone's work
DEMO_NOTICE = "DEMO office in a temporary folder: try anything"


def section_bindings() -> list[Binding]:
    return [
        Binding(s.key, f"switch_mode('{s.name}')", s.title, show=False, id=s.binding_id, tooltip=f"Go to {s.title}")
        for s in SECTIONS
    ]


def section_commands():
    from tui.commands import SectionCommands  # the palette's code loads when it first opens

    return SectionCommands


def record_commands():
    from tui.commands import RecordCommands

    return RecordCommands


class BackOfficeApp(BackgroundWork, App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "backoffice"
    MODES = {s.name: s.new_screen for s in SECTIONS}
    DEFAULT_MODE = "dashboard"
    COMMANDS = App.COMMANDS | {section_commands, record_commands}
    BINDINGS = [
        *section_bindings(),
        Binding("question_mark,f1", "help", "Help", key_display="?", id="app.help", tooltip="Every key of this screen"),
        Binding("c", "call_slip", "Call slip", id="app.call_slip", tooltip="Log a phone call from anywhere"),
        Binding("q", "quit", "Quit", show=False, id="app.quit", tooltip="Quit backoffice"),
    ]

    def __init__(self, store: Store, settings: Settings | None = None, *, demo: bool = False) -> None:
        super().__init__()
        self.stylesheet = ParsedOnceStylesheet(variables=self.get_css_variables())
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            # Nothing slides: over SSH each frame of an animation is bytes on the wire, and a
            # tab's underline sliding to its new width kept a section drawing 0.3 s after its
            # rows were in. TEXTUAL_ANIMATIONS=full brings animations back.
            self.animation_level = "none"
        self.store = store
        self.settings = settings or Settings()
        self.demo = demo
        self._file_keys = store.stat_keys()
        self._background_errors: set[str] = set()
        self._lock_waits: dict[str, Screen] = {}
        self._started = store.now()  # rings from before the app opened are in the queue, not popped up
        self._rings_shown: set[int] = set()
        self._callbacks_seen_until = self._started
        store.lock_waits = self  # a save that waits for a busy file says for whom
        self._last_input = time.monotonic()

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.call_after_refresh(self.report_setting_problems)
        from tui.drafts_at_start import offer_drafts  # what the last session of this user was typing

        self.call_after_refresh(offer_drafts, self)
        self.sub_title = DEMO_NOTICE if self.demo else str(self.store.folder)
        if self.store.created and not self.demo:
            self.notify(f"Started a new office in {self.store.folder}", timeout=10)
        self.set_interval(POLL_SECONDS, self.poll_files)
        self.set_timer(ARCHIVE_DELAY, self.archive_once_a_day)  # not while starting up
        if self.settings.fax_command.strip() or self.settings.fax_server.strip():
            self.set_interval(FAX_SECONDS, self.work_the_faxes)
        if self.settings.mail:
            self.set_timer(MAIL_DELAY, self.work_the_mail)
            self.set_interval(MAIL_SECONDS, self.work_the_mail)
        self.set_interval(MINUTE, self.say_callbacks_due)
        self.set_interval(IDLE_SECONDS, self.collect_when_idle)
        if self.settings.poll_minutes:
            self.set_timer(MAIL_DELAY, self.poll_the_machines)
            self.set_interval(self.settings.poll_minutes * MINUTE, self.poll_the_machines)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.InputEvent, events.Paste)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def collect_when_idle(self) -> None:
        """After a section's first visit, once nobody is typing and nothing is being read:
        see collect_what_was_set_aside."""
        if time.monotonic() - self._last_input >= IDLE_SECONDS and not any(w.is_running for w in self.workers):
            collect_what_was_set_aside()

    def get_line_filters(self):
        """With NO_COLOR, Textual's greying keeps dark text on a dark ground; ours does not.
        On sixteen colours, words whose colours become alike are made black or white."""
        filters = super().get_line_filters()
        if self.no_color:
            from textual.filter import Monochrome

            from tui.no_color import READABLE_GREY

            return [READABLE_GREY if isinstance(f, Monochrome) else f for f in filters]
        if self.console.color_system == "standard":
            from tui.no_color import READABLE_STANDARD

            return [*filters, READABLE_STANDARD]
        return filters

    def notify(self, message: str, *, title: str = "", markup: bool = False, **options) -> None:
        """Notices often quote what people typed: always plain text, shown as written."""
        from data.engine.text import visible

        super().notify(visible(message), title=visible(title, one_line=True), markup=False, **options)

    def report_setting_problems(self) -> None:
        """A theme or keymap the app cannot use is named once, in one line; the app opens anyway."""
        problems = []
        if self.settings.theme not in self.available_themes:
            problems.append(f"there is no theme {self.settings.theme!r}, so {self.theme} is used")
        if self.settings.keymap:
            from tui.keymap import keymap_problems

            problems += keymap_problems(type(self), self.settings.keymap)
        if problems:
            self.notify("Settings: " + "; ".join(problems), severity="warning", timeout=30)
        if self.settings.mail:
            from data.mail.mailboxes import in_the_clear_warning

            if warning := in_the_clear_warning(self.settings.mailboxes()):
                self.notify(warning, severity="warning", timeout=30)

    # -- live refresh ------------------------------------------------------------------
    def poll_files(self) -> None:
        """Stat the data files; tell the visible screens which ones changed."""
        keys = self.store.stat_keys()
        changed = frozenset(d for d, key in keys.items() if key != self._file_keys.get(d))
        if changed:
            self._file_keys = keys
            for screen in self.screen_stack:
                screen.post_message(DataChanged(changed))
            if "calls" in changed:
                self.look_for_rings()

    # -- the phone system rings --------------------------------------------------------
    @on(Rings)
    def show_rings(self, message: Rings) -> None:
        from screens.call_slip import open_ringing_slip

        for call in message.calls:
            if call.id not in self._rings_shown:
                self._rings_shown.add(call.id)
                open_ringing_slip(self, call)

    @on(Worker.StateChanged)
    def background_work_failed(self, event: Worker.StateChanged) -> None:
        """Work the app runs by itself says when it fails — once, not at every retry, and in a
        notice rather than a dialog: it comes unasked, and must not take the keys of whatever
        the person is typing."""
        if event.state != WorkerState.ERROR or event.worker.group not in BACKGROUND_WORK:
            return
        from screens.base import describe

        message = f"{BACKGROUND_WORK[event.worker.group]} failed: {describe(event.worker.error)}"
        if message not in self._background_errors:
            self._background_errors.add(message)
            self.notify(message, title="Background work failed", severity="error", timeout=BACKGROUND_NOTICE_SECONDS)

    # -- a save waiting for a file another session holds ---------------------------
    def waiting(self, file_name: str, holder, cancel) -> None:
        self.post_message(LockWaiting(file_name, holder, cancel))  # called from the waiting worker

    def done(self, file_name: str) -> None:
        self.post_message(LockWaitOver(file_name))

    @on(LockWaiting)
    def show_lock_wait(self, message: LockWaiting) -> None:
        from tui.widgets.dialogs import LockWaitModal

        holder = message.holder.describe() if message.holder else "another session"
        modal = LockWaitModal(message.file_name, holder, message.cancel)
        self._lock_waits[message.file_name] = modal
        self.push_screen(modal)

    @on(LockWaitOver)
    def end_lock_wait(self, message: LockWaitOver) -> None:
        modal = self._lock_waits.pop(message.file_name, None)
        if modal is not None and modal in self.screen_stack:
            modal.dismiss(None)

    # -- actions -----------------------------------------------------------------------
    def action_help(self) -> None:
        from tui.widgets.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_call_slip(self) -> None:
        from screens.call_slip import open_call_slip

        open_call_slip(self)

    @on(OpenRecord)
    def open_record(self, message: OpenRecord) -> None:
        self.go_to_record(message.collection, message.record_id)

    def go_to_record(self, collection: str, record_id: int) -> None:
        from data.engine.collections import get_collection

        section = section_of(collection, get_collection(collection).domain)
        self.switch_mode(section.name)
        self.screen.open_record(collection, record_id)  # type: ignore[attr-defined]

    def go_to_section(self, name: str) -> None:
        if name in BY_NAME:
            self.switch_mode(name)


def run_app(data: str | None = None, demo: bool = False, keep: bool = False) -> int:
    from data.engine.errors import DataError
    from tui.office import open_demo_office, open_office

    try:
        settings = load_settings(data=data)
    except SettingsError as error:
        print(f"backoffice: {error}", file=sys.stderr)
        return 2
    if demo:
        settings.fax_command = settings.fax_server = ""  # the demo's fax numbers are not real: mark faxes sent by hand
        settings.office = settings.office or "Demo Office Ltd"  # its letters are signed
    try:
        store = open_demo_office(settings) if demo else open_office(settings, create=True)
    except DataError as error:
        print(f"backoffice: {error}", file=sys.stderr)
        return 1
    if demo:
        print(f"backoffice: the demo office is in {store.folder}", file=sys.stderr)
    app = BackOfficeApp(store, settings, demo=demo)
    app.run()
    if demo:
        say_goodbye_to_demo(store.folder, keep)
    return app.return_code or 0


def say_goodbye_to_demo(folder, keep: bool) -> None:
    import shutil

    if keep:
        print(f"backoffice: the demo office is kept in {folder}", file=sys.stderr)
    else:
        shutil.rmtree(folder, ignore_errors=True)
        print("backoffice: removed the demo office (--keep keeps it)", file=sys.stderr)
