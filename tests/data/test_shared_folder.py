"""The shared folder: every member of the office may write it, so a colleague may put a link or
a file of their own anywhere in it. Two real accounts under the README's set-up: Ann (office
only) plants, Harriet (office and HR) works as she always does. No file of Harriet's changes,
no HR text becomes readable by Ann, and `backoffice check` names what was planted.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from data.candidates.models import Position
from data.engine.collections import all_collections
from data.engine.files import UnsafeFileError
from data.engine.store import Store
from data.stock import actions as stock
from tests.data.helpers import (
    ANN,
    HARRIET,
    HR_GROUP,
    OFFICE_GROUP,
    Account,
    Child,
    every_path,
    needs_accounts,
    readable_by,
    shared_folder,
)

SECRET = "SECRET-HR-TEXT"


@dataclass
class Office:
    folder: Path
    base: Path
    bashrc: Path  # a file of Harriet's own, outside the office: what a planted link points at

    def victims(self) -> dict[str, tuple[bytes, int, int]]:
        """Every file of Harriet's home: its bytes, mode and owner."""
        home = self.bashrc.parent
        return {p.name: (p.read_bytes(), p.stat().st_mode, p.stat().st_uid) for p in sorted(home.iterdir())}


@pytest.fixture
def office():
    needs_accounts()
    all_collections()  # every module loaded first: the accounts may not read this Python's own files
    base = Path(tempfile.mkdtemp(prefix="backoffice-shared-"))
    base.chmod(0o755)
    home = base / "harriet-home"
    home.mkdir()
    bashrc = home / ".bashrc"
    bashrc.write_text("# Harriet's shell start-up\n")
    for path in (home, bashrc):
        os.chown(path, HARRIET.uid, HARRIET.uid)
    yield Office(shared_folder(base / "office", OFFICE_GROUP), base, bashrc)
    shutil.rmtree(base)


def as_account(account: Account, folder: Path, work) -> None:
    """``work(store)`` in a process of the account's own, as it would run the app."""

    def run(report) -> None:
        os.umask(0o002)  # as the README sets up every account
        account.become()
        work(Store(folder, user=account.name, hr_group=HR_GROUP))

    status, lines = Child(run).wait()
    assert status == 0, lines


def ann(*command: str) -> None:
    done = ANN.run(*command)
    assert done.returncode == 0, done.stderr


def hr_work(store: Store) -> None:
    store.repo("positions").add(Position(title=f"Office Assistant {SECRET}"))


def nothing_of_hr_outside_hr(office: Office) -> None:
    """No file outside hr/ holds HR text, and Ann reads none that does."""
    paths = [p for p in every_path(office.folder) if not os.path.islink(p)]  # a planted link is not ours
    hr = (f"{office.folder}/hr/", f"{office.folder}/hr.old/")  # HR's, and HR's renamed by a colleague
    outside = [p for p in paths if not p.endswith("/") and not p.startswith(hr)]
    assert [p for p in outside if SECRET.encode() in Path(p).read_bytes()] == []
    readable = readable_by(ANN, paths)
    assert [p for p in readable if not p.endswith("/") and SECRET.encode() in Path(p).read_bytes()] == []


def check_as(account: Account, office: Office):
    return account.backoffice(office.folder, "check")


def test_an_export_replaces_a_link_planted_in_its_place_and_leaves_its_target_alone(office):
    def order(store: Store) -> None:
        item = stock.add_item(store, {"name": "Paper", "unit": "ream", "supplier": "Nordic Paper AB",
                                      "reorder_point": 5, "target": 20})
        stock.draft_orders(store, store.now(), [item.id])

    as_account(HARRIET, office.folder, order)
    before = office.victims()
    ann("mkdir", str(office.folder / "exports"))
    planted = office.folder / "exports" / "order-1-nordic-paper-ab.csv"
    ann("ln", "-s", str(office.bashrc), str(planted))

    as_account(HARRIET, office.folder, lambda store: stock.export_order(store, 1, "csv"))

    assert office.victims() == before
    st = planted.lstat()
    assert stat.S_ISREG(st.st_mode) and st.st_uid == HARRIET.uid
    assert "Paper" in planted.read_text()


def test_a_data_file_replaced_by_a_link_to_hr_is_refused_and_nothing_of_hr_leaves_hr(office):
    as_account(HARRIET, office.folder, hr_work)
    people = office.folder / "hr" / "people.json"
    before = people.read_bytes()
    ann("ln", "-s", str(people), str(office.folder / "calls.json"))

    added = HARRIET.backoffice(office.folder, "add", "calls", "caller=Bob")
    assert added.returncode == 1
    assert f"{office.folder / 'calls.json'} is a link (to {people})" in added.stderr
    assert "never follows a link in the data folder" in added.stderr
    listed = HARRIET.backoffice(office.folder, "list", "calls")
    assert listed.returncode == 1 and "is a link" in listed.stderr
    assert people.read_bytes() == before
    assert (office.folder / "calls.json").is_symlink()
    nothing_of_hr_outside_hr(office)

    checked = check_as(ANN, office)
    assert checked.returncode == 1
    assert f"{office.folder / 'calls.json'} is a link (to {people})" in checked.stderr


@pytest.mark.parametrize("name", ["calls.json.lock", "calls-audit.jsonl", "backups/calls-{today}.json"])
def test_a_lock_audit_or_backup_replaced_by_a_link_is_refused_and_its_target_left_alone(office, name):
    as_account(HARRIET, office.folder, lambda store: store.repo("calls").add({"caller": "Ann"}))
    planted = office.folder / name.format(today=date.today().isoformat())
    ann("mkdir", "-p", str(planted.parent))
    ann("rm", "-f", str(planted))
    ann("ln", "-s", str(office.bashrc), str(planted))
    before = office.victims()

    added = HARRIET.backoffice(office.folder, "add", "calls", "caller=Bob")
    assert office.victims() == before
    assert planted.is_symlink()
    assert added.returncode == 1
    assert f"{planted} is a link (to {office.bashrc})" in added.stderr
    checked = check_as(HARRIET, office)
    assert checked.returncode == 1 and f"{planted} is a link" in checked.stderr


def test_a_backup_folder_replaced_by_a_link_is_refused_and_the_folder_it_points_at_left_alone(office):
    as_account(HARRIET, office.folder, lambda store: store.repo("calls").add({"caller": "Ann"}))
    ann("ln", "-s", str(office.bashrc.parent), str(office.folder / "backups"))
    before = office.victims()
    added = HARRIET.backoffice(office.folder, "add", "calls", "caller=Bob")  # the first save with a file: a backup
    assert added.returncode == 1
    assert f"{office.folder / 'backups'} is a link (to {office.bashrc.parent})" in added.stderr
    assert office.victims() == before
    listed = HARRIET.backoffice(office.folder, "list", "calls", "--format", "csv")
    assert "Ann" in listed.stdout and "Bob" not in listed.stdout


def test_hr_renamed_away_is_made_anew_closed_to_the_office_and_check_notes_the_old_one(office):
    as_account(HARRIET, office.folder, hr_work)
    ann("mv", str(office.folder / "hr"), str(office.folder / "hr.old"))
    listed = HARRIET.backoffice(office.folder, "list", "positions")
    assert listed.returncode == 0 and not (office.folder / "hr").exists()  # reading makes nothing

    as_account(HARRIET, office.folder, hr_work)
    made = (office.folder / "hr").stat()
    assert (stat.S_IMODE(made.st_mode), made.st_gid) == (0o2770, HR_GROUP)
    assert readable_by(ANN, [f"{office.folder}/hr/", f"{office.folder}/hr/people.json"]) == set()
    nothing_of_hr_outside_hr(office)
    checked = check_as(ANN, office)
    assert f"{office.folder / 'hr.old'} is not one of backoffice's files" in checked.stdout


@pytest.mark.parametrize("planted", ["a folder of the office's", "a link"])
def test_an_hr_folder_planted_by_a_colleague_is_refused_with_the_command_that_mends_it(office, planted):
    as_account(HARRIET, office.folder, hr_work)
    ann("mv", str(office.folder / "hr"), str(office.folder / "hr.old"))
    hers = office.base / "ann-home"
    if planted == "a link":
        hers.mkdir()
        os.chown(hers, ANN.uid, ANN.uid)
        ann("ln", "-s", str(hers), str(office.folder / "hr"))
    else:
        ann("mkdir", str(office.folder / "hr"))  # setgid: the office's group, and the umask's 2775

    added = HARRIET.backoffice(office.folder, "add", "positions", f"title=Driver {SECRET}")
    assert added.returncode == 1
    if planted == "a link":
        assert f"{office.folder / 'hr'} is a link" in added.stderr
        assert list(hers.iterdir()) == []
    else:
        assert f"HR records are not saved: {office.folder / 'hr'} is open to every account on this machine" in added.stderr
        assert "To mend it, as its owner or root: chmod -R go-rwx" in added.stderr or "chgrp" in added.stderr
        assert list((office.folder / "hr").iterdir()) == []
    nothing_of_hr_outside_hr(office)
    checked = check_as(ANN, office)
    assert checked.returncode == 1


@pytest.mark.parametrize("shared", [False, True], ids=["a private folder", "in a shared folder"])
def test_an_office_made_by_a_command_is_private_or_takes_the_shared_folders_group(office, shared):
    new = (office.folder if shared else office.bashrc.parent) / "branch"
    added = HARRIET.backoffice(new, "add", "positions", f"title=Clerk {SECRET}")
    assert added.returncode == 0, added.stderr
    made, hr = new.stat(), (new / "hr").stat()
    if shared:
        assert (stat.S_IMODE(made.st_mode), made.st_gid) == (0o2770, OFFICE_GROUP)
    else:
        assert (stat.S_IMODE(made.st_mode), made.st_uid) == (0o700, HARRIET.uid)
    assert (stat.S_IMODE(hr.st_mode), hr.st_gid) == (0o2770, HR_GROUP)
    paths = every_path(new)
    assert [p for p in readable_by(ANN, paths) if "hr" in Path(p).relative_to(new).parts] == []
    checked = HARRIET.backoffice(new, "check")
    assert checked.returncode == 0, checked.stderr
    expected = "shared with the group 61100" if shared else "private to 61001"
    assert expected in checked.stdout.splitlines()[0]


def test_check_names_a_link_a_second_name_and_a_pipe_planted_in_the_folder(office):
    as_account(HARRIET, office.folder, lambda store: store.repo("calls").add({"caller": "Ann"}))
    ann("ln", "-s", str(office.bashrc), str(office.folder / "mail.json"))
    ann("mkdir", str(office.folder / "exports"))
    ann("mkfifo", str(office.folder / "exports" / "order-2-x.csv"))
    ann("touch", str(office.folder / "exports" / "mine.txt"))
    ann("ln", str(office.folder / "exports" / "mine.txt"), str(office.folder / "stock-audit.jsonl"))

    checked = check_as(HARRIET, office)
    assert checked.returncode == 1
    said = checked.stderr
    assert f"{office.folder / 'mail.json'} is a link (to {office.bashrc})" in said
    assert f"{office.folder / 'exports' / 'order-2-x.csv'} is not a plain file" in said
    assert f"{office.folder / 'stock-audit.jsonl'} is a second name of another file (a hard link)" in said


@pytest.mark.parametrize("planted", ["a link", "a name leading elsewhere"])
def test_an_attachment_planted_to_lead_into_hr_is_never_read(store, planted):
    from data.candidates.cv_mail import cvs_from_mail
    from data.mail.models import Attachment, Mail

    store.repo("positions").add(Position(title="Clerk"))
    people = store.file("people")
    attachment = Attachment(name="cv.pdf", file="1-1-1.pdf", size=10, content_type="application/pdf")
    (store.folder / "attachments" / "office").mkdir(parents=True)
    if planted == "a link":
        (store.folder / "attachments" / "office" / attachment.file).symlink_to(people)
    else:
        attachment.file = "../../hr/people.json"
    mail = store.repo("mail").add(Mail(mailbox="office", sender="x@example.com", subject="CV", attachments=[attachment]))

    [outcome] = cvs_from_mail(store, "Clerk", "mail", mail.id)
    assert outcome.candidate is None
    said = "is a link (to" if planted == "a link" else "is not a file name"
    assert outcome.problem.startswith("cv.pdf: cannot be read (") and said in outcome.problem
    assert store.repo("candidates").list() == [] and not (store.folder / "hr" / "cvs").exists()


@pytest.mark.parametrize("planted", ["hr/people.json", "people.json"])
def test_hr_records_a_colleague_forged_in_place_of_hrs_are_not_believed(office, planted):
    as_account(HARRIET, office.folder, hr_work)
    ann("mv", str(office.folder / "hr"), str(office.folder / "hr.old"))
    forged = office.folder / planted
    ann("mkdir", "-p", str(forged.parent))
    ANN.run("sh", "-c", f"echo '{{\"positions\": {{\"1\": {{\"title\": \"Forged\"}}}}}}' > {forged}")

    listed = HARRIET.backoffice(office.folder, "list", "positions")
    assert listed.returncode == 1 and "Forged" not in listed.stdout
    assert f"HR records are not read: {forged if planted == 'people.json' else forged.parent}" in listed.stderr


def test_a_file_put_where_a_folder_belongs_is_named_as_such(store, system_day):
    store.repo("calls").add({"caller": "Ann"})  # no backup yet: there was no file to copy
    (store.folder / "backups").write_text("not a folder")
    with pytest.raises(UnsafeFileError, match="backups is a file where a folder belongs"):
        store.repo("calls").add({"caller": "Bob"})  # the first save with a file: a backup is due
