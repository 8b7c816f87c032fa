"""The demo shop: its catalogue, when customers buy, and what they put in the basket.

Purchases follow a BG/NBD-like process (gamma-distributed purchase rates, a geometric
dropout after each purchase), so the value engine finds real structure. Every category has
the same number of products, ordered by popularity, so baskets for thousands of orders are
drawn at once with array arithmetic. Amounts are computed in integer cents: exact sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from centricity.kit.money import to_money

# (category, lowest price, highest price, typical cost share, products by popularity)
CATEGORIES: tuple[tuple[str, float, float, float, tuple[str, ...]], ...] = (
    ("Coffee & Tea", 6, 90, 0.55, ("Espresso beans 1 kg", "Filter coffee 500 g",
     "Sencha green tea", "Earl Grey tea", "Cold brew kit", "Milk frother",
     "Pour-over dripper", "Burr coffee grinder")),
    ("Kitchen", 12, 350, 0.6, ("Chef's knife", "Cast-iron pan", "Oak cutting board",
     "Electric kettle", "Toaster", "Spice rack", "Food storage set", "Stand mixer")),
    ("Home & Living", 9, 120, 0.5, ("Scented candle", "Linen cushion", "Wool blanket",
     "Bath towel set", "Ceramic vase", "Storage basket", "Wall clock", "Table lamp")),
    ("Electronics", 10, 250, 0.7, ("USB-C charger", "Power bank", "Wireless earbuds",
     "HDMI cable", "Smart plug", "Bluetooth speaker", "Fitness tracker", "E-reader")),
    ("Outdoor & Garden", 8, 150, 0.55, ("Thermos flask", "Garden hose", "Pruning shears",
     "Bird feeder", "Seed starter kit", "Rain poncho", "Camping chair", "Hiking backpack")),
    ("Sports", 6, 120, 0.5, ("Water bottle", "Running socks", "Yoga mat", "Resistance bands",
     "Jump rope", "Bike light", "Foam roller", "Dumbbell set")),
    ("Kids & Toys", 7, 110, 0.5, ("Crayon set", "Picture book", "Plush bear",
     "Wooden puzzle", "Building blocks", "Kite", "Board game", "Balance bike")),
    ("Beauty & Care", 4, 45, 0.4, ("Hand cream", "Lip balm", "Shampoo", "Body lotion",
     "Toothbrush heads", "Sunscreen", "Beard oil", "Face serum")),
    ("Office", 3, 180, 0.55, ("Sticky notes", "Notebook A5", "Printer paper", "Fountain pen",
     "Desk organiser", "Desk lamp", "Monitor stand", "Office chair cushion")),
    ("Pet Supplies", 5, 90, 0.6, ("Chew toy", "Dog leash", "Feeding bowl", "Grooming brush",
     "Cat litter 10 kg", "Cat scratcher", "Dog food 12 kg", "Pet bed")),
)  # fmt: skip
PRODUCTS_PER_CATEGORY = 8
CURRENCY = "EUR"
NEVER_ORDERED_SHARE = 0.03


@dataclass(frozen=True)
class Catalogue:
    """Products as parallel arrays (index = position) plus the rows to insert."""

    names: tuple[str, ...]
    category_of: NDArray[np.int64]
    prices: NDArray[np.float64]
    costs: NDArray[np.float64]

    @property
    def size(self) -> int:
        """How many products the shop sells."""
        return len(self.names)


def build(rng: np.random.Generator) -> Catalogue:
    """Price every product: log-uniform within its category's range, .90/.99 endings."""
    names: list[str] = []
    categories: list[int] = []
    prices: list[float] = []
    costs: list[float] = []
    for index, (_, low, high, cost_share, products) in enumerate(CATEGORIES):
        raw = np.exp(rng.uniform(np.log(low), np.log(high), len(products)))
        ending = rng.choice([0.9, 0.99], len(products))
        price = np.floor(raw) + ending
        cost = price * np.clip(rng.normal(cost_share, 0.06, len(products)), 0.25, 0.85)
        names.extend(products)
        categories.extend([index] * len(products))
        prices.extend(np.round(price, 2).tolist())
        costs.extend(np.round(cost, 2).tolist())
    return Catalogue(tuple(names), np.array(categories), np.array(prices), np.array(costs))


def product_rows(
    catalogue: Catalogue, category_ids: list[int], prefix: str
) -> list[dict[str, object]]:
    """Rows for `products`, linked to the inserted categories' ids."""
    return [
        {
            "external_id": f"{prefix}P{index + 1:03d}",
            "name": name,
            "category_id": category_ids[int(catalogue.category_of[index])],
            "unit_price": _money(catalogue.prices[index]),
            "unit_cost": _money(catalogue.costs[index]),
            "currency": CURRENCY,
        }
        for index, name in enumerate(catalogue.names)
    ]


def _money(value: float) -> Decimal:
    return to_money(round(float(value), 2))


def cents(value: int) -> Decimal:
    """An integer number of cents as a two-place Decimal (exact, no float rounding)."""
    return Decimal(value).scaleb(-2)


def to_datetimes(start: datetime, days: NDArray[np.float64]) -> list[datetime]:
    """Turn day offsets from `start` into aware datetimes, to the second."""
    seconds = np.floor(days * 86400).astype(np.int64)
    return [start + timedelta(seconds=int(s)) for s in seconds]


@dataclass(frozen=True)
class Purchases:
    """Simulated orders (sorted by time) and the per-customer facts behind them."""

    customer: NDArray[np.int64]
    day: NDArray[np.float64]
    birth: NDArray[np.float64]
    dead: NDArray[np.bool_]


def simulate_purchases(
    rng: np.random.Generator, business: NDArray[np.bool_], horizon: int
) -> Purchases:
    """Draw each customer's purchase days: gamma rates, geometric dropout (BG/NBD).

    A third of the customers are already there when the history starts; the rest arrive
    evenly. A few never order (registered, asked a question, went away).
    """
    n = len(business)
    early = rng.random(n) < 0.35
    birth = np.where(early, rng.uniform(0, 30, n), rng.uniform(0, horizon, n))
    rate = np.maximum(rng.gamma(0.8, 1 / 45, n) * np.where(business, 2.0, 1.0), 1e-4)
    repeats = np.minimum(rng.geometric(rng.beta(1.0, 3.5, n)) - 1, 150)
    owner = np.repeat(np.arange(n), repeats)
    gaps = rng.exponential(1.0, len(owner)) / rate[owner]
    running = np.cumsum(gaps)
    before = np.concatenate([[0.0], running])[np.cumsum(repeats) - repeats]
    lifetime = np.bincount(owner, weights=gaps, minlength=n)
    buyer = rng.random(n) >= NEVER_ORDERED_SHARE
    customer = np.concatenate([np.arange(n), owner])
    day = np.concatenate([birth, birth[owner] + running - before[owner]])
    keep = np.flatnonzero((day < horizon) & buyer[customer])
    keep = keep[np.lexsort((customer[keep], day[keep]))]
    return Purchases(customer[keep], day[keep], birth, birth + lifetime < horizon)


@dataclass(frozen=True)
class Lines:
    """Order lines as parallel arrays: which order, which product, how many."""

    order_index: NDArray[np.int64]
    product: NDArray[np.int64]
    quantity: NDArray[np.int64]


def draw_lines(
    rng: np.random.Generator,
    basket_size: NDArray[np.float64],
    favourites: NDArray[np.int64],
    bulk_buyer: NDArray[np.bool_],
) -> Lines:
    """Fill each order (one entry per order): mostly from the customer's favourite categories.

    Loyal category preferences give the next-best-offer engine something real to find.
    """
    n_lines = 1 + rng.poisson(basket_size)
    order_index = np.repeat(np.arange(len(basket_size)), n_lines)
    total = len(order_index)
    own = favourites[order_index, rng.integers(0, favourites.shape[1], total)]
    category = np.where(rng.random(total) < 0.7, own, rng.integers(0, len(CATEGORIES), total))
    popularity = 1.0 / np.arange(1, PRODUCTS_PER_CATEGORY + 1)
    rank = rng.choice(PRODUCTS_PER_CATEGORY, total, p=popularity / popularity.sum())
    quantity = 1 + rng.poisson(np.where(bulk_buyer[order_index], 4.0, 0.25))
    return Lines(order_index, category * PRODUCTS_PER_CATEGORY + rank, quantity)


@dataclass(frozen=True)
class Orders:
    """Drawn orders: their lines, prices and costs in cents, and a product to talk about."""

    lines: Lines
    price_cents: NDArray[np.int64]
    cost_cents: NDArray[np.int64]
    totals: NDArray[np.int64]
    costs: NDArray[np.int64]
    first_product: NDArray[np.int64]


def draw_orders(
    rng: np.random.Generator, shop: Catalogue, bought: Purchases, business: NDArray[np.bool_]
) -> Orders:
    """Fill every simulated purchase; basket size varies by customer, not by frequency
    (the independence Gamma-Gamma assumes)."""
    n, who = len(business), bought.customer
    basket = rng.gamma(2.0, 0.5, n)
    favourites = rng.integers(0, len(CATEGORIES), (n, 2))
    lines = draw_lines(rng, basket[who], favourites[who], business[who])
    price = np.round(shop.prices * 100).astype(np.int64)[lines.product]
    cost = np.round(shop.costs * 100).astype(np.int64)[lines.product]
    totals = np.bincount(lines.order_index, price * lines.quantity, len(who)).astype(np.int64)
    costs = np.bincount(lines.order_index, cost * lines.quantity, len(who)).astype(np.int64)
    first = lines.product[np.searchsorted(lines.order_index, np.arange(len(who)))]
    return Orders(lines, price, cost, totals, costs, first)


def order_rows(
    orders: Orders,
    customer_ids: NDArray[np.int64],
    ordered: list[datetime],
    status: list[str],
    prefix: str,
) -> list[dict[str, Any]]:
    """Rows for `orders`, numbered by time."""
    return [
        {
            "external_id": f"{prefix}O{k + 1:08d}",
            "customer_id": int(customer_ids[k]),
            "ordered_at": ordered[k],
            "created_at": ordered[k],
            "currency": CURRENCY,
            "total_amount": cents(int(orders.totals[k])),
            "cost": cents(int(orders.costs[k])),
            "status": status[k],
        }
        for k in range(len(ordered))
    ]


def line_rows(orders: Orders, order_ids: list[int], product_ids: list[int]) -> list[dict[str, Any]]:
    """Rows for `order_lines`, linked to the inserted orders and products."""
    lines = orders.lines
    return [
        {
            "order_id": order_ids[int(lines.order_index[i])],
            "product_id": product_ids[int(lines.product[i])],
            "quantity": int(lines.quantity[i]),
            "unit_price": cents(int(orders.price_cents[i])),
            "amount": cents(int(orders.price_cents[i] * lines.quantity[i])),
            "cost": cents(int(orders.cost_cents[i] * lines.quantity[i])),
        }
        for i in range(len(lines.order_index))
    ]


def statuses(
    rng: np.random.Generator, day: NDArray[np.float64], horizon: int, returned: NDArray[np.bool_]
) -> list[str]:
    """Mostly completed; some cancelled, returned (after a return contact), or still open."""
    status = np.where(rng.random(len(day)) < 0.015, "cancelled", "completed")
    status = np.where(returned, "returned", status)
    return [str(s) for s in np.where(day > horizon - 2, "open", status)]
