"""Issue 15, resource limits: ``import_fhir_patients`` reads each file by the shared upload
reader with the ``fhir`` limits (core.uploads): a file past a limit, or no JSON, is skipped
with the limit's message and code (no traceback), the good files are imported."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from samverkan.accounts.models import Role
from samverkan.people.models import Person
from samverkan.people.testpersons import shared_dir

pytestmark = pytest.mark.django_db

GOOD = shared_dir() / "testdata" / "fhir" / "patient-personnummer.json"


def _run(*files, capsys):
    call_command(
        "import_fhir_patients",
        *map(str, files),
        user="ssk.import",
        reason="Inskrivning",
        confirm_care_relation=True,
    )
    return capsys.readouterr()


@pytest.fixture
def importer(make_staff, orgs):
    return make_staff(Role.NURSE, orgs.region_jh, "ssk.import")


def test_a_file_over_the_size_limit_is_skipped_by_name(importer, tmp_path, settings, capsys):
    settings.SAMVERKAN_UPLOAD_LIMITS = {"fhir": {"max_bytes": 4096}}
    big = tmp_path / "stor.json"
    big.write_text(json.dumps({"resourceType": "Patient", "text": "x" * 5000}), "utf-8")
    out = _run(big, GOOD, capsys=capsys)
    assert "stor.json: Filen är för stor (högst 4 kB). (too_large)" in out.err
    assert "1 nya, 0 fanns redan, 1 fel." in out.out
    assert Person.objects.count() == 1
    assert "196101182803" not in out.out + out.err


def test_a_bundle_with_too_many_entries_imports_none_of_it(importer, tmp_path, settings, capsys):
    settings.SAMVERKAN_UPLOAD_LIMITS = {"fhir": {"max_items": 2}}
    patient = json.loads(GOOD.read_text("utf-8"))
    bundle = tmp_path / "bundle.json"
    bundle.write_text(
        json.dumps({"resourceType": "Bundle", "type": "collection",
                    "entry": [{"resource": patient}] * 3}),
        "utf-8",
    )  # fmt: skip
    out = _run(bundle, capsys=capsys)
    assert "(too_many_items)" in out.err
    assert "0 nya, 0 fanns redan, 1 fel." in out.out
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "too_deep"),  # RecursionError before
        (b"{nope", "invalid_json"),  # JSONDecodeError before
        ('{"resourceType": "Patient"}'.encode("utf-16"), "encoding"),  # UnicodeDecodeError
        (b"[1, 2]", "not_a_resource"),  # AttributeError before
    ],
    ids=["deep", "not-json", "utf16", "array"],
)
def test_a_bad_file_is_a_counted_failure_not_a_traceback(importer, tmp_path, capsys, content, code):
    bad = tmp_path / "fel.json"
    bad.write_bytes(content)
    out = _run(bad, capsys=capsys)
    assert "fel.json: " in out.err and f"({code})" in out.err
    assert "0 nya, 0 fanns redan, 1 fel." in out.out


# --- people.fhir.parse_resource reads text by the shared reader -----------------------------


def _nested(depth: int) -> str:
    resource = json.loads(GOOD.read_text("utf-8"))
    text = json.dumps(resource)
    return text[:-1] + ', "_deep": ' + "[" * depth + "]" * depth + "}"


def test_parse_resource_limits_the_nesting_of_text(settings):
    from samverkan.core.uploads import UploadError
    from samverkan.people import fhir

    settings.SAMVERKAN_UPLOAD_LIMITS = {"fhir": {"max_depth": 5}}
    with pytest.raises(UploadError) as exc:
        fhir.parse_resource(_nested(10))
    assert (exc.value.code, exc.value.status) == ("too_deep", 422)
    assert exc.value.message == "JSON får vara nästlat högst 5 nivåer."


def test_parse_resource_limits_the_size_of_text(settings):
    from samverkan.core.uploads import UploadError
    from samverkan.people import fhir

    settings.SAMVERKAN_UPLOAD_LIMITS = {"fhir": {"max_bytes": 100}}
    with pytest.raises(UploadError) as exc:
        fhir.parse_resource(GOOD.read_bytes())
    assert (exc.value.code, exc.value.status) == ("too_large", 413)
    assert exc.value.message == "Resursen är för stor (högst 100 byte)."


def test_parse_resource_says_in_swedish_where_text_is_no_json():
    from samverkan.people import fhir

    with pytest.raises(fhir.FhirStructureError) as exc:
        fhir.parse_resource('{"resourceType": "Patient",}')
    assert str(exc.value) == (
        "Resursen är inte giltig JSON (rad 1, kolumn 28: ett namn inom dubbla citattecken "
        "väntades)."
    )
