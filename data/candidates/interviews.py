"""What HR does to an interview once it is booked — move it, cancel it, mark a no-show — and
what every booking goes through: the panel matched to the staff list, the room to the
office's rooms, the invitation written. A candidate who leaves the pipeline has their
booked interviews cancelled. One transaction each; the invitation's mail goes out after it
(``invitations.mail_due_invitations``), never under the lock."""

from __future__ import annotations

from datetime import datetime

from data.candidates import panel, rules
from data.candidates.invitations import write_invitation
from data.candidates.models import Candidate, Interview, InterviewStatus, Stage
from data.engine.store import Store

ROOMS = "rooms"  # the office's list in Store.lists, from the settings
LEAVING = (Stage.REJECTED, Stage.WITHDREW)


def office_rooms(store: Store) -> list[str]:
    return list(store.lists.get(ROOMS, []))


def current_staff(store: Store) -> list[str]:
    return panel.staff_names(store.repo("employees").list())


def settle_panel_and_room(store: Store, interview: Interview) -> None:
    """Each interviewer typed as the employee meant, the room as the office names it; a
    FieldError names what cannot be matched."""
    interview.interviewers = panel.panel(interview.interviewers, current_staff(store))
    interview.place = panel.room(interview.place, office_rooms(store))


def invite(store: Store, interview: Interview) -> Interview:
    """Write this version of the invitation and mark it to be mailed; call in the transaction."""
    saved = store.repo("interviews").update(interview.id, lambda i: setattr(i, "invitation_due", True))
    write_invitation(store, saved)
    return saved


def move(store: Store, interview_id: int, start: datetime, minutes: int | None = None, place: str | None = None) -> Interview:
    """Another slot (and room), with the checks of a new booking; the invitation's update follows."""

    def change(interview: Interview) -> None:
        rules.check_booked(interview)
        interview.start, interview.minutes = start, minutes or interview.minutes
        interview.place = interview.place if place is None else place
        settle_panel_and_room(store, interview)
        rules.check_booking(interview, store.repo("candidates").get(interview.candidate_id), store.now())
        interview.sequence += 1

    with store.transaction("people"):
        return invite(store, store.repo("interviews").update(interview_id, change))  # check_interviews refuses a clash


def cancel(store: Store, interview_id: int) -> Interview:
    """The slot is free again; the invitation's cancellation follows."""

    def change(interview: Interview) -> None:
        rules.cancel_interview(interview)
        interview.sequence += 1

    with store.transaction("people"):
        return invite(store, store.repo("interviews").update(interview_id, change))


def no_show(store: Store, interview_id: int) -> Interview:
    return store.repo("interviews").update(interview_id, lambda i: rules.mark_no_show(i, store.now()))


def cancel_when_leaving(store: Store, candidate: Candidate) -> Candidate:
    """A rejected or withdrawn candidate's interviews still to come are cancelled, so they
    block nobody's time; call where the stage moves, in its transaction."""
    if candidate.stage in LEAVING:
        for interview in store.repo("interviews").find(candidate_id=candidate.id, status=InterviewStatus.BOOKED):
            if interview.start > store.now():
                cancel(store, interview.id)
    return candidate
