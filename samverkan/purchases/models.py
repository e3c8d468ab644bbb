"""Tjänsteköp and invoicing between huvudmän: service records, prices, invoice runs, ledger.

Amounts on invoices, lines, attachment rows and ledger entries are whole öre in integer
columns (``*_ore``): exact on every database, summable in SQL, and what EN 16931 rounds to.
Prices entered by an administrator are kronor (Decimal, two places).

What is never changed once written:

- ``Price``: an edit is a new version row (``supersedes``); the old row only gets
  ``retired_at``. ``save()`` of an existing row raises.
- ``Invoice`` and its lines, rates, person map and attachment rows: a correction is a credit
  note plus a new invoice. Only an invoice's ``status`` moves from ``issued`` to ``credited``.
- ``DecisionSnapshot``: content-addressed (SHA-256 of its JSON), shared by every record with
  the same decision, never updated.
- ``ServiceRecord``: only its status moves (draft → approved → invoiced → credited, or
  withdrawn) and an invoice run sets ``invoice``; a wrong record is withdrawn (or credited)
  and registered anew.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Organisation, Unit
from samverkan.core.models import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet
from samverkan.core.money import ore_to_kronor
from samverkan.core.payment_ids import bankgiro_problem, plusgiro_problem
from samverkan.purchases.bases import (
    AGREEMENT_NAMES,
    BASES,
    DISCHARGE_BASIS,
    DISCHARGE_INTERVENTIONS,
)
from samverkan.rules import INTERVENTIONS

INTERVENTION_CHOICES = list(INTERVENTIONS.items()) + list(DISCHARGE_INTERVENTIONS.items())
AGREEMENT_CHOICES = list(AGREEMENT_NAMES.items())
BASIS_CHOICES = [(b.id, b.label) for b in BASES.values()] + [
    (DISCHARGE_BASIS, "Betalningsansvar vid utskrivning, lag (2017:612) 5 kap.")
]


class ImmutableError(AppendOnlyError):
    """Prices, invoices and decision snapshots are never changed in place."""


_IMMUTABLE = "Raden är historik och kan inte ändras; skapa en ny version i stället."


class PaymentMode(models.TextChoices):
    NONE = "none", _("ingen ersättning")
    SERVICE_PURCHASE = "service_purchase", _("tjänsteköp (prislista)")
    HOURLY_SHARE_50 = "hourly_share_50", _("50 % av utförd tid (FK:s timbelopp)")
    HOME_REGION = "home_region", _("faktureras hemregionen")
    SHARED = "shared", _("delas lika tills överenskommelse")
    PAYMENT_RESPONSIBILITY = "discharge_days", _("betalningsansvar vid utskrivning")


class Band(models.TextChoices):
    DAY = "day", _("dagtid 08–17")
    EVENING_NIGHT = "evening_night", _("kväll, natt och helg")


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("utkast")
    APPROVED = "approved", _("godkänd")
    INVOICED = "invoiced", _("fakturerad")
    CREDITED = "credited", _("krediterad")
    WITHDRAWN = "withdrawn", _("makulerad")


#: Records that occupy their staff member's time (the overlap rule applies to these).
ACTIVE_STATUSES = (RecordStatus.DRAFT, RecordStatus.APPROVED, RecordStatus.INVOICED)


class DecisionSnapshot(AppendOnlyModel):
    """The engine's decision for a service (outcome, deciding rules, actions, missing facts,
    agreements, the facts used apart from date and time) and which payment mode followed.

    Content-addressed: records with the same decision share one row, so a month of a million
    records does not store a million copies of the same JSON.
    """

    append_only_error = ImmutableError
    append_only_message = _IMMUTABLE
    objects = AppendOnlyQuerySet["DecisionSnapshot"].as_manager()

    digest = models.CharField(max_length=64, unique=True, editable=False)
    data = models.JSONField(_("beslut"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("beslutsögonblicksbild")
        verbose_name_plural = _("beslutsögonblicksbilder")

    def __str__(self) -> str:
        return f"Beslut {self.digest[:10]}"


class ImportBatch(models.Model):
    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("inget sparas om någon rad är fel")
        VALID_ONLY = "valid_only", _("spara de rader som är rätt")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(_("filnamn"), max_length=200, blank=True)
    mode = models.CharField(_("läge"), max_length=20, choices=Mode.choices)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    saved_rows = models.PositiveIntegerField(default=0)
    saved_records = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, help_text=_("Fel per rad: row, field, code, message."))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("importer")

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class ServiceRecord(models.Model):
    """A performed service, or the part of one inside one time band (see timesplit).

    Few indexes on purpose: an invoice run updates a month of records at once, and every
    index costs on each row; the composite indexes below cover the foreign keys we query by.
    The database enforces the keys that matter for integrity (person, performing and paying
    organisation, staff member); the others (unit, ordering organisation, decision snapshot,
    import, registering user) are checked by the services and protected by PROTECT in the ORM
    only: each enforced key costs a check per row at commit, which for an import of 100,000
    rows is seconds on PostgreSQL.
    """

    service_date = models.DateField(_("datum"))
    start_at = models.DateTimeField(_("start"))
    end_at = models.DateTimeField(_("slut"))
    minutes = models.PositiveIntegerField(_("minuter"))
    band = models.CharField(_("tidsband"), max_length=20, choices=Band.choices)
    registration = models.UUIDField(
        _("registrering"), default=uuid.uuid4, help_text=_("Delarna av en insats delar id.")
    )
    segment = models.PositiveSmallIntegerField(_("del"), default=0)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="service_records",
        verbose_name=_("person"),
    )
    performer_org = models.ForeignKey(
        Organisation,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("utförande organisation"),
    )
    performer_unit = models.ForeignKey(
        Unit,
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utförande enhet"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("utförare"),
    )
    orderer_org = models.ForeignKey(
        Organisation,
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beställande organisation"),
    )
    payer_org = models.ForeignKey(
        Organisation,
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("betalande organisation"),
    )
    #: The unit of the ordering organisation that ordered the service (optional); its
    #: reference (``OrderingUnitReference``) becomes the invoice's "Er referens".
    orderer_unit = models.ForeignKey(
        Unit,
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beställande enhet"),
    )
    intervention = models.CharField(_("insats"), max_length=40, choices=INTERVENTION_CHOICES)
    basis = models.CharField(_("avtalsgrund"), max_length=40, choices=BASIS_CHOICES)
    agreement = models.CharField(_("avtal"), max_length=40, choices=AGREEMENT_CHOICES)
    payment = models.CharField(_("ersättning"), max_length=20, choices=PaymentMode.choices)
    decision = models.ForeignKey(
        DecisionSnapshot,
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beslut"),
    )
    dispute_ref = models.CharField(_("tvistreferens"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    #: True while the record takes its staff member's time (draft, approved, invoiced); the
    #: overlap guard and the external-id uniqueness read this, not ``status``, so that an
    #: invoice run's approved -> invoiced touches no index (a HOT update in PostgreSQL).
    occupies = models.BooleanField(_("upptar tid"), default=True)
    invoice = models.ForeignKey(
        "Invoice",
        db_index=False,
        db_constraint=False,  # set by invoice runs a month at a time; see AttachmentRow
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("faktura"),
    )
    replaces = models.ForeignKey(
        "self",
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("ersätter"),
    )
    external_id = models.CharField(_("externt id"), max_length=64, blank=True)
    import_batch = models.ForeignKey(
        ImportBatch,
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    withdrawn_reason = models.CharField(_("skäl till makulering"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    created_at = models.DateTimeField(_("registrerad"), default=timezone.now)

    class Meta:
        ordering = ["start_at", "pk"]
        verbose_name = _("utförd insats")
        verbose_name_plural = _("utförda insatser")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_at__gt=models.F("start_at")),
                name="purchases_record_end_after_start",
            ),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="purchases_record_minutes"),
            models.UniqueConstraint(
                fields=["performer_org", "external_id", "segment"],
                condition=~Q(external_id="") & Q(occupies=True),
                name="purchases_record_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["staff", "start_at"], name="purchases_rec_staff_start"),
            models.Index(
                fields=["performer_org", "payer_org", "service_date"],
                name="purchases_rec_billing",
            ),
            models.Index(fields=["payer_org", "service_date"], name="purchases_rec_payer"),
        ]

    def __str__(self) -> str:
        return f"Insats {self.pk} {self.service_date}"

    @property
    def local_start(self) -> Any:
        return timezone.localtime(self.start_at)

    @property
    def local_end(self) -> Any:
        return timezone.localtime(self.end_at)


class PriceUnit(models.TextChoices):
    HOUR = "hour", _("per timme")
    VISIT = "visit", _("per besök")
    PIECE = "piece", _("styck")  # ledger lines on an invoice; not for prices
    #: Vårddygn of betalningsansvar: a record's ``minutes`` are 1440 per day.
    DAY = "day", _("per vårddygn")


class PriceList(models.Model):
    """The prices of one agreement (Bilaga 4 for Jämtland Härjedalen ships empty)."""

    agreement = models.CharField(_("avtal"), max_length=40, choices=AGREEMENT_CHOICES, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreement"]
        verbose_name = _("prislista")
        verbose_name_plural = _("prislistor")

    def __str__(self) -> str:
        return self.name


class Price(AppendOnlyModel):
    """One price version. Empty intervention or band: applies to all (the more specific wins).

    Append-only; retiring it (replaced or removed) sets only `retired_at` and `retired_by`.
    """

    append_only_error = ImmutableError
    append_only_message = _IMMUTABLE
    append_only_closing_fields = frozenset({"retired_at", "retired_by"})
    objects = AppendOnlyQuerySet["Price"].as_manager()

    price_list = models.ForeignKey(
        PriceList, on_delete=models.PROTECT, related_name="prices", verbose_name=_("prislista")
    )
    intervention = models.CharField(
        _("insats"), max_length=40, choices=INTERVENTION_CHOICES, blank=True
    )
    band = models.CharField(_("tidsband"), max_length=20, choices=Band.choices, blank=True)
    unit = models.CharField(_("enhet"), max_length=10, choices=PriceUnit.choices)
    amount = models.DecimalField(_("belopp (kr)"), max_digits=12, decimal_places=2)
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till och med"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("ersätter"),
    )
    source = models.CharField(_("källa/beslut"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)
    retired_at = models.DateTimeField(_("ersatt/borttagen"), null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inlagd av"),
    )
    created_at = models.DateTimeField(_("inlagd"), default=timezone.now)

    class Meta:
        ordering = ["price_list", "intervention", "band", "valid_from", "version"]
        verbose_name = _("pris")
        verbose_name_plural = _("priser")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="purchases_price_positive"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="purchases_price_validity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} kr {self.get_unit_display()} från {self.valid_from}"

    @property
    def is_active(self) -> bool:
        return self.retired_at is None


class BillingProfile(models.Model):
    """An organisation's invoicing details beyond accounts.Organisation (as seller)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="billing_profile",
        verbose_name=_("organisation"),
    )
    bankgiro = models.CharField(_("bankgiro"), max_length=9, blank=True)
    plusgiro = models.CharField(_("plusgiro"), max_length=10, blank=True)
    uses_ocr = models.BooleanField(
        _("OCR-nummer"),
        default=False,
        help_text=_("Fakturan får ett OCR-nummer med längd- och kontrollsiffra som referens."),
    )
    contact_name = models.CharField(_("vår referens"), max_length=100, blank=True)
    contact_email = models.EmailField(_("e-post för fakturafrågor"), blank=True)
    contact_phone = models.CharField(_("telefon"), max_length=30, blank=True)
    payment_days = models.PositiveSmallIntegerField(_("betalningsvillkor (dagar)"), default=30)

    class Meta:
        verbose_name = _("faktureringsuppgifter")
        verbose_name_plural = _("faktureringsuppgifter")

    def __str__(self) -> str:
        return f"Faktureringsuppgifter {self.organisation}"

    def clean(self) -> None:
        errors = {}
        if self.bankgiro and (problem := bankgiro_problem(self.bankgiro)):
            errors["bankgiro"] = problem
        if self.plusgiro and (problem := plusgiro_problem(self.plusgiro)):
            errors["plusgiro"] = problem
        if self.uses_ocr and not (self.bankgiro or self.plusgiro):
            errors["uses_ocr"] = "OCR-nummer kräver ett bankgiro- eller plusgironummer."
        if errors:
            raise ValidationError(errors)


class RunKind(models.TextChoices):
    REGULAR = "regular", _("ordinarie")
    CORRECTION = "correction", _("rättelse")


class RunStatus(models.TextChoices):
    OPEN = "open", _("öppen för rättelse")
    RUNNING = "running", _("pågår")
    DONE = "done", _("klar")


class InvoiceRun(models.Model):
    """One seller's invoicing of one buyer for one month. The regular run locks the month
    when done; a credit note opens a correction run for the month, which the next run
    finishes (new invoices for the corrected records) and locks again."""

    seller = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("säljare")
    )
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("köpare")
    )
    month = models.DateField(_("månad"), help_text=_("Månadens första dag."))
    kind = models.CharField(_("typ"), max_length=20, choices=RunKind.choices)
    sequence = models.PositiveSmallIntegerField(_("löpnummer"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices)
    locked = models.BooleanField(_("låst"), default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    started_at = models.DateTimeField(_("startad"), default=timezone.now)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    deadline = models.DateField(_("ska vara köparen tillhanda"), null=True, blank=True)
    late = models.BooleanField(_("sen"), default=False)
    message = models.TextField(_("meddelande"), blank=True)

    class Meta:
        ordering = ["-month", "seller", "buyer", "sequence"]
        verbose_name = _("faktureringskörning")
        verbose_name_plural = _("faktureringskörningar")
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "buyer", "month", "sequence"], name="purchases_run_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Körning {self.seller} → {self.buyer} {self.month:%Y-%m} ({self.sequence})"


class InvoiceCounter(models.Model):
    """The last invoice number used by a seller; locked (select_for_update) while an invoice
    is created, so numbers are unique and without gaps per seller."""

    seller = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("fakturanummerserie")
        verbose_name_plural = _("fakturanummerserier")

    def __str__(self) -> str:
        return f"Fakturanummer {self.seller_id}: {self.last_number}"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("faktura")
    CREDIT_NOTE = "credit_note", _("kreditfaktura")


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("utställd")
    CREDITED = "credited", _("krediterad")


class Invoice(models.Model):
    run = models.ForeignKey(
        InvoiceRun, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("körning")
    )
    seller = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("säljare")
    )
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("köpare")
    )
    number = models.CharField(_("fakturanummer"), max_length=30, unique=True)
    sequence_number = models.PositiveIntegerField(_("nummer i serien"))
    kind = models.CharField(_("typ"), max_length=20, choices=InvoiceKind.choices)
    credits = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credited_by",
        verbose_name=_("krediterar"),
    )
    agreement = models.CharField(_("avtal"), max_length=40, choices=AGREEMENT_CHOICES)
    status = models.CharField(
        _("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED
    )
    issue_date = models.DateField(_("fakturadatum"))
    due_date = models.DateField(_("förfallodatum"), null=True, blank=True)
    period_start = models.DateField(_("period från"))
    period_end = models.DateField(_("period till"))
    deadline = models.DateField(_("ska vara köparen tillhanda"), null=True, blank=True)
    late = models.BooleanField(_("sen"), default=False)
    buyer_reference = models.CharField(_("köparens referens"), max_length=100, blank=True)
    contract_reference = models.CharField(_("avtal (referens)"), max_length=200, blank=True)
    note = models.TextField(_("meddelande"), blank=True)
    seller_party = models.JSONField(_("säljare vid utställandet"))
    buyer_party = models.JSONField(_("köpare vid utställandet"))
    currency = models.CharField(max_length=3, default="SEK")
    line_total_ore = models.BigIntegerField(default=0)
    rounding_ore = models.BigIntegerField(default=0)
    payable_ore = models.BigIntegerField(default=0)
    line_count = models.PositiveIntegerField(default=0)
    record_count = models.PositiveIntegerField(default=0)
    reason = models.TextField(_("skäl (kreditering)"), blank=True)
    #: The Peppol rules' warnings when it was issued (no fatal assertion, or not issued).
    peppol_warnings = models.JSONField(_("varningar från Peppols regler"), default=list, blank=True)
    #: The buyer rule's channel for individual detail, frozen when it was issued.
    detail_channel = models.CharField(
        _("underlag på individnivå"), max_length=20, default="embedded"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seller", "sequence_number"]
        verbose_name = _("faktura")
        verbose_name_plural = _("fakturor")
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "sequence_number"], name="purchases_invoice_number_per_seller"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display().capitalize()} {self.number}"

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def payable(self) -> Decimal:
        return ore_to_kronor(self.payable_ore)

    @property
    def line_total(self) -> Decimal:
        return ore_to_kronor(self.line_total_ore)


class InvoiceRate(models.Model):
    """How one group of records on an invoice was priced: the price version or the
    Försäkringskassan rate used, for which dates. Lines refer to it."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="rates")
    #: Rates with the same line key (same mode, unit, price and text) share invoice lines.
    line_key = models.PositiveIntegerField(default=1)
    payment = models.CharField(max_length=20, choices=PaymentMode.choices)
    intervention = models.CharField(max_length=40, choices=INTERVENTION_CHOICES)
    band = models.CharField(max_length=20, choices=Band.choices)
    date_from = models.DateField()
    date_to = models.DateField()
    unit = models.CharField(max_length=10, choices=PriceUnit.choices)
    unit_price_ore = models.BigIntegerField()
    price = models.ForeignKey(Price, on_delete=models.PROTECT, null=True, related_name="+")
    rate_year = models.PositiveSmallIntegerField(null=True)
    #: A rate a source's decision states (payment days at a local agreement's amount): only
    #: the records of that decision are priced by it; None: every record of the key.
    decision = models.ForeignKey(
        DecisionSnapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=200)
    source = models.CharField(max_length=400, blank=True)

    class Meta:
        verbose_name = _("tillämpat pris")
        verbose_name_plural = _("tillämpade priser")

    def __str__(self) -> str:
        return f"{self.description} ({self.unit_price_ore / 100:.2f} kr)"


class InvoicePerson(models.Model):
    """The person references on one invoice (``number`` is the seller's `PersonPseudonym`
    number, P-0001 …; invoices issued before those existed numbered per invoice) and whom
    they stand for. Shown only behind access checks; never on the invoice or its attachment."""

    invoice = models.ForeignKey(
        Invoice, db_index=False, on_delete=models.PROTECT, related_name="persons"
    )
    person = models.ForeignKey(
        "people.Person", db_index=False, on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField()

    class Meta:
        ordering = ["invoice", "number"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "number"], name="purchases_iperson_no"),
            models.UniqueConstraint(fields=["invoice", "person"], name="purchases_iperson_person"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} på faktura {self.invoice_id}"

    @property
    def ref(self) -> str:
        return person_ref(self.number)


def person_ref(number: int | None) -> str:
    return f"P-{number:04d}" if number else ""


class PersonPseudonym(models.Model):
    """The pseudonymous reference of one person at one selling (performing) organisation:
    ``P-0001``, ``P-0002`` … numbered per organisation in the order first needed, never
    reused or changed. It is what the ekonom reads instead of a name (need-to-know, PDL
    4 kap. 1–2 §§) on every page, endpoint, invoice and attachment, so a reference on a
    service record is the same as on the seller's invoices. Not derivable from the
    personnummer (a sequence); a merge leaves it as history (the records and invoices that
    carry it keep it). Written by `purchases.disclosure.pseudonym_numbers` only."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", db_index=False, on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("personreferens")
        verbose_name_plural = _("personreferenser")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person"], name="purchases_pseudonym_person"
            ),
            models.UniqueConstraint(
                fields=["organisation", "number"], name="purchases_pseudonym_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} hos {self.organisation_id}"

    @property
    def ref(self) -> str:
        return person_ref(self.number)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(
        Invoice, db_index=False, on_delete=models.PROTECT, related_name="lines"
    )
    position = models.PositiveIntegerField()
    person = models.ForeignKey(
        "people.Person",
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person_no = models.PositiveIntegerField(null=True, blank=True)
    line_key = models.PositiveIntegerField(default=0)
    rate = models.ForeignKey(
        InvoiceRate,
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
    )
    payment = models.CharField(max_length=20, choices=PaymentMode.choices)
    dispute_ref = models.CharField(max_length=64, blank=True)
    #: The buyer's unit that ordered the line's services (a line is per ordering unit, so
    #: the invoice records which units, and so which reference, it covers).
    orderer_unit = models.ForeignKey(
        Unit,
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beställande enhet"),
    )
    description = models.CharField(max_length=300)
    unit = models.CharField(max_length=10, choices=PriceUnit.choices)
    unit_price_ore = models.BigIntegerField()
    minutes = models.BigIntegerField(default=0)
    visits = models.BigIntegerField(default=0)
    record_count = models.BigIntegerField(default=0)
    amount_ore = models.BigIntegerField()
    #: The sum of the records' own amounts, and the record that takes the difference to
    #: ``amount_ore`` on the attachment (see invoicing).
    rows_ore = models.BigIntegerField(default=0)
    last_record_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="purchases_line_position"),
        ]
        indexes = [
            models.Index(fields=["invoice", "person", "line_key"], name="purchases_line_lookup"),
        ]

    def __str__(self) -> str:
        return f"Rad {self.position} på faktura {self.invoice_id}"

    @property
    def person_ref(self) -> str:
        return person_ref(self.person_no)

    @property
    def amount(self) -> Decimal:
        return ore_to_kronor(self.amount_ore)

    @property
    def unit_price(self) -> Decimal:
        return ore_to_kronor(self.unit_price_ore)


class AttachmentRow(models.Model):
    """One row of the attachment at individual level (one service record); its invoice line
    is the one with the same ``position``.

    The foreign keys are not enforced by the database (``db_constraint=False``): a run writes
    a month of rows at once with INSERT … SELECT from the records in the invoice's own
    transaction, and a million enforced keys would cost a million checks at commit (and, in
    PostgreSQL, a share lock written into every referenced record)."""

    invoice = models.ForeignKey(
        Invoice,
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="attachment_rows",
    )
    position = models.PositiveIntegerField(help_text="The position of its invoice line.")

    record = models.ForeignKey(
        ServiceRecord,
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person_no = models.PositiveIntegerField()
    service_date = models.DateField()
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    performer = models.CharField(max_length=200)
    #: The ordering unit's name at issue ("" when the record names none).
    orderer_unit = models.CharField(max_length=200, blank=True, default="")
    minutes = models.PositiveIntegerField()
    amount_ore = models.BigIntegerField()

    class Meta:
        ordering = ["invoice", "person_no", "start_at", "pk"]
        indexes = [models.Index(fields=["invoice", "person_no"], name="purchases_att_invoice")]

    def __str__(self) -> str:
        return f"Bilagerad {self.pk} på faktura {self.invoice_id}"

    @property
    def person_ref(self) -> str:
        return person_ref(self.person_no)


class InvoiceDocument(models.Model):
    """A generated file, kept once generated (generation is deterministic as well)."""

    class Kind(models.TextChoices):
        XML = "xml", _("e-faktura (Peppol BIS 3.0)")
        PDF = "pdf", _("faktura (PDF)")
        ATTACHMENT_CSV = "attachment_csv", _("bilaga (CSV)")
        ATTACHMENT_PDF = "attachment_pdf", _("bilaga (PDF)")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invoice", "kind"], name="purchases_document_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} för faktura {self.invoice_id}"


class LedgerKind(models.TextChoices):
    SPLIT = "split", _("delad lika")
    REVERSAL = "reversal", _("återförd (kreditfaktura)")
    SETTLEMENT = "settlement", _("reglering efter överenskommelse")


class LedgerSource(models.TextChoices):
    MANUAL = "manual", _("tvistad kostnad")
    SERVICE = "service", _("utförda insatser")
    SETTLEMENT = "settlement", _("överenskommelse")


class DisputeLedgerEntry(models.Model):
    """The dispute ledger (§7.7, §8: shared equally until the parties agree).

    ``amount_ore`` is what ``debtor`` owes ``creditor`` through this entry (negative only
    for a reversal by a credit note). A split entry carries the whole disputed cost in
    ``cost_ore`` and half of it in ``amount_ore``; a settlement entry the difference owed once
    the parties agree (always positive: the parties are swapped if the money goes back).
    Entries without an ``invoice_line`` are invoiced by the creditor's next run.
    """

    dispute_ref = models.CharField(_("tvistreferens"), max_length=64, db_index=True)
    kind = models.CharField(_("typ"), max_length=20, choices=LedgerKind.choices)
    source = models.CharField(_("källa"), max_length=20, choices=LedgerSource.choices)
    agreement = models.CharField(_("avtal"), max_length=40, choices=AGREEMENT_CHOICES)
    creditor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("fordringsägare")
    )
    debtor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("gäldenär")
    )
    cost_ore = models.BigIntegerField(_("tvistad kostnad (öre)"), default=0)
    amount_ore = models.BigIntegerField(_("belopp (öre)"))
    description = models.CharField(_("beskrivning"), max_length=300)
    occurred_on = models.DateField(_("datum"))
    invoice_month = models.DateField(_("faktureras månad"))
    invoice_line = models.OneToOneField(
        InvoiceLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entry",
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["dispute_ref", "created_at", "pk"]
        verbose_name = _("tvistreskontra")
        verbose_name_plural = _("tvistreskontra")
        indexes = [
            models.Index(
                fields=["creditor", "debtor", "invoice_month"], name="purchases_ledger_billing"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispute_ref} {self.get_kind_display()} {ore_to_kronor(self.amount_ore)} kr"

    @property
    def amount(self) -> Decimal:
        return ore_to_kronor(self.amount_ore)


class DetailChannel(models.TextChoices):
    """How the individual-level detail of an invoice reaches the buyer (a buyer rule)."""

    SAMVERKAN = "samverkan", _("Visas bara i Samverkan (fakturan hänvisar dit)")
    SEPARATE = "separate", _("Separat bilaga (skickas för sig, t.ex. på papper)")
    EMBEDDED = "embedded", _("Bifogad i e-fakturan")


class BuyerRule(models.Model):
    """A buyer's published rule for incoming invoices, edited in Samverkan (seeded from
    ``../shared/reference/organisations.csv`` through ``samverkan.purchases.buyers.SEEDS``;
    an organisation without a row has its seed, or the defaults)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="buyer_rule",
        verbose_name=_("fakturamottagare"),
    )
    reference_format = models.CharField(_("format för Er referens"), max_length=20, default="any")
    attachment_types = models.CharField(
        _("bilagetyper som tas emot"),
        max_length=200,
        blank=True,
        help_text=_("Tomt: alla typer. Annars t.ex. PDF, JPG, PNG."),
    )
    detail_channel = models.CharField(
        _("underlag på individnivå"),
        max_length=20,
        choices=DetailChannel.choices,
        default=DetailChannel.SAMVERKAN,
    )
    source = models.CharField(_("källa"), max_length=400, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("regel för fakturamottagare")
        verbose_name_plural = _("regler för fakturamottagare")

    def __str__(self) -> str:
        return f"Fakturaregel för {self.organisation}"


class OrderingUnitReference(models.Model):
    """The "Er referens" (BuyerReference) a buyer gives for services one of its units
    orders: invoices for those services carry it (one invoice per agreement and reference).
    Set up by an administrator or the buyer's ekonom, checked against the buyer's rule
    (``BuyerRule``) when it is saved and again when an invoice is issued."""

    unit = models.OneToOneField(
        Unit,
        on_delete=models.PROTECT,
        related_name="invoice_reference",
        verbose_name=_("beställande enhet"),
    )
    reference = models.CharField(_("Er referens"), max_length=100)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referens för beställande enhet")
        verbose_name_plural = _("referenser för beställande enheter")

    def __str__(self) -> str:
        return f"Er referens {self.reference} för {self.unit}"
