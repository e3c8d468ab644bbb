"""Issue 15, upload limit while streaming: a multipart file stops at its kind's byte limit while
Django receives it (core.upload_handlers.LimitedUploadHandler, installed by
web.middleware.UploadLimitMiddleware), instead of being spooled whole to a temporary file
before the reader refuses it. The answers stay those of the reader: 413 ``too_large`` naming
``file`` in the API, the Swedish message on the form's field."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse

from samverkan.accounts.models import Role
from samverkan.core.uploads import DEFAULTS
from samverkan.purchases.models import ImportBatch
from samverkan.web.middleware import UPLOAD_VIEWS

pytestmark = pytest.mark.django_db

LIMIT = 1000


@pytest.fixture
def written(settings, monkeypatch):
    """Every kind's byte limit at 1,000, every file over 100 bytes to a temporary file, and
    the bytes written to each file's temporary file, by file name."""
    settings.SAMVERKAN_UPLOAD_LIMITS = {kind: {"max_bytes": LIMIT} for kind in DEFAULTS}
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    seen: dict[str, int] = {}
    original = TemporaryFileUploadHandler.receive_data_chunk

    def record(self, raw_data, start):
        seen[self.file_name] = seen.get(self.file_name, 0) + len(raw_data)
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", record)
    return seen


@pytest.fixture
def ekonom(make_staff, orgs):
    return make_staff(Role.FINANCE_OFFICER, orgs.ostersund)


def over(name: str = "stor.csv", size: int = 5 * LIMIT) -> SimpleUploadedFile:
    """A file over its kind's limit but under the ceiling of all kinds (1,000 and 64 kB), so
    that UploadSizeMiddleware lets it through to the handlers."""
    return SimpleUploadedFile(name, b"x;" * (size // 2), "text/csv")


def test_every_upload_view_name_resolves_to_a_known_kind():
    for view_name, kind in UPLOAD_VIEWS.items():
        assert kind in DEFAULTS
        assert reverse(view_name)  # no path parameters: each is one address


def test_the_api_import_stops_at_the_limit_and_answers_as_before(api_client, ekonom, written):
    response = api_client(ekonom).post("/api/purchases/imports", {"file": over("a.csv")})
    assert response.status_code == 413, response.content[:300]
    item = response.json()["detail"][0]
    assert (item["field"], item["code"]) == ("file", "too_large")
    assert item["message"] == "Filen är för stor (högst 1000 byte)."
    assert 0 < written["a.csv"] <= LIMIT  # not the 5,000 bytes sent
    assert not ImportBatch.objects.exists()


def test_the_form_stops_at_the_limit_and_names_the_field(client_as, ekonom, written):
    data = {"file": over("b.csv"), "mode": ImportBatch.Mode.ALL_OR_NOTHING}
    response = client_as(ekonom).post("/tjanstekop/import/", data)
    assert response.status_code == 200, response.content[:500]
    assert response.context["form"].errors["file"] == ["Filen är för stor (högst 1000 byte)."]
    assert response.context["form"].data["mode"] == ImportBatch.Mode.ALL_OR_NOTHING  # rest kept
    assert 0 < written["b.csv"] <= LIMIT
    assert not ImportBatch.objects.exists()


def test_the_batch_multipart_stops_at_the_limit(api_client, nurse, written):
    response = api_client(nurse).post("/api/decisions/batch", {"file": over("c.csv")})
    assert response.status_code == 413, response.content[:300]
    assert response.json()["detail"][0]["code"] == "too_large"
    assert written["c.csv"] <= LIMIT


def test_a_file_exactly_at_the_limit_is_received_whole(api_client, ekonom, written):
    header = b"datum;utforare\n"
    data = header + b"x" * (LIMIT - len(header))
    upload = SimpleUploadedFile("d.csv", data, "text/csv")
    response = api_client(ekonom).post("/api/purchases/imports", {"file": upload})
    assert written["d.csv"] == LIMIT
    assert response.status_code != 413 or response.json()["detail"][0]["code"] != "too_large"
