"""The dashboard's first agenda, read by a child process while the app itself starts.

Reading the agenda means loading the six domains' models and checking a few thousand records:
on a ten-year office about as long as Textual's own start. Forked before the app starts, a
child does it on a second core meanwhile, and the dashboard is filled on its first paint. The
dashboard then reads the agenda again itself, as on any reload: what changed since the child
read it shows, a damaged record is named, and the section's models are loaded for its keys.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data.agenda import AgendaGroup
    from data.engine.store import Store


def cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class AgendaAhead:
    """A child process reading the agenda; ``groups()`` waits for what it read."""

    def __init__(self, open_store: Callable[[], Store]) -> None:
        """Fork now, while the process has one thread: a fork copies only the calling thread,
        and a lock another thread held would stay held in the child. The child opens the
        office itself, so that loading the storage engine is done side by side too."""
        readable, writable = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(readable)
            read_and_send(open_store, writable)  # never returns
        os.close(writable)
        self._pipe = readable

    @classmethod
    def start(cls, open_store: Callable[[], Store]) -> AgendaAhead | None:
        """None where it would not help: one core only, or no fork."""
        return cls(open_store) if hasattr(os, "fork") and cores() > 1 else None

    def groups(self) -> list[AgendaGroup] | None:
        """The child's agenda, once it is read; None if the child failed (the caller reads it)."""
        with os.fdopen(self._pipe, "rb") as pipe:
            sent = pipe.read()
        os.waitpid(self.pid, 0)
        return pickle.loads(sent) if sent else None


def read_and_send(open_store: Callable[[], Store], writable: int) -> None:
    status = 1
    try:
        from data.agenda import build_agenda

        sent = pickle.dumps(build_agenda(open_store()))
        with os.fdopen(writable, "wb") as pipe:
            pipe.write(sent)
        status = 0
    finally:
        os._exit(status)  # none of the parent's exit handlers, buffers or terminal clean-up
