"""Settings from the environment, log redaction, and `serve`."""

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from samverkan.config import env
from samverkan.config.logs import RedactingFormatter, redact
from samverkan.config.serve import _bind_host, _prepare


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("SAMVERKAN_X", " 1 ")
    assert env.env_bool("SAMVERKAN_X")
    monkeypatch.setenv("SAMVERKAN_X", "0")
    assert not env.env_bool("SAMVERKAN_X")
    monkeypatch.setenv("SAMVERKAN_X", "a.se, b.se,")
    assert env.env_list("SAMVERKAN_X") == ["a.se", "b.se"]
    monkeypatch.delenv("SAMVERKAN_X")
    assert env.env_list("SAMVERKAN_X", "127.0.0.1,localhost") == ["127.0.0.1", "localhost"]


def test_env_int_is_bounded_and_named(monkeypatch):
    name = "SAMVERKAN_EMERGENCY_ACCESS_HOURS"
    monkeypatch.delenv(name, raising=False)
    assert env.env_int(name, 4, 1, 24) == 4
    monkeypatch.setenv(name, "8")
    assert env.env_int(name, 4, 1, 24) == 8
    for bad in ("fyra", "0", "25"):
        monkeypatch.setenv(name, bad)
        with pytest.raises(ImproperlyConfigured, match=name):
            env.env_int(name, 4, 1, 24)


def test_var_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("SAMVERKAN_VAR_DIR", raising=False)
    assert env.var_dir() == env.PROJECT_ROOT / "var"  # tests run from a checkout
    monkeypatch.setenv("SAMVERKAN_VAR_DIR", str(tmp_path))
    assert env.var_dir() == tmp_path


def test_secret_key_rules(monkeypatch, tmp_path):
    strong = "k" + "0123456789abcdefghij" * 3
    monkeypatch.setenv("SECRET_KEY", strong)
    assert env.secret_key(debug=False, allowed_hosts=["x.se"], var=tmp_path) == strong
    monkeypatch.delenv("SECRET_KEY")
    assert env.secret_key(debug=True, allowed_hosts=["x.se"], var=tmp_path) == env.DEV_SECRET_KEY
    with pytest.raises(ImproperlyConfigured):
        env.secret_key(debug=False, allowed_hosts=["samverkan.example.se"], var=tmp_path)
    local = env.secret_key(debug=False, allowed_hosts=["127.0.0.1", "localhost"], var=tmp_path)
    assert len(local) > 40 and local != env.DEV_SECRET_KEY
    assert env.secret_key(debug=False, allowed_hosts=["localhost"], var=tmp_path) == local
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_default_settings(settings):
    assert settings.LANGUAGE_CODE == "sv"
    assert [code for code, _ in settings.LANGUAGES] == ["sv", "en"]
    assert settings.TIME_ZONE == "Europe/Stockholm" and settings.USE_TZ
    assert not settings.SESSION_COOKIE_SECURE  # http://127.0.0.1 must work without HTTPS
    assert "django_htmx.middleware.HtmxMiddleware" in settings.MIDDLEWARE
    assert settings.INSTALLED_APPS[:3] == ["samverkan.web", "samverkan.accounts", "samverkan.audit"]


def test_redaction_masks_identifiers():
    text = "person 19121212-1212, 191212121212, 121212+1212, org 212000-2627, a@b.se, id 42"
    assert redact(text) == "person [id], [id], [id], org [id], [e-post], id 42"


def test_formatter_redacts_tracebacks_too():
    try:
        raise ValueError("ogiltigt personnummer 19121212-1212")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "fel för %s", ("191212121212",), sys.exc_info()
        )
    out = RedactingFormatter("%(message)s").format(record)
    assert "121212" not in out
    assert out.startswith("fel för [id]") and out.endswith("ValueError: ogiltigt personnummer [id]")


def test_bind_host():
    assert _bind_host("127.0.0.1") == "127.0.0.1"
    assert _bind_host("::1") == "[::1]"


@pytest.mark.django_db
def test_prepare_collects_static_and_loads_demo(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    _prepare()
    assert (tmp_path / "static" / "web" / "htmx.min.js").is_file()
    from samverkan.accounts.models import Organisation

    assert Organisation.objects.count() == 21  # with the demo private provider


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_the_production_server_end_to_end(tmp_path):
    """The real thing: a fresh var dir, migrate, collectstatic, demo, granian, HTTP."""
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    environment |= {
        "SAMVERKAN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "samverkan.config.settings",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", f"from samverkan.config.serve import serve; serve(port={port}, workers=1)"],
        cwd=Path(__file__).resolve().parents[2], env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        # First start migrates and loads the demo (invoice runs validated by the Peppol rules):
        # generous, as this checks that it comes up, not how fast.
        deadline = time.monotonic() + 240
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as page:
                    html = page.read().decode()
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.3)
        assert "Logga in" in html
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/web/htmx.min.js") as js:
            assert js.status == 200
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert f"http://127.0.0.1:{port}/" in output
    assert "samverkan-demo" in output
    assert (tmp_path / "samverkan.sqlite3").is_file()
