"""Passing a call or a message on: whom to, asked the same way everywhere."""

from __future__ import annotations

from tui.widgets.dialogs import ConfirmModal
from tui.widgets.prompt import PromptModal


def ask_whom(app, names: list[str], chosen, value: str = "") -> None:
    """Ask whom to pass something on to, ``value`` (whom it is already for) filled in: enter
    takes it, typing replaces it. A name the directory does not know is asked about first, so
    a typo does not send a message nowhere."""
    known = {name.casefold() for name in names}

    def typed(to: str | None) -> None:
        to = (to or "").strip()
        if not to:
            return
        if to.casefold() in known or not known:
            chosen(to)
            return
        app.push_screen(ConfirmModal(f"{to} is not in the directory. Pass it on to {to} all the same?"),
                        lambda yes: chosen(to) if yes else None)

    app.push_screen(PromptModal("Pass on to", value=value, placeholder="a person or department", suggestions=names,
                                check=lambda v: None if v.strip() else "Say whom to pass it on to."), typed)
