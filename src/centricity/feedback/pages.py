"""Page actions of feedback: the "mark as feedback" buttons of a contact on the customer
360 timeline and of a message on the case page, and taking the mark back. Each is a plain
form POST that redirects back (303), so it works without JavaScript."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.responses import RedirectResponse, Response

from centricity.accounts.models import Role, User
from centricity.feedback import case_section as _case_section  # noqa: F401  (case page)
from centricity.feedback import marking
from centricity.feedback import timeline as _timeline  # noqa: F401  (360 timeline)
from centricity.web.api import PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.routing import PrefixRouter

router = PrefixRouter(prefix="/feedback", include_in_schema=False)
Agent = Annotated[User, require_page(Role.AGENT)]


def _to_customer(customer_id: int) -> Response:
    return RedirectResponse(f"/customers/{customer_id}#timeline", status_code=303)


def _to_case(case_id: int) -> Response:
    return RedirectResponse(f"/cases/{case_id}#feedback", status_code=303)


@router.post("/contacts/{interaction_id}", dependencies=[Depends(csrf_protect)])
def mark_contact(session: DbSession, user: Agent, interaction_id: PathId) -> Response:
    """Mark a contact's note as the customer's feedback, then back to their timeline."""
    item = marking.mark_contact(session, interaction_id=interaction_id, actor=user)
    assert item.customer_id is not None
    return _to_customer(item.customer_id)


@router.post("/contacts/{interaction_id}/unmark", dependencies=[Depends(csrf_protect)])
def unmark_contact(session: DbSession, user: Agent, interaction_id: PathId) -> Response:
    """Take back the mark of a contact's note, then back to the customer's timeline."""
    return _to_customer(marking.unmark_contact(session, interaction_id=interaction_id, actor=user))


@router.post("/case-messages/{message_id}", dependencies=[Depends(csrf_protect)])
def mark_case_message(session: DbSession, user: Agent, message_id: PathId) -> Response:
    """Mark a public case message as feedback, then back to the case."""
    item = marking.mark_case_message(session, message_id=message_id, actor=user)
    assert item.case_id is not None
    return _to_case(item.case_id)


@router.post("/case-messages/{message_id}/unmark", dependencies=[Depends(csrf_protect)])
def unmark_case_message(session: DbSession, user: Agent, message_id: PathId) -> Response:
    """Take back the mark of a case message, then back to the case."""
    return _to_case(marking.unmark_case_message(session, message_id=message_id, actor=user))
