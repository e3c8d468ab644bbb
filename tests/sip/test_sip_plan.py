"""Plan versions, the conflict diff, and the agreements' plan rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samverkan.sip import services
from samverkan.sip.models import (
    ActionStatus,
    ImmutableVersionError,
    PlanVersion,
    SipStatus,
    VersionKind,
)
from samverkan.sip.plan import GVB_CHECKLIST, ContactRow, RiskRow, diff, plan_of, quote

pytestmark = pytest.mark.django_db


def test_start_creates_version_one_with_the_persons_facts(staff, make_person):
    from samverkan.people import services as people_services

    person = make_person()
    people_services.set_fact(staff.ost, person, "end_of_life", True)
    sip = services.start_sip(staff.ost, person, on_request_of_person=True)
    version = sip.current_version()
    assert (sip.version, sip.status, version.number, version.kind) == (
        1,
        SipStatus.DRAFT,
        1,
        VersionKind.START,
    )
    assert version.end_of_life is True
    assert sip.initiated_on_request_of_person


def test_each_save_is_a_new_immutable_version(sip, staff, plan_factory):
    first = services.save_plan(staff.ost, sip, plan_factory(), base_version=1)
    assert (first.number, sip.version) == (2, 2)
    plan = plan_of(first)
    plan.goals.append("Jag vill träffa mina barnbarn")
    second = services.save_plan(staff.ost, sip, plan, base_version=2)
    assert second.number == 3 and second.based_on == 2
    assert plan_of(sip.versions.get(number=2)).goals == plan_factory().goals  # unchanged
    with pytest.raises(ImmutableVersionError):
        first.save()
    with pytest.raises(ImmutableVersionError):
        PlanVersion.objects.filter(pk=first.pk).update(goals=[])
    # Rows keep their key from version to version.
    assert [a.key for a in first.actions.all()] == [a.key for a in second.actions.all()]


def test_a_save_against_an_older_version_is_refused_with_the_changes(sip, staff, plan_factory):
    services.save_plan(staff.ost, sip, plan_factory(), base_version=1)
    base = sip.version
    # Two people open version 2. The first saves a new goal and a changed date.
    plan_a = plan_of(sip.current_version())
    plan_a.goals = ["Jag vill kunna bo kvar hemma", "Jag vill kunna laga mat själv"]
    plan_a.actions[0].due = dt.date(2031, 1, 15)
    services.save_plan(staff.ost, sip, plan_a, base_version=base)
    # The second, still on version 2, is refused: nothing is overwritten.
    plan_b = plan_of(sip.versions.get(number=base))
    plan_b.needs = ["Något helt annat"]
    with pytest.raises(services.PlanConflict) as conflict:
        services.save_plan(staff.region, sip, plan_b, base_version=base)
    error = conflict.value
    assert (error.base_version, error.current_version) == (2, 3)
    labels = {c.label: c for c in error.changes}
    assert labels["Mina mål"].new.endswith("Jag vill kunna laga mat själv")
    due_change = labels["Insats ”Läkemedelsgenomgång”: klart senast"]
    assert due_change.new == "2031-01-15"
    assert sip.versions.count() == 3
    assert plan_of(sip.current_version()).needs == plan_factory().needs
    # The same save, now from the current version, goes through.
    services.save_plan(staff.region, sip, plan_b, base_version=3)
    assert sip.version == 4


def test_diff_names_added_removed_and_changed_rows(plan_factory, orgs):
    old = plan_factory()
    for n, row in enumerate(old.actions):
        row.key = f"a{n}"
    new = plan_factory()
    for n, row in enumerate(new.actions):
        row.key = f"a{n}"
    new.actions[1].status = ActionStatus.DONE
    del new.actions[0]
    new.care_contacts.append(ContactRow(orgs.krokom, "Biståndshandläggare"))
    old.care_contacts[0].key = new.care_contacts[0].key = "c0"
    old.care_contacts[1].key = new.care_contacts[1].key = "c1"
    changes = {c.label: c for c in diff(old, new)}
    assert changes["Insats ”Hemtjänst vid dusch två gånger i veckan”: status"].new == "klar"
    assert "Borttagen: insats ”Läkemedelsgenomgång”" in changes
    assert "Ny: fast vårdkontakt ”Biståndshandläggare”" in changes


def test_end_of_life_needs_a_physician_contact(sip, staff, plan_factory, orgs, units):
    plan = plan_factory(
        end_of_life=True,
        care_contacts=[ContactRow(orgs.ostersund, "Distriktssköterska", units.ost_home)],
    )
    with pytest.raises(services.PlanRuleError) as error:
        services.save_plan(staff.ost, sip, plan, base_version=1)
    (rule,) = error.value.errors
    assert rule.code == "end_of_life_physician"
    assert "Hemsjukvårdsavtalet §6.2" in rule.message
    assert "Vid vård i livets slutskede ska en fast vårdkontakt vara läkare." in rule.message
    assert sip.versions.count() == 1
    plan.care_contacts.append(ContactRow(orgs.region_jh, "Läkare", units.jh_hc, is_physician=True))
    services.save_plan(staff.ost, sip, plan, base_version=1)


def test_end_of_life_rule_on_the_editor_page(client_as, sip, staff, orgs, units):
    data = _editor_post(sip, orgs, units, end_of_life="on")
    response = client_as(staff.ost).post(f"/sip/{sip.pk}/plan/", data)
    assert response.status_code == 422
    assert (
        "Vid vård i livets slutskede ska en fast vårdkontakt vara läkare"
        in response.content.decode()
    )
    data["contacts-0-is_physician"] = "on"
    response = client_as(staff.ost).post(f"/sip/{sip.pk}/plan/", data)
    assert response.status_code == 302


def test_open_lpt_names_the_chief_physician(sip, staff, plan_factory, orgs):
    plan = plan_factory(compulsory_care="open_lpt")
    with pytest.raises(services.PlanRuleError) as error:
        services.save_plan(staff.ost, sip, plan, base_version=1)
    codes = {e.code for e in error.value.errors}
    assert codes == {"chief_physician_required", "chief_physician_region"}
    assert all(
        "Överenskommelsen om psykisk funktionsnedsättning §6.3" in e.message
        for e in error.value.errors
    )
    assert all("Chefsöverläkaren ansvarar" in e.message for e in error.value.errors)
    plan.chief_physician_name = "Chefsöverläkare Berit Exempel"
    plan.overall_responsible_organisation = orgs.region_jh
    plan.overall_responsible_unit = None
    version = services.save_plan(staff.ost, sip, plan, base_version=1)
    assert version.chief_physician_name == "Chefsöverläkare Berit Exempel"


def test_action_huvudman_must_match_the_organisation(sip, staff, plan_factory, orgs):
    plan = plan_factory()
    plan.actions[0].huvudman = "municipality"  # but Region JH is a region
    with pytest.raises(services.PlanRuleError) as error:
        services.save_plan(staff.ost, sip, plan, base_version=1)
    assert error.value.errors[0].code == "huvudman_organisation"


def test_activation_needs_goals_actions_responsibility_and_follow_up(sip, staff, plan_factory):
    with pytest.raises(services.PlanRuleError) as error:
        services.activate(staff.ost, sip)
    assert {e.field for e in error.value.errors} == {
        "goals",
        "actions",
        "overall_responsible_organisation",
        "follow_up_date",
    }
    services.save_plan(staff.ost, sip, plan_factory(), base_version=1)
    services.activate(staff.ost, sip)
    assert sip.status == SipStatus.ACTIVE
    # An active plan cannot lose its goals in a revision.
    plan = plan_of(sip.current_version())
    plan.goals = []
    with pytest.raises(services.PlanRuleError):
        services.save_plan(staff.ost, sip, plan, base_version=sip.version)


def test_follow_up_is_a_new_version_with_notes_and_statuses(sip, staff, plan_factory):
    services.save_plan(staff.ost, sip, plan_factory(), base_version=1)
    services.activate(staff.ost, sip)
    key = sip.current_version().actions.first().key
    next_date = timezone.localdate() + dt.timedelta(days=90)
    version = services.follow_up(
        staff.ost,
        sip,
        base_version=sip.version,
        notes="Det går bättre. Personen duschar själv med stöd.",
        next_follow_up=next_date,
        action_statuses={key: ActionStatus.DONE},
    )
    sip.refresh_from_db()
    assert version.kind == VersionKind.FOLLOW_UP
    assert sip.status == SipStatus.FOLLOWED_UP
    assert sip.follow_up_date == next_date
    assert version.actions.get(key=key).status == ActionStatus.DONE
    changes = services.compare_versions(sip, version.number - 1, version.number).changes
    assert {c.label for c in changes} == {
        "Uppföljning senast",
        "Insats ”Läkemedelsgenomgång”: status",
    }


def test_closed_sip_cannot_change(sip, staff, plan_factory):
    services.close(staff.ost, sip)
    with pytest.raises(services.StateError):
        services.save_plan(staff.ost, sip, plan_factory(), base_version=1)


# --- Gävleborg: checklist and risk analysis before discharge ------------------------------


@pytest.fixture
def gvb_sip(staff, make_person):
    person = make_person(staff.gavle, municipality="2180")
    return services.start_sip(
        staff.gavle,
        person,
        agreement="gvb-svart-sjuka",
        circumstances={"extensive_home_care": "respirator", "discharge_from_inpatient_care": True},
    )


def _gvb_plan(orgs, units, sip):
    plan = plan_of(sip.current_version())
    plan.goals = ["Jag vill vara hemma med min respirator"]
    plan.overall_responsible_organisation = orgs.region_gvb
    plan.follow_up_date = timezone.localdate() + dt.timedelta(days=14)
    plan.care_contacts = [
        ContactRow(
            orgs.region_gvb, "Läkare med samordningsansvar", units.gvb_hc, is_physician=True
        ),
        ContactRow(orgs.gavle, "Sjuksköterska", units.gavle_home),
    ]
    return plan


def test_gavleborg_target_group_gets_the_checklist(gvb_sip):
    items = list(gvb_sip.current_version().checklist_items.order_by("position"))
    assert [i.text for i in items] == list(GVB_CHECKLIST)
    assert not any(i.done for i in items)


def test_checklist_and_risk_analysis_are_required_before_discharge(gvb_sip, staff, orgs, units):
    plan = _gvb_plan(orgs, units, gvb_sip)
    services.save_plan(staff.gavle, gvb_sip, plan, base_version=gvb_sip.version)
    with pytest.raises(services.PlanRuleError) as error:
        services.approve_discharge(staff.gavle, gvb_sip)
    codes = {e.code: e.message for e in error.value.errors}
    assert set(codes) == {"discharge_checklist", "risk_analysis"}
    assert "Checklistan ska följas innan utskrivning" in codes["discharge_checklist"]
    assert "Överenskommelsen om svårt sjuka i hemmet Vårdkedja - ansvar" in codes["risk_analysis"]
    assert gvb_sip.discharge_approved_at is None

    # Tick every item; add a risk without measure: still refused.
    plan = plan_of(gvb_sip.current_version())
    for item in plan.checklist:
        item.done = True
    plan.risks = [RiskRow("Respiratorlarm hörs inte nattetid", "Syrebrist", 2, 4)]
    services.save_plan(staff.gavle, gvb_sip, plan, base_version=gvb_sip.version)
    with pytest.raises(services.PlanRuleError) as error:
        services.approve_discharge(staff.gavle, gvb_sip)
    assert [e.code for e in error.value.errors] == ["risk_analysis"]

    plan = plan_of(gvb_sip.current_version())
    plan.risks[0].measures = "Larmförlängning till personalens telefon"
    plan.risks[0].owner = "Enhetschef hemsjukvården"
    services.save_plan(staff.gavle, gvb_sip, plan, base_version=gvb_sip.version)
    services.approve_discharge(staff.gavle, gvb_sip)
    assert gvb_sip.discharge_approved_at is not None
    done = gvb_sip.current_version().checklist_items.first()
    assert done.done_by == staff.gavle and done.done_at is not None


def test_discharge_needs_a_named_care_contact_in_open_care(sip, staff, plan_factory, orgs, units):
    plan = plan_factory(
        discharge_from_inpatient_care=True,
        care_contacts=[ContactRow(orgs.ostersund, "Distriktssköterska", units.ost_home)],
    )
    services.save_plan(staff.ost, sip, plan, base_version=1)
    with pytest.raises(services.PlanRuleError) as error:
        services.approve_discharge(staff.ost, sip)
    assert [e.code for e in error.value.errors] == ["discharge_named_care_contact"]
    assert "I samband med utskrivning från sjukhuset ska fast vårdkontakt utses" in (
        error.value.errors[0].message
    )


def test_quotes_come_from_the_agreement_texts():
    assert quote("jh-psykisk §6.3", "Chefsöverläkaren ansvarar").startswith(
        "Chefsöverläkaren ansvarar för att upprätta denna"
    )


def _editor_post(sip, orgs, units, **extra):
    data = {
        "base_version": str(sip.version),
        "goals": "Jag vill vara hemma",
        "needs": "",
        "overall_responsible_organisation": str(orgs.ostersund.pk),
        "overall_responsible_unit": "",
        "overall_responsibility_note": "",
        "follow_up_date": "2030-01-01",
        "extensive_home_care": "",
        "compulsory_care": "",
        "chief_physician_name": "",
        "change_note": "",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-key": "",
        "actions-0-description": "Hemsjukvård varje dag",
        "actions-0-huvudman": "municipality",
        "actions-0-organisation": str(orgs.ostersund.pk),
        "actions-0-unit": str(units.ost_home.pk),
        "actions-0-due": "",
        "actions-0-status": "planned",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-key": "",
        "contacts-0-name_or_role": "Doktor Exempel",
        "contacts-0-organisation": str(orgs.region_jh.pk),
        "contacts-0-unit": str(units.jh_hc.pk),
        "contacts-0-responsibility": "",
        "checklist-TOTAL_FORMS": "0",
        "checklist-INITIAL_FORMS": "0",
        "risks-TOTAL_FORMS": "0",
        "risks-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_editor_saves_a_version_and_shows_conflicts_with_the_diff(
    client_as, sip, staff, orgs, units
):
    nurse, krokom = client_as(staff.ost), client_as(staff.ost)
    assert nurse.get(f"/sip/{sip.pk}/plan/").status_code == 200
    assert nurse.post(f"/sip/{sip.pk}/plan/", _editor_post(sip, orgs, units)).status_code == 302
    sip.refresh_from_db()
    assert sip.version == 2
    assert plan_of(sip.current_version()).goals == ["Jag vill vara hemma"]
    # A second editor still holding version 1 gets 409, the diff, and their text back.
    stale = _editor_post(sip, orgs, units, goals="Mitt eget mål", base_version="1")
    response = krokom.post(f"/sip/{sip.pk}/plan/", stale)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Någon annan har sparat planen medan du redigerade" in html
    assert "Ny: insats ”Hemsjukvård varje dag”" in html
    assert "Mitt eget mål" in html  # the user's input is kept
    assert 'name="base_version" value="2"' in html
    sip.refresh_from_db()
    assert sip.version == 2


def test_more_rows_button_adds_rows_without_saving(client_as, sip, staff, orgs, units):
    data = _editor_post(sip, orgs, units, fler="actions")
    response = client_as(staff.ost).post(f"/sip/{sip.pk}/plan/", data)
    assert response.status_code == 200
    assert 'name="actions-2-description"' in response.content.decode()
    assert sip.versions.count() == 1


def test_a_sip_fulfils_the_persons_open_tasks(staff, person, orgs, plan_factory):
    from samverkan.people.models import Task, TaskKind, TaskStatus

    offer = Task.objects.create(kind=TaskKind.SIP, person=person, organisation=orgs.ostersund)
    contact = Task.objects.create(
        kind=TaskKind.NAMED_CARE_CONTACT,
        action="named_care_contact_physician",
        person=person,
        organisation=orgs.ostersund,
    )
    elsewhere = Task.objects.create(kind=TaskKind.SIP, person=person, organisation=orgs.krokom)
    sip = services.start_sip(staff.ost, person)
    offer.refresh_from_db()
    contact.refresh_from_db()
    assert offer.status == TaskStatus.DONE and f"SIP nr {sip.pk}" in offer.note
    assert contact.status == TaskStatus.OPEN  # no physician named yet
    services.save_plan(staff.ost, sip, plan_factory(), base_version=1)
    contact.refresh_from_db()
    elsewhere.refresh_from_db()
    assert contact.status == TaskStatus.DONE
    assert elsewhere.status == TaskStatus.OPEN  # another organisation's task


def test_pages_quote_what_the_agreements_say(client_as, staff, make_person):
    from samverkan.people import services as people_services

    person = make_person()
    people_services.set_fact(staff.ost, person, "personal_assistance_lss", True)
    people_services.set_fact(staff.ost, person, "end_of_life", True)
    html = client_as(staff.ost).get(f"/sip/ny/{person.pk}/?egen_begaran=1").content.decode()
    assert "särskilt viktigt att bedöma egenvård och kalla till SIP" in html  # §7.3
    assert "Behovet av en plan kan också påkallas av den enskilde själv." in html  # §6.1
    assert "Vid vård i livets slutskede ska en fast vårdkontakt vara läkare." in html  # §6.2
    sip = services.start_sip(staff.ost, person)
    html = client_as(staff.ost).get(f"/sip/{sip.pk}/").content.decode()
    # Cited by the agreement's name, never its id (issue 13, the demo walk with forms).
    assert "Hemsjukvårdsavtalet §7.3" in html and "Hemsjukvårdsavtalet §6.2" in html
    assert "jh-hemsjukvard" not in html


def test_a_gavleborg_plan_cites_its_agreement_by_name(client_as, staff, make_person):
    """The SIP start page in Gävleborg said "(gvb-svart-sjuka Överenskommelse)"."""
    person = make_person(staff.gavle, municipality="2180")
    html = client_as(staff.gavle).get(f"/sip/ny/{person.pk}/").content.decode()
    assert "fasta vårdkontakter med tydliga" in html
    assert "(Överenskommelsen om svårt sjuka i hemmet)" in html
    assert "gvb-svart-sjuka Överenskommelse" not in html
