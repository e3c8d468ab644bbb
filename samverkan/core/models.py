"""One append-only model base: rows that are history are added, never changed or removed.

    class AuditEvent(AppendOnlyModel):
        append_only_error = AppendOnlyError       # the app's own error class (a subclass)
        append_only_message = "Granskningsloggen kan bara läggas till …"
        objects = AppendOnlyQuerySet.as_manager()

Saving a row that is already stored, ``delete()``, and the queryset's ``update``,
``bulk_update`` and ``delete`` raise the model's ``append_only_error``. A row that may be
*closed* (a price retired, say) names the fields that closing sets in
``append_only_closing_fields``; ``update`` of only those fields is allowed. ``bulk_create``
with ``update_conflicts`` (an upsert that overwrites) is refused too, unless it only rewrites
the conflict key with itself (the purchases' decision snapshots get their id that way). The database refuses the
same, whatever speaks SQL to it, where a migration installs
:func:`samverkan.core.append_only.append_only_operations` for the table (the audit log's do).

Abstract, no fields, no table: ``core`` has no models of its own and changes no migration.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn, TypeVar

from django.db import models

__all__ = ["AppendOnlyError", "AppendOnlyModel", "AppendOnlyQuerySet"]

_M = TypeVar("_M", bound=models.Model)


class AppendOnlyError(Exception):
    """A row of history cannot be changed or removed; each app raises its own subclass."""


class AppendOnlyModel(models.Model):
    append_only_error: ClassVar[type[Exception]] = AppendOnlyError
    append_only_message: ClassVar[str] = "Raden är historik och kan inte ändras eller tas bort."
    append_only_closing_fields: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A stored row, or a new object that names an existing primary key (an overwrite).
        if not self._state.adding or self.pk is not None:
            self.refuse_change()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        self.refuse_change()

    @classmethod
    def refuse_change(cls, *args: Any, **kwargs: Any) -> NoReturn:
        raise cls.append_only_error(cls.append_only_message)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    """The queryset of an :class:`AppendOnlyModel`: no update, bulk update or delete."""

    def _refuse(self) -> NoReturn:
        refuse = getattr(self.model, "refuse_change", None)
        if refuse is None:
            raise AppendOnlyError("Raden är historik och kan inte ändras eller tas bort.")
        refuse()
        raise AssertionError("unreachable")  # pragma: no cover

    def update(self, **kwargs: Any) -> int:
        closing: frozenset[str] = getattr(self.model, "append_only_closing_fields", frozenset())
        if not kwargs or not set(kwargs) <= closing:
            self._refuse()
        return super().update(**kwargs)

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        self._refuse()

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[_M]:
        if kwargs.get("update_conflicts"):
            # An upsert overwrites stored rows, unless it only rewrites the conflict key with
            # itself (INSERT … ON CONFLICT … RETURNING id: the stored row's id, nothing changed).
            rewritten = set(kwargs.get("update_fields") or ())
            if not rewritten or not rewritten <= set(kwargs.get("unique_fields") or ()):
                self._refuse()
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self) -> NoReturn:  # type: ignore[override]
        self._refuse()
