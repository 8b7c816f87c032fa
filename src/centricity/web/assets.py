"""Static assets served from the package: no CDN, pages work offline.

plotly.min.js ships inside the plotly Python package; htmx is copied from the npm registry
into `static/vendor/` at install time (see scripts/vendor-assets.sh).
"""

from __future__ import annotations

from pathlib import Path

import plotly
from fastapi.responses import FileResponse, Response

from centricity.web.deps import public
from centricity.web.routing import PrefixRouter

STATIC_DIR = Path(__file__).resolve().parent / "static"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
HTMX_JS = STATIC_DIR / "vendor" / "htmx.min.js"
_CACHE = {"Cache-Control": "public, max-age=86400"}

router = PrefixRouter()


@router.get("/static/vendor/plotly.min.js", dependencies=[public()], include_in_schema=False)
def plotly_js() -> Response:
    """Serve the plotly bundle that ships in the plotly package."""
    return FileResponse(PLOTLY_JS, media_type="text/javascript", headers=_CACHE)


@router.get("/static/vendor/htmx.min.js", dependencies=[public()], include_in_schema=False)
def htmx_js() -> Response:
    """Serve htmx when the install step fetched it; pages work without it (HTML first)."""
    if not HTMX_JS.is_file():
        return Response(
            "/* htmx not installed: pages fall back to plain HTML forms */",
            media_type="text/javascript",
        )
    return FileResponse(HTMX_JS, media_type="text/javascript", headers=_CACHE)


@router.get("/static/{name}", dependencies=[public()], include_in_schema=False)
def static_file(name: str) -> Response:
    """Serve Centricity's own CSS and JS (flat folder, no path traversal)."""
    path = STATIC_DIR / name
    if "/" in name or name.startswith(".") or not path.is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    media = {"css": "text/css", "js": "text/javascript", "svg": "image/svg+xml"}.get(
        name.rsplit(".", 1)[-1], "application/octet-stream"
    )
    return FileResponse(path, media_type=media, headers=_CACHE)
