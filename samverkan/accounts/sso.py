"""Single sign-on, whichever the protocol: who a verified login becomes, and the commission
(medarbetaruppdrag) each session acts under.

SAML2 (`samverkan.accounts.saml`) and OIDC (`samverkan.accounts.oidc`) verify the identity
provider's answer their own way and then hand the same `Claims` to `resolve_login`, the one
mapping both use:

- Care staff are identified by their HSA-id. Their commission (care unit HSA-id and purpose)
  comes from the login, else from HSA (`samverkan.accounts.hsa`). The first commission for
  "Vård och behandling" at a unit known to Samverkan (`Unit.hsa_id`) becomes the unit, which
  access and the audit log use (Patientdatalagen 2008:355 4 kap. 2 §); the role comes from the
  licensed profession, or from the administrator's table (`SsoRoleMapping`) where it has a row.
- Everyone else (ekonomer, forum members, politicians, social-services staff) is mapped to
  organisation, unit and role by the administrator's table, by HSA-id or the IdP's subject.
- Nobody else gets in: `LoginRefused`, with the reason in Swedish.

The first login provisions the account (user, staff profile, `ExternalIdentity`).

**The commission is the session's.** A person may be logged in twice at once, under two
commissions (two units). The commission a login chose is stored in that session
(`remember_in_session`, on Django's `user_logged_in`); `SessionCommissionMiddleware` lays it
over the user's staff profile for each request of that session, so every access check
(`profile_of`, `actor_for`, `user.staff_profile`) and the audit log (`commission_of`) read the
session's unit and purpose, not whichever login came last. `ExternalIdentity` keeps the latest
login's commission for the administrator's view only.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.accounts import hsa
from samverkan.accounts.models import (
    ExternalIdentity,
    Role,
    SsoRoleMapping,
    StaffProfile,
    Unit,
)

__all__ = [
    "PROFESSIONS",
    "SESSION_KEY",
    "Claims",
    "LoginRefused",
    "SessionCommission",
    "act_under",
    "apply_session_commission",
    "commission_of",
    "remember_in_session",
    "resolve_login",
]

# Legitimerad yrkesgrupp (HSA's codes and names) → role.
PROFESSIONS = {
    "LK": Role.PHYSICIAN,
    "läkare": Role.PHYSICIAN,
    "SJ": Role.NURSE,
    "sjuksköterska": Role.NURSE,
    "AT": Role.OCCUPATIONAL_THERAPIST,
    "arbetsterapeut": Role.OCCUPATIONAL_THERAPIST,
    "SG": Role.PHYSIOTHERAPIST,
    "fysioterapeut": Role.PHYSIOTHERAPIST,
    "sjukgymnast": Role.PHYSIOTHERAPIST,
}

SESSION_KEY = "samverkan_commission"
_USER_ATTRIBUTE = "_samverkan_commission"


class LoginRefused(Exception):
    """The IdP vouched for the user, but Samverkan has nothing they may act as."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Claims:
    """What a verified login says about the person, protocol-neutral."""

    idp: str  # SAML: the IdP's entity id; OIDC: the provider's issuer
    subject: str  # SAML: NameID; OIDC: sub
    hsa_id: str = ""  # employeeHsaId (care staff)
    commissions: tuple[hsa.Commission, ...] | None = None  # None: not sent, ask HSA
    professions: tuple[str, ...] = ()  # empty: ask HSA
    given_name: str = ""
    surname: str = ""


@dataclass(frozen=True)
class SessionCommission:
    """The commission one session acts under: its unit (and that unit's organisation)."""

    unit_id: int
    organisation_id: int
    purpose: str
    hsa_id: str = ""

    def as_session(self) -> dict[str, Any]:
        return {
            "unit": self.unit_id,
            "organisation": self.organisation_id,
            "purpose": self.purpose,
            "hsa_id": self.hsa_id,
        }

    @classmethod
    def from_session(cls, data: object) -> SessionCommission | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                unit_id=int(data["unit"]),
                organisation_id=int(data["organisation"]),
                purpose=str(data.get("purpose", "")),
                hsa_id=str(data.get("hsa_id", "")),
            )
        except (KeyError, TypeError, ValueError):
            return None


def _care_purposes() -> set[str]:
    conf = dict(getattr(settings, "SAMVERKAN_SAML", {}) or {})
    return set(conf.get("care_purposes") or [hsa.CARE_PURPOSE])


def _profession_role(claims: Claims) -> Role | None:
    professions = list(claims.professions)
    if not professions:
        found = hsa.directory().profession(claims.hsa_id)
        professions = [found] if found else []
    for profession in professions:
        role = PROFESSIONS.get(profession) or PROFESSIONS.get(profession.lower())
        if role is not None:
            return role
    return None


def _mapping(idp: str, subject: str) -> SsoRoleMapping | None:
    if not subject:
        return None
    rows = SsoRoleMapping.objects.filter(active=True, subject=subject, idp__in=[idp, ""])
    return rows.select_related("organisation", "unit").order_by("-idp").first()


def resolve_login(claims: Claims) -> Any:
    """The user a verified login logs in (provisioned on the first login), or LoginRefused
    with the reason in Swedish. The user carries the chosen commission (`commission_of`)
    until `remember_in_session` stores it in the session."""
    hsa_id = claims.hsa_id.strip()
    subject = hsa_id or claims.subject.strip()
    if not subject:
        raise LoginRefused(_("Utfärdaren skickade ingen identitet."))
    mapping = _mapping(claims.idp, subject)
    commission: hsa.Commission | None = None
    unit: Unit | None = None
    if hsa_id:
        purposes = _care_purposes()
        candidates = (
            list(claims.commissions)
            if claims.commissions is not None
            else hsa.directory().commissions(hsa_id)
        )
        for candidate in candidates:
            if candidate.purpose not in purposes:
                continue
            known = Unit.objects.filter(hsa_id=candidate.care_unit_hsa_id).first()
            if known is None:
                continue
            if mapping is not None and known.organisation_id != mapping.organisation_id:
                continue
            commission, unit = candidate, known
            break
    if unit is not None:
        role = Role(mapping.role) if mapping else _profession_role(claims)
        if role is None:
            raise LoginRefused(
                _(
                    "Ditt medarbetaruppdrag gäller en enhet i Samverkan, men din yrkesroll är "
                    "okänd. Be administratören lägga in din roll."
                )
            )
        organisation = unit.organisation
    elif mapping is not None:
        role, organisation, unit = Role(mapping.role), mapping.organisation, mapping.unit
    elif hsa_id:
        raise LoginRefused(
            _(
                "Du har inget medarbetaruppdrag för vård och behandling vid någon enhet som "
                "finns i Samverkan. Välj rätt uppdrag vid inloggningen eller kontakta "
                "administratören."
            )
        )
    else:
        raise LoginRefused(
            _(
                "Din inloggning är inte kopplad till någon organisation eller roll i "
                "Samverkan. Kontakta administratören."
            )
        )
    with transaction.atomic():
        user = _provision(claims, subject, hsa_id)
        if not user.is_active:
            raise LoginRefused(_("Ditt konto är avstängt. Kontakta administratören."))
        profile = StaffProfile.objects.filter(user=user).first()
        if profile is None:
            profile = StaffProfile.objects.create(
                user=user, organisation=organisation, unit=unit, role=role
            )
        elif (profile.organisation_id, profile.unit_id, profile.role) != (
            organisation.pk,
            unit.pk if unit else None,
            role,
        ):
            profile.organisation, profile.unit, profile.role = organisation, unit, role
            profile.save()  # all fields: the audit log compares organisation_id, unit_id
        ExternalIdentity.objects.filter(user=user).update(
            commission_hsa_id=commission.hsa_id if commission else "",
            commission_purpose=commission.purpose if commission else "",
            last_login=timezone.now(),
        )
    user.staff_profile = profile
    setattr(
        user,
        _USER_ATTRIBUTE,
        SessionCommission(unit.pk, organisation.pk, commission.purpose, commission.hsa_id)
        if commission is not None and unit is not None
        else None,
    )
    return user


def _provision(claims: Claims, subject: str, hsa_id: str) -> Any:
    User = get_user_model()
    identity = (
        ExternalIdentity.objects.filter(hsa_id=hsa_id).select_related("user").first()
        if hsa_id
        else ExternalIdentity.objects.filter(idp=claims.idp, subject=subject)
        .select_related("user")
        .first()
    )
    given, surname = claims.given_name.strip(), claims.surname.strip()
    if identity is not None:
        user = identity.user
        changed = [
            name
            for name, value in (("first_name", given), ("last_name", surname))
            if value and getattr(user, name) != value
        ]
        for name in changed:
            setattr(user, name, {"first_name": given, "last_name": surname}[name])
        if changed:
            user.save(update_fields=changed)
        return user
    # Never take over an existing (password) account that happens to share the name.
    username, n = subject[:150], 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{subject[:140]}-{n}"
    user = User(username=username, first_name=given[:150], last_name=surname[:150])
    user.set_unusable_password()
    user.save()
    ExternalIdentity.objects.create(
        user=user, idp=claims.idp[:255], subject=subject[:255], hsa_id=hsa_id
    )
    return user


# --- The session's commission -------------------------------------------------------------


def commission_of(user: object) -> SessionCommission | None:
    """The commission the user acts under in this session (None: password login, a table
    row without commission, an API token, or a user loaded outside a request)."""
    value = getattr(user, _USER_ATTRIBUTE, None)
    return value if isinstance(value, SessionCommission) else None


def remember_in_session(sender: Any, request: HttpRequest | None, user: Any, **kw: Any) -> None:
    """`user_logged_in`: store the login's commission in the session (or clear an old one)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    commission = commission_of(user)
    if commission is None:
        session.pop(SESSION_KEY, None)
    else:
        session[SESSION_KEY] = commission.as_session()


def act_under(user: Any, commission: SessionCommission) -> Any:
    """Lay a commission over the user's staff profile (in memory, never saved): the unit and
    organisation are the commission's, the role stays the profile's. Returns the user."""
    profile = getattr(user, "staff_profile", None)
    unit = Unit.objects.select_related("organisation").filter(pk=commission.unit_id).first()
    if profile is None or unit is None or unit.organisation_id != commission.organisation_id:
        # The unit is gone or has moved: the session acts for nobody rather than falling
        # back to the profile (which may hold another session's unit).
        user.staff_profile = None
        setattr(user, _USER_ATTRIBUTE, None)
        return user
    acting = copy.copy(profile)
    acting.unit, acting.organisation = unit, unit.organisation
    acting.save = _never_saved  # type: ignore[method-assign]
    user.staff_profile = acting
    setattr(user, _USER_ATTRIBUTE, commission)
    return user


def _never_saved(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("A session's commission is not saved to the staff profile.")


def apply_session_commission(request: HttpRequest, user: Any) -> Any:
    """The request's user with the session's commission laid over (see the module)."""
    commission = SessionCommission.from_session(request.session.get(SESSION_KEY))
    if commission is None or not getattr(user, "is_authenticated", False):
        return user
    return act_under(user, commission)
