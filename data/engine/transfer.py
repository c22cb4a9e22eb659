"""Records in and out as text: FIELD=VALUE pairs, CSV, JSON and JSON lines.

Everything here validates with the same pydantic models as the screens, and reports
problems as one sentence each, naming the row and the field. A file to import is read as it
streams, a bounded piece at a time, and one import takes at most MAX_ROWS rows and
MAX_IMPORT_BYTES: past either it is refused whole, naming the line it was reached at.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import typing
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

import orjson
from pydantic import BaseModel, ValidationError

from data.engine.collections import Collection
from data.engine.errors import FieldError, RuleError
from data.engine.record import NUMBER_ERRORS, SYSTEM_FIELDS, Record, error_sentence
from data.engine.text import BIDI_CODES, from_spreadsheet, spreadsheet_safe, visible

if TYPE_CHECKING:
    from data.engine.store import Store

# The longest text a record holds (a CV) fits many times over; a longer cell is a mistake.
MAX_CELL = 1 << 20
csv.field_size_limit(MAX_CELL)
MAX_LINE = 4 * MAX_CELL
# What one import takes. Each row becomes a record the file holds and every later read
# parses: a million rows took 5.9 GB to import and left every `agenda` after it at 46 s.
# An office's contacts, supplies or a year of calls is some thousands.
MAX_ROWS = 20_000
MAX_IMPORT_BYTES = 64 * 2**20
PROBLEMS_SAID = 100  # a file of a million bad rows is fixed from the first hundred, not read out
READ = 2**16
NOT_AN_OBJECT = "expected an object with field names"


class InputError(Exception):
    """Bad input: one line per problem in ``problems``; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@cache  # asked for every cell of every row
def is_structured(model: type[Record], field: str) -> bool:
    """Lists, dicts and nested models travel as JSON in a text cell."""
    annotation = model.model_fields[field].annotation
    for candidate in (annotation, *typing.get_args(annotation)):
        origin = typing.get_origin(candidate) or candidate
        if origin in (list, set, tuple, dict, frozenset):
            return True
        if isinstance(origin, type) and issubclass(origin, BaseModel):
            return True
    return False


def from_text(collection: Collection, raw: dict[str, str]) -> dict[str, Any]:
    """Turn text cells into values pydantic can validate. Empty cells take the default."""
    values: dict[str, Any] = {}
    for field, text in raw.items():
        if field is None:
            continue
        text = "" if text is None else str(text)
        if text.strip() == "":
            continue
        if field in collection.model.model_fields and is_structured(collection.model, field):
            values[field] = structured_cell(text)
        else:
            values[field] = text
    return values


def structured_cell(text: str) -> Any:
    """A list or object written as JSON in a cell, or a plain comma-separated list."""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return [part.strip() for part in text.split(",") if part.strip()]


def describe_errors(error: ValidationError, where: str, collection: Collection) -> list[str]:
    known = ", ".join(collection.model.editable_fields())
    problems = []
    for detail in error.errors():
        field = ".".join(str(part) for part in detail["loc"]) or "(record)"
        if detail["type"] == "extra_forbidden":
            problems.append(f"{where}: unknown field '{field}' (fields: {known})")
        elif detail["type"] == "missing":
            problems.append(f"{where}: field '{field}' is required")
        elif detail["type"] in NUMBER_ERRORS or detail["msg"].startswith("Input should"):
            problems.append(f"{where}: field '{field}': {error_sentence(detail)}")
        else:
            message = detail["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: field '{field}': {message}")
    return problems


def validate(collection: Collection, values: dict[str, Any], where: str) -> tuple[Record | None, list[str]]:
    values = {k: v for k, v in values.items() if k != "id"}
    try:
        return collection.model.model_validate(values), []
    except ValidationError as error:
        return None, describe_errors(error, where, collection)


def not_for_new(collection: Collection, values: dict[str, Any], where: str) -> list[str]:
    """A new record from outside starts as its form would make it: what else it carries is
    named, unless it is an old record brought in ``--as-is``."""
    allowed = collection.fields_on_add()
    if not allowed:
        return [f"{where}: {collection.made_by} (--as-is brings in old ones as they were)"]
    kept = collection.model.model_fields  # an unknown field is named by the model's gate
    extra = [f"'{name}'" for name in values if name in kept and name not in (*allowed, "id", *SYSTEM_FIELDS)]
    if not extra:
        return []
    return [f"{where}: a new {collection.title} does not start with {', '.join(extra)}: "
            f"that changes by the app's rules (--as-is brings in old records as they were)"]


def parse_assignments(collection: Collection, pairs: Iterable[str], as_is: bool = False) -> Record:
    """``FIELD=VALUE`` arguments → a validated record, or InputError."""
    raw: dict[str, str] = {}
    problems = []
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep or not field.strip():
            problems.append(f"'{pair}': expected FIELD=VALUE")
            continue
        raw[field.strip()] = value
    if problems:
        raise InputError(problems)
    values = from_text(collection, raw)
    if not as_is and (problems := not_for_new(collection, values, "arguments")):
        raise InputError(problems)
    record, problems = validate(collection, values, "arguments")
    if problems:
        raise InputError(problems)
    return record  # type: ignore[return-value]


class Row(NamedTuple):
    where: str  # "line 4", "record 4"
    line: int
    values: dict[str, Any]
    problem: str = ""  # why the row cannot be read, if it cannot


class Source:
    """The file being imported, read a bounded piece at a time: its bytes are counted against
    MAX_IMPORT_BYTES and its lines numbered, so that what is refused names its line."""

    def __init__(self, file: BinaryIO, path: Path) -> None:
        self.file, self.path = file, path
        self.size = 0
        self.line = 0  # where the reading is

    def lines(self) -> Iterator[str]:
        """The lines of the file as text; none longer than MAX_LINE is read whole."""
        decoder = codecs.getincrementaldecoder("utf-8-sig")()  # it takes off a byte order mark
        while raw := self.file.readline(MAX_LINE + 1):
            self.line += 1
            self.take(raw)
            if len(raw) > MAX_LINE:
                raise InputError([f"{self.path}: line {self.line:,} is longer than {amount(MAX_LINE)}; no line of a record is"])
            yield self.decoded(decoder, raw)

    def pieces(self) -> Iterator[str]:
        """The file as text, a piece at a time."""
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.line = 1
        while raw := self.file.read(READ):
            self.take(raw)
            yield self.decoded(decoder, raw)
            self.line += raw.count(b"\n")
        yield self.decoded(decoder, b"", final=True)

    def take(self, raw: bytes) -> None:
        self.size += len(raw)
        if self.size > MAX_IMPORT_BYTES:
            raise InputError([f"{self.path}: line {self.line:,}: an import takes at most {amount(MAX_IMPORT_BYTES)}; "
                              f"split the file (nothing was imported)"])

    def decoded(self, decoder: codecs.IncrementalDecoder, raw: bytes, final: bool = False) -> str:
        try:
            return decoder.decode(raw, final)
        except UnicodeDecodeError as error:
            line = self.line + error.object.count(b"\n", 0, error.start)
            raise InputError([f"{self.path}: line {line:,}: not UTF-8 text (byte {error.object[error.start]:#04x})"]) from error


def amount(size: int) -> str:
    return f"{size // 2**20:,} MB" if size >= 2**20 else f"{size:,} bytes"


def read_rows(path: Path) -> Iterator[Row]:
    """The rows of a .csv, .json or .jsonl file as they are read, at most MAX_ROWS of them."""
    suffix = path.suffix.lower()
    readers = {".csv": read_csv, ".jsonl": read_json_lines, ".json": read_json}
    if suffix not in readers:
        raise InputError([f"{path}: unknown file type '{suffix}' (use .csv, .json or .jsonl)"])
    try:
        with open(path, "rb") as file:
            for number, row in enumerate(readers[suffix](Source(file, path)), start=1):
                if number > MAX_ROWS:
                    raise InputError([f"{path}: line {row.line:,}: an import takes at most {MAX_ROWS:,} rows; "
                                      f"split the file (nothing was imported)"])
                yield row
    except OSError as error:
        raise InputError([f"{path}: cannot be read ({error.strerror or error})"]) from error


def read_csv(source: Source) -> Iterator[Row]:
    reader = csv.DictReader(source.lines())
    try:
        for row in reader:
            where = f"line {reader.line_num}"
            if None in row:
                yield Row(where, reader.line_num, {}, "more cells than the header has columns")
            else:
                yield Row(where, reader.line_num, {k: from_spreadsheet(v) if isinstance(v, str) else v for k, v in row.items()})
    except csv.Error as error:
        yield Row(f"line {reader.line_num + 1}", reader.line_num + 1, {}, csv_problem(error))


def csv_problem(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return f"a cell is longer than {MAX_CELL // 1024} KiB; nothing in a record is that long"
    return f"not valid CSV ({error})"


def loads(text: str) -> Any:
    """json.loads, with nesting too deep for any record said like any other bad JSON."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply to be a record", text, 0) from None


def read_json_lines(source: Source) -> Iterator[Row]:
    for line in source.lines():
        if not line.strip():
            continue
        where = f"line {source.line}"
        try:
            value = loads(line)
        except json.JSONDecodeError as error:
            yield Row(where, source.line, {}, f"not valid JSON ({error.msg})")
            continue
        yield Row(where, source.line, value) if isinstance(value, dict) else Row(where, source.line, {}, NOT_AN_OBJECT)


class JsonText:
    """A JSON file's text, read a piece at a time as the values in it are taken: a record is
    held while it is read, the file never whole (json.loads of 64 MB held ten times as much)."""

    SPACE = re.compile(r"[ \t\n\r]*")
    DECODER = json.JSONDecoder()

    def __init__(self, pieces: Iterator[str]) -> None:
        self.pieces = pieces
        self.text, self.at, self.ended = "", 0, False
        self.lines_before = 0  # in the text read and let go of

    def more(self) -> bool:
        """Read on, at least as much again as is left unread, so that a long value is tried
        a bounded number of times; False at the end of the file."""
        if self.ended:
            return False
        self.lines_before += self.text.count("\n", 0, self.at)
        kept = self.text[self.at :]
        pieces, size = [kept], 0
        while size <= len(kept):
            piece = next(self.pieces, None)
            if piece is None:
                self.ended = True
                break
            pieces.append(piece)
            size += len(piece)
        self.text, self.at = "".join(pieces), 0
        return True

    def next_character(self) -> str:
        """The next character that is not a space, not taken; "" at the end."""
        while True:
            self.at = self.SPACE.match(self.text, self.at).end()
            if self.at < len(self.text) or not self.more():
                return self.text[self.at : self.at + 1]

    def take(self, expected: str) -> None:
        if self.next_character() != expected:
            raise self.invalid(f"Expecting {expected!r}")
        self.at += 1

    def value(self) -> Any:
        self.next_character()
        while True:
            try:
                value, end = self.DECODER.raw_decode(self.text, self.at)
            except json.JSONDecodeError as error:
                if self.more():
                    continue
                raise self.invalid(error.msg, error.pos) from None
            except RecursionError:
                raise self.invalid("nested too deeply to be a record") from None
            if end == len(self.text) and not isinstance(value, (dict, list)) and self.more():
                continue  # a number or word may go on in the next piece
            self.at = end
            return value

    def invalid(self, why: str, at: int | None = None) -> json.JSONDecodeError:
        error = json.JSONDecodeError(why, self.text, self.at if at is None else at)
        error.lineno += self.lines_before
        return error

    def line(self) -> int:
        return self.lines_before + self.text.count("\n", 0, self.at) + 1


def read_json(source: Source) -> Iterator[Row]:
    """The objects of a list, or one object; what is not valid JSON ends the reading, naming its line."""
    text = JsonText(source.pieces())
    try:
        first = text.next_character()
        if first == "{":
            yield Row("record 1", 1, text.value())
        elif first == "[":
            yield from json_list(text)
        else:
            text.value()  # not valid JSON, or JSON but not a list
            raise InputError([f"{source.path}: expected a list of objects with field names"])
        if text.next_character():
            raise text.invalid("Extra data")
    except json.JSONDecodeError as error:
        yield Row(f"{source.path}: line {error.lineno}", error.lineno, {}, f"not valid JSON ({error.msg})")


def json_list(text: JsonText) -> Iterator[Row]:
    text.take("[")
    number = 0
    while text.next_character() != "]":
        if number:
            text.take(",")
            text.next_character()
        number += 1
        line, value = text.line(), text.value()
        where = f"record {number}"
        yield Row(where, line, value) if isinstance(value, dict) else Row(where, line, {}, NOT_AN_OBJECT)
    text.take("]")


def records_from_file(collection: Collection, path: Path, as_is: bool = False) -> list[tuple[str, Record]]:
    """(where, record) per row, every row validated; InputError lists the rows that cannot be
    read, or else those that are not valid (the first PROBLEMS_SAID, and how many more), so a
    file is fixed in one pass."""
    records = []
    unread: list[str] = []
    invalid: list[str] = []
    try:
        for row in read_rows(path):
            if row.problem:
                unread.append(f"{row.where}: {row.problem}")
                continue
            record, found = record_of(collection, row, path.suffix.lower() == ".csv", as_is)
            invalid.extend(found)
            if record is not None:
                records.append((row.where, record))
    except InputError as refusal:
        raise InputError(said(unread or invalid, refusal.problems)) from None
    if unread or invalid:
        raise InputError(said(unread or invalid))
    return records


def record_of(collection: Collection, row: Row, cells: bool, as_is: bool) -> tuple[Record | None, list[str]]:
    values = from_text(collection, row.values) if cells else row.values
    values = {k: v for k, v in values.items() if k not in SYSTEM_FIELDS}
    if not as_is and (refused := not_for_new(collection, values, row.where)):
        return None, refused
    return validate(collection, values, row.where)


def said(problems: list[str], ending: list[str] | None = None) -> list[str]:
    """The first PROBLEMS_SAID problems, how many more there are, and why the reading stopped
    if it did."""
    more = [f"... and {len(problems) - PROBLEMS_SAID:,} more problems"] if len(problems) > PROBLEMS_SAID else []
    return [*problems[:PROBLEMS_SAID], *more, *(ending or [])]


def add_records(store: Store, collection: Collection, rows: list[tuple[str, Record]], as_is: bool = False) -> list[Record]:
    """Add the rows all or none: through the action the screens use, unless ``as_is``.
    A rule that refuses a row names it."""
    add = None if as_is else collection.add_one()
    if add is None:
        return store.repo(collection).add_many([record for _, record in rows])
    added = []
    with store.transaction(collection.domain):
        for where, record in rows:
            try:
                added.append(add(store, record))
            except FieldError as error:
                raise InputError([f"{where}: field '{error.field}': {error}"]) from error
            except RuleError as error:
                raise InputError([f"{where}: {error}"]) from error
    return added


# -- out -------------------------------------------------------------------------------
def export_fields(collection: Collection) -> list[str]:
    return ["id", *collection.fields]


def as_row(record: Record) -> dict[str, Any]:
    return {"id": record.id, **record.body()}


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return orjson.dumps(value).decode()
    return str(value)


def csv_cell(value: Any) -> str:
    """A cell for a spreadsheet: text that starts like a formula is shown, never run, and a
    control character that a hand edit left in stored text shows as a symbol; a list or a
    table is JSON, its control characters escaped, so that `import` reads it back exactly."""
    if isinstance(value, (list, dict)):
        return json_text(value)
    return spreadsheet_safe(visible(value)) if isinstance(value, str) else cell(value)


def to_csv(records: Iterable[Record], fields: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for record in records:
        row = as_row(record)
        writer.writerow([csv_cell(row.get(f)) for f in fields])
    return out.getvalue()


# JSON leaves DEL, C1 and bidirectional controls raw; escaped, they mean the same and stay
# off the terminal.
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0), *BIDI_CODES)}


def json_text(value: Any, option: int = 0) -> str:
    return orjson.dumps(value, option=option).decode().translate(_JSON_ESCAPES)


def to_json(records: Iterable[Record]) -> str:
    """Exact: every value as stored, control characters escaped the JSON way."""
    return json_text([as_row(r) for r in records], orjson.OPT_INDENT_2) + "\n"


def matches(record: Record, where: dict[str, str]) -> bool:
    row = as_row(record)
    return all(cell(row.get(field)) == value for field, value in where.items())
