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
