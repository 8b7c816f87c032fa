"""The measured requests: search queries of each class drawn from the data, 360 pages of
random and of the heaviest customers, shuffled together and sent sequentially over
keep-alive connections, timed client-side over real HTTP."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from bench_kit.staff import SignedIn

from centricity.kit.text import digits, fold
from centricity.web.deps import SESSION_COOKIE
from customers_bench import SEED


@dataclass(frozen=True)
class Probe:
    """One request to measure: endpoint, class of input and path."""

    endpoint: str
    klass: str
    path: str


SEARCH_CLASSES = (
    "surname with diacritics",
    "surname folded (no diacritics)",
    "first name + surname",
    "surname fragment (4-5 chars)",
    "e-mail fragment",
    "phone digits",
    "external id",
    "2-character prefix",
    "3-character prefix (typing)",
    "very common trigram",
)
COMMON_TRIGRAMS = ("ova", "son", "ska", "ien", "ова", "and", "ber", "ann", "mar", "gma")


def _sample_customers(db_path: Path, rng: random.Random, n_customers: int, k: int) -> list[Any]:
    ids = sorted(rng.sample(range(1, n_customers + 1), min(k, n_customers)))
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        marks = ",".join("?" * len(ids))
        return con.execute(
            f"SELECT id, name, email, phone, external_id FROM customers WHERE id IN ({marks})",
            ids,
        ).fetchall()
    finally:
        con.close()


def heavy_customers(db_path: Path, k: int) -> list[int]:
    """The customers with the most orders (the 360 page's worst case)."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT customer_id FROM orders GROUP BY customer_id ORDER BY count(*) DESC LIMIT ?",
            (k,),
        ).fetchall()
    finally:
        con.close()
    return [int(r[0]) for r in rows]


def search_queries(db_path: Path, n_customers: int, per_class: int) -> dict[str, list[str]]:
    """A realistic, seeded query list per search class (values taken from the data)."""
    rng = random.Random(SEED + 7)
    sample = _sample_customers(db_path, rng, n_customers, per_class * 3)
    # Surnames as they occur in the data (common ones more often), of people only.
    persons = [row for row in sample if row[2] is None or not row[2].startswith("info@")]
    surnames = [row[1].rsplit(" ", 1)[-1] for row in persons]
    accented = [name for name in surnames if fold(name) != name.lower()]
    people = [row for row in sample if row[2] and "@" in row[2] and not row[2].startswith("info@")]
    with_phone = [row for row in sample if row[3]]

    def email_fragment(email: str) -> str:
        local = email.partition("@")[0]
        choice = rng.random()
        if choice < 0.5:
            return local
        if choice < 0.8:
            return email
        return local[: max(5, len(local) // 2)]

    def phone_digits(phone: str) -> str:
        number = digits(phone)
        return phone if rng.random() < 0.3 else number[-rng.choice((6, 7, 9)) :]

    def fragment(name: str) -> str:
        folded = fold(name)
        size = rng.choice((4, 5))
        start = rng.randrange(0, max(1, len(folded) - size + 1))
        return folded[start : start + size]

    makers: dict[str, Callable[[], str]] = {
        "surname with diacritics": lambda: rng.choice(accented),
        "surname folded (no diacritics)": lambda: fold(rng.choice(accented)),
        "first name + surname": lambda: rng.choice(sample)[1],
        "surname fragment (4-5 chars)": lambda: fragment(rng.choice(surnames)),
        "e-mail fragment": lambda: email_fragment(rng.choice(people)[2]),
        "phone digits": lambda: phone_digits(rng.choice(with_phone)[3]),
        "external id": lambda: rng.choice(sample)[4],
        "2-character prefix": lambda: rng.choice(sample)[1][:2],
        "3-character prefix (typing)": lambda: fold(rng.choice(surnames))[:3],
        "very common trigram": lambda: rng.choice(COMMON_TRIGRAMS),
    }
    return {klass: [makers[klass]() for _ in range(per_class)] for klass in SEARCH_CLASSES}


def build_probes(
    db_path: Path, n_customers: int, search_requests: int, detail_requests: int
) -> list[Probe]:
    """All measured requests, shuffled so classes and endpoints interleave."""
    per_class = max(1, search_requests // len(SEARCH_CLASSES))
    queries = search_queries(db_path, n_customers, per_class)
    probes: list[Probe] = []
    for klass, values in queries.items():
        for value in values:
            q = httpx.QueryParams({"q": value})
            probes.append(Probe("search page  GET /customers?q=", klass, f"/customers?{q}"))
            probes.append(
                Probe("search API   GET /api/v1/customers?q=", klass, f"/api/v1/customers?{q}")
            )
    rng = random.Random(SEED + 11)
    heavy = heavy_customers(db_path, max(10, detail_requests // 10))
    heavy_n = max(1, detail_requests // 10)
    targets = [
        ("random customer", rng.randrange(1, n_customers + 1)) for _ in range(detail_requests)
    ]
    targets += [("top customers by orders", rng.choice(heavy)) for _ in range(heavy_n)]
    for klass, cid in targets:
        probes.append(Probe("360 page     GET /customers/{id}", klass, f"/customers/{cid}"))
        probes.append(
            Probe(
                "360 API      GET /api/v1/customers/{id}/timeline",
                klass,
                f"/api/v1/customers/{cid}/timeline",
            )
        )
    rng.shuffle(probes)
    return probes


@dataclass
class Sample:
    """One measured request."""

    probe: Probe
    ms: float
    total: int | None


def run_probes(base: str, creds: SignedIn, probes: Sequence[Probe], warmup: int) -> list[Sample]:
    """Send every probe sequentially over keep-alive connections and time it client-side."""
    page = httpx.Client(
        base_url=base, timeout=300, headers={"Cookie": f"{SESSION_COOKIE}={creds.cookie}"}
    )
    api = httpx.Client(
        base_url=base, timeout=300, headers={"Authorization": f"Bearer {creds.token}"}
    )
    samples: list[Sample] = []
    try:
        warm = [p for p in probes if p.klass != "very common trigram"][:warmup]
        for probe in warm:
            (api if "API" in probe.endpoint else page).get(probe.path).raise_for_status()
        print(f"  warm-up: {len(warm)} requests", flush=True)
        started = time.perf_counter()
        for index, probe in enumerate(probes, 1):
            client = api if "API" in probe.endpoint else page
            t0 = time.perf_counter()
            response = client.get(probe.path)
            elapsed = (time.perf_counter() - t0) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{probe.path} answered {response.status_code}")
            total = None
            if probe.endpoint.startswith("search API"):
                total = int(response.json()["total"])
            samples.append(Sample(probe, elapsed, total))
            if index % 500 == 0:
                spent = time.perf_counter() - started
                print(f"  {index}/{len(probes)} requests, {spent:.0f} s", flush=True)
    finally:
        page.close()
        api.close()
    return samples
