"""Text fields that hold plain text only: what is typed, pasted or set shows as written, and
a control character in it (pasted from a terminal, left in stored text) becomes a visible
symbol instead of a command to the terminal."""

from __future__ import annotations

from textual.widgets import Input, TextArea
from textual.widgets.text_area import Edit, EditResult

from data.engine.text import visible


class PlainInput(Input):
    def validate_value(self, value: str) -> str:  # every way a value is set comes here
        return visible(value, one_line=True)

    async def action_submit(self) -> None:
        """Enter takes the suggestion shown after what was typed ("Pri" → "Priya Shah"), as a
        person expects of a name field. (``_suggestion``: Textual's own, pinned below 9.)"""
        if self.has_focus and len(self._suggestion) > len(self.value):
            self.value = self._suggestion
        await super().action_submit()


class PlainTextArea(TextArea):
    def __init__(self, text: str = "", *args, **kwargs) -> None:
        super().__init__(visible(text), *args, **kwargs)

    def load_text(self, text: str) -> None:
        super().load_text(visible(text))

    def edit(self, edit: Edit) -> EditResult:  # typing and pasting come here
        edit.text = visible(edit.text)
        return super().edit(edit)
