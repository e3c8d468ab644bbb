"""What the deviations room's routers share: request helpers (errors are handled once, by the API)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from samverkan.accounts.models import Organisation
from samverkan.api.errors import ERROR_RESPONSES, ErrorResponse
from samverkan.api.schemas import Merged as Merged  # the deviations routers import it from here
from samverkan.deviations import services

RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 404: ErrorResponse}


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
