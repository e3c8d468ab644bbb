"""The agreements' lifecycle as the parties run it (its own room since issue 10).

- `Notice` (uppsägning) feeds `samverkan.rules.validity`: this room tells the rules which
  versions are in force (see `apps.py`).
- `AgreementSettings` holds the reminder lead time and who is reminded.
- `LocalAgreement` (lokal överenskommelse, only at the points jh-hemsjukvard §8.3 lists: see
  `local_points.py`) also holds the local routines; `CareArea` says which hälsocentral works
  with which kommun.
- Bilaga 2's lists (`Bilaga2List`): yearly versions, fixed when every `WorkingGroupMember`
  has signed; `LocalVariation` per kommun.

The tables keep the names they had in the deviations app (`db_table`), so a database made
before the move keeps its rows (migrations: state-only move, see `migrations/0001_initial.py`).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Organisation, Role, Unit
from samverkan.rules import ALL_VERSIONS

AGREEMENT_CHOICES = [(v.agreement, v.title) for v in ALL_VERSIONS]
USER = settings.AUTH_USER_MODEL


# --- Notices and settings -----------------------------------------------------------------


class Notice(models.Model):
    """Written notice of termination (uppsägning) by one party.

    Recorded only by someone who may speak for that party (`access.may_speak_for`), on the
    day it is given (never backdated), after a confirmation that states its consequence.
    A withdrawal or a correction never deletes the row: `withdrawn_at` marks it, and a
    correction is a new row whose `replaces` points at the one it corrects. The earliest
    notice in effect (`selectors.notices_in_effect`) counts, per party or for all parties
    depending on `AgreementSettings.notice_scope`.
    """

    agreement = models.CharField(_("avtal"), max_length=40, choices=AGREEMENT_CHOICES)
    given_by = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("uppsagt av")
    )
    given_on = models.DateField(_("uppsagt den"))
    document_ref = models.CharField(_("dokumentreferens"), max_length=200)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("rättar"),
    )
    withdrawn_at = models.DateTimeField(_("återkallad/rättad"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(_("skäl"), blank=True)

    class Meta:
        db_table = "deviations_notice"  # kept from the deviations app (issue 10)
        ordering = ["agreement", "given_on", "id"]
        verbose_name = _("uppsägning")
        verbose_name_plural = _("uppsägningar")
        permissions = [("speak_for_party", _("Får företräda sin organisation som avtalspart"))]

    def __str__(self) -> str:
        return f"{self.agreement}: {self.given_on}"

    @property
    def in_effect(self) -> bool:
        return self.withdrawn_at is None


class NoticeScope(models.TextChoices):
    """What one party's notice ends: a reading of the agreement for the forum to fix."""

    PARTY = "party", _("bara den partens deltagande")
    ALL = "all", _("avtalet för alla parter")


DEFAULT_LEAD_DAYS = 90


class AgreementSettings(models.Model):
    """Per agreement: how early reminders appear, for which role, and the follow-up date."""

    agreement = models.CharField(_("avtal"), max_length=40, choices=AGREEMENT_CHOICES, unique=True)
    reminder_lead_days = models.PositiveIntegerField(
        _("påminnelse dagar före"),
        default=DEFAULT_LEAD_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    responsible_role = models.CharField(
        _("roll som påminns"), max_length=40, choices=Role.choices, default=Role.FORUM_MEMBER
    )
    followup_month = models.PositiveSmallIntegerField(
        _("årlig uppföljning senast (månad)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    followup_day = models.PositiveSmallIntegerField(
        _("årlig uppföljning senast (dag)"),
        default=31,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    notice_scope = models.CharField(
        _("en parts uppsägning avslutar"),
        max_length=10,
        choices=NoticeScope.choices,
        default=NoticeScope.PARTY,
        help_text=_(
            "Tolkning av avtalet som forumet ska fastställa. Förval: bara den partens "
            "deltagande upphör (minst ingripande)."
        ),
    )

    class Meta:
        db_table = "deviations_agreementsettings"  # kept from the deviations app (issue 10)
        verbose_name = _("avtalsinställning")
        verbose_name_plural = _("avtalsinställningar")

    def __str__(self) -> str:
        return self.agreement

    def followup_due(self, year: int) -> dt.date:
        day = min(self.followup_day, _month_length(year, self.followup_month))
        return dt.date(year, self.followup_month, day)


def _month_length(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


class CareArea(models.Model):
    """A hälsocentral and a kommun that work together (their routines are matched)."""

    health_centre = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("hälsocentral")
    )
    municipality = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("kommun")
    )

    class Meta:
        db_table = "deviations_carearea"  # kept from the deviations app (issue 10)
        ordering = ["municipality__name", "health_centre__name"]
        verbose_name = _("hälsocentral–kommun")
        verbose_name_plural = _("hälsocentraler–kommuner")
        constraints = [
            models.UniqueConstraint(
                fields=["health_centre", "municipality"], name="deviations_care_area_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.health_centre.name} – {self.municipality}"


class LocalAgreement(models.Model):
    """A lokal överenskommelse (or routine) at one of the points jh-hemsjukvard §8.3 allows."""

    agreement = models.CharField(_("avtal"), max_length=40, choices=AGREEMENT_CHOICES)
    point = models.CharField(_("punkt enligt §8.3"), max_length=40)
    municipality = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    health_centre = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hälsocentral"),
        help_text=_("Tomt: gäller alla hälsocentraler som arbetar med kommunen."),
    )
    title = models.CharField(_("rubrik"), max_length=200)
    document_ref = models.CharField(_("dokumentreferens"), max_length=200, blank=True)
    agreed_on = models.DateField(_("överenskommen den"))
    valid_to = models.DateField(_("gäller till och med"), null=True, blank=True)
    registered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    # What it changed from a past `agreed_on` (the revisions' retroactive check): per kommun,
    # the decisions flagged with their difference and the issued invoices listed.
    retroactive = models.JSONField(_("retroaktiv verkan"), default=dict, blank=True)

    class Meta:
        db_table = "deviations_localagreement"  # kept from the deviations app (issue 10)
        ordering = ["municipality__name", "point", "-agreed_on"]
        verbose_name = _("lokal överenskommelse")
        verbose_name_plural = _("lokala överenskommelser")

    def __str__(self) -> str:
        return self.title

    def in_force_on(self, day: dt.date) -> bool:
        return self.agreed_on <= day and (self.valid_to is None or day <= self.valid_to)


# --- Bilaga 2: basic equipment and emergency medicines -----------------------------------


class ListKind(models.TextChoices):
    BASIC_EQUIPMENT = "basic_equipment", _("medicinsk basutrustning")
    EMERGENCY_MEDICINES = "emergency_medicines", _("läkemedel för akut bruk")


class Bilaga2List(models.Model):
    """One yearly version of a Bilaga 2 list; fixed when every member has signed."""

    region = models.CharField(_("region"), max_length=40, default="jamtland-harjedalen")
    kind = models.CharField(_("förteckning"), max_length=30, choices=ListKind.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    items = models.TextField(_("innehåll"), help_text=_("En rad per artikel eller läkemedel."))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    fixed_at = models.DateTimeField(_("fastställd"), null=True, blank=True)
    fixed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "deviations_bilaga2list"  # kept from the deviations app (issue 10)
        ordering = ["-year", "kind"]
        verbose_name = _("förteckning (bilaga 2)")
        verbose_name_plural = _("förteckningar (bilaga 2)")
        constraints = [
            models.UniqueConstraint(fields=["region", "kind", "year"], name="deviations_list_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display().capitalize()} {self.year}"

    @property
    def is_fixed(self) -> bool:
        return self.fixed_at is not None

    @property
    def item_lines(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]


class WorkingGroupMember(models.Model):
    bilaga2_list = models.ForeignKey(Bilaga2List, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("undertecknad"), null=True, blank=True)

    class Meta:
        db_table = "deviations_workinggroupmember"  # kept from the deviations app (issue 10)
        ordering = ["organisation__kind", "organisation__name", "id"]
        verbose_name = _("arbetsgruppsledamot")
        verbose_name_plural = _("arbetsgruppsledamöter")
        constraints = [
            models.UniqueConstraint(fields=["bilaga2_list", "user"], name="deviations_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.bilaga2_list}: {self.organisation}"


class LocalVariation(models.Model):
    """A locally agreed variation of a list in one kommun (Bilaga 2)."""

    bilaga2_list = models.ForeignKey(
        Bilaga2List, on_delete=models.CASCADE, related_name="variations"
    )
    municipality = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    description = models.TextField(_("variation"))
    agreed_on = models.DateField(_("överenskommen den"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "deviations_localvariation"  # kept from the deviations app (issue 10)
        ordering = ["municipality__name", "agreed_on"]
        verbose_name = _("lokal variation")
        verbose_name_plural = _("lokala variationer")

    def __str__(self) -> str:
        return f"{self.bilaga2_list}: {self.municipality}"


# --- Revisions: drafts, the forum's recommendation and each party's adoption -----------------


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("utkast")
    RECOMMENDED = "recommended", _("rekommenderad av forumet")


class Revision(models.Model):
    """A revised version of an agreement as the preparing forum drafts it (SVOM, Länsledning
    Välfärd): changes to its rules (`changes`: variant changes, see rules/variants.py) and
    scenarios (`scenarios`: name, facts, expected outcome). `basis` keeps what the forum
    decided on (scenario results, the conflict/gap check, the simulations, the clauses
    affected) with `basis_of`, the content it was computed for. Once recommended, nothing of
    it changes (`services.revisions`); it governs a party only through that party's
    `Adoption`. A draft never drives a decision or an invoice."""

    agreement = models.CharField(_("avtal"), max_length=40, choices=AGREEMENT_CHOICES)
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    changes = models.JSONField(_("ändringar"), default=list)
    scenarios = models.JSONField(_("scenarier"), default=list)
    status = models.CharField(
        _("status"), max_length=20, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT
    )
    basis = models.JSONField(_("beslutsunderlag"), default=dict)
    basis_of = models.CharField(_("underlaget gäller"), max_length=64, blank=True)
    basis_at = models.DateTimeField(_("underlaget togs fram"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    recommended_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recommended_at = models.DateTimeField(_("rekommenderad"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "-created_at", "-id"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisioner")

    def __str__(self) -> str:
        return f"{self.agreement}: {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == RevisionStatus.DRAFT


class Adoption(models.Model):
    """One party's decision to adopt a recommended revision (jh-psykisk §10: every party
    adopts, at different times): the body that decided, the day, its diarienummer and the
    day the revision applies from for that party. Never edited or deleted."""

    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="adoptions")
    party = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("part")
    )
    body = models.CharField(_("beslutande organ"), max_length=200)
    decided_on = models.DateField(_("beslutsdatum"))
    diarienummer = models.CharField(_("diarienummer"), max_length=100)
    in_force_from = models.DateField(_("gäller från"))
    retroactive = models.JSONField(_("retroaktiv verkan"), default=dict)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["revision", "in_force_from", "id"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "party"], name="one_adoption_per_party")
        ]
        verbose_name = _("antagande")
        verbose_name_plural = _("antaganden")

    def __str__(self) -> str:
        return f"{self.party}: {self.revision} ({self.in_force_from})"
