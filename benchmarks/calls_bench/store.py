"""The store the imports run on: migrated, with staff of the call-centre department, an
SLA policy for phone tasks (so call-back tasks get their targets, as in a live desk) and
100,000 Czech customers with mobile phones written as people write them, bulk-loaded
(SQLite `executemany`, PostgreSQL `COPY`) with `phone_e164` and `search_key` exactly as
`customers.service` makes them."""

from __future__ import annotations

import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from bench_kit.stores import new_store, session
from customers_bench.people import LANGUAGES, ascii_slug
from sqlalchemy import text

from calls_bench import DEPARTMENT, SEED, STORE_NAME, phone_numbers
from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.calendars import service as calendars
from centricity.calendars.schemas import CalendarCreate
from centricity.cases import policies
from centricity.cases.schemas import PolicyConditions, SlaPolicyCreate
from centricity.db import make_engine
from centricity.interactions.models import Channel
from centricity.kit.text import digits, search_key
from centricity.telephony.phones import customer_e164

OFFICE = {d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
CREATED = datetime(2024, 1, 1, tzinfo=UTC)
COLUMNS = (
    "id", "external_id", "kind", "name", "email", "phone", "phone_e164", "preferred_language",
    "country", "postcode", "attributes", "search_key", "created_at", "updated_at",
)  # fmt: skip


def written(national: str, form: int) -> str:
    """A Czech mobile number as people and phone systems write it (`form` 0–4)."""
    n = national
    return (
        f"+420 {n[:3]} {n[3:6]} {n[6:]}",
        n,
        f"00420{n}",
        f"{n[:3]} {n[3:6]} {n[6:]}",
        f"+420{n}",
    )[form]


def customer_rows(count: int) -> list[tuple[Any, ...]]:
    """Customers 1…count (external ids `C0000000`… as the orders file names them), each
    with a distinct mobile phone in one of the written forms."""
    czech = next(lang for lang in LANGUAGES if lang.code == "cs")
    rng = random.Random(SEED)
    numbers, _unknown = phone_numbers(count)
    rows = []
    for i in range(count):
        male_surname, female_surname = rng.choice(czech.surnames)
        female = rng.random() < 0.5
        first = rng.choice(czech.female if female else czech.male)
        name = f"{first} {female_surname if female else male_surname}"
        email = (
            f"{ascii_slug(first)}.{ascii_slug(name.split()[-1])}{rng.randrange(1, 1000)}"
            f"@{rng.choice(czech.domains)}"
            if rng.random() < 0.8
            else None
        )
        # "+420 6xx xxx xxx" 45 %, "6xxxxxxxx" 25 %, "00420…" 15 %, "6xx xxx xxx" 10 %,
        # "+4206xxxxxxxx" 5 %.
        form = rng.choices(range(5), (45, 25, 15, 10, 5))[0]
        phone = written(str(numbers[i]), form)
        external_id = f"C{i:07d}"
        postcode = f"{rng.randrange(10_000, 79_999)}"
        created = CREATED + timedelta(minutes=i)
        rows.append(
            (
                i + 1,
                external_id,
                "person",
                name,
                email,
                phone,
                customer_e164(phone, "CZ"),
                "cs",
                "CZ",
                postcode,
                "{}",
                search_key(name, email, digits(phone) or None, external_id, postcode),
                created,
                created,
            )
        )
    return rows


def _seed_staff(url: str) -> None:
    """An admin, an agent of the call-centre department (which it creates), an office-
    hours calendar with Czech holidays and a policy for phone tasks, through the services."""
    with session(url) as db:
        admin = accounts.create(
            db,
            data=UserCreate(
                email="admin@bench.example", name="Admin", password="bench-pass-123",
                role=Role.ADMIN,
            ),
            actor=None,
        )  # fmt: skip
        accounts.create(
            db,
            data=UserCreate(
                email="agent@bench.example", name="Agent", password="bench-pass-123",
                role=Role.AGENT, department=DEPARTMENT,
            ),
            actor=None,
        )  # fmt: skip
        calendar = calendars.create(
            db,
            data=CalendarCreate(
                name="Call centre", time_zone="Europe/Prague", hours=OFFICE, holiday_country="CZ"
            ),
            actor=admin,
        )
        policies.create(
            db,
            data=SlaPolicyCreate(
                name="Call-backs",
                conditions=PolicyConditions(channel=Channel.PHONE),
                calendar_id=calendar.id,
                first_response_minutes=60,
                resolution_minutes=480,
            ),
            actor=admin,
        )


def _load_sqlite(url: str, rows: list[tuple[Any, ...]]) -> None:
    path = url.removeprefix("sqlite:///")
    con = sqlite3.connect(path, isolation_level=None)
    stamp = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores UTCDateTime on SQLite
    prepared = [(*r[:-2], r[-2].strftime(stamp), r[-1].strftime(stamp)) for r in rows]
    marks = ",".join("?" * len(COLUMNS))
    con.execute("BEGIN")
    con.executemany(f"INSERT INTO customers ({', '.join(COLUMNS)}) VALUES ({marks})", prepared)
    con.execute("COMMIT")
    con.close()


def _load_postgresql(url: str, rows: list[tuple[Any, ...]]) -> None:
    dsn = "postgresql://" + url.split("://", 1)[1]
    with psycopg.connect(dsn) as conn:
        copy_sql = f"COPY customers ({', '.join(COLUMNS)}) FROM STDIN"
        with conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        sequence = "pg_get_serial_sequence('customers', 'id')"
        conn.execute(f"SELECT setval({sequence}, max(id)) FROM customers")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE) customers")  # as autovacuum keeps a live store


def build_store(engine_name: str, folder: Path, rows: list[tuple[Any, ...]]) -> tuple[str, float]:
    """A fresh store with the staff, the policy and the customers; its URL and seconds."""
    began = time.perf_counter()
    url = new_store(engine_name, folder, STORE_NAME)
    _seed_staff(url)
    if engine_name == "sqlite":
        _load_sqlite(url, rows)
    else:
        _load_postgresql(url, rows)
    return url, time.perf_counter() - began


def counts(url: str) -> dict[str, Any]:
    """What the calls import left in the store (compared before and after a re-import)."""
    queries = {
        "customers": "SELECT count(*) FROM customers",
        "calls": "SELECT count(*) FROM calls",
        "calls_with_customer": "SELECT count(*) FROM calls WHERE customer_id IS NOT NULL",
        "calls_without_owner": "SELECT count(*) FROM calls WHERE department_id IS NULL",
        "missed_calls": "SELECT count(*) FROM calls WHERE missed",
        "missed_from_customers": (
            "SELECT count(*) FROM calls WHERE missed AND customer_id IS NOT NULL"
        ),
        "called_back": "SELECT count(*) FROM calls WHERE called_back_at IS NOT NULL",
        "interactions": "SELECT count(*) FROM interactions",
        "call_backs": "SELECT count(*) FROM call_backs",
        "open_call_backs": "SELECT count(*) FROM call_backs WHERE open_number IS NOT NULL",
        "calls_in_call_backs": "SELECT coalesce(sum(missed_calls), 0) FROM call_backs",
        "open_call_back_tasks": (
            "SELECT count(*) FROM cases WHERE kind = 'task' AND channel = 'phone' "
            "AND status NOT IN ('solved', 'closed')"
        ),
        "tasks": "SELECT count(*) FROM cases WHERE kind = 'task'",
        "case_targets": "SELECT count(*) FROM case_targets",
        "case_links": "SELECT count(*) FROM case_interactions",
        "cases_last_updated": "SELECT max(updated_at) FROM cases",
    }
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found = {name: conn.execute(text(sql)).scalar() for name, sql in queries.items()}
    finally:
        engine.dispose()
    return {k: (str(v) if k == "cases_last_updated" else int(v or 0)) for k, v in found.items()}
