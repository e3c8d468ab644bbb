"""Schema pieces every room's API shares (rooms import them; the API mounts the rooms)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from samverkan.core.dates import DATE_MESSAGE, DATE_PATTERN, parse_iso_date

__all__ = ["DATE_PATTERN", "MONTH_PATTERN", "IsoDate", "IsoMonth", "Merged", "one_of"]

# A month ÅÅÅÅ-MM (01–12): documented and checked by the schema, so every value it admits is one.
MONTH_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"
IsoMonth = Annotated[str, StringConstraints(pattern=MONTH_PATTERN)]


def _iso_only(value: Any) -> Any:
    """Only ÅÅÅÅ-MM-DD (samverkan.core.dates): pydantic alone reads `0` or `1700000000` as a
    Unix time (1970-01-01)."""
    try:
        return parse_iso_date(value)
    except ValueError:
        raise PydanticCustomError("date_parsing", DATE_MESSAGE) from None


# A date parameter or field that accepts only an ISO date (`?on=2026-12-02`), never a number.
IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_only),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]


def one_of(values: tuple[str, ...]) -> Any:
    """``Literal[values]``: a JSON Schema enum of these strings."""
    return Literal.__getitem__(values)


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
