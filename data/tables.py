"""Tables kept as the JSON bytes of their documents, parsed only when a document is read.

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
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.table import Document, Table

Tables = dict[str, Mapping[str, Any]]
CLOSERS = (b"}", b"},")
DOCUMENT_LINE = re.compile(rb'"([^"\\]*)":(\{.*\})(,?)\n?')  # "id":{...},
TABLE_LINE = re.compile(rb'"([^"\\]*)":\{')  # "calls":{


SPAN_SHIFT = 32  # a document's place in its file: offset << SPAN_SHIFT | length


BLOCK = 1 << 16  # reading every document, this much of the file at a time


def unpack(span: int) -> tuple[int, int]:
    return span >> SPAN_SHIFT, span & ((1 << SPAN_SHIFT) - 1)


class OpenFile:
    """A data file held open at the version that was read; closed when no table needs it."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self.fd)

    def read(self, span: int) -> bytes:
        offset, length = unpack(span)
        return os.pread(self.fd, length, offset)

    def read_all(self, spans: Iterable[int]) -> Iterator[bytes]:
        """The documents at ``spans`` (in file order), a block of the file at a time."""
        block, block_start = b"", 0
        for span in spans:
            offset, length = unpack(span)
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
        return cls({str(k): orjson.dumps(doc) for k, doc in table.items()})

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

    def raw_items(self) -> Iterator[tuple[str, bytes]]:
        return iter(self._raw.items())

    def containing(self, needles: list[bytes]) -> Iterator[tuple[str, dict]]:
        """The documents whose JSON text holds every needle, parsed; the rest are not."""
        for key, raw in self._raw.items():
            if all(needle in raw for needle in needles):
                yield key, orjson.loads(raw)

def raw_items(table: Mapping[str, Any]) -> Iterator[tuple[str, bytes]]:
    if isinstance(table, LazyTable):
        return table.raw_items()
    return ((str(k), orjson.dumps(doc)) for k, doc in table.items())


def lazy(tables: Tables) -> dict[str, LazyTable]:
    return {name: LazyTable.of(table) for name, table in tables.items()}


def with_documents(table: Mapping[str, Any], docs: Mapping[str, dict]) -> LazyTable:
    """``table`` with ``docs`` added or replaced; the documents already there not parsed."""
    return LazyTable({**dict(raw_items(table)), **{str(k): orjson.dumps(doc) for k, doc in docs.items()}})


def encode(tables: Tables) -> bytes:
    """The file's bytes: one line per document (see the module docstring)."""
    parts = [b"{"]
    names = list(tables)
    for name in names:
        parts.append(orjson.dumps(name) + b":{")
        lines = [orjson.dumps(key) + b":" + raw for key, raw in raw_items(tables[name])]
        if lines:
            parts.append(b",\n".join(lines))
        parts.append(b"}" if name == names[-1] else b"},")
    parts.append(b"}")
    return b"\n".join(parts)


def read_tables(path: Path, *, check: bool = True) -> dict[str, LazyTable] | None:
    """The tables of a file written by ``encode``, held open (see the module docstring);
    None for any other layout. ``check`` parses every document once, so a damaged one is
    found now, not when it is read."""
    file = OpenFile(path)
    with open(file.fd, "rb", closefd=False) as lines:
        spans = decode(lines, check)
    if spans is None:
        return None
    return {name: LazyTable(FileDocuments(file, table)) for name, table in spans.items()}


def decode(lines: Iterable[bytes], check: bool) -> dict[str, dict[str, int]] | None:
    """Table → document id → span, read line by line; None for any other layout."""
    lines = iter(lines)
    first = next(lines, b"")
    if first.rstrip(b"\n") != b"{":
        return None
    tables: dict[str, dict[str, int]] = {}
    expect = "table or end"
    name, docs, comma, at = "", {}, False, len(first)
    for line in lines:
        start, at = at, at + len(line)
        if expect == "document or close" and (doc := DOCUMENT_LINE.fullmatch(line)) and (comma or not docs):
            begin, end = doc.span(2)
            if check and not parses(memoryview(line)[begin:end]):
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
    updaters change it in place; ``result()`` encodes what changed."""

    def __init__(self, table: Mapping[str, Any]) -> None:
        source = table.raw_items() if isinstance(table, LazyTable) else table.items()
        self._docs: dict[int, bytes | dict] = {int(k): doc for k, doc in source}

    def __getitem__(self, doc_id: int) -> dict:
        doc = self._docs[doc_id]
        if isinstance(doc, bytes):
            doc = self._docs[doc_id] = orjson.loads(doc)
        return doc

    def __setitem__(self, doc_id: int, doc: dict) -> None:
        self._docs[doc_id] = doc

    def __delitem__(self, doc_id: int) -> None:
        del self._docs[doc_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._docs)

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def clear(self) -> None:
        self._docs.clear()

    def result(self) -> LazyTable:
        return LazyTable(
            {str(k): doc if isinstance(doc, bytes) else orjson.dumps(doc) for k, doc in self._docs.items()}
        )


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

    def where_fields(self, equals: Mapping[str, Any]) -> list[Document]:
        """Documents whose top-level fields equal ``equals`` (JSON values); only documents
        whose text could match are parsed."""
        table = self._read_table()
        needles = [n for n in (field_needle(k, v) for k, v in equals.items()) if n is not None]
        candidates = table.containing(needles) if isinstance(table, LazyTable) else table.items()
        return [
            Document(doc, int(doc_id))
            for doc_id, doc in candidates
            if all(doc.get(k) == v for k, v in equals.items())
        ]


class LeanTinyDB(TinyDB):
    table_class = LeanTable
