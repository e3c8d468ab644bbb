"""SIP as a process (issue 13): one meeting per SIP, answers tracked per invitee, reminders,
no "fastställd" over unanswered invitations without a confirmation naming them, "Kallelsen är
skickad" only when it reached someone, the calendar file for staff, and letters to the
person and närstående."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from icalendar import Calendar

from samverkan.core.documents import text_lines
from samverkan.notifications.models import Kind, Notification
from samverkan.people import services as people_services
from samverkan.sip import services
from samverkan.sip.letters import letter_pdf, spoken_time
from samverkan.sip.models import ParticipantResponse, SipStatus
from samverkan.sip.pdf import sip_pdf
from tests.pdf_checks import assert_document_layer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
MEETING = dt.datetime(2026, 12, 9, 12, 0, tzinfo=dt.UTC)  # onsdag 9 december, 13.00 svensk tid
PLACE = "Krokoms kommunhus, rum Storsjön"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def planned(sip, staff, plan_factory):
    services.save_plan(staff.ost, sip, plan_factory(), base_version=sip.version)
    services.record_consent(staff.ost, sip, given_by="person")
    services.set_meeting(staff.ost, sip, at=MEETING, place=PLACE)
    return sip


def _protect(staff, sip):
    people_services.mark_protected(staff.ost, sip.person, kind="protected_registration")


# --- one meeting, answers, confirmation -------------------------------------------------------


def test_every_invitation_is_to_the_sips_one_meeting(planned, staff, orgs, units, api_client):
    services.invite(staff.ost, planned, organisation=orgs.krokom, unit=units.krokom_social)
    services.invite(staff.ost, planned, organisation=orgs.region_jh, unit=units.jh_hc)
    body = api_client(staff.ost).get(f"/api/sips/{planned.pk}").json()
    assert body["meeting"] == {
        "at": "2026-12-09T12:00:00Z",
        "place": PLACE,
        "link": "",
        "unanswered": 2,
    }
    assert {p["meeting_at"] for p in body["participants"]} == {"2026-12-09T12:00:00Z"}


def test_a_changed_meeting_is_told_to_those_invited(planned, staff, orgs, units):
    services.invite(staff.ost, planned, organisation=orgs.krokom, unit=units.krokom_social)
    services.set_meeting(staff.ost, planned, at=MEETING + dt.timedelta(hours=2), place=PLACE)
    assert Notification.objects.filter(recipient=staff.krokom, kind=Kind.SIP_MEETING).count() == 1
    assert planned.meeting_sequence == 2


def test_meeting_in_the_past_or_a_plain_http_link_is_refused(planned, staff, client_as):
    response = client_as(staff.ost).post(
        f"/sip/{planned.pk}/mote/",
        {"meeting_at": "2026-11-30T10:00", "meeting_place": "", "meeting_link": "http://x.se/m"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Mötestiden har redan passerat" in page
    assert "https://" in page
    planned.refresh_from_db()
    assert planned.meeting_at == MEETING


def test_plan_is_not_fastställd_over_unanswered_invitations(planned, staff, orgs, units):
    services.invite(staff.ost, planned, organisation=orgs.krokom, unit=units.krokom_social)
    with pytest.raises(services.PlanRuleError) as refused:
        services.activate(staff.ost, planned)
    assert refused.value.errors[0].code == "unanswered_invitations"
    assert "Biståndsenheten Krokoms kommun" in refused.value.errors[0].message
    planned.refresh_from_db()
    assert planned.status == SipStatus.INVITED
    # A confirmation that names someone else is not a confirmation.
    with pytest.raises(services.PlanRuleError):
        services.activate(staff.ost, planned, confirm_unanswered=["Hälsocentral Centrum"])
    services.activate(staff.ost, planned, confirm_unanswered=services.unanswered(planned))
    assert planned.status == SipStatus.ACTIVE


def test_the_page_names_the_unanswered_before_fastställ(planned, staff, orgs, units, client_as):
    services.invite(staff.ost, planned, organisation=orgs.krokom, unit=units.krokom_social)
    client = client_as(staff.ost)
    page = client.get(f"/sip/{planned.pk}/").content.decode()
    assert "Alla kallade har inte svarat" in page and "Biståndsenheten Krokoms kommun" in page
    client.post(f"/sip/{planned.pk}/status/", {"status": "active"})
    planned.refresh_from_db()
    assert planned.status == SipStatus.INVITED
    client.post(
        f"/sip/{planned.pk}/status/",
        {
            "status": "active",
            "bekrafta_obesvarade": "ja",
            "obesvarade": services.unanswered(planned),
        },
    )
    planned.refresh_from_db()
    assert planned.status == SipStatus.ACTIVE


def test_answered_invitations_need_no_confirmation(planned, staff, orgs, units):
    participant = services.invite(
        staff.ost, planned, organisation=orgs.krokom, unit=units.krokom_social
    )
    services.respond(staff.krokom, participant, accept=True)
    services.activate(staff.ost, planned)
    assert planned.status == SipStatus.ACTIVE


def test_kallelsen_is_skickad_only_when_it_reached_someone(planned, staff, orgs, units, client_as):
    client = client_as(staff.ost)
    response = client.post(
        f"/sip/{planned.pk}/kalla/",
        {"organisation": orgs.krokom.pk, "unit": units.krokom_social.pk},
        follow=True,
    )
    assert "Kallelsen är skickad" in response.content.decode()
    # Nobody works at the psychiatric clinic in these tests: nothing was sent.
    response = client.post(
        f"/sip/{planned.pk}/kalla/",
        {"organisation": orgs.region_jh.pk, "unit": units.jh_psych.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "Kallelsen är skickad" not in page
    assert "har inte nått någon" in page


def test_reminders_go_to_those_who_have_not_answered(planned, staff, orgs, units):
    services.invite(staff.ost, planned, organisation=orgs.krokom, unit=units.krokom_social)
    answered = services.invite(staff.ost, planned, organisation=orgs.region_jh, unit=units.jh_hc)
    services.respond(staff.region, answered, accept=True)
    assert services.send_reminders() == 0  # a week ahead: too early
    with time_machine.travel(MEETING - dt.timedelta(days=2), tick=False):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0  # once per invitation and meeting time
    reminded = Notification.objects.filter(kind=Kind.SIP_REMINDER)
    assert [n.recipient for n in reminded] == [staff.krokom]
    assert reminded.get().link == f"/sip/{planned.pk}/#deltagare"


# --- calendar file ----------------------------------------------------------------------------


def test_calendar_file_is_neutral(planned, staff, orgs, units, client_as):
    services.invite(staff.ost, planned, organisation=orgs.krokom, unit=units.krokom_social)
    response = client_as(staff.krokom).get(f"/sip/{planned.pk}/mote.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response
    raw = response.content.decode()
    event = next(c for c in Calendar.from_ical(response.content).walk("VEVENT"))
    assert str(event["summary"]) == "SIP-möte"
    assert event.decoded("dtstart") == MEETING
    assert f"/sip/{planned.pk}/#mote" in str(event["location"])
    person = planned.person
    for secret in (person.given_name, person.family_name, "Krokoms kommunhus", "Storsjön"):
        assert secret not in raw
    assert person.primary_identity().value not in raw


def test_no_calendar_file_for_a_protected_person(planned, staff, client_as):
    _protect(staff, planned)
    response = client_as(staff.ost).get(f"/sip/{planned.pk}/mote.ics")
    assert response.status_code == 403
    assert "text/calendar" not in response["Content-Type"]
    assert "skyddade personuppgifter" in response.content.decode()
    page = client_as(staff.ost).get(f"/sip/{planned.pk}/").content.decode()
    assert "mote.ics" not in page


# --- letters ----------------------------------------------------------------------------------


def test_a_relative_is_invited_only_with_the_persons_consent(sip, staff):
    with pytest.raises(services.SipError) as refused:
        services.invite_by_letter(staff.ost, sip, recipient="relative", name="Anna Planström")
    codes = {e.code for e in refused.value.errors}
    assert codes == {"no_consent", "required"}
    assert not sip.letters.exists()


def test_letter_to_the_person_in_plain_swedish(planned, staff, orgs, units):
    services.invite(staff.ost, planned, organisation=orgs.krokom, unit=units.krokom_social)
    letter = services.invite_by_letter(staff.ost, planned, recipient="person")
    data = letter_pdf(letter)
    text = assert_document_layer(
        data, title="Kallelse till möte om en samordnad individuell plan (SIP)"
    )
    flat = " ".join(text.split())
    assert f"Hej {planned.person.name}!" in flat
    assert "onsdag 9 december 2026 klockan 13.00" in flat
    assert PLACE in flat
    assert "Biståndsenheten, Krokoms kommun" in flat
    assert planned.person.primary_identity().value not in flat.replace("-", "")
    assert services.unanswered(planned)[-1] == "personen själv (brev)"


def test_letter_to_a_relative_of_a_protected_person_has_no_place(planned, staff):
    _protect(staff, planned)
    letter = services.invite_by_letter(
        staff.ost, planned, recipient="relative", name="Anna Planström", person_consents=True
    )
    flat = " ".join(" ".join(text_lines(letter_pdf(letter))).split())
    assert "Hej Anna Planström!" in flat
    assert "Krokoms kommunhus" not in flat
    assert "Vi berättar var mötet är" in flat


def test_letter_answer_is_recorded_and_tracked(planned, staff, client_as):
    letter = services.invite_by_letter(staff.ost, planned, recipient="person")
    client = client_as(staff.ost)
    response = client.get(f"/sip/{planned.pk}/brev/{letter.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.post(f"/sip/{planned.pk}/brev/{letter.pk}/svar/", {"answer": "accept"})
    letter.refresh_from_db()
    assert letter.response == ParticipantResponse.ACCEPTED and letter.printed_at is not None
    assert services.unanswered(planned) == []


def test_letter_renders_as_a_page(planned, staff, tmp_path: Path):
    """The letter as a picture (pdftoppm), kept for a look: one A4 page with ink on it."""
    if shutil.which("pdftoppm") is None:  # pragma: no cover - poppler-utils is in .ci/run
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    letter = services.invite_by_letter(staff.ost, planned, recipient="person")
    source = tmp_path / "kallelse.pdf"
    source.write_bytes(letter_pdf(letter))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(source), str(tmp_path / "sida")], check=True
    )
    pages = sorted(tmp_path.glob("sida*.png"))
    assert len(pages) == 1
    png = pages[0].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert abs(height / width - 297 / 210) < 0.02  # A4 portrait
    artifacts = Path("test-artifacts")
    if artifacts.is_dir():
        shutil.copy(pages[0], artifacts / "sip-kallelse-brev.png")


def test_spoken_time_is_swedish():
    assert spoken_time(MEETING) == "onsdag 9 december 2026 klockan 13.00"


# --- fast vårdkontakt phone -------------------------------------------------------------------


def test_care_contact_phone_is_checked_and_printed(sip, staff, orgs, units, plan_factory):
    plan = plan_factory()
    plan.care_contacts[1].phone = "ring mig"
    with pytest.raises(services.PlanRuleError) as refused:
        services.save_plan(staff.ost, sip, plan, base_version=sip.version)
    assert refused.value.errors[0].field == "care_contacts.2.phone"
    plan.care_contacts[1].phone = "063-14 30 00"
    services.save_plan(staff.ost, sip, plan, base_version=sip.version)
    flat = " ".join(" ".join(text_lines(sip_pdf(sip))).split())
    assert (
        "Distriktssköterska, Hemsjukvården Östersund, Östersunds kommun, telefon 063-14 30 00"
        in flat
    )


# --- unit lists in the plan form ----------------------------------------------------------------


def test_plan_form_offers_only_the_agreements_organisations(sip, staff, orgs, units, client_as):
    page = client_as(staff.ost).get(f"/sip/{sip.pk}/plan/").content.decode()
    assert units.jh_hc.name in page and units.krokom_social.name in page
    for gavleborg in (units.gvb_hc.name, units.gvb_ward.name, units.gavle_home.name):
        assert gavleborg not in page
    assert orgs.gavle.name not in page and orgs.region_gvb.name not in page
    assert orgs.krokom.name in page
    assert 'hx-target="#id_actions-0-unit"' in page


def test_plan_form_refuses_an_organisation_outside_the_agreement(sip, staff, orgs, client_as):
    data = {
        "base_version": sip.version,
        "goals": "Bo kvar hemma",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Hemtjänst",
        "actions-0-huvudman": "municipality",
        "actions-0-organisation": orgs.gavle.pk,
        "actions-0-status": "planned",
        **{
            f"{p}-{k}": "0"
            for p in ("contacts", "checklist", "risks")
            for k in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    client_as(staff.ost).post(f"/sip/{sip.pk}/plan/", data)
    sip.refresh_from_db()
    assert sip.version == 1  # nothing saved


def test_unit_options_follow_a_rows_organisation(staff, orgs, units, client_as):
    page = client_as(staff.ost).get(f"/sip/enheter/?actions-0-organisation={orgs.krokom.pk}")
    text = page.content.decode()
    assert units.krokom_social.name in text and units.jh_hc.name not in text


def test_reminder_command(planned, staff, orgs, units):
    from django.core.management import call_command

    services.invite(staff.ost, planned, organisation=orgs.krokom, unit=units.krokom_social)
    with time_machine.travel(MEETING - dt.timedelta(days=1), tick=False):
        call_command("remind_sip_invitations")
    assert Notification.objects.filter(kind=Kind.SIP_REMINDER, recipient=staff.krokom).exists()
