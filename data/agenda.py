"""Today's "what needs me" list, gathered from every domain.

A domain's views module may define ``agenda_groups(store, now) -> list[AgendaGroup]``; the
dashboard and `backoffice agenda` show the groups in the order of DOMAIN_PACKAGES.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from data.domains import DOMAIN_PACKAGES
from data.engine.clock import local
from data.engine.errors import DataError, NoAccessError

if TYPE_CHECKING:
    from data.engine.store import Store

TOP = 5  # items shown per group


@dataclass
class AgendaEntry:
    text: str
    collection: str
    record_id: int
    urgent: bool = False


@dataclass
class AgendaGroup:
    key: str  # stable id, e.g. "callbacks_overdue"
    title: str  # "Callbacks overdue"
    section: str  # the app mode that shows these records: "calls", "stock" …
    count: int = 0
    entries: list[AgendaEntry] = field(default_factory=list)  # the top items
    note: str = ""  # shown instead of entries, e.g. "no access to HR records"


def build_agenda(store: Store, now: datetime | None = None) -> list[AgendaGroup]:
    now = now or store.now()
    groups: list[AgendaGroup] = []
    for package in DOMAIN_PACKAGES:
        gather = getattr(importlib.import_module(f"{package}.views"), "agenda_groups", None)
        if gather is None:
            continue
        try:
            groups.extend(gather(store, now))
        except NoAccessError:
            continue  # HR items are not for this user; the HR sections say so
        except DataError as error:
            name = package.rpartition(".")[2]
            groups.append(AgendaGroup(name, name.capitalize(), "dashboard", note=str(error)))
    return groups


def agenda_text(store: Store, now: datetime | None = None) -> str:
    now = now or store.now()
    lines = [f"Agenda for {local(now):%A %d %B %Y, %H:%M}", ""]
    for group in build_agenda(store, now):
        lines.append(f"{group.title}: {group.count}")
        if group.note:
            lines.append(f"  {group.note}")
        for entry in group.entries[:TOP]:
            lines.append(f"  {'! ' if entry.urgent else '- '}{entry.text}")
        if group.count > len(group.entries[:TOP]):
            lines.append(f"  … and {group.count - len(group.entries[:TOP])} more")
    if len(lines) == 2:
        lines.append("Nothing needs you today.")
    return "\n".join(lines) + "\n"
