"""REST API of the mail channel: the inbound webhook a mail server or relay pipes mail into."""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.utils import getaddresses
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from centricity.accounts.models import Department, Role, User
from centricity.config import Settings
from centricity.kit.errors import DomainError, Invalid, PermissionDenied
from centricity.mail import inbound, mailboxes
from centricity.mail import notices as _notices  # noqa: F401  (the settings list its kinds)
from centricity.mail.mailboxes import Mailbox
from centricity.web.api import api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "mail")
RFC822 = "message/rfc822"
_HEADERS = BytesHeaderParser()


class TooLarge(DomainError):
    """The message is larger than `CENTRICITY_MAIL_MAX_MESSAGE_BYTES`."""

    status_code = 413


class WrongType(DomainError):
    """The body is not sent as `message/rfc822`."""

    status_code = 415


async def raw_message(request: Request) -> bytes:
    """The request body, read up to the size limit (a larger one is refused with 413 before
    it is all in memory)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != RFC822:
        raise WrongType(f"send the raw message with Content-Type: {RFC822}")
    settings: Settings = request.app.state.settings
    limit = settings.mail_max_message_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the message is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the message is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/mail/inbound",
    status_code=201,
    responses={
        201: {"description": "A case was opened or the message joined one: `case_id`, `created`."},
        202: {"description": "Accepted without a case: `ignored` says why (`auto-reply`, "
              "`bounce`, `list`, `blocked`, `no-sender`, `duplicate`, `unreadable`)."},
        413: {"description": "Larger than `CENTRICITY_MAIL_MAX_MESSAGE_BYTES`."},
        415: {"description": "Not sent as `message/rfc822`."},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {RFC822: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)  # fmt: skip
def receive_mail(
    request: Request,
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    raw: Annotated[bytes, Depends(raw_message)],
) -> JSONResponse:
    """Take one raw RFC 822 message (a mail server or relay pipes mail in): it opens a case,
    joins the conversation of the case it answers, or is ignored with the reason. The
    token must work in the department of the mailbox it was sent to (admins: any)."""
    settings: Settings = request.app.state.settings
    box = _mailbox(session, settings, raw, user)
    outcome = inbound.receive(session, raw, mailbox=box, settings=settings, actor=user)
    if outcome.ignored is not None:
        return JSONResponse({"ignored": outcome.ignored}, status_code=202)
    return JSONResponse({"case_id": outcome.case_id, "created": outcome.created}, status_code=201)


def _mailbox(session: DbSession, settings: Settings, raw: bytes, user: User) -> Mailbox:
    """The configured mailbox the message was sent to, or, without a mailboxes file, one
    for the token's department; the token must work in its department."""
    boxes = mailboxes.load(settings)
    own = session.get(Department, user.department_id) if user.department_id else None
    if boxes:
        delivered, sent_to = _recipients(raw)
        box = mailboxes.for_recipients(boxes, delivered, sent_to, own.name if own else None)
        assert box is not None
    else:
        department = session.get(Department, user.department_id) if user.department_id else None
        if department is None:
            raise Invalid(
                "no mailboxes are configured and the token's user has no department",
                field="department",
            )
        box = Mailbox(
            name=mailboxes.WEBHOOK, department=department.name, address=settings.smtp_from
        )
    if user.role_enum is not Role.ADMIN:
        if own is None or own.name != box.department:
            raise PermissionDenied("the token does not work in this mailbox's department")
    return box


def _recipients(raw: bytes) -> tuple[list[str], list[str]]:
    """The addresses the message was delivered to (`Delivered-To`, `X-Original-To`) and
    sent to (`To`, `Cc`), from its headers only."""
    try:
        headers = _HEADERS.parsebytes(raw[:262144])
    except Exception:  # noqa: BLE001 - an unreadable message goes to the first mailbox
        return [], []

    def addresses(*names: str) -> list[str]:
        values = [str(v) for name in names for v in (headers.get_all(name) or [])]
        return [address for _, address in getaddresses(values) if "@" in address]

    return addresses("Delivered-To", "X-Original-To"), addresses("To", "Cc")
