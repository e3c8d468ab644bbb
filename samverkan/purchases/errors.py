"""Errors of the purchases services: a field, a stable code and a Swedish message.

Views show ``message``; the API returns ``{"field", "code", "message"}`` items; the CSV import
reports them per row. Messages name the field (in Swedish) and the rule that was broken and
never contain personal data. Built on the one error type, :mod:`samverkan.core.errors`: a
``Problem`` here is one item (:class:`~samverkan.core.errors.Detail`), a ``PurchasesError``
a :class:`~samverkan.core.errors.Problem` with one or more of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

from samverkan.core.errors import Detail
from samverkan.core.errors import Problem as _Problem

Problem = Detail  # one item: Problem(field, code, message)


class PurchasesError(_Problem):
    """A refusal with one or more problems (Swedish messages)."""

    status = 422

    def __init__(self, problems: Iterable[Detail] | Detail) -> None:
        self._set([problems] if isinstance(problems, Detail) else list(problems))

    @property
    def problems(self) -> list[Detail]:
        return self.details

    @classmethod
    def one(cls, field: str | None, code: str, message: str) -> Self:
        return cls(Detail(field, code, message))


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
