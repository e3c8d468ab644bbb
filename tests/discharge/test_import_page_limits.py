"""Issue 15, resource limits on the discharge file import page (/utskrivning/import/): a file
over the size limit and a 40,000-column header are refused in Swedish on the page (no code,
no 500), and nothing is saved."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samverkan.discharge.models import Stay
from tests.discharge.test_api_and_imports import CSV

pytestmark = pytest.mark.django_db

PAGE = "/utskrivning/import/"


def _post(client, content: bytes):
    return client.post(PAGE, {"file": SimpleUploadedFile("export.csv", content, "text/csv")})


def test_a_file_over_the_size_limit_is_refused_in_swedish(client_as, staff, person, settings):
    settings.SAMVERKAN_UPLOAD_LIMITS = {"discharge_import": {"max_bytes": 100}}
    data = CSV.format(pnr=person.primary_identity().value).encode() * 3
    response = _post(client_as(staff.ward_nurse), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Filen är för stor (högst 100 byte)." in page and "too_large" not in page
    assert not Stay.objects.exists()


def test_a_40000_column_header_is_refused_in_swedish(client_as, staff):
    header = (";".join(f"k{i}" for i in range(40_000)) + "\n").encode()
    response = _post(client_as(staff.ward_nurse), header)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Högst 64 kolumner per rad." in page and "too_many_columns" not in page
    assert not Stay.objects.exists()
