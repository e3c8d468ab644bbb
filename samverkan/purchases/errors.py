"""Errors of the purchases services: a field, a stable code and a Swedish message.

Views show ``message``; the API returns ``{"field", "code", "message"}`` items; the CSV import
reports them per row. Messages name the field (in Swedish) and the rule that was broken and
never contain personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Self


@dataclass(frozen=True)
class Problem:
    field: str | None
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "message": self.message}


class PurchasesError(Exception):
    """A refusal with one or more problems (Swedish messages)."""

    status = 422

    def __init__(self, problems: Iterable[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(p.message for p in self.problems))

    @classmethod
    def one(cls, field: str | None, code: str, message: str) -> Self:
        return cls(Problem(field, code, message))

    @property
    def messages(self) -> list[str]:
        return [p.message for p in self.problems]


class InvalidService(PurchasesError):
    """A service record that cannot be registered."""


class NotAllowed(PurchasesError):
    """The user's role or organisation does not allow this (HTTP 403)."""

    status = 403


class InvoicingRefused(PurchasesError):
    """An invoice run that cannot be made (missing prices, party data, ...) (HTTP 409)."""

    status = 409


class PriceError(PurchasesError):
    """A price that cannot be saved."""


class LedgerError(PurchasesError):
    """A dispute ledger operation that cannot be made (HTTP 409)."""

    status = 409
