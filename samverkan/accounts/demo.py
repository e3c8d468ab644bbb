"""Synthetic demo data: both regions, all their kommuner, invented units and demo staff.

`load_demo()` is idempotent (safe on every `samverkan serve`). Every person here is invented;
the organisations are the real parties to the agreements, from samverkan.rules.regions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from samverkan.accounts.models import (
    Organisation,
    OrganisationKind,
    Role,
    StaffProfile,
    Unit,
    UnitKind,
)
from samverkan.accounts.reference import REFERENCE
from samverkan.rules import REGIONS

DEMO_PASSWORD = "samverkan-demo"

# Username part per organisation that gets demo staff -> (region id, SCB kommunkod or None).
DEMO_ORGANISATIONS: dict[str, tuple[str, str | None]] = {
    "regionjh": ("jamtland-harjedalen", None),
    "ostersund": ("jamtland-harjedalen", "2380"),
    "krokom": ("jamtland-harjedalen", "2309"),
    "regiongvb": ("gavleborg", None),
    "gavle": ("gavleborg", "2180"),
}

# A private provider ("privat utförare med avtal") with demo staff: slug -> (name, the
# contracting huvudman's slug, organisation number, its units). Invented, like the staff.
DEMO_PRIVATE_PROVIDERS: dict[str, tuple[str, str, str, list[tuple[str, UnitKind]]]] = {
    "lillsjon": (
        "Lillsjöns hälsocentral AB",
        "regionjh",
        "559900-0017",
        [
            ("Lillsjöns hälsocentral", UnitKind.PRIMARY_CARE),
            ("Ekonomi", UnitKind.FINANCE),
            ("Ledning", UnitKind.MANAGEMENT),
        ],
    ),
}
#: The roles of a private provider's demo staff (a nurse at its hälsocentral).
_PRIVATE_PROVIDER_ROLES = [Role.NURSE]

ROLE_USERNAME = {
    Role.NURSE: "ssk",
    Role.PHYSICIAN: "lakare",
    Role.OCCUPATIONAL_THERAPIST: "arbetsterapeut",
    Role.PHYSIOTHERAPIST: "fysioterapeut",
    Role.NEEDS_ASSESSOR: "bistand",
    Role.SIP_COORDINATOR: "sip",
    Role.MAS: "mas",
    Role.CHIEF_PHYSICIAN: "chefslakare",
    Role.FINANCE_OFFICER: "ekonom",
    Role.FORUM_MEMBER: "forum",
    Role.ADMINISTRATOR: "admin",
}
USERNAME_OVERRIDES = {
    (Role.FORUM_MEMBER, "regionjh"): "forum.jh",
    (Role.FORUM_MEMBER, "regiongvb"): "forum.gvb",
}

# Kommuner employ no physicians and have MAS; regions have chefsläkare and no
# biståndshandläggare. Each region + kommun pair still covers every role.
_REGION_ONLY = {Role.PHYSICIAN, Role.CHIEF_PHYSICIAN}
_MUNICIPALITY_ONLY = {Role.NEEDS_ASSESSOR, Role.MAS}

# Unit kind a role works in, per organisation kind.
_ROLE_UNIT = {
    OrganisationKind.REGION: {
        Role.NURSE: UnitKind.PRIMARY_CARE,
        Role.PHYSICIAN: UnitKind.PRIMARY_CARE,
        Role.OCCUPATIONAL_THERAPIST: UnitKind.PRIMARY_CARE,
        Role.PHYSIOTHERAPIST: UnitKind.PRIMARY_CARE,
        Role.SIP_COORDINATOR: UnitKind.PRIMARY_CARE,
        Role.CHIEF_PHYSICIAN: UnitKind.MANAGEMENT,
        Role.FINANCE_OFFICER: UnitKind.FINANCE,
        Role.FORUM_MEMBER: UnitKind.MANAGEMENT,
        Role.ADMINISTRATOR: UnitKind.MANAGEMENT,
    },
    OrganisationKind.MUNICIPALITY: {
        Role.NURSE: UnitKind.HOME_HEALTH_CARE,
        Role.OCCUPATIONAL_THERAPIST: UnitKind.HOME_HEALTH_CARE,
        Role.PHYSIOTHERAPIST: UnitKind.HOME_HEALTH_CARE,
        Role.NEEDS_ASSESSOR: UnitKind.SOCIAL_SERVICES,
        Role.SIP_COORDINATOR: UnitKind.SOCIAL_SERVICES,
        Role.MAS: UnitKind.MANAGEMENT,
        Role.FINANCE_OFFICER: UnitKind.FINANCE,
        Role.FORUM_MEMBER: UnitKind.MANAGEMENT,
        Role.ADMINISTRATOR: UnitKind.MANAGEMENT,
    },
}

# Invented unit names.
_REGION_UNITS = {
    "jamtland-harjedalen": [
        ("Hälsocentral Centrum", UnitKind.PRIMARY_CARE),
        ("Vuxenpsykiatriska mottagningen", UnitKind.ADULT_PSYCHIATRY),
        ("Ungdomspsykiatriska mottagningen (UPM)", UnitKind.YOUTH_CLINIC_UPM),
        ("Medicinkliniken", UnitKind.SPECIALIST_CARE),
        ("Ekonomienheten", UnitKind.FINANCE),
        ("Hälso- och sjukvårdsledningen", UnitKind.MANAGEMENT),
    ],
    "gavleborg": [
        ("Hälsocentral Söder", UnitKind.PRIMARY_CARE),
        ("Barn- och ungdomspsykiatrin (BUP)", UnitKind.CHILD_PSYCHIATRY_BUP),
        ("Barn- och ungdomshabiliteringen (BUH)", UnitKind.CHILD_HABILITATION_BUH),
        ("Geriatriska kliniken", UnitKind.SPECIALIST_CARE),
        ("Ekonomienheten", UnitKind.FINANCE),
        ("Hälso- och sjukvårdsledningen", UnitKind.MANAGEMENT),
    ],
}
_HOUSING_NAMES = ["Björkbacken", "Tallgården", "Solgläntan", "Lärkängen", "Granhöjden"]

_FIRST_NAMES = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Anders", "Elin",
    "Per", "Lena", "Nils", "Eva", "Olof", "Ingrid", "Jonas", "Malin", "Mats",
]  # fmt: skip
_LAST_NAMES = ["Demosson", "Testberg", "Provlund", "Exempelholm", "Fiktivström", "Övningsgren"]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    org_slug: str
    superuser: bool = False


def organisation_name(municipality: str) -> str:
    """'Östersund' -> 'Östersunds kommun', 'Åre' -> 'Åre kommun' (genitive s)."""
    suffix = "" if municipality[-1] in "aeiouyåäös" else "s"
    return f"{municipality}{suffix} kommun"


def _municipality_units(name: str, index: int) -> list[tuple[str, UnitKind]]:
    housing = _HOUSING_NAMES[index % len(_HOUSING_NAMES)]
    return [
        (f"Hemsjukvården {name}", UnitKind.HOME_HEALTH_CARE),
        (f"{housing} särskilt boende", UnitKind.SPECIAL_HOUSING),
        ("Biståndsenheten", UnitKind.SOCIAL_SERVICES),
        ("Ekonomienheten", UnitKind.FINANCE),
        ("Vård- och omsorgsförvaltningens ledning", UnitKind.MANAGEMENT),
    ]


def _roles_for(slug: str) -> list[Role]:
    is_region = DEMO_ORGANISATIONS[slug][1] is None
    excluded = _MUNICIPALITY_ONLY if is_region else _REGION_ONLY
    return [role for role in Role if role not in excluded]


def demo_users() -> list[DemoUser]:
    users = [DemoUser("admin", "Ada", "Administratörsson", Role.ADMINISTRATOR, "regionjh", True)]
    for slug in DEMO_ORGANISATIONS:
        for role in _roles_for(slug):
            n = len(users)
            username = USERNAME_OVERRIDES.get((role, slug), f"{ROLE_USERNAME[role]}.{slug}")
            first = _FIRST_NAMES[n % len(_FIRST_NAMES)]
            last = _LAST_NAMES[(n + n // len(_FIRST_NAMES)) % len(_LAST_NAMES)]  # unique pairs
            users.append(DemoUser(username, first, last, role, slug))
    for slug in DEMO_PRIVATE_PROVIDERS:
        for role in _PRIVATE_PROVIDER_ROLES:
            n = len(users)
            first = _FIRST_NAMES[n % len(_FIRST_NAMES)]
            last = _LAST_NAMES[(n + n // len(_FIRST_NAMES)) % len(_LAST_NAMES)]
            users.append(DemoUser(f"{ROLE_USERNAME[role]}.{slug}", first, last, role, slug))
    return users


def _load_identifiers() -> None:
    """Organisation number and Peppol id from the shipped reference (with their sources),
    where the organisation has none yet: never over an administrator's entry."""
    for org in Organisation.objects.filter(scb_code__in=REFERENCE):
        ref = REFERENCE[org.scb_code]
        changed = False
        if not org.org_number and ref.org_number:
            org.org_number, org.org_number_source = ref.org_number, ref.org_number_source
            changed = True
        if not org.peppol_id and ref.peppol_id:
            org.peppol_scheme, org.peppol_id = ref.peppol_scheme, ref.peppol_value
            org.peppol_id_source = ref.peppol_id_source
            changed = True
        if changed:
            org.save()


def _load_organisations() -> dict[str, Organisation]:
    by_slug: dict[str, Organisation] = {}
    for region in REGIONS.values():
        org, _ = Organisation.objects.update_or_create(
            scb_code=region.county_code,
            defaults={"name": region.name, "kind": OrganisationKind.REGION, "region": region.id},
        )
        for name, kind in _REGION_UNITS[region.id]:
            Unit.objects.get_or_create(organisation=org, name=name, defaults={"kind": kind})
        for index, (code, name) in enumerate(sorted(region.municipalities.items())):
            kommun, _ = Organisation.objects.update_or_create(
                scb_code=code,
                defaults={
                    "name": organisation_name(name),
                    "kind": OrganisationKind.MUNICIPALITY,
                    "region": region.id,
                },
            )
            for unit_name, kind in _municipality_units(name, index):
                Unit.objects.get_or_create(
                    organisation=kommun, name=unit_name, defaults={"kind": kind}
                )
    _load_identifiers()
    for slug, (region_id, kommun_code) in DEMO_ORGANISATIONS.items():
        scb_code = kommun_code or REGIONS[region_id].county_code
        by_slug[slug] = Organisation.objects.get(scb_code=scb_code)
    for slug, (name, huvudman_slug, org_number, units) in DEMO_PRIVATE_PROVIDERS.items():
        huvudman = by_slug[huvudman_slug]
        provider, _ = Organisation.objects.update_or_create(
            kind=OrganisationKind.PRIVATE_PROVIDER,
            org_number=org_number,
            defaults={"name": name, "region": huvudman.region, "contracted_by": huvudman},
        )
        for unit_name, kind in units:
            Unit.objects.get_or_create(
                organisation=provider, name=unit_name, defaults={"kind": kind}
            )
        by_slug[slug] = provider
    return by_slug


def _load_user(demo: DemoUser, org: Organisation, password_hash: str) -> None:
    user, created = get_user_model().objects.get_or_create(
        username=demo.username,
        defaults={
            "first_name": demo.first_name,
            "last_name": demo.last_name,
            # Same password for all demo users: hash once, not 50 times.
            "password": password_hash,
            "is_staff": demo.superuser,
            "is_superuser": demo.superuser,
        },
    )
    unit_kind = _ROLE_UNIT[OrganisationKind(org.huvudman_kind)][demo.role]
    unit = org.units.filter(kind=unit_kind).order_by("name").first()
    StaffProfile.objects.update_or_create(
        user=user, defaults={"organisation": org, "unit": unit, "role": demo.role}
    )


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create or refresh the demo data; returns how many rows of each kind exist."""
    organisations = _load_organisations()
    users = demo_users()
    existing = set(
        get_user_model()
        .objects.filter(username__in=[u.username for u in users])
        .values_list("username", flat=True)
    )
    password_hash = make_password(DEMO_PASSWORD) if len(existing) < len(users) else ""
    for demo in users:
        _load_user(demo, organisations[demo.org_slug], password_hash)
    return {
        "organisations": Organisation.objects.count(),
        "units": Unit.objects.count(),
        "demo_users": len(users),
    }


def _name_of(slug: str) -> str:
    region_id, code = DEMO_ORGANISATIONS[slug]
    region = REGIONS[region_id]
    return organisation_name(region.municipalities[code]) if code else region.name


def demo_users_table() -> str:
    """The Markdown table in docs/demo-users.md (a test keeps the two in step)."""
    rows = [
        "| användarnamn | namn | roll | organisation |",
        "|---|---|---|---|",
    ]
    for demo in demo_users():
        if demo.org_slug in DEMO_PRIVATE_PROVIDERS:
            name, huvudman, _number, _units = DEMO_PRIVATE_PROVIDERS[demo.org_slug]
            rows.append(
                f"| `{demo.username}` | {demo.first_name} {demo.last_name} | "
                f"{demo.role.label} | {name} (privat utförare åt {_name_of(huvudman)}) |"
            )
            continue
        org_name = _name_of(demo.org_slug)
        role = str(demo.role.label) + (" (superuser)" if demo.superuser else "")
        rows.append(
            f"| `{demo.username}` | {demo.first_name} {demo.last_name} | {role} | {org_name} |"
        )
    return "\n".join(rows) + "\n"
