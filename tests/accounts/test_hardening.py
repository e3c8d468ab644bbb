"""Issue 15, hardening: login throttling, passwords, token expiry/scope, sessions, headers."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import Client

from samverkan.accounts.models import ApiToken
from samverkan.accounts.services import create_token
from samverkan.config import env

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


# --- Login throttling and lockout ---------------------------------------------------------


def test_forty_wrong_passwords_then_the_right_one_is_refused(client, nurse, password):
    for _ in range(40):
        client.post("/accounts/login/", {"username": "ssk.test", "password": "fel-lösenord"})
    response = client.post("/accounts/login/", {"username": "ssk.test", "password": password})
    assert response.status_code == 429
    assert "spärrad" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_ends_after_the_cooloff(nurse, make_staff, password):
    from samverkan.accounts.models import Role

    make_staff(Role.NURSE, username="ssk.kollega")
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            Client().post("/accounts/login/", {"username": "ssk.test", "password": "fel"})
        locked = Client().post("/accounts/login/", {"username": "ssk.test", "password": password})
        assert locked.status_code == 429
        # A colleague on the same tablet (same address) still logs in.
        other = Client().post("/accounts/login/", {"username": "ssk.kollega", "password": password})
        assert other.status_code == 302
    with time_machine.travel(NOW + dt.timedelta(minutes=16), tick=False):
        again = Client().post("/accounts/login/", {"username": "ssk.test", "password": password})
        assert again.status_code == 302


def test_failed_login_is_logged_with_the_username_only(client, nurse, caplog):
    with caplog.at_level(logging.WARNING, logger="samverkan.security"):
        client.post("/accounts/login/", {"username": "ssk.test", "password": "hemligt-fel"})
    lines = [r.getMessage() for r in caplog.records if r.name == "samverkan.security"]
    assert lines == ["Failed login for username 'ssk.test'"]
    assert not any("hemligt-fel" in r.getMessage() for r in caplog.records)


# --- Passwords ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak", ["aaaaaaaaaaaa", "abababababab", "abcabcabcabc", "aaaaaaaaaaab", "1111122222xx"]
)
def test_repetitive_passwords_are_refused(weak):
    with pytest.raises(ValidationError) as caught:
        validate_password(weak)
    assert "password_repetitive" in {e.code for e in caught.value.error_list}


def test_a_real_passphrase_passes():
    validate_password("ett-helt-nytt-lösenord-2")


def test_password_change_form_refuses_aaaaaaaaaaaa_in_swedish(client_as, nurse, password):
    response = client_as(nurse).post(
        "/accounts/password_change/",
        {"old_password": password, "new_password1": "a" * 12, "new_password2": "a" * 12},
    )
    assert response.status_code == 200
    assert "upprepar samma tecken" in response.content.decode()


# --- API tokens ---------------------------------------------------------------------------


def _get(plain: str, path: str = "/api/me"):
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_a_token_expires(nurse):
    with time_machine.travel(NOW, tick=False):
        _, plain = create_token(nurse, "integration")
        assert ApiToken.objects.get().expires == NOW + dt.timedelta(days=90)
        assert _get(plain).status_code == 200
    with time_machine.travel(NOW + dt.timedelta(days=90, seconds=1), tick=False):
        response = _get(plain)
        assert response.status_code == 401
        assert response.json()["detail"][0]["code"] == "not_authenticated"


def test_a_read_token_may_read_but_not_write(nurse):
    _, plain = create_token(nurse, "läsare", scope="read")
    assert _get(plain).status_code == 200
    token = ApiToken.objects.get()
    response = Client().delete(f"/api/tokens/{token.pk}", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert response.json()["detail"][0]["code"] == "token_scope"


def test_token_created_over_the_api_carries_scope_and_expiry(client_as, nurse):
    with time_machine.travel(NOW, tick=False):
        response = client_as(nurse).post(
            "/api/tokens", {"name": "rapport", "scope": "read", "days": 7},
            content_type="application/json",
        )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["scope"] == "read"
    assert dt.datetime.fromisoformat(body["expires"]) == NOW + dt.timedelta(days=7)


def test_tokens_end_on_password_change(client_as, nurse, password):
    _, plain = create_token(nurse, "integration")
    assert _get(plain).status_code == 200
    new = "ett-helt-nytt-lösenord-2"
    client_as(nurse).post(
        "/accounts/password_change/",
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert _get(plain).status_code == 401
    assert not ApiToken.objects.filter(user=nurse).exists()


def test_tokens_end_on_deactivation(nurse):
    _, plain = create_token(nurse, "integration")
    nurse.is_active = False
    nurse.save()
    nurse.is_active = True
    nurse.save()
    assert _get(plain).status_code == 401
    assert not ApiToken.objects.filter(user=nurse).exists()


def test_other_changes_keep_the_tokens(nurse):
    _, plain = create_token(nurse, "integration")
    nurse.first_name = "Tolvan"
    nurse.save()
    assert _get(plain).status_code == 200


# --- Sessions -----------------------------------------------------------------------------


def test_session_cookie_ends_with_the_browser_and_after_idle_time(client, nurse, password):
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    with time_machine.travel(NOW, tick=False):
        response = client.post("/accounts/login/", {"username": "ssk.test", "password": password})
        cookie = response.cookies["sessionid"]
        assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
        assert client.get("/").status_code == 200
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        assert client.get("/").status_code == 200  # activity renews the idle time
    with time_machine.travel(NOW + dt.timedelta(minutes=26), tick=False):
        assert client.get("/").status_code == 302  # idle for 16 minutes: logged out


# --- Headers ------------------------------------------------------------------------------


def test_authenticated_pages_and_api_answers_are_never_stored(client_as, nurse, api_client):
    page = client_as(nurse).get("/")
    assert "no-store" in page["Cache-Control"]
    api = api_client(nurse).get("/api/me")
    assert api.status_code == 200 and "no-store" in api["Cache-Control"]


def test_csp_header_on_pages(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy


@pytest.mark.parametrize(
    "key", ["kort", "x" * 60, "django-insecure-" + "abcdefghij" * 5, env.DEV_SECRET_KEY]
)
def test_weak_secret_key_refused_outside_development(monkeypatch, tmp_path, key):
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is too weak"):
        env.secret_key(debug=False, allowed_hosts=["samverkan.example.se"], var=tmp_path)
    assert env.secret_key(debug=True, allowed_hosts=["x.se"], var=tmp_path) == key


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    # Not the test harness's own: the browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE.
    harness = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in harness}
    environment |= {
        "SECRET_KEY": "k" + "0123456789abcdefghijKLMNOPQRSTUVWXYZ" * 2,
        "SAMVERKAN_HTTPS": "1",
        "SAMVERKAN_DEBUG": "0",
        "ALLOWED_HOSTS": "samverkan.example.se",
        "SAMVERKAN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "samverkan.config.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(__file__).resolve().parents[2], env=environment,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
