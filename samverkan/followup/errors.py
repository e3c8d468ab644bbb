"""The follow-up room's refusals, as `core.errors.Problem`s (one handler answers them in the
API; the pages put them on the form's fields).

`SimulationError` names the field of the simulation request it refuses: the population
(``population.n``, ``population.region`` …) or the variant (``variant`` as a whole,
``variant.changes``, or one change's key: ``variant.changes.0.rule``,
``variant.changes.1.n``). A `samverkan.rules.VariantError` (the rules know nothing of
Django or of Problems) becomes one through `variant_problem`, keeping its stable code.
"""

from __future__ import annotations

from typing import Any

from samverkan.core.errors import Problem
from samverkan.rules import VariantError

__all__ = ["SimulationError", "variant_problem"]


class SimulationError(Problem):
    """A refused simulation (422). ``change`` is the variant's change at fault (0-based;
    None: not one change) and ``key`` its key (``rule``, ``n``, ``value`` …)."""

    def __init__(
        self,
        field: str,
        code: str,
        message: str,
        *,
        change: int | None = None,
        key: str | None = None,
        **extras: Any,
    ) -> None:
        super().__init__(field, code, message, **extras)
        self.change, self.key = change, key

    @property
    def name(self) -> str:
        """The last part of the field: ``population.n`` -> ``n``."""
        return (self.field or "").rpartition(".")[2]


def _sentence(text: str, *, capital: bool) -> str:
    text = text.strip()
    if capital:
        text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def variant_problem(exc: VariantError) -> SimulationError:
    """The rules' VariantError as the API's and the pages' refusal: the field is where in
    the variant the fault is, the message says which change (Swedish, capitalised)."""
    field = "variant" + (f".{exc.path}" if exc.path else "")
    if exc.index is None:
        message = _sentence(exc.message, capital=True)
    else:  # after the colon as the rules wrote it: it may start with a rule id or a name
        message = f"Ändring {exc.index + 1}: {_sentence(exc.message, capital=False)}"
    return SimulationError(field, exc.code, message, change=exc.index, key=exc.field)
