"""`/api/docs`: the API reference rendered from the OpenAPI document, with no CDN."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from centricity.web.deps import public
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter()


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    operations = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": op.get("parameters", []),
                    "body": op.get("requestBody", {})
                    .get("content", {})
                    .get("application/json", {}),
                    "responses": sorted(op.get("responses", {})),
                }
            )
    return operations


@router.get("/api/docs", dependencies=[public()], include_in_schema=False)
def api_docs(request: Request) -> Response:
    """Human-readable API reference (the raw document is at /api/openapi.json)."""
    spec = request.app.openapi()
    context = {"user": None, "operations": _operations(spec), "spec": spec}
    return render(request, "apidocs.html", context)


__all__ = ["router", "HTMLResponse"]
