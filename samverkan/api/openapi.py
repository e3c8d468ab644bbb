"""The OpenAPI document describes every answer an operation can give, in one place.

Routers declare their own answers (`response={**RESPONSES, 201: PlanOut, 409: …}`); the
answers that the API's shared machinery gives for any operation are added here, so no router
can forget them (the schema walk in tests/api/test_openapi_statuses.py checks the result):

- 401 and 403 for every operation that needs authentication (no token or session; a read-only
  token on a write, a role or organisation without access),
- 404 for every operation with a path parameter (no such object, or not one the user may see),
- 422 for every operation with a parameter or a body (validation, the one error shape),
- 400 and 413 for every operation with a body (unreadable body; larger than the limit).

Each added answer is the one error shape (`ErrorResponse`, samverkan.api.errors).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

__all__ = ["SamverkanAPI", "complete_responses", "expected_error_statuses", "file_answer"]

_ERROR_REF = "#/components/schemas/ErrorResponse"
_DESCRIPTIONS = {
    400: "Kroppen kunde inte läsas (felformad JSON eller multipart).",
    401: "Inloggning krävs (token eller session).",
    403: "Ingen behörighet (roll, organisation eller token med läsrätt).",
    404: "Finns inte, eller inte synlig för användaren.",
    413: "Begäran är större än gränsen.",
    422: "Ogiltiga uppgifter: fältet och regeln anges.",
}
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def expected_error_statuses(operation: dict[str, Any]) -> set[int]:
    """The error statuses the shared machinery can answer for this OpenAPI operation."""
    statuses: set[int] = set()
    parameters = operation.get("parameters", [])
    if operation.get("security"):
        statuses |= {401, 403}
    if any(p.get("in") == "path" for p in parameters):
        statuses |= {404, 422}
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if "requestBody" in operation:
        statuses |= {400, 413}
    return statuses


def complete_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared error answers to every operation of an OpenAPI document (in place)."""
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(expected_error_statuses(operation)):
                # Keys are ints from ninja, strings once serialised: check both.
                if status in responses or str(status) in responses:
                    continue
                responses[status] = {
                    "description": _DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": {"$ref": _ERROR_REF}}},
                }
    return schema


class SamverkanAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document carries the shared error answers of every operation."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorResponse" not in components:
            from samverkan.api.errors import ErrorResponse

            components.update(
                ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}").pop(
                    "$defs", {}
                )
            )
            components["ErrorResponse"] = ErrorResponse.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
        return complete_responses(schema)


def file_answer(*media_types: str, description: str, status: int = 200) -> dict[str, Any]:
    """`openapi_extra` for an operation that answers a file (CSV, PDF, XML, FHIR JSON):
    ``openapi_extra=file_answer("text/csv", "application/pdf", description="…")``.

    Merged into what the router declares, so a JSON answer of the same status stays."""
    binary = {"type": "string", "format": "binary"}
    content = {
        media: {"schema": {"type": "object"} if media.endswith("json") else binary}
        for media in dict.fromkeys(m.split(";")[0].strip() for m in media_types)
    }
    return {"responses": {status: {"description": description, "content": content}}}
