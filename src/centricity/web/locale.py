"""Which language and time zone a page is rendered in.

The signed-in user's own choice wins; before sign-in the `lang` the login page's switch
sets, then the browser's `Accept-Language`; then `CENTRICITY_DEFAULT_LANGUAGE`.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request

from centricity.kit.i18n import ViewerLocale, supported

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


def _user_locale(user: Any) -> tuple[str | None, str | None]:
    if user is None:
        return None, None
    return getattr(user, "language", None), getattr(user, "time_zone", None)


def viewer_locale(request: Request, user: Any = None) -> ViewerLocale:
    """The language and time zone to render this request's page in."""
    settings = request.app.state.settings
    if user is None:
        user = getattr(request.state, "viewer", None)
    language, time_zone = _user_locale(user)
    if user is None:
        language = supported(request.query_params.get("lang")) or negotiate(
            request.headers.get("accept-language")
        )
    return ViewerLocale(
        language=supported(language) or settings.default_language,
        time_zone=time_zone or settings.time_zone,
    )
