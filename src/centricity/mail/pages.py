"""The admin page of the mail channel: how reading each mailbox goes, and the mail that
could not be imported, kept raw, to download, import again or delete.

`/settings/mail` lists the configured mailboxes (address, department, whether they are
read over IMAP, failures in a row with the last error's kind, the last good fetch) and the
quarantine, newest first. A quarantined message can be downloaded as it arrived, imported
again (after a fix, or once its mailbox's department exists; it leaves the quarantine when
it imports or is recognised as already imported) or deleted. Admins only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import undefer

from centricity.accounts.models import Role, User
from centricity.audit import service as audit
from centricity.kit.errors import DomainError, NotFound
from centricity.kit.time import utcnow
from centricity.mail import inbound, mailboxes
from centricity.mail.mailboxes import Mailbox
from centricity.mail.models import MailboxState, MailQuarantine
from centricity.web.api import PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/settings/mail", include_in_schema=False)
Admin = Annotated[User, require_page(Role.ADMIN)]
HOME = "/settings/mail"
PAGE_SIZE = 100


@router.get("", response_class=HTMLResponse)
def mail_settings(request: Request, session: DbSession, user: Admin) -> Response:
    """The mailboxes and their state, and the quarantined mail, newest first."""
    settings = request.app.state.settings
    boxes = mailboxes.load(settings)
    states = {s.mailbox: s for s in session.scalars(select(MailboxState))}
    quarantined = list(
        session.scalars(
            select(MailQuarantine)
            .order_by(MailQuarantine.received_at.desc(), MailQuarantine.id.desc())
            .limit(PAGE_SIZE)
        )
    )
    context = {
        "user": user,
        "boxes": boxes,
        "states": states,
        "quarantined": quarantined,
        "done": request.query_params.get("done", ""),
        "file_configured": settings.mail_mailboxes_file is not None,
    }
    return render(request, "mail/settings.html", context)


@router.get("/quarantine/{quarantine_id}/raw")
def download(session: DbSession, user: Admin, quarantine_id: PathId) -> Response:
    """The quarantined message exactly as it arrived, to read in a mail program."""
    item = _item(session, quarantine_id, raw=True)
    audit.record(
        session, actor=user, action="mail.quarantine.download", entity=("mail_quarantine", item.id)
    )
    return Response(
        item.raw,
        media_type="message/rfc822",
        headers={"Content-Disposition": f'attachment; filename="quarantine-{item.id}.eml"'},
    )


@router.post("/quarantine/{quarantine_id}/retry", dependencies=[Depends(csrf_protect)])
def retry(request: Request, session: DbSession, user: Admin, quarantine_id: PathId) -> Response:
    """Import the message again; it leaves the quarantine when it imports, is recognised
    as imported already, or is machine mail; otherwise it stays with the new reason."""
    item = _item(session, quarantine_id, raw=True)
    settings = request.app.state.settings
    box = mailboxes.by_name(mailboxes.load(settings), item.mailbox) or _fallback(user, item)
    raw, reason = item.raw, item.reason
    session.delete(item)
    session.flush()
    try:
        with session.begin_nested():
            outcome = inbound.receive(session, raw, mailbox=box, settings=settings)
    except DomainError as exc:
        outcome = inbound.quarantine(session, raw, box, f"import failed: {exc}"[:300], utcnow())
    audit.record(
        session,
        actor=user,
        action="mail.quarantine.retry",
        entity=("mail_quarantine", quarantine_id),
        details={"result": outcome.ignored or ("created" if outcome.created else "threaded"),
                 "reason": reason},
    )  # fmt: skip
    done = "kept" if outcome.ignored == "unreadable" else "imported"
    return RedirectResponse(f"{HOME}?done={done}#quarantine", status_code=303)


@router.post("/quarantine/{quarantine_id}/delete", dependencies=[Depends(csrf_protect)])
def remove(session: DbSession, user: Admin, quarantine_id: PathId) -> Response:
    """Delete a quarantined message for good (spam, or one imported by hand)."""
    item = _item(session, quarantine_id, raw=False)
    session.execute(delete(MailQuarantine).where(MailQuarantine.id == item.id))
    audit.record(
        session, actor=user, action="mail.quarantine.delete", entity=("mail_quarantine", item.id)
    )
    return RedirectResponse(f"{HOME}?done=deleted#quarantine", status_code=303)


def _item(session: DbSession, item_id: int, *, raw: bool) -> MailQuarantine:
    query = select(MailQuarantine).where(MailQuarantine.id == item_id)
    if raw:
        query = query.options(undefer(MailQuarantine.raw))
    item = session.scalar(query)
    if item is None:
        raise NotFound("no such message in quarantine")
    return item


def _fallback(user: User, item: MailQuarantine) -> Mailbox:
    """A mailbox no longer configured: import as the webhook would without a file."""
    del user
    return Mailbox(name=item.mailbox, department=None, address="")
