"""Crafted timeline cursors: the API answers 422, the page ignores them, nothing is a 500.

The probe sent `9999-12-31T23:59:59|order|99999999999999999999`: the 20-digit id reached
the database driver and overflowed (500). Every shape a cursor can be bent into is tried
here, then hypothesis tries arbitrary and almost-valid ones.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.customers.timeline import Cursor, page_cursor, read_cursor
from centricity.kit.errors import Invalid
from centricity.orders import service as orders
from centricity.orders.schemas import OrderCreate

PROBE = "9999-12-31T23:59:59|order|99999999999999999999"
MALFORMED = [
    PROBE,
    "2025-01-01T00:00:00+00:00|order|2147483648",  # one past the largest row id
    "2025-01-01T00:00:00+00:00|order|9223372036854775808",  # past 64 bits
    "2025-01-01T00:00:00+00:00|order|-1",
    "2025-01-01T00:00:00+00:00|order|0",
    "2025-01-01T00:00:00+00:00|order|+5",
    "2025-01-01T00:00:00+00:00|order| 5",
    "2025-01-01T00:00:00+00:00|order|1_000",
    "2025-01-01T00:00:00+00:00|order|\u0665",  # Arabic-Indic five: int() would take it
    "2025-01-01T00:00:00+00:00|order|1.5",
    "2025-01-01T00:00:00+00:00|order|",
    "2025-01-01T00:00:00+00:00|cases|1",  # no source of that kind
    "2025-01-01T00:00:00+00:00|ORDER|1",
    "2025-01-01T00:00:00+00:00||1",
    "2025-01-01T00:00:00+00:00|order|1|extra",
    "2025-01-01T00:00:00+00:00|order",
    "2025-01-01T00:00:00+00:00",
    "||",
    "|",
    "yesterday",
    "2025-13-01T00:00:00|order|1",
    "2025-02-30T00:00:00|order|1",
    "2025-01-01T24:00:00|order|1",
    "2025-01-01T23:60:00|order|1",
    "0000-01-01T00:00:00|order|1",
    "0001-01-01T00:00:00+01:00|order|1",  # to UTC: before year 1 (OverflowError)
    "9999-12-31T23:59:59-01:00|order|1",  # to UTC: after year 9999 (OverflowError)
    "9999-12-31T23:59:59|order|1",  # beyond the years stored times live in
    "1899-12-31T23:59:59|order|1",
    "2025-01-01|order|1",
    "2025-01-01 00:00:00|order|1",
    "20250101T000000|order|1",
    "2025-W01-1T00:00:00|order|1",
    "2025-01-01T00:00:00+24:00|order|1",
    "2025-01-01T00:00:00+0100|order|1",
    "2025-01-01T00:00:00 UTC|order|1",
    "2025-01-01T00:00:00.1234567|order|1",
    "２０２５-01-01T00:00:00|order|1",  # full-width digits
    "2025-01-01T00:00:00\u00a0|order|1",
    "2025-01-01T00:00:00|order|1\n",
    "2025-01-01T00:00:00|order|1\t",
    "%00",
    "2025-01-01T00:00:00|order|1" + "1" * 60,
]
VALID = [
    "2025-01-01T00:00:00+00:00|order|1",
    "2025-01-01T00:00:00|interaction|2147483647",
    "2025-01-01T00:00:00Z|order|1",
    "2025-01-01T01:00:00+01:00|interaction|7",
    "2025-01-01T00:00:00.123456+00:00|order|1",
    "1900-01-01T00:00:00+00:00|order|1",
    "9998-12-31T23:59:59+00:00|order|1",
]


@pytest.fixture()
def customer(db: Session, personas: Any) -> Any:
    created = customers.create(db, data=CustomerCreate(name="Ona Petraitė"), actor=personas.bob)
    for day in range(1, 4):
        orders.create(
            db,
            data=OrderCreate(
                customer_id=created.id,
                currency="EUR",
                ordered_at=datetime(2025, 6, day, tzinfo=UTC),
                total_amount=Decimal(day),
            ),
            actor=personas.bob,
        )
    db.commit()
    return created


@pytest.mark.parametrize("token", MALFORMED)
def test_a_malformed_cursor_is_refused_before_any_query(token: str) -> None:
    with pytest.raises(Invalid) as refused:
        read_cursor(token)
    assert refused.value.field == "cursor"
    assert page_cursor(token) is None


@pytest.mark.parametrize("token", VALID)
def test_a_well_formed_cursor_is_read(token: str) -> None:
    cursor = read_cursor(token)
    assert cursor is not None and cursor.at.utcoffset() == timedelta(0)
    assert Cursor.parse(cursor.token()) == cursor


def test_the_probes_cursor_answers_422_on_the_api_and_is_ignored_on_the_page(
    anon: TestClient, customer: Any, personas: Any, token_for: Any, browser_for: Any
) -> None:
    headers = token_for(personas.viewer)
    api = anon.get(
        f"/api/v1/customers/{customer.id}/timeline", params={"cursor": PROBE}, headers=headers
    )
    assert api.status_code == 422 and api.json()["errors"][0]["field"].endswith("cursor")
    client = browser_for(personas.viewer).client
    page = client.get(f"/customers/{customer.id}/timeline", params={"cursor": PROBE})
    assert page.status_code == 200 and page.text.count('data-kind="order"') == 3


def test_every_malformed_shape_is_422_on_the_api_and_ignored_on_the_page(
    anon: TestClient, customer: Any, personas: Any, token_for: Any, browser_for: Any
) -> None:
    headers = token_for(personas.viewer)
    client = browser_for(personas.viewer).client
    for token in MALFORMED:
        api = anon.get(
            f"/api/v1/customers/{customer.id}/timeline", params={"cursor": token}, headers=headers
        )
        assert api.status_code == 422, (token, api.status_code)
        page = client.get(f"/customers/{customer.id}/timeline", params={"cursor": token})
        assert page.status_code == 200, (token, page.status_code)
        assert page.text.count('data-kind="order"') == 3, token
    for token in VALID:
        api = anon.get(
            f"/api/v1/customers/{customer.id}/timeline", params={"cursor": token}, headers=headers
        )
        assert api.status_code == 200, (token, api.text)


def test_a_nul_in_a_cursor_is_refused_before_the_route(
    anon: TestClient, customer: Any, personas: Any, token_for: Any
) -> None:
    url = f"/api/v1/customers/{customer.id}/timeline"
    answer = anon.get(
        url,
        params={"cursor": "2025-01-01T00:00:00|order|1\x00"},
        headers=token_for(personas.viewer),
    )
    assert answer.status_code == 400


def _two(top: int) -> st.SearchStrategy[str]:
    """Mostly a plausible two-digit field, sometimes any digits."""
    plausible = st.integers(1, top - 1).map(lambda v: f"{v:02}")
    odd = st.one_of(
        st.integers(0, top).map(lambda v: f"{v:02}"),
        st.text(st.sampled_from("0123456789"), min_size=1, max_size=3),
    )
    return st.one_of(plausible, plausible, plausible, odd)


_NEAR_VALID = st.builds(
    lambda y, mo, d, h, mi, s, zone, kind, ident, sep: (
        f"{y}-{mo}-{d}T{h}:{mi}:{s}{zone}{sep}{kind}{sep}{ident}"
    ),
    st.one_of(
        st.sampled_from(["0001", "1899", "1900", "2025", "9998", "9999"]),
        st.integers(0, 9999).map(lambda v: f"{v:04}"),
    ),
    _two(13),
    _two(31),
    _two(24),
    _two(60),
    _two(60),
    st.sampled_from(["", "Z", "+00:00", "-23:59", "+23:59", "+24:00", "+01", "UTC"]),
    st.sampled_from(["order", "interaction", "order", "interaction", "", "Order", "case"]),
    st.one_of(
        st.integers(-(2**70), 2**70).map(str),
        st.sampled_from(
            ["99999999999999999999", "9223372036854775808", "-9223372036854775809", "2147483648"]
        ),
        st.sampled_from(["2147483647", "0", "-0", "+1", "1e3", " 1", "1|2"]),
    ),
    st.sampled_from(["|", "|", "|", "||", "¦", ","]),
)
_ANY = st.one_of(_NEAR_VALID, st.text(max_size=80).filter(lambda t: "\x00" not in t))


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(token=_ANY)
def test_no_cursor_is_a_server_error(
    anon: TestClient, customer: Any, personas: Any, token_for: Any, token: str
) -> None:
    headers = token_for(personas.viewer)
    url = f"/api/v1/customers/{customer.id}/timeline"
    answer = anon.get(url, params={"cursor": token}, headers=headers)
    assert answer.status_code in (200, 422), (token, answer.text)
    try:
        accepted = len(token) <= 80 and (not token or read_cursor(token) is not None)
    except Invalid:
        accepted = False
    assert answer.status_code == (200 if accepted else 422), (token, answer.text)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    at=st.datetimes(
        min_value=datetime(1900, 1, 2), max_value=datetime(9998, 12, 30), timezones=st.just(UTC)
    ),
    kind=st.sampled_from(["order", "interaction"]),
    ident=st.integers(1, 2**31 - 1),
)
def test_every_cursor_a_page_gives_is_read_back(at: datetime, kind: str, ident: int) -> None:
    cursor = Cursor(at, kind, ident)
    assert read_cursor(cursor.token()) == cursor
