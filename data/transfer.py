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
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError

from data.collections import Collection
from data.record import SYSTEM_FIELDS, Record


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
            try:
                values[field] = json.loads(text)
            except json.JSONDecodeError:
                values[field] = [part.strip() for part in text.split(",") if part.strip()]
        else:
            values[field] = text
    return values


def describe_errors(error: ValidationError, where: str, collection: Collection) -> list[str]:
    known = ", ".join(collection.model.editable_fields())
    problems = []
    for detail in error.errors():
        field = ".".join(str(part) for part in detail["loc"]) or "(record)"
        if detail["type"] == "extra_forbidden":
            problems.append(f"{where}: unknown field '{field}' (fields: {known})")
        elif detail["type"] == "missing":
            problems.append(f"{where}: field '{field}' is required")
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


def parse_assignments(collection: Collection, pairs: Iterable[str]) -> Record:
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
    record, problems = validate(collection, from_text(collection, raw), "arguments")
    if problems:
        raise InputError(problems)
    return record  # type: ignore[return-value]


def read_rows(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """(where, values) per row of a .csv, .json or .jsonl file; ``where`` names its line."""
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError([f"{path}: cannot be read ({error})"]) from error
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
    for row in reader:
        if None in row:
            problems.append(f"line {reader.line_num}: more cells than the header has columns")
        else:
            rows.append((f"line {reader.line_num}", row))
    if problems:
        raise InputError(problems)
    return rows


def read_json_lines(text: str) -> list[tuple[str, dict[str, Any]]]:
    rows = []
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
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
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError([f"{path}: line {error.lineno}: not valid JSON ({error.msg})"]) from error
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError([f"{path}: expected a list of objects with field names"])
    return [(f"record {n}", row) for n, row in enumerate(value, start=1)]


def records_from_file(collection: Collection, path: Path) -> list[Record]:
    """Validate every row; InputError lists every bad row, so a file is fixed in one pass."""
    records = []
    problems = []
    for where, row in read_rows(path):
        values = row if path.suffix.lower() != ".csv" else from_text(collection, row)
        values = {k: v for k, v in values.items() if k not in SYSTEM_FIELDS}
        record, row_problems = validate(collection, values, where)
        problems.extend(row_problems)
        if record is not None:
            records.append(record)
    if problems:
        raise InputError(problems)
    return records


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


def to_csv(records: Iterable[Record], fields: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for record in records:
        row = as_row(record)
        writer.writerow([cell(row.get(f)) for f in fields])
    return out.getvalue()


def to_json(records: Iterable[Record]) -> str:
    return orjson.dumps([as_row(r) for r in records], option=orjson.OPT_INDENT_2).decode() + "\n"


def to_table(records: Iterable[Record], fields: list[str], width: int = 28) -> str:
    rows = [[cell(as_row(r).get(f)).replace("\n", " ") for f in fields] for r in records]
    widths = [min(width, max([len(f)] + [len(row[i]) for row in rows])) for i, f in enumerate(fields)]

    def line(cells: list[str]) -> str:
        return "  ".join(clip(c, w).ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(fields), line(["-" * w for w in widths]), *map(line, rows)]) + "\n"


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def matches(record: Record, where: dict[str, str]) -> bool:
    row = as_row(record)
    return all(cell(row.get(field)) == value for field, value in where.items())
