"""SIP (samordnad individuell plan): the plan, the person's consent, participants and the
plan's versions.

The plan itself lives in immutable `PlanVersion` snapshots (goals, needs, actions, overall
responsibility, fasta vårdkontakter, follow-up date, and the Gävleborg checklist and risk
analysis); a revision or a follow-up is a new version. `Sip.version` is the number of the
current version and the optimistic-concurrency token: a save names the version it started
from and is refused when another save came first (see `services.save_plan`).

Read and change SIPs only through `samverkan.sip.access` and `samverkan.sip.services`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Organisation, OrganisationKind, Unit
from samverkan.core.models import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet
from samverkan.rules import FACTS


class ImmutableVersionError(AppendOnlyError):
    """A saved plan version is a snapshot: it is never changed or removed."""


_IMMUTABLE = "En sparad planversion kan inte ändras; spara en ny version."


class SipStatus(models.TextChoices):
    DRAFT = "draft", _("utkast")
    INVITED = "invited", _("kallad")
    ACTIVE = "active", _("aktiv")
    FOLLOWED_UP = "followed_up", _("uppföljd")
    CLOSED = "closed", _("avslutad")


OPEN_STATUSES = (SipStatus.DRAFT, SipStatus.INVITED, SipStatus.ACTIVE, SipStatus.FOLLOWED_UP)


class AgreementContext(models.TextChoices):
    """The agreement the SIP is made under (ids of the domain model); blank: the law only."""

    JH_HEMSJUKVARD = "jh-hemsjukvard", _("Samverkansavtal hemsjukvård (Jämtland Härjedalen)")
    JH_PRIMARVARD_KOMMUN = "jh-primarvard-kommun", _("Bilaga 2 primärvård – kommun")
    JH_PSYKISK = "jh-psykisk", _("Överenskommelse psykiska funktionsnedsättningar")
    GVB_SVART_SJUKA = "gvb-svart-sjuka", _("Svårt sjuka som vårdas i hemmet (Gävleborg)")


AGREEMENTS_BY_REGION: dict[str, tuple[str, ...]] = {
    "jamtland-harjedalen": (
        AgreementContext.JH_HEMSJUKVARD,
        AgreementContext.JH_PRIMARVARD_KOMMUN,
        AgreementContext.JH_PSYKISK,
    ),
    "gavleborg": (AgreementContext.GVB_SVART_SJUKA,),
}


def _fact_choices(name: str) -> list[tuple[str, str]]:
    spec = FACTS[name]
    return [
        (v, label) for v, label in zip(spec.values, spec.value_labels, strict=True) if v != "none"
    ]


class CompulsoryCare(models.TextChoices):
    NONE = "", _("Nej")
    OPEN_LPT = "open_lpt", _("Öppen psykiatrisk tvångsvård (öppen LPT)")
    OPEN_LRV = "open_lrv", _("Öppen rättspsykiatrisk vård (öppen LRV)")


EXTENSIVE_HOME_CARE_CHOICES = [("", _("Ingen av dessa")), *_fact_choices("extensive_home_care")]


class Sip(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="sips", verbose_name=_("person")
    )
    initiated_by_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="initiated_sips",
        verbose_name=_("initierande organisation"),
    )
    initiated_by_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("initierande enhet"),
    )
    initiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("initierad av"),
    )
    initiated_on_request_of_person = models.BooleanField(
        _("på personens egen begäran"),
        default=False,
        help_text=_("Behovet av en plan kan påkallas av den enskilde själv (hemsjukvård §6.1)."),
    )
    agreement = models.CharField(
        _("avtal"), max_length=40, choices=AgreementContext.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SipStatus.choices, default=SipStatus.DRAFT
    )
    # Mirrors of the current version, for lists and the work queue.
    overall_responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("övergripande ansvar"),
    )
    follow_up_date = models.DateField(_("uppföljning senast"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=0, help_text=_("Nummer på gällande planversion.")
    )
    discharge_approved_at = models.DateTimeField(_("klar för utskrivning"), null=True, blank=True)
    discharge_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utskrivning godkänd av"),
    )
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    # The one SIP meeting (kallelse): every invitation is to this meeting.
    meeting_at = models.DateTimeField(_("mötestid"), null=True, blank=True)
    meeting_place = models.CharField(_("mötesplats"), max_length=200, blank=True)
    meeting_link = models.URLField(_("länk till videomöte"), max_length=500, blank=True)
    # Raised at each change of time or place: the calendar file's SEQUENCE (RFC 5545 3.8.7.4).
    meeting_sequence = models.PositiveIntegerField(_("mötesändringar"), default=0)
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("SIP")
        verbose_name_plural = _("SIP:ar")
        indexes = [models.Index(fields=["status", "follow_up_date"])]

    def __str__(self) -> str:
        return f"SIP {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def region(self) -> str:
        """The region whose agreements the SIP is made under (the initiator's region for a SIP
        under the law only): its parties are the organisations the SIP's forms offer."""
        by_agreement = next(
            (r for r, ids in AGREEMENTS_BY_REGION.items() if self.agreement in ids), None
        )
        return by_agreement or self.initiated_by_organisation.region

    def offered_organisations(self) -> models.QuerySet[Organisation]:
        """The parties in the SIP's region and any organisation already invited to it."""
        invited = Organisation.objects.filter(sip_participations__sip=self)
        return (Organisation.objects.filter(region=self.region) | invited).distinct()

    def current_version(self) -> PlanVersion | None:
        return self.versions.filter(number=self.version).first() if self.version else None

    def active_consents(self) -> models.QuerySet[Consent]:
        """The consent in force: neither withdrawn nor superseded by a later one (at most one)."""
        return self.consents.filter(CONSENT_IN_FORCE)

    @property
    def has_meeting(self) -> bool:
        return self.meeting_at is not None


class ConsentGiver(models.TextChoices):
    """The basis of the SIP's sharing (HSL 16 kap. 4 §, SoL 2 kap. 7 §: a SIP is made "om den
    enskilde samtycker")."""

    PERSON = "person", _("personens eget samtycke")
    GUARDIAN = "guardian", _("vårdnadshavares samtycke för ett barn")
    # An adult who lacks capacity: no one consents in the person's place; the documented
    # assessment that the law's condition for sharing is met (never recorded as samtycke).
    ASSESSMENT = "assessment", _("bedömning: personen kan inte själv ta ställning")
    # Older records only: a god man or förvaltare cannot consent to sharing on the person's
    # behalf (their mandate does not cover the person's secrecy); new ones are refused.
    LEGAL_REPRESENTATIVE = "legal_representative", _("ställföreträdare (äldre registrering)")


class AssessmentProvision(models.TextChoices):
    """The provision whose condition an assessment for a person who cannot decide states as
    met (see README, SIP)."""

    PDL_6_3A = (
        "pdl-6-2a-3a",
        _(
            "Patientdatalagen 6 kap. 2 a och 3 a §§: personens inställning är så långt möjligt "
            "klarlagd och det finns ingen anledning att anta att personen skulle motsätta sig"
        ),
    )
    OSL_25_26 = (
        "osl-25-1-26-1",
        _(
            "Offentlighets- och sekretesslagen 25 kap. 1 § och 26 kap. 1 §: det står klart att "
            "uppgifterna i planen kan lämnas utan att personen eller någon närstående lider men"
        ),
    )


class ConsentScope(models.TextChoices):
    ALL_INVITED = "all_invited", _("alla kallade deltagare")
    LISTED = "listed", _("bara angivna organisationer")


# A consent in force: neither withdrawn nor replaced by a later one.
CONSENT_IN_FORCE = Q(withdrawn_at__isnull=True, superseded_by__isnull=True)


class Consent(models.Model):
    """The basis on which the invited organisations may see the plan: the person's consent,
    a vårdnadshavare's consent for a child, or for an adult who cannot decide the documented
    assessment that the law's condition is met (`given_by`).

    Before any active basis only the initiating organisation sees the SIP; withdrawing it
    (`withdrawn_at`) hides the plan from the others again. Never deleted.
    """

    sip = models.ForeignKey(Sip, on_delete=models.PROTECT, related_name="consents")
    given_by = models.CharField(
        _("samtycke lämnat av"), max_length=30, choices=ConsentGiver.choices
    )
    given_by_name = models.CharField(
        _("namn på vårdnadshavare/ställföreträdare"), max_length=200, blank=True
    )
    given_at = models.DateTimeField(_("lämnat"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registrerat av"),
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    scope = models.CharField(
        _("omfattning"),
        max_length=20,
        choices=ConsentScope.choices,
        default=ConsentScope.ALL_INVITED,
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("organisationer")
    )
    note = models.TextField(_("anteckning"), blank=True)
    # given_by == ASSESSMENT: who assessed (given_at: when), why, and the provision.
    assessed_by_name = models.CharField(
        _("bedömningen gjord av (namn och yrke)"), max_length=200, blank=True
    )
    assessment_reason = models.TextField(_("skäl för bedömningen"), blank=True)
    provision = models.CharField(
        _("bestämmelse"), max_length=20, choices=AssessmentProvision.choices, blank=True
    )
    withdrawn_at = models.DateTimeField(_("återkallat"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("återkallande registrerat av"),
    )
    # A newer consent (or assessment) replaces the one in force: only one basis is in force.
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("ersatt av"),
    )

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("samtycke")
        verbose_name_plural = _("samtycken")

    def __str__(self) -> str:
        return f"Samtycke {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None and self.superseded_by_id is None

    @property
    def is_consent(self) -> bool:
        """False for an assessment (the person did not consent: never shown as samtycke)."""
        return self.given_by != ConsentGiver.ASSESSMENT


class ParticipantResponse(models.TextChoices):
    PENDING = "pending", _("ej besvarad")
    ACCEPTED = "accepted", _("accepterad")
    DECLINED = "declined", _("avböjd")


class Participant(models.Model):
    """An invited organisation (and unit): the kallelse to the SIP's meeting (`Sip.meeting_at`)
    and its answer."""

    sip = models.ForeignKey(Sip, on_delete=models.PROTECT, related_name="participants")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sip_participations"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="sip_participations"
    )
    invited_at = models.DateTimeField(_("kallad"), default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    response = models.CharField(
        _("svar"),
        max_length=10,
        choices=ParticipantResponse.choices,
        default=ParticipantResponse.PENDING,
    )
    responded_at = models.DateTimeField(_("besvarad"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    response_note = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["invited_at", "pk"]
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")

    def __str__(self) -> str:
        return f"{self.unit.name if self.unit else ''} {self.organisation}".strip()


class LetterRecipient(models.TextChoices):
    PERSON = "person", _("personen själv")
    RELATIVE = "relative", _("närstående")


class LetterInvitation(models.Model):
    """The person or a närstående invited to the SIP meeting by a printed letter (they have
    no account). A närstående is invited only with the person's consent (HSL 16 kap. 4 §,
    SoL 2 kap. 7 §: the plan is made together with the person; närstående take part if the
    person wants it). The answer, when it comes by phone or post, is recorded by staff."""

    sip = models.ForeignKey(Sip, on_delete=models.PROTECT, related_name="letters")
    recipient = models.CharField(_("mottagare"), max_length=10, choices=LetterRecipient.choices)
    name = models.CharField(_("namn"), max_length=200, blank=True)
    relation = models.CharField(_("relation till personen"), max_length=100, blank=True)
    person_consents = models.BooleanField(
        _("personen vill att den närstående deltar"), default=False
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    printed_at = models.DateTimeField(_("utskriven"), null=True, blank=True)
    response = models.CharField(
        _("svar"),
        max_length=10,
        choices=ParticipantResponse.choices,
        default=ParticipantResponse.PENDING,
    )
    responded_at = models.DateTimeField(_("besvarad"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("svaret registrerat av"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("kallelse per brev")
        verbose_name_plural = _("kallelser per brev")

    def __str__(self) -> str:
        return f"Brev {self.pk}"

    @property
    def is_person(self) -> bool:
        return self.recipient == LetterRecipient.PERSON


class VersionKind(models.TextChoices):
    START = "start", _("start")
    REVISION = "revision", _("revidering")
    FOLLOW_UP = "follow_up", _("uppföljning")


class PlanVersionQuerySet(AppendOnlyQuerySet["PlanVersion"]):
    pass


class PlanVersion(AppendOnlyModel):
    """The whole plan as saved at one moment. Rows hanging off it (actions, contacts,
    checklist items, risks) are written with it and never changed afterwards."""

    append_only_error = ImmutableVersionError
    append_only_message = _IMMUTABLE

    sip = models.ForeignKey(Sip, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("typ"), max_length=20, choices=VersionKind.choices)
    based_on = models.PositiveIntegerField(_("utgick från version"), null=True, blank=True)
    goals = models.JSONField(_("mina mål (med egna ord)"), default=list, blank=True)
    needs = models.JSONField(_("behov"), default=list, blank=True)
    overall_responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("övergripande ansvar, organisation"),
    )
    overall_responsible_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("övergripande ansvar, enhet"),
    )
    overall_responsibility_note = models.CharField(
        _("övergripande ansvar, vem"), max_length=300, blank=True
    )
    follow_up_date = models.DateField(_("uppföljning senast"), null=True, blank=True)
    end_of_life = models.BooleanField(_("vård i livets slutskede"), default=False)
    discharge_from_inpatient_care = models.BooleanField(
        _("utskrivning från sluten vård"), default=False
    )
    extensive_home_care = models.CharField(
        _("omfattande hälso- och sjukvårdsinsatser i hemmet"),
        max_length=30,
        choices=EXTENSIVE_HOME_CARE_CHOICES,
        blank=True,
    )
    compulsory_care = models.CharField(
        _("öppen tvångsvård"), max_length=10, choices=CompulsoryCare.choices, blank=True
    )
    chief_physician_name = models.CharField(_("chefsöverläkare"), max_length=200, blank=True)
    follow_up_notes = models.TextField(_("uppföljning: hur har det gått"), blank=True)
    change_note = models.CharField(_("vad ändrades"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("av")
    )
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("sparad"), default=timezone.now)

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        ordering = ["sip", "-number"]
        verbose_name = _("planversion")
        verbose_name_plural = _("planversioner")
        constraints = [
            models.UniqueConstraint(fields=["sip", "number"], name="sip_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"SIP {self.sip_id} version {self.number}"


class _SnapshotRow(AppendOnlyModel):
    """A row of a plan version; `key` follows the same row from version to version."""

    append_only_error = ImmutableVersionError
    append_only_message = _IMMUTABLE
    objects = AppendOnlyQuerySet.as_manager()

    key = models.CharField(max_length=36, default=uuid.uuid4)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True


class Huvudman(models.TextChoices):
    REGION = OrganisationKind.REGION.value, _("regionen")
    MUNICIPALITY = OrganisationKind.MUNICIPALITY.value, _("kommunen")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planerad")
    IN_PROGRESS = "in_progress", _("pågår")
    DONE = "done", _("klar")
    CANCELLED = "cancelled", _("inställd")


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class Action(_SnapshotRow):
    """An insats/åtgärd in the plan: what, which huvudman and unit, by when."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField(_("insats/åtgärd"))
    huvudman = models.CharField(_("ansvarig huvudman"), max_length=20, choices=Huvudman.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhet"),
    )
    due = models.DateField(_("klart senast"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("insats i SIP")
        verbose_name_plural = _("insatser i SIP")

    def __str__(self) -> str:
        return f"Insats {self.pk}"


class NamedCareContact(_SnapshotRow):
    """A fast vårdkontakt (hemsjukvård §6.2; Gävleborg: with clear areas of responsibility)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="care_contacts")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhet"),
    )
    name_or_role = models.CharField(_("namn eller funktion"), max_length=200)
    phone = models.CharField(_("telefonnummer"), max_length=40, blank=True)
    is_physician = models.BooleanField(_("läkare"), default=False)
    responsibility = models.CharField(_("ansvarsområde"), max_length=300, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("fast vårdkontakt")
        verbose_name_plural = _("fasta vårdkontakter")

    def __str__(self) -> str:
        return f"Fast vårdkontakt {self.pk}"


class DischargeChecklistItem(_SnapshotRow):
    """One item of Gävleborg's checklist before discharge (Bilaga 1), with who/when done."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, related_name="checklist_items"
    )
    text = models.CharField(_("punkt"), max_length=300)
    done = models.BooleanField(_("klar"), default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("klarmarkerad av"),
    )
    done_at = models.DateTimeField(_("klarmarkerad"), null=True, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("checklistpunkt")
        verbose_name_plural = _("checklista före utskrivning")

    def __str__(self) -> str:
        return self.text


class Likelihood(models.IntegerChoices):
    """SKL's risk matrix (sannolikhet, 1–4)."""

    VERY_LOW = 1, _("1 – mycket liten")
    LOW = 2, _("2 – liten")
    HIGH = 3, _("3 – stor")
    VERY_HIGH = 4, _("4 – mycket stor")


class Severity(models.IntegerChoices):
    """SKL's risk matrix (konsekvens, 1–4)."""

    MINOR = 1, _("1 – mindre")
    MODERATE = 2, _("2 – måttlig")
    SIGNIFICANT = 3, _("3 – betydande")
    CATASTROPHIC = 4, _("4 – katastrofal")


class RiskAnalysisItem(_SnapshotRow):
    """One risk of the riskanalys per SKL's template: risk, consequence, probability and
    severity (risk value = their product, 1–16), measures, owner and when."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="risks")
    risk = models.TextField(_("risk (vad kan hända)"))
    consequence = models.TextField(_("konsekvens"))
    likelihood = models.PositiveSmallIntegerField(_("sannolikhet"), choices=Likelihood.choices)
    severity = models.PositiveSmallIntegerField(_("allvarlighetsgrad"), choices=Severity.choices)
    measures = models.TextField(_("åtgärder"), blank=True)
    owner = models.CharField(_("ansvarig"), max_length=200, blank=True)
    due = models.DateField(_("klart senast"), null=True, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("risk")
        verbose_name_plural = _("riskanalys")

    def __str__(self) -> str:
        return f"Risk {self.pk}"

    @property
    def risk_value(self) -> int:
        return int(self.likelihood) * int(self.severity)
