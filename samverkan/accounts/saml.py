"""SAML2 Web SSO: Samverkan as service provider (djangosaml2 on pysaml2).

Configured by the identity providers' metadata (settings `SAMVERKAN_SAML`; README "Logging
in"), for several IdPs at once: the region's (SITHS eID through Inera's IdP) and each
kommun's own. A login is accepted only when the assertion is signed by an IdP in the metadata,
is within its validity, answers a request this service made, and names an authentication
context class (assurance level) the deployment accepts.

Who the user becomes is decided by `samverkan.accounts.sso.resolve_login`, the one mapping
SAML and OIDC share: this module turns a verified assertion into `sso.Claims` (Sambi's
attribute names, `DEFAULT_ATTRIBUTES`) and checks the assurance level first.

Logout is single logout where the IdP's metadata offers it, RP-initiated logout at an OIDC
provider that offers it, else local (`logout`).
"""

from __future__ import annotations

import copy
import shutil
from typing import Any
from urllib.parse import urlencode

import saml2
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from djangosaml2 import views as saml_views
from djangosaml2.backends import Saml2Backend
from djangosaml2.utils import available_idps
from saml2.config import SPConfig

from samverkan.accounts import hsa, oidc, sso
from samverkan.accounts.sso import PROFESSIONS, LoginRefused

__all__ = [
    "PROFESSIONS",
    "LoginRefused",
    "PasswordBackend",
    "SamlBackend",
    "enabled",
    "identity_providers",
    "login_buttons",
    "password_login_enabled",
    "claims",
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


def login_buttons(next_url: str = "") -> list[tuple[str, str]]:
    """(address, name) of one login button per SAML IdP and OIDC provider, by name."""
    buttons = [
        (
            f"{reverse('saml2_login')}?{urlencode({'idp': eid, **({'next': next_url} if next_url else {})})}",
            name,
        )
        for eid, name in identity_providers()
    ] + [
        (
            f"{reverse('oidc_login', args=[key])}{'?' + urlencode({'next': next_url}) if next_url else ''}",
            title,
        )
        for key, title in oidc.identity_providers()
    ]
    return sorted(buttons, key=lambda button: button[1])


# --- Who the user becomes (the mapping is samverkan.accounts.sso's, shared with OIDC) ------


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


def _commissions(attributes: dict[str, list[Any]]) -> tuple[hsa.Commission, ...] | None:
    units = _all(attributes, "care_unit_hsa_id")
    if not units:
        return None  # not sent: sso asks HSA
    purposes = _all(attributes, "commission_purpose")
    ids = _all(attributes, "commission_hsa_id")
    return tuple(
        hsa.Commission(
            care_unit_hsa_id=unit,
            purpose=purposes[i] if i < len(purposes) else (purposes[0] if purposes else ""),
            hsa_id=ids[i] if i < len(ids) else "",
        )
        for i, unit in enumerate(units)
    )


def claims(session_info: dict[str, Any]) -> sso.Claims:
    """The protocol-neutral claims of a verified assertion."""
    attributes: dict[str, list[Any]] = session_info.get("ava") or {}
    name_id = session_info.get("name_id")
    return sso.Claims(
        idp=str(session_info.get("issuer") or ""),
        subject=str(getattr(name_id, "text", "") or "").strip(),
        hsa_id=_first(attributes, "employee_hsa_id"),
        commissions=_commissions(attributes),
        professions=tuple(_all(attributes, "profession")),
        given_name=_first(attributes, "given_name"),
        surname=_first(attributes, "surname"),
    )


def resolve_login(session_info: dict[str, Any]) -> Any:
    """The user a verified assertion logs in (provisioned on the first login), or
    LoginRefused with the reason in Swedish (`sso.resolve_login`, the one mapping)."""
    _check_assurance(session_info)
    return sso.resolve_login(claims(session_info))


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
    """Logout (POST): single logout at the SAML IdP when the user came from one and its
    metadata offers it; RP-initiated logout at the OIDC provider when it offers an
    end_session_endpoint; otherwise (and for password users) the local logout."""
    saml_session = getattr(request, "saml_session", None)
    if enabled() and saml_session is not None and saml_session.get("_saml2_subject_id"):
        return _SloInit.as_view()(request)
    at_provider = oidc.end_session_url(request)  # read before the session ends
    if at_provider:
        auth.logout(request)
        return HttpResponseRedirect(at_provider)
    return auth_views.LogoutView.as_view()(request)


class PasswordLoginView(auth_views.LoginView):
    """The password login, for the demo and development only: with SAMVERKAN_PASSWORD_LOGIN
    off the page offers the IdPs alone and a posted password is refused."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["password_login"] = password_login_enabled()
        context["identity_providers"] = login_buttons(context.get("next") or "")
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not password_login_enabled():
            self.object = None
            context = self.get_context_data(form=self.get_form())
            context["password_refused"] = True
            return self.render_to_response(context, status=403)  # type: ignore[no-any-return]
        return super().post(request, *args, **kwargs)  # type: ignore[no-any-return]
