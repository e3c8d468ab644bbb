"""Paths anonymous users may open without being sent to the login page.

An entry ending in "/" is a prefix, any other entry must match exactly. Apps with public
pages (the responsibility guide: no personal data) add theirs in AppConfig.ready():

    from samverkan.web.public import register_public_path
    register_public_path("/guide/")

A single view can instead use django.contrib.auth.decorators.login_not_required.
"""

from __future__ import annotations

from django.conf import settings

PUBLIC_PATHS: list[str] = [
    "/accounts/login/",
    "/accounts/saml2/",  # SAML2: the IdP posts here and a login starts here (accounts.saml)
    "/api/docs",
    "/api/openapi.json",
    "/i18n/",
]


def register_public_path(path: str) -> None:
    if path not in PUBLIC_PATHS:
        PUBLIC_PATHS.append(path)


def is_public(path: str) -> bool:
    if path.startswith(settings.STATIC_URL):
        return True
    return any(
        path.startswith(entry) if entry.endswith("/") else path == entry for entry in PUBLIC_PATHS
    )
