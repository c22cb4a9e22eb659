"""Numbers by the book: stored E.164, shown the way people of the office's country read them."""

import pytest

from data.addresses import normalise_number, office_region, readable_number, set_office_region


@pytest.fixture
def region():
    """Set the office's region for one test; the default comes back after it."""
    before = office_region()
    yield set_office_region
    set_office_region(before)


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("020 7946 0000", "+442079460000", "020 7946 0000"),
        ("0161-496-0732", "+441614960732", "0161 496 0732"),
        ("(01632) 960118", "+441632960118", "01632 960118"),
        ("07700 900 018", "+447700900018", "07700 900018"),
        ("+44 (0)20 7946 0000", "+442079460000", "020 7946 0000"),  # the (0) is not dialled from abroad
        ("0044 20 7946 0000", "+442079460000", "020 7946 0000"),
        ("+46 8 555 0147", "+4685550147", "+46 8 555 01 47"),
        ("214", "214", "214"),  # an extension is dialled as it is
    ],
)
def test_a_typed_number_is_stored_e164_and_shown_national_at_home_and_international_abroad(typed, stored, shown):
    assert normalise_number(typed) == stored
    assert readable_number(stored) == shown


def test_numbers_follow_the_offices_region(region):
    region("SE")
    assert normalise_number("08-555 01 47") == "+4685550147"
    assert readable_number("+4685550147") == "08-555 01 47"
    assert readable_number("+442079460000") == "+44 20 7946 0000"


def test_a_number_stored_before_e164_reads_as_the_same_number():
    assert normalise_number("02079460000") == normalise_number("+44 20 7946 0000")


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("call me", "only digits"),
        ("+44 20 794", "+44 20 794 is the wrong length for a number in GB"),
        ("+999 1234 5678", "does not start with a country code"),
        ("020 7946 0000 0000 0000", "too long"),
    ],
)
def test_what_cannot_be_a_number_is_refused_in_words(typed, said):
    with pytest.raises(ValueError, match=said.replace("+", r"\+")):
        normalise_number(typed)


def test_an_unknown_region_is_refused(region):
    with pytest.raises(ValueError, match="not a country code"):
        region("XX")
