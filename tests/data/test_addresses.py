"""Numbers are shown the way people read them out."""

import pytest

from data.addresses import normalise_number, readable_number


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("020 7946 0000", "020 7946 0000"),
        ("0161-496-0732", "0161 496 0732"),
        ("(01632) 960118", "01632 960118"),
        ("07700 900 018", "07700 900018"),
        ("+44 20 7946 0000", "+44 20 7946 0000"),
        ("+46 8 555 0147", "+46 8555 0147"),
        ("214", "214"),
    ],
)
def test_a_typed_number_is_stored_as_digits_and_shown_readable(typed, shown):
    stored = normalise_number(typed)
    assert stored.lstrip("+").isdigit()
    assert readable_number(stored) == shown


def test_letters_are_refused():
    with pytest.raises(ValueError, match="only digits"):
        normalise_number("call me")
