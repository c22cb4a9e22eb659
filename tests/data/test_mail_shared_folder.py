"""Files attached from inside the shared data folder, against a real SMTP server: a file a
person sees under attachments/ goes out as it is kept, never through a link or a second name a
colleague put in its place, and HR's files go out only from HR's mailbox.
"""

from __future__ import annotations

import os

import pytest

from data.engine.errors import FieldError
from data.mail import actions
from data.mail.mailboxes import mailbox, mailboxes
from data.mail.models import SendStatus
from tests.data.test_mail_handoffs import PDF, attached

SECRET = b"-----BEGIN OPENSSH PRIVATE KEY-----\nnot for mail\n"


def kept_file(store, name: str = "123-1-1.pdf", payload: bytes = PDF):
    folder = store.folder / "attachments" / "office"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(payload)
    return path


def outgoing_files(store) -> list[str]:
    return sorted(name for name in os.listdir(store.folder / "attachments" / "office") if name.startswith("out-"))


def test_a_kept_attachment_is_sent_on_as_it_is(store, mail_table, smtp):
    path = kept_file(store)
    box = mailboxes(mail_table)[0]
    queued = actions.compose(store, box, ["ann@supplier.example"], "The order", "Attached.", files=[path])
    assert actions.send_mail(store, "mail", queued.id, box).send_status == SendStatus.SENT
    assert attached(smtp.messages[0]) == {"123-1-1.pdf": PDF}


@pytest.mark.parametrize("swap, said", [
    (lambda path, secret: os.symlink(secret, path), "is a link"),
    (lambda path, secret: os.link(secret, path), "hard link"),
])
def test_a_kept_attachment_swapped_for_a_link_carries_nothing_out(store, mail_table, smtp, tmp_path, swap, said):
    secret = tmp_path / "id_ed25519"
    secret.write_bytes(SECRET)
    path = kept_file(store)
    path.unlink()
    swap(path, secret)
    box = mailboxes(mail_table)[0]
    with pytest.raises(FieldError, match=said) as refused:
        actions.compose(store, box, ["ann@supplier.example"], "The order", "Attached.", files=[path])
    assert refused.value.field == "attachments" and "123-1-1.pdf" in str(refused.value)
    assert smtp.messages == [] and store.repo("mail").count() == 0 and outgoing_files(store) == []


def test_a_link_below_the_data_folder_is_not_followed_when_reached_by_the_persons_own_link(store, mail_table, smtp, tmp_path):
    secret = tmp_path / "id_ed25519"
    secret.write_bytes(SECRET)
    os.symlink(secret, kept_file(store).parent / "swapped")
    os.symlink(store.folder, tmp_path / "my office")  # the person's own shortcut to the data folder
    box = mailboxes(mail_table)[0]
    with pytest.raises(FieldError, match="is a link"):
        actions.compose(store, box, ["ann@supplier.example"], "Hi", "Hi", files=[tmp_path / "my office" / "attachments" / "office" / "swapped"])
    os.symlink("../../../id_ed25519", kept_file(store).parent / "up")
    with pytest.raises(FieldError, match="is a link"):
        actions.compose(store, box, ["ann@supplier.example"], "Hi", "Hi", files=[store.folder / "attachments" / "office" / "up"])
    assert smtp.messages == []


def test_hr_files_never_leave_hr_from_the_office_mailbox(store, mail_table, smtp):
    hr_file = store.folder / "hr" / "people.json"
    hr_file.parent.mkdir(mode=0o700, exist_ok=True)
    hr_file.write_text('{"people": {}}')
    office, hr_box = mailboxes(mail_table)[0], mailbox("jobs", {**mail_table, "hr": True})
    with pytest.raises(FieldError, match="HR data goes out only from HR's mailbox") as refused:
        actions.compose(store, office, ["ann@supplier.example"], "List", "Attached.", files=[hr_file])
    assert "people.json" in str(refused.value)
    assert smtp.messages == [] and not (store.folder / "attachments").exists()
    queued = actions.compose(store, hr_box, ["zofia@example.com"], "Yours", "Attached.", files=[hr_file])
    assert actions.send_mail(store, "hr_mail", queued.id, hr_box).send_status == SendStatus.SENT
    assert attached(smtp.messages[0]) == {"people.json": b'{"people": {}}'}
