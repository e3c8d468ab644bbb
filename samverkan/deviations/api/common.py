"""What the deviations room's routers share: the error translation and request helpers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Status

from samverkan.accounts.models import Organisation
from samverkan.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from samverkan.deviations import services
from samverkan.rules.facts import InvalidFacts

RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 404: ErrorResponse}


def _items(exc: ValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": None if name == "__all__" else name, "code": "invalid", "message": message}
            for name, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [{"field": None, "code": "invalid", "message": m} for m in exc.messages]


def handled(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Services' refusals in the API's error shape: 422 ValidationError, 403, 404."""

    @functools.wraps(fn)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(request, *args, **kwargs)
        except ValidationError as exc:
            return Status(422, {"detail": _items(exc)})
        except InvalidFacts as exc:
            return Status(
                422,
                {
                    "detail": [
                        {"field": f"facts.{e.field}", "code": e.code, "message": e.message}
                        for e in exc.errors
                    ]
                },
            )
        except PermissionDenied as exc:
            raise ApiError(403, "forbidden", "Du har inte behörighet till detta.") from exc

    return wrapper


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


class Merged:
    """The attributes of several objects as one, for a schema that reads one object: the
    named extras first, then each object in turn (the first that has the name wins).

    Put the object whose answer must win first: for a deviation the user's view of it
    (`DeviationView.person` is the person only if people.access allows), then the model."""

    def __init__(self, *objects: Any, **extras: Any):
        self._objects = objects
        self._extras = extras

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_objects", "_extras"):
            raise AttributeError(name)
        if name in self._extras:
            return self._extras[name]
        for obj in self._objects:
            try:
                return getattr(obj, name)
            except AttributeError:
                continue
        raise AttributeError(name)
