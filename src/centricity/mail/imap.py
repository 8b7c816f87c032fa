"""Read the configured mailboxes over IMAP: each new message imported once, then flagged.

For each mailbox with an `imap_url` (`mailboxes.py`): log in, select the folder, ask for
the messages not yet carrying our keyword (`$Centricity`), and for each, by UID: fetch it
with `BODY.PEEK[]` (the user's \\Seen flag is left alone), import it in its own transaction
(`inbound.receive`, keyed by mailbox, UIDVALIDITY and UID as well as Message-ID and body),
commit, and only then set the keyword. A connection that drops between the commit and the
flag loses nothing and duplicates nothing: the next fetch finds the UID already imported
and only flags it. Mail is never deleted or moved. A server that does not keep keywords
(no `\\*` in PERMANENTFLAGS) is asked for every message, and the UIDs already imported
are skipped without being fetched.

One failing mailbox never stops the others: its error (the exception's kind only; server
texts may quote addresses) is counted in `mail_mailbox_states`, and after
`ALERT_AFTER` failures in a row every admin gets one notice until it works again.
"""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.config import Settings
from centricity.db import begin_writing, insert_or_ignore
from centricity.kit.time import utcnow
from centricity.mail import inbound
from centricity.mail.mailboxes import Mailbox
from centricity.mail.models import MailboxState, MailMessage
from centricity.mail.notices import FAILING
from centricity.notifications import service as notifications

LOG = logging.getLogger(__name__)
KEYWORD = "$Centricity"
ALERT_AFTER = 3
TIMEOUT_SECONDS = 60
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")


@dataclass
class FetchReport:
    """What one fetch did, over every mailbox."""

    fetched: int = 0
    created: int = 0
    threaded: int = 0
    ignored: int = 0
    failed: list[str] = field(default_factory=list)  # mailbox names

    def line(self) -> str:
        """The summary line `centricity mail fetch` ends with."""
        return (
            f"fetched={self.fetched} created={self.created} "
            f"threaded={self.threaded} ignored={self.ignored}"
        )


def fetch_all(
    sessions: Callable[[], Session], boxes: list[Mailbox], settings: Settings
) -> FetchReport:
    """Fetch every mailbox that has an `imap_url`; a failure is recorded and the next
    mailbox is read all the same."""
    report = FetchReport()
    for box in boxes:
        if not box.imap_url:
            continue
        try:
            fetch_mailbox(sessions, box, settings, report)
        except (OSError, imaplib.IMAP4.error, ssl.SSLError, EOFError) as exc:
            report.failed.append(box.name)
            _failed(sessions, box, type(exc).__name__, settings)
            LOG.warning("mailbox %s could not be read: %s", box.name, type(exc).__name__)
        else:
            _succeeded(sessions, box)
    return report


def fetch_mailbox(
    sessions: Callable[[], Session], box: Mailbox, settings: Settings, report: FetchReport
) -> None:
    """Import the mailbox's new messages, one transaction each, flagging each after its
    commit (see the module docstring)."""
    with _connected(box) as imap:
        uid_validity, keywords = _select(imap, box)
        criteria = ("UNKEYWORD", KEYWORD) if keywords else ("ALL",)
        uids = [int(u) for u in _ok(imap.uid("SEARCH", *criteria))[0].split()]
        known = _imported(sessions, box, uid_validity)
        for uid in uids:
            if uid not in known:
                raw = _fetch(imap, uid)
                if raw is None:
                    continue  # expunged meanwhile
                report.fetched += 1
                outcome = _import(sessions, box, settings, raw, uid_validity, uid)
                if outcome.created:
                    report.created += 1
                elif outcome.case_id is not None and outcome.ignored is None:
                    report.threaded += 1
                else:
                    report.ignored += 1
            if keywords:
                _ok(imap.uid("STORE", str(uid), "+FLAGS", f"({KEYWORD})"))


@contextmanager
def _connected(box: Mailbox) -> Iterator[imaplib.IMAP4]:
    tls, host, port, user, password, _folder = box.imap
    imap: imaplib.IMAP4
    if tls:
        context = ssl.create_default_context()
        imap = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=TIMEOUT_SECONDS)
    else:
        imap = imaplib.IMAP4(host, port, timeout=TIMEOUT_SECONDS)
    try:
        imap.login(user, password)
        yield imap
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error, EOFError):
            pass  # the connection is already gone


def _select(imap: imaplib.IMAP4, box: Mailbox) -> tuple[int, bool]:
    """Open the folder; its UIDVALIDITY and whether the server keeps our keyword."""
    folder = box.imap[5]
    _ok(imap.select(_quoted(folder)))
    found = imap.response("UIDVALIDITY")[1]
    if not found or found[0] is None:
        raise imaplib.IMAP4.error("the server sent no UIDVALIDITY")
    flags = imap.response("PERMANENTFLAGS")[1]
    keywords = bool(flags and flags[0] and b"\\*" in flags[0])
    return int(found[0]), keywords


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ok(answer: tuple[str, list[bytes | None]]) -> list[bytes]:
    status, data = answer
    if status != "OK":
        raise imaplib.IMAP4.error(f"the server answered {status}")
    return [d for d in data if isinstance(d, bytes)] or [b""]


def _fetch(imap: imaplib.IMAP4, uid: int) -> bytes | None:
    status, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
    if status != "OK":
        raise imaplib.IMAP4.error(f"the server answered {status}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _imported(sessions: Callable[[], Session], box: Mailbox, uid_validity: int) -> set[int]:
    with sessions() as session:
        query = select(MailMessage.uid).where(
            MailMessage.mailbox == box.name, MailMessage.uid_validity == uid_validity
        )
        return {int(uid) for uid in session.scalars(query) if uid is not None}


def _import(
    sessions: Callable[[], Session],
    box: Mailbox,
    settings: Settings,
    raw: bytes,
    uid_validity: int,
    uid: int,
) -> inbound.Received:
    """Import one message in its own transaction; one the importer fails on (a bug, not
    bad mail: that is quarantined by `receive`) is kept raw for an admin all the same."""
    try:
        with sessions() as session:
            begin_writing(session)
            outcome = inbound.receive(
                session, raw, mailbox=box, settings=settings, uid_validity=uid_validity, uid=uid
            )
            session.commit()
        return outcome
    except Exception as exc:  # noqa: BLE001 - the message is kept, the fetch goes on
        LOG.exception("mailbox %s: importing UID %s failed", box.name, uid)
        with sessions() as session:
            begin_writing(session)
            reason = f"import failed: {type(exc).__name__}"
            outcome = inbound.quarantine(session, raw, box, reason, utcnow())
            session.commit()
        return outcome


def _state(session: Session, box: Mailbox) -> MailboxState:
    session.execute(
        insert_or_ignore(session, MailboxState, {"mailbox": box.name}, unique=["mailbox"])
    )
    state = session.scalar(select(MailboxState).where(MailboxState.mailbox == box.name))
    assert state is not None
    return state


def _succeeded(sessions: Callable[[], Session], box: Mailbox) -> None:
    with sessions() as session:
        begin_writing(session)
        state = _state(session, box)
        state.failures, state.failing_since, state.last_error = 0, None, None
        state.last_success_at = utcnow()
        session.commit()


def _failed(sessions: Callable[[], Session], box: Mailbox, error: str, settings: Settings) -> None:
    """Count the failure; at `ALERT_AFTER` in a row, tell every active admin once."""
    now = utcnow()
    with sessions() as session:
        begin_writing(session)
        state = _state(session, box)
        state.failures += 1
        state.failing_since = state.failing_since or now
        state.last_error = error[:200]
        if state.failures == ALERT_AFTER:
            _alert(session, box, state, settings, now)
        session.commit()


def _alert(
    session: Session, box: Mailbox, state: MailboxState, settings: Settings, now: datetime
) -> None:
    admins = session.scalars(
        select(User).where(User.role == Role.ADMIN.value, User.is_active.is_(True))
    )
    since = state.failing_since.isoformat() if state.failing_since else now.isoformat()
    for admin in admins:
        notifications.notify(
            session,
            user=admin,
            kind=FAILING.kind,
            params={"mailbox": box.name, "failures": state.failures, "error": state.last_error},
            dedupe_key=f"mail.failing:{box.name}:{since}:{admin.id}",
            now=now,
            settings=settings,
        )
