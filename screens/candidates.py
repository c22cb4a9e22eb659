"""The candidates section (a first, generic version: the section issue builds the real one)."""

from __future__ import annotations

from screens.collection import CollectionScreen


class CandidatesScreen(CollectionScreen):
    section = "candidates"
    collection_name = "candidates"
    domains = frozenset({"people"})
