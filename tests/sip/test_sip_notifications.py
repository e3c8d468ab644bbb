"""A SIP invitation notifies the invited unit's care staff; an answer notifies the inviter."""

from __future__ import annotations

from samverkan.accounts.models import Role
from samverkan.notifications.services import notifications_for, unread_count
from samverkan.sip import services


def test_invitation_and_answer_notify(sip, staff, orgs, units, make_staff):
    colleague = make_staff(Role.PHYSICIAN, orgs.region_jh, unit=units.jh_hc)
    finance = make_staff(Role.FINANCE_OFFICER, orgs.region_jh, unit=units.jh_hc)
    other_unit = make_staff(Role.NURSE, orgs.region_jh, unit=units.jh_psych)
    participant = services.invite(staff.ost, sip, organisation=orgs.region_jh, unit=units.jh_hc)
    for user in (staff.region, colleague):
        (note,) = notifications_for(user)
        assert note.get_kind_display() == "Ny kallelse till SIP"
        assert note.link == f"/sip/{sip.pk}/#deltagare"
    assert unread_count(finance) == 0 and unread_count(other_unit) == 0  # no SIP role / unit
    assert unread_count(staff.ost) == 0
    services.respond(staff.region, participant, accept=True)
    (answer,) = notifications_for(staff.ost)
    assert answer.get_kind_display() == "Svar på en kallelse till SIP"
    assert unread_count(staff.region) == 1  # the answerer is not told of their own answer


def test_the_invitation_task_filters_by_its_type(shared_sip, staff, client_as):
    """Krokom's Biståndsenheten is invited to the SIP, with consent."""
    client = client_as(staff.krokom)
    title = f"Kallelse till SIP nr {shared_sip.pk} att besvara"
    assert title in client.get("/?typ=Kallelse+till+SIP").content.decode()
    assert title in client.get("/?enhet=Biståndsenheten").content.decode()
    assert title not in client.get("/?typ=Uppföljning+av+SIP").content.decode()


def _line(client) -> str:
    """The Notiser page's first line's text."""
    import re

    page = client.get("/notiser/").content.decode()
    found = re.search(r'<a href="/notiser/\d+/">([^<]*)</a>', page)
    assert found, "no notification line"
    return found.group(1)


def test_the_notice_names_the_sip_only_to_who_may_see_it(
    sip, staff, orgs, units, client_as, plan_factory
):
    """Before: every line read "Ny kallelse till SIP", whatever it was about. Before the
    person's consent the invited may not see the SIP: its number, never the person's name."""
    import datetime as dt

    from django.utils import timezone

    from samverkan.audit.models import AuditEvent

    services.set_meeting(
        staff.ost,
        sip,
        at=timezone.make_aware(dt.datetime(2026, 12, 9, 13, 30)),
        place="Rum 1",
    )
    services.invite(staff.ost, sip, organisation=orgs.krokom, unit=units.krokom_social)
    krokom = client_as(staff.krokom)
    assert _line(krokom) == f"Ny kallelse till SIP: SIP nr {sip.pk}"
    assert "Sigrid" not in krokom.get("/notiser/").content.decode()
    services.record_consent(staff.ost, sip, given_by="person")
    assert _line(krokom) == "Ny kallelse till SIP: SIP-möte 2026-12-09 13:30 om Sigrid Planström"
    looked = AuditEvent.objects.filter(user=staff.krokom, action="view", why="Notiser")
    assert looked.filter(person_ref=sip.person.ref).exists()  # the name shown is logged


def test_the_notiser_page_logs_each_sip_once_per_view(shared_sip, staff, client_as):
    """A SIP's notifications may link to its page and to its follow-up (two URL names, one
    describer). Before: the describer was called once per URL name, so one look at Notiser
    logged the same SIP twice; now one `view` event per SIP and page view."""
    from samverkan.audit.models import AuditEvent
    from samverkan.notifications.services import notify

    notify(staff.krokom, "sip_reminder", f"/sip/{shared_sip.pk}/#deltagare")
    notify(staff.krokom, "sip_meeting", f"/sip/{shared_sip.pk}/uppfoljning/")
    krokom = client_as(staff.krokom)
    looked = AuditEvent.objects.filter(
        user=staff.krokom, action="view", why="Notiser", person_ref=shared_sip.person.ref
    )
    page = krokom.get("/notiser/").content.decode()
    assert page.count("om Sigrid Planström") == 3  # the invitation and the two above
    assert looked.count() == 1
    krokom.get("/notiser/")
    assert looked.count() == 2  # every look is logged: one event per page view
