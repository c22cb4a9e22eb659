"""Who sits on an interview and where it is held: a name typed is matched to one current
employee, a room typed to the office's list of rooms. Pure functions of what was typed and
the lists."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from difflib import get_close_matches

from data.engine.errors import FieldError
from data.staff.models import Employee


def staff_names(employees: Iterable[Employee]) -> list[str]:
    """The current employees' names, the only people who can interview."""
    return sorted({e.name for e in employees if e.is_active}, key=str.casefold)


def first_name(name: str) -> str:
    return name.split()[0].casefold() if name.split() else ""


def listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def near_matches(typed: str, names: list[str]) -> list[str]:
    """Names that look like what was typed, a slip of the keys away."""
    by_word = {word.casefold(): name for name in names for word in [name, *name.split()]}
    close = get_close_matches(typed.casefold(), list(by_word), n=6, cutoff=0.7)
    return list(dict.fromkeys(by_word[word] for word in close))[:3]


def matches(typed: str, names: list[str]) -> list[str]:
    """The employees ``typed`` can mean: the full name in any case, else those it is the first
    name of."""
    wanted = " ".join(typed.split()).casefold()
    whole = [name for name in names if " ".join(name.split()).casefold() == wanted]
    return whole or [name for name in names if " " not in wanted and first_name(name) == wanted]


def interviewer(typed: str, names: list[str]) -> str:
    """The one employee ``typed`` means — "grace" is Grace Okafor — or a FieldError that says
    why not and names the near matches. Without a staff list, the name is taken as typed."""
    typed = typed.strip()
    if not names:
        return typed
    found = matches(typed, names)
    if len(found) == 1:
        return found[0]
    if found:
        raise FieldError("interviewers", f"'{typed}' could be {listed(found)}: type the full name.")
    near = near_matches(typed, names)
    hint = f"; did you mean {listed(near)}?" if near else " of current employees."
    raise FieldError("interviewers", f"'{typed}' is not on the staff list{hint}")


def panel(typed: Iterable[str], names: list[str]) -> list[str]:
    """Each name typed as the employee it means, each person once."""
    found: list[str] = []
    for name in (interviewer(t, names) for t in typed if t.strip()):
        if name.casefold() not in (n.casefold() for n in found):
            found.append(name)
    return found


def room(typed: str, rooms: list[str]) -> str:
    """The office's room ``typed`` names (any case); no room is fine. Without a list of rooms,
    any room is taken as typed."""
    typed = " ".join(typed.split())
    if not typed or not rooms:
        return typed
    for known in rooms:
        if known.casefold() == typed.casefold():
            return known
    raise FieldError("place", f"'{typed}' is not one of the rooms: {listed(rooms)}.")


def suggested_panel(names: list[str], *people: str) -> list[str]:
    """Those of ``people`` (the user, the hiring manager) who are on the staff list, as named there."""
    suggested: list[str] = []
    for person in people:
        found = matches(person, names) if names else [person.strip()]
        if len(found) == 1 and found[0] and found[0] not in suggested:
            suggested.append(found[0])
    return suggested


def same_person(names: list[str]) -> Callable[[str], str]:
    """The key that tells whether two stored names are one person: an older booking's "grace"
    and a new one's "Grace Okafor" are the same employee."""

    def key(name: str) -> str:
        found = matches(name, names)
        return (found[0] if len(found) == 1 else name).casefold()

    return key
