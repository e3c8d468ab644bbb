"""The population register integration point: the default connects nothing, the JSON stand-in
records and ends protections with source POPULATION_REGISTER, on registration and by the sync
command; staff markings are never touched by it (issue 11)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from samverkan.audit.models import Action, AuditEvent
from samverkan.people import access, services
from samverkan.people.identity import parse_identifier
from samverkan.people.models import IdentityProtection, ProtectionKind, ProtectionSource
from samverkan.people.population_register import (
    JsonFileRegister,
    NotConnected,
    ProtectionMarkers,
    register,
    sync_person,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "population_register.json"
MARKED = "195001182046"  # sekretessmarkering in the stand-in file
PROTECTED = "195001182061"  # skyddad folkbokföring
PLAIN = "195001232296"


@pytest.fixture
def stand_in(settings):
    settings.SAMVERKAN_POPULATION_REGISTER = "samverkan.people.population_register.JsonFileRegister"
    settings.SAMVERKAN_POPULATION_REGISTER_FILE = str(DATA)


def _register(nurse, number, **fields):
    person, created = services.create_person(
        nurse,
        identifier=number,
        given_name="Tolvan",
        family_name="Tolvansson",
        confirm_care_relation=True,
        reason="Inskrivning",
        **fields,
    )
    assert created
    return person


def test_default_connects_nothing(nurse):
    assert isinstance(register(), NotConnected)
    person = _register(nurse, PROTECTED)
    assert not IdentityProtection.objects.exists()
    assert sync_person(person).looked_up == 0


def test_stand_in_reads_markers(stand_in):
    adapter = register()
    assert isinstance(adapter, JsonFileRegister)
    assert adapter.lookup(parse_identifier(MARKED)) == ProtectionMarkers(True, False)
    assert adapter.lookup(parse_identifier(PROTECTED)) == ProtectionMarkers(False, True)
    assert adapter.lookup(parse_identifier("195002132461")) == ProtectionMarkers()


def test_registration_records_protection_from_register(stand_in, nurse):
    marked, protected, plain = (_register(nurse, n) for n in (MARKED, PROTECTED, PLAIN))
    assert [(p.kind, p.source) for p in marked.protections.all()] == [
        (ProtectionKind.CONFIDENTIALITY_MARKING, ProtectionSource.POPULATION_REGISTER)
    ]
    assert [p.kind for p in protected.protections.all()] == [ProtectionKind.PROTECTED_REGISTRATION]
    assert not plain.protections.exists()
    assert access.is_protected(marked) and access.is_protected(protected)
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="people.identityprotection", person_ref=protected.ref
    ).exists()


def test_sync_command_ends_what_the_register_no_longer_says(stand_in, nurse, settings, tmp_path):
    person = _register(nurse, PROTECTED)
    staff_mark = services.mark_protected(nurse, person, kind="confidentiality_marking")
    changed = tmp_path / "register.json"
    changed.write_text(json.dumps({PROTECTED: {"protectedPopulationRecord": False}}))
    settings.SAMVERKAN_POPULATION_REGISTER_FILE = str(changed)
    out = StringIO()
    call_command("sync_protection", stdout=out)
    assert "1 upphörda" in out.getvalue()
    assert PROTECTED not in out.getvalue()  # counts only
    register_row = person.protections.get(source=ProtectionSource.POPULATION_REGISTER)
    assert register_row.ended_at is not None
    staff_mark.refresh_from_db()
    assert staff_mark.ended_at is None  # what staff marked, the register never ends
    assert access.is_protected(person)


def test_unanswered_lookup_ends_nothing(nurse, stand_in):
    person = _register(nurse, PROTECTED)

    class Broken:
        connected = True

        def lookup(self, identifier):
            raise TimeoutError

    result = sync_person(person, adapter=Broken())
    assert result.unanswered == 1
    assert person.protections.filter(ended_at__isnull=True).count() == 1


def test_sync_command_without_register(nurse):
    out = StringIO()
    call_command("sync_protection", stdout=out)
    assert "Ingen folkbokföring" in out.getvalue()
