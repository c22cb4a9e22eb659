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


def record_index(store) -> list[tuple[str, str, int, str, str]]:
    """(haystack, collection, id, label, section title) for every record this user may read."""
    from data.engine.collections import all_collections
    from data.engine.errors import DataError

    index = []
    for collection in all_collections().values():
        try:
            records = store.repo(collection).list()
        except DataError:
            continue  # no access (HR), or a file that does not parse: the section says so
        section = section_of(collection.name, collection.domain)
        for record in records:
            words = [str(v) for v in record.body().values() if isinstance(v, str)]
            label = f"{collection.title.capitalize()} {record.label()}"
            index.append((" ".join([label, *words]).casefold(), collection.name, record.id, label, section.title))
    return index


class RecordCommands(Provider):
    """Find any record by a word of its text, across collections; enter opens it."""

    async def startup(self) -> None:
        self.index = await asyncio.to_thread(record_index, self.app.store)  # type: ignore[attr-defined]

    async def search(self, query: str) -> Hits:
        words = query.casefold().split()
        if not words or not any(len(w) > 1 for w in words):
            return
        hits = 0
        for haystack, collection, record_id, label, section in self.index:
            if all(word in haystack for word in words):
                score = 1.0 if all(word in label.casefold() for word in words) else 0.5
                go = partial(self.app.go_to_record, collection, record_id)  # type: ignore[attr-defined]
                shown = plain(label, one_line=True)
                yield Hit(score, shown, go, text=shown.plain, help=f"open in {section}")
                hits += 1
                if hits >= MAX_RECORD_HITS:
                    return
