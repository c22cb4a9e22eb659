"""Hiring rules: scores, stages, interviews without clashes, hire, the agenda, CSV import."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from data.agenda import build_agenda
from data.candidates.actions import (
    book_interview,
    give_feedback,
    hire,
    make_offer,
    reconsider,
    reject,
    reschedule,
    screen,
    set_score,
    shortlist,
    withdraw,
)
from data.candidates.models import Candidate, Criterion, Interview, InterviewStatus, Position, PositionStatus, Stage
from data.candidates.rules import SkipsSteps, find_clash, interviews_on, mark_no_show, move_stage, ranked, weighted_score
from data.candidates.views import candidates_by_score, compare
from data.demo import build_demo
from data.engine.errors import FieldError, RuleError
from data.staff.models import EmploymentStatus
from tui.cli import main

CRITERIA = [Criterion(name="Experience", weight=3), Criterion(name="Phone manner", weight=1), Criterion(name="Excel", weight=2)]


@pytest.fixture
def position(store):
    return store.repo("positions").add(Position(
        title="Accounts Clerk", department="Accounts", hiring_manager="Tom Baines", places=2, criteria=CRITERIA,
    ))


def add_candidate(store, position, name="Ann Lee", stage=Stage.APPLIED, **fields) -> Candidate:
    return store.repo("candidates").add(Candidate(name=name, position_id=position.id, stage=stage, **fields))


def candidate(stage: Stage = Stage.APPLIED, **scores) -> Candidate:
    return Candidate(name="Ann Lee", position_id=1, stage=stage, scores=scores)


# -- scores ------------------------------------------------------------------------------


def test_weighted_score_averages_each_criterion_over_the_reviewers_who_scored_it():
    ann = candidate(
        grace={"Experience": 4, "Phone manner": 2},
        tom={"Experience": 2, "Excel": 5},
        harriet={"Phone manner": 4},
    )
    # Experience (4+2)/2 = 3 weighs 3; Phone manner (2+4)/2 = 3 weighs 1; Excel 5 weighs 2.
    assert weighted_score(ann, CRITERIA) == pytest.approx((3 * 3 + 3 * 1 + 5 * 2) / 6)


def test_a_criterion_nobody_scored_does_not_pull_the_score_down():
    ann = candidate(grace={"Experience": 4}, tom={"Experience": 5})
    assert weighted_score(ann, CRITERIA) == pytest.approx(4.5)


def test_no_score_at_all_is_none_not_zero():
    assert weighted_score(candidate(), CRITERIA) is None
    assert weighted_score(candidate(grace={"Typing": 5}), CRITERIA) is None  # not a criterion of this position


def test_ranking_puts_the_best_first_and_the_unscored_last():
    best = candidate(grace={"Experience": 5}).model_copy(update={"name": "Best"})
    weak = candidate(grace={"Experience": 2}).model_copy(update={"name": "Weak"})
    unscored = candidate().model_copy(update={"name": "Aaron Unscored"})
    assert [c.name for c in ranked([unscored, weak, best], CRITERIA)] == ["Best", "Weak", "Aaron Unscored"]


def test_compare_two_candidates_criterion_by_criterion():
    ann = candidate(grace={"Experience": 4, "Excel": 2}, tom={"Experience": 2})
    bob = candidate(grace={"Experience": 3, "Excel": 5})
    comparison = compare(ann, bob, CRITERIA)
    rows = {row.criterion: row for row in comparison.rows}
    assert [row.criterion for row in comparison.rows] == ["Experience", "Phone manner", "Excel"]
    assert (rows["Experience"].first, rows["Experience"].second, rows["Experience"].leader) == (3, 3, None)
    assert (rows["Excel"].first, rows["Excel"].second, rows["Excel"].leader) == (2, 5, 1)
    assert rows["Phone manner"].first is None and rows["Phone manner"].leader is None
    assert comparison.first_score == weighted_score(ann, CRITERIA)
    assert comparison.second_score > comparison.first_score


def test_scoring_as_the_user_replaces_only_their_own_score(store, position):
    ann = add_candidate(store, position, scores={"tom": {"Excel": 2}})
    set_score(store, ann.id, "Excel", 3)
    set_score(store, ann.id, "Excel", 5)
    assert store.repo("candidates").get(ann.id).scores == {"tom": {"Excel": 2}, "tester": {"Excel": 5}}


def test_scoring_refuses_unknown_criteria_and_values_outside_one_to_five(store, position):
    ann = add_candidate(store, position)
    with pytest.raises(FieldError, match="'Typing' is not a criterion of Accounts Clerk"):
        set_score(store, ann.id, "Typing", 4)
    with pytest.raises(FieldError, match="1 to 5"):
        set_score(store, ann.id, "Excel", 6)
    assert store.repo("candidates").get(ann.id).scores == {}


def test_the_triage_list_of_a_position_is_sorted_by_weighted_score(store, position):
    add_candidate(store, position, "Low", scores={"grace": {"Experience": 2}})
    add_candidate(store, position, "High", scores={"grace": {"Experience": 5}, "tom": {"Experience": 4}})
    add_candidate(store, position, "None yet")
    listed = candidates_by_score(store, position.id)
    assert [(c.name, s) for c, s in listed] == [("High", 4.5), ("Low", 2.0), ("None yet", None)]


# -- stages ------------------------------------------------------------------------------

ALLOWED = {
    (Stage.APPLIED, Stage.SCREENING), (Stage.APPLIED, Stage.SHORTLISTED), (Stage.APPLIED, Stage.REJECTED), (Stage.APPLIED, Stage.WITHDREW),
    (Stage.SCREENING, Stage.SHORTLISTED), (Stage.SCREENING, Stage.REJECTED), (Stage.SCREENING, Stage.WITHDREW),
    (Stage.SHORTLISTED, Stage.INTERVIEW), (Stage.SHORTLISTED, Stage.REJECTED), (Stage.SHORTLISTED, Stage.WITHDREW),
    (Stage.INTERVIEW, Stage.OFFER), (Stage.INTERVIEW, Stage.REJECTED), (Stage.INTERVIEW, Stage.WITHDREW),
    (Stage.OFFER, Stage.HIRED), (Stage.OFFER, Stage.REJECTED), (Stage.OFFER, Stage.WITHDREW),
    (Stage.REJECTED, Stage.SCREENING),
}
NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(("start", "to"), sorted(ALLOWED))
def test_an_allowed_stage_move_is_made_and_written_in_the_history(start, to):
    ann = candidate(start)
    move_stage(ann, to, "grace", NOW, note="has the experience" if to != Stage.REJECTED else "no bookkeeping")
    assert ann.stage == to
    assert (ann.history[-1].stage, ann.history[-1].user, ann.history[-1].at) == (to, "grace", NOW)


@pytest.mark.parametrize(("start", "to"), [pair for pair in itertools.product(Stage, Stage) if pair not in ALLOWED])
def test_every_other_stage_move_is_refused_with_a_sentence(start, to):
    ann = candidate(start)
    with pytest.raises(RuleError, match="Ann Lee") as refused:
        move_stage(ann, to, "grace", NOW, note="because")
    assert str(refused.value).endswith(".")
    assert ann.stage == start and ann.history == []


def test_hiring_straight_from_applied_says_an_offer_comes_first():
    with pytest.raises(RuleError, match="cannot be hired without an offer first"):
        move_stage(candidate(Stage.INTERVIEW), Stage.HIRED, "grace", NOW)


def test_a_rejection_needs_a_reason_on_the_reason_field():
    ann = candidate(Stage.SCREENING)
    with pytest.raises(FieldError) as refused:
        move_stage(ann, Stage.REJECTED, "grace", NOW, note="   ")
    assert refused.value.field == "reject_reason"
    assert ann.stage == Stage.SCREENING


def test_reconsidering_a_rejected_candidate_clears_the_old_reason():
    ann = candidate(Stage.SCREENING)
    move_stage(ann, Stage.REJECTED, "grace", NOW, note="no licence")
    assert ann.reject_reason == "no licence"
    move_stage(ann, Stage.SCREENING, "grace", NOW + timedelta(days=1), note="has passed the test since")
    assert (ann.stage, ann.reject_reason) == (Stage.SCREENING, "")


def test_shortlist_and_reject_are_stored_with_who_and_when(store, position, clock):
    ann = add_candidate(store, position, "Ann")
    bob = add_candidate(store, position, "Bob")
    shortlist(store, ann.id, sure=True)
    clock.now += timedelta(minutes=5)
    reject(store, bob.id, "No experience with Sage")
    ann, bob = store.repo("candidates").get(ann.id), store.repo("candidates").get(bob.id)
    assert ann.stage == Stage.SHORTLISTED and ann.history[-1].user == "tester"
    assert (bob.stage, bob.reject_reason, bob.history[-1].at) == (Stage.REJECTED, "No experience with Sage", clock.now)


def test_a_reject_without_reason_writes_nothing(store, position):
    ann = add_candidate(store, position)
    with pytest.raises(FieldError):
        reject(store, ann.id, "")
    stored = store.repo("candidates").get(ann.id)
    assert (stored.stage, stored.rev) == (Stage.APPLIED, ann.rev)


# -- interviews --------------------------------------------------------------------------

TEN = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


def booked(store, position, name, start, interviewers, minutes=45) -> Interview:
    person = add_candidate(store, position, name, Stage.SHORTLISTED)
    return book_interview(store, Interview(candidate_id=person.id, start=start, minutes=minutes, interviewers=interviewers))


def test_booking_moves_a_shortlisted_candidate_to_interview(store, position):
    interview = booked(store, position, "Ann", TEN, ["Grace Okafor"])
    ann = store.repo("candidates").get(interview.candidate_id)
    assert ann.stage == Stage.INTERVIEW
    assert store.repo("interviews").get(interview.id).status == InterviewStatus.BOOKED


def test_an_interviewer_cannot_be_in_two_interviews_at_once(store, position):
    booked(store, position, "Ann Lee", TEN, ["Grace Okafor", "Tom Baines"])
    with pytest.raises(FieldError) as refused:
        booked(store, position, "Bob Ray", TEN + timedelta(minutes=30), ["tom baines"])
    assert refused.value.field == "start"
    assert str(refused.value) == "Tom Baines is already interviewing Ann Lee Tue 10 Mar 10:00–10:45."
    assert store.repo("interviews").count() == 1


def test_a_candidate_cannot_be_in_two_interviews_at_once(store, position):
    first = booked(store, position, "Ann Lee", TEN, ["Grace Okafor"], minutes=60)
    with pytest.raises(FieldError, match="Ann Lee already has an interview Tue 10 Mar 10:00–11:00 with Grace Okafor"):
        book_interview(store, Interview(candidate_id=first.candidate_id, start=TEN + timedelta(minutes=15), interviewers=["Tom Baines"]))


def test_back_to_back_interviews_are_allowed(store, position):
    booked(store, position, "Ann", TEN, ["Grace Okafor"], minutes=45)
    booked(store, position, "Bob", TEN + timedelta(minutes=45), ["Grace Okafor"])
    booked(store, position, "Cem", TEN - timedelta(minutes=30), ["Grace Okafor"], minutes=30)
    assert [i.start.strftime("%H:%M") for i in interviews_on(store.repo("interviews").list(), TEN.date())] == ["09:30", "10:00", "10:45"]


def test_a_cancelled_interview_frees_its_slot(store, position):
    first = booked(store, position, "Ann", TEN, ["Grace Okafor"])
    store.repo("interviews").update(first.id, lambda i: setattr(i, "status", InterviewStatus.CANCELLED))
    assert booked(store, position, "Bob", TEN, ["Grace Okafor"]).id is not None


def test_a_clash_is_refused_however_the_interview_is_written(store, position):
    ann = booked(store, position, "Ann Lee", TEN, ["Grace Okafor"])
    bob = add_candidate(store, position, "Bob Ray", Stage.INTERVIEW)
    with pytest.raises(FieldError, match="Grace Okafor is already interviewing Ann Lee"):
        store.repo("interviews").add(Interview(candidate_id=bob.id, start=TEN, interviewers=["Grace Okafor"]))
    same_batch = [Interview(candidate_id=bob.id, start=TEN + timedelta(hours=3), interviewers=[name]) for name in ("Tom", "Harriet")]
    with pytest.raises(FieldError, match="Bob Ray already has an interview"):
        store.repo("interviews").add_many(same_batch)
    assert [i.id for i in store.repo("interviews").list()] == [ann.id]


def test_clash_check_ignores_the_interview_itself():
    interview = Interview(id=4, candidate_id=1, start=TEN, interviewers=["Grace"])
    assert find_clash(interview, [interview], {1: "Ann"}) is None


def test_booking_refuses_a_past_slot_and_a_candidate_not_shortlisted(store, position, clock):
    clock.now = TEN
    ann = add_candidate(store, position, "Ann", Stage.SCREENING)
    with pytest.raises(RuleError, match="Ann is at the screening stage"):
        book_interview(store, Interview(candidate_id=ann.id, start=TEN + timedelta(hours=1), interviewers=["Grace"]))
    store.repo("candidates").update(ann.id, lambda c: setattr(c, "stage", Stage.SHORTLISTED))
    with pytest.raises(FieldError, match="has passed"):
        book_interview(store, Interview(candidate_id=ann.id, start=TEN - timedelta(minutes=1), interviewers=["Grace"]))
    assert store.repo("interviews").count() == 0


def test_an_interview_needs_an_interviewer():
    with pytest.raises(ValidationError, match="at least one interviewer"):
        Interview(candidate_id=1, start=TEN, interviewers=[" ", ""])


def test_rescheduling_into_a_clash_is_refused_and_into_a_free_slot_works(store, position):
    booked(store, position, "Ann Lee", TEN, ["Grace Okafor"])
    bob = booked(store, position, "Bob", TEN + timedelta(hours=2), ["Grace Okafor"])
    with pytest.raises(FieldError, match="Grace Okafor is already interviewing Ann Lee"):
        reschedule(store, bob.id, TEN + timedelta(minutes=20))
    moved = reschedule(store, bob.id, TEN + timedelta(minutes=45), minutes=30)
    assert (moved.start, moved.end) == (TEN + timedelta(minutes=45), TEN + timedelta(minutes=75))


def test_feedback_and_rating_come_after_the_interview(store, position, clock):
    interview = booked(store, position, "Ann", TEN, ["Grace Okafor"])
    with pytest.raises(RuleError, match="Feedback comes after the interview"):
        give_feedback(store, interview.id, 4, "Good")
    clock.now = interview.end
    with pytest.raises(FieldError, match="1 to 5"):
        give_feedback(store, interview.id, 0, "Good")
    done = give_feedback(store, interview.id, 4, "Clear answers, strong Excel.")
    assert (done.status, done.rating, done.feedback) == (InterviewStatus.DONE, 4, "Clear answers, strong Excel.")


def test_no_show_only_once_the_interview_has_started():
    interview = Interview(candidate_id=1, start=TEN, interviewers=["Grace"])
    with pytest.raises(RuleError, match="nobody can miss it yet"):
        mark_no_show(interview, TEN - timedelta(minutes=1))
    mark_no_show(interview, TEN + timedelta(minutes=10))
    assert interview.status == InterviewStatus.NO_SHOW


def test_todays_interviews_leave_out_other_days_and_cancelled_ones():
    today = Interview(candidate_id=1, start=TEN + timedelta(hours=3), interviewers=["Grace"])
    earlier = Interview(candidate_id=2, start=TEN, interviewers=["Grace"], status=InterviewStatus.DONE)
    cancelled = Interview(candidate_id=3, start=TEN, interviewers=["Tom"], status=InterviewStatus.CANCELLED)
    tomorrow = Interview(candidate_id=4, start=TEN + timedelta(days=1), interviewers=["Grace"])
    assert interviews_on([today, cancelled, tomorrow, earlier], TEN.date()) == [earlier, today]


# -- offer and hire ------------------------------------------------------------------------


def test_hiring_makes_the_employee_from_the_candidate_and_closes_the_full_position(store, position):
    first = add_candidate(store, position, "Ann Lee", Stage.INTERVIEW, email="ann@example.com", phone="07700 900123")
    second = add_candidate(store, position, "Bob Ray", Stage.OFFER)
    make_offer(store, first.id, sure=True)

    employee = hire(store, first.id, date(2026, 4, 1))
    assert (employee.name, employee.email, employee.phone) == ("Ann Lee", "ann@example.com", "+447700900123")
    assert (employee.role, employee.department, employee.manager) == ("Accounts Clerk", "Accounts", "Tom Baines")
    assert (employee.start_date, employee.candidate_id, employee.status) == (date(2026, 4, 1), first.id, EmploymentStatus.ACTIVE)
    assert store.repo("candidates").get(first.id).stage == Stage.HIRED
    assert store.repo("positions").get(position.id).status == PositionStatus.OPEN  # one of two places left

    hire(store, second.id, date(2026, 4, 1), role="Senior Accounts Clerk")
    assert store.repo("positions").get(position.id).status == PositionStatus.CLOSED
    assert [e.role for e in store.repo("employees").list()] == ["Accounts Clerk", "Senior Accounts Clerk"]


def test_hiring_without_an_offer_is_refused_and_creates_no_employee(store, position):
    ann = add_candidate(store, position, "Ann Lee", Stage.INTERVIEW)
    with pytest.raises(RuleError, match="without an offer"):
        hire(store, ann.id, date(2026, 4, 1))
    assert store.repo("employees").count() == 0
    assert store.repo("candidates").get(ann.id).stage == Stage.INTERVIEW


def test_a_criterion_renamed_in_place_keeps_its_scores(store, position):
    from data.candidates.actions import save_opening

    ann = add_candidate(store, position, "Ann Lee")
    first, second = (c.name for c in position.criteria[:2])
    set_score(store, ann.id, first, 4)
    set_score(store, ann.id, second, 2)
    edited = position.model_copy(update={"criteria": [Criterion(name="Book-keeping", weight=c.weight) if c.name == first else c
                                                      for c in position.criteria]})
    save_opening(store, edited, {"criteria"})
    assert store.repo("candidates").get(ann.id).scores["tester"] == {"Book-keeping": 4, second: 2}


def test_no_hire_beyond_the_places_of_an_opening_nor_on_a_closed_one(store, position):
    store.repo("positions").update(position.id, lambda p: setattr(p, "places", 1))
    ann = add_candidate(store, position, "Ann Lee", Stage.OFFER)
    bob = add_candidate(store, position, "Bob Ray", Stage.OFFER)
    hire(store, ann.id, date(2026, 4, 1))
    with pytest.raises(RuleError, match="is closed; reopen it"):
        hire(store, bob.id, date(2026, 4, 1))
    store.repo("positions").update(position.id, lambda p: setattr(p, "status", PositionStatus.OPEN))
    with pytest.raises(RuleError, match="has 1 place, all filled"):
        hire(store, bob.id, date(2026, 4, 1))
    assert (store.repo("employees").count(), store.repo("candidates").get(bob.id).stage) == (1, Stage.OFFER)


def test_a_move_that_skips_a_step_is_asked_about_and_an_offer_keeps_its_terms(store, position, clock):
    ann = add_candidate(store, position, "Ann Lee")
    with pytest.raises(SkipsSteps, match="Ann Lee would skip screening."):
        shortlist(store, ann.id)
    screen(store, ann.id)
    shortlist(store, ann.id)
    interview = book_interview(store, Interview(candidate_id=ann.id, start=clock.now + timedelta(days=1), interviewers=["Grace"]))
    with pytest.raises(SkipsSteps, match=r"Ann Lee has not been interviewed yet \(one is booked .*\)\."):
        make_offer(store, ann.id, "£24,000, starting 1 April")
    clock.now += timedelta(days=1, hours=1)
    give_feedback(store, interview.id, 4, "good")
    offered = make_offer(store, ann.id, "£24,000, starting 1 April")
    assert (offered.stage, offered.offer_terms) == (Stage.OFFER, "£24,000, starting 1 April")


def test_withdrew_and_reconsidered_by_the_actions_the_keys_use(store, position):
    ann, bob = add_candidate(store, position, "Ann Lee"), add_candidate(store, position, "Bob Ray")
    assert withdraw(store, ann.id, "took another job").stage == Stage.WITHDREW
    reject(store, bob.id, "no licence")
    back = reconsider(store, bob.id)
    assert (back.stage, back.reject_reason, back.history[-1].note) == (Stage.SCREENING, "", "reconsidered")


# -- agenda, import, demo ------------------------------------------------------------------


def test_agenda_shows_todays_interviews_and_waiting_offers(store, position, clock):
    booked(store, position, "Ann Lee", TEN, ["Grace Okafor"])
    booked(store, position, "Bob Ray", TEN + timedelta(days=1), ["Grace Okafor"])
    cem = add_candidate(store, position, "Cem Kaya", Stage.INTERVIEW)
    make_offer(store, cem.id, sure=True)
    clock.now += timedelta(days=2)
    groups = {g.key: g for g in build_agenda(store, TEN)}
    assert [e.text for e in groups["interviews_today"].entries] == ["10:00 Ann Lee with Grace Okafor"]
    assert groups["offers_waiting"].count == 1
    assert groups["offers_waiting"].entries[0].text.startswith("Cem Kaya — offered 10 Mar")


CSV = '''name,email,phone,position_id,source,cv_text
Ann Lee,ann@example.com,07700 900123,{position},job board,"Ann Lee

PROFILE
Bookkeeper for a charity, five years.

SKILLS
- Sage 50, Xero"
Bob Ray,,,{position},referral,
'''


def test_import_candidates_from_csv(store, position, tmp_path, capsys):
    cvs = tmp_path / "cvs.csv"
    cvs.write_text(CSV.format(position=position.id))
    assert main(["--data", str(store.folder), "import", "candidates", str(cvs)]) == 0
    assert "imported 2 candidates" in capsys.readouterr().out
    ann, bob = store.repo("candidates").list()
    assert (ann.name, ann.phone, ann.stage, ann.scores, ann.history) == ("Ann Lee", "+447700900123", Stage.APPLIED, {}, [])
    assert ann.cv_text.splitlines()[2:4] == ["PROFILE", "Bookkeeper for a charity, five years."]
    assert (bob.position_id, bob.source, bob.email) == (position.id, "referral", "")


def test_a_bad_row_in_the_csv_imports_nothing_and_names_line_and_field(store, position, tmp_path, capsys):
    cvs = tmp_path / "cvs.csv"
    cvs.write_text(f"name,email,position_id\nAnn Lee,ann@example.com,{position.id}\nBob Ray,bob-at-home,{position.id}\nCem,,\n")
    assert main(["--data", str(store.folder), "import", "candidates", str(cvs)]) == 2
    errors = capsys.readouterr().err
    assert "line 3: field 'email': an e-mail address looks like name@example.com" in errors
    assert "line 4: field 'position_id' is required" in errors
    assert store.repo("candidates").count() == 0


def test_candidates_for_a_position_that_does_not_exist_are_refused(store, position, tmp_path, capsys):
    cvs = tmp_path / "cvs.csv"
    cvs.write_text(f"name,position_id\nAnn Lee,{position.id}\nBob Ray,{position.id + 7}\n")
    assert main(["--data", str(store.folder), "import", "candidates", str(cvs)]) != 0
    assert f"Bob Ray: position #{position.id + 7} does not exist." in capsys.readouterr().err
    assert store.repo("candidates").count() == 0


def test_the_demo_has_every_stage_interviews_today_and_no_clash(store, clock):
    build_demo(store, clock.now)
    candidates = store.repo("candidates").list()
    assert set(Counter(c.stage for c in candidates)) == set(Stage)
    assert all(c.reject_reason for c in candidates if c.stage == Stage.REJECTED)
    assert [p.status for p in store.repo("positions").list()] == [PositionStatus.OPEN, PositionStatus.OPEN]
    interviews = store.repo("interviews").list()
    names = {c.id: c.name for c in candidates}
    assert all(find_clash(i, interviews, names) is None for i in interviews if i.status == InterviewStatus.BOOKED)
    assert len(interviews_on(interviews, clock.now.date())) >= 2
    hired = next(c for c in candidates if c.stage == Stage.HIRED)
    assert [e.name for e in store.repo("employees").find(candidate_id=hired.id)] == [hired.name]
