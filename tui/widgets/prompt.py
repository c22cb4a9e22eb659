"""PromptModal: ask for one line of text; a check can refuse it with a sentence under it."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import SuggestFromList, Suggester
from textual.widgets import Input, Label, Static

from data.engine.drafts import Draft, DraftKey
from data.engine.text import visible
from tui.plain import plain
from tui.widgets.dialogs import close_unless_typed
from tui.widgets.drafting import DraftDialog, put_back
from tui.widgets.fields import PlainInput


class PromptModal(DraftDialog[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Cancel (asks first if you typed)")]

    def __init__(
        self,
        title: str,
        *,
        value: str = "",
        placeholder: str = "",
        suggestions: list[str] | None = None,
        check: Callable[[str], str | None] | None = None,
        suggester: Suggester | None = None,
        draft: DraftKey | Draft | None = None,
    ) -> None:
        """With ``draft``, what is typed is kept as a draft (see ``DraftDialog``); the answer
        given leaves it kept, for the screen to throw away once the answer is saved."""
        super().__init__(draft)
        self.title_text = title
        self.value = visible(value, one_line=True)
        self.placeholder = placeholder
        self.suggestions = [visible(s, one_line=True) for s in suggestions] if suggestions else None
        self.check = check
        self.suggester = suggester

    def compose(self) -> ComposeResult:
        suggester = SuggestFromList(self.suggestions, case_sensitive=False) if self.suggestions else self.suggester
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            yield PlainInput(self.value, placeholder=self.placeholder, suggester=suggester, id="prompt-input")
            yield Static("", id="prompt-error", classes="field-error")
            yield Label("enter ok (with the suggestion)   esc cancel", classes="keys")

    def on_mount(self) -> None:
        self.start_drafting()

    def draft_values(self) -> dict[str, str]:
        return {"text": self.query_one("#prompt-input", Input).value}

    def restore_draft(self, values: dict) -> None:
        put_back(self.query_one("#prompt-input", Input), values.get("text"))

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.check(event.value) if self.check else None
        if problem:
            error = self.query_one("#prompt-error", Static)
            error.update(plain(problem))
            error.add_class("-shown")
        else:
            # kept until what it is for is saved (see ``saved_then_forgotten``); a blank answer saves nothing
            self.finish_draft(keep_it=bool(event.value.strip()))
            self.dismiss(event.value)

    def action_cancel(self) -> None:
        typed = self.query_one("#prompt-input", Input).value != self.value
        close_unless_typed(self.app, typed, self.close_unsaved)
