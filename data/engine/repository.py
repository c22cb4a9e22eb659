"""Typed access to one collection: get, list, find, add, save (with revisions), delete."""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import orjson
from pydantic import ValidationError
from pydantic_core import to_jsonable_python

from data.engine import audit
from data.engine.clock import local
from data.engine.errors import ConflictError, DamagedRecordError, NotFoundError
from data.engine.record import STORED, SYSTEM_FIELDS, Record, error_sentence
from data.engine.tables import AnyOf

if TYPE_CHECKING:
    from data.engine.collections import Collection
    from data.engine.store import Store

M = TypeVar("M", bound=Record)


def damage_sentence(error: Exception) -> str:
    """What is wrong with a stored document, for the person who will mend it."""
    if not isinstance(error, ValidationError):
        return "it is not a record (a JSON object with field names)"
    detail = error.errors()[0]
    field = ".".join(str(part) for part in detail["loc"]) or "the record"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"field '{field}': {error_sentence(detail)}{more}"


def parsed(raw: bytes) -> Any:
    """A stored document's JSON; None (read as damaged) when it is not JSON at all."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None


@functools.cache
def every_field(model: type[Record]) -> set[str]:
    return set(model.model_fields)


def all_fields_set(record: M) -> M:
    """``record`` with its model's one shared set of field names as the names it was given.

    pydantic gives every instance, and every copy, a set of its own (200 to 2,000 bytes): in a
    session, more memory than the records' values. A stored record has every field; adding a
    field's name to a set that holds them all, as an assignment does, changes nothing."""
    object.__setattr__(record, "__pydantic_fields_set__", every_field(type(record)))
    return record


class Repository(Generic[M]):
    def __init__(self, store: Store, collection: Collection) -> None:
        self.store = store
        self.collection = collection
        self.domain = collection.domain

    @property
    def model(self) -> type[M]:
        return self.collection.model  # type: ignore[return-value]

    @property
    def table(self):
        return self.store.table(self.collection)

    def transaction(self):
        return self.store.transaction(self.domain)

    # -- reading -----------------------------------------------------------------------
    def from_stored(self, key: str, doc: Any) -> M:
        """The record a stored document holds; DamagedRecordError names what is wrong.

        Stored text is taken as it is (``STORED``): screens make it visible, never refuse it."""
        try:
            if not isinstance(doc, dict):
                raise TypeError(key)
            record = self.model.model_validate(doc, context=STORED)
            record.id = int(key)
            all_fields_set(record)
        except (ValidationError, TypeError, ValueError) as error:
            name = f"{self.collection.name} #{key}"
            raise DamagedRecordError(
                f"{self.store.file(self.domain).name}, {name}: {damage_sentence(error)}", where=name
            ) from error
        return record

    def _readable(self, documents: Iterable[tuple[str, bytes]]) -> Iterator[M]:
        """The records of ``documents`` (id, JSON bytes); a damaged one is set aside and named
        in ``store.damaged``, so the rest of the collection keeps working. A document read
        before, unchanged, gives a copy of the record read then: only what changed is
        validated again, however many times a screen reloads."""
        known = self.store.read_records.setdefault(self.collection.name, {})
        for key, raw in documents:
            seen = known.get(key)
            if seen is None or seen[0] != raw:
                try:
                    seen = known[key] = (raw, self.from_stored(key, parsed(raw)))
                except DamagedRecordError as error:
                    self.store.damaged[error.where] = str(error)
                    continue
                self.store.damaged.pop(f"{self.collection.name} #{key}", None)
            yield all_fields_set(seen[1].model_copy())

    def get(self, record_id: int) -> M:
        doc = self.table.document(int(record_id))
        if doc is None:
            raise NotFoundError(
                f"{self.collection.title.capitalize()} #{record_id} does not exist "
                "(another session may have deleted it)."
            )
        return self.from_stored(str(record_id), doc)

    def list(self) -> list[M]:
        documents = dict(self.table.raw_documents())
        known = self.store.read_records.get(self.collection.name, {})
        for gone in known.keys() - documents.keys():
            known.pop(gone, None)
        return list(self._readable(documents.items()))

    def find(self, predicate: Callable[[M], bool] | None = None, newest: int | None = None, **equals: Any) -> list[M]:
        """Records whose fields equal ``equals`` and for which ``predicate`` holds; with
        ``newest``, only that many of them, the last added (the highest ids).

        ``equals`` is compared with the stored JSON first, so only matching documents are
        parsed and validated into models: on a big file that is most of the cost saved."""
        stored = {k: AnyOf(map(to_jsonable_python, v)) if isinstance(v, AnyOf) else to_jsonable_python(v) for k, v in equals.items()}
        documents = self.table.raw_documents(stored)
        if newest is not None:
            documents = heapq.nlargest(newest, documents, key=lambda document: int(document[0]))
        records = self._readable(documents)
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
        """A dict is new input and passes the gate of the model; a record was checked when
        it was made (or read back), so only its rules across fields run again."""
        if isinstance(record, dict):
            return self.model.model_validate(record)
        checked = self.model.model_validate(record.model_dump(), context=STORED)
        checked.id = record.id
        return checked

    def add(self, record: M | dict) -> M:
        return self.add_many([record])[0]

    def add_many(self, records: Iterable[M | dict]) -> list[M]:
        """Insert all records in one transaction and one write; any error inserts none."""
        prepare = self.collection.prepare or (lambda record, user, now: record)
        stamped = [self._stamp(prepare(self._validated(r), self.store.user, self.store.now()), rev=1) for r in records]
        with self.transaction():
            self._check(stamped)
            ids = self.table.insert_multiple([r.body() for r in stamped])
            for record, record_id in zip(stamped, ids):
                record.id = record_id
                self._audit(record_id, "add", list(self.collection.model.editable_fields()))
        return stamped

    def save(self, record: M, *, force: bool = False, fields: Iterable[str] | None = None, action: str = "save") -> M:
        """Save an edited record. Raises ConflictError when someone saved it in between,
        unless ``force`` (the user chose to overwrite).

        With ``fields``, only those fields are taken from ``record`` onto the stored
        version: overwriting keeps what a colleague changed in the other fields. A save
        that changes nothing writes nothing. ``action`` is what the audit line calls the change."""
        if record.id is None:
            raise ValueError("save() needs a stored record; use add()")
        with self.transaction():
            current = self.get(record.id)
            if current.rev != record.rev and not force:
                raise self._conflict(current)
            if fields is not None:
                record = current.model_copy(update={name: getattr(record, name) for name in fields})
            record = self._validated(record)
            changed = [k for k, v in record.body().items() if k not in SYSTEM_FIELDS and current.body().get(k) != v]
            if not changed:
                return current
            saved = self._stamp(record, rev=current.rev + 1)
            saved.id = record.id
            self._check([saved])
            self.table.update(saved.body(), doc_ids=[record.id])
            self._audit(record.id, action, changed)
        return saved

    def update(self, record_id: int, change: Callable[[M], M | None], action: str = "save") -> M:
        """Read the newest revision under the lock, apply ``change``, save: no conflict possible.

        ``change`` may edit the record in place or return a new one; domain rules that
        raise stop the whole update and nothing is written.
        """
        with self.transaction():
            current = self.get(record_id)
            changed = change(current)
            return self.save(changed if changed is not None else current, action=action)

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
        when = f"{local(current.updated_at):%Y-%m-%d %H:%M}" if current.updated_at else "just now"
        who = current.updated_by or "someone"
        return ConflictError(
            f"{self.collection.title.capitalize()} {current.label()} was changed by {who} at "
            f"{when} after you opened it.",
            changed_by=who,
            changed_at=current.updated_at,
        )
