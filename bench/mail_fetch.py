"""What `mail fetch` costs for big mail, against a bare IMAP client fetching the same.

    python bench/mail_fetch.py [--mb 45] [--counts 2,6,18] [--before DIR]

Starts a Dovecot on localhost (as the tests do) and, for each count, puts that many messages
of ``--mb`` megabytes (a PDF-like attachment, base64) in a mailbox of its own. Then, each in a
process of its own: the fetch as `backoffice mail fetch` runs it, into a fresh office; and
the baseline — IMAPClient fetching the same messages one at a time and dropping them, the
least any client holds. With ``--before DIR``, the fetch of another checkout (a
`git worktree` of an older commit) in the same turns. Prints each one's wall time and peak
memory (the process's maximum resident set) and the ratios to the baseline: a fetch whose
memory follows the count of messages, not the biggest one, shows it here.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from tests.servers import PASSWORD, Dovecot  # noqa: E402

FETCH = """
import sys
sys.path.insert(0, sys.argv[1])
from data.engine.store import Store
from data.mail.actions import fetch_mail
from data.mail.mailboxes import mailbox
box = mailbox("office", {"imap": sys.argv[2]})
print(fetch_mail(Store(sys.argv[3], user="bench", create=True), box).new)
"""

BARE = """
import sys
from imapclient import IMAPClient
client = IMAPClient("127.0.0.1", int(sys.argv[2]), ssl=False)
client._imap.debug = 0  # imaplib's debugging writes each message out as text (see data/mail/connections.py)
client.starttls()
client.login(sys.argv[3], sys.argv[4])
client.select_folder("INBOX", readonly=True)
count = 0
for uid in client.search("ALL"):
    count += len(client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"])
client.logout()
print(count)
"""


def big_message(number: int, megabytes: int) -> bytes:
    import base64

    payload = base64.encodebytes(os.urandom(megabytes * 2**20 * 3 // 4)).replace(b"\n", b"\r\n")
    return (f"From: Ann Lee <ann@supplier.example>\r\nTo: office@office.example\r\nSubject: Scans {number}\r\n"
            f"Message-ID: <scan{number}@supplier.example>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nThe scans.\r\n"
            "--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=scans.pdf\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n").encode() + payload + b"--B--\r\n"


def run(code: str, *args: str) -> tuple[float, float, str]:
    """Wall seconds, peak memory in MiB and what the child printed."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if status:
        raise SystemExit(f"the child failed: {code.splitlines()[1]} {args}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, out.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=45)
    parser.add_argument("--counts", default="2,6,18")
    parser.add_argument("--before", type=Path, help="another checkout, fetched with in the same turns")
    args = parser.parse_args()
    server = Dovecot()
    os.environ["SSL_CERT_FILE"] = str(server.cert)
    rows = []
    try:
        for count in map(int, args.counts.split(",")):
            user = server.new_user()
            client = server.client(user)
            message = big_message(1, args.mb)
            for _ in range(count):
                client.append("INBOX", message)
            client.logout()
            address = f"imap://{user}@127.0.0.1:{server.port}/INBOX"
            os.environ["BACKOFFICE_MAIL_PASSWORD"] = PASSWORD
            with tempfile.TemporaryDirectory() as folder:
                bare = run(BARE, "", str(server.port), user, PASSWORD)
                after = run(FETCH, str(HERE), address, f"{folder}/after")
                before = run(FETCH, str(args.before), address, f"{folder}/before") if args.before else None
            rows.append((count, bare, after, before))
            print(f"{count} x {args.mb} MB: bare {bare[0]:.1f} s {bare[1]:.0f} MiB; fetch {after[0]:.1f} s {after[1]:.0f} MiB"
                  + (f"; before {before[0]:.1f} s {before[1]:.0f} MiB" if before else ""), flush=True)
    finally:
        server.stop()
    print()
    print("| messages | bare client: s, peak MiB | fetch: s, peak MiB | fetch ÷ bare: time, memory |"
          + (" before: s, peak MiB | before ÷ bare: time, memory |" if args.before else ""))
    print("| --- | --- | --- | --- |" + (" --- | --- |" if args.before else ""))
    for count, bare, after, before in rows:
        line = (f"| {count} x {args.mb} MB | {bare[0]:.1f}, {bare[1]:.0f} | {after[0]:.1f}, {after[1]:.0f} | "
                f"{after[0] / bare[0]:.2f}×, {after[1] / bare[1]:.2f}× |")
        if before:
            line += f" {before[0]:.1f}, {before[1]:.0f} | {before[0] / bare[0]:.2f}×, {before[1] / bare[1]:.2f}× |"
        print(line)


if __name__ == "__main__":
    main()
