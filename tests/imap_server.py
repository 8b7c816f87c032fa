"""A real IMAP server for the tests: Debian's Dovecot on a free local port with a
throw-away mail directory and one user, started and stopped by a fixture.

`make test` installs Dovecot with apt-get when it is missing (scripts/system-deps.sh).
Run as root (CI), Dovecot's login processes run as its own `dovenull` user and the
mailbox belongs to `dovecot`; run as anyone else, everything runs as that user.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "desk", "desk-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ImapServer:
    """A running Dovecot: where it listens and how to put mail into its inbox."""

    port: int
    folder: Path
    process: subprocess.Popen[bytes]
    home: Path  # the temporary folder, removed by `stop`

    @property
    def url(self) -> str:
        """The `imap_url` of the mailbox, as a mailboxes file names it."""
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/INBOX"

    def connect(self) -> imaplib.IMAP4:
        """A logged-in client of the test mailbox."""
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, *messages: bytes) -> None:
        """Append messages to the inbox, as delivery would."""
        client = self.connect()
        try:
            for raw in messages:
                status, _ = client.append("INBOX", None, None, raw)
                assert status == "OK"
        finally:
            client.logout()

    def flagged(self, keyword: str) -> list[int]:
        """UIDs of the inbox carrying a keyword."""
        client = self.connect()
        try:
            client.select("INBOX")
            status, data = client.uid("SEARCH", "KEYWORD", keyword)
            assert status == "OK"
            return [int(uid) for uid in (data[0] or b"").split()]
        finally:
            client.logout()

    def count(self) -> int:
        """How many messages the inbox holds (nothing is ever deleted by a fetch)."""
        client = self.connect()
        try:
            status, data = client.select("INBOX")
            assert status == "OK"
            return int(data[0] or 0)
        finally:
            client.logout()

    def stop(self) -> None:
        """Stop the server and its children and remove its folder."""
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=10)
        shutil.rmtree(self.home, ignore_errors=True)


def start() -> ImapServer:
    """Start Dovecot in the foreground on a free port, its state and mail in a new
    temporary folder that its own users can reach (pytest's are private to the runner)."""
    folder = Path(tempfile.mkdtemp(prefix="centricity-dovecot-"))
    root = os.getuid() == 0
    internal, login = ("dovecot", "dovenull") if root else (pwd.getpwuid(os.getuid()).pw_name,) * 2
    owner = pwd.getpwnam(internal)
    mail = folder / "mail"
    run = folder / "run"
    for path in (mail, run):
        path.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    if root:
        os.chown(mail, owner.pw_uid, owner.pw_gid)
    users = folder / "users"
    users.write_text(
        f"{USER}:{{PLAIN}}{PASSWORD}:{owner.pw_uid}:{owner.pw_gid}::{mail}/{USER}\n",
        encoding="utf-8",
    )
    port = _free_port()
    config = folder / "dovecot.conf"
    config.write_text(
        f"""protocols = imap
listen = 127.0.0.1
base_dir = {run}
state_dir = {run}
log_path = {folder / "dovecot.log"}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 0
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(owner.pw_gid).gr_name}
default_login_user = {login}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {users}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {users}
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = ImapServer(port=port, folder=mail, process=process, home=folder)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            server.connect().logout()
            return server
        except (OSError, imaplib.IMAP4.error):
            time.sleep(0.1)
    log = (folder / "dovecot.log").read_text(encoding="utf-8", errors="replace")
    server.stop()
    raise RuntimeError(f"Dovecot did not start on port {port}:\n{log[-2000:]}")
