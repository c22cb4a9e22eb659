"""Command palette providers: go to a section, run the section's actions, find any record."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.plain import plain
from tui.sections import SECTIONS, section_of

MAX_RECORD_HITS = 20


class SectionCommands(Provider):
    """"Go to Stock", and every action of the screen you are on ("New item", …)."""

    def commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self.app
        found = [(f"Go to {s.title}", partial(app.switch_mode, s.name), f"key {s.key}") for s in SECTIONS]
        # From the palette the slip opens over anything, a half-filled form included, which stays as it was.
        found.append(("Call slip: log a phone call", partial(app.run_action, "call_slip"), "key c, or here from any form"))
        seen = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if active.node is app or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            run = partial(active.node.run_action, binding.action)
            found.append((binding.description, run, binding.tooltip or f"key {app.get_key_display(binding)}"))
        return found

    async def discover(self) -> Hits:
        for text, command, help_text in self.commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self.commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text)


def record_index(store) -> list[tuple[str, str, int]]:
    """(haystack, collection, id) for every record this user may read: the words of its
    fields, read from the stored JSON — no record is built until it is a hit. A phone number
    is there in each way the office writes it: 07700 900123, 07700900123, +44 7700 900123."""
    from data.addresses import E164, number_forms
    from data.engine.collections import all_collections
    from data.engine.errors import DataError
    from data.engine.repository import parsed

    index = []
    for collection in all_collections().values():
        try:
            documents = list(store.repo(collection).table.raw_documents())
        except DataError:
            continue  # no access (HR), or a file that does not parse: the section says so
        for doc_id, raw in documents:
            body = parsed(raw)
            body = body if isinstance(body, dict) else {}  # a damaged one: found by its title and id only
            texts = [v for v in body.values() if isinstance(v, str)]
            words = [collection.title, f"#{doc_id}", *texts, *(f for v in texts if E164.match(v) for f in number_forms(v))]
            index.append((" ".join(words).casefold(), collection.name, int(doc_id)))
    return index


def hits_labelled(store, found: list[tuple[str, int]]) -> list[tuple[str, int, str, str]]:
    """(collection, id, label, section title) of the records found; a damaged or deleted
    one is left out."""
    from data.engine.collections import get_collection
    from data.engine.errors import DataError

    labelled = []
    for name, record_id in found:
        collection = get_collection(name)
        try:
            record = store.repo(collection).get(record_id)
        except DataError:
            continue
        label = f"{collection.title.capitalize()} {record.label()}"
        labelled.append((name, record_id, label, section_of(name, collection.domain).title))
    return labelled


class RecordCommands(Provider):
    """Find any record by a word of its text, across collections; enter opens it."""

    async def startup(self) -> None:
        """Index in the background: the palette's first list (sections, actions) waits for
        every provider's start-up, and a ten-year office's index takes a tenth of a second.
        Each key cancels the search of the key before: shielded, the index goes on."""
        self.index = asyncio.create_task(asyncio.to_thread(record_index, self.app.store))  # type: ignore[attr-defined]

    async def shutdown(self) -> None:
        self.index.cancel()

    async def search(self, query: str) -> Hits:
        words = query.casefold().split()
        if not words or not any(len(w) > 1 for w in words):
            return
        found = [(collection, record_id) for haystack, collection, record_id in await asyncio.shield(self.index)
                 if all(word in haystack for word in words)][:MAX_RECORD_HITS]
        for collection, record_id, label, section in await asyncio.to_thread(hits_labelled, self.app.store, found):  # type: ignore[attr-defined]
            score = 1.0 if all(word in label.casefold() for word in words) else 0.5
            go = partial(self.app.go_to_record, collection, record_id)  # type: ignore[attr-defined]
            shown = plain(label, one_line=True)
            yield Hit(score, shown, go, text=shown.plain, help=f"open in {section}")
