"""Customers (people or businesses) and the people who act for a business customer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from centricity.db import Base, JSONType, UTCDateTime
from centricity.kit.i18n import pnoop, register_labels
from centricity.kit.time import utcnow

# Each customer kind as staff read it (pages show `customer.kind|kind`).
KIND_LABELS = (
    pnoop("kind", "person"),
    pnoop("kind", "business"),
)

# Readable names of the free attributes the demo and imports fill (pages show
# `key|attribute`); keys not listed here are shown made readable (`vip_level` → "Vip level").
ATTRIBUTE_LABELS = register_labels(
    "attribute",
    {
        "acquisition_channel": pnoop("attribute", "Acquisition channel"),
        "newsletter": pnoop("attribute", "Newsletter"),
        "vat_id": pnoop("attribute", "VAT ID"),
    },
)
# Coded values of free attributes, labelled in the attribute's context (pages show
# `value|attribute_value(key)`); values nobody labelled are shown as written.
ACQUISITION_CHANNEL_LABELS = register_labels(
    "acquisition channel",
    {
        "web": pnoop("acquisition channel", "web shop"),
        "app": pnoop("acquisition channel", "mobile app"),
        "store": pnoop("acquisition channel", "store"),
        "marketplace": pnoop("acquisition channel", "marketplace"),
        "referral": pnoop("acquisition channel", "referral"),
    },
)


class Customer(Base):
    """One customer record that every employee sees, with a folded key for search."""

    __tablename__ = "customers"
    __table_args__ = (Index("ix_customers_name", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="person")
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(50))
    # The phone in E.164 (`+420601234567`), kept by the service and the importer, so a
    # caller's number in any written form finds the customer through an index.
    phone_e164: Mapped[str | None] = mapped_column(String(20), index=True)
    preferred_language: Mapped[str | None] = mapped_column(String(8))
    country: Mapped[str | None] = mapped_column(String(2))
    postcode: Mapped[str | None] = mapped_column(String(20))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    search_key: Mapped[str] = mapped_column(String(800), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ContactPerson(Base):
    """A person who buys or calls on behalf of a business customer."""

    __tablename__ = "contact_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(50))
    job_title: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
