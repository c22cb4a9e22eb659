"""A demo office whose every stored text holds terminal escape sequences and markup, written
into the data files the way a hand edit (or an older program) would: past the model's gate.

Each text field gets its own short tag first (``T17``), so a test can tell which fields a
view shows; then markup that would crash a markup parser or vanish (``[b]``, ``[/b]``), a
sequence that sets the terminal's title, one that wipes the screen, C1 controls and a
right-to-left override.
"""

from __future__ import annotations

import typing
from pathlib import Path

import orjson
from pydantic import BaseModel

from data.engine.collections import all_collections
from data.engine.record import SYSTEM_FIELDS
from data.engine.store import Store

PAYLOAD = "[b]\x1b]0;pwned\x07\x1b[2J\x9b2J\x9d0;x\u202e[/b]"
SHOWN_PAYLOAD = "[b]␛]0;pwned␇␛[2J"  # how its start reads once made visible
# Fields that hold a number, an address or a path in a shape their model insists on even
# when reading a file: hostile text there makes the record unreadable (set aside, see
# test_damaged_records), so it cannot reach a screen.
SHAPED = {"number", "fax_number", "extension", "vendor_phone", "vendor_email", "email", "phone", "ipp"}
# Written by the program from other fields (made again on every change) or never shown.
SKIPPED = {"id", "rev", "created_at", "updated_at"}


class Tags:
    """Hands out the tag of each (collection, field) and remembers it."""

    def __init__(self) -> None:
        self.by_tag: dict[str, str] = {}

    def value(self, where: str, number: int = 0) -> str:
        """The hostile text of a field; ``number`` tells apart the items of one list."""
        tag = next((t for t, w in self.by_tag.items() if w == where), None)
        if tag is None:
            tag = f"T{len(self.by_tag) + 10}"
            self.by_tag[tag] = where
        return f"{tag}{PAYLOAD}{number or ''}"

    def seen_in(self, text: str) -> set[str]:
        """The fields whose tag shows in ``text``."""
        return {where for tag, where in self.by_tag.items() if f"{tag}[b]" in text}


def is_text(annotation: object) -> bool:
    return annotation is str or typing.get_origin(annotation) is typing.Annotated and typing.get_args(annotation)[0] is str


def nested_model(annotation: object) -> type[BaseModel] | None:
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def poison(doc: dict, model: type[BaseModel], where: str, tags: Tags, number: int = 0) -> None:
    """Put hostile text into every text field of a stored document, nested ones too."""
    for name, info in model.model_fields.items():
        if name in SHAPED or name in SKIPPED or name not in doc:
            continue
        annotation = info.annotation
        if is_text(annotation):
            doc[name] = tags.value(f"{where}.{name}", number)
        elif annotation == list[str]:
            doc[name] = [tags.value(f"{where}.{name}")]
        elif (inner := nested_model(annotation)) is not None and isinstance(doc[name], list):
            for number, item in enumerate(doc[name]):
                poison(item, inner, f"{where}.{name}", tags, number)
        elif name == "scores" and isinstance(doc[name], dict):
            doc[name] = {tags.value(f"{where}.scores reviewer"): scores for scores in doc[name].values()}


def poison_office(store: Store) -> Tags:
    """Every text of every record in ``store``'s data files, hand-edited to be hostile."""
    tags = Tags()
    collections = all_collections().values()
    for path in sorted(store.folder.glob("*.json")) + sorted(store.folder.glob("*/*.json")):
        data = orjson.loads(path.read_bytes())
        for collection in collections:
            for doc in data.get(collection.name, {}).values():
                poison(doc, collection.model, collection.name, tags)
        path.write_bytes(orjson.dumps(data))
    return tags


def text_fields(model: type[BaseModel]) -> list[str]:
    """The top-level text fields a person may type, for the gate's tests."""
    return [
        name for name, info in model.model_fields.items()
        if name not in SYSTEM_FIELDS and name != "id" and is_text(info.annotation)
    ]


if __name__ == "__main__":  # to try an office by hand: python -m tests.hostile DIR
    import sys

    poison_office(Store(Path(sys.argv[1])))
