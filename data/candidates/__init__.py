"""Candidates: openings with their criteria, candidates and their stages, scores from several
reviewers, interviews without clashes, the offer and the hire.

Every record here lives in hr/people.json, which only HR may read. models (what a record
is), rules (what may happen, how scores rank), actions (what HR does to the store), views
(what the section shows).
"""

from data.candidates.actions import check_interviews, check_positions_exist
from data.candidates.models import Candidate, Interview, InterviewStatus, Position
from data.engine.collections import Collection

COLLECTIONS = [
    Collection("positions", Position, "people", "position", columns=("title", "department", "hiring_manager", "status", "places"),
               new_fields=(*Position.form_fields, "criteria")),
    Collection("candidates", Candidate, "people", "candidate", columns=("name", "position_id", "stage", "source", "email", "phone"),
               is_closed=lambda c: c.is_closed, check=check_positions_exist,
               adder="data.candidates.cv_import:add_or_merge"),  # the same person on an opening is not made twice
    Collection("interviews", Interview, "people", "interview", columns=("candidate_id", "start", "minutes", "interviewers", "status"),
               is_closed=lambda i: i.status != InterviewStatus.BOOKED, check=check_interviews,
               adder="data.candidates.actions:book_interview"),
]
