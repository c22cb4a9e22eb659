"""Tables whose documents stay in their file until one is read.

A data file holds one document per line, and is still plain JSON that stock TinyDB or any
JSON tool reads:

    {
    "_meta":{
    "1":{"schema_version":1}
    },
    "calls":{
    "1":{"caller":"Ann Lee", ...},
    "2":{"caller":"Bob Roy", ...}
    }
    }

A process does not hold the documents: it holds the file open as it was read and where each
document lies in it, and reads a document when asked (another process's save replaces the
file, so the one held open never changes). A search passes over documents by their text
without parsing them, and a save writes every untouched document as it was read. So the
memory a session takes does not grow with the office's records, and several sessions share
one copy of the file in the system's cache.
"""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.table import Table

Tables = dict[str, Mapping[str, Any]]
Spans = dict[str, dict[str, int]]  # table → document id → where the document lies
SPAN_SHIFT = 32  # where a document lies: offset << SPAN_SHIFT | length
LENGTH_MASK = (1 << SPAN_SHIFT) - 1
BLOCK = 1 << 16  # reading every document, this much of the file at a time
CLOSERS = (b"}", b"},")
DOCUMENT_LINE = re.compile(rb'"([^"\\]*)":(\{.*\})(,?)\n?')  # "id":{...},
TABLE_LINE = re.compile(rb'"([^"\\]*)":\{')  # "calls":{


def dumped(doc: Mapping) -> bytes:
    """A document's JSON to keep: orjson.dumps leaves a 4 KiB buffer behind however small
    the document, and a table keeps thousands."""
    return bytes(memoryview(orjson.dumps(doc)))


def unpack(span: int) -> tuple[int, int]:
    return span >> SPAN_SHIFT, span & LENGTH_MASK


class OpenFile:
    """A data file held open at the version that was read; closed when no table needs it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd  # this object closes it
        weakref.finalize(self, os.close, fd)

    def read(self, span: int) -> bytes:
        offset, length = unpack(span)
        return os.pread(self.fd, length, offset)

    def read_all(self, spans: Iterable[int]) -> Iterator[bytes]:
        """The documents at ``spans`` (in file order), a block of the file at a time."""
        block, block_start = b"", 0
        for span in spans:
            offset, length = span >> SPAN_SHIFT, span & LENGTH_MASK
            start = offset - block_start
            if start < 0 or start + length > len(block):
                block, block_start, start = os.pread(self.fd, max(BLOCK, length), offset), offset, 0
            yield block[start : start + length]


class FileDocuments(Mapping[str, bytes]):
    """Document id → the document's bytes, read from the open file when asked."""

    __slots__ = ("_file", "_spans")

    def __init__(self, file: OpenFile, spans: dict[str, int]) -> None:
        self._file = file
        self._spans = spans

    def __getitem__(self, key: str) -> bytes:
        return self._file.read(self._spans[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)

    def __contains__(self, key: object) -> bool:
        return key in self._spans

    def items(self) -> Iterator[tuple[str, bytes]]:  # type: ignore[override]
        return zip(self._spans, self._file.read_all(self._spans.values()))


class LazyTable(Mapping[str, dict]):
    """Document id → document, parsed on every read: changing a document read changes
    nothing stored (TinyDB's updates go through ``EditableTable``)."""

    __slots__ = ("_raw",)

    def __init__(self, raw: Mapping[str, bytes]) -> None:
        self._raw = raw

    @classmethod
    def of(cls, table: Mapping[str, Any]) -> LazyTable:
        if isinstance(table, LazyTable):
            return table
        return cls({str(k): dumped(doc) for k, doc in table.items()})

    def __getitem__(self, key: str) -> dict:
        return orjson.loads(self._raw[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def items(self) -> Iterator[tuple[str, dict]]:  # type: ignore[override]
        return ((key, orjson.loads(raw)) for key, raw in self._raw.items())

    @property
    def raw(self) -> Mapping[str, bytes]:
        """Document id → the document's JSON bytes."""
        return self._raw

    def containing(self, needles: list[bytes], choices: list[list[bytes]] = ()) -> Iterator[tuple[str, bytes]]:  # type: ignore[assignment]
        """(id, JSON bytes) of the documents whose text holds every needle and one needle of
        each of ``choices``; none of them parsed."""
        tests = [re.compile(re.escape(needle)).search for needle in needles]
        tests += [re.compile(b"|".join(map(re.escape, choice))).search for choice in choices]
        for key, raw in self._raw.items():  # loops, not all() over generators: a third of the time
            for found_in in tests:
                if not found_in(raw):
                    break
            else:
                yield key, raw


def raw_items(table: Mapping[str, Any]) -> Iterator[tuple[str, bytes]]:
    if isinstance(table, LazyTable):
        return iter(table.raw.items())
    return ((str(k), orjson.dumps(doc)) for k, doc in table.items())


def lazy(tables: Tables) -> dict[str, LazyTable]:
    return {name: LazyTable.of(table) for name, table in tables.items()}


def with_documents(table: Mapping[str, Any], docs: Mapping[str, dict]) -> LazyTable:
    """``table`` with ``docs`` added or replaced; the documents already there not parsed."""
    return LazyTable({**dict(raw_items(table)), **{str(k): dumped(doc) for k, doc in docs.items()}})


def encode(tables: Tables) -> tuple[bytearray, Spans]:
    """The file's bytes, one line per document (see the module docstring), and where each
    document lies in them."""
    out = bytearray(b"{\n")
    spans: Spans = {}
    names = list(tables)
    for name in names:
        out += orjson.dumps(name) + b":{\n"
        table = spans[name] = {}
        for key, raw in raw_items(tables[name]):
            out += b'%s%s:' % (b",\n" if table else b"", quoted(key))
            table[key] = len(out) << SPAN_SHIFT | len(raw)
            out += raw
        out += b"\n}" if table else b"}"
        out += b"\n" if name == names[-1] else b",\n"
    out += b"}"
    return out, spans


def quoted(key: str) -> bytes:
    return b'"%s"' % key.encode() if key.isdigit() else orjson.dumps(key)  # ids are digits


def read_tables(file: OpenFile) -> dict[str, LazyTable] | None:
    """The tables of a file written by ``encode``, held open (see the module docstring),
    every document parsed once so a damaged one is found now; None for any other layout."""
    with open(file.fd, "rb", closefd=False) as lines:
        spans = decode(lines)
    return None if spans is None else open_tables(file, spans)


def open_tables(file: OpenFile, spans: Spans) -> dict[str, LazyTable]:
    return {name: LazyTable(FileDocuments(file, table)) for name, table in spans.items()}


def decode(lines: Iterable[bytes]) -> Spans | None:
    """Where each document lies, read line by line; None for any other layout."""
    lines = iter(lines)
    first = next(lines, b"")
    if first.rstrip(b"\n") != b"{":
        return None
    tables: Spans = {}
    expect = "table or end"
    name, docs, comma, at = "", {}, False, len(first)
    for line in lines:
        start, at = at, at + len(line)
        if expect == "document or close" and (doc := DOCUMENT_LINE.fullmatch(line)) and (comma or not docs):
            begin, end = doc.span(2)
            if not parses(memoryview(line)[begin:end]):
                return None
            docs[doc[1].decode()] = (start + begin) << SPAN_SHIFT | (end - begin)
            comma = bool(doc[3])
            continue
        line = line.rstrip(b"\n")
        if expect == "document or close" and line in CLOSERS:
            if docs and comma:
                return None  # a comma after the last document
            tables[name] = docs
            expect = "table" if line == b"}," else "end"
        elif expect in ("table", "table or end") and (header := TABLE_LINE.fullmatch(line)):
            name, docs, comma = header[1].decode(), {}, False
            expect = "document or close"
        elif expect in ("end", "table or end") and line == b"}":
            expect = "nothing"
        elif expect != "nothing" or line.strip():
            return None
    return tables if expect == "nothing" else None


def parses(document: memoryview) -> bool:
    try:
        orjson.loads(document)
    except orjson.JSONDecodeError:
        return False
    return True


class EditableTable(MutableMapping[int, dict]):
    """The table TinyDB's updaters change: int ids; a document read is kept, since the
    updaters change it in place; the others are never read (``result()``)."""

    def __init__(self, table: Mapping[str, Any]) -> None:
        self._base = LazyTable.of(table)
        self._ids = {int(key): key for key in self._base}
        self._changed: dict[int, dict] = {}

    def __getitem__(self, doc_id: int) -> dict:
        if doc_id not in self._changed:
            self._changed[doc_id] = self._base[self._ids[doc_id]]
        return self._changed[doc_id]

    def __setitem__(self, doc_id: int, doc: dict) -> None:
        self._ids.setdefault(doc_id, str(doc_id))
        self._changed[doc_id] = doc

    def __delitem__(self, doc_id: int) -> None:
        del self._ids[doc_id]
        self._changed.pop(doc_id, None)

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._ids

    def clear(self) -> None:
        self._ids.clear()
        self._changed.clear()

    def result(self) -> LazyTable:
        keys = list(self._ids.values())
        changed = {self._ids[i]: dumped(doc) for i, doc in self._changed.items()}
        base = self._base.raw
        if isinstance(base, RevisedDocuments):  # changed twice in one transaction: merge
            changed = {**{k: v for k, v in base.changed.items() if k in self._base}, **changed}
            base = base.base
        return LazyTable(RevisedDocuments(base, keys, changed))


class RevisedDocuments(Mapping[str, bytes]):
    """A table's documents after a change: ``keys`` in order, ``changed`` ones new, the
    rest still those of ``base``, read when asked."""

    def __init__(self, base: Mapping[str, bytes], keys: list[str], changed: dict[str, bytes]) -> None:
        self.base = base
        self.changed = changed
        self._keys = dict.fromkeys(keys)

    def __getitem__(self, key: str) -> bytes:
        if key not in self._keys:
            raise KeyError(key)
        return self.changed[key] if key in self.changed else self.base[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def items(self) -> Iterator[tuple[str, bytes]]:  # type: ignore[override]
        base = iter(self.base.items())  # untouched documents keep the base's order
        for key in self._keys:
            if key in self.changed:
                yield key, self.changed[key]
                continue
            for base_key, raw in base:
                if base_key == key:
                    yield key, raw
                    break


class AnyOf(tuple):
    """A value of ``find(field=AnyOf(...))``: the field equals one of these."""


def matches(stored: Any, wanted: Any) -> bool:
    return stored in wanted if isinstance(wanted, AnyOf) else stored == wanted


def field_needles(equals: Mapping[str, Any]) -> tuple[list[bytes], list[list[bytes]]]:
    """What each ``field == value`` (or one of values) reads in the stored JSON, where known."""
    needles, choices = [], []
    for field, value in equals.items():
        if isinstance(value, AnyOf):
            options = [field_needle(field, v) for v in value]
            if all(o is not None for o in options):
                choices.append(options)
        elif (needle := field_needle(field, value)) is not None:
            needles.append(needle)
    return needles, choices  # type: ignore[return-value]


def field_needle(field: str, value: Any) -> bytes | None:
    """How ``field == value`` reads in a stored document's JSON, for values whose JSON is
    unique (a number may be written 1 or 1.0)."""
    if value is None or isinstance(value, (str, bool)):
        return orjson.dumps(field) + b":" + orjson.dumps(value)
    return None


class LeanTable(Table):
    """A TinyDB table over lazy tables: a change parses only the documents it touches."""

    def _update_table(self, updater: Callable[[dict[int, Mapping]], None]) -> None:
        tables = dict(self._storage.read() or {})  # the storage's cached tables stay as read
        table = EditableTable(tables.get(self.name, {}))
        updater(table)  # type: ignore[arg-type]
        tables[self.name] = table.result()
        self._storage.write(tables)
        self.clear_cache()

    def documents(self, equals: Mapping[str, Any] | None = None) -> Iterator[tuple[str, Any]]:
        """(id, document) as stored, whatever shape a hand edit gave it; with ``equals``, only
        documents whose top-level fields equal those JSON values, and only documents whose
        text could match are parsed."""
        return ((doc_id, doc) for doc_id, doc, _ in self._matching(equals))

    def raw_documents(self, equals: Mapping[str, Any] | None = None) -> Iterator[tuple[str, bytes]]:
        """(id, the document's JSON bytes), as ``documents`` chooses them."""
        if not equals:
            return raw_items(self._read_table())
        return ((doc_id, raw or orjson.dumps(doc)) for doc_id, doc, raw in self._matching(equals))

    def _matching(self, equals: Mapping[str, Any] | None) -> Iterator[tuple[str, Any, bytes]]:
        """(id, document, its JSON bytes as read, or b"" for a table parsed already) of the
        documents ``equals`` chooses; only those whose text could match are parsed, in one pass
        over the table."""
        table = self._read_table()
        if isinstance(table, LazyTable):
            found = ((doc_id, orjson.loads(raw), raw) for doc_id, raw in table.containing(*field_needles(equals or {})))
        else:
            found = ((doc_id, doc, b"") for doc_id, doc in table.items())
        for doc_id, doc, raw in found:
            if not equals or (isinstance(doc, dict) and all(matches(doc.get(k), v) for k, v in equals.items())):
                yield doc_id, doc, raw

    def document(self, doc_id: int) -> Any:
        """The document stored under ``doc_id`` as it is, or None."""
        table = self._read_table()
        key = str(doc_id)
        return table[key] if key in table else None


class LeanTinyDB(TinyDB):
    table_class = LeanTable
