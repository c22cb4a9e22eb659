"""The one way a screen gets work done.

A screen asks with ``run_job(work, Reply)``. The work — a call into the data layer — runs in
a thread worker and touches no widget. What it returns comes back as a typed message (the
``Reply`` class the screen named, handled with ``@on``); a failure comes back as
``JobFailed``, which one handler turns into a dialog, with the screen and everything typed
in it left as it was. A form turns a refused value into a line under its field instead.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual import on
from textual.message import Message
from textual.screen import Screen

from data.engine.errors import DataError


class Reply(Message):
    """What a piece of work came back with; subclass it to name what it is."""

    def __init__(self, result: Any) -> None:
        super().__init__()
        self.result = result


class Done(Reply):
    """A change to the office went through: say so, and show it."""

    def __init__(self, result: Any, notice: str = "") -> None:
        super().__init__(result)
        self.notice = notice


class JobFailed(Message):
    """The work raised ``error``; ``group`` says what kind of work it was ("load", "jobs")."""

    def __init__(self, error: Exception, group: str) -> None:
        super().__init__()
        self.error = error
        self.group = group


def describe(error: Exception) -> str:
    """A failure as a sentence: the data layer's own words, else the kind of error."""
    return str(error) if isinstance(error, DataError) else f"{type(error).__name__}: {error}"


class JobScreen(Screen):
    """A screen or dialog that gets its work done through ``run_job``. A dialog names it
    after ``Dialog`` (``class Form(Dialog[T], JobScreen)``): Textual styles a widget by its
    first base classes only."""

    def run_job(
        self,
        work: Callable[[], Any],
        reply: Callable[[Any], Message] | None = None,
        *,
        notice: str = "",
        group: str = "jobs",
        exclusive: bool = False,
    ) -> None:
        """Run ``work`` in a thread; its result comes back as ``reply(result)`` (by default
        ``Done``, with ``notice`` to say), a failure as ``JobFailed``. With ``exclusive``, a
        newer job of the same group cancels one still waiting."""
        answer = reply or partial(Done, notice=notice)
        self.run_worker(partial(self._work, work, answer, group), thread=True, group=group,
                        exclusive=exclusive, exit_on_error=False)

    def _work(self, work: Callable[[], Any], reply: Callable[[Any], Message], group: str) -> None:
        """In the worker's thread: no widget is touched here, only messages are posted."""
        try:
            result = work()
        except Exception as error:  # every failure becomes a sentence on screen, never a traceback
            self.post_message(JobFailed(error, group))
        else:
            self.post_message(reply(result))

    @on(JobFailed)
    def job_failed(self, message: JobFailed) -> None:
        message.stop()
        self.failed(message.error, message.group)

    def failed(self, error: Exception, group: str) -> None:
        """Say what went wrong in one dialog over this screen."""
        from tui.widgets.dialogs import ErrorModal

        self.app.push_screen(ErrorModal(describe(error), title="Not done"))

    @on(Done)
    def job_done(self, message: Done) -> None:
        message.stop()
        if message.notice:
            self.notify(message.notice, timeout=3)
        self.changed(message.result)

    def changed(self, result: Any) -> None:
        """A change went through; a section shows it again."""
