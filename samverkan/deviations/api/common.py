"""What the deviations room's routers share: request helpers (errors are handled once, by the API)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from samverkan.accounts.models import Organisation
from samverkan.api.errors import ERROR_RESPONSES, ErrorResponse
from samverkan.api.schemas import Merged as Merged  # the deviations routers import it from here
from samverkan.core.errors import Detail, Problem
from samverkan.deviations import services
from samverkan.rules import InvalidFacts
from samverkan.rules import decide as rules_decide

RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 404: ErrorResponse}


def decide(facts: dict[str, Any]) -> Any:
    """The engine's decision on the request's `facts`; invalid facts are refused with the
    field named under `facts.`."""
    try:
        return rules_decide(facts)
    except InvalidFacts as exc:
        raise Problem.many(
            Detail(f"facts.{e.field}", e.code, e.message) for e in exc.errors
        ) from None


def org(pk: int, field: str) -> Organisation:
    found = Organisation.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: "Okänd organisation."})
    return found


def person(request: HttpRequest, text: str | None, why: str) -> Any:
    if not text:
        return None
    try:
        return services.find_person(request, text, why=why)
    except Http404 as exc:
        raise ValidationError(
            {"person": "Personen finns inte eller är inte synlig för dig."}
        ) from exc
