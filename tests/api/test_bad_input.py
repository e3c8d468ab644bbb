"""Issue 15: bad input answers 4xx in the API's error shape, never a 500 or HTML."""

from __future__ import annotations

import pytest
from django.test import Client

from samverkan.accounts.models import Role
from samverkan.purchases import csv_import

HEADER = "datum;starttid;sluttid;person;insats;avtalsgrund\r\n"


def _shape(response, status: int, code: str, field: str | None = "__any__") -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    item = response.json()["detail"][0]
    assert item["code"] == code
    if field != "__any__":
        assert item["field"] == field


@pytest.fixture
def ekonom(make_staff, orgs):
    return make_staff(Role.FINANCE_OFFICER, orgs.ostersund)


def _upload(client: Client, content: bytes, content_type: str | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/api/purchases/imports", {"file": SimpleUploadedFile("x.csv", content, "text/csv")}
    )


def test_multipart_without_boundary(api_client, ekonom):
    response = api_client(ekonom).post(
        "/api/purchases/imports", b"--x\r\n", content_type="multipart/form-data"
    )
    _shape(response, 400, "bad_request", "body")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"datum;start\r\n\x81\x8d\x8f\x90\x9d\xff\xfe\xc3", "encoding"),  # neither UTF-8 nor cp1252
        (HEADER.encode("utf-16"), None),  # UTF-16 with BOM: read as such
        (b"\x00" * 10 + b";a\r\n", "encoding"),
        ((HEADER + "2026-11-02;08:00;09:00;" + "x" * 131_073 + ";nursing;jh-tjanstekop\r\n").encode(), "cell_too_long"),
        ((";".join(f"k{i}" for i in range(40_000)) + "\r\n").encode(), "too_many_columns"),
    ],
    ids=["not-utf8-not-cp1252", "utf16", "nul", "cell-over-131072", "40000-columns"],
)  # fmt: skip
def test_unreadable_csv_is_a_file_problem(api_client, ekonom, content, code):
    response = _upload(api_client(ekonom), content)
    assert response.status_code == 200, response.content[:300]
    problems = response.json()["file_problems"]
    if code is None:  # UTF-16 decodes: the header is understood, the file has no rows
        assert all(p["code"] not in {"encoding", "missing_columns"} for p in problems)
    else:
        assert [p["code"] for p in problems] == [code]
        assert problems[0]["field"] == "file"


def test_api_import_has_the_web_forms_size_limit(api_client, ekonom, settings):
    settings.SAMVERKAN_UPLOAD_LIMITS = {"purchases_import": {"max_bytes": 100}}
    response = _upload(api_client(ekonom), HEADER.encode() + b"x" * 200)
    _shape(response, 413, "too_large", "file")
    assert csv_import.limits().max_bytes == 100


def test_huge_page_number(api_client, ekonom):
    response = api_client(ekonom).get("/api/purchases/records?page=3260754406279438848")
    _shape(response, 422, "less_than_equal", "page")


@pytest.mark.parametrize("path", ["/api/tokens/abc", "/api/tokens/1.5"])
def test_wrong_typed_path_parameter_names_the_field(api_client, nurse, path):
    _shape(api_client(nurse).delete(path), 422, "int_parsing", "token_id")


@pytest.mark.parametrize("path", ["/api/finns-inte", "/api/tokens/1/2", "/api/sips/x/y/z"])
def test_unknown_api_address_answers_in_the_error_shape(api_client, nurse, path):
    _shape(api_client(nurse).get(path), 404, "not_found", None)


def test_unknown_address_posted_with_a_session_answers_json_not_the_csrf_page(client, nurse):
    """Found by schemathesis: a POST to a wrong-typed address with the session cookie and no
    CSRF token got Django's HTML CSRF page (403), not the API's 404."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(nurse)
    _shape(client.post("/api/persons/null,null/identities", {}), 404, "not_found", None)


def test_an_address_with_a_newline_answers_json(api_client, nurse):
    """Found by schemathesis: the fallback's `.*` stopped at a newline (HTML 404)."""
    _shape(api_client(nurse).get("/api/persons/p%0Ag"), 404, "not_found", None)


def test_false_is_no_record_id(api_client, ekonom):
    """Found by schemathesis: `record_ids: [false]` was read as record 0 (200, approved 0)."""
    response = api_client(ekonom).post(
        "/api/purchases/records/approve",
        {"month": "2026-11", "record_ids": [False]},
        content_type="application/json",
    )
    _shape(response, 422, "int_type", "record_ids.0")


@pytest.mark.parametrize("path", ["/api/purchases/records", "/api/purchases/invoices"])
def test_a_month_is_documented_and_checked(api_client, ekonom, path):
    """Found by schemathesis: `month` was any text in the schema, refused as no month (422)."""
    response = api_client(ekonom).get(f"{path}?month=notes")
    _shape(response, 422, "string_pattern_mismatch", "month")
    assert api_client(ekonom).get(f"{path}?month=2026-11").status_code == 200


def test_a_literal_path_is_not_taken_by_a_parameter_path(api_client, ekonom):
    """Found by schemathesis: `GET /records/{record_id}` took `POST /records/approve` (405)."""
    response = api_client(ekonom).post(
        "/api/purchases/records/approve", {}, content_type="application/json"
    )
    assert response.status_code != 405, response.content[:300]
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("value", ["0", "1700000000", "2026-13-01", "2026-12-2", "igår"])
def test_dates_are_iso_only(api_client, nurse, value):
    response = api_client(nurse).get(f"/api/deviations/agreements?on={value}")
    assert response.status_code == 422
    item = response.json()["detail"][0]
    assert item["field"] == "on" and item["code"].startswith("date_")
    assert item["message"] == "Ska vara ett datum (ÅÅÅÅ-MM-DD)."


def test_an_iso_date_is_read(api_client, nurse):
    assert api_client(nurse).get("/api/deviations/agreements?on=2026-12-02").status_code == 200


def test_iso_date_type_refuses_numbers():
    import datetime as dt

    from pydantic import TypeAdapter, ValidationError

    from samverkan.api.schemas import IsoDate

    adapter = TypeAdapter(IsoDate)
    assert adapter.validate_python("2026-12-02") == dt.date(2026, 12, 2)
    for bad in (0, "0", 1_700_000_000):
        with pytest.raises(ValidationError):
            adapter.validate_python(bad)


def test_facts_csv_with_40000_columns_is_refused_quickly():
    import time

    from samverkan.rules import InvalidFactsFile, read_facts

    header = ",".join(["age"] * 40_000) + "\n"
    started = time.process_time()
    with pytest.raises(InvalidFactsFile) as caught:
        list(read_facts(header.encode(), "csv"))
    assert time.process_time() - started < 1.0
    assert [e.code for e in caught.value.errors] == ["too_many_columns"]
