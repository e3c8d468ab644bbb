"""Every operation of the OpenAPI document is reached at its own address: a path with a
parameter declared first must not swallow a literal one (`/records/{record_id}` took
`POST /records/approve` and answered 405)."""

from __future__ import annotations

import re

from django.urls import resolve

from samverkan.api.main import api

METHODS = {"get", "put", "post", "delete", "patch"}


def _route(url: str) -> str:
    route = resolve(url).route
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _sample(schema: dict) -> str:
    if schema.get("format") == "uuid":
        return "e3e70682-c209-4cac-a29f-6fbed82c07cd"
    return "1" if schema.get("type") == "integer" else "x1"


def test_every_operation_resolves_to_its_own_route():
    document = api.get_openapi_schema()
    wrong = {}
    for path, operations in document["paths"].items():
        if not METHODS & set(operations):
            continue
        url = path
        for parameter in next(iter(operations.values())).get("parameters", []):
            if parameter["in"] == "path":
                value = _sample(parameter.get("schema", {}))
                url = url.replace("{" + parameter["name"] + "}", value)
        if _route(url) != path:
            wrong[path] = _route(url)
    assert wrong == {}
