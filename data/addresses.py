"""How to reach someone: phone and fax numbers (validated, stored as digits with a leading +
kept, shown readable) and e-mail addresses."""

from __future__ import annotations

import re

ALLOWED = re.compile(r"^\+?[\d\s().\-/]+$")


def normalise_number(text: str) -> str:
    """'+44 (20) 7946-0000' → '+442079460000'. Empty stays empty. Raises ValueError."""
    text = text.strip()
    if not text:
        return ""
    if not ALLOWED.match(text):
        raise ValueError("a phone number has only digits, spaces, + ( ) . - /")
    digits = re.sub(r"\D", "", text)
    if not 3 <= len(digits) <= 17:
        raise ValueError("a phone number has between 3 and 17 digits")
    return ("+" if text.startswith("+") else "") + digits


def national_groups(digits: str) -> list[str]:
    """A national number beginning with 0, grouped the way such numbers are read out."""
    if len(digits) == 11 and digits.startswith("02"):
        return [digits[:3], digits[3:7], digits[7:]]  # 020 7946 0000
    if len(digits) == 11 and (digits.startswith("011") or digits[3] == "1"):
        return [digits[:4], digits[4:7], digits[7:]]  # 0161 496 0732
    if len(digits) in (10, 11):
        return [digits[:5], digits[5:]]  # 01632 960118, 07700 900412
    return groups_of_four(digits)


def groups_of_four(digits: str) -> list[str]:
    groups = []
    while len(digits) > 5:
        groups.insert(0, digits[-4:])
        digits = digits[:-4]
    return [digits, *groups] if digits else groups


TWO_DIGIT_CODES = {
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48",
    "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81",
    "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
}


def country_code_length(digits: str) -> int:
    """Country codes have one, two or three digits; the first two digits tell which."""
    if digits[:1] in ("1", "7"):
        return 1
    return 2 if digits[:2] in TWO_DIGIT_CODES else 3


def readable_number(number: str) -> str:
    """'+442079460000' → '+44 20 7946 0000'; '02079460000' → '020 7946 0000'; '214' → '214'."""
    if not number:
        return ""
    if number.startswith("+"):
        size = country_code_length(number[1:])
        country, rest = number[1 : 1 + size], number[1 + size :]
        national = national_groups("0" + rest) if country == "44" else groups_of_four("0" + rest)
        return f"+{country} " + " ".join([national[0][1:], *national[1:]]).strip()
    if number.startswith("0"):
        return " ".join(national_groups(number))
    return " ".join(groups_of_four(number))


def check_email(value: str) -> str:
    """An e-mail address as a person types it; ValueError when it cannot be one."""
    if value and ("@" not in value or value.startswith("@") or value.endswith("@") or " " in value):
        raise ValueError("an e-mail address looks like name@example.com")
    return value
