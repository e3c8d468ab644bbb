"""Organisations (regions and kommuner), their units, staff and API tokens."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.reference import ENTERED, OWN_PAGE, SOURCE_CHOICES, SOURCE_LABELS
from samverkan.core.payment_ids import peppol_participant_problem
from samverkan.rules import REGIONS, region_of_municipality

REGION_CHOICES = [(region.id, region.name) for region in REGIONS.values()]


class OrganisationKind(models.TextChoices):
    REGION = "region", _("region")
    MUNICIPALITY = "municipality", _("kommun")
    #: A private provider ("privat utförare med avtal", HSL 2017:30 15 kap. 1 §, SoL 2 kap.
    #: 5 §): its own vårdgivare, contracted by a huvudman (a region or a kommun).
    PRIVATE_PROVIDER = "private_provider", _("privat utförare")


#: The kinds that are huvudman (a party to the agreements).
HUVUDMAN_KINDS = (OrganisationKind.REGION, OrganisationKind.MUNICIPALITY)


def acting_as(kind: str, prefix: str = "") -> models.Q:
    """Organisations that act as a huvudman of ``kind`` (region or municipality): the
    huvudman itself and the private providers it contracted. ``prefix`` names the path to
    the organisation in a query (e.g. ``"organisation__"``)."""
    return models.Q(**{f"{prefix}kind": kind}) | models.Q(
        **{
            f"{prefix}kind": OrganisationKind.PRIVATE_PROVIDER,
            f"{prefix}contracted_by__kind": kind,
        }
    )


def acting_for(organisation_id: int) -> list[int]:
    """The organisation and the private providers it contracted: one seller in invoicing
    (a private provider's services are invoiced by its huvudman)."""
    providers = Organisation.objects.filter(contracted_by_id=organisation_id)
    return [organisation_id, *providers.order_by("pk").values_list("pk", flat=True)]


class Organisation(models.Model):
    """A vårdgivare: a region (scb_code = länskod), a kommun (kommunkod) or a private
    provider contracted by one of them (no SCB code; ``contracted_by`` is its huvudman).

    Access is decided per organisation (a private provider's staff reach their own
    vårdgivare's records only); where the agreements need a huvudman (SIP parties,
    responsibility, disputes, invoicing, follow-up), ask ``huvudman``, never ``kind``."""

    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=OrganisationKind.choices)
    scb_code = models.CharField(
        _("SCB-kod"),
        max_length=4,
        blank=True,
        validators=[
            RegexValidator(r"^\d{2}(\d{2})?$", _("Två (län) eller fyra (kommun) siffror."))
        ],
        help_text=_("Kommunkod för kommuner, länskod för regioner; tom för en privat utförare."),
    )
    region = models.CharField(_("region"), max_length=40, choices=REGION_CHOICES)
    contracted_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="private_providers",
        verbose_name=_("huvudman"),
        help_text=_("För en privat utförare: regionen eller kommunen som den har avtal med."),
    )
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
    #: The organisation's HSA-id (Inera's HSA: "SE" + organisationsnummer + "-" + a local
    #: part), exported as the FHIR Organization's PRN identifier where known.
    hsa_id = models.CharField(
        _("HSA-id"),
        max_length=31,
        blank=True,
        validators=[
            RegexValidator(
                r"^SE\d{10}-[0-9A-Za-z]{1,18}$",
                _(
                    "HSA-id: SE, organisationsnumrets tio siffror, bindestreck och en lokal del "
                    "(t.ex. SE2321000214-E000000000001)."
                ),
            )
        ],
    )
    street_address = models.CharField(_("postadress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=6, blank=True)
    city = models.CharField(_("postort"), max_length=100, blank=True)
    # Where the identifiers come from (samverkan.accounts.reference) and who confirmed them:
    # an invoice to this organisation needs a confirmation unless both are from its own page.
    org_number_source = models.CharField(
        _("källa för organisationsnummer"),
        max_length=12,
        choices=SOURCE_CHOICES,
        default=ENTERED,
    )
    peppol_id_source = models.CharField(
        _("källa för Peppol-id"), max_length=12, choices=SOURCE_CHOICES, default=ENTERED
    )
    identifiers_confirmed_at = models.DateTimeField(
        _("identifierare bekräftade"), null=True, blank=True
    )
    identifiers_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bekräftade av"),
    )

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
            models.UniqueConstraint(
                fields=["scb_code"],
                condition=~models.Q(scb_code=""),
                name="accounts_organisation_scb_code_unique",
            ),
            # A huvudman has an SCB code and no huvudman; a private provider the reverse.
            models.CheckConstraint(
                condition=(
                    models.Q(kind="private_provider", scb_code="", contracted_by__isnull=False)
                    | (
                        models.Q(kind__in=["region", "municipality"], contracted_by__isnull=True)
                        & ~models.Q(scb_code="")
                    )
                ),
                name="accounts_organisation_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        """A changed organisation number or Peppol id loses its confirmation (unless the
        same save records a new confirmation)."""
        if self.pk and self.identifiers_confirmed_at is not None:
            old = (
                type(self)
                .objects.filter(pk=self.pk)
                .values_list("org_number", "peppol_scheme", "peppol_id", "identifiers_confirmed_at")
                .first()
            )
            changed = old is not None and old[:3] != (
                self.org_number,
                self.peppol_scheme,
                self.peppol_id,
            )
            if changed and old is not None and old[3] == self.identifiers_confirmed_at:
                self.identifiers_confirmed_at = None
                self.identifiers_confirmed_by = None
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_private_provider(self) -> bool:
        return self.kind == OrganisationKind.PRIVATE_PROVIDER

    @property
    def huvudman(self) -> Organisation:
        """The region or kommun this organisation acts for in the agreements: itself, or a
        private provider's contracting huvudman."""
        if self.kind == OrganisationKind.PRIVATE_PROVIDER and self.contracted_by is not None:
            return self.contracted_by
        return self

    @property
    def huvudman_kind(self) -> str:
        """``region`` or ``municipality``: the kind of the huvudman it acts for."""
        return str(self.huvudman.kind)

    @property
    def is_region(self) -> bool:
        """A region, or a private provider acting for one (huvudman logic)."""
        return self.huvudman_kind == OrganisationKind.REGION

    @property
    def is_municipality(self) -> bool:
        """A kommun, or a private provider acting for one (huvudman logic)."""
        return self.huvudman_kind == OrganisationKind.MUNICIPALITY

    @property
    def code(self) -> str:
        """A stable short reference: the SCB code, or (private provider) its org number."""
        return self.scb_code or self.org_number.replace("-", "") or f"org{self.pk}"

    def unverified_identifiers(self) -> list[str]:
        """The identifiers an invoice to this organisation would carry that are not from its
        own page (Swedish labels); empty when confirmed by an administrator."""
        if self.identifiers_confirmed_at is not None:
            return []
        names = []
        if self.org_number and self.org_number_source != OWN_PAGE:
            names.append(f"organisationsnumret ({SOURCE_LABELS[self.org_number_source]})")
        if self.peppol_id and self.peppol_id_source != OWN_PAGE:
            names.append(f"Peppol-id ({SOURCE_LABELS[self.peppol_id_source]})")
        return names

    def clean(self) -> None:
        if self.peppol_id and (
            problem := peppol_participant_problem(self.peppol_scheme or "0007", self.peppol_id)
        ):
            raise ValidationError({"peppol_id": problem})
        if self.kind == OrganisationKind.PRIVATE_PROVIDER:
            self._clean_private_provider()
            return
        if self.contracted_by_id is not None:
            raise ValidationError({"contracted_by": _("Bara en privat utförare har en huvudman.")})
        if not self.scb_code:
            raise ValidationError({"scb_code": _("Ange SCB-koden (läns- eller kommunkod).")})
        expected_len = 2 if self.kind == OrganisationKind.REGION else 4
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
            self.kind == OrganisationKind.REGION
            and self.region in REGIONS
            and REGIONS[self.region].county_code != self.scb_code
        )
        if wrong_county:
            raise ValidationError({"scb_code": _("Länskoden stämmer inte med regionen.")})

    def _clean_private_provider(self) -> None:
        errors: dict[str, object] = {}
        if self.scb_code:
            errors["scb_code"] = _("En privat utförare har ingen egen SCB-kod; lämna fältet tomt.")
        huvudman = self.contracted_by
        if huvudman is None:
            errors["contracted_by"] = _(
                "Ange huvudmannen (regionen eller kommunen) som den privata utföraren har avtal med."
            )
        elif huvudman.kind not in HUVUDMAN_KINDS:
            errors["contracted_by"] = _("Huvudmannen måste vara en region eller en kommun.")
        elif huvudman.region != self.region:
            errors["region"] = _("Den privata utföraren hör till huvudmannens region.")
        if not self.org_number:
            errors["org_number"] = _("Ange den privata utförarens organisationsnummer.")
        if errors:
            raise ValidationError(errors)


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

    @property
    def fact_code(self) -> str:
        """The unit as the rules' fact ``listed_health_centre`` names it: its HSA-id, or
        while it has none recorded Samverkan's own id (``enhet-<id>``)."""
        return self.hsa_id.strip() or f"enhet-{self.pk}"

    @classmethod
    def by_fact_code(cls, code: str) -> Unit | None:
        """The unit a ``fact_code`` names, if any."""
        if code.startswith("enhet-") and code[6:].isdigit():
            return cls.objects.filter(pk=int(code[6:]), hsa_id="").first()
        return cls.objects.filter(hsa_id=code).first() if code else None


def health_centres() -> list[tuple[str, str]]:
    """(fact code, name) of every hälsocentral a person can be listed at (the rules' fact
    ``listed_health_centre``): the primary-care units of the regions and of the private
    providers acting for them."""
    units = Unit.objects.filter(
        acting_as(OrganisationKind.REGION, "organisation__"), kind=UnitKind.PRIMARY_CARE
    )
    return [(u.fact_code, u.name) for u in units.order_by("name", "pk")]


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


# --- Single sign-on (SAML2; samverkan.accounts.saml) ----------------------------------------


class ExternalIdentity(models.Model):
    """Who a user is at the identity providers: the HSA-id for care staff, else the IdP's
    NameID. Created on the first SAML login (which provisions the account)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_identity",
        verbose_name=_("användare"),
    )
    idp = models.CharField(_("identitetsutfärdare"), max_length=255)
    subject = models.CharField(_("identitet hos utfärdaren"), max_length=255)
    hsa_id = models.CharField(_("HSA-id"), max_length=64, blank=True)
    commission_hsa_id = models.CharField(_("medarbetaruppdrag"), max_length=64, blank=True)
    commission_purpose = models.CharField(_("syfte"), max_length=100, blank=True)
    last_login = models.DateTimeField(_("senaste inloggning"), null=True, blank=True)

    class Meta:
        verbose_name = _("extern identitet")
        verbose_name_plural = _("externa identiteter")
        constraints = [
            models.UniqueConstraint(fields=["idp", "subject"], name="accounts_identity_unique"),
            models.UniqueConstraint(
                fields=["hsa_id"],
                condition=~models.Q(hsa_id=""),
                name="accounts_identity_hsa_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.hsa_id or self.subject


class SsoRoleMapping(models.Model):
    """The administrator's table: who logs in without a care commission (ekonom, forum
    member, politician, social services), and as which organisation, unit and role. A row
    for a care user's HSA-id sets the role (e.g. MAS) while the commission sets the unit."""

    idp = models.CharField(
        _("identitetsutfärdare"),
        max_length=255,
        blank=True,
        help_text=_("Utfärdarens entity id. Tomt: alla anslutna utfärdare."),
    )
    subject = models.CharField(
        _("identitet"),
        max_length=255,
        help_text=_("HSA-id eller det användar-id som utfärdaren skickar."),
    )
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
    role = models.CharField(_("roll"), max_length=40, choices=Role.choices)
    active = models.BooleanField(_("gäller"), default=True)

    class Meta:
        ordering = ["organisation__name", "subject"]
        verbose_name = _("inloggningskoppling")
        verbose_name_plural = _("inloggningskopplingar")
        constraints = [
            models.UniqueConstraint(fields=["idp", "subject"], name="accounts_sso_mapping_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} – {self.get_role_display()}, {self.organisation}"

    def clean(self) -> None:
        if self.unit_id and self.unit and self.unit.organisation_id != self.organisation_id:
            raise ValidationError({"unit": _("Enheten hör inte till organisationen.")})
