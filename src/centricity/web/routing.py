"""The app's routers: FastAPI's `APIRouter`, answering "not mine" at once for a path that none
of its routes can match.

FastAPI (0.165) finds a request's route by asking each included router in turn, and each
router tries every one of its routes (a regular expression and some bookkeeping of the
request's scope per route). With 46 routers and 234 routes, a survey answer (`/s/{token}`,
the 31st router) spent 448 µs before its route was found, and an API call about 100 µs,
measured in-process; under load that was about a tenth of a survey answer's CPU
(benchmarks/README.md, "Surveys"). A route can only match a path that starts with the
literal text of its path template (everything before the first `{`), so a router none of
whose routes' literal prefixes starts the path can be skipped without changing which
route wins.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope


class PrefixRouter(APIRouter):
    """An `APIRouter` that rejects a path none of its routes can match before trying them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As `APIRouter`; the literal prefixes are read from the routes when first asked."""
        super().__init__(*args, **kwargs)
        self._literal_prefixes: tuple[str, ...] | None = None
        self._prefixes_of = -1  # the number of routes the prefixes were read from

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """No match at once when the path starts with none of the routes' literal
        prefixes; otherwise what `APIRouter.matches` answers."""
        prefixes = self.literal_prefixes()
        if prefixes is not None and not get_route_path(scope).startswith(prefixes):
            return Match.NONE, {}
        return super().matches(scope)

    def literal_prefixes(self) -> tuple[str, ...] | None:
        """The text before the first `{` of every route's path (None when a route has no
        path of its own, such as an included router: then nothing is skipped)."""
        if self._prefixes_of != len(self.routes):
            found: set[str] | None = set()
            for route in self.routes:
                path = getattr(route, "path", None)
                if not isinstance(path, str) or found is None:
                    found = None
                    continue
                found.add(path.split("{", 1)[0])
            self._literal_prefixes = tuple(sorted(found)) if found is not None else None
            self._prefixes_of = len(self.routes)
        return self._literal_prefixes
