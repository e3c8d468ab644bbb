"""Schema pieces every room's API shares (rooms import them; the API mounts the rooms)."""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["DATE_PATTERN", "one_of"]

# The JSON Schema spelling of an ISO date (ASCII digits only, whole string).
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def one_of(values: tuple[str, ...]) -> Any:
    """``Literal[values]``: a JSON Schema enum of these strings."""
    return Literal.__getitem__(values)
