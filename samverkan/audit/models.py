"""The append-only access log (PDL 4 kap. 3 §: access is documented and checked).

Why not django-auditlog: it records field diffs of saved models through signals, but not
reads, exports or searches, not the purpose of an access, not the role and organisation the
user had at the time, and its LogEntry may be deleted (admin, `auditlogflush`). Access to
personal data in this system is mostly *reads*, so an own, small model fits better.

Append-only in Python (the shared base, `samverkan.core.models`): saving an existing row,
deleting one, and QuerySet update, bulk_update, upserts and delete raise AppendOnlyError. The
database refuses the same (`samverkan.core.append_only` triggers, migration
0004_hash_chain_and_triggers): UPDATE, DELETE and, on PostgreSQL, TRUNCATE; the only DELETE
let through is of events a recorded purge authorisation (`AuditPurge`) covers.

Tamper-evident: every event carries its place in one chain (`sequence`), the previous event's
hash and its own (`samverkan.audit.chain`); `AuditAnchor` seals a month's part of the chain,
so periods past their retention can be purged and the rest still verifies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Organisation, Role
from samverkan.audit import chain
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
    PASSWORD_CHANGE = "password_change", _("lösenord ändrat")
    PURGE = "purge", _("gallring")


class AuditEventQuerySet(core_models.AppendOnlyQuerySet["AuditEvent"]):
    def _raw_delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # a cascade's fast path
        self._refuse()

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[AuditEvent]:
        if kwargs.get("update_conflicts") or kwargs.get("ignore_conflicts"):
            self._refuse()
        events = list(objs)
        db = self.db
        with transaction.atomic(using=db):
            _chain(events, db)
            return super().bulk_create(events, *args, **kwargs)


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
    # The caller's process, then the purpose of the user's medarbetaruppdrag (services.record).
    process = models.CharField(_("process"), max_length=200, blank=True)
    why = models.TextField(_("syfte"), blank=True)
    ip = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)
    # The hash chain (samverkan.audit.chain), set by services.record under the chain's lock.
    sequence = models.BigIntegerField(_("löpnummer"), unique=True, editable=False)
    prev_hash = models.CharField(_("föregående hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]
        verbose_name = _("granskningshändelse")
        verbose_name_plural = _("granskningshändelser")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or self.pk is not None:
            self.refuse_change()
        db = kwargs.get("using") or router.db_for_write(AuditEvent, instance=self)
        with transaction.atomic(using=db):
            _chain([self], db)
            super().save(*args, **kwargs)


# Any constant bigint; names the chain among the application's advisory locks.
CHAIN_LOCK = 0x5A41_5544_4954
_IP_FIELD = AuditEvent._meta.get_field("ip")


def _chain(events: Sequence[AuditEvent], db: str) -> None:
    """Number and hash ``events`` after the chain's last event, holding the chain's lock.

    PostgreSQL: a transaction-scoped advisory lock, held until the caller's transaction ends
    (several writers wait for each other only that long; record outside long transactions
    where you can). SQLite serialises writers itself (the settings' ``BEGIN IMMEDIATE``).
    Must run inside a transaction, as save and bulk_create do.
    """
    if not events:
        return
    sequence, prev = _chain_head(db)
    for event in events:
        sequence += 1
        event.sequence, event.prev_hash = sequence, prev
        event.ip = _IP_FIELD.get_prep_value(event.ip) or None
        event.hash = prev = chain.event_hash(vars(event))


def _chain_head(db: str) -> tuple[int, str]:
    """Lock the chain (PostgreSQL) and return the last sequence number and hash."""
    connection = connections[db]
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:  # plain SQL: this runs once per event written
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        cursor.execute(f"SELECT sequence, hash FROM {table} ORDER BY sequence DESC LIMIT 1")
        head = cursor.fetchone()
    if head is not None:
        return int(head[0]), str(head[1])
    # Empty: the beginning, or everything up to the last anchor was purged.
    anchor = AuditAnchor._base_manager.using(db).order_by("-last_sequence").first()
    if anchor is not None:
        return anchor.last_sequence, anchor.last_hash
    return 0, chain.GENESIS


class AuditAnchor(core_models.AppendOnlyModel):
    """One month's part of the chain, sealed: what remains verifiable after a purge."""

    append_only_error = AppendOnlyError
    append_only_message = AuditEvent.append_only_message

    period = models.DateField(_("period"), unique=True, help_text=_("Månadens första dag."))
    first_sequence = models.BigIntegerField(_("första löpnummer"))
    last_sequence = models.BigIntegerField(_("sista löpnummer"), unique=True)
    count = models.BigIntegerField(_("antal händelser"))
    last_hash = models.CharField(_("sista händelsens hash"), max_length=64)
    prev_anchor_hash = models.CharField(_("föregående ankares hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    created = models.DateTimeField(_("skapat"), default=timezone.now)

    objects = core_models.AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["period"]
        verbose_name = _("periodankare")
        verbose_name_plural = _("periodankare")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} ({self.first_sequence}–{self.last_sequence})"


class AuditPurge(core_models.AppendOnlyModel):
    """A recorded purge authorisation: events up to ``up_to_sequence`` may be deleted.

    The database's delete trigger on the events lets through exactly these rows; the purge is
    written by `samverkan audit purge` (services.purge), never by the application's role.
    """

    append_only_error = AppendOnlyError
    append_only_message = AuditEvent.append_only_message

    anchor = models.ForeignKey(
        AuditAnchor, on_delete=models.PROTECT, related_name="+", verbose_name=_("periodankare")
    )
    up_to_sequence = models.BigIntegerField(_("till och med löpnummer"), unique=True)
    retention_years = models.PositiveSmallIntegerField(_("bevarandetid (år)"))
    reason = models.TextField(_("beslut"), help_text=_("Dataägarens beslut om gallring."))
    created = models.DateTimeField(_("gallrat"), default=timezone.now)

    objects = core_models.AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["up_to_sequence"]
        verbose_name = _("gallringsbeslut")
        verbose_name_plural = _("gallringsbeslut")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"t.o.m. {self.up_to_sequence}"
