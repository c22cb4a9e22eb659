"""Bad input on the command line is refused in the office's words: which field, what it takes,
which record does not exist; never the validation library's own messages. Each runs the real
command and checks its exit status (2, bad input) and the exact sentence."""

from __future__ import annotations

import orjson
import pytest

from tests.data.helpers import backoffice


@pytest.mark.parametrize(("typed", "said"), [
    ("a@b@c", "an e-mail address has one @, like name@example.com"),
    ("ann@example.com,bob@example.com", "one e-mail address only: give the others their own field or record"),
    ("ann@example..com", "an e-mail address has no two dots in a row after the @"),
])
def test_an_email_field_takes_one_address_and_says_what_is_wrong(tmp_path, typed, said):
    done = backoffice(tmp_path, "add", "contacts", "name=Ann Lee", f"email={typed}")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == f"backoffice: arguments: field 'email': {said}"


def test_an_address_valid_before_is_still_taken(tmp_path):
    for address in ("ann@example.com", "ann.lee+hr@mail.example.co.uk"):
        assert backoffice(tmp_path, "add", "contacts", "name=Ann", f"email={address}").returncode == 0


def test_criteria_are_typed_on_the_command_line_as_in_the_openings_form(tmp_path):
    done = backoffice(tmp_path, "add", "positions", "title=Clerk", "criteria=Bookkeeping ×2, Accuracy")
    assert done.returncode == 0, done.stderr
    listed = orjson.loads(backoffice(tmp_path, "list", "positions", "--format", "json").stdout)
    assert listed[0]["criteria"] == [{"name": "Bookkeeping", "weight": 2.0}, {"name": "Accuracy", "weight": 1.0}]


@pytest.mark.parametrize(("typed", "said"), [
    ("criteria=Bookkeeping ×200", "field 'criteria': 'Bookkeeping ×200': a weight goes from above 0 to 100"),
    ('criteria={"Bookkeeping": 2}', "field 'criteria': expected a list, its items separated by commas"),
    ("criteria=[3]", "field 'criteria.0': not a criterion: write it as the app's form does"),
    ("places=two", "field 'places': not a whole number"),
    ("status=maybe", "field 'status': expected one of 'open' or 'closed'"),
])
def test_a_value_of_the_wrong_kind_is_said_in_our_words(tmp_path, typed, said):
    done = backoffice(tmp_path, "add", "positions", "title=Clerk", typed)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == f"backoffice: arguments: {said}"
    assert "Input should" not in done.stderr


@pytest.mark.parametrize(("command", "said"), [
    (("machines", "void-reading", "999", "--reason", "typo"), "there is no meter reading 999 (backoffice list meter_readings shows them)"),
    (("machines", "void-ticket", "999", "--reason", "typo"), "there is no ticket 999 (backoffice list tickets shows them)"),
    (("machines", "retire", "999", "--reason", "old"), "there is no machine 999 (backoffice list machines shows them)"),
    (("machines", "return", "999"), "there is no machine 999 (backoffice list machines shows them)"),
    (("stock", "void-movement", "999", "--reason", "typo"), "there is no stock movement 999 (backoffice list stock_movements shows them)"),
])
def test_an_id_that_names_no_record_is_bad_input_naming_the_kind(tmp_path, command, said):
    assert backoffice(tmp_path, "add", "calls", "caller=Ann").returncode == 0  # an office to ask
    done = backoffice(tmp_path, *command)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"backoffice: {said}"]
