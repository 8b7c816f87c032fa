"""The demo shop's product catalogue and the baskets customers fill from it.

Every category has the same number of products, ordered from most to least popular, so a
basket can be drawn for thousands of orders at once with plain array arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

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
