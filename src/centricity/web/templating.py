"""Jinja environment over every domain's `templates/` folder, with the page helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, pass_context, select_autoescape

from centricity.accounts.models import Role
from centricity.kit import i18n, localeformat
from centricity.kit.i18n import LANGUAGE_NAMES, LANGUAGES, noop, use_locale
from centricity.web.locale import viewer_locale

_PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [p for p in sorted(_PACKAGE.glob("*/templates")) if p.is_dir()]

# (label, address, least role that may open it); the bar shows each user what they can use.
NAVIGATION = [
    (noop("Dashboard"), "/", Role.VIEWER),
    (noop("Customers"), "/customers", Role.VIEWER),
    (noop("Cases"), "/cases", Role.VIEWER),
    (noop("Events"), "/events", Role.VIEWER),
    (noop("Service"), "/service", Role.MANAGER),
    (noop("Voice"), "/voice", Role.VIEWER),
    (noop("Feedback"), "/feedback", Role.VIEWER),
    (noop("Ideas"), "/ideas", Role.VIEWER),
    (noop("Value"), "/value", Role.VIEWER),
    (noop("Insights"), "/insights", Role.VIEWER),
    (noop("Import"), "/imports", Role.MANAGER),
    (noop("Settings"), "/settings", Role.VIEWER),
]


def navigation_for(user: Any) -> list[tuple[str, str]]:
    """The main navigation entries this user's role may open, labelled in the viewer's
    language (`user` is a User or the plain copy error pages get)."""
    if user is None:
        return []
    rank = Role(user.role).rank
    return [(i18n.gettext(label), href) for label, href, least in NAVIGATION if rank >= least.rank]


def _label(context: str) -> Any:
    def translate(value: Any) -> str:
        if value is None or value == "":
            return localeformat.EMPTY
        return i18n.label_for(context, str(value))

    translate.__doc__ = f"Translate a stored {context} value for display."
    return translate


def _attribute(key: Any) -> str:
    """A free customer attribute's name as a label: the translated label of a known key
    (`acquisition_channel` → "Acquisition channel"), else the key made readable."""
    text = str(key)
    if i18n.has_label("attribute", text):
        return i18n.label_for("attribute", text)
    return text.replace("_", " ").strip().capitalize()


def _attribute_value(value: Any, key: str = "") -> str:
    """A free attribute's value for display: booleans as yes/no in the viewer's language,
    numbers in the viewer's format, coded values by their label in the attribute's context
    (`acquisition_channel: store`), other text as written."""
    if isinstance(value, str) and key:
        return i18n.label_for(key.replace("_", " "), value)
    if isinstance(value, bool):
        return i18n.gettext("yes") if value else i18n.gettext("no")
    if isinstance(value, int | float):
        return localeformat.number(value, 0 if isinstance(value, int) else 2)
    return "" if value is None else str(value)


# Stored code values shown to staff, each translated in its own context (tests check that
# every code of these enums has a catalog entry).
LABEL_CONTEXTS = (
    "role",
    "channel",
    "direction",
    "kind",
    "status",
    "segment",
    "tier",
    "import kind",
    "duplicate reason",
    "case status",
    "priority",
    "target",
    "target state",
    "case kind",
    "notice kind",
    "event kind",
    "event status",
    "notice action",
    "notice state",
    "notice reason",
    "call result",
    "idea status",
    "importance",
    "mail topic",
    "skip reason",
    "survey kind",
    "feedback source",
    "feedback scale",
    "theme status",
    "sentiment",
    "spike window",
)


def return_path(request: Any) -> str:
    """Where a form in the page header (the language switch) returns to: this page when it
    was a GET, else the page the form that failed was on (a POST-only address would 405)."""
    if request.method == "GET":
        query = f"?{request.url.query}" if request.url.query else ""
        return f"{request.url.path}{query}"
    referer = urlsplit(str(request.headers.get("referer", "")))
    if referer.netloc == request.url.netloc and referer.path.startswith("/"):
        return str(referer.path) + (f"?{referer.query}" if referer.query else "")
    return "/"


def _lazy_to_json(value: Any) -> str:
    """Let `tojson` write lazy texts (translated now); anything else it cannot write is a
    bug to see, not to hide behind `str()`."""
    if isinstance(value, i18n.LazyText):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _per_render(function: Callable[..., str]) -> Callable[..., str]:
    """Make a locale filter run at every render: Jinja folds filters on literals at compile
    time, which would fix `{{ 0.01|percent }}` in whichever language compiled it first."""

    @pass_context
    def filtered(_context: Any, *args: Any, **kwargs: Any) -> str:
        return function(*args, **kwargs)

    filtered.__doc__ = function.__doc__
    return filtered


def build_templates() -> Jinja2Templates:
    """Create the template engine with autoescaping and Centricity's filters."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in TEMPLATE_DIRS]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext
    )
    # Lazy texts inside data handed to `tojson` (chart titles) become translated strings.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "default": _lazy_to_json}
    filters: dict[str, Callable[..., str]] = {
        "datetime": localeformat.datetime_text,
        "date": localeformat.date_text,
        "relative": localeformat.relative,
        "duration": localeformat.duration,
        "money": localeformat.money,
        "number": localeformat.number,
        "score": localeformat.score,
        "percent": localeformat.percent,
        "filesize": localeformat.filesize,
        "country": localeformat.country,
        "language": localeformat.language,
        "attribute": _attribute,
        "attribute_value": _attribute_value,
        **{context.replace(" ", "_"): _label(context) for context in LABEL_CONTEXTS},
    }
    for name, function in filters.items():
        env.filters[name] = _per_render(function)
    env.globals["navigation_for"] = navigation_for
    env.globals["return_path"] = return_path
    env.globals["languages"] = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
    return Jinja2Templates(env=env)


templates = build_templates()


def render(request: Any, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """Render a full page, or only its `content` block when htmx asks for a fragment, in
    the viewer's language and time zone."""
    locale = viewer_locale(request, context.get("user"))
    with use_locale(locale):
        return _render(request, name, {"locale": locale, **context}, status_code)


def render_in(
    request: Any,
    name: str,
    context: dict[str, Any],
    locale: i18n.ViewerLocale,
    status_code: int = 200,
) -> Response:
    """Render a public page in a language the page chose itself (a survey link speaks
    the customer's language, not the browser's)."""
    with use_locale(locale):
        return _render(request, name, {"locale": locale, **context}, status_code)


def _render(request: Any, name: str, context: dict[str, Any], status_code: int) -> Response:
    block = context.pop("_block", None)
    if block and request.headers.get("HX-Request"):
        template = templates.env.get_template(name)
        ctx = template.new_context({"request": request, **context})
        html = "".join(template.blocks[block](ctx))
        return HTMLResponse(html, status_code=status_code)
    response: Response = templates.TemplateResponse(request, name, context, status_code=status_code)
    return response
