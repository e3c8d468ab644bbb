"""Spot checks of the access log (stickprov, HSLF-FS 2016:40 4 kap. 9 § 5–6): drawn at
random (seed and criteria stored, so a draw can be repeated) or opened on suspicion, each
item reviewed with a conclusion, the check concluded and closed. A closed check is
read-only: `services` refuses every change to it (the documentation of a control)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Organisation


class CheckKind(models.TextChoices):
    SAMPLE = "sample", _("stickprov")
    SUSPICION = "suspicion", _("misstanke")


class Subject(models.TextChoices):
    USERS = "users", _("användare")
    PERSONS = "persons", _("personer")


class CheckStatus(models.TextChoices):
    OPEN = "open", _("pågår")
    CLOSED = "closed", _("avslutad")


class Conclusion(models.TextChoices):
    NO_REMARK = "no_remark", _("ingen anmärkning")
    INVESTIGATE = "investigate", _("utreds vidare")
    UNAUTHORISED = "unauthorised", _("obehörig åtkomst konstaterad")


class SpotCheck(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("vårdgivare")
    )
    kind = models.CharField(_("typ"), max_length=20, choices=CheckKind.choices)
    subject = models.CharField(_("urval av"), max_length=20, choices=Subject.choices)
    period_start = models.DateField(_("period från och med"))
    period_end = models.DateField(_("period till och med"))
    sample_size = models.PositiveIntegerField(_("antal i urvalet"), default=0)
    seed = models.BigIntegerField(_("slumpfrö"), null=True, blank=True)
    criteria = models.JSONField(_("urvalskriterier"), default=dict, blank=True)
    reason = models.TextField(_("anledning"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CheckStatus.choices, default=CheckStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("öppnad av"),
    )
    opened_at = models.DateTimeField(_("öppnad"), default=timezone.now)
    conclusion = models.CharField(
        _("slutsats"), max_length=20, choices=Conclusion.choices, blank=True
    )
    conclusion_text = models.TextField(_("motivering"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("avslutad av"),
    )
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("loggkontroll")
        verbose_name_plural = _("loggkontroller")

    def __str__(self) -> str:
        return f"Loggkontroll {self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status == CheckStatus.CLOSED


class SpotCheckItem(models.Model):
    """One drawn (or suspected) user or person, with its review."""

    check_run = models.ForeignKey(
        SpotCheck, on_delete=models.PROTECT, related_name="items", verbose_name=_("kontroll")
    )
    position = models.PositiveIntegerField(_("ordning"), default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("användare"),
    )
    # The only place in this room a person's identity is kept, as in the audit log.
    person_ref = models.CharField(  # noqa: DJ001
        _("personreferens"), max_length=64, null=True, blank=True
    )
    conclusion = models.CharField(
        _("slutsats"), max_length=20, choices=Conclusion.choices, blank=True
    )
    note = models.TextField(_("anteckning"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granskad av"),
    )
    reviewed_at = models.DateTimeField(_("granskad"), null=True, blank=True)

    class Meta:
        ordering = ["check_run", "position", "pk"]
        verbose_name = _("kontrollpunkt")
        verbose_name_plural = _("kontrollpunkter")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(person_ref__isnull=False),
                name="logcontrol_item_user_or_person",
            )
        ]

    def __str__(self) -> str:
        return f"Kontrollpunkt {self.pk}"

    @property
    def is_reviewed(self) -> bool:
        return bool(self.conclusion)
