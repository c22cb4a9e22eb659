"""What an employee and a line of their file (a training, a warning, the end) are."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator

from data.addresses import check_email, normalise_number
from data.engine.record import Lines, Model, Moment, Record


class EmploymentStatus(StrEnum):
    ACTIVE = "active"
    LEFT = "left"


class ChecklistItem(Model):
    """One line of an employee's onboarding checklist, copied from the office's template."""

    text: str = Field(min_length=1, max_length=200)
    done_on: date | None = None
    done_by: str = Field(default="", max_length=200)


class Correction(Model):
    """An employee's details put right: what changed from what, why, who and when."""

    at: Moment
    by: str = Field(max_length=200)
    reason: Lines = Field(min_length=1, max_length=1000)
    changes: list[str] = Field(default_factory=list)  # "role: Clerk → Senior Clerk"


class Employee(Record):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=200, title="E-mail")
    phone: str = Field(default="", max_length=40)
    role: str = Field(default="", max_length=200)
    department: str = Field(default="", max_length=200)
    start_date: date
    manager: str = Field(default="", max_length=200)
    status: EmploymentStatus = EmploymentStatus.ACTIVE
    left_on: date | None = Field(default=None, title="Left on")
    left_reason: Lines = Field(default="", max_length=2000, title="Reason for leaving")
    candidate_id: int | None = None
    probation_until: date | None = Field(default=None, title="Probation until")
    onboarding: list[ChecklistItem] = Field(default_factory=list)
    corrections: list[Correction] = Field(default_factory=list)

    form_fields = ("name", "email", "phone", "role", "department", "start_date", "probation_until", "manager")

    _phone = field_validator("phone", mode="before")(lambda cls, v: normalise_number(v or ""))
    _email = field_validator("email")(lambda cls, v: check_email(v))

    def label(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == EmploymentStatus.ACTIVE

    @property
    def open_onboarding(self) -> list[ChecklistItem]:
        return [item for item in self.onboarding if item.done_on is None]


class EventKind(StrEnum):
    TRAINING = "training"
    WARNING = "warning"
    TERMINATION = "termination"


class WarningLevel(StrEnum):
    VERBAL = "verbal"
    WRITTEN = "written"
    FINAL = "final"


LEVELS = list(WarningLevel)

# How long a warning stays on file unless the person issuing it says otherwise.
WARNING_MONTHS = {WarningLevel.VERBAL: 6, WarningLevel.WRITTEN: 12, WarningLevel.FINAL: 12}


class StaffEvent(Record):
    """One line of an employee's file; which fields matter depends on ``kind``."""

    employee_id: int
    kind: EventKind
    on: date = Field(title="Date")
    course: str = Field(default="", max_length=200, validate_default=True)
    completed: bool = False
    valid_until: date | None = Field(default=None, title="Valid until")
    level: WarningLevel | None = Field(default=None, validate_default=True)
    reason: Lines = Field(default="", max_length=2000, validate_default=True)
    issued_by: str = Field(default="", max_length=200)
    expires_after_months: int | None = Field(default=None, ge=1, le=60, title="Expires after (months)")
    notes: Lines = Field(default="", max_length=5000)
    # An event recorded wrongly is voided, never deleted: kept in the file, struck through, out of every rule.
    void_reason: Lines = Field(default="", max_length=1000)
    voided_by: str = Field(default="", max_length=200)
    voided_at: Moment | None = None

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @field_validator("course")
    @classmethod
    def _course(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("kind") == EventKind.TRAINING and not value:
            raise ValueError("a training needs the name of its course")
        return value

    @field_validator("valid_until")
    @classmethod
    def _valid_until(cls, value: date | None, info: ValidationInfo) -> date | None:
        taken = info.data.get("on")
        if value is not None and taken is not None and value < taken:
            raise ValueError("a training cannot stop being valid before it took place")
        return value

    @field_validator("level")
    @classmethod
    def _level(cls, value: WarningLevel | None, info: ValidationInfo) -> WarningLevel | None:
        if info.data.get("kind") == EventKind.WARNING and value is None:
            raise ValueError("a warning needs its level: verbal, written or final")
        return value

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if kind in (EventKind.WARNING, EventKind.TERMINATION) and not value:
            raise ValueError(f"a {kind.value} needs its reason")
        return value
