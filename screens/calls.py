"""The calls section (a first, generic version: the section issue builds the real one)."""

from __future__ import annotations

from screens.collection import CollectionScreen


class CallsScreen(CollectionScreen):
    section = "calls"
    collection_name = "calls"
    domains = frozenset({"calls"})


def open_call_slip(app) -> None:
    """Open the call slip over any section (the `c` key)."""
    from tui.widgets.model_form import ModelForm

    repo = app.store.repo("calls")
    form = ModelForm(repo.model, title="Call slip", save=lambda record, overwrite: repo.add(record))
    app.push_screen(form)
