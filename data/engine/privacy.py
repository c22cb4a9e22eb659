"""Who may read what: the data folder and hr/, made and checked by the program itself.

- A data folder the program makes is private to its maker (0700), unless it is made inside
  a folder set up for sharing as the README says (group-writable and setgid): then it is
  that group's (2770) like the folder it is in.
- ``hr/`` holds every HR file. The program makes it: group ``hr`` (the setting
  ``hr_group``) and mode 2770 where that group exists and the user is in it; otherwise 0700,
  private to the user. Before every HR write it is checked on the open folder — not a link,
  nothing for everyone else, shared with HR's group only, owned by someone who may be in it —
  and HR data is refused anywhere that fails, with a sentence saying what is wrong and the
  command that mends it. Files made in it are never readable by anyone outside it.
"""

from __future__ import annotations

import functools
import grp
import os
import pwd
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path

from data.engine.errors import DataError
from data.engine.files import Access

HR_FOLDER = "hr"
DEFAULT_HR_GROUP = "hr"


class HrFolderError(DataError):
    """hr/ is not private to HR: HR data is not written there."""


@functools.cache  # asked at every HR read and write; a group made since is seen by the next session
def group_id(group: str | int) -> int | None:
    """The group's number, when the system knows it (a number is taken as it is)."""
    if isinstance(group, int) or str(group).isdigit():
        return int(group)
    try:
        return grp.getgrnam(str(group)).gr_gid
    except KeyError:
        return None


def group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def may_give_group(gid: int) -> bool:
    """Whether this process may give a file the group ``gid``."""
    return os.geteuid() == 0 or gid == os.getegid() or gid in os.getgroups()


def in_group(uid: int, gid: int) -> bool:
    """Whether the account ``uid`` is a member of ``gid``, as the system's databases say."""
    if uid == 0:
        return True
    if uid == os.geteuid():
        return may_give_group(gid)
    try:
        account = pwd.getpwuid(uid)
        return account.pw_gid == gid or account.pw_name in grp.getgrgid(gid).gr_mem
    except KeyError:
        return False


def new_office_access(parent: Path) -> Access:
    """How a new data folder in ``parent`` is made: the group's where ``parent`` is set up for
    sharing (group-writable, setgid), else private to its maker."""
    st = os.stat(parent)
    if st.st_mode & stat.S_ISGID and st.st_mode & stat.S_IWGRP:
        return Access(0o2770, st.st_gid)
    return Access(0o700)


def describe_sharing(st: os.stat_result) -> str:
    """How a data folder is shared, for `backoffice check`."""
    mode = stat.filemode(st.st_mode)
    if st.st_mode & 0o007:
        return f"The data folder is open to every account on this machine ({mode}, group {group_name(st.st_gid)})."
    if st.st_mode & 0o070:
        return f"The data folder is shared with the group {group_name(st.st_gid)} ({mode})."
    return f"The data folder is private to {user_name(st.st_uid)} ({mode})."


@dataclass(frozen=True)
class HrPolicy:
    """How hr/ is made and what it must be, for this user and the office's HR group."""

    group_setting: str | int = DEFAULT_HR_GROUP

    @property
    def group(self) -> int | None:
        """HR's group, when it exists and this user may give it."""
        gid = group_id(self.group_setting)
        return gid if gid is not None and may_give_group(gid) else None

    def folder_access(self) -> Access:
        gid = self.group
        return Access(0o2770, gid) if gid is not None else Access(0o700)

    def file_access(self) -> Access:
        gid = self.group
        return Access(0o660, gid) if gid is not None else Access(0o600)

    def exposure(self, st: os.stat_result) -> str | None:
        """How a folder or file with ``st`` in hr/ is open to someone outside HR, or None."""
        mode = stat.filemode(st.st_mode)
        if st.st_mode & 0o007:
            return f"is open to every account on this machine ({mode})"
        if st.st_mode & 0o070:
            if st.st_gid != group_id(self.group_setting):
                return f"is open to the group {group_name(st.st_gid)} ({mode}), not only to HR's group {self.group_setting}"
            if stat.S_ISDIR(st.st_mode) and not in_group(st.st_uid, st.st_gid):
                return f"belongs to {user_name(st.st_uid)}, who is not in HR's group {self.group_setting}"
        return None

    def problem(self, st: os.stat_result) -> str | None:
        """What makes a folder with ``st`` unfit to take this user's HR files, or None."""
        if not stat.S_ISDIR(st.st_mode):
            return "is not a folder"
        exposed = self.exposure(st)
        if exposed is None and not st.st_mode & 0o070 and st.st_uid != os.geteuid():
            return f"is private to {user_name(st.st_uid)} ({stat.filemode(st.st_mode)})"
        return exposed

    def mend(self, folder: Path, problem: str) -> str:
        """The commands that make ``folder`` fit for HR's files again."""
        where = shlex.quote(str(folder))
        if problem == "is not a folder" or problem.startswith("is private to"):
            return (f"move it away (mv {where} {where}.old, as its owner or root; backoffice makes a new "
                    f"{HR_FOLDER}/ at the next HR save)")
        if problem.startswith("belongs to"):
            return f"as root: chown -R root {where}"
        if group_id(self.group_setting) is None:
            return f"as its owner or root: chmod -R go-rwx {where}"
        group = shlex.quote(str(self.group_setting))
        return (f"as its owner or root: chgrp -R {group} {where} && chmod -R u+rwX,g+rwX,o-rwx {where} && "
                f"find {where} -type d -exec chmod g+s {{}} +")

    def refusal(self, folder: Path, problem: str, doing: str = "saved") -> HrFolderError:
        return HrFolderError(
            f"HR records are not {doing}: {folder} {problem}, so people outside HR could read or replace them. "
            f"To mend it, {self.mend(folder, problem)}."
        )


def hr_in_the_data_folder(folder: Path, commands: list[str]) -> HrFolderError:
    """An office from before hr/: its HR files beside the others, where anyone may replace them."""
    return HrFolderError(
        f"HR records are not saved: people.json is kept in {folder} itself, where anyone who may save a call may "
        "also rename or replace it. Move the HR files into their own folder, as root while nobody has backoffice "
        "open:\n" + "\n".join(f"  {command}" for command in commands)
    )


def hr_move_commands(folder: Path, group: str | int = DEFAULT_HR_GROUP) -> list[str]:
    """The commands that move an office's HR files into hr/, for the files it has."""

    def present(pattern: str) -> list[str]:
        return sorted(shlex.quote(p.relative_to(folder).as_posix()) for p in folder.glob(pattern))

    hr = HR_FOLDER
    commands = [f"cd {shlex.quote(str(folder))}", f"mkdir -p {hr}/backups {hr}/archive"]
    for files, target in (
        (present("people[.-]*"), hr),
        (present("backups/people[.-]*.json"), f"{hr}/backups"),
        (present("archive/people-*.json"), f"{hr}/archive"),
        (present("archive/last-erasure"), f"{hr}/archive"),
        ([name for name in ("cvs", "letters", "templates", "invitations") if (folder / name).is_dir()], hr),
    ):
        if files:
            commands.append(f"mv {' '.join(files)} {target}/")
    index = present("archive/index-people.sqlite*")
    if index:
        commands.append(f"rm {' '.join(index)}")  # the archive's search index: made again in hr/
    if group_id(group) is None:
        return [*commands, f"chmod -R go-rwx {hr}"]
    return [*commands, f"chgrp -R {shlex.quote(str(group))} {hr} && chmod -R u+rwX,g+rwX,o-rwx {hr}",
            f"find {hr} -type d -exec chmod g+s {{}} +"]
