"""The base of every stored record (DESIGN §2)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

SYSTEM_FIELDS = ("rev", "created_at", "updated_at", "updated_by")


class Record(BaseModel):
    """A document of a collection. ``id`` is TinyDB's doc_id and is not stored in the body."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True)

    id: int | None = Field(default=None, exclude=True)
    rev: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    updated_by: str = ""

    # Fields a person fills in, in form order; the rest are kept by the program.
    # Empty means every field that is not a system field.
    form_fields: ClassVar[tuple[str, ...]] = ()

    def label(self) -> str:
        """A short human name of the record, for lists, dialogs and the audit."""
        return f"#{self.id}"

    @classmethod
    def editable_fields(cls) -> tuple[str, ...]:
        if cls.form_fields:
            return cls.form_fields
        return tuple(n for n in cls.model_fields if n != "id" and n not in SYSTEM_FIELDS)

    def body(self) -> dict:
        """The stored JSON body."""
        return self.model_dump(mode="json")


def error_sentence(detail: dict) -> str:
    """pydantic's message for one error, said the way a form or a person would."""
    kind = detail.get("type", "")
    context = detail.get("ctx") or {}
    if kind == "missing" or (kind == "string_too_short" and context.get("min_length") == 1):
        return "required: please fill this in"
    if kind == "string_too_long":
        return f"too long: at most {context.get('max_length')} characters"
    if kind in ("datetime_from_date_parsing", "datetime_parsing", "datetime_type"):
        return "not a date and time: use YYYY-MM-DD HH:MM"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return "not a date: use YYYY-MM-DD"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "not a whole number"
    if kind in ("float_parsing", "float_type", "decimal_parsing"):
        return "not a number"
    bounds = {"less_than_equal": "at most {le}", "less_than": "below {lt}", "greater_than_equal": "at least {ge}", "greater_than": "above {gt}"}
    if kind in bounds:
        return "must be " + bounds[kind].format(**context)
    return str(detail.get("msg", "not valid")).removeprefix("Value error, ")
