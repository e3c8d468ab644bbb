"""The lean parts of the POST /api/decisions path (issue 10) answer as the full ones did, and
the production server logs what it should."""

from __future__ import annotations

import logging
import logging.config
import time

import pytest
from granian import log as granian_log

from samverkan.config.serve import ACCESS_LOG_FORMAT, _server_logging


def test_the_access_log_has_path_status_and_time_but_never_the_query(caplog) -> None:
    """The server's access line (granian's logger, our format) leaves out the query string
    (a search or a shared guide link can carry facts about a person)."""
    logging.config.dictConfig(_server_logging())
    line = granian_log.log_request_builder(ACCESS_LOG_FORMAT)
    request = {
        "addr_remote": "127.0.0.1",
        "path": "/personer/sok",
        "qs": "q=19121212-1212",
        "method": "GET",
        "scheme": "http",
        "protocol": "HTTP/1.1",
    }
    access = logging.getLogger("granian.access")
    access.addHandler(caplog.handler)
    try:
        line(time.time(), time.perf_counter(), request, 200)
    finally:
        access.removeHandler(caplog.handler)
    (record,) = [r for r in caplog.records if r.name == "granian.access"]
    message = record.getMessage()
    assert '"GET /personer/sok" 200' in message and message.startswith("127.0.0.1 [")
    assert "19121212" not in message and "q=" not in message


def test_server_log_lines_are_redacted() -> None:
    """The server's loggers write through the redacting formatter (a personnummer in an
    error message is masked)."""
    config = _server_logging()
    assert config["formatters"]["redacted"]["()"] == "samverkan.config.logs.RedactingFormatter"
    for name in ("_granian", "granian.access"):
        assert config["loggers"][name]["handlers"] == ["console"]


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
