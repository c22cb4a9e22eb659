"""The machines section (a first, generic version: the section issue builds the real one)."""

from __future__ import annotations

from screens.collection import CollectionScreen


class MachinesScreen(CollectionScreen):
    section = "machines"
    collection_name = "machines"
    domains = frozenset({"machines"})
