"""Typed access to one collection: get, list, find, add, save (with revisions), delete."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic_core import to_jsonable_python
from tinydb.table import Document

from data import audit
from data.errors import ConflictError, NotFoundError
from data.record import SYSTEM_FIELDS, Record

if TYPE_CHECKING:
    from data.collections import Collection
    from data.store import Store

M = TypeVar("M", bound=Record)


class Repository(Generic[M]):
    def __init__(self, store: Store, collection: Collection) -> None:
        self.store = store
        self.collection = collection
        self.model: type[M] = collection.model  # type: ignore[assignment]
        self.domain = collection.domain

    @property
    def table(self):
        return self.store.table(self.collection)

    def transaction(self):
        return self.store.transaction(self.domain)

    # -- reading -----------------------------------------------------------------------
    def _to_model(self, doc: Document) -> M:
        return self.model.model_validate({**doc, "id": doc.doc_id})

    def get(self, record_id: int) -> M:
        doc = self.table.get(doc_id=int(record_id))
        if doc is None:
            raise NotFoundError(
                f"{self.collection.title.capitalize()} #{record_id} does not exist "
                "(another session may have deleted it)."
            )
        return self._to_model(doc)  # type: ignore[arg-type]

    def list(self) -> list[M]:
        return [self._to_model(doc) for doc in self.table]

    def find(self, predicate: Callable[[M], bool] | None = None, **equals: Any) -> list[M]:
        """Records whose fields equal ``equals`` and for which ``predicate`` holds.

        ``equals`` is compared with the stored JSON first, so only matching documents are
        parsed and validated into models: on a big file that is most of the cost saved."""
        stored = {k: to_jsonable_python(v) for k, v in equals.items()}
        records = [self._to_model(doc) for doc in self.table.where_fields(stored)]
        return [r for r in records if predicate is None or predicate(r)]

    def count(self) -> int:
        return len(self.table)

    # -- writing -----------------------------------------------------------------------
    def _stamp(self, record: M, rev: int) -> M:
        now = self.store.now()
        update = {"rev": rev, "updated_at": now, "updated_by": self.store.user}
        if record.created_at is None:
            update["created_at"] = now
        return record.model_copy(update=update)

    def _audit(self, record_id: int, action: str, changed: list[str]) -> None:
        entry = audit.entry(
            self.store.now().isoformat(), self.store.user, self.collection.name, record_id, action, changed
        )
        self.store.record_change(self.domain, entry)

    def _validated(self, record: M | dict) -> M:
        if isinstance(record, dict):
            return self.model.model_validate(record)
        return self.model.model_validate({**record.model_dump(), "id": record.id})

    def add(self, record: M | dict) -> M:
        return self.add_many([record])[0]

    def add_many(self, records: Iterable[M | dict]) -> list[M]:
        """Insert all records in one transaction and one write; any error inserts none."""
        stamped = [self._stamp(self._validated(r), rev=1) for r in records]
        with self.transaction():
            self._check(stamped)
            ids = self.table.insert_multiple([r.body() for r in stamped])
            for record, record_id in zip(stamped, ids):
                record.id = record_id
                self._audit(record_id, "add", list(self.collection.model.editable_fields()))
        return stamped

    def save(self, record: M, *, force: bool = False) -> M:
        """Save an edited record. Raises ConflictError when someone saved it in between,
        unless ``force`` (the user chose to overwrite)."""
        if record.id is None:
            raise ValueError("save() needs a stored record; use add()")
        record = self._validated(record)
        with self.transaction():
            current = self.get(record.id)
            if current.rev != record.rev and not force:
                raise self._conflict(current)
            saved = self._stamp(record, rev=current.rev + 1)
            saved.id = record.id
            self._check([saved])
            body = saved.body()
            self.table.update(body, doc_ids=[record.id])
            changed = [
                k for k, v in body.items() if k not in SYSTEM_FIELDS and current.body().get(k) != v
            ]
            self._audit(record.id, "save", changed)
        return saved

    def update(self, record_id: int, change: Callable[[M], M | None]) -> M:
        """Read the newest revision under the lock, apply ``change``, save: no conflict possible.

        ``change`` may edit the record in place or return a new one; domain rules that
        raise stop the whole update and nothing is written.
        """
        with self.transaction():
            current = self.get(record_id)
            changed = change(current)
            return self.save(changed if changed is not None else current)

    def delete(self, record: M | int) -> None:
        record_id = record if isinstance(record, int) else record.id
        with self.transaction():
            current = self.get(record_id)  # type: ignore[arg-type]
            if not isinstance(record, int) and current.rev != record.rev:
                raise self._conflict(current)
            self.table.remove(doc_ids=[record_id])
            self.store.remember_ids(self.collection, [record_id])  # type: ignore[list-item]
            self._audit(record_id, "delete", [])  # type: ignore[arg-type]

    def _check(self, records: list[M]) -> None:
        if self.collection.check is not None:
            self.collection.check(self, records)

    def _conflict(self, current: M) -> ConflictError:
        when = current.updated_at.strftime("%Y-%m-%d %H:%M") if current.updated_at else "just now"
        who = current.updated_by or "someone"
        return ConflictError(
            f"{self.collection.title.capitalize()} {current.label()} was changed by {who} at "
            f"{when} after you opened it.",
            changed_by=who,
            changed_at=current.updated_at,
        )
