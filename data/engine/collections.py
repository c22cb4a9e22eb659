"""The registry of collections: name → model, data file and how a person sees it.

Each domain module declares ``COLLECTIONS``; the command line and the screens are generic
over this registry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from data.domains import COLLECTION_HOMES, DOMAIN_PACKAGES, DOMAINS, HR_DOMAIN  # noqa: F401  (re-exported)
from data.engine.errors import UnknownCollectionError
from data.engine.record import Record


@dataclass(frozen=True)
class Collection:
    name: str
    # The model, or where it is ("data.mail.models:Mail"): a domain an office may not use
    # names it, so its models are built only once one of its records is read or written.
    model_ref: type[Record] | str
    domain: str
    title: str  # one record, in words: "call", "supply item"
    columns: tuple[str, ...] = ()  # default columns of `backoffice list`
    # A record is done with and may move to the archive once it is old enough.
    is_closed: Callable[[Record], bool] | None = field(default=None, compare=False)
    # Of all the collection's records, those the working file keeps however old (a machine's
    # last reading, which the next one is checked against).
    keeps: Callable[[list[Record]], list[Record]] | None = field(default=None, compare=False)
    # A rule over records about to be written, run under the lock with the repository
    # (uniqueness, counters that never fall); raises a DataError to refuse them all.
    check: Callable[..., None] | None = field(default=None, compare=False)
    # What a new record gets before it is stored, however it comes in (a form, add,
    # import): (record, user, now) -> record.
    prepare: Callable[..., Record] | None = field(default=None, compare=False)
    # What `add` and `import` may set on a new record, as its form would; None: the model's
    # form fields. The rest starts at its default and changes by the keys' rules (`--as-is`
    # takes old records as they were). Empty: nobody adds one by hand; ``made_by`` says how.
    new_fields: tuple[str, ...] | None = None
    made_by: str = ""
    # The action the screens add one record with, when that is more than storing it
    # ("data.stock.actions:add_opening_item"): (store, record) -> record.
    adder: str = ""

    @property
    def model(self) -> type[Record]:
        if isinstance(self.model_ref, str):
            module, _, name = self.model_ref.partition(":")
            return getattr(importlib.import_module(module), name)
        return self.model_ref

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(n for n in self.model.model_fields if n != "id")

    def fields_on_add(self) -> tuple[str, ...]:
        return self.model.editable_fields() if self.new_fields is None else self.new_fields

    def add_one(self) -> Callable[..., Record] | None:
        if not self.adder:
            return None
        module, _, name = self.adder.partition(":")
        return getattr(importlib.import_module(module), name)

    def list_columns(self) -> tuple[str, ...]:
        return self.columns or self.model.editable_fields()


@cache
def all_collections() -> dict[str, Collection]:
    found: dict[str, Collection] = {}
    for module_name in DOMAIN_PACKAGES:
        found |= package_collections(module_name)
    return found


@cache
def package_collections(module_name: str) -> dict[str, Collection]:
    return {c.name: c for c in getattr(importlib.import_module(module_name), "COLLECTIONS", ())}


def get_collection(name: str) -> Collection:
    package, _ = COLLECTION_HOMES.get(name, ("", ""))
    if package and (collection := package_collections(package).get(name)):
        return collection
    collections = all_collections()
    if name not in collections:
        known = ", ".join(sorted(collections))
        raise UnknownCollectionError(f"unknown collection '{name}' (known: {known})")
    return collections[name]


def collections_of(domain: str) -> list[Collection]:
    """The collections kept in the domain's file, in the order the packages declare them."""
    packages = dict.fromkeys(package for package, home in COLLECTION_HOMES.values() if home == domain)
    return [c for package in packages for c in package_collections(package).values() if c.domain == domain]
