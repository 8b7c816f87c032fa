"""Every router of the app in one list, so nothing is mounted by accident."""

from __future__ import annotations

import importlib

from fastapi import FastAPI
from starlette.routing import BaseRoute

ROUTER_MODULES = (
    "centricity.web.assets",
    "centricity.site.pages",
    "centricity.web.apidocs",
    "centricity.cases.settings_pages",  # before accounts.pages: both serve /settings/...
    "centricity.mail.pages",  # /settings/mail, before accounts.pages too
    "centricity.events.settings_pages",  # /settings/notices, before accounts.pages too
    "centricity.accounts.pages",
    "centricity.accounts.api",
    "centricity.imports.pages",  # before customers.pages: /customers/export, /duplicates
    "centricity.imports.duplicate_pages",
    "centricity.customers.pages",
    "centricity.customers.api",
    "centricity.interactions.api",
    "centricity.orders.api",
    "centricity.imports.api",
    "centricity.value.pages",
    "centricity.value.api",
    "centricity.calendars.api",
    "centricity.cases.pages",
    "centricity.cases.service_page",
    "centricity.cases.api",
    "centricity.notifications.pages",
    "centricity.notifications.api",
    "centricity.notifications.unsubscribe_pages",
    "centricity.mail.api",
    "centricity.events.pages",
    "centricity.events.api",
    "centricity.telephony.api",
    "centricity.surveys.api",
    "centricity.surveys.campaign_api",
    "centricity.surveys.public_pages",
    "centricity.surveys.campaign_pages",  # /voice/surveys/{id}, /voice/campaigns/...
    "centricity.feedback.analysis.pages",  # /voice/themes/{id}
    "centricity.surveys.pages",
    "centricity.surveys.loop.pages",  # /voice/root-causes, /cases/{id}/follow-up/close
    "centricity.surveys.loop.api",
    "centricity.surveys.question_pages",
    "centricity.surveys.questions_api",
    "centricity.feedback.pages",
    "centricity.feedback.list_pages",
    "centricity.feedback.api",
    "centricity.feedback.analysis.api",
    "centricity.ideas.attach_pages",  # before ideas.pages: /ideas/add, not /ideas/{id}
    "centricity.ideas.pages",
    "centricity.ideas.api",
)


def include_routers(app: FastAPI) -> None:
    """Mount each domain's `router` on the app."""
    for name in ROUTER_MODULES:
        app.include_router(importlib.import_module(name).router)


def iter_routes(app: FastAPI) -> list[BaseRoute]:
    """Every concrete route of the app, looking inside included routers."""
    found: list[BaseRoute] = []
    pending: list[BaseRoute] = list(app.routes)
    while pending:
        route = pending.pop(0)
        original = getattr(route, "original_router", None)
        if original is not None:
            pending.extend(original.routes)
        else:
            found.append(route)
    return found
