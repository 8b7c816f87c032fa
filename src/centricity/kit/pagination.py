"""Limit/offset paging shared by the API and pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_LIMIT = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results with the total count of matching rows."""

    items: list[T]
    total: int
    limit: int
    offset: int
    order: str = "name"

    @property
    def has_next(self) -> bool:
        """Tell whether another page follows, for "next" links."""
        return self.offset + len(self.items) < self.total

    @property
    def has_previous(self) -> bool:
        """Tell whether a page precedes this one."""
        return self.offset > 0
