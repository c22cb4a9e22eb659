"""The base of every stored shape (DESIGN §2), and the one gate every value passes on its way in.

A value that comes from a person or from outside — a form, the command line, an import, a
mail server, a fax server, a phone system — is validated by a model, so the model is where
text with control characters and numbers that are not finite or not sane are refused, with
the field named. Records read back from the data files are validated with ``STORED`` as
context: what is on disk is shown (made visible), never refused, so one hand-edited record
cannot hide the rest.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from data.engine.clock import as_utc
from data.engine.text import control_problem, normalise_line_ends

SYSTEM_FIELDS = ("rev", "created_at", "updated_at", "updated_by")
STORED = {"stored": True}  # validation context of records read from a data file
LARGEST_NUMBER = 2**53  # exact in JSON and in every spreadsheet; far past any real count
TOO_LARGE = f"Give a number of at most {LARGEST_NUMBER:,}."


class Paragraphs:
    """Marks a text field that holds paragraphs: line breaks and tabs are allowed in it,
    and a form gives it a text area."""

    def __repr__(self) -> str:
        return "Paragraphs()"


def line_ends_normalised(value: Any) -> Any:
    return normalise_line_ends(value) if isinstance(value, str) else value


PARAGRAPHS = Paragraphs()
# On the type, not a validator of every field: a call per paragraph field, not one per field.
Lines = Annotated[str, PARAGRAPHS, BeforeValidator(line_ends_normalised)]
Moment = Annotated[datetime, AfterValidator(as_utc)]  # see data/engine/clock.py


def holds_paragraphs(model: type[BaseModel], name: str) -> bool:
    return any(isinstance(m, Paragraphs) for m in model.model_fields[name].metadata)


class Model(BaseModel):
    """Every stored shape, nested ones included: no unknown fields, no control characters
    in text, no infinite or absurd numbers."""

    # defer_build: a model's validator is built when first used, so a process builds only
    # those it needs (the dashboard 9 of the 26). Thread-safe from pydantic 2.14.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True, allow_inf_nan=False,
                              defer_build=True)

    _paragraph_fields: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._paragraph_fields = frozenset(name for name in cls.model_fields if holds_paragraphs(cls, name))

    @field_validator("*", mode="after")
    @classmethod
    def _plain_and_sane(cls, value: Any, info: ValidationInfo) -> Any:
        if info.context and info.context.get("stored"):
            if unwritable_number(value):  # no file holds one: it was typed into a stored record
                raise ValueError(TOO_LARGE)
            return value
        problem = first_problem(value, multiline=info.field_name in cls._paragraph_fields)
        if problem:
            raise ValueError(problem)
        return value


def first_problem(value: Any, *, multiline: bool) -> str | None:
    """What makes a value unfit to store, looking inside lists and dicts."""
    if isinstance(value, str):
        return control_problem(value, multiline=multiline)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > LARGEST_NUMBER:
        return TOO_LARGE  # a field without a bound of its own: past it, the file could not even be written
    if isinstance(value, (list, tuple, set, frozenset)):
        return next((p for item in value if (p := first_problem(item, multiline=multiline))), None)
    if isinstance(value, dict):
        for key, item in value.items():
            problem = first_problem(key, multiline=False) or first_problem(item, multiline=multiline)
            if problem:
                return problem
    return None


def unwritable_number(value: Any) -> bool:
    """A whole number the data files cannot hold (JSON as orjson writes it: 64 bits)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return not -(2**63) <= value < 2**64
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(unwritable_number(item) for item in value)
    if isinstance(value, dict):
        return any(unwritable_number(k) or unwritable_number(v) for k, v in value.items())
    return False


class Record(Model):
    """A document of a collection. ``id`` is TinyDB's doc_id and is not stored in the body."""

    id: int | None = Field(default=None, exclude=True)
    rev: int = 0
    created_at: Moment | None = None
    updated_at: Moment | None = None
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


class Voidable:
    """A record put right by voiding it, never by editing it away: it stays in the history
    with why, who and when, and leaves every figure. The model declares ``void_reason``,
    ``voided_by`` and ``voided_at`` where its columns should go (pydantic would put a
    mixin's fields before all the others)."""

    if TYPE_CHECKING:  # the model's own fields: annotations here would become fields of every model
        void_reason: str
        voided_by: str
        voided_at: Any

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    def void(self, reason: str, by: str, at: Any) -> None:
        self.void_reason, self.voided_by, self.voided_at = reason.strip(), by, at


BOUNDS = {"less_than_equal": "of at most", "less_than": "below", "greater_than_equal": "of at least", "greater_than": "above"}
NUMBER_ERRORS = frozenset({*BOUNDS, "int_parsing_size"})  # said in words of our own, naming the bound


def number_words(bound: object) -> str:
    """A bound as people read it: 1,000,000; 0.5."""
    if isinstance(bound, int) or (isinstance(bound, float) and bound.is_integer()):
        return f"{int(bound):,}"
    return str(bound)


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
    if kind == "int_parsing_size":  # thousands of digits
        return TOO_LARGE
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "not a whole number"
    if kind == "finite_number":
        return "not a finite number"
    if kind in ("float_parsing", "float_type", "decimal_parsing"):
        return "not a number"
    if kind in BOUNDS:
        return f"Give a number {BOUNDS[kind]} {number_words(next(iter(context.values())))}."
    if str(detail.get("msg", "")).startswith("Input should"):
        return wrong_kind(kind, context)
    return str(detail.get("msg", "not valid")).removeprefix("Value error, ")


KINDS = {"string_type": "text", "list_type": "a list, its items separated by commas",
         "dict_type": "names with values, written as JSON ({\"name\": value})",
         "bool_parsing": "yes or no", "bool_type": "yes or no", "missing_argument": "a value"}


def wrong_kind(kind: str, context: dict) -> str:
    """What a field takes, for a value of the wrong kind: pydantic's own words ('Input should
    be a valid dictionary or instance of Criterion') are for programmers."""
    if kind in ("enum", "literal_error") and context.get("expected"):
        return f"expected one of {context['expected']}"
    if kind in ("model_type", "model_attributes_type", "dataclass_type") and context.get("class_name"):
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", str(context["class_name"])).lower()
        return f"not a {words}: write it as the app's form does"
    return f"expected {KINDS.get(kind, 'a value of another kind')}"
