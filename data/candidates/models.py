"""What an opening (a position), a candidate and an interview are."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator

from data.addresses import check_email, normalise_number
from data.engine.clock import local
from data.engine.record import Lines, Model, Moment, Record


class Criterion(Model):
    name: str = Field(min_length=1, max_length=100)
    weight: float = Field(default=1.0, gt=0, le=100)

    def __str__(self) -> str:
        """As typed in the opening's form: 'Bookkeeping ×2', or the name alone for a weight of 1."""
        return self.name if self.weight == 1 else f"{self.name} ×{self.weight:g}"


def criteria_typed(text: str) -> list[Criterion]:
    """'Bookkeeping ×2, Accuracy, Software x0.5' → the criteria; ValueError naming the part."""
    criteria = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        named = re.fullmatch(r"(.+?)\s*[×x*]\s*([0-9]+(?:\.[0-9]+)?)", part)
        name, weight = (named[1], float(named[2])) if named else (part, 1.0)
        if not 0 < weight <= 100:
            raise ValueError(f"'{part}': a weight goes from above 0 to 100")
        criteria.append(Criterion(name=name, weight=weight))
    return criteria


class PositionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Position(Record):
    title: str = Field(min_length=1, max_length=200)
    department: str = Field(default="", max_length=200)
    hiring_manager: str = Field(default="", max_length=200)
    status: PositionStatus = PositionStatus.OPEN
    places: int = Field(default=1, ge=1, le=100)
    criteria: list[Criterion] = Field(default_factory=list)

    form_fields = ("title", "department", "hiring_manager", "places", "status")

    @field_validator("criteria", mode="before")
    @classmethod
    def _criteria_as_typed(cls, value: object) -> object:
        """The form's own way of writing them, 'Bookkeeping ×2, Accuracy', from a command
        line or a CSV cell too (there, already cut at the commas)."""
        if isinstance(value, str):
            return criteria_typed(value)
        if isinstance(value, list):
            return [c for item in value for c in (criteria_typed(item) if isinstance(item, str) else [item])]
        return value

    @field_validator("criteria")
    @classmethod
    def _distinct_criteria(cls, value: list[Criterion]) -> list[Criterion]:
        names = [c.name.casefold() for c in value]
        if len(names) != len(set(names)):
            raise ValueError("each criterion needs its own name")
        return value

    def label(self) -> str:
        return self.title


class Stage(StrEnum):
    APPLIED = "applied"
    SCREENING = "screening"
    SHORTLISTED = "shortlisted"
    INTERVIEW = "interview"
    OFFER = "offer"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDREW = "withdrew"


class StageStep(Model):
    at: Moment
    user: str
    stage: Stage
    note: Lines = Field(default="", max_length=5000)


MailLink = Annotated[str, Field(pattern=r"^(mail|hr_mail):[0-9]{1,15}$")]


class Candidate(Record):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=200, title="E-mail")
    phone: str = Field(default="", max_length=40)
    position_id: int = Field(title="Position")
    source: str = Field(default="", max_length=100)
    cv_text: Lines = Field(default="", max_length=50_000, title="CV")
    cv_path: str = Field(default="", max_length=1000, title="CV file")
    stage: Stage = Stage.APPLIED
    reject_reason: Lines = Field(default="", max_length=1000, title="Reason for rejection")
    offer_terms: Lines = Field(default="", max_length=2000, title="Offer terms")  # kept as offered: salary, start…
    scores: dict[str, dict[str, int]] = Field(default_factory=dict)  # reviewer → criterion → 1..5
    history: list[StageStep] = Field(default_factory=list)
    # the messages their CVs came in, "hr_mail:12": an erasure erases them too (data/candidates/traces.py)
    mails: list[MailLink] = Field(default_factory=list, max_length=200)
    erased_at: Moment | None = None  # personal data erased (data/candidates/retention.py); the rest kept for statistics

    form_fields = ("name", "email", "phone", "position_id", "source", "cv_text", "cv_path")

    _phone = field_validator("phone", mode="before")(lambda cls, v: normalise_number(v or ""))
    _email = field_validator("email")(lambda cls, v: check_email(v))

    @field_validator("scores")
    @classmethod
    def _scores(cls, value: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        for by_reviewer in value.values():
            if any(not 1 <= s <= 5 for s in by_reviewer.values()):
                raise ValueError("scores go from 1 to 5")
        return value

    def label(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.stage in (Stage.HIRED, Stage.REJECTED, Stage.WITHDREW)


class InterviewStatus(StrEnum):
    BOOKED = "booked"
    DONE = "done"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class Interview(Record):
    candidate_id: int = Field(title="Candidate")
    start: Moment
    minutes: int = Field(default=45, ge=5, le=480, title="Duration (minutes)")
    interviewers: list[str] = Field(default_factory=list, validate_default=True)
    place: str = Field(default="", max_length=200, title="Room")
    status: InterviewStatus = InterviewStatus.BOOKED
    rating: int | None = Field(default=None, ge=1, le=5)
    feedback: Lines = Field(default="", max_length=5000)
    sequence: int = Field(default=0, ge=0, le=10_000)  # the invitation's SEQUENCE: +1 on every move and on cancelling
    invitation_due: bool = False  # this version of the invitation is still to be mailed

    form_fields = ("candidate_id", "start", "minutes", "interviewers", "place")

    @field_validator("interviewers")
    @classmethod
    def _interviewers(cls, value: list[str]) -> list[str]:
        names: list[str] = []
        for name in (v.strip() for v in value):
            if name and name.casefold() not in (n.casefold() for n in names):
                names.append(name)
        if not names:
            raise ValueError("name at least one interviewer")
        return names

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    def label(self) -> str:
        return f"#{self.id} {local(self.start):%a %d %b %H:%M}"
