"""The customer 360 timeline: one list of everything that happened, newest first.

Each source (orders, contacts; later cases and feedback) yields its newest rows before a
cursor; the lists are merged and cut, so a page costs one indexed query per source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from centricity.accounts.models import Department, User
from centricity.customers.models import Customer
from centricity.customers.schemas import Timeline, TimelineItem
from centricity.interactions import service as interaction_service
from centricity.interactions.models import Channel, Direction, Interaction
from centricity.kit.errors import Invalid
from centricity.kit.i18n import Message, lazy, noop
from centricity.kit.time import as_utc
from centricity.kit.validation import MAX_ID
from centricity.orders.models import Order

# The shape `Cursor.token` writes (ASCII digits only: `int` and `fromisoformat` would also
# take other scripts' digits, signs, underscores and spaces). Offsets are accepted, since
# a cursor is a time and converts to UTC; its year must stay where stored times live.
_SHAPE = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?\|[a-z_]{1,40}\|[0-9]{1,10}"
)
_CURSOR = re.compile(_SHAPE, re.ASCII)
CURSOR_PATTERN = rf"^({_SHAPE})?$"  # the API's parameter; empty means "from the newest"
CURSOR_MAX_LENGTH = 80
CURSOR_YEARS = (1900, 9998)  # as `kit.validation.UtcDatetime`: beyond, databases overflow


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: items sort by (at, kind, id), newest first, so ties never skip."""

    at: datetime
    kind: str = ""
    id: int = 0

    def token(self) -> str:
        """The cursor as the opaque `cursor` parameter of the next page."""
        return f"{self.at.isoformat()}|{self.kind}|{self.id}"

    @classmethod
    def parse(cls, token: str) -> Cursor:
        """Read a `cursor` parameter, refusing (ValueError) anything `token` cannot have
        written: another shape, an impossible or out-of-range time, a kind no source
        has, an id beyond the database's integers (the probe's 20-digit id overflowed
        the driver: a 500)."""
        if not _CURSOR.fullmatch(token):
            raise ValueError("not a cursor")
        text, kind, ident = token.split("|")
        try:
            at = as_utc(datetime.fromisoformat(text))
        except OverflowError:
            raise ValueError("time out of range") from None
        if not CURSOR_YEARS[0] <= at.year <= CURSOR_YEARS[1]:
            raise ValueError("time out of range")
        if kind not in SOURCES or not 1 <= int(ident) <= MAX_ID:
            raise ValueError("unknown kind or id out of range")
        return cls(at, kind, int(ident))

    def before(
        self, kind: str, at: InstrumentedAttribute[datetime], ident: InstrumentedAttribute[int]
    ) -> ColumnElement[bool]:
        """The rows of a source of `kind` that come after this cursor in timeline order."""
        if kind < self.kind:
            return at <= self.at
        if kind > self.kind:
            return at < self.at
        return or_(at < self.at, and_(at == self.at, ident < self.id))


def read_cursor(token: str | None) -> Cursor | None:
    """Parse the API's `cursor` parameter or answer 422 naming it."""
    if not token:
        return None
    try:
        return Cursor.parse(token)
    except ValueError:
        raise Invalid(lazy("not a cursor given by a previous page"), field="cursor") from None


def page_cursor(token: str | None) -> Cursor | None:
    """Parse the page's `cursor` parameter; a malformed one is ignored (the newest
    entries are shown), since a person following a damaged link wants the timeline."""
    if token and len(token) > CURSOR_MAX_LENGTH:
        return None
    try:
        return read_cursor(token)
    except Invalid:
        return None


TimelineSource = Callable[[Session, Customer, User, Cursor | None, int], list[TimelineItem]]


def _order_items(
    session: Session, customer: Customer, _actor: User, cursor: Cursor | None, limit: int
) -> list[TimelineItem]:
    query = select(Order).where(Order.customer_id == customer.id)
    if cursor is not None:
        query = query.where(cursor.before("order", Order.ordered_at, Order.id))
    ordered = query.order_by(Order.ordered_at.desc(), Order.id.desc())
    rows = session.scalars(ordered.limit(limit))
    return [
        TimelineItem(
            kind="order",
            id=o.id,
            at=o.ordered_at,
            title=lazy("Order %(number)s", number=o.external_id or o.id),
            detail=o.status,
            amount=f"{o.total_amount:.2f}",
            currency=o.currency,
        )
        for o in rows
    ]


# A logged contact's title, whole in each language ("Inbound phone" cannot be glued from
# two words where adjectives agree with the noun or follow it).
_CONTACT_TITLES: dict[tuple[str, str], str] = {
    (Direction.INBOUND, Channel.PHONE): noop("Inbound phone"),
    (Direction.INBOUND, Channel.EMAIL): noop("Inbound email"),
    (Direction.INBOUND, Channel.CHAT): noop("Inbound chat"),
    (Direction.INBOUND, Channel.VISIT): noop("Inbound visit"),
    (Direction.INBOUND, Channel.SOCIAL): noop("Inbound social"),
    (Direction.INBOUND, Channel.LETTER): noop("Inbound letter"),
    (Direction.INBOUND, Channel.OTHER): noop("Inbound other"),
    (Direction.OUTBOUND, Channel.PHONE): noop("Outbound phone"),
    (Direction.OUTBOUND, Channel.EMAIL): noop("Outbound email"),
    (Direction.OUTBOUND, Channel.CHAT): noop("Outbound chat"),
    (Direction.OUTBOUND, Channel.VISIT): noop("Outbound visit"),
    (Direction.OUTBOUND, Channel.SOCIAL): noop("Outbound social"),
    (Direction.OUTBOUND, Channel.LETTER): noop("Outbound letter"),
    (Direction.OUTBOUND, Channel.OTHER): noop("Outbound other"),
}


def _contact_title(direction: str, channel: str) -> Message:
    """The title of a contact: translated when shown on a page, English in the API (a code
    no form offers, from an old import, stays as written)."""
    title = _CONTACT_TITLES.get((direction, channel))
    return lazy(title) if title else f"{direction.capitalize()} {channel}"


def _interaction_items(
    session: Session, customer: Customer, actor: User, cursor: Cursor | None, limit: int
) -> list[TimelineItem]:
    query = (
        interaction_service.visible_to(actor)
        .where(Interaction.customer_id == customer.id)
        .add_columns(User.name, Department.name)
        .outerjoin(User, User.id == Interaction.user_id)
        .outerjoin(Department, Department.id == Interaction.department_id)
    )
    if cursor is not None:
        query = query.where(cursor.before("interaction", Interaction.started_at, Interaction.id))
    ordered = query.order_by(Interaction.started_at.desc(), Interaction.id.desc())
    rows = session.execute(ordered.limit(limit))
    return [
        TimelineItem(
            kind="interaction",
            id=i.id,
            at=i.started_at,
            title=_contact_title(i.direction, i.channel),
            detail=i.note,
            channel=i.channel,
            direction=i.direction,
            staff_name=staff,
            department=dept,
            confidential=i.confidential,
        )
        for i, staff, dept in rows
    ]


# Kind → source; a cursor names the kind of the entry it stopped at, so only these kinds
# are valid in a cursor.
SOURCES: dict[str, TimelineSource] = {"order": _order_items, "interaction": _interaction_items}


def register_source(kind: str, source: TimelineSource) -> None:
    """Let a later domain (cases, feedback) add its events, of `kind` (lower-case letters
    and `_`, the `kind` of its items), to every customer's timeline."""
    if not re.fullmatch(r"[a-z_]{1,40}", kind, re.ASCII):
        raise ValueError(f"timeline kind {kind!r}: use lower-case letters and _")
    SOURCES.setdefault(kind, source)


def build(
    session: Session,
    *,
    customer: Customer,
    actor: User,
    before: datetime | None = None,
    cursor: Cursor | None = None,
    limit: int = 50,
) -> Timeline:
    """Merge every source's newest events after the cursor (or before `before`) into a page."""
    limit = max(1, min(limit, 200))
    if cursor is None and before is not None:
        cursor = Cursor(as_utc(before))
    items: list[TimelineItem] = []
    for source in SOURCES.values():
        items.extend(source(session, customer, actor, cursor, limit + 1))
    items.sort(key=lambda item: (item.at, item.kind, item.id), reverse=True)
    page = items[:limit]
    if len(items) <= limit or not page:
        return Timeline(items=page)
    last = Cursor(page[-1].at, page[-1].kind, page[-1].id)
    return Timeline(items=page, next_before=last.at, next_cursor=last.token())
