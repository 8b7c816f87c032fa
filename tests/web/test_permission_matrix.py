"""The permission matrix: every route × every principal → the expected status.

A route added without a row here fails `test_it_lists_every_route_in_the_matrix`; a route
without a role marker, or an unsafe cookie route without CSRF, fails the walker tests.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.calendars import service as calendars
from centricity.calendars.hours import WEEKDAYS
from centricity.cases import breach as _breach  # noqa: F401  (registers notice kinds)
from centricity.cases import policies as cases_policies
from centricity.cases import service as cases
from centricity.cases.models import SavedQueue
from centricity.cases.schemas import CaseCreate, ReplyCreate, SlaPolicyCreate
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.events import rules as event_rules
from centricity.events import service as events
from centricity.events.schemas import EventCreate, NoticeRuleCreate
from centricity.feedback import service as feedback
from centricity.feedback.analysis.models import Theme
from centricity.feedback.schemas import FeedbackCreate
from centricity.ideas import merges as idea_merges
from centricity.ideas import service as ideas
from centricity.ideas.schemas import IdeaCreate
from centricity.imports.models import DuplicatePair, ImportJob
from centricity.interactions import service as interactions
from centricity.interactions.models import Channel
from centricity.interactions.schemas import InteractionCreate
from centricity.mail import inbound
from centricity.mail.mailboxes import Mailbox
from centricity.mail.models import MailAttachment, MailMessage, MailQuarantine
from centricity.notifications import service as notifications
from centricity.notifications import unsubscribe
from centricity.orders import service as orders
from centricity.orders.schemas import OrderCreate
from centricity.site.routes import iter_routes
from centricity.surveys import campaigns as survey_campaigns
from centricity.surveys import questions as survey_questions
from centricity.surveys import service as surveys
from centricity.surveys.campaign_schemas import CampaignCreate
from centricity.surveys.schemas import InvitationCreate, QuestionIn, SurveyCreate
from centricity.web.csrf import LOGIN_CSRF_COOKIE, is_csrf_dependency, new_login_token
from centricity.web.deps import dependency_markers
from closed_loop_helpers import cause_id, follow_up_task
from store_helpers import TEST_SECRET

PRINCIPALS = ("anon", "viewer", "agent", "manager", "admin", "ro_token", "rw_token")

# Page routes: anonymous callers and API tokens are sent to /login (303).
PAGE_VIEW = (303, 200, 200, 200, 200, 303, 303)
PAGE_AGENT_VIEW = (303, 403, 200, 200, 200, 303, 303)
PAGE_AGENT_POST = (303, 403, 303, 303, 303, 303, 303)
PAGE_VIEWER_POST = (303,) * 7
PAGE_ADMIN = (303, 403, 403, 403, 200, 303, 303)
PAGE_MANAGER_POST = (303, 403, 403, 303, 303, 303, 303)
PAGE_ADMIN_POST = (303, 403, 403, 403, 303, 303, 303)
PAGE_MANAGER_VIEW = (303, 403, 403, 200, 200, 303, 303)
PAGE_MANAGER_UPLOAD = (303, 403, 403, 422, 422, 303, 303)  # no file in the form: 422
# API routes: no token → 401; read-only token (an admin's) cannot write; rw token is Bob's.
API_READ = (401, 200, 200, 200, 200, 200, 200)
API_AGENT_CREATE = (401, 403, 201, 201, 201, 403, 201)
API_AGENT_UPDATE = (401, 403, 200, 200, 200, 403, 200)
API_MANAGER_CREATE = (401, 403, 403, 201, 201, 403, 403)
API_MANAGER_DELETE = (401, 403, 403, 204, 204, 403, 403)
API_AGENT_INGEST = (401, 403, 200, 200, 200, 403, 200)
API_MANAGER_READ = (401, 403, 403, 200, 200, 200, 403)
API_AGENT_READ = (401, 403, 200, 200, 200, 200, 200)
API_ADMIN_CREATE = (401, 403, 403, 403, 201, 403, 403)
API_VIEWER_POST = (401, 200, 200, 200, 200, 403, 200)
API_VIEWER_WRITE = (401, 200, 200, 200, 200, 403, 200)
# A notice belongs to Bob: others answer 404 as for a notice that does not exist.
API_OWN_NOTICE = (401, 404, 204, 404, 404, 403, 204)
API_ADMIN_UPDATE = (401, 403, 403, 403, 200, 403, 403)
# A saved view and a notice belong to Bob: others' pages answer 404 as for none at all.
PAGE_OWN_VIEW = (303, 404, 303, 404, 404, 303, 303)
PAGE_OWN_NOTICE = (303, 404, 303, 404, 404, 303, 303)
PUBLIC = (200,) * 7


@dataclass
class Row:
    """One (method, path) of the matrix with the request to send and expected statuses."""

    method: str
    path: str
    expected: tuple[int, ...]
    body: Callable[[dict[str, int]], dict[str, Any]] | None = None
    form: dict[str, str] = field(default_factory=dict)
    query: str = ""
    raw: Callable[[], bytes] | None = None  # sent as message/rfc822
    # A path placeholder filled from another record: {"idea_id": "merged_idea"}.
    path_ids: dict[str, str] = field(default_factory=dict)


def _customer_body(ids: dict[str, int]) -> dict[str, Any]:
    return {"name": "Nová Zákaznice", "external_id": f"NEW-{ids['customer']}", "country": "CZ"}


def _interaction_body(ids: dict[str, int]) -> dict[str, Any]:
    return {
        "customer_id": ids["customer"],
        "channel": "phone",
        "direction": "inbound",
        "started_at": "2026-01-05T10:00:00Z",
        "waiting_seconds": 20,
        "duration_seconds": 90,
        "note": "matrix",
    }


_SURVEY_BODY = {"name": "Matrix NPS", "kind": "nps", "languages": ["en", "cs"]}
_POLICY_NUMBERS = itertools.count(1)
_MAIL_NUMBERS = itertools.count(1)
# Without a mailboxes file the webhook files mail under the token's department; the admin
# belongs to none, so its mail has nowhere to go (422).
API_MAIL_INBOUND = (401, 403, 201, 201, 422, 403, 201)


def _inbound_mail() -> bytes:
    number = next(_MAIL_NUMBERS)
    return (
        f"From: Eva Malá <eva{number}@example.cz>\r\nTo: desk@firma.cz\r\n"
        f"Subject: Matrix {number}\r\nMessage-ID: <matrix-{number}@example.cz>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nDobrý den\r\n"
    ).encode()


API_MANAGER_UPDATE = (401, 403, 403, 200, 200, 403, 403)
_EVENT_FORM = {"customer_id": "{customer}", "kind": "visit", "starts_at": "2031-01-01T10:00"}
EVENT_ROWS = [
    Row("GET", "/events", PAGE_VIEW),
    Row("GET", "/events/new", PAGE_AGENT_VIEW),
    Row(
        "POST",
        "/events/new",
        PAGE_AGENT_POST,
        form={**_EVENT_FORM, "department_id": "{department}"},
    ),
    Row("GET", "/events/{event_id}", PAGE_VIEW),
    Row("POST", "/events/{event_id}/move", PAGE_AGENT_POST, form={"starts_at": "2031-02-01T10:00"}),
    Row("POST", "/events/{event_id}/cancel", PAGE_AGENT_POST),
    Row("POST", "/events/{event_id}/done", PAGE_AGENT_POST),
    Row("POST", "/events/{event_id}/calls", PAGE_AGENT_POST, form={"outcome": "reached"}),
    Row("GET", "/settings/notices", PAGE_MANAGER_VIEW),
    Row(
        "POST",
        "/settings/notices",
        PAGE_MANAGER_POST,
        form={
            "event_kind": "visit",
            "minutes_before": "30",
            "action": "email",
            "department_id": "{department}",
        },
    ),  # fmt: skip
    Row("POST", "/settings/notices/{rule_id}", PAGE_MANAGER_POST, form={"minutes_before": "45"}),
    Row("POST", "/settings/notices/{rule_id}/delete", PAGE_MANAGER_POST),
    Row("GET", "/api/v1/events", API_READ),
    Row(
        "POST",
        "/api/v1/events",
        API_AGENT_CREATE,
        body=lambda ids: {
            "customer_id": ids["customer"],
            "kind": "delivery",
            "starts_at": "2031-01-01T10:00:00Z",
            "department_id": ids["department"],
        },
    ),  # fmt: skip
    Row("GET", "/api/v1/events/metrics", API_MANAGER_READ, query="?from=2026-01-01&to=2026-12-31"),
    Row("GET", "/api/v1/events/{event_id}", API_READ),
    Row("PATCH", "/api/v1/events/{event_id}", API_AGENT_UPDATE, body=lambda _ids: {"note": "m"}),
    Row(
        "POST",
        "/api/v1/events/{event_id}/calls",
        API_AGENT_CREATE,
        body=lambda _ids: {"outcome": "no_answer"},
    ),
    Row("GET", "/api/v1/notice-rules", API_READ),
    Row(
        "POST",
        "/api/v1/notice-rules",
        API_MANAGER_CREATE,
        body=lambda ids: {
            "event_kind": "visit",
            "minutes_before": 30,
            "action": "email",
            "department_id": ids["department"],
        },
    ),  # fmt: skip
    Row(
        "PATCH",
        "/api/v1/notice-rules/{rule_id}",
        API_MANAGER_UPDATE,
        body=lambda _ids: {"minutes_before": 45},
    ),
    Row("DELETE", "/api/v1/notice-rules/{rule_id}", API_MANAGER_DELETE),
]


API_AGENT_DELETE = (401, 403, 204, 204, 204, 403, 204)
_QUESTION = {"kind": "text", "texts": {"en": "Why?"}}
_QUESTION_FORM = {"kind": "text", "text_en": "Why?"}
# The matrix survey (NPS, English) gets a fresh unanswered question per request.
QUESTION_ROWS = [
    Row("GET", "/api/v1/surveys/{survey_id}/questions", API_READ),
    Row(
        "POST",
        "/api/v1/surveys/{survey_id}/questions",
        API_MANAGER_CREATE,
        body=lambda _ids: _QUESTION,
    ),
    Row(
        "PATCH",
        "/api/v1/surveys/{survey_id}/questions/{question_id}",
        API_MANAGER_UPDATE,
        body=lambda _ids: {"required": True},
    ),
    Row("DELETE", "/api/v1/surveys/{survey_id}/questions/{question_id}", API_MANAGER_DELETE),
    Row("GET", "/voice/surveys/{survey_id}/questions", PAGE_VIEW),
    Row("POST", "/voice/surveys/{survey_id}/questions", PAGE_MANAGER_POST, form=_QUESTION_FORM),
    Row("GET", "/voice/surveys/{survey_id}/questions/{question_id}", PAGE_MANAGER_VIEW),
    Row(
        "POST",
        "/voice/surveys/{survey_id}/questions/{question_id}",
        PAGE_MANAGER_POST,
        form=_QUESTION_FORM,
    ),
    Row("POST", "/voice/surveys/{survey_id}/questions/{question_id}/delete", PAGE_MANAGER_POST),
    Row(
        "POST",
        "/voice/surveys/{survey_id}/questions/{question_id}/move",
        PAGE_MANAGER_POST,
        form={"direction": "up"},
    ),
]
_FEEDBACK_NUMBERS = itertools.count(1)


def _feedback_body(ids: dict[str, int]) -> dict[str, Any]:
    number = next(_FEEDBACK_NUMBERS)
    return {"customer_id": ids["customer"], "source": "review", "text": f"Matrix {number}"}


FEEDBACK_ROWS = [
    Row("GET", "/api/v1/feedback", API_READ, query="?customer_id=1"),
    Row("POST", "/api/v1/feedback", API_AGENT_CREATE, body=_feedback_body),
    Row("GET", "/api/v1/feedback/{item_id}", API_READ),
    Row("PUT", "/api/v1/interactions/{interaction_id}/feedback", API_AGENT_UPDATE, body=dict),
    Row("DELETE", "/api/v1/interactions/{interaction_id}/feedback", API_AGENT_DELETE),
    Row("PUT", "/api/v1/case-messages/{message_id}/feedback", API_AGENT_UPDATE, body=dict),
    Row("DELETE", "/api/v1/case-messages/{message_id}/feedback", API_AGENT_DELETE),
    Row("GET", "/feedback", PAGE_VIEW, query="?band=happy&source=review&from=2026-01-01"),
    Row("POST", "/feedback/contacts/{interaction_id}", PAGE_AGENT_POST),
    Row("POST", "/feedback/contacts/{interaction_id}/unmark", PAGE_AGENT_POST),
    Row("POST", "/feedback/case-messages/{message_id}", PAGE_AGENT_POST),
    Row("POST", "/feedback/case-messages/{message_id}/unmark", PAGE_AGENT_POST),
]
IDEA_ROWS = [
    Row("GET", "/ideas", PAGE_VIEW),
    Row("GET", "/ideas/new", PAGE_AGENT_VIEW),
    Row("GET", "/ideas/add", PAGE_AGENT_VIEW, query="?feedback_id={feedback}"),
    Row(
        "POST",
        "/ideas/add",
        PAGE_AGENT_POST,
        form={"case_id": "{case}", "title": "Matrix idea", "next": "/cases/{case}#ideas"},
    ),
    Row("POST", "/ideas/new", PAGE_AGENT_POST, form={"title": "Matrix idea"}),
    Row("GET", "/ideas/{idea_id}", PAGE_VIEW),
    Row("POST", "/ideas/{idea_id}/edit", PAGE_AGENT_POST, form={"title": "Matrix idea"}),
    Row("POST", "/ideas/{idea_id}/status", PAGE_MANAGER_POST, form={"status": "planned"}),
    Row("POST", "/ideas/{idea_id}/requesters", PAGE_AGENT_POST, form={"customer": "{customer}"}),
    Row("POST", "/ideas/{idea_id}/merge", PAGE_MANAGER_POST, form={"into_id": "{survivor}"}),
    Row("POST", "/ideas/{idea_id}/unmerge", PAGE_MANAGER_POST, path_ids={"idea_id": "merged_idea"}),
    Row("GET", "/api/v1/ideas", API_READ, query="?sort=value"),
    Row("POST", "/api/v1/ideas", API_AGENT_CREATE, body=lambda _ids: {"title": "Matrix idea"}),
    Row("GET", "/api/v1/ideas/{idea_id}", API_READ),
    Row("PATCH", "/api/v1/ideas/{idea_id}", API_AGENT_UPDATE, body=lambda _ids: {"title": "M"}),
    Row(
        "POST",
        "/api/v1/ideas/{idea_id}/requesters",
        API_AGENT_CREATE,
        body=lambda ids: {"customer_id": ids["customer"], "importance": "dealbreaker"},
    ),
    Row(
        "POST",
        "/api/v1/ideas/{idea_id}/merge",
        API_MANAGER_UPDATE,
        body=lambda ids: {"into_id": ids["survivor"]},
    ),
    Row(
        "DELETE",
        "/api/v1/ideas/{idea_id}/merge",
        API_MANAGER_UPDATE,
        path_ids={"idea_id": "merged_idea"},
    ),
]


_CALL_NUMBERS = itertools.count(1)
API_AGENT_CALL_EVENT = (401, 403, 202, 202, 202, 403, 202)


def _call_event(_ids: dict[str, int]) -> dict[str, Any]:
    """A new call each time (another call's events would be another department's)."""
    return {"event": "newCall", "call_id": f"matrix-{next(_CALL_NUMBERS)}", "from": "601234567"}


def _case_body(ids: dict[str, int]) -> dict[str, Any]:
    return {
        "customer_id": ids["customer"],
        "subject": "Matrix case",
        "channel": "email",
        "department_id": ids["department"],  # admins belong to no department
    }


def _order_body(ids: dict[str, int]) -> dict[str, Any]:
    return {
        "customer_id": ids["customer"],
        "ordered_at": "2026-01-05T10:00:00Z",
        "currency": "EUR",
        "total_amount": "10.00",
    }


_FOLLOW_UP = {"case_id": "follow_up"}
# The closed loop: a fresh follow-up task of Department A per principal (Vera sees it).
CLOSED_LOOP_ROWS = [
    Row("GET", "/voice/root-causes", PAGE_MANAGER_VIEW),
    Row("POST", "/voice/root-causes", PAGE_MANAGER_POST, form={"name_en": "Matrix cause"}),
    Row(
        "POST",
        "/voice/root-causes/{cause_id}",
        PAGE_MANAGER_POST,
        form={"name_en": "Delivery", "name_cs": "Doručení", "active": "1"},
    ),
    Row(
        "POST",
        "/cases/{case_id}/follow-up/close",
        PAGE_AGENT_POST,
        form={"outcome": "not_reached", "root_cause_id": "{cause}"},
        path_ids=_FOLLOW_UP,
    ),
    Row("GET", "/api/v1/follow-ups/{case_id}", API_READ, path_ids=_FOLLOW_UP),
    Row(
        "POST",
        "/api/v1/follow-ups/{case_id}/close",
        API_AGENT_UPDATE,
        body=lambda ids: {"outcome": "not_reached", "root_cause_id": ids["cause"]},
        path_ids=_FOLLOW_UP,
    ),
    Row("GET", "/api/v1/follow-up-root-causes", API_READ),
    Row(
        "POST",
        "/api/v1/follow-up-root-causes",
        API_MANAGER_CREATE,
        body=lambda _ids: {"names": {"en": "Matrix cause"}},
    ),
    Row(
        "PATCH",
        "/api/v1/follow-up-root-causes/{cause_id}",
        API_MANAGER_UPDATE,
        body=lambda _ids: {"position": 5},
    ),
    Row("GET", "/api/v1/voice/closed-loop", API_READ, query="?from=2026-01-01&to=2031-12-31"),
]


MATRIX: list[Row] = [
    Row("GET", "/healthz", PUBLIC),
    Row("GET", "/u/{token}", PUBLIC),
    Row("POST", "/u/{token}", PUBLIC),
    Row("GET", "/s/{token}", PUBLIC),
    # The matrix survey has a custom question after the score, so a saved first page
    # goes on to it: 303 to the next page, for anyone holding the link.
    Row("POST", "/s/{token}", (303,) * 7, form={"page": "main", "score": "9"}),
    Row("POST", "/api/v1/surveys", API_MANAGER_CREATE, body=lambda _ids: _SURVEY_BODY),
    Row("GET", "/api/v1/surveys", API_READ),
    Row("GET", "/api/v1/surveys/{survey_id}", API_READ),
    Row(
        "POST",
        "/api/v1/surveys/{survey_id}/invitations",
        API_AGENT_CREATE,
        body=lambda ids: {"customer_id": ids["buyer"]},  # "customer" has a survey link
    ),
    Row("GET", "/api/v1/voice/metrics", API_READ),
    Row("GET", "/api/v1/voice/themes", API_READ, query="?from=2026-01-01&to=2031-12-31"),
    Row("GET", "/api/v1/voice/themes/{theme_id}", API_READ),
    Row(
        "PATCH",
        "/api/v1/voice/themes/{theme_id}",
        API_MANAGER_UPDATE,
        body=lambda _ids: {"name": "M"},
    ),
    Row(
        "POST",
        "/api/v1/voice/themes/{theme_id}/merge",
        API_MANAGER_UPDATE,
        body=lambda ids: {"into": ids["other_theme"]},
    ),
    # No theme model in this store (no analysis ran): a manager's split is refused (409).
    Row("POST", "/api/v1/voice/themes/{theme_id}/split", (401, 403, 403, 409, 409, 403, 403)),
    Row("GET", "/api/v1/voice/drivers", API_READ, query="?metric=csat"),
    Row("GET", "/api/v1/voice/spikes", API_READ),
    # Campaigns: the matrix survey has no department, so the admin runs it too.
    Row(
        "POST",
        "/api/v1/surveys/{survey_id}/campaigns",
        API_MANAGER_CREATE,
        body=lambda _ids: {"name": "Matrix campaign", "trigger": "case_solved"},
    ),
    Row("GET", "/api/v1/surveys/{survey_id}/campaigns", API_READ),
    Row(
        "PATCH",
        "/api/v1/campaigns/{campaign_id}",
        API_MANAGER_UPDATE,
        body=lambda _ids: {"active": True},
    ),
    Row(
        "POST",
        "/api/v1/campaigns/{campaign_id}/send",
        (401, 403, 403, 202, 202, 403, 403),
        body=lambda _ids: {},
    ),
    Row("GET", "/api/v1/voice/verbatims", API_READ),
    *QUESTION_ROWS,
    Row("GET", "/api/openapi.json", PUBLIC),
    Row("GET", "/api/docs", PUBLIC),
    Row("GET", "/static/app.css", PUBLIC),
    Row("GET", "/static/{name}", PUBLIC),
    Row("GET", "/static/vendor/plotly.min.js", PUBLIC),
    Row("GET", "/static/vendor/htmx.min.js", PUBLIC),
    Row("GET", "/login", (200, 303, 303, 303, 303, 200, 200)),
    # Seven failed logins from one address: the sixth and seventh are throttled.
    Row(
        "POST",
        "/login",
        (400, 400, 400, 400, 400, 429, 429),
        form={"email": "nobody@test.example", "password": "wrong-pass"},
    ),
    Row("POST", "/logout", (303,) * 7),
    Row("GET", "/", PAGE_VIEW),
    Row("GET", "/cases", PAGE_VIEW),
    # Service-desk pages: the matrix case is Department A's (Bob, Alice and Vera's).
    Row("GET", "/cases/new", PAGE_AGENT_VIEW),
    Row(
        "POST",
        "/cases/new",
        PAGE_AGENT_POST,
        form={"customer_id": "{customer}", "subject": "Form case", "department_id": "{department}"},
    ),
    Row("GET", "/cases/{case_id}", PAGE_VIEW),
    Row("POST", "/cases/{case_id}/replies", PAGE_AGENT_POST, form={"body": "x", "kind": "note"}),
    # A stored attachment of the matrix case's mail: every case viewer may download it.
    Row("GET", "/cases/{case_id}/attachments/{attachment_id}", PAGE_VIEW),
    Row("POST", "/cases/{case_id}/edit", PAGE_AGENT_POST, form={"tags": "matrix"}),
    Row("POST", "/cases/{case_id}/contacts", PAGE_AGENT_POST, form={"channel": "phone"}),
    Row(
        "POST",
        "/cases/bulk",
        PAGE_AGENT_POST,
        form={"ids": "{case}", "action": "status", "status": "open"},
    ),
    Row("POST", "/cases/views", PAGE_VIEWER_POST, form={"name": "Mine", "query": "queue=mine"}),
    Row("POST", "/cases/views/{view_id}/delete", PAGE_OWN_VIEW),
    Row("GET", "/service", PAGE_MANAGER_VIEW),
    Row("GET", "/notifications", PAGE_VIEW),
    Row("POST", "/notifications/{notification_id}/read", PAGE_OWN_NOTICE, form={"next": "/"}),
    Row("POST", "/notifications/read-all", PAGE_VIEWER_POST),
    Row("POST", "/notifications/settings", PAGE_VIEWER_POST, form={"email": "sla.warning"}),
    Row("GET", "/voice", PAGE_VIEW),
    Row("GET", "/voice/themes/{theme_id}", PAGE_VIEW),
    Row("POST", "/voice/themes/{theme_id}/name", PAGE_MANAGER_POST, form={"name": "Matrix"}),
    Row("POST", "/voice/themes/{theme_id}/owner", PAGE_MANAGER_POST, form={"owner_user_id": ""}),
    Row(
        "POST",
        "/voice/themes/{theme_id}/keywords",
        PAGE_MANAGER_POST,
        form={"keywords": "late parcel"},
    ),
    Row(
        "POST",
        "/voice/themes/{theme_id}/merge",
        PAGE_MANAGER_POST,
        form={"into": "{other_theme}"},
    ),
    # No theme model in this store (no analysis ran): the page says so (409).
    Row("POST", "/voice/themes/{theme_id}/split", (303, 403, 403, 409, 409, 303, 303)),
    Row(
        "POST",
        "/voice/surveys",
        PAGE_MANAGER_POST,
        form={"name": "Matrix CSAT", "kind": "csat", "languages": "cs"},
    ),
    # The new link is shown once on the page itself (200), not behind a redirect.
    Row(
        "POST",
        "/voice/surveys/{survey_id}/invitations",
        (303, 403, 200, 200, 200, 303, 303),
        form={"customer_id": "{buyer}"},
    ),
    Row("GET", "/voice/surveys/{survey_id}", PAGE_VIEW),
    Row(
        "POST",
        "/voice/surveys/{survey_id}/settings",
        PAGE_MANAGER_POST,
        form={"name": "Matrix", "active": "1"},
    ),
    Row(
        "POST",
        "/voice/surveys/{survey_id}/campaigns",
        PAGE_MANAGER_POST,
        form={"name": "Form campaign", "trigger": "case_solved"},
    ),
    Row("POST", "/voice/campaigns/{campaign_id}/active", PAGE_MANAGER_POST, form={"active": "1"}),
    Row("POST", "/voice/campaigns/{campaign_id}/send", PAGE_MANAGER_POST),
    Row("GET", "/value", PAGE_VIEW),
    Row("GET", "/insights", PAGE_VIEW),
    Row("POST", "/value/analyze", PAGE_MANAGER_POST),
    Row("GET", "/api/v1/customers/{customer_id}/value", API_READ),
    Row("GET", "/api/v1/value/segments", API_READ),
    Row("GET", "/api/v1/value/tiers", API_READ),
    Row("GET", "/api/v1/value/at-risk", API_READ),
    Row("GET", "/settings", PAGE_VIEW),
    Row("POST", "/settings/preferences", PAGE_VIEWER_POST, form={"language": "cs"}),
    Row("POST", "/settings/language", PAGE_VIEWER_POST, form={"language": "pl", "next": "/"}),
    Row(
        "POST",
        "/settings/users",
        PAGE_ADMIN_POST,
        form={
            "name": "New Person",
            "email": "new.person@test.example",
            "role": "agent",
            "password": "another-good-passphrase",
        },
    ),
    Row("POST", "/settings/users/{user_id}/tokens", PAGE_ADMIN),
    Row("POST", "/settings/users/{user_id}/tokens/revoke", PAGE_ADMIN_POST),
    Row("POST", "/settings/users/{user_id}/deactivate", PAGE_ADMIN_POST),
    Row("POST", "/settings/users/{user_id}/activate", PAGE_ADMIN_POST),
    Row("GET", "/settings/audit", PAGE_ADMIN),
    # Service-level settings (admins): departments, calendars, policies, staff.
    Row("GET", "/settings/service-levels", PAGE_ADMIN),
    Row("POST", "/settings/service-levels/departments", PAGE_ADMIN_POST, form={"name": "Matrix"}),
    Row(
        "POST",
        "/settings/service-levels/staff/{user_id}",
        PAGE_ADMIN_POST,
        form={"department_id": "{department}", "calendar_id": "{calendar}"},
    ),
    Row("GET", "/settings/service-levels/calendars/new", PAGE_ADMIN),
    Row(
        "POST",
        "/settings/service-levels/calendars/new",
        PAGE_ADMIN_POST,
        form={
            "name": "Matrix form hours",
            "time_zone": "Europe/Prague",
            "hours_mon": "08:00-16:00",
        },
    ),
    Row("GET", "/settings/service-levels/calendars/{calendar_id}", PAGE_ADMIN),
    # The matrix calendar is the 24/7 one: the form saves it as it is (it keeps its name).
    Row(
        "POST",
        "/settings/service-levels/calendars/{calendar_id}",
        PAGE_ADMIN_POST,
        form={
            "name": "24/7",
            "time_zone": "UTC",
            **{f"hours_{day}": "00:00-24:00" for day in WEEKDAYS},
        },
    ),
    Row("GET", "/settings/service-levels/policies/new", PAGE_ADMIN),
    Row(
        "POST",
        "/settings/service-levels/policies/new",
        PAGE_ADMIN_POST,
        form={
            "name": "Matrix form policy",
            "calendar_id": "{calendar}",
            "resolution_minutes": "60",
        },
    ),
    Row("GET", "/settings/service-levels/policies/{policy_id}", PAGE_ADMIN),
    Row(
        "POST",
        "/settings/service-levels/policies/{policy_id}",
        PAGE_ADMIN_POST,
        form={
            "name": "Matrix policy {policy}",
            "position": "500",
            "calendar_id": "{calendar}",
            "first_response_minutes": "30",
            "is_active": "1",
        },
    ),
    Row("GET", "/customers", PAGE_VIEW),
    Row("GET", "/customers/new", PAGE_AGENT_VIEW),
    Row("POST", "/customers/new", PAGE_AGENT_POST, form={"name": "Form Customer"}),
    Row("GET", "/customers/{customer_id}", PAGE_VIEW),
    Row("GET", "/customers/{customer_id}/timeline", PAGE_VIEW),
    Row(
        "POST",
        "/customers/{customer_id}/interactions",
        PAGE_AGENT_POST,
        form={"channel": "phone", "direction": "inbound", "note": "called"},
    ),
    Row(
        "POST",
        "/customers/{customer_id}/people",
        PAGE_AGENT_POST,
        form={"name": "Petra Malá", "job_title": "Buyer"},
    ),
    Row("GET", "/customers/{customer_id}/edit", PAGE_AGENT_VIEW),
    Row("POST", "/customers/{customer_id}/edit", PAGE_AGENT_POST, form={"name": "Renamed"}),
    Row("GET", "/api/v1/me", API_READ),
    Row("GET", "/api/v1/customers", API_READ),
    Row("POST", "/api/v1/customers", API_AGENT_CREATE, body=_customer_body),
    Row("GET", "/api/v1/customers/{customer_id}", API_READ),
    Row(
        "PATCH",
        "/api/v1/customers/{customer_id}",
        API_AGENT_UPDATE,
        body=lambda _ids: {"phone": "+46 70 123 45 67"},
    ),
    Row("DELETE", "/api/v1/customers/{customer_id}", API_MANAGER_DELETE),
    Row("GET", "/api/v1/customers/{customer_id}/timeline", API_READ),
    Row("GET", "/api/v1/customers/{customer_id}/contacts", API_READ),
    Row(
        "POST",
        "/api/v1/customers/{customer_id}/contacts",
        API_AGENT_CREATE,
        body=lambda _ids: {"name": "Petra Malá", "email": "petra@example.cz"},
    ),
    Row("GET", "/api/v1/interactions", API_READ),
    Row("POST", "/api/v1/interactions", API_AGENT_CREATE, body=_interaction_body),
    Row("GET", "/api/v1/interactions/{interaction_id}", API_READ),
    Row("DELETE", "/api/v1/interactions/{interaction_id}", API_MANAGER_DELETE),
    Row("GET", "/api/v1/orders", API_READ),
    Row("POST", "/api/v1/orders", API_AGENT_CREATE, body=_order_body),
    Row("GET", "/api/v1/orders/{order_id}", API_READ),
    Row("GET", "/api/v1/products", API_READ),
    Row(
        "POST",
        "/api/v1/products",
        API_MANAGER_CREATE,
        body=lambda _ids: {"name": "Matrix product", "category": "Tests", "unit_price": "9.90"},
    ),
    # Import and ingest (imports domain): managers and admins; the ingest API takes agents.
    Row("GET", "/imports", PAGE_MANAGER_VIEW),
    Row("POST", "/imports", PAGE_MANAGER_UPLOAD, form={"kind": "customers"}),
    Row("GET", "/imports/{job_id}", PAGE_MANAGER_VIEW),
    Row("POST", "/imports/{job_id}/run", PAGE_MANAGER_POST, form={"action": "preview"}),
    Row("GET", "/imports/{job_id}/quarantine", PAGE_MANAGER_VIEW),
    Row("GET", "/customers/export", PAGE_MANAGER_VIEW),
    Row("GET", "/customers/duplicates", PAGE_MANAGER_VIEW),
    Row("POST", "/customers/duplicates/scan", PAGE_MANAGER_POST),
    Row("POST", "/customers/duplicates/{pair_id}/merge", PAGE_MANAGER_POST, form={"keep": "first"}),
    Row("POST", "/customers/duplicates/{pair_id}/dismiss", PAGE_MANAGER_POST),
    Row(
        "POST",
        "/api/v1/ingest/{kind}",
        API_AGENT_INGEST,
        body=lambda _ids: {"external_id": "MATRIX-1", "name": "Matrix Ingest"},
    ),
    Row("GET", "/api/v1/exports/customers", API_MANAGER_READ),
    # Organisation structure and business calendars (service desk).
    Row("GET", "/api/v1/departments", API_READ),
    Row("POST", "/api/v1/departments", API_ADMIN_CREATE, body=lambda _ids: {"name": "Matrix"}),
    Row("GET", "/api/v1/users", API_AGENT_READ),
    Row(
        "PATCH",
        "/api/v1/users/{user_id}",
        API_ADMIN_UPDATE,
        body=lambda ids: {"calendar_id": ids["calendar"]},
    ),
    Row("GET", "/api/v1/calendars", API_READ),
    Row(
        "POST",
        "/api/v1/calendars",
        API_ADMIN_CREATE,
        body=lambda _ids: {
            "name": "Matrix hours",
            "time_zone": "Europe/Stockholm",
            "hours": {"mon": [["08:00", "16:00"]]},
            "holiday_country": "SE",
            "holiday_categories": ["public", "de_facto"],
        },
    ),
    Row("GET", "/api/v1/calendars/{calendar_id}", API_READ),
    Row(
        "PATCH",
        "/api/v1/calendars/{calendar_id}",
        API_ADMIN_UPDATE,
        body=lambda _ids: {"closed_dates": ["2026-12-31"]},
    ),
    Row(
        "GET",
        "/api/v1/calendars/{calendar_id}/due",
        API_READ,
        query="?start=2026-12-04T17:00:00%2B01:00&minutes=60",
    ),
    # Service desk: cases of Department A (Bob's), SLA policies.
    Row("GET", "/api/v1/cases", API_READ),
    Row("POST", "/api/v1/cases", API_AGENT_CREATE, body=_case_body),
    Row("GET", "/api/v1/cases/{case_id}", API_READ),
    Row("PATCH", "/api/v1/cases/{case_id}", API_AGENT_UPDATE, body=lambda _ids: {"tags": ["vip"]}),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/replies",
        API_AGENT_CREATE,
        body=lambda _ids: {"body": "We are on it", "public": True},
    ),
    Row("GET", "/api/v1/cases/{case_id}/messages", API_READ),
    Row("GET", "/api/v1/cases/{case_id}/history", API_READ),
    Row("GET", "/api/v1/cases/{case_id}/interactions", API_READ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/interactions",
        API_AGENT_CREATE,
        body=lambda ids: {"interaction_id": ids["interaction"]},
    ),
    Row("GET", "/api/v1/sla-policies", API_READ),
    Row(
        "POST",
        "/api/v1/sla-policies",
        API_ADMIN_CREATE,
        body=lambda _ids: {"name": "Matrix policy", "first_response_minutes": 60},
    ),
    Row(
        "GET",
        "/api/v1/service/metrics",
        API_MANAGER_READ,
        query="?from=2026-01-01&to=2026-12-31&group_by=tier",
    ),
    Row("POST", "/api/v1/mail/inbound", API_MAIL_INBOUND, raw=_inbound_mail),
    Row("POST", "/api/v1/telephony/events", API_AGENT_CALL_EVENT, body=_call_event),
    Row("GET", "/api/v1/telephony/calls", API_AGENT_READ),
    Row(
        "GET", "/api/v1/telephony/metrics", API_MANAGER_READ, query="?from=2026-01-01&to=2026-12-31"
    ),
    # Mail settings: admins only; the quarantined message's id is the matrix's.
    Row("GET", "/settings/mail", PAGE_ADMIN),
    Row("GET", "/settings/mail/quarantine/{quarantine_id}/raw", PAGE_ADMIN),
    Row("POST", "/settings/mail/quarantine/{quarantine_id}/retry", PAGE_ADMIN_POST),
    Row("POST", "/settings/mail/quarantine/{quarantine_id}/delete", PAGE_ADMIN_POST),
    Row("GET", "/api/v1/notifications", API_READ),
    Row("POST", "/api/v1/notifications/read-all", API_VIEWER_POST),
    Row("POST", "/api/v1/notifications/{notification_id}/read", API_OWN_NOTICE),
    Row("GET", "/api/v1/notifications/settings", API_READ),
    Row(
        "PUT",
        "/api/v1/notifications/settings",
        API_VIEWER_WRITE,
        body=lambda _ids: {"email": {"sla.warning": False}},
    ),
    Row(
        "PATCH",
        "/api/v1/sla-policies/{policy_id}",
        API_ADMIN_UPDATE,
        body=lambda _ids: {"resolution_minutes": 480},
    ),
    *EVENT_ROWS,
    *FEEDBACK_ROWS,
    *IDEA_ROWS,
    *CLOSED_LOOP_ROWS,
]


@pytest.fixture()
def records(db: Session, personas: Any) -> Callable[[], dict[str, int]]:
    """Make fresh targets per request, so a delete or a create never meets an earlier one."""
    return lambda: _make_records(db, personas)


def _make_records(db: Session, personas: Any) -> dict[str, int]:
    """A customer without orders, a contact and an order of another customer, by id."""
    bob = personas.bob
    customer = customers.create(db, data=CustomerCreate(name="Matrix Customer"), actor=bob)
    buyer = customers.create(db, data=CustomerCreate(name="Buyer"), actor=bob)
    contact = interactions.create(
        db,
        data=InteractionCreate(customer_id=customer.id, channel=Channel.EMAIL, note="Nöjd."),
        actor=bob,
    )
    order = orders.create(
        db,
        data=OrderCreate(
            customer_id=buyer.id,
            ordered_at=datetime(2025, 5, 1, tzinfo=UTC),
            currency="EUR",
            total_amount=Decimal("12.50"),
        ),
        actor=bob,
    )
    db.commit()
    twin = customers.create(db, data=CustomerCreate(name="Matrix Twin"), actor=bob)
    pair = DuplicatePair(customer_a_id=customer.id, customer_b_id=twin.id, reason="email")
    job = ImportJob(
        kind="customers",
        source_name="matrix.csv",
        source_format="csv",
        file_sha256="0" * 64,
        fingerprint="0" * 64,
        options={"format": "csv", "header": ["external_id"]},
        status="done",
        created_by_user_id=personas.alice.id,  # a job is read by its uploader's department
    )
    db.add_all([pair, job])
    db.commit()
    case = cases.create(
        db, data=CaseCreate(customer_id=customer.id, subject="Matrix case"), actor=bob
    )
    message = cases.reply(
        db, case=case, data=ReplyCreate(body="Thanks", from_customer=True), actor=bob
    )
    item = feedback.create(
        db,
        data=FeedbackCreate(customer_id=customer.id, source="review", score=5, scale="stars"),
        actor=bob,
    )
    policy = cases_policies.create(
        db,
        data=SlaPolicyCreate(name=f"Matrix {next(_POLICY_NUMBERS)}", position=500),
        actor=personas.admin,
    )
    notice = notifications.notify(
        db,
        user=bob,
        kind="sla.warning",
        params={},
        dedupe_key=f"matrix:{next(_POLICY_NUMBERS)}",
    )
    assert notice is not None
    view = SavedQueue(user_id=bob.id, name=f"Matrix {next(_POLICY_NUMBERS)}", query="queue=mine")
    db.add(view)
    db.commit()
    raw = f"From: matrix@example.cz\r\nX-Matrix: {next(_POLICY_NUMBERS)}\r\n".encode()
    inbound.quarantine(db, raw, Mailbox("matrix", None, ""), "no headers", datetime.now(UTC))
    db.commit()
    quarantined = db.scalar(select(MailQuarantine.id).order_by(MailQuarantine.id.desc()))
    mail = MailMessage(
        direction="in", mailbox="matrix", outcome="threaded", case_id=case.id, subject="Files"
    )
    db.add(mail)
    db.flush()
    attached = MailAttachment(
        mail_message_id=mail.id,
        filename="faktura.pdf",
        content_type="application/pdf",
        size=4,
        data=b"%PDF",
    )
    db.add(attached)
    db.commit()
    rule = event_rules.create(
        db,
        data=NoticeRuleCreate(
            event_kind="delivery", minutes_before=60, action="task", department_id=bob.department_id
        ),
        actor=personas.alice,
    )
    event = events.create(
        db,
        data=EventCreate(
            customer_id=customer.id,
            kind="delivery",
            starts_at=datetime(2031, 1, 1, 10, 0, tzinfo=UTC),
            department_id=bob.department_id,
        ),
        actor=bob,
    )
    db.commit()
    survey = surveys.create(
        db, data=SurveyCreate(name="Matrix", kind="nps", languages=["en"]), actor=personas.alice
    )
    invited = surveys.invite(
        db, survey=survey, data=InvitationCreate(customer_id=customer.id), actor=None
    )
    assert isinstance(invited, surveys.Invited)
    audience = CampaignCreate(name="Matrix list", trigger="audience", customers=str(buyer.id))
    campaign, _unknown = survey_campaigns.create(
        db, survey=survey, data=audience, actor=personas.alice
    )
    question = survey_questions.add(
        db, survey=survey, data=QuestionIn.model_validate(_QUESTION), actor=personas.alice
    )
    idea, survivor, merged = (
        ideas.create(db, data=IdeaCreate(title=f"Matrix idea {n}"), actor=bob) for n in range(3)
    )
    idea_merges.merge(db, duplicate=merged, survivor=survivor, actor=personas.alice)
    theme, other_theme = Theme(label="late, parcel"), Theme(label="price")
    db.add_all([theme, other_theme])
    db.commit()
    return {
        "theme": theme.id,
        "other_theme": other_theme.id,
        "customer": customer.id,
        "interaction": contact.id,
        "order": order.id,
        "user": bob.id,
        "name": 0,
        "import_job": job.id,
        "pair": pair.id,
        "calendar": calendars.round_the_clock(db).id,
        "case": case.id,
        "policy": policy.id,
        "department": bob.department_id,
        "notification": notice.id,
        "view": view.id,
        "quarantine": quarantined,
        "attachment": attached.id,
        "event": event.id,
        "rule": rule.id,
        "idea": idea.id,
        "survivor": survivor.id,
        "merged_idea": merged.id,
        "unsubscribe_token": unsubscribe.make_token(customer.id, "surveys", secret=TEST_SECRET),
        "survey": survey.id,
        "campaign": campaign.id,
        "question": question.id,
        "buyer": buyer.id,
        "survey_token": invited.url.rsplit("/s/", 1)[1],
        "feedback": item.id,
        "message": message.id,
        "follow_up": follow_up_task(db, customer.id, bob.department_id),
        "cause": cause_id(db),
    }


def _send(
    row: Row, client: TestClient, headers: dict[str, str], ids: dict[str, int], csrf: str
) -> int:
    path = row.path.format(
        customer_id=ids["customer"],
        interaction_id=ids["interaction"],
        order_id=ids["order"],
        user_id=ids["user"],
        name="app.js",
        job_id=ids["import_job"],
        policy_id=ids["policy"],
        notification_id=ids["notification"],
        pair_id=ids["pair"],
        kind="customers",
        calendar_id=ids["calendar"],
        view_id=ids["view"],
        quarantine_id=ids["quarantine"],
        attachment_id=ids["attachment"],
        event_id=ids["event"],
        rule_id=ids["rule"],
        survey_id=ids["survey"],
        campaign_id=ids["campaign"],
        token=ids["survey_token" if row.path.startswith("/s/") else "unsubscribe_token"],
        item_id=ids["feedback"],
        message_id=ids["message"],
        cause_id=ids["cause"],
        question_id=ids["question"],
        theme_id=ids["theme"],
        **{
            "idea_id": ids["idea"],
            "case_id": ids["case"],
            **{name: ids[key] for name, key in row.path_ids.items()},
        },
    ) + row.query.format(**ids)
    if row.body is not None:
        return client.request(row.method, path, json=row.body(ids), headers=headers).status_code
    if row.raw is not None:
        mail_headers = {**headers, "Content-Type": "message/rfc822"}
        return client.post(path, content=row.raw(), headers=mail_headers).status_code
    if row.method == "GET":
        return client.get(path, headers=headers).status_code
    # Form values may name the records: "{customer}" is the matrix customer's id.
    form = {**{k: v.format(**ids) for k, v in row.form.items()}, "csrf_token": csrf}
    if path == "/login":
        token = new_login_token(TEST_SECRET)  # the login cookie must be one the server signed
        client.cookies.set(LOGIN_CSRF_COOKIE, token)
        form["csrf_token"] = token
    return client.request(row.method, path, data=form, headers=headers).status_code


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method} {r.path}")
def test_it_answers_each_principal_as_the_matrix_says(
    row: Row,
    records: Callable[[], dict[str, int]],
    personas: Any,
    app: FastAPI,
    browser_for: Any,
    token_for: Any,
) -> None:
    users = {
        "viewer": personas.viewer,
        "agent": personas.bob,
        "manager": personas.alice,
        "admin": personas.admin,
    }
    got = []
    for principal in PRINCIPALS:
        headers: dict[str, str] = {}
        csrf = ""
        if principal in users and row.path.startswith("/api/v1"):
            headers = token_for(users[principal])
            client = TestClient(app, follow_redirects=False)
        elif principal in users:
            browser = browser_for(users[principal])
            client, csrf = browser.client, browser.csrf
        else:
            client = TestClient(app, follow_redirects=False)
            if principal != "anon":
                headers = token_for(
                    personas.admin if principal == "ro_token" else personas.bob,
                    read_only=principal == "ro_token",
                )
        got.append(_send(row, client, headers, records(), csrf))
    assert dict(zip(PRINCIPALS, got, strict=True)) == dict(
        zip(PRINCIPALS, row.expected, strict=True)
    )


def _markers(route: APIRoute) -> tuple[set[str], bool, bool]:
    roles: set[str] = set()
    public = csrf = False
    pending = list(route.dependant.dependencies)
    while pending:
        dep = pending.pop()
        role, is_public = dependency_markers(dep.call) if dep.call else (None, False)
        if role is not None:
            roles.add(role.value)
        public = public or is_public
        csrf = csrf or is_csrf_dependency(dep.call)
        pending.extend(dep.dependencies)
    return roles, public, csrf


def _api_routes(app: FastAPI) -> list[APIRoute]:
    return [r for r in iter_routes(app) if isinstance(r, APIRoute)]


def test_it_lists_every_route_in_the_matrix(app: FastAPI) -> None:
    listed = {(row.method, row.path) for row in MATRIX}
    for route in iter_routes(app):
        methods = (getattr(route, "methods", None) or {"GET"}) - {"HEAD"}
        for method in methods:
            assert (method, getattr(route, "path", "")) in listed, f"{method} {route} missing"


def test_it_gives_every_route_a_role_or_a_public_marker(app: FastAPI) -> None:
    for route in _api_routes(app):
        roles, public, _csrf = _markers(route)
        assert roles or public, f"{route.path} has neither require_*(Role) nor public()"
        assert not (roles and public), f"{route.path} is both public and role-protected"


def test_it_protects_every_unsafe_cookie_route_with_csrf(app: FastAPI) -> None:
    for route in _api_routes(app):
        unsafe = route.methods - {"GET", "HEAD", "OPTIONS"}
        if not unsafe or route.path.startswith("/api/v1/"):
            continue  # the API takes bearer tokens only, never cookies
        _roles, _public, csrf = _markers(route)
        assert csrf, f"{sorted(unsafe)} {route.path} lacks a CSRF check"


def test_it_ignores_session_cookies_on_the_api(personas: Any, browser_for: Any) -> None:
    browser = browser_for(personas.admin)
    response = browser.client.post("/api/v1/customers", json={"name": "Via cookie"})
    assert response.status_code == 401
