"""Messages that flow upward through the app (DESIGN §5, idioms 2 and 3)."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class DataChanged(Message):
    """A data file changed on disk (another session saved, or this one did)."""

    def __init__(self, domains: frozenset[str]) -> None:
        super().__init__()
        self.domains = domains

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DataChanged) and message.domains <= self.domains


class OpenRecord(Message):
    """Open a record in its section (from the dashboard or the command palette)."""

    def __init__(self, collection: str, record_id: int) -> None:
        super().__init__()
        self.collection = collection
        self.record_id = record_id


class LockWaiting(Message):
    """A save of this session waits for a data file another session holds (from a worker)."""

    def __init__(self, file_name: str, holder: Any, cancel: Any) -> None:
        super().__init__()
        self.file_name = file_name
        self.holder = holder  # data.engine.locks.LockHolder, or None when the lock file names nobody
        self.cancel = cancel  # a threading.Event: set it to stop waiting


class LockWaitOver(Message):
    """The wait for a data file ended: the save went on, gave up, or was cancelled."""

    def __init__(self, file_name: str) -> None:
        super().__init__()
        self.file_name = file_name


class Rings(Message):
    """Calls the phone system says are ringing for this session (from a worker)."""

    def __init__(self, calls: list[Any]) -> None:
        super().__init__()
        self.calls = calls
