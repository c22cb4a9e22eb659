"""Real mail servers on localhost for the tests: Dovecot (IMAP) and aiosmtpd (SMTP).

Dovecot runs from a configuration of its own in a temporary folder, on free ports, with
Maildirs; each test gets a mailbox user of its own. Both servers speak TLS as real ones do:
IMAP offers STARTTLS and listens for imaps too, SMTP offers STARTTLS, all with a certificate
made for the session, which the session trusts (SSL_CERT_FILE) and nothing else does. Where
Dovecot is not installed the mail tests are skipped with the reason, except in CI (CI=true),
where that is a failure. For the refusal to send a password in the clear there are servers
that offer no TLS at all: a second Dovecot (``dovecot_in_the_clear``) and ``start_smtp`` without
a context, which then offers AUTH in the clear and notes every login tried.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from itertools import count
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
PASSWORD = "s3cret"
USERS = 500  # mailboxes for one test session
CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
{tls}
disable_plaintext_auth = no
auth_mechanisms = plain login
{login_user}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
{secure_listener}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
"""
TLS = "ssl = yes\nssl_cert = <{root}/cert.pem\nssl_key = <{root}/key.pem"
SECURE_LISTENER = "  inet_listener imaps {{\n    port = {secure_port}\n  }}"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key, valid for two days."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def server_context(cert: Path, key: Path):
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def missing(what: str, packages: str = "dovecot-imapd") -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is not installed; CI installs it (see .ci/run)")
    pytest.skip(f"{what} is not installed (Debian: apt-get install {packages})")


def wait_for_port(port: int, process: subprocess.Popen | None = None, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server stopped at start with status {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


class Dovecot:
    """One Dovecot for the test session; ``new_user()`` gives each test a mailbox of its own.
    Without ``tls`` it speaks only in the clear: no STARTTLS, no imaps."""

    def __init__(self, tls: bool = True) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="backoffice-dovecot-"))
        self.root.chmod(0o755)
        self.port, self.secure_port = free_port(), free_port()
        self.cert, self.key = make_certificate(self.root)
        if os.getuid() == 0:  # Dovecot will not run a mailbox as root: then the mail belongs to "nobody"
            uid, gid, login_user = 65534, 65534, ""
        else:  # not root: every Dovecot process runs as this account
            me = pwd.getpwuid(os.getuid()).pw_name
            uid, gid, login_user = os.getuid(), os.getgid(), f"default_login_user = {me}\ndefault_internal_user = {me}"
        for folder in ("run", "state", "home"):
            (self.root / folder).mkdir()
        os.chown(self.root / "home", uid, gid)
        # Every test's user up front: Dovecot notices a changed users file only a second later.
        (self.root / "users").write_text("".join(f"office{n}:{{PLAIN}}{PASSWORD}\n" for n in range(1, USERS + 1)))
        (self.root / "dovecot.conf").write_text(CONFIG.format(
            root=self.root, port=self.port, uid=uid, gid=gid, login_user=login_user,
            tls=TLS.format(root=self.root) if tls else "ssl = no",
            secure_listener=SECURE_LISTENER.format(secure_port=self.secure_port) if tls else ""))
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.process)
        if tls:
            wait_for_port(self.secure_port, self.process)
        self.users = count(1)

    def new_user(self) -> str:
        return f"office{next(self.users)}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self, user: str):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(user, PASSWORD)
        return client


@dataclass
class SmtpInbox:
    """What the SMTP server was handed."""

    messages: list[Message] = field(default_factory=list)
    envelopes: list[list[str]] = field(default_factory=list)  # each message's RCPT TO addresses
    refuse: bool = False
    logins: list[tuple[str, str]] = field(default_factory=list)  # (user, password) as the server got them

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def start_smtp(context, implicit_tls: bool = False):
    """An SMTP server that offers STARTTLS, or (``implicit_tls``) speaks TLS from the start;
    without a context, one that offers no TLS and takes logins in the clear."""
    from aiosmtpd.controller import Controller

    inbox = SmtpInbox()
    if context is None:
        tls = {"authenticator": inbox.authenticate, "auth_require_tls": False}
    else:
        tls = {"ssl_context": context} if implicit_tls else {"tls_context": context}
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **tls)
    controller.start()
    return controller, inbox


@pytest.fixture(scope="session")
def dovecot():
    if DOVECOT is None:
        missing("Dovecot")
    server = Dovecot()
    trusted = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = str(server.cert)  # this session, and the commands it runs, trust its servers
    yield server
    server.stop()
    if trusted is None:
        os.environ.pop("SSL_CERT_FILE", None)
    else:
        os.environ["SSL_CERT_FILE"] = trusted


@pytest.fixture(scope="session")
def dovecot_in_the_clear(dovecot):
    """A Dovecot that offers no TLS at all, for the refusal to log in without it."""
    server = Dovecot(tls=False)
    yield server
    server.stop()


@pytest.fixture
def smtp(dovecot):
    controller, inbox = start_smtp(server_context(dovecot.cert, dovecot.key))
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def mail_table(dovecot, smtp, monkeypatch) -> dict:
    """The [mail] settings of a mailbox of this test's own on the real servers."""
    user = dovecot.new_user()
    monkeypatch.setenv("BACKOFFICE_MAIL_PASSWORD", PASSWORD)
    return {"imap": f"imap://{user}@127.0.0.1:{dovecot.port}/INBOX", "smtp": f"smtp://127.0.0.1:{smtp.port}",
            "from": f"Front desk <{user}@office.example>"}


def deliver(dovecot: Dovecot, user: str, raw: bytes, folder: str = "INBOX") -> None:
    """Put a message in the mailbox, as the mail system would on arrival."""
    client = dovecot.client(user)
    try:
        client.append(folder, raw)
    finally:
        client.logout()
