"""OpenID Connect login beside SAML2, on the same mapping (authlib's Django client).

Several providers at once, each configured in settings `SAMVERKAN_OIDC["providers"]` (README
"Logging in"): a name (in the addresses), the title on the login button, the discovery
document's address, the client id and secret, optionally the scope, the accepted `acr` values
(assurance levels) and other claim names. The flow is the authorization code flow with PKCE
(S256), `state` and `nonce`; authlib checks the ID token's signature against the provider's
JWKS, its issuer, audience (our client id), expiry, issue time and nonce. A token that fails
any of these is refused with a Swedish page and logged as a failed login.

Who the user becomes is `samverkan.accounts.sso.resolve_login`, the one mapping SAML uses as
well: this module only turns the verified ID token into `sso.Claims` (HSA-id claim → user;
commission claims, else HSA → unit and purpose; else the administrator's table); claims the
ID token lacks are taken from the provider's userinfo endpoint (`with_userinfo`). The
session's commission is stored as for SAML. Logout is RP-initiated at the provider
(`end_session_url`) when its discovery document offers an `end_session_endpoint`.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from joserfc.errors import JoseError

from samverkan.accounts import hsa, sso
from samverkan.accounts.sso import LoginRefused

__all__ = [
    "DEFAULT_CLAIMS",
    "OidcBackend",
    "callback",
    "claims",
    "enabled",
    "end_session_url",
    "identity_providers",
    "login",
    "with_userinfo",
]

logger = logging.getLogger("samverkan.security")

# Claim names of the ID token (a provider may rename them in its `claims`).
DEFAULT_CLAIMS = {
    "employee_hsa_id": "employeeHsaId",
    "commission_hsa_id": "commissionHsaId",
    "care_unit_hsa_id": "careUnitHsaId",
    "commission_purpose": "commissionPurpose",
    "profession": "healthCareProfessionalLicence",
    "given_name": "given_name",
    "surname": "family_name",
}

SESSION_KEY = "samverkan_oidc"  # provider name and ID token of the login, for the logout
NEXT_KEY = "samverkan_oidc_next"
TIMEOUT_SECONDS = 10

_clients: dict[str, DjangoOAuth2App] = {}


def _conf() -> dict[str, Any]:
    return dict(getattr(settings, "SAMVERKAN_OIDC", {}) or {})


def _providers() -> dict[str, dict[str, Any]]:
    return {
        str(p["name"]): dict(p)
        for p in _conf().get("providers") or []
        if p.get("name") and p.get("discovery_url") and p.get("client_id")
    }


def enabled() -> bool:
    """True when at least one provider is configured."""
    return bool(_providers())


def identity_providers() -> list[tuple[str, str]]:
    """(name, title) of every configured provider, sorted by title."""
    return sorted(
        ((name, str(p.get("title") or name)) for name, p in _providers().items()),
        key=lambda item: item[1],
    )


def _client(name: str) -> tuple[DjangoOAuth2App, dict[str, Any]] | None:
    provider = _providers().get(name)
    if provider is None:
        return None
    key = json.dumps(provider, sort_keys=True, default=str)
    client = _clients.get(key)
    if client is None:
        client = OAuth().register(
            name=name,
            client_id=provider["client_id"],
            client_secret=provider.get("client_secret") or None,
            server_metadata_url=provider["discovery_url"],
            client_kwargs={
                "scope": provider.get("scope") or "openid profile",
                "code_challenge_method": "S256",
                "default_timeout": TIMEOUT_SECONDS,
            },
        )
        _clients[key] = client
    return client, provider


def _redirect_uri(name: str) -> str:
    base = str(_conf().get("base_url") or "").rstrip("/")
    return f"{base}{reverse('oidc_callback', args=[name])}"


# --- Claims -------------------------------------------------------------------------------


def _names(provider: dict[str, Any]) -> dict[str, str]:
    return {**DEFAULT_CLAIMS, **(provider.get("claims") or {})}


def _values(token: dict[str, Any], name: str) -> list[str]:
    value = token.get(name)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in items if v is not None and str(v).strip()]


def claims(issuer: str, token: dict[str, Any], provider: dict[str, Any]) -> sso.Claims:
    """The protocol-neutral claims of a verified ID token."""
    names = _names(provider)

    def first(key: str) -> str:
        found = _values(token, names[key])
        return found[0] if found else ""

    units = _values(token, names["care_unit_hsa_id"])
    commissions: tuple[hsa.Commission, ...] | None = None
    if units:
        purposes = _values(token, names["commission_purpose"])
        ids = _values(token, names["commission_hsa_id"])
        commissions = tuple(
            hsa.Commission(
                care_unit_hsa_id=unit,
                purpose=purposes[i] if i < len(purposes) else (purposes[0] if purposes else ""),
                hsa_id=ids[i] if i < len(ids) else "",
            )
            for i, unit in enumerate(units)
        )
    return sso.Claims(
        idp=issuer,
        subject=str(token.get("sub") or "").strip(),
        hsa_id=first("employee_hsa_id"),
        commissions=commissions,
        professions=tuple(_values(token, names["profession"])),
        given_name=first("given_name"),
        surname=first("surname"),
    )


def with_userinfo(
    client: DjangoOAuth2App,
    token: dict[str, Any],
    id_claims: dict[str, Any],
    provider: dict[str, Any],
    metadata: dict[str, Any],
) -> dict[str, Any]:
    """The ID token's claims, completed from the provider's userinfo endpoint when the token
    lacks one of the claims Samverkan maps (some providers put HSA-id and commission only
    there) and the discovery document names the endpoint. The ID token's values win; the
    userinfo's `sub` must be the ID token's (OIDC Core 5.3.2), else ValueError. The assurance
    level (`acr`) is read from the ID token only."""
    names = _names(provider)
    if all(id_claims.get(name) not in (None, "", []) for name in names.values()):
        return id_claims
    if not metadata.get("userinfo_endpoint"):
        return id_claims
    extra = dict(client.userinfo(token=token))
    if str(extra.get("sub") or "") != str(id_claims.get("sub") or ""):
        raise ValueError("userinfo sub differs from the ID token's")
    merged = dict(id_claims)
    for name in names.values():
        if merged.get(name) in (None, "", []) and extra.get(name) not in (None, "", []):
            merged[name] = extra[name]
    return merged


# --- Backend and views --------------------------------------------------------------------


class OidcBackend(ModelBackend):
    """Authenticates verified ID tokens only (a username and password never reach it)."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, oidc_claims: sso.Claims | None = None, **kwargs: Any
    ) -> Any:
        if not isinstance(oidc_claims, sso.Claims):
            return None
        try:
            user = sso.resolve_login(oidc_claims)
        except LoginRefused as refused:
            if request is not None:
                request.sso_refusal = refused.message  # type: ignore[attr-defined]
            return None
        return user if self.user_can_authenticate(user) else None


def _refused(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "accounts/saml_error.html", {"message": message}, status=status)


def _not_connected(request: HttpRequest) -> HttpResponse:
    return _refused(request, _("Inloggning via identitetsutfärdare är inte ansluten."), 404)


def _unreachable(request: HttpRequest) -> HttpResponse:
    return _refused(
        request,
        _("Identitetsutfärdaren svarar inte just nu. Försök igen om en stund."),
        503,
    )


INVALID = (
    "Inloggningen kunde inte godkännas: svaret från identitetsutfärdaren var inte giltigt "
    "(fel underskrift, för gammalt eller inte begärt av Samverkan). Försök igen."
)


@login_not_required
@require_GET
def login(request: HttpRequest, provider: str) -> HttpResponseBase:
    """Start the login at the provider (?next=<path> is where the user lands afterwards)."""
    found = _client(provider)
    if found is None:
        return _not_connected(request)
    client, conf = found
    wanted = request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_KEY] = wanted
    else:
        request.session.pop(NEXT_KEY, None)
    extra: dict[str, str] = {}
    if conf.get("acr_values"):
        extra["acr_values"] = " ".join(conf["acr_values"])
    try:
        return client.authorize_redirect(request, _redirect_uri(provider), **extra)
    except (requests.RequestException, ValueError, KeyError) as error:
        logger.warning("OIDC provider %s unreachable: %s", provider, type(error).__name__)
        return _unreachable(request)


@login_not_required
@require_GET
def callback(request: HttpRequest, provider: str) -> HttpResponseBase:
    """The provider's answer: verify it, map the person, log in (or refuse in Swedish)."""
    found = _client(provider)
    if found is None:
        return _not_connected(request)
    client, conf = found
    try:
        token = client.authorize_access_token(request)
        userinfo = token.get("userinfo")
        if not userinfo:  # no ID token, or a request made without a nonce
            raise OAuthError(description="no id_token")
    except requests.RequestException as error:
        logger.warning("OIDC provider %s unreachable: %s", provider, type(error).__name__)
        return _unreachable(request)
    except (OAuthError, JoseError, ValueError, KeyError, TypeError) as error:
        logger.warning("OIDC login refused (%s): %s", provider, type(error).__name__)
        auth.signals.user_login_failed.send(sender=__name__, credentials={}, request=request)
        return _refused(request, _(INVALID))
    accepted = set(conf.get("acr_values") or [])
    if accepted and str(userinfo.get("acr") or "") not in accepted:
        auth.signals.user_login_failed.send(sender=__name__, credentials={}, request=request)
        return _refused(
            request,
            _(
                "Inloggningen gjordes inte med den säkerhetsnivå som Samverkan kräver. "
                "Logga in med SITHS-kort eller annan e-legitimation på rätt nivå."
            ),
        )
    metadata = client.load_server_metadata()
    issuer = str(metadata.get("issuer") or userinfo.get("iss") or "")
    try:
        token_claims = with_userinfo(client, token, dict(userinfo), conf, metadata)
    except requests.RequestException as error:
        logger.warning("OIDC userinfo of %s unreachable: %s", provider, type(error).__name__)
        return _unreachable(request)
    except (OAuthError, ValueError, TypeError) as error:
        logger.warning("OIDC login refused (%s): %s", provider, type(error).__name__)
        auth.signals.user_login_failed.send(sender=__name__, credentials={}, request=request)
        return _refused(request, _(INVALID))
    user = auth.authenticate(request, oidc_claims=claims(issuer, token_claims, conf))
    if user is None:  # Django has sent user_login_failed (the audit log records it)
        message = getattr(request, "sso_refusal", None) or _(
            "Din inloggning är inte kopplad till någon organisation eller roll i Samverkan. "
            "Kontakta administratören."
        )
        return _refused(request, message)
    wanted = request.session.pop(NEXT_KEY, "")
    auth.login(request, user)
    request.session[SESSION_KEY] = {"provider": provider, "id_token": token.get("id_token", "")}
    return HttpResponseRedirect(wanted or resolve_url(settings.LOGIN_REDIRECT_URL))


def end_session_url(request: HttpRequest) -> str | None:
    """Where to send the browser for RP-initiated logout at the provider the session came
    from, or None (not an OIDC session, or no end_session_endpoint). Read before the local
    logout ends the session."""
    data = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not isinstance(data, dict):
        return None
    found = _client(str(data.get("provider", "")))
    if found is None:
        return None
    client = found[0]
    try:
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        base = str(_conf().get("base_url") or "").rstrip("/")
        result = client.create_logout_url(
            post_logout_redirect_uri=f"{base}{resolve_url(settings.LOGOUT_REDIRECT_URL)}",
            id_token_hint=str(data.get("id_token") or "") or None,
            client_id=client.client_id,
        )
    except (requests.RequestException, RuntimeError, ValueError, KeyError):
        return None
    return str(result["url"])
