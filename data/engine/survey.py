"""What `backoffice check` finds in the data folder that the program did not put there.

Every member of the office may write the data folder, so the check looks at every name in
it, without following any: a link, a second name of another file (a hard link) or something
that is not a plain file or folder is a problem, named with what it is; so is a file the
program writes in place (a lock, an audit log) that this user may not write, an hr/ open to
anyone outside HR and an HR file readable outside it. A name the program would never make
at the top of the folder is a note (a folder such as ``hr.old`` may be HR's, renamed).
The walk is bounded: a folder of a million planted names does not stall the check. Each
person's drafts folder (``drafts/<login>/``) is theirs alone: another's is not looked into,
but each is seen from outside — owned by the account of its name and 0700, in a drafts/ with
the sticky bit (no one renames a colleague's away) — and each draft of one's own is 0600.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from data.domains import DOMAINS, HR_DOMAIN
from data.engine.drafts import DRAFTS
from data.engine.files import Folder, describe, open_folder
from data.engine.privacy import HR_FOLDER, describe_sharing, hr_in_the_data_folder, hr_move_commands, user_name
from data.engine.store import Store

MAX_NAMES = 100_000  # names looked at in one check
MAX_DEPTH = 6
FOLDERS = {HR_FOLDER, DRAFTS, "backups", "archive", "exports", "service-sheets", "faxes-in", "attachments"}
OLD_HR_FOLDERS = {"cvs", "letters", "templates", "invitations"}  # an office from before hr/
WRITTEN_IN_PLACE = (".lock", "-audit.jsonl")


def expected_at_top(store: Store) -> set[str]:
    names = set(FOLDERS)
    for domain in DOMAINS:
        names |= {f"{domain}.json", f"{domain}.json.lock", f"{domain}-audit.jsonl"}
    if store.hr_files_from_before():
        names |= OLD_HR_FOLDERS
    return names


def sharing(store: Store) -> str:
    """How the data folder is shared, in a sentence."""
    return describe_sharing(os.stat(store.folder))


def survey(store: Store) -> tuple[list[str], list[str]]:
    """(problems, notes) about what lies in the data folder."""
    walk = Walk(store)
    with open_folder(store.folder) as top:
        walk.folder(top, Path(), 0)
    walk.hr_folder()
    return walk.problems, walk.notes


class Walk:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.seen = 0
        self.expected = expected_at_top(store)

    def folder(self, folder: Folder, relative: Path, depth: int) -> None:
        try:
            names = sorted(folder.names())
        except PermissionError:
            return  # hr/ to someone outside HR: reading the HR file says so
        for name in names:
            self.seen += 1
            if self.seen > MAX_NAMES:
                self.notes.append(f"{self.store.folder} holds more than {MAX_NAMES:,} names; the rest were not looked at.")
                return
            self.entry(folder, relative / name, depth)

    def entry(self, folder: Folder, relative: Path, depth: int) -> None:
        name = relative.name
        st = folder.lstat(name)
        if st is None:
            return  # removed meanwhile
        path = self.store.folder / relative
        if depth == 0 and name not in self.expected and not name.startswith("."):
            self.notes.append(f"{path} is not one of backoffice's files; it is never opened. "
                              "(A folder like hr.old may be HR's own, renamed: ask HR before removing it.)")
            if not stat.S_ISLNK(st.st_mode):
                return
        if drafts := drafts_problem(relative, st, path):
            self.problems.append(drafts)
        if stat.S_ISDIR(st.st_mode):
            if depth < MAX_DEPTH:
                self.subfolder(folder, relative, depth)
        elif not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
            self.problems.append(f"{describe(path, st)}: backoffice never reads or writes through it. "
                                 "Someone put it there; move it away.")
        elif name.endswith(WRITTEN_IN_PLACE) and not os.access(name, os.W_OK, dir_fd=folder.fd, follow_symlinks=False):
            self.problems.append(f"{path} may not be written by you ({stat.filemode(st.st_mode)}, owner "
                                 f"{user_name(st.st_uid)}): saves that need it are refused. Its owner or root can mend it with "
                                 f"chmod g+w {path}.")
        elif relative.parts[0] == HR_FOLDER and (exposed := self.store.hr.exposure(st)):
            self.problems.append(f"{path} {exposed}: an HR file readable outside HR. Mend it with "
                                 f"chmod o-rwx {path}" + (f" && chgrp {self.store.hr.group_setting} {path}"
                                                          if st.st_mode & 0o070 else "") + ".")

    def subfolder(self, folder: Folder, relative: Path, depth: int) -> None:
        try:
            inner = folder.folder(relative.name)
        except PermissionError:
            return
        with inner:
            self.folder(inner, relative, depth + 1)

    def hr_folder(self) -> None:
        """hr/ itself: open to nobody outside HR; or HR files kept where anyone may replace them."""
        store = self.store
        if store.hr_files_from_before():
            self.problems.append(str(hr_in_the_data_folder(store.folder, hr_move_commands(store.folder, store.hr.group_setting))))
            return
        folder = store.folder / HR_FOLDER
        try:
            st = os.lstat(folder)
        except FileNotFoundError:
            return
        if stat.S_ISDIR(st.st_mode) and (exposed := store.hr.exposure(st)):
            self.problems.append(str(store.hr.refusal(folder, exposed)))
        if os.path.lexists(store.folder / f"{HR_DOMAIN}.json"):
            self.notes.append(
                f"{HR_DOMAIN}.json in the data folder is not used: HR records are in {HR_FOLDER}/{HR_DOMAIN}.json. "
                "Move it away once you are sure it holds nothing the other lacks."
            )


def drafts_problem(relative: Path, st: os.stat_result, path: Path) -> str | None:
    """What is wrong with a part of drafts/ (or hr/drafts/): drafts/ itself, a person's folder
    in it, a draft in that."""
    parts = relative.parts
    area = 1 if parts[:1] == (DRAFTS,) else 2 if parts[:2] == (HR_FOLDER, DRAFTS) else 0
    inside, mode = parts[area:] if area else None, stat.S_IMODE(st.st_mode)
    if inside == () and stat.S_ISDIR(st.st_mode) and not mode & stat.S_ISVTX:
        return (f"{path} lacks the sticky bit ({stat.filemode(st.st_mode)}): anyone who may write the data folder may "
                f"rename a colleague's drafts folder away. Its owner or root can mend it with chmod +t {path}.")
    if inside and len(inside) == 1 and stat.S_ISDIR(st.st_mode):
        login, owner = inside[0], user_name(st.st_uid)
        if owner != login:
            return (f"{path} belongs to {owner}, not to an account named {login}: {login}'s drafts are not kept there, "
                    "and whoever made it might read what lands there. Someone put it there; move it away.")
        if mode != 0o700:
            return (f"{path} is {stat.filemode(st.st_mode)}: drafts are {login}'s alone. {login} can mend it with "
                    f"chmod 700 {path}.")
    if inside and len(inside) == 2 and stat.S_ISREG(st.st_mode) and mode != 0o600:
        return (f"{path} is {stat.filemode(st.st_mode)}: a draft is readable by its writer alone. Its owner can mend it "
                f"with chmod 600 {path}.")
    return None
