"""The access matrix of the login addresses (samverkan.accounts.urls): every one of them, as
an anonymous visitor and as a logged-in nurse, GET and POST, with no identity provider
connected. The SSO addresses (SAML2, OIDC) open without login (never a redirect to the login
page) and refuse what they do not serve; a new login address must enter this table. With a
provider connected: tests/accounts/test_oidc.py and test_saml.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samverkan.accounts import urls

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"

#: name -> (anonymous GET, nurse GET, anonymous POST); "login" is a redirect to the login page.
MATRIX: dict[str, tuple[int | str, int | str, int | str]] = {
    "login": (200, 302, 200),
    "logout": ("login", 405, "login"),  # POST only; an anonymous POST lands on the login page
    "password_change": ("login", 200, "login"),
    "password_change_done": ("login", 200, "login"),
    "saml2_login": (404, 404, 405),  # 404: no IdP connected (Swedish page)
    "saml2_acs": (405, 405, 400),  # the IdP posts here; an empty POST is no SAML response
    "saml2_ls": (400, 400, 400),
    "saml2_ls_post": (400, 400, 400),
    "saml2_metadata": (200, 200, 405),  # the SP's metadata is public
    "oidc_login": (404, 404, 405),  # 404: no provider of that name connected; GET only
    "oidc_callback": (404, 404, 405),
}


def _path(pattern) -> str:
    return reverse(
        pattern.name, kwargs={"provider": "region"} if "<" in str(pattern.pattern) else {}
    )


def test_every_login_address_is_in_the_matrix():
    assert sorted(p.name for p in urls.urlpatterns) == sorted(MATRIX)


@pytest.mark.parametrize("pattern", urls.urlpatterns, ids=lambda p: p.name)
def test_login_address_answers_as_the_matrix_says(client, client_as, nurse, pattern):
    path = _path(pattern)
    logged_in = client_as(nurse)
    answers = (client.get(path), logged_in.get(path), client.post(path))
    wrong = []
    for who, expected, response in zip(("anonymous GET", "nurse GET", "anonymous POST"),
                                       MATRIX[pattern.name], answers, strict=True):  # fmt: skip
        if expected == "login":
            ok = response.status_code == 302 and response["Location"].startswith(LOGIN)
        else:
            ok = response.status_code == expected
            if response.status_code == 302:
                ok = ok and not response["Location"].startswith(LOGIN)
        if not ok:
            wrong.append((who, expected, response.status_code, response.get("Location")))
    assert not wrong, (path, wrong)


@pytest.mark.parametrize("name", ["saml2_login", "oidc_login", "oidc_callback"])
def test_an_unconnected_sso_address_answers_in_swedish(client, name):
    response = client.get(_path(next(p for p in urls.urlpatterns if p.name == name)))
    assert response.status_code == 404
    assert "inte ansluten" in response.content.decode()
