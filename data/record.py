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
