"""A small seeded workspace that fills every page family: demo customers with orders and
contacts, a value analysis, a duplicate pair, and one admin per language."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.config import Settings
from centricity.customers import service as customer_service
from centricity.customers.models import Customer
from centricity.customers.schemas import CustomerCreate
from centricity.demo import generator
from centricity.imports.review import duplicates
from centricity.kit.i18n import LANGUAGES
from centricity.value import service as value_service

PASSWORD = "x7-Quartz-Meadow-91"
# A customer file with one good and one bad row: the import page shows its preview.
IMPORT_CSV = "name;email;country\nJana Nováková;jana@example.cz;CZ\nBroken Row;not-an-email;CZ\n"


# Each language's admin, named as people are in that country (names are never translated).
STAFF_NAMES = {
    "en": "Ruth Baker",
    "cs": "Jana Horáková",
    "sv": "Oskar Berg",
    "lt": "Eglė Kazlauskaitė",
    "pl": "Piotr Wiśniewski",
    "ru": "Ольга Смирнова",
}


@dataclass
class Workspace:
    """What the pages need to address: a Czech customer and each language's admin."""

    customer_id: int
    sessions: dict[str, str]


def staff_email(language: str) -> str:
    """The e-mail of the admin whose pages are in `language`."""
    return f"{language}@pages.example"


def fill_workspace(session: Session, settings: Settings) -> Workspace:
    """Build the workspace (about 2 s) and sign in one admin per language."""
    # Session digests are keyed by the secret, which the app sets for the whole process.
    accounts.use_secret(settings.secret_key)
    options = generator.DemoOptions(seed=5, customers=120, years=2)
    generator.build(session, options)
    session.commit()
    value_service.analyze(session, as_of=options.as_of, settings=settings)
    sessions: dict[str, str] = {}
    admin = None
    for language in LANGUAGES:
        data = UserCreate(
            email=staff_email(language),
            name=STAFF_NAMES[language],
            password=PASSWORD,
            role=Role.ADMIN,
            department="Customer Care",
            language=language,
        )
        user = accounts.create(session, data=data, actor=None)
        sessions[language] = accounts.start_session(session, user=user, max_age_seconds=3600).token
        admin = admin or user
    twin = session.scalars(select(Customer).where(Customer.email.is_not(None)).limit(1)).one()
    copy = CustomerCreate(name=twin.name, email=twin.email, country=twin.country)
    customer_service.create(session, data=copy, actor=admin)
    assert duplicates.scan(session) >= 1
    czech = session.scalar(select(Customer.id).where(Customer.preferred_language == "cs").limit(1))
    assert czech is not None
    session.commit()
    return Workspace(customer_id=czech, sessions=sessions)


# Forms sent with mistakes: the page that comes back shows its error messages.
# (name, address, form fields, expected status)
FORM_ERRORS = (
    ("new customer invalid", "/customers/new", {"name": " ", "email": "not-an-email"}, 422),
    ("contact invalid", "/customers/{customer}/interactions", {"note": "x"}, 422),
    (
        "preferences invalid",
        "/settings/preferences",
        {"language": "xx", "time_zone": "Mars/X"},
        422,
    ),
    (
        "staff member invalid",
        "/settings/users",
        {"name": "Eva", "email": "eva@pages.example", "password": "password"},
        422,
    ),
    ("upload without a file", "/imports", {"kind": "customers"}, 422),
)
# Every page answers 200 except the one for a missing record.
STATUS = {"not found": 404}

# Page families by address ({customer} is the Czech customer, {job} the uploaded import).
PAGES = {
    "dashboard": "/",
    "customers": "/customers",
    "customer search": "/customers?q=zzzz-nobody",
    "customer 360": "/customers/{customer}",
    "customer form": "/customers/new",
    "customer edit": "/customers/{customer}/edit",
    "value": "/value",
    "import": "/imports",
    "import job": "{job}",
    "duplicates": "/customers/duplicates",
    "settings": "/settings",
    "audit": "/settings/audit",
    "not found": "/customers/99999999",
    "unbuilt section": "/cases",
}
