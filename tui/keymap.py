"""The keymap setting checked against every binding the app has, and the key a binding id now has.

Textual applies a keymap silently: an id it does not know is ignored, and a clash shows only
when the key is pressed. Here the whole app is checked once at start, so a typing mistake in
settings.toml is named in one line instead of a key that quietly does nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict
from collections.abc import Iterable, Iterator

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import _normalize_key_list, format_key  # private; textual is pinned below 9 for it
from textual.screen import Screen

OUR_PACKAGES = ("screens", "tui")


def keys_for(binding_id: str | None, default: str, keymap: dict[str, str]) -> list[str]:
    """The keys a binding has once the keymap is applied."""
    keys = keymap.get(binding_id or "")
    return _normalize_key_list(keys).split(",") if keys else default.split(",")


def keymap_problems(app_class: type, keymap: dict[str, str]) -> list[str]:
    """Each binding id the app does not have, and each key the keymap gives a taken key."""
    scopes = list(binding_scopes(app_class))
    known = {binding.id for bindings in scopes for binding in bindings if binding.id}
    problems = [f"keymap: no binding has the id {binding_id!r}" for binding_id in keymap if binding_id not in known]
    taken: dict[tuple[str, str], set[str]] = defaultdict(set)
    for bindings in scopes:
        for binding_id, key, other in clashes_in(bindings, keymap):
            taken[binding_id, key].add(other)
    for (binding_id, key), others in sorted(taken.items()):
        problems.append(f"keymap: {format_key(key)} for {binding_id} is taken by {', '.join(sorted(others))}")
    return problems


def clashes_in(bindings: list[Binding], keymap: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """(binding id, key, other binding) for each key the keymap newly gives a binding that
    another binding active at the same time has."""
    default_keys: dict[str, set[str]] = defaultdict(set)
    names_by_key: dict[str, set[str]] = defaultdict(set)
    for binding in bindings:
        if binding.id:
            default_keys[binding.id].add(binding.key)
        for key in keys_for(binding.id, binding.key, keymap):
            names_by_key[key].add(binding.id or binding.description or binding.action)
    for binding_id in keymap.keys() & default_keys.keys():
        for key in set(keys_for(binding_id, "", keymap)) - default_keys[binding_id]:
            yield from ((binding_id, key, other) for other in names_by_key[key] - {binding_id})


def binding_scopes(app_class: type) -> Iterator[list[Binding]]:
    """Bindings active together: the app's with each screen's; each widget's alone."""
    app_bindings = own_bindings(app_class)
    yield app_bindings
    for node_class in our_node_classes():
        bindings = own_bindings(node_class)
        yield app_bindings + bindings if issubclass(node_class, Screen) else bindings


def own_bindings(node_class: type) -> list[Binding]:
    """A class's bindings with those it inherits, one per key, the subclass's winning."""
    by_key: dict[str, Binding] = {}
    for base in reversed(node_class.__mro__):
        by_key.update((binding.key, binding) for binding in Binding.make_bindings(base.__dict__.get("BINDINGS", ())))
    return list(by_key.values())


def our_node_classes() -> list[type]:
    """Every screen and widget class of the app, importing the modules that define them."""
    for package_name in OUR_PACKAGES:
        import_all(package_name)
    found = {cls for cls in subclasses(DOMNode) if cls.__module__.split(".")[0] in OUR_PACKAGES}
    return sorted((cls for cls in found if not issubclass(cls, App)), key=lambda cls: cls.__qualname__)


def import_all(package_name: str) -> None:
    package = importlib.import_module(package_name)
    for module in pkgutil.walk_packages(package.__path__, f"{package_name}."):
        if not module.name.endswith(("__main__", ".cli")):
            importlib.import_module(module.name)


def subclasses(cls: type) -> Iterable[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)
