"""Schema pieces every room's API shares (rooms import them; the API mounts the rooms)."""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["DATE_PATTERN", "Merged", "one_of"]

# The JSON Schema spelling of an ISO date (ASCII digits only, whole string).
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def one_of(values: tuple[str, ...]) -> Any:
    """``Literal[values]``: a JSON Schema enum of these strings."""
    return Literal.__getitem__(values)


class Merged:
    """The attributes of several objects as one, for a schema that reads one object: the
    named extras first, then each object in turn (the first that has the name wins)."""

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
