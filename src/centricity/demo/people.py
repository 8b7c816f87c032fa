"""Demo customers, the people acting for business customers, and the demo staff.

Names come from Faker locales seeded per locale, phones and postcodes follow each country's
format, e-mail domains end in the reserved `.example` TLD so no demo message can reach
anybody.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from faker import Faker
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from centricity.accounts import service as account_service
from centricity.accounts.models import Role, User
from centricity.customers.models import Customer
from centricity.customers.service import refresh_search_key
from centricity.kit.text import fold
from centricity.telephony.phones import customer_e164


@dataclass(frozen=True)
class Market:
    """A country the shop sells to, its customers' language and number formats."""

    language: str
    country: str
    locale: str
    share: float
    phone: str  # '#' is a digit
    postcode: str  # '#' is a digit, 'A' an upper-case letter


MARKETS: tuple[Market, ...] = (
    Market("cs", "CZ", "cs_CZ", 0.22, "+420 7## ### ###", "### ##"),
    Market("sv", "SE", "sv_SE", 0.16, "+46 7# ### ## ##", "### ##"),
    Market("lt", "LT", "lt_LT", 0.12, "+370 6## #####", "LT-#####"),
    Market("pl", "PL", "pl_PL", 0.20, "+48 5## ### ###", "##-###"),
    Market("ru", "EE", "ru_RU", 0.04, "+372 5### ####", "#####"),
    Market("ru", "LV", "ru_RU", 0.04, "+371 2### ####", "LV-####"),
    Market("ru", "LT", "ru_RU", 0.03, "+370 6## #####", "LT-#####"),
    Market("ru", "KZ", "ru_RU", 0.03, "+7 70# ### ## ##", "0#####"),
    Market("en", "GB", "en_GB", 0.08, "+44 7### ######", "A## #AA"),
    Market("en", "IE", "en_IE", 0.03, "+353 8# ### ####", "A## A#A#"),
    Market("en", "US", "en_US", 0.05, "+1 ### ### ####", "#####"),
)
BUSINESS_SHARE = 0.08
JOB_TITLES = {
    "cs": ("Vedoucí nákupu", "Účetní", "Provozní ředitel", "Asistentka vedení"),
    "sv": ("Inköpschef", "Ekonomiansvarig", "Verkställande direktör", "Kontorschef"),
    "lt": ("Pirkimų vadovas", "Buhalterė", "Direktorius", "Biuro administratorė"),
    "pl": ("Kierownik zakupów", "Księgowa", "Prezes zarządu", "Specjalista ds. logistyki"),
    "ru": ("Менеджер по закупкам", "Бухгалтер", "Директор", "Офис-менеджер"),
    "en": ("Purchasing manager", "Accountant", "Managing director", "Office manager"),
}
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),
        strict=True,
    )
)
_CYRILLIC["ъ"] = _CYRILLIC["ь"] = ""
_PROVIDERS = ("mail", "post", "inbox")
_ASCII = frozenset(string.ascii_lowercase + string.digits)


@dataclass(frozen=True)
class Person:
    """A generated customer before insertion, with what the simulation needs to know."""

    row: dict[str, Any]
    language: str
    contacts: list[dict[str, Any]]


def ascii_slug(text: str, separator: str = ".") -> str:
    """Fold a name (Latin or Cyrillic) to an ASCII e-mail part, e.g. `jana.dvorakova`."""
    latin = fold("".join(_CYRILLIC.get(ch, ch) for ch in text.casefold()))
    words = ("".join(c for c in word if c in _ASCII) for word in latin.split())
    return separator.join(word for word in words if word)


def fill(pattern: str, rng: np.random.Generator) -> str:
    """Replace '#' with digits and 'A' with letters, for phones and postcodes."""
    digits = rng.integers(0, 10, len(pattern))
    letters = rng.integers(0, 26, len(pattern))
    return "".join(
        str(digits[i]) if ch == "#" else string.ascii_uppercase[letters[i]] if ch == "A" else ch
        for i, ch in enumerate(pattern)
    )


def fakers(seed: int) -> dict[str, Faker]:
    """One Faker per locale, each seeded from the demo seed so names repeat exactly."""
    result: dict[str, Faker] = {}
    for index, locale in enumerate(sorted({m.locale for m in MARKETS})):
        faker = Faker(locale)
        faker.seed_instance(seed * 100 + index)
        result[locale] = faker
    return result


def _person_name(faker: Faker, rng: np.random.Generator) -> tuple[str, str]:
    gender = "female" if rng.random() < 0.5 else "male"
    first = getattr(faker, f"first_name_{gender}")()
    return str(first), str(getattr(faker, f"last_name_{gender}")())


def _email(local: str, market: Market, rng: np.random.Generator) -> str:
    if rng.random() < 0.35:
        local += str(rng.integers(1, 99))
    provider = _PROVIDERS[int(rng.integers(0, len(_PROVIDERS)))]
    return f"{local}@{provider}.{market.country.lower()}.example"


def _contact(faker: Faker, market: Market, domain: str, rng: np.random.Generator) -> dict[str, Any]:
    first, last = _person_name(faker, rng)
    titles = JOB_TITLES[market.language]
    return {
        "name": f"{first} {last}",
        "email": f"{ascii_slug(first + ' ' + last)}@{domain}",
        "phone": fill(market.phone, rng),
        "job_title": titles[int(rng.integers(0, len(titles)))],
    }


def make_person(
    number: int, market: Market, faker: Faker, rng: np.random.Generator, prefix: str
) -> Person:
    """One customer: a private person, or a business with one to three contact people."""
    business = rng.random() < BUSINESS_SHARE
    contacts: list[dict[str, Any]] = []
    if business:
        name = str(faker.company())
        domain = f"{ascii_slug(name, '-')[:40] or 'firm'}.{market.country.lower()}.example"
        email = f"info@{domain}"
        contacts = [_contact(faker, market, domain, rng) for _ in range(rng.integers(1, 4))]
    else:
        first, last = _person_name(faker, rng)
        name = f"{first} {last}"
        email = _email(ascii_slug(name) or "customer", market, rng)
    row: dict[str, Any] = {
        "external_id": f"{prefix}C{number:07d}",
        "kind": "business" if business else "person",
        "name": name,
        "email": email,
        "phone": fill(market.phone, rng),
        "preferred_language": market.language,
        "country": market.country,
        "postcode": fill(market.postcode, rng),
        "attributes": _attributes(business, rng),
    }
    row["search_key"] = search_key_of(row)
    row["phone_e164"] = customer_e164(str(row["phone"]), market.country)
    return Person(row=row, language=market.language, contacts=contacts)


def _attributes(business: bool, rng: np.random.Generator) -> dict[str, Any]:
    channels = ("web", "app", "store", "marketplace", "referral")
    attributes: dict[str, Any] = {
        "acquisition_channel": channels[int(rng.integers(0, len(channels)))],
        "newsletter": bool(rng.random() < 0.45),
    }
    if business:
        attributes["vat_id"] = fill("##########", rng)
    return attributes


def search_key_of(row: dict[str, Any]) -> str:
    """Compute the folded search key exactly as the customers service does."""
    fields = ("name", "email", "phone", "external_id", "postcode")
    customer = Customer(**{field: row.get(field) for field in fields})
    refresh_search_key(customer)
    return customer.search_key


def make_people(seed: int, count: int, rng: np.random.Generator, prefix: str) -> list[Person]:
    """All demo customers, their markets drawn by each market's share."""
    by_locale = fakers(seed)
    shares = np.array([m.share for m in MARKETS])
    picks = rng.choice(len(MARKETS), count, p=shares / shares.sum())
    return [
        make_person(i + 1, MARKETS[m], by_locale[MARKETS[m].locale], rng, prefix)
        for i, m in enumerate(picks)
    ]


def stamp(people: list[Person], created: list[datetime]) -> None:
    """Date each record at the customer's first contact, so rows never depend on the clock."""
    for person, at in zip(people, created, strict=True):
        person.row["created_at"] = person.row["updated_at"] = at
        for contact in person.contacts:
            contact["created_at"] = at


DEPARTMENTS = ("Customer Care", "Sales", "Returns & Complaints", "Key Accounts")
ADMIN_EMAIL = "admin@demo.centricity.example"
# (name, department, role); the e-mail is the folded first name @demo.centricity.example
STAFF: tuple[tuple[str, str | None, Role], ...] = (
    ("Alice Dvořáková", "Customer Care", Role.MANAGER),
    ("Bob Lindqvist", "Customer Care", Role.AGENT),
    ("Jana Horáková", "Customer Care", Role.AGENT),
    ("Piotr Wiśniewski", "Customer Care", Role.AGENT),
    ("Charlie Kowalski", "Sales", Role.MANAGER),
    ("Eglė Kazlauskaitė", "Sales", Role.AGENT),
    ("Oskar Berg", "Sales", Role.AGENT),
    ("Dana Petrauskienė", "Returns & Complaints", Role.MANAGER),
    ("Ivan Sokolov", "Returns & Complaints", Role.AGENT),
    ("Tereza Marková", "Returns & Complaints", Role.AGENT),
    ("Erik Johansson", "Key Accounts", Role.MANAGER),
    ("Olga Smirnova", "Key Accounts", Role.AGENT),
    ("Věra Novotná", None, Role.VIEWER),
)


# Each member of staff works in their own language (the admin in the default, English).
STAFF_LANGUAGES = {
    "Alice Dvořáková": "cs",
    "Bob Lindqvist": "sv",
    "Jana Horáková": "cs",
    "Piotr Wiśniewski": "pl",
    "Charlie Kowalski": "pl",
    "Eglė Kazlauskaitė": "lt",
    "Oskar Berg": "sv",
    "Dana Petrauskienė": "lt",
    "Ivan Sokolov": "ru",
    "Tereza Marková": "cs",
    "Erik Johansson": "sv",
    "Olga Smirnova": "ru",
    "Věra Novotná": "cs",
}


@dataclass(frozen=True)
class Desk:
    """The demo staff by department: who can be named on a logged contact."""

    departments: dict[str, int]
    handlers: dict[str, list[int]]


def staff_email(name: str) -> str:
    """The demo e-mail of a staff member, e.g. `egle@demo.centricity.example`."""
    return f"{ascii_slug(name.split()[0])}@demo.centricity.example"


def create_staff(session: Session, *, password: str, at: datetime) -> Desk:
    """Create departments, the admin and one team per department, all with the demo password.

    The password is hashed once (for the admin) and the hash reused: argon2 is slow on purpose.
    """
    admin, _ = account_service.ensure_admin(session, email=ADMIN_EMAIL, password=password)
    departments = {
        name: account_service.get_or_create_department(session, name).id for name in DEPARTMENTS
    }
    known = set(session.scalars(select(User.email)))
    rows = [
        {
            "email": staff_email(name),
            "name": name,
            "password_hash": admin.password_hash,
            "role": role.value,
            "department_id": departments[department] if department else None,
            "language": STAFF_LANGUAGES.get(name),
            "created_at": at,
        }
        for name, department, role in STAFF
        if staff_email(name) not in known
    ]
    if rows:
        session.execute(insert(User), rows)
    return Desk(departments, _handlers(session, departments))


def _handlers(session: Session, departments: dict[str, int]) -> dict[str, list[int]]:
    emails = [staff_email(name) for name, _, role in STAFF if role is not Role.VIEWER]
    users = session.execute(
        select(User.id, User.department_id).where(User.email.in_(emails)).order_by(User.id)
    )
    by_id = {department_id: name for name, department_id in departments.items()}
    handlers: dict[str, list[int]] = {name: [] for name in departments}
    for user_id, department_id in users:
        if department_id in by_id:
            handlers[by_id[department_id]].append(user_id)
    return handlers
