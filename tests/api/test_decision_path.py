"""The lean parts of the POST /api/decisions path (issue 10) answer as the full ones did."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from gunicorn import glogging
from gunicorn.config import Config

from samverkan.config.access_log import AccessLogger
from samverkan.config.serve import ACCESS_LOG_FORMAT


def _collect(records: list[str]):
    return lambda message, atoms: records.append(message % atoms)


def _config(access_format: str) -> Config:
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", access_format)
    return cfg


@pytest.mark.parametrize("access_format", [ACCESS_LOG_FORMAT, '%(h)s "%(r)s" %(a)s %({x-y}i)s'])
def test_the_lean_access_log_writes_gunicorns_lines(access_format, monkeypatch) -> None:
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/decisions",
        "RAW_URI": "/api/decisions",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": "",
        "HTTP_USER_AGENT": "bench",
    }
    request = SimpleNamespace(headers=[("X-Y", "z"), ("AUTHORIZATION", "Bearer x")])
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[("Content-Type", "x")])
    took = dt.timedelta(milliseconds=3, microseconds=400)
    lines = []
    for cls in (glogging.Logger, AccessLogger):
        logger = cls(_config(access_format))
        monkeypatch.setattr(logger, "now", lambda: "[02/Dec/2026:04:00:00 +0000]")
        records: list[str] = []
        monkeypatch.setattr(logger.access_log, "info", _collect(records))
        logger.access(response, request, environ, took)
        lines.append(records)
    assert lines[0] == lines[1] and len(lines[0]) == 1


def test_api_answers_keep_the_language_headers(client) -> None:
    response = client.post("/api/decisions", "{}", content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Language"] == "sv"
    assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_a_page_keeps_its_language_and_flash_messages(client_as, nurse) -> None:
    client = client_as(nurse)
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "sv"
    assert hasattr(response.wsgi_request, "_messages")
