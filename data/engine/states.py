"""The one shape of every status rule: which status may follow which, and the sentence a
person reads when a move is not allowed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from data.engine.errors import RuleError

S = TypeVar("S", bound=StrEnum)


def words(status: StrEnum) -> str:
    """A status as a person says it: ``passed_on`` → "passed on"."""
    return str(status.value).replace("_", " ")


@dataclass(frozen=True)
class Moves(Generic[S]):
    """The moves of one status field: ``allowed[now]`` is where a record may go next, and
    ``refusal(record, to)`` says in words why it may not go to ``to``."""

    allowed: Mapping[S, frozenset[S]]
    refusal: Callable[[Any, S], str]
    field: str = "status"

    def can(self, record: Any, to: S) -> bool:
        return to in self.allowed[getattr(record, self.field)]

    def check(self, record: Any, to: S) -> None:
        if not self.can(record, to):
            raise RuleError(self.refusal(record, to))

    def move(self, record: Any, to: S) -> None:
        """Move ``record`` to ``to``, or RuleError with the sentence."""
        self.check(record, to)
        setattr(record, self.field, to)
