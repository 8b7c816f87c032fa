"""Jinja environment over every domain's `templates/` folder, with the page helpers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from centricity.accounts.models import Role
from centricity.kit.money import format_money

_PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [p for p in sorted(_PACKAGE.glob("*/templates")) if p.is_dir()]

# (label, address, least role that may open it); the bar shows each user what they can use.
NAVIGATION = [
    ("Dashboard", "/", Role.VIEWER),
    ("Customers", "/customers", Role.VIEWER),
    ("Cases", "/cases", Role.VIEWER),
    ("Voice", "/voice", Role.VIEWER),
    ("Value", "/value", Role.VIEWER),
    ("Insights", "/insights", Role.VIEWER),
    ("Import", "/imports", Role.MANAGER),
    ("Settings", "/settings", Role.VIEWER),
]


def navigation_for(user: Any) -> list[tuple[str, str]]:
    """The main navigation entries this user's role may open (`user` is a User or the
    plain copy error pages get)."""
    if user is None:
        return []
    rank = Role(user.role).rank
    return [(label, href) for label, href, least in NAVIGATION if rank >= least.rank]


def _datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.strftime(fmt) if value else "–"


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "–"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s"


def build_templates() -> Jinja2Templates:
    """Create the template engine with autoescaping and Centricity's filters."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in TEMPLATE_DIRS]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["datetime"] = _datetime
    env.filters["duration"] = _duration
    env.filters["money"] = format_money
    env.globals["navigation_for"] = navigation_for
    return Jinja2Templates(env=env)


templates = build_templates()


def render(request: Any, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """Render a full page, or only its `content` block when htmx asks for a fragment."""
    block = context.pop("_block", None)
    if block and request.headers.get("HX-Request"):
        template = templates.env.get_template(name)
        ctx = template.new_context({"request": request, **context})
        html = "".join(template.blocks[block](ctx))
        return HTMLResponse(html, status_code=status_code)
    response: Response = templates.TemplateResponse(request, name, context, status_code=status_code)
    return response
