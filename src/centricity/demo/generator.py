"""Build the seeded demo workspace: staff, catalogue, customers, orders and contacts.

Rows are written with batched bulk inserts; every value, timestamps included, derives from
the seed and the as-of date, never from the clock, so a seed always gives the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from centricity.audit import service as audit
from centricity.audit.models import AuditEntry
from centricity.cases.models import Case
from centricity.customers.models import ContactPerson, Customer
from centricity.demo import catalogue, notes, people
from centricity.feedback.models import FeedbackItem
from centricity.interactions.models import Interaction
from centricity.kit.errors import Conflict
from centricity.orders.models import Order, OrderLine, Product, ProductCategory
from centricity.surveys.models import SurveyResponse
from centricity.telephony.models import CallBack

# The day the tests' fixed workspaces end; `centricity demo` ends on the day it is built.
AS_OF = date(2026, 11, 1)
BUILD_ACTION = "demo.build"
DESK_ACTION = "demo.service_desk"  # the service desk, added after the value analysis
FEEDBACK_ACTION = "demo.feedback"  # a year of feedback, added after the service desk
BATCH = 5000
COUNTED = {
    "customers": Customer,
    "contact_people": ContactPerson,
    "products": Product,
    "orders": Order,
    "order_lines": OrderLine,
    "interactions": Interaction,
    "cases": Case,
    "feedback_items": FeedbackItem,
}


@dataclass(frozen=True)
class DemoOptions:
    """What to build: the seed fixes every row, `as_of` ends the simulated history."""

    seed: int = 42
    customers: int = 5000
    years: int = 2
    as_of: date = AS_OF

    @property
    def prefix(self) -> str:
        """External ids of demo rows start with this, which marks the workspace's seed."""
        return f"demo-{self.seed}-"

    @property
    def horizon_days(self) -> int:
        """Length of the simulated history in days."""
        return round(365.25 * self.years)

    @property
    def start(self) -> datetime:
        """First moment of the simulated history (UTC midnight)."""
        end = datetime(self.as_of.year, self.as_of.month, self.as_of.day, tzinfo=UTC)
        return end - timedelta(days=self.horizon_days)

    def rng(self, stream: int) -> np.random.Generator:
        """An independent random stream per concern, so adding draws to one leaves the rest."""
        return np.random.default_rng([self.seed, stream])


@dataclass(frozen=True)
class BuildSummary:
    """What the build did (or found): row counts shown by `centricity demo`."""

    built: bool
    counts: dict[str, int]


def demo_password(seed: int) -> str:
    """The login of every demo account: predictable from the seed, never a common password."""
    return f"demo-{int(np.random.default_rng([seed, 5]).integers(0, 2**32)):08x}"


def existing_seed(session: Session) -> int | None:
    """The seed of the demo workspace in the store, or None when there is none."""
    external_id = session.scalar(
        select(Customer.external_id).where(Customer.external_id.like("demo-%-C%")).limit(1)
    )
    return None if external_id is None else int(external_id.split("-")[1])


def built_as_of(session: Session) -> date | None:
    """The day the stored workspace's history ends (None: built before this was recorded)."""
    details = session.scalar(
        select(AuditEntry.details)
        .where(AuditEntry.action == BUILD_ACTION)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    as_of = (details or {}).get("as_of")
    return date.fromisoformat(as_of) if isinstance(as_of, str) else None


# Audited actions that change nothing a rebuild would lose: the viewer's own language,
# exports, and the mailer sending the notices the breach check queued while it was served.
_HARMLESS_ACTIONS = (
    "user.set_preferences",
    "customer.export",
    "privacy.export",
    "mail.sent",
    "mail.retry",
    "mail.failed",
)


def changed_since_build(session: Session, options: DemoOptions) -> bool:
    """Tell whether anyone changed the workspace after it was built (a customer or case
    that is not the demo's, or any audited change since the build, its service desk and
    its feedback):
    such a store is never rebuilt unasked."""
    foreign = session.scalar(
        select(func.count())
        .select_from(Customer)
        .where(
            or_(Customer.external_id.is_(None), ~Customer.external_id.like(options.prefix + "C%"))
        )
    )
    foreign_cases = session.scalar(
        select(func.count())
        .select_from(Case)
        .where(or_(Case.external_id.is_(None), ~Case.external_id.like(options.prefix + "K%")))
        # The demo's call-back tasks (a later one leaves an audit entry after the build)
        # and the follow-ups its unhappy survey answers opened.
        .where(Case.id.not_in(select(CallBack.case_id)))
        .where(
            Case.id.not_in(
                select(SurveyResponse.follow_up_case_id).where(
                    SurveyResponse.follow_up_case_id.is_not(None)
                )
            )
        )
    )
    built_at = select(func.max(AuditEntry.id)).where(
        AuditEntry.action.in_((BUILD_ACTION, DESK_ACTION, FEEDBACK_ACTION))
    )
    later = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.id > built_at.scalar_subquery(),
            AuditEntry.action.not_in(_HARMLESS_ACTIONS),
        )
    )
    return bool(foreign or foreign_cases or later)


def build(session: Session, options: DemoOptions) -> BuildSummary:
    """Build the workspace unless this seed's is already there; never mix it with other data."""
    found = existing_seed(session)
    if found == options.seed:
        return BuildSummary(False, counts(session))
    if found is not None or session.scalar(select(func.count()).select_from(Customer)):
        held = f"the demo workspace of seed {found}" if found is not None else "customers"
        raise Conflict(f"the store already holds {held}; use --reset or an empty store")
    _build(session, options)
    audit.record(
        session,
        actor=None,
        action=BUILD_ACTION,
        entity=("demo", options.seed),
        details={"as_of": options.as_of.isoformat(), "customers": options.customers},
    )
    return BuildSummary(True, counts(session))


def counts(session: Session) -> dict[str, int]:
    """Rows per table of the workspace, for the summary and the tests."""
    return {
        name: int(session.scalar(select(func.count()).select_from(model)) or 0)
        for name, model in COUNTED.items()
    }


def _build(session: Session, options: DemoOptions) -> None:
    desk = people.create_staff(session, password=demo_password(options.seed), at=options.start)
    shop = catalogue.build(options.rng(2))
    product_ids = _insert_catalogue(session, shop, options.prefix)
    folks = people.make_people(options.seed, options.customers, options.rng(1), options.prefix)
    business = np.array([p.row["kind"] == "business" for p in folks], dtype=bool)
    rng = options.rng(3)
    bought = catalogue.simulate_purchases(rng, business, options.horizon_days)
    people.stamp(folks, catalogue.to_datetimes(options.start, bought.birth))
    customer_ids = insert_keyed(session, Customer, [p.row for p in folks], options.prefix + "C")
    contact_ids = _insert_contacts(session, folks, customer_ids)
    languages = [p.language for p in folks]
    ledger = Ledger(customer_ids, contact_ids, languages, business, shop.names, desk)
    _insert_history(session, options, rng, (shop, product_ids), bought, ledger)


def _insert_history(
    session: Session,
    options: DemoOptions,
    rng: np.random.Generator,
    products: tuple[catalogue.Catalogue, list[int]],
    bought: catalogue.Purchases,
    ledger: Ledger,
) -> None:
    shop, product_ids = products
    contacts = notes.plan(
        options.rng(4), bought.customer, bought.day, bought.birth, bought.dead, options.horizon_days
    )
    orders = catalogue.draw_orders(rng, shop, bought, ledger.business)
    order_ids = _insert_orders(session, options, rng, bought, orders, contacts, ledger.customer_ids)
    insert_rows(session, OrderLine, catalogue.line_rows(orders, order_ids, product_ids))
    facts = OrderFacts(order_ids, orders.totals, orders.first_product)
    insert_rows(session, Interaction, interaction_rows(contacts, ledger, facts, options.start))


def insert_rows(
    session: Session, model: type[Any], rows: list[dict[str, Any]], *, returning: bool = False
) -> list[int]:
    """Bulk-insert in batches; with `returning`, give the new ids in the rows' order.

    Ordered RETURNING costs one statement per row on SQLite: use it for small tables only.
    """
    ids: list[int] = []
    for begin in range(0, len(rows), BATCH):
        batch = rows[begin : begin + BATCH]
        if returning:
            statement = insert(model).returning(model.id, sort_by_parameter_order=True)
            ids.extend(session.scalars(statement, batch))
        else:
            session.execute(insert(model), batch)
    return ids


def insert_keyed(
    session: Session, model: type[Any], rows: list[dict[str, Any]], key_prefix: str
) -> list[int]:
    """Bulk-insert rows that carry unique external ids and read their new ids back by key."""
    insert_rows(session, model, rows)
    query = select(model.external_id, model.id).where(model.external_id.like(key_prefix + "%"))
    ids: dict[str, int] = dict(session.execute(query).all())
    return [ids[row["external_id"]] for row in rows]


def _insert_catalogue(session: Session, shop: catalogue.Catalogue, prefix: str) -> list[int]:
    names = [{"name": entry[0]} for entry in catalogue.CATEGORIES]
    category_ids = insert_rows(session, ProductCategory, names, returning=True)
    rows = catalogue.product_rows(shop, category_ids, prefix)
    return insert_rows(session, Product, rows, returning=True)


def _insert_contacts(
    session: Session, folks: list[people.Person], customer_ids: list[int]
) -> list[list[int]]:
    rows = [
        {**contact, "customer_id": customer_id}
        for person, customer_id in zip(folks, customer_ids, strict=True)
        for contact in person.contacts
    ]
    insert_rows(session, ContactPerson, rows)
    found = session.execute(
        select(ContactPerson.customer_id, ContactPerson.id).order_by(ContactPerson.id)
    )
    by_customer: dict[int, list[int]] = {}
    for customer_id, contact_id in found:
        by_customer.setdefault(customer_id, []).append(contact_id)
    return [by_customer.get(customer_id, []) for customer_id in customer_ids]


def _insert_orders(
    session: Session,
    options: DemoOptions,
    rng: np.random.Generator,
    bought: catalogue.Purchases,
    orders: catalogue.Orders,
    contacts: notes.ContactPlan,
    customer_ids: list[int],
) -> list[int]:
    status = catalogue.statuses(rng, bought.day, options.horizon_days, contacts.returned)
    ordered = catalogue.to_datetimes(options.start, bought.day)
    owners = np.array(customer_ids, dtype=np.int64)[bought.customer]
    rows = catalogue.order_rows(orders, owners, ordered, status, options.prefix)
    return insert_keyed(session, Order, rows, options.prefix + "O")


@dataclass(frozen=True)
class Ledger:
    """What contact rows refer to: inserted customers, their languages, products and staff."""

    customer_ids: list[int]
    contact_ids: list[list[int]]
    languages: list[str]
    business: NDArray[np.bool_]
    product_names: tuple[str, ...]
    desk: people.Desk


@dataclass(frozen=True)
class OrderFacts:
    """Per inserted order: its id, total in cents and a product a note can mention."""

    ids: list[int]
    totals: NDArray[np.int64]
    product: NDArray[np.int64]


def interaction_rows(
    contacts: notes.ContactPlan, ledger: Ledger, orders: OrderFacts, start: datetime
) -> list[dict[str, Any]]:
    """Interaction rows for the bulk insert, notes written in the customer's language."""
    return [
        {**_interaction(contacts, ledger, start, i), "note": _note(contacts, ledger, orders, i)}
        for i in range(len(contacts.customer))
    ]


def _note(contacts: notes.ContactPlan, ledger: Ledger, orders: OrderFacts, i: int) -> str:
    c, o, pick = int(contacts.customer[i]), int(contacts.order[i]), contacts.pick[i]
    product = orders.product[o] if o >= 0 else int(pick[2] * len(ledger.product_names))
    return notes.render(
        ledger.languages[c],
        int(contacts.topic[i]),
        order=f"#{orders.ids[o]}" if o >= 0 else "",
        product=ledger.product_names[int(product)],
        days=5 + int(pick[3] * 10),
        amount=float(orders.totals[o]) * 0.011 if o >= 0 else 0.0,
    )


def _interaction(
    contacts: notes.ContactPlan, ledger: Ledger, start: datetime, i: int
) -> dict[str, Any]:
    c, pick = int(contacts.customer[i]), contacts.pick[i]
    topic = notes.TOPICS[int(contacts.topic[i])]
    desk = "Key Accounts" if ledger.business[c] and not topic.outbound else topic.department
    persons, agents = ledger.contact_ids[c], ledger.desk.handlers[desk]
    started = start + timedelta(seconds=int(contacts.day[i] * 86400))
    waiting = float(contacts.waiting[i])
    return {
        "customer_id": ledger.customer_ids[c],
        "contact_person_id": persons[int(pick[1] * len(persons))] if persons else None,
        "channel": notes.CHANNELS[int(contacts.channel[i])][0],
        "direction": "outbound" if topic.outbound else "inbound",
        "user_id": agents[int(pick[0] * len(agents))] if agents else None,
        "department_id": ledger.desk.departments[desk],
        "started_at": started,
        "created_at": started,
        "waiting_seconds": None if np.isnan(waiting) else int(waiting),
        "duration_seconds": int(contacts.duration[i]),
        "confidential": bool(topic.negative and pick[4] < 0.03),
    }
