"""Dates from outside are ÅÅÅÅ-MM-DD only, everywhere: one parser (samverkan.core.dates), the
API's `IsoDate` on every date parameter and body field (the OpenAPI walk below finds any
`dt.date` left), and the log control's query strings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from samverkan.api.main import api
from samverkan.core.dates import DATE_PATTERN, parse_iso_date

BAD = ["0", "1700000000", "20261202", "2026-W49-3", "2026-13-01", "2026-12-2", "٢٠٢٦-١٢-٠٢", ""]


@pytest.mark.parametrize("value", BAD)
def test_the_parser_reads_only_iso_calendar_dates(value):
    with pytest.raises(ValueError, match="ÅÅÅÅ-MM-DD"):
        parse_iso_date(value)


def test_the_parser_reads_an_iso_date():
    assert parse_iso_date("2026-12-02") == dt.date(2026, 12, 2)
    assert parse_iso_date(dt.date(2026, 12, 2)) == dt.date(2026, 12, 2)
    with pytest.raises(ValueError):
        parse_iso_date(0)
    with pytest.raises(ValueError):
        parse_iso_date(dt.datetime(2026, 12, 2, 10, 0))


def _dates_in(schema: dict[str, Any], components: dict[str, Any], where: str, seen: set[str]):
    """(where, schema) for every date in a schema, through $ref, anyOf, items and properties."""
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            yield from _dates_in(components[name], components, f"{where}→{name}", seen)
        return
    if schema.get("format") == "date":
        yield where, schema
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _dates_in(part, components, where, seen)
    if "items" in schema:
        yield from _dates_in(schema["items"], components, where, seen)
    for name, prop in schema.get("properties", {}).items():
        yield from _dates_in(prop, components, f"{where}.{name}", seen)


def test_every_date_the_api_reads_is_iso_only():
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    lax = []
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            inputs = [(p["name"], p.get("schema", {})) for p in op.get("parameters", [])]
            for media in op.get("requestBody", {}).get("content", {}).values():
                inputs.append(("body", media.get("schema", {})))
            for name, schema in inputs:
                for where, date in _dates_in(schema, components, name, set()):
                    if date.get("pattern") != DATE_PATTERN:
                        lax.append(f"{method.upper()} {path} {where}")
    assert lax == []


@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["0", "20261202"])
def test_log_control_dates_are_iso_only(api_client, make_staff, orgs, field, value):
    from samverkan.accounts.models import Role

    admin = make_staff(Role.ADMINISTRATOR, orgs.ostersund)
    response = api_client(admin).get(f"/api/logcontrol/events?{field}={value}")
    assert response.status_code == 422, response.content[:300]
    (item,) = response.json()["detail"]
    assert item["field"] == field and item["message"] == "Ska vara ett datum (ÅÅÅÅ-MM-DD)."
