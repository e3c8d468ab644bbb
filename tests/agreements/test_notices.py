"""Notices of termination (uppsägning) as a guard on what cannot be undone (issue 13):
only someone who may speak for the party, never backdated, timing by jh-hemsjukvard §10,
a confirmation stating the consequence, withdrawal and correction with history, and one
effect everywhere, read from one lifecycle selector. What one party's notice ends is a
visible setting (the forum's reading), by default only that party's participation."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from samverkan.accounts.models import Role
from samverkan.agreements import selectors, services
from samverkan.agreements.models import AgreementSettings, Notice, NoticeScope

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
TODAY = D("2026-12-02")  # after the 2026-06-30 deadline for the term ending 2026-12-31
AGREEMENT = "jh-hemsjukvard"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def krokom_admin(make_staff, orgs):
    return make_staff(Role.ADMINISTRATOR, orgs.krokom, "admin.krokom")


@pytest.fixture
def region_admin(make_staff, orgs):
    return make_staff(Role.ADMINISTRATOR, orgs.region_jh, "admin.regionen")


def give(actor, org, on=TODAY, ref="KS 2026/88", confirmed=True, agreement=AGREEMENT):
    return services.record_notice(actor, agreement, given_by=org, given_on=on,
                                  document_ref=ref, confirmed=confirmed)  # fmt: skip


def test_timing_by_10_a_late_notice_ends_after_the_next_term_never_at_once(krokom_admin, orgs):
    """§10: notice at least six months before a term ends; 2026-12-02 is after 2026-06-30."""
    consequence = selectors.notice_consequence(AGREEMENT, orgs.krokom, TODAY)
    assert consequence.ends_on == D("2028-12-31")
    assert consequence.deadline == D("2026-06-30") and consequence.term_end == D("2026-12-31")
    assert "2028-12-31" in consequence.text and "Krokoms kommuns deltagande" in consequence.text
    give(krokom_admin, orgs.krokom)
    assert selectors.participation_ends(AGREEMENT, orgs.krokom) == D("2028-12-31")
    assert selectors.participation_ends(AGREEMENT, orgs.ostersund) is None


def test_a_notice_in_time_ends_the_current_term(krokom_admin, orgs):
    with time_machine.travel(dt.datetime(2026, 5, 2, 10, tzinfo=dt.UTC), tick=False):
        give(krokom_admin, orgs.krokom, on=D("2026-05-02"))
        assert selectors.participation_ends(AGREEMENT, orgs.krokom) == D("2026-12-31")


def test_backdated_and_future_notices_are_refused(krokom_admin, orgs):
    with pytest.raises(ValidationError) as exc:
        give(krokom_admin, orgs.krokom, on=D("2026-06-01"))  # would end 2026-12-31
    assert "antedateras" in exc.value.message_dict["given_on"][0]
    with pytest.raises(ValidationError) as exc:
        give(krokom_admin, orgs.krokom, on=D("2026-12-03"))
    assert "framtiden" in exc.value.message_dict["given_on"][0]
    assert not Notice.objects.exists()


@pytest.mark.parametrize("who", ["forum", "kommun_forum", "kommun_mas", "admin", "kommun_nurse"])
def test_only_who_may_speak_for_the_party(people, orgs, who):
    """A forum member, a MAS or another party's administrator cannot give Krokom's notice."""
    with pytest.raises(PermissionDenied):
        give(getattr(people, who), orgs.krokom)
    assert not Notice.objects.exists()


def test_an_explicit_permission_lets_a_member_of_the_party_speak_for_it(make_staff, orgs):
    director = make_staff(Role.FORUM_MEMBER, orgs.krokom, "kommundirektor.krokom")
    with pytest.raises(PermissionDenied):
        give(director, orgs.krokom)
    director.user_permissions.add(Permission.objects.get(codename="speak_for_party"))
    director = type(director).objects.get(pk=director.pk)  # drop the permission cache
    assert give(director, orgs.krokom).given_by == orgs.krokom


def test_without_confirmation_nothing_is_saved_and_the_consequence_is_stated(krokom_admin, orgs):
    with pytest.raises(services.NoticeNeedsConfirmation) as ask:
        give(krokom_admin, orgs.krokom, confirmed=False)
    assert ask.value.consequence.ends_on == D("2028-12-31")
    assert ask.value.details[0].code == "confirmation_required"
    assert not Notice.objects.exists()


def test_other_refusals_keep_their_fields(krokom_admin, orgs, make_staff):
    with pytest.raises(ValidationError) as exc:
        give(krokom_admin, orgs.krokom, agreement="jh-psykisk")
    assert "agreement" in exc.value.error_dict
    with pytest.raises(ValidationError):
        give(krokom_admin, orgs.krokom, agreement="jh-primarvard-kommun")
    gavle_admin = make_staff(Role.ADMINISTRATOR, orgs.gavle, "admin.gavle")
    with pytest.raises(ValidationError) as exc:
        give(gavle_admin, orgs.gavle)
    assert "given_by" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        give(krokom_admin, orgs.krokom, ref=" ")
    assert "document_ref" in exc.value.error_dict
    give(krokom_admin, orgs.krokom)
    with pytest.raises(ValidationError) as exc:  # a second one: correct or withdraw instead
        give(krokom_admin, orgs.krokom)
    assert "given_by" in exc.value.error_dict


FACTS = {"region": "jamtland-harjedalen", "date": "2029-03-01", "housing": "ordinary",
         "intervention": "nursing"}  # fmt: skip


def _decision(api):
    return api.post("/api/decisions", FACTS, content_type="application/json").json()


def test_default_a_kommuns_notice_ends_only_its_participation_everywhere(
    krokom_admin, people, orgs, api_client, client
):
    """The issue's finding: one kommun's notice made the guide answer "Inget avtal gäller"
    for the whole county. By default the agreement runs on for the other parties."""
    give(krokom_admin, orgs.krokom)
    assert selectors.settings_for(AGREEMENT).notice_scope == NoticeScope.PARTY
    assert selectors.recorded_notices() == {}
    assert _decision(api_client(people.kommun_nurse))["status"] != "not_in_force"
    rows = {r["id"]: r for r in client.get("/api/agreements?date=2029-03-01").json()["agreements"]}
    assert rows[AGREEMENT]["in_force"] is True
    body = api_client(people.kommun_nurse).get(f"/api/deviations/agreements/{AGREEMENT}").json()
    assert body["final_end"] is None and body["notice_scope"] == "party"
    ends = {p["organisation"]["name"]: p["ends"] for p in body["participation"]}
    assert ends["Krokoms kommun"] == "2028-12-31" and ends["Östersunds kommun"] is None


def test_scope_all_ends_the_agreement_for_everyone_at_the_computed_end(
    krokom_admin, people, orgs, api_client, client
):
    services.update_settings(people.forum, AGREEMENT, notice_scope=NoticeScope.ALL)
    give(krokom_admin, orgs.krokom)
    assert selectors.recorded_notices() == {AGREEMENT: TODAY}
    # never at once: in force until 2028-12-31, not after
    rows = {r["id"]: r for r in client.get("/api/agreements?date=2028-12-31").json()["agreements"]}
    assert rows[AGREEMENT]["in_force"] is True and rows[AGREEMENT]["valid_to"] == "2028-12-31"
    after = _decision(api_client(people.kommun_nurse))
    assert after["status"] == "not_in_force"
    assert selectors.participation_ends(AGREEMENT, orgs.ostersund) == D("2028-12-31")
    annex = selectors.agreement_overview("jh-primarvard-kommun")
    assert annex.final_end == D("2028-12-31")


def test_the_regions_notice_ends_the_agreement_even_by_default(region_admin, orgs):
    """The region is the counterpart of every kommun: without it no participation remains."""
    give(region_admin, orgs.region_jh)
    assert selectors.recorded_notices() == {AGREEMENT: TODAY}
    assert selectors.agreement_overview(AGREEMENT).final_end == D("2028-12-31")


def test_withdrawal_and_correction_keep_the_history(krokom_admin, people, orgs):
    services.update_settings(people.forum, AGREEMENT, notice_scope=NoticeScope.ALL)
    first = give(krokom_admin, orgs.krokom, ref="KS 2026/8")
    corrected = services.correct_notice(krokom_admin, first.pk, document_ref="KS 2026/88",
                                        reason="Fel diarienummer")  # fmt: skip
    assert corrected.replaces == first and corrected.given_on == first.given_on
    assert selectors.recorded_notices() == {AGREEMENT: TODAY}
    with pytest.raises(PermissionDenied):  # another party cannot withdraw Krokom's notice
        services.withdraw_notice(people.kommun_forum, corrected.pk, reason="x")
    with pytest.raises(ValidationError):
        services.withdraw_notice(krokom_admin, corrected.pk, reason=" ")
    services.withdraw_notice(krokom_admin, corrected.pk, reason="SVOM 2026-12-10: fortsätter")
    assert selectors.recorded_notices() == {}
    assert selectors.participation_ends(AGREEMENT, orgs.krokom) is None
    assert Notice.objects.count() == 2  # nothing deleted
    with pytest.raises(ValidationError):
        services.withdraw_notice(krokom_admin, corrected.pk, reason="igen")


def test_the_page_asks_to_confirm_then_records(krokom_admin, people, orgs, client_as):
    page = client_as(people.forum).get(f"/avvikelser/avtal/{AGREEMENT}/").content.decode()
    assert "Registrera skriftlig uppsägning" not in page  # a forum member speaks for no party
    assert "tolkning av avtalet som forumet ska fastställa" in page
    c = client_as(krokom_admin)
    page = c.get(f"/avvikelser/avtal/{AGREEMENT}/").content.decode()
    assert "Registrera skriftlig uppsägning" in page
    assert f'<option value="{orgs.krokom.pk}"' in page
    assert f'<option value="{orgs.ostersund.pk}"' not in page  # only the party she speaks for
    data = {"given_by": orgs.krokom.pk, "given_on": "2026-12-02", "document_ref": "KS 2026/88"}
    response = c.post(f"/avvikelser/avtal/{AGREEMENT}/uppsagning/", data)
    assert response.status_code == 200 and not Notice.objects.exists()
    text = response.content.decode()
    assert "Bekräfta uppsägningen" in text and "2028-12-31" in text
    response = c.post(f"/avvikelser/avtal/{AGREEMENT}/uppsagning/", {**data, "confirm": "1"})
    assert response.status_code == 302 and Notice.objects.count() == 1
    page = c.get(f"/avvikelser/avtal/{AGREEMENT}/").content.decode()
    assert "deltar till och med 2028-12-31" in page and "Återkalla eller rätta" in page
    notice = Notice.objects.get()
    response = c.post(f"/avvikelser/avtal/{AGREEMENT}/uppsagning/{notice.pk}/aterkalla/",
                      {"reason": "SVOM: parterna fortsätter"})  # fmt: skip
    assert response.status_code == 302
    page = c.get(f"/avvikelser/avtal/{AGREEMENT}/").content.decode()
    assert "Återkallad 2026-12-02: SVOM: parterna fortsätter" in page


def test_the_page_refuses_a_backdated_notice_in_swedish(krokom_admin, orgs, client_as):
    data = {"given_by": orgs.krokom.pk, "given_on": "2026-06-01", "document_ref": "KS 1",
            "confirm": "1"}  # fmt: skip
    response = client_as(krokom_admin).post(f"/avvikelser/avtal/{AGREEMENT}/uppsagning/", data)
    assert response.status_code == 422 and "antedateras" in response.content.decode()
    assert not Notice.objects.exists()


def test_api_requires_confirm_and_the_party(krokom_admin, people, orgs, api_client):
    url = f"/api/deviations/agreements/{AGREEMENT}/notices"
    payload = {"given_by_id": orgs.krokom.pk, "given_on": "2026-12-02", "document_ref": "KS 9"}
    response = api_client(krokom_admin).post(url, payload, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "confirmation_required"
    assert "2028-12-31" in response.json()["detail"][0]["message"]
    response = api_client(people.forum).post(
        url, {**payload, "confirm": True}, content_type="application/json"
    )
    assert response.status_code == 403 and not Notice.objects.exists()
    response = api_client(krokom_admin).post(
        url, {**payload, "confirm": True}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["notices"][0]["document_ref"] == "KS 9"
    assert response.json()["notices"][0]["in_effect"] is True


def test_scope_setting_is_on_the_settings_form(people, client_as):
    AgreementSettings.objects.create(agreement=AGREEMENT)
    response = client_as(people.forum).post(
        f"/avvikelser/avtal/{AGREEMENT}/installningar/",
        {
            "reminder_lead_days": 90,
            "responsible_role": "forum_member",
            "followup_month": 12,
            "followup_day": 31,
            "notice_scope": "all",
        },  # fmt: skip
    )
    assert response.status_code == 302
    assert selectors.settings_for(AGREEMENT).notice_scope == "all"
