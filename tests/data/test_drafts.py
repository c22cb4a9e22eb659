"""Drafts: what a person was typing, kept on disk where only they can read it, and HR's in hr/."""

from __future__ import annotations

import getpass
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

import pytest

from data.engine.drafts import DRAFTS, DraftKey, drafts_of, keep, throw_away
from data.engine.files import UnsafeFileError
from data.engine.privacy import HrFolderError
from data.engine.store import Store
from data.engine.survey import survey
from tests.data.helpers import ANN, HARRIET, HR_GROUP, OFFICE_GROUP, Child, every_path, needs_accounts, readable_by, shared_folder

REPLY = DraftKey("mail-reply", "mail:12", "a reply to Alice Cooper")
HR_REPLY = DraftKey("mail-reply", "hr_mail:3", "a reply to Carla Candidate", hr=True)
SECRET = "SECRET-DRAFT-TEXT"


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_draft_is_kept_and_read_back_and_thrown_away(store):
    keep(store, REPLY, {"text": "Dear Alice,\nthe invoice", "to": "alice@example.com"})
    [draft] = drafts_of(store)
    assert draft.key == REPLY
    assert draft.values == {"text": "Dear Alice,\nthe invoice", "to": "alice@example.com"}
    assert draft.saved_at == store.now()
    keep(store, REPLY, {"text": "Dear Alice, the invoice is paid"})
    assert [d.values["text"] for d in drafts_of(store)] == ["Dear Alice, the invoice is paid"]  # replaced, not added
    assert throw_away(store, REPLY) is True
    assert drafts_of(store) == []
    assert throw_away(store, REPLY) is False


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_a_draft_is_private_to_its_writer_whatever_the_umask(store, umask):
    old = os.umask(umask)
    try:
        keep(store, REPLY, {"text": "private"})
    finally:
        os.umask(old)
    mine = store.folder / DRAFTS / store.user
    assert stat.S_IMODE(mine.stat().st_mode) == 0o700
    [file] = files_under(mine)
    assert stat.S_IMODE(file.stat().st_mode) == 0o600


def test_a_draft_folder_of_the_users_name_made_by_someone_else_is_refused(store):
    keep(store, REPLY, {"text": "first"})
    mine = store.folder / DRAFTS / store.user
    shutil.rmtree(mine)
    mine.mkdir()
    os.chown(mine, 12345, 12345)  # a colleague made it first, to read what lands there
    with pytest.raises(UnsafeFileError, match="belongs to another account"):
        keep(store, REPLY, {"text": "second"})
    assert list(mine.iterdir()) == []


def test_a_link_in_place_of_a_draft_is_replaced_and_not_written_through(store, tmp_path):
    keep(store, REPLY, {"text": "first"})
    target = tmp_path / "victim"
    target.write_text("untouched")
    [file] = files_under(store.folder / DRAFTS / store.user)
    file.unlink()
    file.symlink_to(target)
    keep(store, REPLY, {"text": "second"})
    assert target.read_text() == "untouched"
    assert not file.is_symlink() and "second" in file.read_text()


def test_an_hr_draft_lands_under_hr_only(store):
    keep(store, HR_REPLY, {"text": SECRET})
    holding = [p for p in files_under(store.folder) if SECRET in p.read_text(errors="replace")]
    assert [p.relative_to(store.folder).parts[:3] for p in holding] == [("hr", DRAFTS, store.user)]
    assert not (store.folder / DRAFTS).exists()
    assert [d.key for d in drafts_of(store)] == [HR_REPLY]
    assert throw_away(store, HR_REPLY) and drafts_of(store) == []


def test_an_hr_draft_is_refused_where_hr_is_open_to_everyone(store):
    store.repo("positions").add({"title": "Office Assistant"})  # hr/ made as HR writes make it
    (store.folder / "hr").chmod(0o777)
    with pytest.raises(HrFolderError):
        keep(store, HR_REPLY, {"text": SECRET})
    assert not (store.folder / "hr" / DRAFTS).exists()


def test_check_knows_the_drafts_folder_and_names_a_link_or_hard_link_planted_there(store, tmp_path):
    store = Store(store.folder, user=getpass.getuser())  # the folder of the account check runs as
    keep(store, REPLY, {"text": "a draft"})
    problems, notes = survey(store)
    assert problems == [] and not any(DRAFTS in note for note in notes)
    outside = tmp_path / "outside"
    outside.write_text("x")
    (store.folder / DRAFTS / "planted-link").symlink_to(outside)
    os.link(outside, store.folder / DRAFTS / "planted-hard-link")
    problems, _ = survey(store)
    assert any("planted-link is a link" in p for p in problems)
    assert any("planted-hard-link is a second name of another file (a hard link)" in p for p in problems)


def test_a_draft_whose_session_still_runs_is_not_offered_until_that_session_is_gone(store):
    """The same person over two SSH links: the form open in one is no lost draft for the other."""

    def other_session(report) -> None:
        keep(Store(store.folder, user=store.user), REPLY, {"text": "still typing"})
        report("kept")
        time.sleep(60)

    child = Child(other_session)
    try:
        assert child.next_report() == "kept"
        assert drafts_of(store) == []
    finally:
        child.kill()
        child.wait()
    [draft] = drafts_of(store)
    assert draft.values == {"text": "still typing"}


def test_a_draft_written_by_one_account_cannot_be_read_by_another():
    """Harriet and Ann share the office folder as the README sets it up (group-writable, setgid):
    Harriet's drafts, and HR's, stay hers, whatever umask she works under."""
    needs_accounts()
    base = Path(tempfile.mkdtemp(prefix="backoffice-drafts-"))
    try:
        base.chmod(0o755)
        folder = shared_folder(base / "office", OFFICE_GROUP)

        def write(report) -> None:
            os.umask(0o000)  # the most open umask there is
            HARRIET.become()
            store = Store(folder, user=HARRIET.name, hr_group=HR_GROUP)
            keep(store, REPLY, {"text": SECRET})
            keep(store, HR_REPLY, {"text": SECRET})

        status, lines = Child(write).wait()
        assert status == 0, lines
        paths = every_path(folder)
        holding = [p for p in paths if not p.endswith("/") and SECRET.encode() in Path(p).read_bytes()]
        assert len(holding) == 2
        assert readable_by(ANN, holding) == set()
        assert not any(p.startswith(str(folder / DRAFTS / HARRIET.name)) for p in readable_by(ANN, paths))
        assert readable_by(HARRIET, holding) == set(holding)
    finally:
        shutil.rmtree(base)


def test_erasing_a_candidate_throws_away_the_erasers_drafts_on_her_messages_and_no_other(store):
    from data.candidates.retention import erase_candidate
    from data.mail.models import Mail

    opening = store.repo("positions").add({"title": "Payroll Clerk"})
    zofia = store.repo("candidates").add({"name": "Zofia Nowak", "email": "zofia.nowak@example.com", "position_id": opening.id})
    hers = store.repo("hr_mail").add(Mail(mailbox="hr", sender="Zofia Nowak <zofia.nowak@example.com>",
                                          sender_address="zofia.nowak@example.com", subject="My CV"))
    other = store.repo("mail").add(Mail(mailbox="office", sender="Raj <raj@example.com>", sender_address="raj@example.com",
                                        subject="Toner"))
    to_her = DraftKey("mail-reply", f"hr_mail:{hers.id}", "a reply to Zofia Nowak", hr=True)
    keep(store, to_her, {"text": "Dear Zofia, SECRET-DRAFT-TEXT"})
    keep(store, DraftKey("mail-note", f"hr_mail:{hers.id}", "a note on the message My CV", hr=True), {"text": "CV read"})
    keep(store, DraftKey("mail-reply", f"mail:{other.id}", "a reply to Raj"), {"text": "Dear Raj"})
    erase_candidate(store, zofia.id)
    assert [d.key.about for d in drafts_of(store)] == ["a reply to Raj"]
    assert [p for p in files_under(store.folder) if b"Zofia" in p.read_bytes() and DRAFTS in p.parts] == []


def test_check_names_a_drafts_folder_not_its_owners_or_open_and_a_draft_open_to_others(store):
    store = Store(store.folder, user=getpass.getuser())
    keep(store, REPLY, {"text": "a draft"})
    keep(store, HR_REPLY, {"text": SECRET})
    for drafts in (store.folder / DRAFTS, store.folder / "hr" / DRAFTS):
        assert drafts.stat().st_mode & stat.S_ISVTX  # only its owner renames a person's folder away
    assert survey(store)[0] == []
    mine = store.folder / DRAFTS / store.user
    [draft] = files_under(mine)
    draft.chmod(0o644)
    mine.chmod(0o750)
    planted = store.folder / "hr" / DRAFTS / "nobody"
    planted.mkdir(mode=0o700)  # named for an account that is not its owner's
    (store.folder / DRAFTS).chmod(0o770)
    problems = survey(store)[0]
    assert any(f"{draft} is -rw-r--r--: a draft is readable by its writer alone" in p for p in problems)
    assert any(f"{mine} is drwxr-x---: drafts are {store.user}'s alone" in p for p in problems)
    assert any(f"{planted} belongs to {store.user}, not to an account named nobody" in p for p in problems)
    assert any(f"{store.folder / DRAFTS} lacks the sticky bit" in p for p in problems)
    keep(store, REPLY, {"text": "again"})  # the app puts back what it made
    assert (store.folder / DRAFTS).stat().st_mode & stat.S_ISVTX


def test_a_colleague_can_neither_move_someones_drafts_folder_away_nor_plant_one_unseen():
    """Harriet's drafts/harriet cannot be renamed by Ann (drafts/ is sticky); a folder Ann makes
    for another account's drafts is named by check."""
    needs_accounts()
    base = Path(tempfile.mkdtemp(prefix="backoffice-drafts-"))
    try:
        base.chmod(0o755)
        folder = shared_folder(base / "office", OFFICE_GROUP)

        def harriet_writes(report) -> None:
            HARRIET.become()
            keep(Store(folder, user=HARRIET.name, hr_group=HR_GROUP), REPLY, {"text": SECRET})

        def ann_plants(report) -> None:
            ANN.become()
            drafts = folder / DRAFTS
            try:
                os.rename(drafts / HARRIET.name, drafts / "moved")
            except PermissionError:
                report("refused")
            (drafts / "root").mkdir(mode=0o700)  # for the drafts of the account check runs as

        assert Child(harriet_writes).wait()[0] == 0
        child = Child(ann_plants)
        assert child.next_report() == "refused"
        assert child.wait()[0] == 0
        problems = survey(Store(folder, user="root", hr_group=HR_GROUP))[0]
        assert any(f"{folder / DRAFTS / 'root'} belongs to {ANN.uid}, not to an account named root" in p for p in problems)
    finally:
        shutil.rmtree(base)


def test_a_choice_held_as_a_number_is_kept_in_the_draft(store):
    keep(store, REPLY, {"supplier": 4, "urgent": True, "text": "two boxes", "blank": None})
    [draft] = drafts_of(store)
    assert draft.values == {"supplier": 4, "urgent": True, "text": "two boxes", "blank": None}
