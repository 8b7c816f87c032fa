"""Routers skip a path none of their routes can match, and that never changes which route
answers: every route of the app, asked with a path made from its template, is found as it
is without the shortcut, and so are paths that match nothing."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from starlette.routing import Match

from centricity.site.routes import ROUTER_MODULES, iter_routes
from centricity.web.routing import PrefixRouter


def _path_of(template: str) -> str:
    """A request path for a route template: each `{name}` (or `{name:path}`) becomes 7."""
    return re.sub(r"\{[^}]+\}", "7", template)


def _winner(app: FastAPI, method: str, path: str) -> tuple[str, Any]:
    """What the app's router settles on for a request: the first full match, else the
    first partial one (a known path with another method), as Starlette's router does."""
    scope: dict[str, Any] = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "headers": [],
        "query_string": b"",
        "app": app,
    }
    partial = None
    for route in app.router.routes:
        match, child = route.matches(scope)
        if match == Match.FULL:
            return "full", child.get("endpoint")
        if match == Match.PARTIAL and partial is None:
            partial = ("partial", child.get("endpoint"))
    return partial or ("none", None)


def test_every_router_of_the_app_is_a_prefix_router() -> None:
    for name in ROUTER_MODULES:
        assert isinstance(importlib.import_module(name).router, PrefixRouter), name


def test_the_shortcut_never_changes_the_route_found(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests = [("GET", "/no/such/page"), ("POST", "/api/v1/nothing-here"), ("GET", "/")]
    for route in iter_routes(app):
        path = getattr(route, "path", None)
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            if isinstance(path, str):
                requests += [(method, _path_of(path)), (method, _path_of(path) + "/x")]
    with_shortcut = [_winner(app, method, path) for method, path in requests]
    monkeypatch.setattr(PrefixRouter, "literal_prefixes", lambda self: None)
    without = [_winner(app, method, path) for method, path in requests]
    assert len(requests) > 400
    assert with_shortcut == without
    assert sum(1 for kind, _ in with_shortcut if kind == "full") > 200


def test_it_answers_no_match_without_trying_its_routes(monkeypatch: pytest.MonkeyPatch) -> None:
    router = PrefixRouter(prefix="/s")

    @router.get("/{token}")
    def page(token: str) -> str:
        return token

    assert router.literal_prefixes() == ("/s/",)

    def tried(self: APIRouter, scope: Any) -> Any:
        raise AssertionError("the routes were tried")

    monkeypatch.setattr(APIRouter, "matches", tried)
    scope = {"type": "http", "path": "/customers/7", "root_path": "", "method": "GET"}
    assert router.matches(scope) == (Match.NONE, {})
    with pytest.raises(AssertionError, match="tried"):
        router.matches(scope | {"path": "/s/abc"})
