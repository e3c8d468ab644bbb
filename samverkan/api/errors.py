"""One error shape for the whole API, handled once here for every router.

    {"detail": [{"field": "name", "code": "missing", "message": "Fältet måste anges."}]}

422 validation, 400 unreadable body, 401 not authenticated, 403 forbidden (also CSRF),
404 not found, 500 unexpected (logged, never shown). Services and routers raise
`samverkan.core.errors.Problem` (or an app's subclass, or `ApiError` here) for their own
refusals; Django's PermissionDenied is 403 `forbidden`, its ValidationError 422 `invalid`
(one item per field and message). Routers need no translators of their
own, and put `ERROR_RESPONSES` in `response=` so the OpenAPI schema shows them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from samverkan.core.errors import Problem
from samverkan.core.errors import body as error_body
from samverkan.core.upload_settings import limits_for
from samverkan.core.uploads import UploadError, load_json

logger = logging.getLogger(__name__)


class ErrorItem(Schema):
    field: str | None = None
    code: str
    message: str


class ErrorResponse(Schema):
    detail: list[ErrorItem]


ERROR_RESPONSES: dict[int, type[Schema]] = {
    401: ErrorResponse,
    403: ErrorResponse,
    422: ErrorResponse,
}


class ApiError(Problem):
    """A router's own refusal: `raise ApiError(403, "wrong_organisation", "…")`.

    The status first, for the routers that raise it; otherwise a plain :class:`Problem`.
    """

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(field, code, message, status=status)

    @property
    def status_code(self) -> int:  # as ninja's HttpError called it
        return self.status


FORBIDDEN_MESSAGE = "Du har inte behörighet till detta."

__all__ = ["ERROR_RESPONSES", "ApiError", "ErrorItem", "ErrorResponse", "Problem", "error_body"]


_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "throttled",
}
_STATUS_MESSAGES = {
    400: "Begäran kunde inte läsas (är kroppen giltig JSON?).",
    401: "Inloggning krävs: logga in eller skicka 'Authorization: Bearer <token>'.",
    403: FORBIDDEN_MESSAGE,
    404: "Finns inte.",
    429: "För många anrop, försök igen senare.",
}
# Swedish wording for the common pydantic error types; others keep pydantic's message.
_VALIDATION_MESSAGES = {
    "missing": "Fältet måste anges.",
    "string_too_short": "För kort (minst {min_length} tecken).",
    "string_too_long": "För långt (högst {max_length} tecken).",
    "string_type": "Ska vara text.",
    "int_parsing": "Ska vara ett heltal.",
    "int_type": "Ska vara ett heltal.",
    "bool_parsing": "Ska vara true eller false.",
    "date_from_datetime_parsing": "Ska vara ett datum (ÅÅÅÅ-MM-DD).",
    "date_parsing": "Ska vara ett datum (ÅÅÅÅ-MM-DD).",
    "enum": "Ogiltigt värde; tillåtna: {expected}.",
    "literal_error": "Ogiltigt värde; tillåtna: {expected}.",
    "greater_than_equal": "Ska vara minst {ge}.",
    "less_than_equal": "Ska vara högst {le}.",
    "extra_forbidden": "Okänt fält.",
    "string_pattern_mismatch": "Har fel form (ska matcha {pattern}).",
    "dict_type": "Ska vara ett JSON-objekt.",
    "list_type": "Ska vara en lista.",
}
# Where a value came from; dropped from the field path.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field(loc: Any) -> str | None:
    """("body", "payload", "name") -> "name"; ("path", "token_id") -> "token_id".

    Body errors carry the view's parameter name second; it is no word of the client's.
    """
    parts = [str(part) for part in loc or ()]
    source = parts.pop(0) if parts and parts[0] in _SOURCES else None
    if source == "body" and len(parts) > 1:
        parts.pop(0)
    return ".".join(parts) or None


def _message(error: dict[str, Any]) -> str:
    template = _VALIDATION_MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", "Ogiltigt värde."))
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return str(error.get("msg", "Ogiltigt värde."))


def validation_items(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "field": _field(error.get("loc")),
            "code": str(error.get("type", "invalid")),
            "message": _message(error),
        }
        for error in errors
    ]


def django_validation_items(exc: DjangoValidationError) -> list[dict[str, Any]]:
    """A Django ValidationError (model or form rules) as items: one per field and message."""
    if hasattr(exc, "error_dict"):
        return [
            {"field": None if name == "__all__" else name, "code": "invalid", "message": message}
            for name, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [{"field": None, "code": "invalid", "message": m} for m in exc.messages]


class LimitedParser(Parser):
    """Every JSON body of the API read by the shared upload reader (``core.uploads``): strict
    JSON, nesting and members limited (kind ``json_body``), so a deep or huge document answers
    422 ``too_deep`` / 413 ``too_many_items`` naming the JSON path, not a 500 or a bare 400."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return load_json(request.body, limits_for("json_body"))
        except UploadError as exc:
            if exc.code in ("invalid_json", "encoding"):  # unreadable: 400 bad_request as before
                raise ValueError(exc.message) from None
            raise


def install_error_handlers(api: NinjaAPI) -> None:
    # Handlers take `exc: Any`: ninja's handler type is invariant in the exception class.
    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        response = api.create_response(request, body, status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="samverkan"'
        return response

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, {"detail": validation_items(exc.errors)}, 422)

    def on_problem(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, exc.body(), exc.status)

    def on_django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, {"detail": django_validation_items(exc)}, 422)

    def on_forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, error_body("forbidden", FORBIDDEN_MESSAGE), 403)

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc.__cause__, Problem):  # ninja wraps the body parser's refusal
            return on_problem(request, exc.__cause__)
        status = exc.status_code
        if isinstance(exc, AuthenticationError):
            return respond(request, error_body("not_authenticated", _STATUS_MESSAGES[401]), 401)
        if status == 403 and "CSRF" in exc.message:
            message = "CSRF-kontrollen misslyckades: skicka X-CSRFToken med sessionsinloggning."
            return respond(request, error_body("csrf_failed", message), 403)
        code = _STATUS_CODES.get(status, "error")
        return respond(request, error_body(code, _STATUS_MESSAGES.get(status, exc.message)), status)

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, error_body("not_found", _STATUS_MESSAGES[404]), 404)

    def on_unreadable_body(request: HttpRequest, exc: Any) -> HttpResponse:
        # Multipart without a boundary, a broken multipart body, undecodable form data.
        message = "Kroppen kunde inte läsas som multipart/form-data (saknas boundary?)."
        return respond(request, error_body("bad_request", message, field="body"), 400)

    def on_too_big(request: HttpRequest, exc: Any) -> HttpResponse:
        message = "Begäran är för stor."
        return respond(request, error_body("too_large", message, field="body"), 413)

    def on_out_of_range(request: HttpRequest, exc: Any) -> HttpResponse:
        # A number the database cannot hold (SQLite: OverflowError; PostgreSQL: DataError).
        field = _huge_parameter(request)
        return respond(request, error_body("out_of_range", "Talet är för stort.", field=field), 422)

    def on_unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("Unhandled API error on %s %s", request.method, request.path)
        message = "Ett oväntat fel uppstod. Felet är loggat."
        return respond(request, error_body("server_error", message), 500)

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(Problem, on_problem)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(MultiPartParserError, on_unreadable_body)
    api.add_exception_handler(UnicodeDecodeError, on_unreadable_body)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(OverflowError, on_out_of_range)
    api.add_exception_handler(DataError, on_out_of_range)
    api.add_exception_handler(Exception, on_unexpected)


_LARGE = 2**31 - 1


def _huge_parameter(request: HttpRequest) -> str | None:
    """The query or path parameter whose number is too large to be meant, if there is one."""
    match = getattr(request, "resolver_match", None)
    candidates = [*request.GET.items(), *((match.kwargs if match else {}).items())]
    for name, value in candidates:
        text = str(value).strip().lstrip("+-")
        if text.isdigit() and int(text) > _LARGE:
            return str(name)
    return None


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any /api/ address no operation matches, e.g. a path parameter of the wrong type
    (`/api/tokens/abc`): the error shape, not Django's HTML 404. CSRF-exempt (it changes
    nothing): a POST with a session cookie got the HTML CSRF page, not the JSON 404."""
    from django.http import JsonResponse

    message = "Finns inte: okänd adress, eller en del av sökvägen har fel typ (t.ex. text där ett tal ska stå)."
    return JsonResponse(error_body("not_found", message), status=404)
