"""Organisations (regions and kommuner), their units, staff and API tokens."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.rules import REGIONS, region_of_municipality

REGION_CHOICES = [(region.id, region.name) for region in REGIONS.values()]


class OrganisationKind(models.TextChoices):
    REGION = "region", _("region")
    MUNICIPALITY = "municipality", _("kommun")


class Organisation(models.Model):
    """A party to the agreements: a region (scb_code = länskod) or a kommun (kommunkod)."""

    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=OrganisationKind.choices)
    scb_code = models.CharField(
        _("SCB-kod"),
        max_length=4,
        unique=True,
        validators=[
            RegexValidator(r"^\d{2}(\d{2})?$", _("Två (län) eller fyra (kommun) siffror."))
        ],
        help_text=_("Kommunkod för kommuner, länskod för regioner."),
    )
    region = models.CharField(_("region"), max_length=40, choices=REGION_CHOICES)
    org_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        blank=True,
        validators=[RegexValidator(r"^\d{6}-?\d{4}$", _("Format: NNNNNN-NNNN."))],
    )
    peppol_scheme = models.CharField(
        _("Peppol-schema"),
        max_length=4,
        blank=True,
        help_text=_("T.ex. 0007 (organisationsnummer)."),
    )
    peppol_id = models.CharField(_("Peppol-id"), max_length=60, blank=True)
    invoice_reference = models.CharField(_("fakturareferens"), max_length=100, blank=True)
    street_address = models.CharField(_("postadress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=6, blank=True)
    city = models.CharField(_("postort"), max_length=100, blank=True)

    class Meta:
        ordering = ["region", "kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                condition=models.Q(kind="region"),
                name="accounts_one_organisation_per_region",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_region(self) -> bool:
        return self.kind == OrganisationKind.REGION

    def clean(self) -> None:
        expected_len = 2 if self.is_region else 4
        if self.scb_code and len(self.scb_code) != expected_len:
            raise ValidationError({"scb_code": _("Fel längd på SCB-koden för denna typ.")})
        in_wrong_region = (
            self.kind == OrganisationKind.MUNICIPALITY
            and self.scb_code
            and region_of_municipality(self.scb_code) != self.region
        )
        if in_wrong_region:
            raise ValidationError({"scb_code": _("Kommunen hör inte till vald region.")})
        wrong_county = (
            self.is_region
            and self.region in REGIONS
            and REGIONS[self.region].county_code != self.scb_code
        )
        if wrong_county:
            raise ValidationError({"scb_code": _("Länskoden stämmer inte med regionen.")})


class UnitKind(models.TextChoices):
    # Values match the domain model's `region_unit` where the two overlap.
    PRIMARY_CARE = "primary_care", _("hälsocentral")
    HOME_HEALTH_CARE = "home_health_care", _("hemsjukvård")
    SPECIAL_HOUSING = "special_housing", _("särskilt boende")
    ADULT_PSYCHIATRY = "adult_psychiatry", _("psykiatri/vuxenpsykiatri")
    YOUTH_CLINIC_UPM = "youth_clinic_upm", _("UPM (ungdomspsykiatrisk mottagning)")
    CHILD_PSYCHIATRY_BUP = "child_psychiatry_bup", _("BUP (barn- och ungdomspsykiatri)")
    CHILD_HABILITATION_BUH = "child_habilitation_buh", _("BUH (barn- och ungdomshabilitering)")
    SOCIAL_SERVICES = "social_services", _("socialtjänst/biståndshandläggning")
    SPECIALIST_CARE = "specialist_care", _("sjukhus/specialistvård")
    FINANCE = "finance", _("ekonomi")
    MANAGEMENT = "management", _("ledning")


class Unit(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=40, choices=UnitKind.choices)
    hsa_id = models.CharField(_("HSA-id"), max_length=64, blank=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="accounts_unit_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Role(models.TextChoices):
    NURSE = "nurse", _("sjuksköterska")
    PHYSICIAN = "physician", _("läkare")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("arbetsterapeut")
    PHYSIOTHERAPIST = "physiotherapist", _("fysioterapeut")
    NEEDS_ASSESSOR = "needs_assessor", _("biståndshandläggare")
    SIP_COORDINATOR = "sip_coordinator", _("SIP-samordnare")
    MAS = "mas", _("MAS (medicinskt ansvarig sjuksköterska)")
    CHIEF_PHYSICIAN = "chief_physician", _("chefsläkare")
    FINANCE_OFFICER = "finance_officer", _("ekonom")
    FORUM_MEMBER = "forum_member", _("forumsledamot")
    ADMINISTRATOR = "administrator", _("administratör")


# Legitimerad hälso- och sjukvårdspersonal.
LICENSED_ROLES = frozenset(
    {
        Role.NURSE,
        Role.PHYSICIAN,
        Role.OCCUPATIONAL_THERAPIST,
        Role.PHYSIOTHERAPIST,
        Role.MAS,
        Role.CHIEF_PHYSICIAN,
    }
)


def is_licensed(role: str | None) -> bool:
    """True for legitimerad hälso- och sjukvårdspersonal."""
    return role in LICENSED_ROLES


class Verksamhet(models.TextChoices):
    """The activity whose records a member of staff works in. Health care (HSL, documented
    under Patientdatalagen 2008:355) and social services (SoL/LSS, documented under lag
    2001:454, secrecy by OSL 26 kap.) are separate verksamheter; OSL 8 kap. 2 § keeps secrecy
    between them even inside one kommun."""

    HEALTH_CARE = "health_care", _("hälso- och sjukvård")
    SOCIAL_SERVICES = "social_services", _("socialtjänst")


# Roles that work in health care by their profession; the needs assessor works in social
# services; a SIP coordinator works where the unit is; the rest reach no records by a care
# relation (ekonom: invoicing; forum member: aggregates; administrator: log control).
_HEALTH_CARE_ROLES = LICENSED_ROLES


def verksamhet_of(role: str | None, unit_kind: str | None = None) -> str | None:
    """The verksamhet a role works in (a SIP coordinator: by the unit's kind), else None."""
    if role in _HEALTH_CARE_ROLES:
        return Verksamhet.HEALTH_CARE
    if role == Role.NEEDS_ASSESSOR:
        return Verksamhet.SOCIAL_SERVICES
    if role == Role.SIP_COORDINATOR:
        if unit_kind == UnitKind.SOCIAL_SERVICES:
            return Verksamhet.SOCIAL_SERVICES
        return Verksamhet.HEALTH_CARE
    return None


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("användare"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="staff", verbose_name=_("organisation")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("enhet"),
    )
    role = models.CharField(_("roll"), max_length=40, choices=Role.choices)

    class Meta:
        verbose_name = _("personalprofil")
        verbose_name_plural = _("personalprofiler")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.organisation}"

    @property
    def is_licensed(self) -> bool:
        return is_licensed(self.role)

    @property
    def verksamhet(self) -> str | None:
        """The verksamhet whose records this member of staff works in (None: none)."""
        return verksamhet_of(self.role, self.unit.kind if self.unit_id and self.unit else None)

    def clean(self) -> None:
        if self.unit_id and self.unit and self.unit.organisation_id != self.organisation_id:
            raise ValidationError({"unit": _("Enheten hör inte till organisationen.")})


class TokenScope(models.TextChoices):
    READ = "read", _("läsa")
    WRITE = "write", _("läsa och skriva")


def default_token_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.SAMVERKAN_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 hash is stored; see services.create_token.

    It ends at `expires`, and when its user changes password or is deactivated
    (accounts.signals); a `read` token may only read (GET/HEAD/OPTIONS).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("användare"),
    )
    name = models.CharField(_("namn"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("början av token"),
        max_length=12,
        editable=False,
        help_text=_("För att känna igen token."),
    )
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    last_used = models.DateTimeField(_("senast använd"), null=True, blank=True)
    expires = models.DateTimeField(_("giltig till"), default=default_token_expiry)
    scope = models.CharField(
        _("behörighet"), max_length=10, choices=TokenScope.choices, default=TokenScope.WRITE
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API-token")
        verbose_name_plural = _("API-token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
