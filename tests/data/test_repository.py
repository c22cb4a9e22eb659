"""Repository: typed records in and out, revisions, conflicts, and ids that stay unique."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from data.calls.models import Call, CallStatus, Priority
from data.calls.rules import mark_done
from data.engine.errors import ConflictError, NotFoundError, RuleError
from data.engine.store import Store


@pytest.fixture
def calls(store):
    return store.repo("calls")


def test_an_added_record_is_stamped_and_read_back_typed(calls, clock):
    added = calls.add({"caller": "Ann Lee", "priority": "urgent"})
    read = calls.get(added.id)
    assert isinstance(read, Call)
    assert read.priority is Priority.URGENT
    assert (read.rev, read.created_at, read.updated_at, read.updated_by) == (1, clock.now, clock.now, "tester")


def test_a_save_bumps_the_revision_and_keeps_the_creation_time(calls, clock):
    call = calls.add({"caller": "Ann"})
    created = clock.now
    clock.now += timedelta(minutes=5)
    call.message = "ring back"
    saved = calls.save(call)
    read = calls.get(call.id)
    assert (saved.rev, read.rev) == (2, 2)
    assert read.message == "ring back"
    assert (read.created_at, read.updated_at) == (created, clock.now)


def test_a_record_changed_in_memory_is_not_stored_until_saved(calls):
    call = calls.add({"caller": "Ann"})
    call.message = "not saved"
    assert calls.get(call.id).message == ""


def test_a_listed_record_changed_in_memory_changes_no_other_reading(calls):
    calls.add({"caller": "Ann"})
    calls.add({"caller": "Bob"})
    first, second = calls.list()
    first.message, first.company = "not saved", "Acme"
    again = {call.caller: call for call in calls.list()}
    assert (again["Ann"].message, again["Ann"].company) == ("", "")
    assert (second.message, again["Bob"].message) == ("", "")
    assert calls.find(message="not saved") == []
    assert calls.save(first).message == "not saved"
    assert first.model_fields_set == again["Bob"].model_fields_set == set(Call.model_fields)


def test_a_missing_record_is_said_in_words(calls):
    with pytest.raises(NotFoundError, match=r"Call #42 does not exist"):
        calls.get(42)


def test_find_by_field_and_by_predicate(calls):
    calls.add_many([{"caller": "Ann", "priority": "urgent"}, {"caller": "Bob"}, {"caller": "Cid", "priority": "urgent"}])
    assert [c.caller for c in calls.find(priority=Priority.URGENT)] == ["Ann", "Cid"]
    assert [c.caller for c in calls.find(lambda c: c.caller < "Bz")] == ["Ann", "Bob"]
    assert [c.caller for c in calls.find(lambda c: c.caller != "Ann", priority="urgent")] == ["Cid"]
    assert calls.count() == 3


def test_add_many_with_one_bad_record_adds_none(calls, store):
    calls.add({"caller": "Ann"})
    before = store.file("calls").read_bytes()
    with pytest.raises(ValidationError):
        calls.add_many([{"caller": "Bob"}, {"caller": ""}])
    assert store.file("calls").read_bytes() == before
    assert calls.count() == 1


def test_a_stale_save_names_who_changed_it_and_when(tmp_path, clock):
    folder = tmp_path / "office"
    mine = Store(folder, user="ann", clock=clock).repo("calls")
    theirs = Store(folder, user="bob", clock=clock).repo("calls")
    opened = mine.add({"caller": "Ann"})
    clock.now += timedelta(minutes=3)
    other = theirs.get(opened.id)
    other.message = "bob's note"
    theirs.save(other)
    opened.message = "ann's note"
    with pytest.raises(ConflictError) as error:
        mine.save(opened)
    assert error.value.changed_by == "bob" and error.value.changed_at == clock.now
    assert f"changed by bob at {clock.now:%Y-%m-%d %H:%M}" in str(error.value)
    assert mine.get(opened.id).message == "bob's note"


def test_overwriting_on_purpose_wins_and_counts_as_a_new_revision(calls):
    opened = calls.add({"caller": "Ann"})
    other = calls.get(opened.id)
    other.message = "theirs"
    calls.save(other)
    opened.message = "mine"
    saved = calls.save(opened, force=True)
    assert saved.rev == 3 and calls.get(opened.id).message == "mine"


def test_update_applies_a_rule_to_the_newest_revision(calls, clock):
    call = calls.add({"caller": "Ann"})
    stale = calls.get(call.id)
    calls.update(call.id, lambda c: setattr(c, "message", "newer") or None)
    done = calls.update(stale.id, lambda c: mark_done(c, "tester", clock.now))
    read = calls.get(call.id)
    assert read.status is CallStatus.DONE and read.message == "newer" and done.rev == 3


def test_a_rule_that_refuses_inside_update_writes_nothing(calls, store, clock):
    call = calls.add({"caller": "Ann"})
    calls.update(call.id, lambda c: mark_done(c, "tester", clock.now))
    before = store.file("calls").read_bytes()
    with pytest.raises(RuleError):
        calls.update(call.id, lambda c: mark_done(c, "tester", clock.now))
    assert store.file("calls").read_bytes() == before


def test_deleting_a_stale_revision_is_a_conflict_and_deletes_nothing(calls):
    opened = calls.add({"caller": "Ann"})
    calls.update(opened.id, lambda c: setattr(c, "message", "changed") or None)
    with pytest.raises(ConflictError):
        calls.delete(opened)
    assert calls.count() == 1


def test_ids_of_deleted_records_are_never_handed_out_again(calls, tmp_path):
    first, last = calls.add({"caller": "Ann"}), calls.add({"caller": "Bob"})
    calls.delete(last)
    assert calls.add({"caller": "Cid"}).id == last.id + 1
    elsewhere = Store(calls.store.folder, user="other").repo("calls")  # another session's counter
    calls.delete(calls.find(caller="Cid")[0])
    assert elsewhere.add({"caller": "Dee"}).id == last.id + 2
    assert [c.id for c in calls.list()] == [first.id, last.id + 2]


def test_a_second_session_sees_changes_at_once(calls, store):
    other = Store(store.folder, user="other").repo("calls")
    assert other.list() == []
    call = calls.add({"caller": "Ann"})
    assert [c.caller for c in other.list()] == ["Ann"]
    call.message = "seen"
    calls.save(call)
    assert other.get(call.id).message == "seen"
    calls.delete(calls.get(call.id))
    assert other.count() == 0


def test_saving_a_record_another_session_deleted_says_so(calls, store):
    opened = calls.add({"caller": "Ann"})
    Store(store.folder, user="other").repo("calls").delete(opened.id)
    opened.message = "too late"
    with pytest.raises(NotFoundError, match=r"another session may have deleted it"):
        calls.save(opened)
    assert calls.count() == 0


def test_overwriting_with_the_fields_i_changed_keeps_a_colleagues_other_changes(calls, tmp_path, clock):
    mine = calls.add({"caller": "Ann", "company": "Acme"})
    colleague = Store(calls.store.folder, user="bob", clock=clock).repo("calls")
    theirs = colleague.get(mine.id)
    theirs.company = "Acme Ltd"
    colleague.save(theirs)
    mine.message = "wants a quote"
    with pytest.raises(ConflictError):
        calls.save(mine, fields=["message"])
    calls.save(mine, force=True, fields=["message"])
    stored = calls.get(mine.id)
    assert (stored.company, stored.message, stored.rev) == ("Acme Ltd", "wants a quote", 3)


def test_a_save_that_changes_nothing_writes_nothing(calls, store):
    call = calls.add({"caller": "Ann"})
    before = store.file("calls").read_bytes()
    again = calls.save(calls.get(call.id))
    assert again.rev == 1
    assert store.file("calls").read_bytes() == before
