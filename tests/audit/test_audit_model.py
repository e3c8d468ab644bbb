import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory

from samverkan.accounts.models import Role, StaffProfile
from samverkan.audit.models import Action, AppendOnlyError, AuditEvent
from samverkan.audit.services import record, record_many


@pytest.fixture
def event(nurse):
    return record(nurse, Action.VIEW, "people.person", 42, person_ref="191212121212", why="SIP")


def test_record_copies_organisation_and_role(event, nurse, orgs):
    assert event.user == nurse
    assert event.organisation == orgs.ostersund
    assert event.role == Role.NURSE
    assert (event.object_type, event.object_id) == ("people.person", "42")
    assert event.person_ref == "191212121212"
    assert event.why == "SIP"
    assert event.ip is None


def test_role_is_kept_as_it_was(event, nurse):
    StaffProfile.objects.filter(user=nurse).update(role=Role.MAS)
    event.refresh_from_db()
    assert event.role == Role.NURSE


def test_record_from_a_request_takes_the_ip(nurse):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    request.user = nurse
    event = record(request, Action.EXPORT, AuditEvent)
    assert event.ip == "10.1.2.3"
    assert event.object_type == "audit.auditevent"
    assert event.user == nurse


@pytest.mark.django_db
def test_record_without_a_user():
    event = record(None, Action.LOGIN_FAILED)
    assert event.user is None and event.organisation is None and event.role == ""
    assert event.person_ref is None


@pytest.mark.django_db
def test_unknown_action_is_refused():
    with pytest.raises(ValueError):
        record(None, "peek")


def test_saved_event_cannot_be_saved_again(event):
    event.why = "ändrat"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_new_event_with_an_existing_pk_cannot_overwrite(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent(pk=event.pk, action=Action.DELETE).save()
    event.refresh_from_db()
    assert event.action == Action.VIEW


def test_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_blocked(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(why="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["why"])
    assert AuditEvent.objects.get(pk=event.pk).why == "SIP"


def test_user_with_a_log_cannot_be_deleted(event, nurse):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        nurse.delete()


@pytest.mark.postgres_only
def test_postgresql_trigger_refuses_raw_update_and_delete(event):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    for sql in ("UPDATE audit_auditevent SET why = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).why == "SIP"


def test_force_login_is_recorded_with_the_user(client_as, nurse):
    client_as(nurse)
    assert AuditEvent.objects.get(action=Action.LOGIN).user == nurse


def test_record_many_writes_one_event_per_person_like_record(nurse, orgs):
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.4")
    request.user = nurse
    refs = ["191212121212", "201212121212", "person:7"]
    assert record_many(request, Action.CREATE, AuditEvent, "import:3", person_refs=refs, why="X")
    events = AuditEvent.objects.filter(object_id="import:3").order_by("person_ref")
    assert [e.person_ref for e in events] == sorted(refs)
    assert {(e.user_id, e.organisation_id, e.role, e.action, e.ip, e.why) for e in events} == {
        (nurse.pk, orgs.ostersund.pk, Role.NURSE, Action.CREATE, "10.1.2.4", "X")
    }
    assert record_many(nurse, Action.CREATE, AuditEvent, "x", person_refs=[], why="") == 0
