"""Records in and out as text: FIELD=VALUE pairs, CSV, JSON and JSON lines.

Everything here validates with the same pydantic models as the screens, and reports
problems as one sentence each, naming the row and the field.
"""

from __future__ import annotations

import csv
import io
import json
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


class InputError(Exception):
    """Bad input: one line per problem in ``problems``; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


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
        elif detail["type"] in NUMBER_ERRORS:
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


def read_rows(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """(where, values) per row of a .csv, .json or .jsonl file; ``where`` names its line."""
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError([f"{path}: not UTF-8 text (byte {error.object[error.start]:#04x} at position {error.start})"]) from error
    except OSError as error:
        raise InputError([f"{path}: cannot be read ({error.strerror or error})"]) from error
    if suffix == ".csv":
        return read_csv(text)
    if suffix == ".jsonl":
        return read_json_lines(text)
    if suffix == ".json":
        return read_json(text, path)
    raise InputError([f"{path}: unknown file type '{suffix}' (use .csv, .json or .jsonl)"])


def read_csv(text: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    problems = []
    try:
        for row in reader:
            if None in row:
                problems.append(f"line {reader.line_num}: more cells than the header has columns")
            else:
                cells = {k: from_spreadsheet(v) if isinstance(v, str) else v for k, v in row.items()}
                rows.append((f"line {reader.line_num}", cells))
    except csv.Error as error:
        problems.append(f"line {reader.line_num + 1}: {csv_problem(error)}")
    if problems:
        raise InputError(problems)
    return rows


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


def read_json_lines(text: str) -> list[tuple[str, dict[str, Any]]]:
    rows = []
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"line {number}: not valid JSON ({error.msg})")
            continue
        if not isinstance(value, dict):
            problems.append(f"line {number}: expected an object with field names")
            continue
        rows.append((f"line {number}", value))
    if problems:
        raise InputError(problems)
    return rows


def read_json(text: str, path: Path) -> list[tuple[str, dict[str, Any]]]:
    try:
        value = loads(text)
    except json.JSONDecodeError as error:
        raise InputError([f"{path}: line {error.lineno}: not valid JSON ({error.msg})"]) from error
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError([f"{path}: expected a list of objects with field names"])
    return [(f"record {n}", row) for n, row in enumerate(value, start=1)]


def records_from_file(collection: Collection, path: Path, as_is: bool = False) -> list[tuple[str, Record]]:
    """(where, record) per row, every row validated; InputError lists every bad row, so a
    file is fixed in one pass."""
    records = []
    problems = []
    for where, row in read_rows(path):
        values = row if path.suffix.lower() != ".csv" else from_text(collection, row)
        values = {k: v for k, v in values.items() if k not in SYSTEM_FIELDS}
        if not as_is and (refused := not_for_new(collection, values, where)):
            problems.extend(refused)
            continue
        record, row_problems = validate(collection, values, where)
        problems.extend(row_problems)
        if record is not None:
            records.append((where, record))
    if problems:
        raise InputError(problems)
    return records


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
