"""How to reach someone: phone and fax numbers (parsed and validated with libphonenumber's
data, stored E.164, shown national or international for the office's region) and e-mail
addresses.

``phonenumbers`` is imported on the first number, not at start-up. A record is validated at
every read, so the same few hundred numbers of an office are parsed again and again: the
results are cached, and a number already stored E.164 is taken as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache

ALLOWED = re.compile(r"^\+?[\d\s().\-/]+$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SHORT = re.compile(r"^\d{3,6}$")  # an extension or a service number: dialled as it is
DEFAULT_REGION = "GB"
_region = DEFAULT_REGION


def set_office_region(region: str) -> None:
    """The country whose numbers are typed without +: 'GB', 'SE', 'US'. ValueError if unknown."""
    import phonenumbers

    region = region.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"{region!r} is not a country code libphonenumber knows (two letters, like GB or SE)")
    global _region
    _region = region


def office_region() -> str:
    return _region


def normalise_number(text: str) -> str:
    """'+44 (0)20 7946-0000', '020 7946 0000' (in GB) → '+442079460000'; '214' stays '214'.
    Empty stays empty. ValueError, in words, for what cannot be a number."""
    text = text.strip()
    if not text or E164.match(text):
        return text
    return _normalised(text, _region)


@lru_cache(maxsize=8192)
def _normalised(text: str, region: str) -> str:
    if not ALLOWED.match(text):
        raise ValueError("a phone number has only digits, spaces, + ( ) . - /")
    digits = re.sub(r"\D", "", text)
    if SHORT.match(digits) and not text.startswith("+"):
        return digits
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        kinds = phonenumbers.NumberParseException
        said = {kinds.INVALID_COUNTRY_CODE: "does not start with a country code (like +44 or +46)",
                kinds.TOO_LONG: "is too long for a phone number", kinds.TOO_SHORT_NSN: "is too short for a phone number",
                kinds.TOO_SHORT_AFTER_IDD: "is too short for a phone number"}.get(error.error_type, "is not a phone number")
        raise ValueError(f"{text} {said}") from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        where = phonenumbers.region_code_for_country_code(number.country_code)
        words = {phonenumbers.ValidationResult.TOO_SHORT: "too short", phonenumbers.ValidationResult.TOO_LONG: "too long",
                 phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "an unknown country code"}.get(reason, "the wrong length")
        raise ValueError(f"{text} has {words}" if "unknown" in words else f"{text} is {words} for a number in {where}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


CALLER_ID_LENGTH = 100  # what is kept of a caller id the phone system gives


def number_in(caller_id: str) -> str:
    """The number part of a caller id as a phone system gives it, stored E.164:
    '020 7946 0000 ext 12' → '+442079460000', '0800 FLOWERS' → '+448003569377'; '' when it
    holds none ('Restricted', a name, 43 digits)."""
    text = caller_id.strip()[:CALLER_ID_LENGTH]
    try:
        return normalise_number(text)
    except ValueError:
        return _number_part(text, _region)


@lru_cache(maxsize=1024)
def _number_part(text: str, region: str) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)  # reads "ext 12" apart, and letters as their keys
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def number_forms(number: str) -> list[str]:
    """The ways an office writes a stored number, to find it by any of them: '+447700900123',
    '07700 900123', '07700900123', '+44 7700 900123'."""
    if not number.startswith("+"):
        return [number] if number else []
    return list(_forms(number, _region))


@lru_cache(maxsize=8192)
def _forms(number: str, region: str) -> tuple[str, ...]:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return (number,)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return tuple(dict.fromkeys([number, national, national.replace(" ", ""), international, _readable(number, region)]))


def readable_number(number: str) -> str:
    """'+442079460000' → '020 7946 0000' in GB, '+44 20 7946 0000' elsewhere; '214' → '214'."""
    if not number.startswith("+"):
        return number
    return _readable(number, _region)


@lru_cache(maxsize=8192)
def _readable(number: str, region: str) -> str:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    home = region in phonenumbers.region_codes_for_country_code(parsed.country_code)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)


def check_email(value: str) -> str:
    """One e-mail address as a person types it; ValueError, in words, when it cannot be one."""
    if not value:
        return value
    if any(mark in value for mark in ",;") and value.count("@") > 1:
        raise ValueError("one e-mail address only: give the others their own field or record")
    if value.count("@") > 1:
        raise ValueError("an e-mail address has one @, like name@example.com")
    if ".." in value.partition("@")[2]:
        raise ValueError("an e-mail address has no two dots in a row after the @")
    if value.startswith("@") or value.endswith("@") or not value.isprintable() or " " in value or not _parses(value):
        raise ValueError("an e-mail address looks like name@example.com")
    return value


def _parses(value: str) -> bool:
    """Whether the standard library reads ``value`` as exactly one address."""
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    try:
        Address(addr_spec=value)
    except (HeaderParseError, ValueError, IndexError, TypeError):
        return False
    return True
