"""The stock section (a first, generic version: the section issue builds the real one)."""

from __future__ import annotations

from screens.collection import CollectionScreen


class StockScreen(CollectionScreen):
    section = "stock"
    collection_name = "supplies"
    domains = frozenset({"stock"})
