"""Sending a fax through the fax server's command (HylaFAX's ``sendfax`` by default).

The command template is split like a shell would and then filled in, so no shell ever sees
a number or a file name: each is always one argument, however it is spelt.

The contract a fax command keeps (README, "Faxes"): exit 0 when the fax server took the fax,
and print ``request id is N`` (as ``sendfax`` does) so that job N is followed at the server
until it is sent or given up; a command that prints no job id is taken to have sent the fax
before it exits. Any other exit status is a failed try, its output the reason.

Each try's job carries a tag (``{tag}``; sendfax is given ``-i {tag}`` unless its template sets
``-i``), so that a try cut short — the session killed, the command stopped at its time
limit — is found at the fax server before the fax is queued again.
"""

from __future__ import annotations

import random
import re
import shlex
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from data.calls.models import Fax
from data.calls.rules import SEND_TIMEOUT, job_tag
from data.engine.errors import RuleError
from data.engine.text import visible

PLACEHOLDERS = ("number", "file", "recipient", "company", "cover_note", "max_tries", "server", "tag")
JOB_ID = re.compile(r"request id is (\w+)")
SENDFAX = "sendfax"  # HylaFAX's command: it hands the fax to the fax server and is done
HANDOVER_TIMEOUT = 60  # seconds sendfax may take: handing a job over is one short exchange with the server
Runner = Callable[..., subprocess.CompletedProcess]


class Outcome:
    """What running the command came to: sent, or a problem and whether to try again."""

    def __init__(self, problem: str = "", retry: bool = True, job: str = "", unknown: bool = False) -> None:
        self.problem = problem
        self.retry = retry
        self.job = job  # the fax server's job id: taken, not yet sent
        self.unknown = unknown  # stopped before it said whether the fax server took the fax

    @property
    def sent(self) -> bool:
        return not self.problem


def split_template(template: str) -> list[str]:
    """The command template's words; RuleError when it cannot be used."""
    try:
        words = shlex.split(template)
        for word in words:
            word.format(**{name: "" for name in PLACEHOLDERS})
    except (ValueError, KeyError, IndexError) as error:
        raise RuleError(
            f"The fax command {template!r} cannot be used ({error}); "
            "write it like: sendfax -n -d {number} {file}"
        ) from error
    if not words:
        raise RuleError("No fax command is set up: send the fax on the machine and mark it sent by hand.")
    return words


def fax_command(template: str, fax: Fax, server: str = "") -> list[str]:
    values = {
        "number": fax.fax_number, "file": str(Path(fax.document).expanduser()),
        # sendfax reads "name@number": an @ in the name would move the number
        "recipient": re.sub(r"\s*@\s*", " at ", fax.recipient), "company": fax.company, "cover_note": fax.cover_note,
        "max_tries": str(fax.max_tries), "server": server or "localhost", "tag": job_tag(fax),
    }
    return [part.format(**values) for part in with_tag(split_template(template))]


def is_sendfax(words: list[str]) -> bool:
    return Path(words[0]).name == SENDFAX


def with_tag(words: list[str]) -> list[str]:
    """sendfax is given the try's tag (-i) unless its template gives a tag itself."""
    if is_sendfax(words) and "-i" not in words and not any("{tag}" in word for word in words):
        return [words[0], "-i", "{tag}", *words[1:]]
    return words


def tags_jobs(words: list[str]) -> bool:
    """The command gives each try's job its tag: a try cut short can be found at the server."""
    return any("{tag}" in word for word in with_tag(words))


def time_limit(words: list[str]) -> int:
    """sendfax only hands the fax over; another command may send it itself, and take minutes."""
    return HANDOVER_TIMEOUT if is_sendfax(words) else SEND_TIMEOUT


# hfaxd refuses a new job while another client is taking a job number ("503 Unable to open
# sequence number file sendq/seqf; File exists"): two sessions sending at the same moment.
SERVER_BUSY = "sequence number file"
BUSY_PAUSES = (0.2, 0.5, 1.0)  # seconds, before each new try while the server says so


def run_fax_command(template: str, fax: Fax, run: Runner = subprocess.run, server: str = "") -> Outcome:
    """Run the fax command once, and again after a pause while the server is busy numbering
    another client's job: a moment's contention, not a failed try of the fax."""
    outcome = run_once(template, fax, run, server)
    for pause in BUSY_PAUSES:
        if SERVER_BUSY not in outcome.problem:
            break
        time.sleep(pause * random.uniform(1, 2))  # two sessions that collided do not collide again
        outcome = run_once(template, fax, run, server)
    return outcome


def run_once(template: str, fax: Fax, run: Runner, server: str) -> Outcome:
    limit = time_limit(split_template(template))
    try:
        result = run(fax_command(template, fax, server), capture_output=True, text=True, timeout=limit)
    except OSError as error:  # the command is missing or may not be run: retrying will not help
        problem = f"command not found: {error.filename}" if isinstance(error, FileNotFoundError) else str(error)
        return Outcome(problem, retry=False)
    except subprocess.TimeoutExpired:
        return Outcome(f"no answer within {limit} s", unknown=True)
    if result.returncode == 0:
        job = JOB_ID.search(result.stdout or "")
        return Outcome(job=job.group(1) if job else "")
    said = result.stderr or result.stdout or f"exit status {result.returncode}"
    return Outcome(visible(said))  # the server's words, stored as text that drives no terminal
