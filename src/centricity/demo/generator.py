"""Build the seeded demo workspace: staff, catalogue, customers, orders and contacts.

Purchases follow a BG/NBD-like process (gamma-distributed purchase rates, a geometric
dropout after each purchase), so the value engine finds real structure. Rows are written
with bulk inserts; every value, timestamps included, derives from the seed and the as-of
date, never from the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from centricity.customers.models import ContactPerson, Customer
from centricity.demo import catalogue, contacts, people, staff
from centricity.kit.errors import Conflict
from centricity.orders.models import Order, OrderLine, Product, ProductCategory

AS_OF = date(2026, 11, 1)
BATCH = 5000
NEVER_ORDERED_SHARE = 0.03


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


@dataclass(frozen=True)
class BuildSummary:
    """What the build did (or found): counts shown by `centricity demo`."""

    built: bool
    customers: int
    orders: int
    interactions: int


@dataclass(frozen=True)
class Purchases:
    """Simulated orders (sorted by time) and the per-customer facts behind them."""

    customer: NDArray[np.int64]
    day: NDArray[np.float64]
    birth: NDArray[np.float64]
    dead: NDArray[np.bool_]


def demo_password(seed: int) -> str:
    """The login of every demo account: predictable from the seed, never a common password."""
    return f"demo-{int(np.random.default_rng([seed, 5]).integers(0, 2**32)):08x}"


def existing_seed(session: Session) -> int | None:
    """The seed of the demo workspace in the store, or None when there is none."""
    external_id = session.scalar(
        select(Customer.external_id).where(Customer.external_id.like("demo-%")).limit(1)
    )
    if external_id is None:
        return None
    return int(external_id.split("-")[1])


def build(session: Session, options: DemoOptions) -> BuildSummary:
    """Build the workspace unless this seed's is already there; refuse to mix workspaces."""
    found = existing_seed(session)
    if found == options.seed:
        return _summary(session, built=False)
    if found is not None or session.scalar(select(func.count()).select_from(Customer)):
        raise Conflict(
            f"the store already holds {'demo seed ' + str(found) if found else 'customers'}; "
            "use --reset (SQLite) or an empty store"
        )
    _build(session, options)
    return _summary(session, built=True)


def _summary(session: Session, *, built: bool) -> BuildSummary:
    from centricity.interactions.models import Interaction

    def count(model: type[Any]) -> int:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)

    return BuildSummary(built, count(Customer), count(Order), count(Interaction))


def _build(session: Session, options: DemoOptions) -> None:
    desk = staff.create(session, password=demo_password(options.seed), at=options.start)
    shop = catalogue.build(np.random.default_rng([options.seed, 2]))
    product_ids = _insert_catalogue(session, shop, options.prefix)
    folks = people.make_people(
        options.seed, options.customers, np.random.default_rng([options.seed, 1]), options.prefix
    )
    rng = np.random.default_rng([options.seed, 3])
    business = np.array([p.row["kind"] == "business" for p in folks])
    bought = simulate_purchases(rng, business, options.horizon_days)
    people.stamp(folks, to_datetimes(options.start, bought.birth))
    customer_ids = insert_rows(session, Customer, [p.row for p in folks], returning=True)
    contact_ids = _insert_contacts(session, folks, customer_ids)
    plan = contacts.plan(np.random.default_rng([options.seed, 4]), bought, business)
    orders = _order_rows(rng, options, bought, shop, business, plan.returned)
    order_ids = insert_rows(session, Order, orders.rows, returning=True)
    lines = _line_rows(orders, order_ids, product_ids)
    insert_rows(session, OrderLine, lines)
    sheet = contacts.Sheet(
        customer_ids, contact_ids, order_ids, orders.totals, orders.first_product
    )
    rows = contacts.rows(plan, sheet, folks, shop, desk, options.start)
    insert_rows(session, contacts.Interaction, rows)


def insert_rows(
    session: Session, model: type[Any], rows: list[dict[str, Any]], *, returning: bool = False
) -> list[int]:
    """Bulk-insert in batches; with `returning`, give the new ids in the rows' order."""
    ids: list[int] = []
    for begin in range(0, len(rows), BATCH):
        batch = rows[begin : begin + BATCH]
        if returning:
            statement = insert(model).returning(model.id, sort_by_parameter_order=True)
            ids.extend(session.scalars(statement, batch))
        elif batch:
            session.execute(insert(model), batch)
    return ids


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
    flat = iter(insert_rows(session, ContactPerson, rows, returning=True))
    return [[next(flat) for _ in person.contacts] for person in folks]


def simulate_purchases(
    rng: np.random.Generator, business: NDArray[np.bool_], horizon: int
) -> Purchases:
    """Draw each customer's purchase times: gamma rates, geometric dropout (BG/NBD)."""
    n = len(business)
    early = rng.random(n) < 0.35
    birth = np.where(early, rng.uniform(0, 30, n), rng.uniform(0, horizon, n))
    rate = np.maximum(rng.gamma(0.8, 1 / 45, n) * np.where(business, 2.0, 1.0), 1e-4)
    repeats = np.minimum(rng.geometric(rng.beta(1.0, 3.5, n)) - 1, 150)
    owner = np.repeat(np.arange(n), repeats)
    gaps = rng.exponential(1.0, len(owner)) / rate[owner]
    running = np.cumsum(gaps)
    before = np.concatenate([[0.0], running])[np.cumsum(repeats) - repeats]
    times = birth[owner] + running - before[owner]
    lifetime = np.bincount(owner, weights=gaps, minlength=n)
    buyer = rng.random(n) >= NEVER_ORDERED_SHARE
    customer = np.concatenate([np.arange(n), owner])
    day = np.concatenate([birth, times])
    keep = (day < horizon) & buyer[customer]
    order = np.lexsort((customer[keep], day[keep]))
    dead = birth + lifetime < horizon
    return Purchases(customer[keep][order], day[keep][order], birth, dead)


def to_datetimes(start: datetime, days: NDArray[np.float64]) -> list[datetime]:
    """Turn day offsets into aware datetimes, to the second."""
    seconds = np.floor(days * 86400).astype(np.int64)
    return [start + timedelta(seconds=int(s)) for s in seconds]


@dataclass(frozen=True)
class OrderSheet:
    """Order rows plus what lines and notes need: lines, totals, a product per order."""

    rows: list[dict[str, Any]]
    lines: catalogue.Lines
    price_cents: NDArray[np.int64]
    cost_cents: NDArray[np.int64]
    totals: NDArray[np.int64]
    first_product: NDArray[np.int64]


def _order_rows(
    rng: np.random.Generator,
    options: DemoOptions,
    bought: Purchases,
    shop: catalogue.Catalogue,
    business: NDArray[np.bool_],
    returned: NDArray[np.bool_],
) -> OrderSheet:
    n = len(business)
    basket = rng.gamma(2.0, 0.5, n)
    favourites = rng.integers(0, len(catalogue.CATEGORIES), (n, 2))
    who = bought.customer
    lines = catalogue.draw_lines(rng, basket[who], favourites[who], business[who])
    price = np.round(shop.prices * 100).astype(np.int64)
    cost = np.round(shop.costs * 100).astype(np.int64)
    line_price, line_cost = price[lines.product], cost[lines.product]
    totals = np.bincount(lines.order_index, line_price * lines.quantity, len(who))
    costs = np.bincount(lines.order_index, line_cost * lines.quantity, len(who))
    first = lines.product[np.searchsorted(lines.order_index, np.arange(len(who)))]
    status = _statuses(rng, bought.day, options.horizon_days, returned)
    ordered = to_datetimes(options.start, bought.day)
    rows = [
        {
            "external_id": f"{options.prefix}O{k + 1:07d}",
            "customer_id": int(who[k]),
            "ordered_at": ordered[k],
            "created_at": ordered[k],
            "currency": catalogue.CURRENCY,
            "total_amount": cents(int(totals[k])),
            "cost": cents(int(costs[k])),
            "status": status[k],
        }
        for k in range(len(who))
    ]
    return OrderSheet(rows, lines, line_price, line_cost, totals.astype(np.int64), first)


def _statuses(
    rng: np.random.Generator, day: NDArray[np.float64], horizon: int, returned: NDArray[np.bool_]
) -> list[str]:
    status = np.where(rng.random(len(day)) < 0.015, "cancelled", "completed")
    status = np.where(returned, "returned", status)
    return [str(s) for s in np.where(day > horizon - 2, "open", status)]


def cents(value: int) -> Any:
    """An integer number of cents as a two-place Decimal (exact, no float rounding)."""
    from decimal import Decimal

    return Decimal(value).scaleb(-2)


def _line_rows(
    sheet: OrderSheet, order_ids: list[int], product_ids: list[int]
) -> list[dict[str, Any]]:
    lines = sheet.lines
    return [
        {
            "order_id": order_ids[int(lines.order_index[i])],
            "product_id": product_ids[int(lines.product[i])],
            "quantity": int(lines.quantity[i]),
            "unit_price": cents(int(sheet.price_cents[i])),
            "amount": cents(int(sheet.price_cents[i] * lines.quantity[i])),
            "cost": cents(int(sheet.cost_cents[i] * lines.quantity[i])),
        }
        for i in range(len(lines.order_index))
    ]
