"""The staff section (a first, generic version: the section issue builds the real one)."""

from __future__ import annotations

from screens.collection import CollectionScreen


class StaffScreen(CollectionScreen):
    section = "staff"
    collection_name = "employees"
    domains = frozenset({"people"})
