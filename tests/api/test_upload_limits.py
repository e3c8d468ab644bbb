"""Issue 15: resource limits on every upload, through core.uploads (regressions per path)."""

from __future__ import annotations

import json

import pytest

BATCH = "/api/decisions/batch"
JSONL = "application/x-ndjson"


@pytest.fixture
def api(api_client, nurse):
    return api_client(nurse)


def _first(response):
    return response.json()["detail"][0]


def test_batch_jsonl_line_nested_too_deep_names_the_row(api):
    body = "{}\n" + json.dumps({"age": [[[[[1]]]]]}) + "\n"
    response = api.post(BATCH, body, content_type=JSONL)
    assert response.status_code == 422, response.content[:300]
    assert (_first(response)["code"], _first(response)["row"]) == ("too_deep", 2)


def test_batch_csv_cell_over_131072_characters_is_cell_too_long(api):
    body = "housing\n" + "x" * 131_073 + "\n"
    response = api.post(BATCH, body, content_type="text/csv")
    assert response.status_code == 422, response.content[:300]
    assert _first(response)["code"] == "cell_too_long"


def test_batch_utf16_is_refused_by_name(api):
    response = api.post(BATCH, "{}\n".encode("utf-16"), content_type=JSONL)
    assert response.status_code == 400
    assert _first(response)["code"] == "invalid_encoding"
    assert "UTF-16" in _first(response)["message"]


def test_a_json_body_nested_too_deep_is_422_not_400(client_as, nurse):
    body = json.dumps(
        {
            "name": "x",
            "scope": [
                [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
            ],
        }
    )
    response = client_as(nurse).post("/api/tokens", body, content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    assert _first(response)["code"] == "too_deep"
