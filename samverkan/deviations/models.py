"""Deviations and complaints between huvudmän, and disputes.

- Deviation (avvikelse) and complaint (klagomål/synpunkt): jh-hemsjukvard §8.1. Routed to
  the receiving organisation's receiver (`DeviationReceiver`), with a status both parties see
  and a history (`DeviationEvent`). A serious deviation gets `ChiefContact` tasks for the
  chefsläkare and MAS of both organisations (the `contact_chief_physician_mas` action).
- Dispute (tvist / oklart ansvar): jh-hemsjukvard §7.7, §8, §11; jh-psykisk §11. Who acts
  now, the escalation level along the agreement's `dispute_path`, the disputed costs split
  equally until a decision settles them (`DisputeCost`), and every step (`DisputeStep`).
The agreements' lifecycle (notices, settings, local agreements, Bilaga 2 lists) is the
`samverkan.agreements` room.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Organisation, Role, Unit
from samverkan.rules import ALL_VERSIONS

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
    subject = models.CharField(
        _("rubrik"),
        max_length=120,
        blank=True,
        help_text=_("Kort rubrik utan personuppgifter; visas i listan."),
    )
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


class MedicalLeadContact(models.Model):
    """Whom the other side calls about a serious deviation (jh-hemsjukvard §8.1): an
    organisation's chefsläkare or MAS, with name and phone (a unit's duty number will do),
    kept by the administrators. Without one, the banner names the staff holding the role and
    says that the phone number is missing."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    role = models.CharField(
        _("roll"), max_length=40, choices=[(r.value, r.label) for r in CONTACT_ROLES]
    )
    name = models.CharField(_("namn"), max_length=200)
    phone = models.CharField(_("telefon"), max_length=40)
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("enhet"),
    )  # fmt: skip
    note = models.CharField(
        _("när och hur"), max_length=200, blank=True, help_text=_("T.ex. dygnet runt via växeln.")
    )

    class Meta:
        ordering = ["organisation__name", "role", "name"]
        verbose_name = _("kontakt chefsläkare/MAS")
        verbose_name_plural = _("kontakter chefsläkare/MAS")

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.organisation}: {self.name}"


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
    ENGINE = "engine", _("Ansvarsguidens besked")
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
    # Every undetermined or unregulated dimension of the question, comma-separated: with the
    # person's recorded facts completed there can be many, so no length limit.
    trigger = models.TextField(
        _("utfall som öppnade ärendet"),
        blank=True,
        help_text=_("T.ex. cost=shared_equally."),
    )
    engine_decision = models.JSONField(_("Ansvarsguidens besked"), null=True, blank=True)
    facts_from_record = models.JSONField(
        _("uppgifter ur personens register"),
        default=list,
        blank=True,
        help_text=_(
            "Namnen på de fakta i beslutsunderlaget som hämtades ur personens registrerade "
            "uppgifter (värdena finns i Ansvarsguidens besked)."
        ),
    )
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
        permissions = [
            ("decide_dispute", _("Får registrera beslut i tvist för sin organisation (chef)"))
        ]

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
