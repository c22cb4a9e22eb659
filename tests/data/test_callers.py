"""Callers you can read and find: the caller id a phone system gives is kept whatever it is,
its number read where there is one; an unknown caller is shown by their number; a ring for
someone is for them; and what was passed on to you is yours."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from data.calls import actions
from data.calls.models import Call, Contact, Fax
from data.calls.views import call_words, calls_view, my_names, person_for
from data.mail.views import mail_view
from data.calls.yours import yours, yours_in


def backoffice(folder, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(folder), *args],
                          check=False, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("given", "number", "shown"), [
    ("020 7946 0000 ext 12", "+442079460000", "020 7946 0000"),  # the extension is no part of the number
    ("0800 FLOWERS", "+448003569377", "0800 356 9377"),  # the letters are the keys dialled
    ("4" * 43, "", "4" * 43),  # no number is that long: the caller id is all there is
    ("Restricted", "", "Restricted"),
])
def test_a_ring_keeps_the_caller_id_as_given_and_reads_its_number_where_it_has_one(store, given, number, shown):
    call = actions.ring(store, given)
    kept = store.repo("calls").get(call.id)
    assert (kept.caller_id, kept.number, kept.who) == (given, number, shown)


def test_missed_calls_from_numbers_nobody_knows_are_told_apart_by_their_numbers(store):
    store.repo("contacts").add({"name": "Janet Moore", "number": "01632 960118"})
    for number in ("07700 900123", "0161 496 0000", "01632 960118"):
        actions.ring(store, number)
    shown = [c.label() for c in store.repo("calls").list()]
    assert shown == ["#1 07700 900123", "#2 0161 496 0000", "#3 Janet Moore"]


def test_a_ring_for_a_login_or_an_extension_is_for_the_person_the_directory_names(store):
    store.repo("contacts").add({"name": "Bob Hale", "extension": "214", "email": "bhale@office.example"})
    store.repo("contacts").add({"name": "Ann Lee"})
    store.repo("contacts").add({"name": "Ann Ross"})
    store.repo("contacts").add({"name": "Sales", "kind": "department", "extension": "300"})
    store.repo("contacts").add({"name": "Bob Vance", "kind": "outside"})  # a caller, not whom the office's phones ring for
    for_whom = {to: actions.ring(store, "0161 496 0000", to).for_whom for to in ("bob", "214", "bhale", "ann", "sales", "300", "")}
    assert for_whom == {"bob": "bob", "214": "Bob Hale", "bhale": "Bob Hale", "ann": "ann",  # never by a first name
                        "sales": "Sales", "300": "Sales", "": ""}
    assert store.repo("calls").get(1).rang_for == "bob"


def test_the_command_line_ring_names_the_unknown_number_and_keeps_whom_it_rang_for(tmp_path):
    assert backoffice(tmp_path, "add", "contacts", "name=Bob Hale", "email=bob@office.example").returncode == 0
    done = backoffice(tmp_path, "ring", "020 7946 0000 ext 12", "--to", "bob")
    assert (done.returncode, done.stdout) == (0, "call #1: 020 7946 0000 rang for bob\n")
    listed = json.loads(backoffice(tmp_path, "list", "calls", "--format", "json").stdout)[0]
    assert (listed["for_whom"], listed["caller_id"], listed["number"]) == ("Bob Hale", "020 7946 0000 ext 12", "+442079460000")


def test_a_call_dialled_to_no_number_is_refused_as_bad_input_and_nothing_is_logged(tmp_path):
    refused = backoffice(tmp_path, "dialled", "", "--by", "201")
    assert refused.returncode == 2
    assert "field 'number': The phone system gave no number for the call dialled, so none was logged." in refused.stderr
    assert json.loads(backoffice(tmp_path, "list", "calls", "--format", "json").stdout) == []


def test_calls_stored_before_caller_ids_were_kept_still_load(store):
    store.repo("calls").add({"caller": "Ann", "number": "0161 496 0000"})
    data = json.loads(store.file("calls").read_text())
    assert "caller_id" in data["calls"]["1"]
    del data["calls"]["1"]["caller_id"]
    store.file("calls").write_text(json.dumps(data))
    old = store.repo("calls").get(1)
    assert (old.caller, old.caller_id, old.who) == ("Ann", "", "Ann")


def test_a_call_is_found_by_its_message_company_and_its_number_written_any_common_way():
    call = Call(caller="Sam Turner", company="Turner & Co", number="07700 900123", message="Wants the brochure")
    words = call_words(call).casefold()
    for typed in ("07700 900123", "+44 7700 900123", "07700900123", "+447700900123", "brochure", "turner & co"):
        assert all(word in words for word in typed.casefold().split()), typed


def test_you_are_your_login_the_name_you_set_and_the_directory_name_either_gives(store):
    store.repo("contacts").add({"name": "Tom Baines", "email": "tbaines@office.example"})
    store.repo("contacts").add({"name": "Grace Okafor"})
    contacts = store.repo("contacts").list()
    assert my_names(contacts, "tom") == {"tom"}  # never by a first name, though no one else is Tom
    assert my_names(contacts, "tbaines") == {"tbaines", "tom baines"}  # the mailbox name
    assert my_names(contacts, "u1042", "Grace Okafor") == {"u1042", "grace okafor"}  # the my_name setting
    assert person_for(contacts, "nobody") == "nobody"


def test_a_login_sharing_only_a_first_name_with_someone_in_the_directory_is_not_them(store):
    store.repo("contacts").add({"name": "Sam Jones", "email": "sjones@office.example", "extension": "214"})
    for_sam_jones = actions.log_call(store, Call(caller="Raj Patel", for_whom="Sam Jones"))

    rang = actions.ring(store, "0161 496 0000", "sam")  # login sam: Sam Patel, not in the directory

    assert rang.for_whom == "sam"
    assert [y.record_id for y in yours_in(store, "sam")] == [rang.id]
    assert [y.record_id for y in yours_in(store, "sjones")] == [for_sam_jones.id]
    assert [y.record_id for y in yours_in(store, "u1042", extension="214")] == [for_sam_jones.id]


def test_what_was_passed_on_to_you_is_yours_on_every_channel_and_only_while_open(store, tmp_path):
    store.repo("contacts").add({"name": "Tom Baines"})
    mine = actions.log_call(store, Call(caller="Raj Patel", company="Patel Accountancy", message="VAT receipt\nfor March"))
    actions.pass_on(store, mine.id, "Tom Baines")
    others = actions.log_call(store, Call(caller="Ann", for_whom="Grace"))
    done = actions.log_call(store, Call(caller="Sam", for_whom="tom"))
    actions.mark_done(store, done.id)
    document = tmp_path / "fax.pdf"
    document.write_bytes(b"%PDF-1.4")
    fax = store.repo("faxes").add(Fax(direction="incoming", status="received", sender="Acme", document=str(document), pages=2))
    actions.pass_on_fax(store, fax.id, "tom")
    store.repo("mail").add({"mailbox": "office", "sender": "Kevin Lau", "subject": "Quote", "status": "assigned",
                            "assigned_to": "TOM BAINES"})
    found = yours_in(store, "tom", "Tom Baines")
    assert [(y.collection, y.record_id) for y in found] == [("calls", mine.id), ("faxes", fax.id), ("mail", 1)]
    assert [y.text for y in found] == ["Call from Raj Patel (Patel Accountancy): VAT receipt", "Fax from Acme, 2 page(s)",
                                       "Mail from Kevin Lau: Quote"]
    assert others.id not in [y.record_id for y in found]
    assert yours(calls_view(store), mail_view(store), frozenset({"grace"}))[0].record_id == others.id


def test_the_mail_telling_of_a_call_from_an_unknown_number_names_the_number():
    from data.calls.views import call_notice

    subject, text = call_notice(Call(caller="Unknown caller", number="07700 900123", caller_id="07700 900123 x5"))
    assert subject == "Call from 07700 900123" and text.startswith("07700 900123 called")


@pytest.mark.parametrize("given", ["020 7946\t0000", "\x1b]0;owned\x07Restricted", "Ann \u202eLee", "\x9b2J0161 496 0000"])
def test_a_ring_whose_caller_id_holds_control_characters_is_logged_with_them_made_visible(store, given):
    from data.engine.text import control_problem

    call = actions.ring(store, given, "ann")

    kept = store.repo("calls").get(call.id)
    assert control_problem(kept.caller_id, multiline=False) is None and control_problem(kept.who, multiline=False) is None
    assert len(kept.caller_id) == len(given.strip()) and kept.rang_for == "ann"
    if "\t" in given:
        assert (kept.caller_id, kept.number) == ("020 7946 0000", "+442079460000")


def test_a_fax_goes_to_the_directory_entry_of_that_name_or_that_fax_number():
    from data.calls.views import fax_contact

    contacts = [Contact(name="Acme Ltd", fax_number="020 7946 0322", company="Acme"), Contact(name="Bob Hale")]
    assert fax_contact(contacts, "acme ltd").company == "Acme"
    assert fax_contact(contacts, "+44 20 7946 0322").name == "Acme Ltd"
    assert fax_contact(contacts, "") is None and fax_contact(contacts, "Cy Dunn") is None


def test_a_received_fax_is_from_its_sender_else_its_number_else_an_unknown_sender():
    assert Fax(direction="incoming", status="received", sender="Acme", fax_number="020 7946 0001", document="x").who == "Acme"
    assert Fax(direction="incoming", status="received", fax_number="020 7946 0001", document="x").who == "020 7946 0001"
    assert Fax(direction="incoming", status="received", document="x").who == "an unknown sender"


def test_how_long_ago_is_said_in_words_or_short_for_a_column():
    from datetime import UTC, datetime, timedelta

    from data.when import span_said

    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    said = [(span_said(now - timedelta(minutes=m), now), span_said(now - timedelta(minutes=m), now, short=True))
            for m in (12, 300, 4320)]
    assert said == [("12 min", "12m"), ("5 h", "5h"), ("3 days", "3d")]
