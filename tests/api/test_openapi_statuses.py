"""The OpenAPI document walked operation by operation: every answer the shared machinery can
give is declared, files are declared with their media types, and no two schemas share one
component name (a collision makes valid answers violate the document)."""

from __future__ import annotations

from typing import Any

import pytest

from samverkan.api.main import api
from samverkan.api.openapi import complete_responses, expected_error_statuses

METHODS = {"get", "put", "post", "delete", "patch"}
REF = "#/components/schemas/{model}"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api.get_openapi_schema()


def operations(document: dict[str, Any]):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", op


def _declared(op: dict[str, Any]) -> set[int]:
    return {int(status) for status in op["responses"]}


def test_every_operation_declares_the_errors_it_can_answer(document):
    missing = {}
    for name, op in operations(document):
        expected = {401, 403} if op.get("security") else set()
        if any(p["in"] == "path" for p in op.get("parameters", [])):
            expected |= {404, 422}
        if op.get("parameters") or "requestBody" in op:
            expected.add(422)
        if "requestBody" in op:
            expected |= {400, 413}
        if expected - _declared(op):
            missing[name] = sorted(expected - _declared(op))
    assert missing == {}
    assert len(list(operations(document))) > 90


def test_declared_errors_are_the_one_error_shape(document):
    for name, op in operations(document):
        for status in expected_error_statuses(op) - {409}:
            content = op["responses"].get(status) or op["responses"][str(status)]
            schema = content["content"]["application/json"]["schema"]
            # The one shape, or the decisions' extension of it (the fact's allowed values).
            assert schema["$ref"].endswith("/ErrorResponse") or schema["$ref"].endswith(
                "/FactErrorResponse"
            ), (name, status, schema)


def test_completion_adds_only_what_is_missing():
    doc = {
        "paths": {
            "/x/{id}": {
                "post": {
                    "security": [{"TokenAuth": []}],
                    "parameters": [{"in": "path", "name": "id"}],
                    "requestBody": {},
                    "responses": {"200": {"description": "ok"}, "404": {"description": "own"}},
                }
            },
            "/open": {"get": {"responses": {"200": {"description": "ok"}}}},
        }
    }
    complete_responses(doc)
    post = doc["paths"]["/x/{id}"]["post"]["responses"]
    assert {int(s) for s in post} == {200, 400, 401, 403, 404, 413, 422}
    assert post["404"] == {"description": "own"}
    assert set(doc["paths"]["/open"]["get"]["responses"]) == {"200"}


def test_every_success_declares_its_media_types(document):
    files = {
        "GET /api/sips/{sip_id}/pdf": {"application/pdf"},
        "GET /api/sips/{sip_id}/fhir": {"application/fhir+json"},
        "GET /api/logcontrol/accesses": {"application/json", "text/csv", "application/pdf"},
        "POST /api/decisions/batch": {"application/x-ndjson", "text/csv"},
        "GET /api/purchases/invoices/{invoice_id}/files/{kind}": {
            "application/xml",
            "application/pdf",
            "text/csv",
        },
    }
    for name, op in operations(document):
        for status, answer in op["responses"].items():
            if 200 <= int(status) < 300 and int(status) != 204:
                assert answer.get("content"), f"{name} {status} declares no content"
        if name in files:
            assert (
                set(op["responses"].get(200, op["responses"].get("200"))["content"])
                == (files[name])
            ), name


def _models():
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    if hasattr(model, "model_json_schema"):
                        yield model, "serialization"
                for model in operation.models:
                    yield model, "validation"


def test_no_two_schemas_share_a_component_name(document):
    """Each schema an operation uses must be the component of its name: two classes called
    `ContactOut` (sip's care contact, deviations' contact) gave SIP plans a wrong schema."""
    components = document["components"]["schemas"]
    clashes = set()
    for model, mode in _models():
        # Answers are written by attribute name (ninja: by_alias=False), bodies read by alias.
        by_alias = mode == "validation"
        defs = model.model_json_schema(ref_template=REF, mode=mode, by_alias=by_alias)
        for name, definition in defs.get("$defs", {}).items():
            # Compared by their fields: ninja's rendering differs from pydantic's in detail.
            fields = set(definition.get("properties", {}))
            if name in components and set(components[name].get("properties", {})) != fields:
                clashes.add(name)
    assert clashes == set()
