"""Reads of deviations other rooms use (the deviations room's door for reads; writes are in
`services`, the yearly report's aggregates in `reports`).

- `category_labels()`: the deviation categories in their order, value -> Swedish label.
- `COMPLAINT`: the kind of a complaint (klagomål/synpunkt), as `DeviationCount.kind` holds it.
"""

from __future__ import annotations

from samverkan.deviations.models import Category, Kind

__all__ = ["COMPLAINT", "category_labels"]

#: The kind of a complaint or comment (as opposed to a deviation).
COMPLAINT: str = Kind.COMPLAINT


def category_labels() -> dict[str, str]:
    """Category value -> its label (in the active language), in the categories' order."""
    return {str(value): str(label) for value, label in Category.choices}
