"""notify(): in-app notifications with a count in the header, e-mail to users who opted in
through a real SMTP server on loopback, never personal data in the mail."""

from __future__ import annotations

import pytest

from samverkan.accounts.models import Role, Unit
from samverkan.notifications.models import Kind, Notification
from samverkan.notifications.services import notify, set_email_preference, unread_count


@pytest.fixture
def unit(orgs):
    return Unit.objects.create(organisation=orgs.ostersund, name="Hemsjukvården Norr", kind="other")


def test_unit_reaches_its_staff_and_not_the_actor(make_staff, orgs, unit):
    a = make_staff(Role.NURSE, orgs.ostersund, unit=unit)
    b = make_staff(Role.NURSE, orgs.ostersund, unit=unit)
    elsewhere = make_staff(Role.NURSE, orgs.ostersund)
    notify(unit, Kind.SIP_INVITATION, "/sip/1/", actor=a)
    assert unread_count(b) == 1
    assert unread_count(a) == 0 and unread_count(elsewhere) == 0


def test_organisation_by_roles_and_once_per_key(make_staff, orgs):
    mas = make_staff(Role.MAS, orgs.ostersund)
    nurse = make_staff(Role.NURSE, orgs.ostersund)
    for _ in range(2):
        notify(orgs.ostersund, Kind.DEVIATION, "/avvikelser/1/", roles=[Role.MAS], key="dev:1")
    assert unread_count(mas) == 1 and unread_count(nurse) == 0


def test_links_stay_inside_the_service(nurse):
    for link in ("https://evil.example/", "//evil.example/", "sip/1/"):
        with pytest.raises(ValueError):
            notify(nurse, Kind.TASK, link)
    assert not Notification.objects.exists()


def test_count_in_header_and_open_marks_read(client_as, make_staff, orgs):
    nurse = make_staff(Role.NURSE, orgs.ostersund)
    other = make_staff(Role.NURSE, orgs.ostersund)
    (n,) = notify(nurse, Kind.SIP_ANSWER, "/sip/7/")
    client = client_as(nurse)
    start = client.get("/").content.decode()
    assert 'href="/notiser/"' in start and "1 oläst" in start
    page = client.get("/notiser/").content.decode()
    assert "Svar på en kallelse till SIP" in page
    # Another user's notification is not found; one's own leads to the case and is read.
    assert client_as(other).get(f"/notiser/{n.pk}/").status_code == 404
    opened = client.get(f"/notiser/{n.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/sip/7/"
    assert unread_count(nurse) == 0
    assert "oläst" not in client.get("/").content.decode()
    notify(nurse, Kind.TASK, "/personer/uppgifter/1/")
    assert client.post("/notiser/").status_code == 302
    assert unread_count(nurse) == 0


def test_email_only_when_opted_in_neutral_with_link(
    make_staff, orgs, smtp_server, django_capture_on_commit_callbacks
):
    yes = make_staff(Role.NURSE, orgs.ostersund, email="ja@example.se")
    make_staff(Role.NURSE, orgs.ostersund, email="nej@example.se")
    set_email_preference(yes, True)
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(orgs.ostersund, Kind.DEVIATION, "/avvikelser/42/")
    assert len(created) == 2
    assert len(smtp_server.messages) == 1
    rcpt, message = smtp_server.messages[0]
    assert rcpt == ["ja@example.se"]
    mine = Notification.objects.get(recipient=yes)
    body = message.get_payload(decode=True).decode()
    assert message["Subject"] == "Samverkan: du har ett nytt meddelande"
    assert f"https://samverkan.example.se/notiser/{mine.pk}/" in body
    assert "42" not in body.replace(str(mine.pk), "")  # not even the case's number
    assert "Testa" not in body and "Testsson" not in body
    mine.refresh_from_db()
    assert mine.emailed_at is not None


def test_no_mail_when_the_transaction_rolls_back(make_staff, orgs, smtp_server, transactional_db):
    from django.db import transaction

    user = make_staff(Role.NURSE, orgs.ostersund, email="ja@example.se")
    set_email_preference(user, True)
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user, Kind.TASK, "/personer/uppgifter/1/")
        raise RuntimeError
    assert smtp_server.messages == [] and not Notification.objects.exists()


def test_a_failing_mail_server_keeps_the_notification(make_staff, orgs, settings,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    user = make_staff(Role.NURSE, orgs.ostersund, email="ja@example.se")
    set_email_preference(user, True)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user, Kind.TASK, "/personer/uppgifter/1/")
    n = Notification.objects.get()
    assert n.emailed_at is None and unread_count(user) == 1


def test_preferences_page(client_as, make_staff, orgs):
    with_mail = make_staff(Role.NURSE, orgs.ostersund, email="ja@example.se")
    without = make_staff(Role.NURSE, orgs.ostersund, email="")
    assert client_as(with_mail).post("/notiser/installningar/", {"email": "on"}).status_code == 302
    from samverkan.notifications.services import wants_email

    assert wants_email(with_mail)
    page = client_as(without).post("/notiser/installningar/", {"email": "on"})
    assert page.status_code == 200 and "ingen e-postadress" in page.content.decode()
    assert not wants_email(without)
