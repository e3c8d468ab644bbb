"""Who may open what: anonymous redirects, public paths, the API's own 401."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from samverkan.web import public
from samverkan.web.middleware import LoginRequiredMiddleware


@pytest.mark.parametrize("path", ["/", "/audit/", "/accounts/password_change/"])
def test_anonymous_is_redirected_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/api/docs", "/api/openapi.json"])
def test_public_paths_open_without_login(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_api_answers_401_instead_of_redirecting(client):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_static_files_are_public(settings):
    assert public.is_public(settings.STATIC_URL + "web/samverkan.css")


def _view(request):
    return HttpResponse("ok")


@pytest.fixture
def middleware():
    return LoginRequiredMiddleware(_view)


@pytest.fixture
def anonymous_get():
    from django.contrib.auth.models import AnonymousUser

    def make(path):
        request = RequestFactory().get(path)
        request.user = AnonymousUser()
        return request

    return make


def test_registered_public_path_is_let_through(middleware, anonymous_get, monkeypatch):
    monkeypatch.setattr(public, "PUBLIC_PATHS", [p for p in public.PUBLIC_PATHS if p != "/ny-app/"])
    request = anonymous_get("/ny-app/fraga/")
    assert middleware.process_view(request, _view, (), {}).status_code == 302
    public.register_public_path("/ny-app/")
    assert middleware.process_view(request, _view, (), {}) is None


def test_exact_entries_are_not_prefixes():
    assert public.is_public("/api/docs")
    assert not public.is_public("/api/docs-secret")
    assert public.is_public("/accounts/login/anything")
