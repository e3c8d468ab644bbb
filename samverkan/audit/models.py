"""The append-only access log (PDL 4 kap. 3 §: access is documented and checked).

Why not django-auditlog: it records field diffs of saved models through signals, but not
reads, exports or searches, not the purpose of an access, not the role and organisation the
user had at the time, and its LogEntry may be deleted (admin, `auditlogflush`). Access to
personal data in this system is mostly *reads*, so an own, small model fits better.

Append-only in Python (the shared base, `samverkan.core.models`): saving an existing row,
deleting one, and QuerySet update, bulk_update and delete raise AppendOnlyError. On PostgreSQL a trigger (migration 0002) refuses UPDATE and
DELETE as well.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Organisation, Role
from samverkan.core import models as core_models


class AppendOnlyError(core_models.AppendOnlyError):
    """Audit events are never changed or removed."""


class Action(models.TextChoices):
    VIEW = "view", _("visa")
    SEARCH = "search", _("sök")
    CREATE = "create", _("skapa")
    UPDATE = "update", _("ändra")
    DELETE = "delete", _("ta bort")
    EXPORT = "export", _("exportera")
    PRINT = "print", _("skriv ut")
    LOGIN = "login", _("inloggning")
    LOGOUT = "logout", _("utloggning")
    LOGIN_FAILED = "login_failed", _("misslyckad inloggning")
    ACCESS_DENIED = "access_denied", _("nekad åtkomst")


class AuditEventQuerySet(core_models.AppendOnlyQuerySet["AuditEvent"]):
    def _raw_delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # a cascade's fast path
        self._refuse()


class AuditEvent(core_models.AppendOnlyModel):
    append_only_error = AppendOnlyError
    append_only_message = "Granskningsloggen kan bara läggas till, aldrig ändras eller tas bort."

    timestamp = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # users are deactivated, never deleted, once they have a log
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("användare"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("roll"), max_length=40, choices=Role.choices, blank=True)
    action = models.CharField(_("händelse"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("objekttyp"), max_length=60, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=64, blank=True)
    # NULL, not "": "no person involved" is a fact the log control filters on.
    person_ref = models.CharField(  # noqa: DJ001
        _("personreferens"),
        max_length=64,
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Den enda plats där en persons identitet får loggas."),
    )
    # Log control (HSLF-FS 2016:40 4 kap. 9 §): whose data was reached (the data owner, a
    # vårdgivare; NULL when no personal data or the acting user's own organisation's), from
    # which care unit and in which process (e.g. "sip:12", "vårdrelation", "nödåtkomst").
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dataägare"),
        help_text=_("Vårdgivaren vars uppgifter åtkomsten gällde."),
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhet"),
    )
    process = models.CharField(_("process"), max_length=60, blank=True)
    why = models.TextField(_("syfte"), blank=True)
    ip = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]
        verbose_name = _("granskningshändelse")
        verbose_name_plural = _("granskningshändelser")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.action} {self.object_type}"
