"""DraftOffer: a draft of what a person was typing, offered back: continue, or throw away.

Enter continues (the safe answer: a key pressed while the offer appears under someone's
fingers only opens their text again); throwing away is a choice made on purpose; escape
leaves the draft for the next session to offer. A draft on a record that is no longer there
(erased, archived) is shown once more, to be thrown away: escape throws it away too.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from data.engine.clock import local
from data.engine.drafts import Draft
from tui.plain import clipped, plain
from tui.widgets.dialogs import Dialog

CONTINUE, THROW_AWAY = "continue", "throw away"
QUOTED_LINES = 6
ABOUT_WIDTH = 120  # a subject of 1,000 characters would push the choices off the dialog
ENDED = "when the session ended"
GONE = "\nWhat it was on is no longer there (erased or archived): it can only be thrown away."


def offer_text(draft: Draft, why: str = ENDED) -> str:
    """'You were writing a reply to Alice when the session ended (Mon 07 Dec 14:02):' and the
    first lines of what was typed."""
    when = f" ({local(draft.saved_at):%a %d %b %H:%M})" if draft.saved_at and why == ENDED else ""
    lines = draft.text.splitlines()
    quoted = "\n".join(f"  {line[:70]}" for line in lines[:QUOTED_LINES]) + ("\n  …" if len(lines) > QUOTED_LINES else "")
    return f"You were writing {clipped(draft.key.about, ABOUT_WIDTH)} {why}{when}:\n{quoted or '  (nothing but choices)'}"


class DraftOffer(Dialog[str | None]):
    BINDINGS = [Binding("escape", "later", "Later", id="draft.later",
                        tooltip="Keep the draft; it is offered again next time (one on a record gone is thrown away)")]

    def __init__(self, draft: Draft, why: str = ENDED, gone: bool = False) -> None:
        """``gone``: the record the draft is on is no longer there."""
        super().__init__()
        self.draft = draft
        self.why = why
        self.gone = gone

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("A draft of yours", classes="dialog-title")
            yield Static(plain(offer_text(self.draft, self.why) + (GONE if self.gone else "")), id="draft-offer")
            if self.gone:
                yield OptionList(Option("Throw it away", id=THROW_AWAY))
                yield Label("enter or esc throw it away", classes="keys")
            else:
                yield OptionList(Option("Continue writing it", id=CONTINUE), Option("Throw it away", id=THROW_AWAY))
                yield Label("enter choose   esc decide next time", classes="keys")

    def action_later(self) -> None:
        self.dismiss(THROW_AWAY if self.gone else None)

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
