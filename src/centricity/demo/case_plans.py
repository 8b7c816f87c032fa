"""Which cases the demo opens: who asks, about what, when, on which channel, and who works
them. Drawn from the seed alone (one random stream), before anything is written.

Customer cases follow the shop's recent orders (a late parcel a week after the order, a
broken device weeks later), in the customer's language, owned by the topic's department
(Key Accounts for businesses) and, where one exists, by an agent who speaks the language.
Tasks are call-backs about an order; internal requests are colleagues of two departments
who share a language asking each other for help.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.customers.models import Customer
from centricity.demo import case_texts as texts
from centricity.orders.models import Order, OrderLine, Product

RANDOM_STREAM = 6  # the demo's streams 1-5 draw customers, orders, contacts and passwords
# (channel as the form calls it, share of customer cases); the web form is channel `other`
CHANNELS = (("email", 0.38), ("phone", 0.25), ("chat", 0.17), ("web", 0.20))
PRIORITIES = (("low", 0.12), ("normal", 0.62), ("high", 0.20), ("urgent", 0.06))
TASK_SHARE, INTERNAL_SHARE = 1 / 16, 1 / 40
SPEAKER_SHARE = 0.85  # cases routed to an agent who speaks the customer's language
TRIAGE_SHARE = 0.4  # e-mail and web cases that wait unassigned until someone answers
RECENT_SHARE, RECENT_DAYS = 0.3, 14  # the busy last fortnight fills the open queues
BY_CUSTOMER_SHARE = 0.6  # cases drawn per customer rather than per order


@dataclass(frozen=True)
class Staff:
    """The demo's members of staff as users, with their departments and languages."""

    users: dict[str, User]  # by name
    departments: dict[str, int]

    def team(self, department: str) -> list[User]:
        """Who works the department's cases (agents and managers), by id."""
        department_id = self.departments[department]
        members = (u for u in self.users.values() if u.department_id == department_id)
        return sorted((u for u in members if u.role_enum is not Role.VIEWER), key=lambda u: u.id)

    def manager(self, department: str) -> User:
        """The department's first manager: who triages its queue."""
        team = self.team(department)
        return next((u for u in team if u.role_enum is Role.MANAGER), team[0])


@dataclass(frozen=True)
class Conversation:
    """What is said after the opening message, already in the right languages."""

    reply: str
    follow_up: str = ""
    solution: str = ""
    note: str = ""


@dataclass(frozen=True)
class CasePlan:
    """One case to open: `flow` says how it unfolds (`customer`, `task`, `internal`)."""

    flow: str
    opened_at: datetime
    owner: User
    creator: User
    fields: dict[str, Any]  # CaseCreate fields other than opened_at, assignee, external id
    conversation: Conversation
    assign_on_answer: bool = False
    asks: bool = False
    quick: bool = False


@dataclass(frozen=True)
class Shop:
    """What cases refer to: customers, recent orders and the products in them."""

    languages: dict[int, str]
    business: dict[int, bool]
    joined: dict[int, datetime]
    orders: list[tuple[int, int, datetime]]  # id, customer id, ordered at
    lines: dict[int, list[str]] = field(default_factory=dict)
    products: list[str] = field(default_factory=list)
    recent: list[tuple[int, int, datetime]] = field(default_factory=list)
    by_customer: list[list[int]] = field(default_factory=list)  # order positions per buyer


def load_shop(session: Session, since: datetime, end: datetime) -> Shop:
    """Customers, and the orders since `since` with their products, in id order."""
    customers = session.execute(
        select(
            Customer.id, Customer.preferred_language, Customer.kind, Customer.created_at
        ).order_by(Customer.id)
    ).all()
    orders = session.execute(
        select(Order.id, Order.customer_id, Order.ordered_at)
        .where(Order.ordered_at >= since, Order.status != "cancelled")
        .order_by(Order.id)
    ).all()
    lines: dict[int, list[str]] = {}
    rows = session.execute(
        select(OrderLine.order_id, Product.name)
        .join(Product, Product.id == OrderLine.product_id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.ordered_at >= since)
        .order_by(OrderLine.id)
    )
    for order_id, name in rows:
        lines.setdefault(order_id, []).append(name)
    listed = [(o, c, at) for o, c, at in orders]
    recent_since = end - timedelta(days=RECENT_DAYS)
    return Shop(
        languages={c: lang if lang in texts.TEXTS else "en" for c, lang, _, _ in customers},
        business={c: kind == "business" for c, _, kind, _ in customers},
        joined={c: created for c, _, _, created in customers},
        orders=listed,
        lines=lines,
        products=list(session.scalars(select(Product.name).order_by(Product.id))),
        recent=[row for row in listed if row[2] >= recent_since] or listed,
        by_customer=_positions_by_customer(listed),
    )


def _positions_by_customer(orders: list[tuple[int, int, datetime]]) -> list[list[int]]:
    positions: dict[int, list[int]] = {}
    for position, (_, customer_id, _) in enumerate(orders):
        positions.setdefault(customer_id, []).append(position)
    return list(positions.values())


def draw(
    session: Session, staff: Staff, *, seed: int, count: int, start: datetime, end: datetime
) -> list[CasePlan]:
    """Every case the demo opens between `start` and `end`, oldest first."""
    rng = np.random.default_rng([seed, RANDOM_STREAM])
    shop = load_shop(session, start - timedelta(days=40), end)
    if not shop.orders:
        return []
    planner = _Planner(shop, staff, rng, start, end)
    internal = max(3, round(count * INTERNAL_SHARE))
    tasks = max(3, round(count * TASK_SHARE))
    plans: list[CasePlan | None] = [planner.internal_request() for _ in range(internal)]
    plans += [planner.task() for _ in range(tasks)]
    plans += [planner.customer_case() for _ in range(count - internal - tasks)]
    found = [plan for plan in plans if plan is not None]
    return sorted(found, key=lambda plan: plan.opened_at)


def _pick(rng: np.random.Generator, choices: tuple[tuple[str, float], ...]) -> str:
    shares = np.array([share for _, share in choices])
    return choices[int(rng.choice(len(choices), p=shares / shares.sum()))][0]


class _Planner:
    """Draws plans one by one from a single random stream."""

    def __init__(
        self, shop: Shop, staff: Staff, rng: np.random.Generator, start: datetime, end: datetime
    ) -> None:
        self.shop, self.staff, self.rng, self.start, self.end = shop, staff, rng, start, end

    def _daytime(self, moment: datetime) -> datetime:
        """The same day between 06:00 and 19:00 UTC, weekends half as busy (moved to Monday)."""
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        if day.weekday() >= 5 and self.rng.random() < 0.5:
            day += timedelta(days=7 - day.weekday())
        return day + timedelta(seconds=int(6 * 3600 + self.rng.random() * 13 * 3600))

    def _office_time(self) -> datetime:
        """A working-day moment in the window (07:00-14:00 UTC: office hours in Europe)."""
        days = (self.start + timedelta(days=n) for n in range((self.end - self.start).days))
        weekdays = [day for day in days if day.weekday() < 5]
        day = weekdays[int(self.rng.integers(len(weekdays)))]
        return day.replace(hour=7) + timedelta(seconds=int(self.rng.random() * 7 * 3600))

    def _order(self) -> tuple[int, int, datetime]:
        """A recent order: most often some customer's (so frequent buyers do not crowd out
        the rest), else any order; three in ten from the last fortnight, the busy weeks
        whose cases are still open."""
        orders = self.shop.orders
        if self.rng.random() < RECENT_SHARE:
            orders = self.shop.recent
        elif self.rng.random() < BY_CUSTOMER_SHARE:
            mine = self.shop.by_customer[int(self.rng.integers(len(self.shop.by_customer)))]
            orders = [orders[i] for i in mine]
        return orders[int(self.rng.integers(len(orders)))]

    def _after_order(self, delay_days: float) -> tuple[int, int, datetime] | None:
        """An order and a moment a while after it, inside the window (None: none found)."""
        for _ in range(25):
            order_id, customer_id, ordered_at = self._order()
            wait = timedelta(days=delay_days * float(self.rng.lognormal(0.0, 0.5)))
            opened = self._daytime(ordered_at + wait)
            if opened > ordered_at and self.start <= opened < self.end:
                return order_id, customer_id, opened
        return None

    def _owner(self, department: str, language: str) -> User:
        team = self.staff.team(department)
        speakers = [u for u in team if u.language == language]
        if speakers and self.rng.random() < SPEAKER_SHARE:
            team = speakers
        weights = np.array([0.4 if u.role_enum is Role.MANAGER else 1.0 for u in team])
        return team[int(self.rng.choice(len(team), p=weights / weights.sum()))]

    def _priority(self) -> str:
        return _pick(self.rng, PRIORITIES)

    def customer_case(self) -> CasePlan | None:
        """A customer's request about a recent order, or a question before buying."""
        shares = np.array([t.share for t in texts.TOPICS])
        index = int(self.rng.choice(len(texts.TOPICS), p=shares / shares.sum()))
        topic = texts.TOPICS[index]
        if topic.about_order:
            found = self._after_order(topic.delay_days)
            if found is None:
                return None
            order_id, customer_id, opened = found
            names = self.shop.lines.get(order_id) or self.shop.products
            devices = [n for n in names if n in texts.DEVICES]
            if topic.devices_only and not devices:  # nothing that can break: a damaged parcel
                index = next(i for i, t in enumerate(texts.TOPICS) if t.name == "damaged_parcel")
                topic = texts.TOPICS[index]
            names = devices if topic.devices_only else names
            order = f"#{order_id}"
        else:
            opened = self._daytime(self.start + (self.end - self.start) * self.rng.random())
            known = [c for c, at in self.shop.joined.items() if at < opened]
            if opened >= self.end or not known:
                return None
            customer_id, names, order = known[int(self.rng.integers(len(known)))], [], ""
        pool = names or self.shop.products
        product = pool[int(self.rng.integers(len(pool)))]
        return self._customer_plan(index, customer_id, opened, order=order, product=product)

    def _customer_plan(
        self, index: int, customer_id: int, opened: datetime, *, order: str, product: str
    ) -> CasePlan:
        topic = texts.TOPICS[index]
        language = self.shop.languages[customer_id]
        department = "Key Accounts" if self.shop.business[customer_id] else topic.department
        owner = self._owner(department, language)
        channel = _pick(self.rng, CHANNELS)
        triage = channel in ("email", "web") and self.rng.random() < TRIAGE_SHARE

        def say(language: str, part: int) -> str:
            return texts.text(language, index, part, order=order, product=product)

        return CasePlan(
            flow="customer",
            opened_at=opened,
            owner=owner,
            creator=self.staff.manager(department) if triage else owner,
            fields={
                "customer_id": customer_id,
                "subject": say(language, texts.SUBJECT),
                "description": say(language, texts.DESCRIPTION),
                "channel": "other" if channel == "web" else channel,
                "priority": self._priority(),
                "department_id": self.staff.departments[department],
                "tags": [topic.tag] + (["web-form"] if channel == "web" else []),
            },
            conversation=Conversation(
                reply=say(language, texts.REPLY),
                follow_up=say(language, texts.FOLLOW_UP),
                solution=say(language, texts.SOLUTION),
                note=say(owner.language or "en", texts.NOTE),
            ),
            assign_on_answer=triage,
            asks=topic.asks,
            quick=topic.quick,
        )

    def task(self) -> CasePlan | None:
        """A call-back the customer asked for, a day or two after an order."""
        found = self._after_order(2.0)
        if found is None:
            return None
        order_id, customer_id, opened = found
        language = self.shop.languages[customer_id]
        department = "Key Accounts" if self.shop.business[customer_id] else "Customer Care"
        owner = self._owner(department, language)
        subject, description, reply = (
            line.format(order=f"#{order_id}") for line in texts.CALL_BACK[language]
        )
        return CasePlan(
            flow="task",
            opened_at=opened,
            owner=owner,
            creator=owner,
            fields={
                "kind": "task",
                "customer_id": customer_id,
                "subject": subject,
                "description": description,
                "channel": "other",  # a phone task would get the caller-on-the-line clock
                "priority": "high" if self.rng.random() < 0.3 else "normal",
                "department_id": self.staff.departments[department],
                "tags": ["call-back"],
            },
            conversation=Conversation(reply=reply),
        )

    def internal_request(self) -> CasePlan:
        """One department asking another (Sales asks Returns & Complaints, ...)."""
        script = texts.INTERNAL[int(self.rng.integers(len(texts.INTERNAL)))]
        requester, owner = self.staff.users[script.requester], self.staff.users[script.owner]
        order_id = self.shop.orders[int(self.rng.integers(len(self.shop.orders)))][0]
        product = self.shop.products[int(self.rng.integers(len(self.shop.products)))]
        values = {"order": f"#{order_id}", "product": product}
        return CasePlan(
            flow="internal",
            opened_at=self._office_time(),
            owner=owner,
            creator=requester,
            fields={
                "requesting_department_id": requester.department_id,
                "subject": script.subject.format(**values),
                "description": script.description.format(**values),
                "channel": "other",
                "priority": "high" if self.rng.random() < 0.25 else "normal",
                "department_id": owner.department_id,
                "tags": ["internal"],
            },
            conversation=Conversation(
                reply=script.reply.format(**values), solution=script.solution.format(**values)
            ),
        )
