"""The discharge room: a stay (vårdtillfälle) in inpatient care and the notices of Lag
(2017:612) om samverkan vid utskrivning från sluten hälso- och sjukvård.

A `Stay` is one inpatient stay of one person at one of the region's inpatient units, with the
kommun concerned. Its events are `Notice`s (append-only: inskrivningsmeddelande to each
receiver, planning answers, fast vårdkontakt appointed, preliminary discharge date,
utskrivningsklar, discharge, death, §7.6 reports), each with the time it was sent, where it came
from (Samverkan's board, the API, a FHIR resource or a file from the region's own tool) and the
source's identifier, so that an import is idempotent and the source is kept. The `Stay`'s
timestamps mirror its notices for the board.

Read and change stays only through `samverkan.discharge.access` and `.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

import samverkan.rules as rules
from samverkan.accounts.models import REGION_CHOICES, Organisation, Unit
from samverkan.core.models import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet


class NoticeHistoryError(AppendOnlyError):
    """A recorded notice is history: it is never changed or removed."""


class CareType(models.TextChoices):
    SOMATIC = "somatic", _("somatisk vård")
    PSYCHIATRIC = "psychiatric", _("psykiatrisk vård")


class StayStatus(models.TextChoices):
    ADMITTED = "admitted", _("inskriven")
    PLANNED = "planned", _("planering pågår")
    READY = "ready", _("utskrivningsklar")
    DISCHARGED = "discharged", _("utskriven")
    DIED = "died", _("avliden")


OPEN_STATUSES = (StayStatus.ADMITTED, StayStatus.PLANNED, StayStatus.READY)


class Source(models.TextChoices):
    BOARD = "board", _("Samverkans utskrivningstavla")
    API = "api", _("API")
    FHIR = "fhir", _("FHIR från journalsystemet")
    FILE = "file", _("fil från regionens planeringsverktyg")


class DischargeTool(models.TextChoices):
    """Where a region's notices come from (one system per region: notices kept in two
    systems are a patient-safety risk)."""

    BOARD = "board", _("Samverkans utskrivningstavla")
    OWN_TOOL = "own_tool", _("regionens eget planeringsverktyg (import)")


class RegionDischargeSetting(models.Model):
    region = models.CharField(_("region"), max_length=40, choices=REGION_CHOICES, unique=True)
    tool = models.CharField(
        _("utskrivningsverktyg"),
        max_length=20,
        choices=DischargeTool.choices,
        default=DischargeTool.BOARD,
        help_text=_(
            "Eget verktyg: regionens meddelanden kommer bara genom import (FHIR eller fil); "
            "tavlan visar dem men tar inte emot regionens meddelanden."
        ),
    )

    class Meta:
        verbose_name = _("inställning för utskrivning")
        verbose_name_plural = _("inställningar för utskrivning")

    def __str__(self) -> str:
        return f"{self.get_region_display()}: {self.get_tool_display()}"


class Stay(models.Model):
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="discharge_stays",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("slutenvårdsenhet")
    )
    municipality = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    care_type = models.CharField(_("vårdform"), max_length=20, choices=CareType.choices)
    admitted_at = models.DateTimeField(_("inskriven"))
    needs_municipal_insatser = models.BooleanField(
        _("bedöms behöva kommunens insatser efter utskrivning"), null=True, blank=True
    )
    from_regional_care = models.BooleanField(
        _("regionsjukvård"),
        default=False,
        help_text=_("Högspecialiserad vård vid regionsjukhus (hemsjukvård §7.6)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=StayStatus.choices, default=StayStatus.ADMITTED
    )
    preliminary_discharge_on = models.DateField(
        _("preliminärt utskrivningsdatum"), null=True, blank=True
    )
    ready_at = models.DateTimeField(_("utskrivningsklar"), null=True, blank=True)
    discharged_at = models.DateTimeField(_("utskriven"), null=True, blank=True)
    died_at = models.DateTimeField(_("avled"), null=True, blank=True)
    # Fast vårdkontakt in open care (hemsjukvård §6.2).
    care_contact_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fast vårdkontakt, enhet"),
    )
    care_contact_name = models.CharField(_("fast vårdkontakt"), max_length=200, blank=True)
    care_contact_is_physician = models.BooleanField(_("fast vårdkontakt är läkare"), default=False)
    # The engine's decisions for the expected insatser, kept as they were at utskrivningsklar.
    decision_snapshot = models.JSONField(_("beslut vid utskrivningsklar"), default=list, blank=True)
    sip = models.ForeignKey(
        "sip.Sip",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SIP"),
    )
    source = models.CharField(_("källa"), max_length=10, choices=Source.choices)
    source_id = models.CharField(_("källans id"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["-admitted_at", "pk"]
        verbose_name = _("vårdtillfälle")
        verbose_name_plural = _("vårdtillfällen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_id"],
                condition=~models.Q(source_id=""),
                name="discharge_stay_source_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "unit", "status"]),
            models.Index(fields=["municipality", "status"]),
            # The invoice source's read of a pair and month (`invoicing._candidate_filter`):
            # the region's stays of one kommun, utskrivningsklar by the month's end, of those
            # that need the kommun's insatser (a partial index: the query's own condition).
            models.Index(
                fields=["organisation", "municipality", "ready_at"],
                condition=models.Q(needs_municipal_insatser=True),
                name="discharge_stay_pair_ready",
            ),
        ]

    def __str__(self) -> str:
        return f"Vårdtillfälle {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class NoticeKind(models.TextChoices):
    ADMISSION = "admission", _("inskrivningsmeddelande")
    PLANNING_ANSWER = "planning_answer", _("svar på inskrivningsmeddelande")
    CARE_CONTACT = "care_contact", _("fast vårdkontakt utsedd")
    PRELIMINARY_DATE = "preliminary_date", _("preliminärt utskrivningsdatum")
    READY = "ready", _("meddelande om utskrivningsklar")
    DISCHARGE = "discharge", _("meddelande om utskrivning")
    DEATH = "death", _("meddelande om dödsfall")
    HOME_WITHOUT_CARE_CONTACT = (
        "home_without_care_contact",
        _("hemkommen från regionsjukvård utan fast vårdkontakt"),
    )


class Receiver(models.TextChoices):
    """The receivers of an inskrivningsmeddelande (Lag 2017:612 4 kap. 1 §)."""

    MUNICIPAL_SOCIAL_SERVICES = "municipal_social_services", _("kommunens socialtjänst")
    MUNICIPAL_HEALTH_CARE = "municipal_health_care", _("kommunens hälso- och sjukvård")
    REGION_OPEN_CARE = "region_open_care", _("regionens öppenvård")


class Notice(AppendOnlyModel):
    append_only_error = NoticeHistoryError
    append_only_message = "Ett registrerat meddelande kan inte ändras eller tas bort."

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("meddelande"), max_length=40, choices=NoticeKind.choices)
    sent_at = models.DateTimeField(_("skickat"))
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    sender = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("avsändare")
    )
    sender_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiver = models.CharField(_("mottagare"), max_length=40, choices=Receiver.choices, blank=True)
    receiver_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiver_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("text"), blank=True)
    insatser = models.JSONField(_("förväntade insatser"), default=list, blank=True)
    source = models.CharField(_("källa"), max_length=10, choices=Source.choices)
    source_id = models.CharField(_("källans id"), max_length=200, blank=True)
    payload = models.JSONField(_("källans innehåll"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("meddelande")
        verbose_name_plural = _("meddelanden")
        constraints = [
            models.UniqueConstraint(
                fields=["stay", "source_id"],
                condition=~models.Q(source_id=""),
                name="discharge_notice_source_id_unique",
            ),
        ]

    @property
    def late(self) -> bool:
        """An inskrivningsmeddelande sent later than the law's time after admission (Lag
        2017:612 4 kap. 1 §, the dated parameter ``admission_notice_within_hours``)."""
        return self.kind == NoticeKind.ADMISSION and rules.admission_notice_late(
            self.stay.admitted_at, self.sent_at
        )


class ConsentGiver(models.TextChoices):
    """The basis for sharing the planning basis across huvudmän: the same bases as a SIP's."""

    PERSON = "person", _("personens eget samtycke")
    GUARDIAN = "guardian", _("vårdnadshavares samtycke för ett barn")
    ASSESSMENT = "assessment", _("bedömning: personen kan inte själv ta ställning")


class PlanningConsent(models.Model):
    """The basis on which the receivers of other huvudmän see the planning basis. Never
    deleted; `withdrawn_at` ends it."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="consents")
    given_by = models.CharField(_("lämnat av"), max_length=20, choices=ConsentGiver.choices)
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="+")
    all_receivers = models.BooleanField(_("alla mottagare"), default=True)
    note = models.TextField(_("anteckning"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("återkallat"), null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"Samtycke {self.pk} för vårdtillfälle {self.stay_id}"


class PlanningEntry(AppendOnlyModel):
    """The planning basis (planeringsunderlag), one entry per writing organisation and time."""

    append_only_error = NoticeHistoryError
    append_only_message = "Planeringsunderlaget kan bara läggas till."

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="planning")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("planeringsunderlag"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["written_at", "pk"]


class TaskKind(models.TextChoices):
    ANSWER_ADMISSION = "answer_admission", _("Besvara inskrivningsmeddelande")
    APPOINT_CARE_CONTACT = "appoint_care_contact", _("Utse fast vårdkontakt")
    CALL_SIP = "call_sip", _("Kalla till SIP efter utskrivning")
    CARE_CONTACT_MISSING = (
        "care_contact_missing",
        _("Hemkommen från regionsjukvård utan fast vårdkontakt"),
    )


class StayTask(models.Model):
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(_("uppgift"), max_length=40, choices=TaskKind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due = models.DateField(_("senast"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (vårdtillfälle {self.stay_id})"


class StayDispute(models.Model):
    """A dispute about a stay's days of betalningsansvar (opened in the deviations room's
    dispute handling, `samverkan.discharge.invoicing.dispute_payment_days`). While the
    dispute is open the days it covers are left out of the invoice runs — ``month``'s days
    when it names a month, else the whole stay's; its decision's cost bearer settles them
    (the region: not invoiced; otherwise invoiced)."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="disputes")
    dispute = models.OneToOneField("deviations.Dispute", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("månad"), null=True, blank=True)
    opened_at = models.DateTimeField(_("öppnad"), auto_now_add=True)

    class Meta:
        ordering = ["opened_at", "pk"]
        verbose_name = _("tvist om betalningsansvar")
        verbose_name_plural = _("tvister om betalningsansvar")

    def __str__(self) -> str:
        return f"Tvist {self.dispute_id} om vårdtillfälle {self.stay_id}"


class LocalTermsHistoryError(AppendOnlyError):
    """A version of local discharge terms, or its confirmation, cannot be changed."""


class LocalTermsVersion(AppendOnlyModel):
    """One version of a local discharge agreement's terms (Lag 2017:612 5 kap.: "from the
    time the parties agreed"), entered by one party, overriding the law's defaults from
    ``valid_from`` for the region's stays (``municipality`` empty) or one kommun's. History
    is never edited: a change is a new version from a date. ``terms`` is the mapping of
    ``rules.discharge_terms`` (cutoff, days_after_notice, count_from_day_zero,
    count_discharge_day, average_days_per_month, amount_per_day); unverified until the other
    party confirms it (``LocalTermsConfirmation``)."""

    append_only_error = LocalTermsHistoryError
    append_only_message = (
        "En version av de lokala villkoren ändras inte: lägg in en ny version från ett datum."
    )

    region = models.CharField(_("region"), max_length=40, choices=REGION_CHOICES)
    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kommun (tom: alla kommuner i regionen)"),
    )
    valid_from = models.DateField(_("gäller från"))
    name = models.CharField(_("överenskommelsens namn"), max_length=200)
    source = models.CharField(_("var texten finns"), max_length=500, blank=True)
    terms = models.JSONField(_("villkor"), default=dict)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("inlagd"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["region", "valid_from", "pk"]
        verbose_name = _("lokala villkor för utskrivning")
        verbose_name_plural = _("lokala villkor för utskrivning")

    def __str__(self) -> str:
        return f"{self.name} (från {self.valid_from.isoformat()})"


class LocalTermsConfirmation(AppendOnlyModel):
    """The other party's confirmation that a version matches the signed text: it flips the
    version from unverified to verified for the confirming party. One per version and
    confirming organisation: a version for one kommun has one (the other party's); a
    region-wide version entered by the region is confirmed by each kommun for itself, and
    counts as verified for a kommun only once that kommun confirmed it."""

    append_only_error = LocalTermsHistoryError

    version = models.ForeignKey(
        LocalTermsVersion, on_delete=models.PROTECT, related_name="confirmations"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("bekräftad"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "confirmed_by_organisation"],
                name="discharge_local_terms_confirmed_once_per_party",
            )
        ]
