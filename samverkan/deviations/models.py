"""Deviations and complaints between huvudmän, disputes, and the agreements' lifecycle.

- Deviation (avvikelse) and complaint (klagomål/synpunkt): jh-hemsjukvard §8.1. Routed to
  the receiving organisation's receiver (`DeviationReceiver`), with a status both parties see
  and a history (`DeviationEvent`). A serious deviation gets `ChiefContact` tasks for the
  chefsläkare and MAS of both organisations (the `contact_chief_physician_mas` action).
- Dispute (tvist / oklart ansvar): jh-hemsjukvard §7.7, §8, §11; jh-psykisk §11. Who acts
  now, the escalation level along the agreement's `dispute_path`, the disputed costs split
  equally until a decision settles them (`DisputeCost`), and every step (`DisputeStep`).
- Agreement lifecycle: `Notice` (uppsägning) feeds `samverkan.rules.validity`;
  `AgreementSettings` holds the reminder lead time and who is reminded; `LocalAgreement`
  (lokal överenskommelse, only at the points §8.3 lists: see `local_points.py`) also holds
  the local routines; `CareArea` says which hälsocentral works with which kommun.
- Bilaga 2's lists (`Bilaga2List`): yearly versions, fixed when every `WorkingGroupMember`
  has signed; `LocalVariation` per kommun.
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
from samverkan.rules.agreements import ALL_VERSIONS

AGREEMENT_CHOICES = [(v.agreement, v.title) for v in ALL_VERSIONS]
USER = settings.AUTH_USER_MODEL


# --- Deviations and complaints ---------------------------------------------------------------


class Kind(models.TextChoices):
    DEVIATION = "deviation", _("avvikelse")
    COMPLAINT = "complaint", _("klagomål eller synpunkt")


class Category(models.TextChoices):
    """Categories from Swedish deviation practice between huvudmän."""

    MEDICATION = "medication", _("läkemedel")
    CARE_TRANSITION = "care_transition", _("vårdövergång/informationsöverföring")
    FALL = "fall", _("fall")
    AIDS_EQUIPMENT = "aids_equipment", _("hjälpmedel/MTP")
    CONDUCT = "conduct", _("bemötande")
    ACCESSIBILITY = "accessibility", _("tillgänglighet")
    DOCUMENTATION = "documentation", _("dokumentation")
    OTHER = "other", _("annat")


class Severity(models.TextChoices):
    MINOR = "minor", _("mindre")
    MODERATE = "moderate", _("måttlig")
    SERIOUS = "serious", _("allvarlig")


class Status(models.TextChoices):
    RECEIVED = "received", _("mottagen")
    INVESTIGATING = "investigating", _("utreds")
    ANSWERED = "answered", _("besvarad")
    CLOSED = "closed", _("avslutad")


class DeviationReceiver(models.Model):
    """Who receives deviations addressed to an organisation: a unit, a role, or both."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="deviation_receiver",
        verbose_name=_("organisation"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mottagande enhet"),
    )
    role = models.CharField(_("mottagande roll"), max_length=40, choices=Role.choices, blank=True)

    class Meta:
        verbose_name = _("avvikelsemottagare")
        verbose_name_plural = _("avvikelsemottagare")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.unit or self.get_role_display()}"


class Deviation(models.Model):
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.DEVIATION)
    agreement = models.CharField(_("avtal"), max_length=40, choices=AGREEMENT_CHOICES)
    category = models.CharField(_("kategori"), max_length=30, choices=Category.choices)
    severity = models.CharField(
        _("allvarlighetsgrad"), max_length=20, choices=Severity.choices, default=Severity.MINOR
    )
    reporting_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="deviations_reported",
        verbose_name=_("rapporterande organisation"),
    )
    reporting_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rapporterande enhet"),
    )
    reported_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("rapporterad av")
    )
    receiving_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="deviations_received",
        verbose_name=_("mottagande organisation"),
    )
    receiving_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mottagande enhet"),
    )
    receiving_role = models.CharField(
        _("mottagande roll"), max_length=40, choices=Role.choices, blank=True
    )
    occurred_on = models.DateField(_("datum för händelsen"))
    occurred_time = models.TimeField(_("klockslag"), null=True, blank=True)
    location = models.CharField(_("plats"), max_length=200)
    description = models.TextField(_("vad hände"))
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    direct_contact = models.BooleanField(
        _("direktkontakt med chefsläkare/MAS"),
        default=False,
        help_text=_("Allvarlig avvikelse (jh-hemsjukvard §8.1)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("mottagen"), default=timezone.now, db_index=True)
    investigating_at = models.DateTimeField(_("utreds sedan"), null=True, blank=True)
    answered_at = models.DateTimeField(_("besvarad"), null=True, blank=True)
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    answer = models.TextField(_("svar"), blank=True)
    answered_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besvarad av"),
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("avvikelse")
        verbose_name_plural = _("avvikelser")
        indexes = [models.Index(fields=["agreement", "received_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display().capitalize()} #{self.pk}"

    @property
    def is_serious(self) -> bool:
        return self.severity == Severity.SERIOUS

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED


class DeviationEvent(models.Model):
    """One step in a deviation's history: reported, status changed, contact made, note."""

    class What(models.TextChoices):
        REPORTED = "reported", _("rapporterad")
        STATUS = "status", _("ny status")
        CONTACT = "contact", _("direktkontakt tagen")
        NOTE = "note", _("anteckning")

    deviation = models.ForeignKey(Deviation, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("tidpunkt"), default=timezone.now)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(_("händelse"), max_length=20, choices=What.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("anteckning"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("avvikelsehändelse")
        verbose_name_plural = _("avvikelsehändelser")

    def __str__(self) -> str:
        return f"{self.deviation} {self.what}"


CONTACT_ROLES = (Role.CHIEF_PHYSICIAN, Role.MAS)


class ChiefContact(models.Model):
    """§8.1: direct contact with chefsläkare/MAS, one task per organisation and role."""

    ACTION = "contact_chief_physician_mas"

    deviation = models.ForeignKey(Deviation, on_delete=models.CASCADE, related_name="contacts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        _("roll"), max_length=40, choices=[(r.value, r.label) for r in CONTACT_ROLES]
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    done_at = models.DateTimeField(_("kontakt tagen"), null=True, blank=True)
    done_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name", "role"]
        verbose_name = _("direktkontakt chefsläkare/MAS")
        verbose_name_plural = _("direktkontakter chefsläkare/MAS")
        constraints = [
            models.UniqueConstraint(
                fields=["deviation", "organisation", "role"], name="deviations_one_contact_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deviation}: {self.get_role_display()} {self.organisation}"


# --- Disputes ----------------------------------------------------------------------------


class DisputeBasis(models.TextChoices):
    ENGINE = "engine", _("ansvarsmotorns besked")
    DISAGREEMENT = "disagreement", _("parterna är oense")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("pågår")
    RESOLVED = "resolved", _("avgjord")


class CostBearer(models.TextChoices):
    REGION = "region", _("regionen")
    MUNICIPALITY = "municipality", _("kommunen")
    SHARED_EQUALLY = "shared_equally", _("delas lika")


class Dispute(models.Model):
    agreement = models.CharField(_("avtal"), max_length=40, choices=AGREEMENT_CHOICES)
    basis = models.CharField(_("grund"), max_length=20, choices=DisputeBasis.choices)
    question = models.TextField(_("frågan"))
    trigger = models.CharField(
        _("utfall som öppnade ärendet"),
        max_length=100,
        blank=True,
        help_text=_("T.ex. cost=shared_equally."),
    )
    engine_decision = models.JSONField(_("ansvarsmotorns besked"), null=True, blank=True)
    region_party = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("regionen")
    )
    municipality_party = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommunen")
    )
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("öppnad"), default=timezone.now)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    acting_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("huvudman som agerar nu"),
    )
    acting_note = models.TextField(_("vad görs nu för den enskilde"))
    of_principle = models.BooleanField(_("av principiell betydelse"), default=False)
    level = models.PositiveSmallIntegerField(
        _("nivå"), default=1, help_text=_("Steg i avtalets tvistväg, från 1.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    decided_by = models.CharField(_("beslutat av"), max_length=200, blank=True)
    reasoning = models.TextField(_("motivering"), blank=True)
    cost_bearer = models.CharField(
        _("kostnadsansvar enligt beslut"), max_length=20, choices=CostBearer.choices, blank=True
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("tvist")
        verbose_name_plural = _("tvister")

    def __str__(self) -> str:
        return f"Tvist #{self.pk}"

    @property
    def parties(self) -> tuple[Organisation, Organisation]:
        return (self.region_party, self.municipality_party)


class DisputeStep(models.Model):
    class What(models.TextChoices):
        OPENED = "opened", _("öppnad")
        ESCALATED = "escalated", _("lyft")
        COST = "cost", _("kostnad bokförd")
        NOTE = "note", _("anteckning")
        DECISION = "decision", _("beslut")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(_("tidpunkt"), default=timezone.now)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(_("händelse"), max_length=20, choices=What.choices)
    level = models.PositiveSmallIntegerField(_("nivå"))
    step = models.CharField(_("instans"), max_length=200, blank=True)
    note = models.TextField(_("anteckning"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("tviststeg")
        verbose_name_plural = _("tviststeg")

    def __str__(self) -> str:
        return f"{self.dispute} {self.what}"


class DisputeCost(models.Model):
    """A cost in dispute: split equally until a decision (jh-hemsjukvard §7.7, §8)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="costs")
    description = models.CharField(_("beskrivning"), max_length=200)
    amount = models.DecimalField(_("belopp (kr)"), max_digits=12, decimal_places=2)
    incurred_on = models.DateField(_("datum"))
    paid_by = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("betald av")
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    ledger_ref = models.CharField(
        _("referens i tjänsteköpens tvistreskontra"), max_length=64, blank=True
    )

    class Meta:
        ordering = ["incurred_on", "id"]
        verbose_name = _("tvistig kostnad")
        verbose_name_plural = _("tvistiga kostnader")

    def __str__(self) -> str:
        return f"{self.dispute}: {self.amount} kr"


# --- Agreement lifecycle -----------------------------------------------------------------


class Notice(models.Model):
    """Written notice of termination (uppsägning); the earliest one per agreement counts."""

    agreement = models.CharField(_("avtal"), max_length=40, choices=AGREEMENT_CHOICES)
    given_by = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("uppsagt av")
    )
    given_on = models.DateField(_("uppsagt den"))
    document_ref = models.CharField(_("dokumentreferens"), max_length=200)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreement", "given_on", "id"]
        verbose_name = _("uppsägning")
        verbose_name_plural = _("uppsägningar")

    def __str__(self) -> str:
        return f"{self.agreement}: {self.given_on}"


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

    class Meta:
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

    class Meta:
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
        ordering = ["municipality__name", "agreed_on"]
        verbose_name = _("lokal variation")
        verbose_name_plural = _("lokala variationer")

    def __str__(self) -> str:
        return f"{self.bilaga2_list}: {self.municipality}"
