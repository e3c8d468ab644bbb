"""Login, logout (POST) and password change with Swedish templates; names as Django's own.

`saml2/` holds the SAML2 service provider (samverkan.accounts.saml): login at an IdP,
assertion consumer, single logout and the SP's metadata; `oidc/<provider>/` the OpenID Connect
login (samverkan.accounts.oidc).
"""

from django.contrib.auth import views as auth_views
from django.urls import path
from djangosaml2 import views as saml_views

from samverkan.accounts import oidc, saml

urlpatterns = [
    path("login/", saml.PasswordLoginView.as_view(), name="login"),
    path("logout/", saml.logout, name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # --- SAML2 (names as djangosaml2's own) ---
    path("saml2/login/", saml.SamlLoginView.as_view(), name="saml2_login"),
    path("saml2/acs/", saml.AcsView.as_view(), name="saml2_acs"),
    path("saml2/ls/", saml_views.LogoutView.as_view(), name="saml2_ls"),
    path("saml2/ls/post/", saml_views.LogoutView.as_view(), name="saml2_ls_post"),
    path("saml2/metadata/", saml_views.MetadataView.as_view(), name="saml2_metadata"),
    # --- OpenID Connect (samverkan.accounts.oidc), one pair per configured provider ---
    path("oidc/<slug:provider>/login/", oidc.login, name="oidc_login"),
    path("oidc/<slug:provider>/callback/", oidc.callback, name="oidc_callback"),
]
