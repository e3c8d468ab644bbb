"""One error type for every refusal: :class:`Problem` (field, code, message, HTTP status).

A service raises a ``Problem`` (or its app's subclass: ``PeopleError``, ``PurchasesError``,
``SipError``, …); the API handles every one of them in one place (``samverkan.api.errors``)
and answers in its one shape::

    {"detail": [{"field": "name", "code": "missing", "message": "Fältet måste anges."}]}

Views show ``message`` (Swedish, names the field and the rule, never personal data). ``code``
is stable for programs. A refusal with several problems carries several :class:`Detail` items
(one per field); ``extras`` such as ``allowed`` are added to the item, and
:meth:`Problem.body` may add keys beside ``detail`` (a SIP version conflict adds the diff).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any, Self

__all__ = ["Detail", "Problem", "body"]


@dataclasses.dataclass(frozen=True)
class Detail:
    """One item of a refusal: the field (``None``: the request as a whole), a stable code and
    a Swedish message; ``allowed`` lists accepted values where there are few."""

    field: str | None
    code: str
    message: str
    allowed: tuple[str, ...] = ()
    extras: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "code": self.code, "message": self.message}
        if self.allowed:
            out["allowed"] = list(self.allowed)
        out.update(self.extras)
        return out


class Problem(Exception):
    """A refused request. ``Problem("name", "missing", "Namn: måste anges.")``, or with
    ``status=`` (default 422), ``allowed=`` and further extras for the API item.

    Subclasses set a class-level ``status`` (403 not allowed, 409 conflict, …) and may keep
    their own constructor; they call ``super().__init__`` or :meth:`_set` with their items.
    """

    status: int = 422

    def __init__(
        self,
        field: str | None,
        code: str,
        message: str,
        *,
        status: int | None = None,
        allowed: Iterable[str] = (),
        **extras: Any,
    ) -> None:
        self._set([Detail(field, code, message, tuple(allowed), extras)], status)

    def _set(self, details: Iterable[Detail], status: int | None = None) -> None:
        self.details: list[Detail] = list(details) or [
            Detail(None, "invalid", "Uppgifterna kunde inte godtas.")
        ]
        if status is not None:
            self.status = status
        first = self.details[0]
        self.field, self.code, self.message = first.field, first.code, first.message
        Exception.__init__(self, "; ".join(d.message for d in self.details))

    @classmethod
    def many(cls, details: Iterable[Detail], *, status: int | None = None) -> Self:
        """One refusal with several items (every problem of a form at once)."""
        problem = cls.__new__(cls)
        problem._set(details, status)
        return problem

    @property
    def messages(self) -> list[str]:
        return [d.message for d in self.details]

    def as_dict(self) -> dict[str, Any]:
        """The first item (most refusals have one)."""
        return self.details[0].as_dict()

    def body(self) -> dict[str, Any]:
        """The API's answer: ``{"detail": [item, …]}`` (subclasses may add keys)."""
        return {"detail": [d.as_dict() for d in self.details]}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(field={self.field!r}, code={self.code!r})"


def body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    """The API's error shape with one item."""
    return {"detail": [{"field": field, "code": code, "message": message}]}
