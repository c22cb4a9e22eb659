"""Work the app does by itself, in thread workers: the daily archive run, faxes and mail in
and out, rings from the phone system, callbacks falling due. What it finds comes back as
messages and notices; a failure is said once (see BackOfficeApp.background_work_failed)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual import work

from tui.messages import Rings

if TYPE_CHECKING:
    from data.engine.store import Store
    from tui.settings import Settings

BACKGROUND_WORK = {"archive": "The daily archive run and erasure", "faxes": "Sending and following faxes",
                   "machines": "Reading the machines on the network",
                   "mail": "Fetching and sending mail", "callbacks": "Looking for callbacks falling due"}


class BackgroundWork:
    """Mixed into the app, which has ``store``, ``settings`` and runs the workers."""

    store: Store
    settings: Settings
    _started: datetime
    _rings_shown: set[int]
    _callbacks_seen_until: datetime

    @work(thread=True, exclusive=True, group="archive", exit_on_error=False)
    def archive_once_a_day(self) -> None:
        """The daily housekeeping: candidates' personal data past its retention is erased, then
        closed records past their age move to the archive."""
        from data.candidates.retention import erase_once_a_day
        from data.engine.archive import archive_once_a_day

        erase_once_a_day(self.store, self.store.now(), self.settings.retention_months)
        archive_once_a_day(self.store, self.store.now(), self.settings.archive_after_days)

    @work(thread=True, exclusive=True, group="faxes", exit_on_error=False)
    def work_the_faxes(self) -> None:
        """Faxes queued or due for another try go out, the fax server's jobs are followed and
        received faxes come in, as `backoffice fax run` does. When several sessions run, the
        first to mark a fax as sending sends it; the others skip it."""
        from data.calls.actions import fax_run
        from data.calls.fax_server import FaxServerError

        from tui.settings import DEFAULT_FAX_SERVER

        run = fax_run(self.store, self.settings.fax_command, self.settings.fax_server)
        if run.received:
            self.call_from_thread(self.notify, f"{len(run.received)} fax(es) came in: see Calls › Faxes", timeout=10)  # type: ignore[attr-defined]
        # Nothing listening where a fax server is looked for by default means this office has
        # none on this machine: no trouble to report in every session.
        problems = run.said(unreachable_too=self.settings.fax_server != DEFAULT_FAX_SERVER)
        if problems:
            raise FaxServerError("; ".join(problems))

    @work(thread=True, exclusive=True, group="machines", exit_on_error=False)
    def poll_the_machines(self) -> None:
        """Counters, toner and state of the machines with an SNMP or IPP address, as `backoffice
        machines poll` reads them; a machine another session just polled is left alone. A
        machine that does not answer (switched off for the night) is said on the board, not
        in a dialog."""
        from datetime import timedelta

        from data.machines.polling import poll_machines

        within = timedelta(minutes=self.settings.poll_minutes * 0.9)
        poll_machines(self.store, self.settings.snmp_access(), unless_polled_within=within)

    @work(thread=True, exclusive=True, group="mail", exit_on_error=False)
    def work_the_mail(self) -> None:
        """New mail comes in and queued mail goes out while the app is open; a mailbox whose
        server cannot be reached is said once, and the others are still worked."""
        from data.candidates.invitations import mail_due_invitations
        from data.mail.actions import fetch_all, send_due_mail
        from data.mail.servers import MailServerError

        boxes = self.settings.mailboxes()
        problems = [str(outcome) for outcome in fetch_all(self.store, boxes) if isinstance(outcome, Exception)]
        send_due_mail(self.store, boxes)
        mail_due_invitations(self.store, boxes)
        if problems:
            raise MailServerError("; ".join(problems))

    @work(thread=True, exclusive=True, group="rings", exit_on_error=False)
    def look_for_rings(self) -> None:
        from data.calls.views import rings_for

        me = {self.store.user, self.settings.extension}
        rings = [c for c in rings_for(self.store.repo("calls").find(status="callback"), me, self._started)
                 if c.id not in self._rings_shown]
        if rings:
            self.post_message(Rings(rings))  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="callbacks", exit_on_error=False)
    def say_callbacks_due(self) -> None:
        """Each callback that fell due since the last look, said once in a notice."""
        from data.calls.views import callbacks_falling_due

        now = self.store.now()
        due = callbacks_falling_due(self.store.repo("calls").find(status="callback"), self._callbacks_seen_until, now)
        self._callbacks_seen_until = now
        for call in due:
            who = f" for {call.for_whom}" if call.for_whom else ""
            self.call_from_thread(self.notify, f"Callback due now: {call.caller}{who}", severity="warning", timeout=20)  # type: ignore[attr-defined]
