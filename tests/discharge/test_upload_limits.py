"""Issue 15: the discharge room's uploads have the shared limits (core.uploads)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from samverkan.discharge.models import Stay
from tests.discharge.test_api_and_imports import CSV, _encounter
from tests.web.test_upload_streaming import LIMIT, over, written  # noqa: F401 (a fixture)


def test_a_bundle_with_too_many_entries_is_413_and_saves_nothing(
    api_client, staff, person, settings
):
    settings.SAMVERKAN_UPLOAD_LIMITS = {"fhir": {"max_items": 3}}
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": _encounter(person)}] * 4}  # fmt: skip
    response = api_client(staff.ward_nurse).post(
        "/api/discharge/fhir", bundle, content_type="application/json"
    )
    assert response.status_code == 413, response.content[:300]
    item = response.json()["detail"][0]
    assert (item["code"], item["field"]) == ("too_many_items", "entry")
    assert not Stay.objects.exists()


def test_csv_with_an_overlong_cell_after_a_good_row_saves_nothing(api_client, staff, person):
    good = CSV.format(pnr=person.primary_identity().value)
    bad = good + "T-2;" + "x" * 131_073 + ";;;;;;;;;;;;\n"
    response = api_client(staff.ward_nurse).post(
        "/api/discharge/import", {"file": SimpleUploadedFile("x.csv", bad.encode(), "text/csv")}
    )
    assert response.status_code == 422, response.content[:300]
    assert response.json()["detail"][0]["code"] == "cell_too_long"
    assert not Stay.objects.exists()


def test_csv_over_the_size_limit_is_413(api_client, staff, person, settings):
    settings.SAMVERKAN_UPLOAD_LIMITS = {"discharge_import": {"max_bytes": 100}}
    data = CSV.format(pnr=person.primary_identity().value).encode() * 3
    response = api_client(staff.ward_nurse).post(
        "/api/discharge/import", {"file": SimpleUploadedFile("x.csv", data, "text/csv")}
    )
    assert response.status_code == 413
    assert response.json()["detail"][0]["field"] == "file"


def test_a_file_over_the_limit_stops_at_it_while_received(
    api_client,
    client_as,
    staff,
    written,  # noqa: F811 (the fixture imported above)
):
    """Issue 15: the discharge import's files stop at their kind's limit as they come (the
    temporary file never gets past it); the answers are the reader's, API and page alike."""
    response = api_client(staff.ward_nurse).post("/api/discharge/import", {"file": over("api.csv")})
    assert response.status_code == 413, response.content[:300]
    assert response.json()["detail"][0]["field"] == "file"
    page = client_as(staff.ward_nurse).post("/utskrivning/import/", {"file": over("sida.csv")})
    assert "Filen är för stor (högst 1000 byte)." in page.content.decode()
    assert 0 < written["api.csv"] <= LIMIT and 0 < written["sida.csv"] <= LIMIT
    assert not Stay.objects.exists()
