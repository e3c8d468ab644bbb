"""Issue 15, resource limits: a request body over the largest upload limit is refused by its
Content-Length before anything reads it (samverkan.web.middleware.UploadSizeMiddleware): the
API in its error shape, a page in Swedish; nothing is saved."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from samverkan.accounts.models import Role
from samverkan.core.upload_settings import largest_upload
from samverkan.core.uploads import CHUNK, DEFAULTS
from samverkan.purchases.models import ImportBatch
from samverkan.web.middleware import UploadSizeMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(settings):
    """Every kind's byte limit at 1,000 (the ceiling: 1,000 and a chunk)."""
    settings.SAMVERKAN_UPLOAD_LIMITS = {kind: {"max_bytes": 1000} for kind in DEFAULTS}
    return 1000


@pytest.fixture
def ekonom(make_staff, orgs):
    return make_staff(Role.FINANCE_OFFICER, orgs.ostersund)


def _file(size: int) -> dict:
    return {"file": SimpleUploadedFile("stor.csv", b"x" * size, "text/csv")}


def test_the_ceiling_is_the_largest_configured_limit(settings):
    assert largest_upload() == max(limits.max_bytes for limits in DEFAULTS.values())
    settings.SAMVERKAN_UPLOAD_LIMITS = {"discharge_import": {"max_bytes": 200 * 2**20}}
    assert largest_upload() == 200 * 2**20


def test_the_api_refuses_a_body_over_the_ceiling_in_its_error_shape(api_client, ekonom, small):
    response = api_client(ekonom).post("/api/purchases/imports", _file(small + 2 * CHUNK))
    assert response.status_code == 413
    assert response.json() == {
        "detail": [
            {
                "field": "body",
                "code": "too_large",
                "message": "Begäran är för stor (högst 1000 byte).",
            }
        ]
    }
    assert not ImportBatch.objects.exists()


def test_a_page_refuses_a_body_over_the_ceiling_in_swedish(client_as, ekonom, small):
    response = client_as(ekonom).post("/tjanstekop/import/", _file(small + 2 * CHUNK))
    assert response.status_code == 413
    page = response.content.decode()
    assert "Filen är för stor (högst 1000 byte)." in page and "too_large" not in page
    assert not ImportBatch.objects.exists()


def test_a_body_under_the_ceiling_reaches_the_reader_of_its_kind(client_as, ekonom, small):
    # Over the kind's own limit but within the ceiling's chunk: the form's own message.
    data = _file(small + 10) | {"mode": ImportBatch.Mode.ALL_OR_NOTHING}
    response = client_as(ekonom).post("/tjanstekop/import/", data)
    assert response.status_code == 200, response.content[:500]
    assert response.context["form"].errors["file"] == ["Filen är för stor (högst 1000 byte)."]


def test_the_view_never_runs_and_the_body_is_not_read(small):
    def view(request):
        raise AssertionError("the view ran")

    request = RequestFactory().post(
        "/api/purchases/imports", b"x" * (small + 2 * CHUNK), content_type="text/csv"
    )
    response = UploadSizeMiddleware(view)(request)
    assert response.status_code == 413
    assert not hasattr(request, "_body") and not hasattr(request, "_post")


def test_an_anonymous_body_over_the_ceiling_gets_the_page_too(client, small):
    response = client.post("/tjanstekop/import/", _file(small + 2 * CHUNK))
    assert response.status_code == 413
    assert "Filen är för stor" in response.content.decode()
