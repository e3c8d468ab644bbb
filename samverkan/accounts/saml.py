"""SAML2 Web SSO: Samverkan as service provider (djangosaml2 on pysaml2).

Configured by the identity providers' metadata (settings `SAMVERKAN_SAML`; README "Logging
in"), for several IdPs at once: the region's (SITHS eID through Inera's IdP) and each
kommun's own. A login is accepted only when the assertion is signed by an IdP in the metadata,
is within its validity, answers a request this service made, and names an authentication
context class (assurance level) the deployment accepts.

Who the user becomes (`resolve_login`):

- Care staff are identified by their HSA-id (Sambi `employeeHsaId`). Their commission
  (medarbetaruppdrag: care unit HSA-id and purpose) comes from the assertion, else from HSA
  (`samverkan.accounts.hsa`). The first commission for "Vård och behandling" at a unit known
  to Samverkan (`Unit.hsa_id`) becomes the profile's unit, which access and the audit log
  use (Patientdatalagen 2008:355 4 kap. 2 §); the role comes from the licensed profession,
  or from the administrator's table (`SsoRoleMapping`) where it has a row for the HSA-id.
- Everyone else (ekonomer, forum members, politicians, social-services staff) is mapped to
  organisation, unit and role by the administrator's table, by HSA-id or the IdP's NameID.
- Nobody else gets in; the refusal says why, in Swedish, and is in the audit log.

The first login provisions the account (user, staff profile, `ExternalIdentity`); later logins
bring the profile up to date with the commission. Logout is single logout where the IdP's
metadata offers it (`logout`).
"""

from __future__ import annotations

import copy
import shutil
from typing import Any

import saml2
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from djangosaml2 import views as saml_views
from djangosaml2.backends import Saml2Backend
from djangosaml2.utils import available_idps
from saml2.config import SPConfig

from samverkan.accounts import hsa
from samverkan.accounts.models import (
    ExternalIdentity,
    Role,
    SsoRoleMapping,
    StaffProfile,
    Unit,
)

__all__ = [
    "LoginRefused",
    "PasswordBackend",
    "SamlBackend",
    "enabled",
    "identity_providers",
    "password_login_enabled",
    "resolve_login",
    "sp_config",
]

# Sambi's attribute names (sambi.se, Sambis attributspecifikation); a deployment may rename.
DEFAULT_ATTRIBUTES = {
    "employee_hsa_id": "http://sambi.se/attributes/1/employeeHsaId",
    "commission_hsa_id": "http://sambi.se/attributes/1/commissionHsaId",
    "care_unit_hsa_id": "http://sambi.se/attributes/1/careUnitHsaId",
    "commission_purpose": "http://sambi.se/attributes/1/commissionPurpose",
    "profession": "http://sambi.se/attributes/1/healthCareProfessionalLicence",
    "given_name": "http://sambi.se/attributes/1/givenName",
    "surname": "http://sambi.se/attributes/1/surname",
}

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


def _conf() -> dict[str, Any]:
    return dict(getattr(settings, "SAMVERKAN_SAML", {}) or {})


def enabled() -> bool:
    """True when at least one IdP's metadata is configured."""
    return bool(_conf().get("idp_metadata"))


def password_login_enabled() -> bool:
    return bool(getattr(settings, "SAMVERKAN_PASSWORD_LOGIN", True))


def _attribute_names() -> dict[str, str]:
    return {**DEFAULT_ATTRIBUTES, **(_conf().get("attributes") or {})}


def pysaml2_config() -> dict[str, Any]:
    """The pysaml2 SP configuration built from `SAMVERKAN_SAML`."""
    conf = _conf()
    base = str(conf.get("base_url", "")).rstrip("/")
    local, remote = [], []
    for source in conf.get("idp_metadata", []):
        if str(source).startswith(("https://", "http://")):
            remote.append({"url": str(source)})
        else:
            local.append(str(source))
    assurance = list(conf.get("assurance") or [])
    sp: dict[str, Any] = {
        "name": "Samverkan",
        "endpoints": {
            "assertion_consumer_service": [
                (f"{base}/accounts/saml2/acs/", saml2.BINDING_HTTP_POST)
            ],
            "single_logout_service": [
                (f"{base}/accounts/saml2/ls/", saml2.BINDING_HTTP_REDIRECT),
                (f"{base}/accounts/saml2/ls/post/", saml2.BINDING_HTTP_POST),
            ],
        },
        "allow_unsolicited": False,  # only answers to requests this service made
        "want_assertions_signed": True,
        "want_response_signed": False,
        "authn_requests_signed": True,
        "logout_requests_signed": True,
        "name_id_format_allow_create": False,
    }
    if assurance:
        sp["requested_authn_context"] = {
            "authn_context_class_ref": assurance,
            "comparison": "exact",
        }
    config: dict[str, Any] = {
        "entityid": conf.get("entity_id") or f"{base}/accounts/saml2/metadata/",
        "xmlsec_binary": conf.get("xmlsec_binary") or shutil.which("xmlsec1"),
        "allow_unknown_attributes": True,
        "service": {"sp": sp},
        "metadata": {
            **({"local": local} if local else {}),
            **({"remote": remote} if remote else {}),
        },
        "accepted_time_diff": int(conf.get("accepted_time_diff", 60)),
    }
    if conf.get("key_file") and conf.get("cert_file"):
        config["key_file"] = conf["key_file"]
        config["cert_file"] = conf["cert_file"]
        config["encryption_keypairs"] = [
            {"key_file": conf["key_file"], "cert_file": conf["cert_file"]}
        ]
    return config


def sp_config(request: HttpRequest | None = None) -> SPConfig:
    """djangosaml2's config loader (setting SAML_CONFIG_LOADER)."""
    config = SPConfig()
    config.load(copy.deepcopy(pysaml2_config()))
    return config


def identity_providers() -> list[tuple[str, str]]:
    """(entity id, display name) of every configured IdP, sorted by name."""
    if not enabled():
        return []
    idps = available_idps(sp_config())
    return sorted(((eid, name or eid) for eid, name in idps.items()), key=lambda i: i[1])


# --- Who the user becomes -----------------------------------------------------------------


class LoginRefused(Exception):
    """The IdP vouched for the user, but Samverkan has nothing they may act as."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _first(attributes: dict[str, list[Any]], key: str) -> str:
    values = attributes.get(_attribute_names()[key]) or []
    return str(values[0]).strip() if values and values[0] is not None else ""


def _all(attributes: dict[str, list[Any]], key: str) -> list[str]:
    return [str(v).strip() for v in attributes.get(_attribute_names()[key]) or [] if v]


def _check_assurance(session_info: dict[str, Any]) -> None:
    accepted = set(_conf().get("assurance") or [])
    if not accepted:
        return
    given = {str(info[0]) for info in session_info.get("authn_info") or [] if info}
    if not given & accepted:
        raise LoginRefused(
            _(
                "Inloggningen gjordes inte med den säkerhetsnivå som Samverkan kräver. "
                "Logga in med SITHS-kort eller annan e-legitimation på rätt nivå."
            )
        )


def _commissions(attributes: dict[str, list[Any]], hsa_id: str) -> list[hsa.Commission]:
    units = _all(attributes, "care_unit_hsa_id")
    if units:
        purposes = _all(attributes, "commission_purpose")
        ids = _all(attributes, "commission_hsa_id")
        return [
            hsa.Commission(
                care_unit_hsa_id=unit,
                purpose=purposes[i] if i < len(purposes) else (purposes[0] if purposes else ""),
                hsa_id=ids[i] if i < len(ids) else "",
            )
            for i, unit in enumerate(units)
        ]
    return hsa.directory().commissions(hsa_id)


def _care_purposes() -> set[str]:
    return set(_conf().get("care_purposes") or [hsa.CARE_PURPOSE])


def _profession_role(attributes: dict[str, list[Any]], hsa_id: str) -> Role | None:
    professions = _all(attributes, "profession")
    if not professions:
        found = hsa.directory().profession(hsa_id)
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


def resolve_login(session_info: dict[str, Any]) -> Any:
    """The user a verified assertion logs in (provisioned on the first login), or
    LoginRefused with the reason in Swedish."""
    _check_assurance(session_info)
    attributes: dict[str, list[Any]] = session_info.get("ava") or {}
    idp = str(session_info.get("issuer") or "")
    name_id = session_info.get("name_id")
    name_id_text = str(getattr(name_id, "text", "") or "").strip()
    hsa_id = _first(attributes, "employee_hsa_id")
    subject = hsa_id or name_id_text
    if not subject:
        raise LoginRefused(_("Utfärdaren skickade ingen identitet."))
    mapping = _mapping(idp, subject)
    commission: hsa.Commission | None = None
    unit: Unit | None = None
    if hsa_id:
        purposes = _care_purposes()
        for candidate in _commissions(attributes, hsa_id):
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
        role = Role(mapping.role) if mapping else _profession_role(attributes, hsa_id)
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
        user = _provision(idp, subject, hsa_id, attributes)
        if not user.is_active:
            raise LoginRefused(_("Ditt konto är avstängt. Kontakta administratören."))
        profile = StaffProfile.objects.filter(user=user).first()
        if profile is None:
            StaffProfile.objects.create(user=user, organisation=organisation, unit=unit, role=role)
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
    return user


def _provision(idp: str, subject: str, hsa_id: str, attributes: dict[str, list[Any]]) -> Any:
    User = get_user_model()
    identity = (
        ExternalIdentity.objects.filter(hsa_id=hsa_id).select_related("user").first()
        if hsa_id
        else ExternalIdentity.objects.filter(idp=idp, subject=subject)
        .select_related("user")
        .first()
    )
    given, surname = _first(attributes, "given_name"), _first(attributes, "surname")
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
    ExternalIdentity.objects.create(user=user, idp=idp, subject=subject, hsa_id=hsa_id)
    return user


class PasswordBackend(ModelBackend):
    """Django's password backend, answering only while SAMVERKAN_PASSWORD_LOGIN is on (the
    demo and development): then no password logs in anywhere, the admin's login included."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not password_login_enabled():
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class SamlBackend(Saml2Backend):
    """Authenticates verified assertions only (a username and password never reach it)."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        session_info: dict[str, Any] | None = None,
        attribute_mapping: Any = None,
        create_unknown_user: bool = True,
        assertion_info: Any = None,
        **kwargs: Any,
    ) -> Any:
        if session_info is None or "ava" not in session_info:
            return None
        try:
            user = resolve_login(session_info)
        except LoginRefused as refused:
            if request is not None:
                request.saml_refusal = refused.message  # type: ignore[attr-defined]
            return None
        return user if self.user_can_authenticate(user) else None


# --- Views --------------------------------------------------------------------------------


class AcsView(saml_views.AssertionConsumerServiceView):
    """The assertion consumer: a refused login answers a Swedish page, never a traceback."""

    def handle_acs_failure(
        self, request: HttpRequest, exception: Any = None, status: int = 403, **kwargs: Any
    ) -> HttpResponse:
        message = getattr(request, "saml_refusal", None) or _(
            "Inloggningen kunde inte godkännas: svaret från identitetsutfärdaren var inte "
            "giltigt (fel underskrift, för gammalt eller inte begärt av Samverkan). Försök igen."
        )
        if not getattr(request, "saml_refusal", None):
            auth.signals.user_login_failed.send(sender=__name__, credentials={}, request=request)
        return render(request, "accounts/saml_error.html", {"message": message}, status=403)


class SamlLoginView(saml_views.LoginView):
    """Starts the login at the chosen IdP (?idp=<entity id>); 404 when SSO is off."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not enabled():
            return render(
                request,
                "accounts/saml_error.html",
                {"message": _("Inloggning via identitetsutfärdare är inte ansluten.")},
                status=404,
            )
        return super().get(request, *args, **kwargs)


class _SloInit(saml_views.LogoutInitView):
    def handle_unsupported_slo_exception(
        self, request: HttpRequest, exception: Any, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        return HttpResponseRedirect(resolve_url(settings.LOGOUT_REDIRECT_URL))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self.get(request, *args, **kwargs)


@require_POST
def logout(request: HttpRequest) -> HttpResponseBase:
    """Logout (POST): single logout at the IdP when the user came from one and its metadata
    offers it; otherwise (and for password users) the local logout."""
    saml_session = getattr(request, "saml_session", None)
    if enabled() and saml_session is not None and saml_session.get("_saml2_subject_id"):
        return _SloInit.as_view()(request)
    return auth_views.LogoutView.as_view()(request)


class PasswordLoginView(auth_views.LoginView):
    """The password login, for the demo and development only: with SAMVERKAN_PASSWORD_LOGIN
    off the page offers the IdPs alone and a posted password is refused."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["password_login"] = password_login_enabled()
        context["identity_providers"] = identity_providers()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not password_login_enabled():
            self.object = None
            context = self.get_context_data(form=self.get_form())
            context["password_refused"] = True
            return self.render_to_response(context, status=403)  # type: ignore[no-any-return]
        return super().post(request, *args, **kwargs)  # type: ignore[no-any-return]
