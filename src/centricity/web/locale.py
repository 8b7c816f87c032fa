"""Which language and time zone a page is rendered in.

The signed-in user's own choice wins; then (before sign-in) the `lang` the login page's
switch sets, then the browser's `Accept-Language`; then `CENTRICITY_DEFAULT_LANGUAGE`.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request

from centricity.kit.i18n import ViewerLocale, supported
from centricity.kit.time import check_time_zone

# One entry of Accept-Language: a tag and an optional quality (RFC 9110 §12.5.4).
_ENTRY = re.compile(
    r"^\s*([A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$"
)
# Longer headers are not a browser's: ignore them rather than parse them.
_MAX_HEADER = 512


def negotiate(header: str | None) -> str | None:
    """The supported language the browser prefers most, or None (malformed: None too)."""
    if not header or len(header) > _MAX_HEADER:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        match = _ENTRY.match(part)
        if match is None:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        code = supported(match.group(1))
        if code and 0 < quality <= 1:
            ranked.append((-quality, index, code))
    return min(ranked)[2] if ranked else None


def _loadable(zone: str | None) -> str | None:
    """A stored zone this machine knows, else None (a store moved to a system without
    that zone must not make every page with a time fail)."""
    if not zone:
        return None
    try:
        return check_time_zone(zone)
    except ValueError:
        return None


def viewer_locale(request: Request, user: Any = None) -> ViewerLocale:
    """The language and time zone to render this request's page in: the user's own, else
    (and always before sign-in) the login page's `lang` choice or the browser's
    `Accept-Language`, else the installation's defaults."""
    settings = request.app.state.settings
    if user is None:
        user = getattr(request.state, "viewer", None)
    language = supported(getattr(user, "language", None))
    if language is None:
        chosen = request.query_params.get("lang") if user is None else None
        language = supported(chosen) or negotiate(request.headers.get("accept-language"))
    zone = _loadable(getattr(user, "time_zone", None))
    return ViewerLocale(
        language=language or settings.default_language,
        time_zone=zone or settings.time_zone,
    )
