"""Services of the people app: persons, identities, merge, facts over time, decisions,
re-decisions, egenvård assessments and tasks. Every change is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samverkan.accounts.models import Role, UnitKind
from samverkan.audit.models import Action, AuditEvent
from samverkan.people import services
from samverkan.people.identity import IdSystem
from samverkan.people.models import (
    AssessmentStatus,
    FactRecord,
    ImmutableError,
    Person,
    PersonIdentity,
    ResponsibilityDecision,
    Task,
    TaskKind,
    TaskStatus,
    person_refs,
)
from samverkan.people.services import PeopleError

pytestmark = pytest.mark.django_db

# The HL7 Sweden example reservnummer and samordningsnummer of the shared FHIR test data.
RESERVNUMMER = "20210325K069"
SAMORDNINGSNUMMER = "196109732393"


def _events(person_ref: str, action: str | None = None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(person_ref=person_ref)
    if action:
        events = events.filter(action=action)
    return list(events)


# --- persons and identities -------------------------------------------------------------


def test_create_person_reads_birth_date_and_sex_and_relates_to_own_organisation(
    nurse, orgs, testpersons
):
    data = testpersons[0]
    person, created = services.create_person(
        nurse,
        identifier=f"{data['personnummer'][:8]}-{data['personnummer'][8:]}",
        given_name=data["given"],
        family_name=data["family"],
        home_municipality="2380",
        confirm_care_relation=True,
        reason="Test",
    )
    assert created
    assert person.birth_date == data["birth_date"]
    assert person.sex == data["sex"]
    identity = person.identities.get()
    assert (identity.system, identity.value, identity.is_primary) == (
        "personnummer",
        data["personnummer"],
        True,
    )
    relation = person.care_relations.get()
    assert relation.organisation == orgs.ostersund and relation.until is None
    # The home kommun is a fact with history too.
    assert services.current_facts(person) == {"municipality": "2380"}
    assert _events(data["personnummer"], Action.CREATE)


@pytest.mark.parametrize(
    ("identifier", "field", "code"),
    [
        ("", "identifier", "empty"),
        # Skatteverket test number 194103219202, broken in one way each.
        ("19410321-920", "identifier", "invalid_format"),
        ("19411321-9202", "identifier", "invalid_date"),
        ("19410321-9203", "identifier", "invalid_checksum"),
    ],
)
def test_create_person_refuses_bad_identifiers_in_swedish(nurse, identifier, field, code):
    with pytest.raises(PeopleError) as caught:
        services.create_person(
            nurse,
            identifier=identifier,
            family_name="Testsson",
            confirm_care_relation=True,
            reason="Test",
        )
    error = caught.value
    assert (error.field, error.code) == (field, code)
    assert error.message and error.message[0].isupper()
    digits = "".join(c for c in identifier if c.isdigit())
    if digits:
        assert digits not in error.message  # never the number itself
    assert not Person.objects.exists()


def test_create_person_needs_a_name_and_a_known_kommun(nurse, testpersons):
    number = testpersons[0]["personnummer"]
    with pytest.raises(PeopleError) as caught:
        services.create_person(nurse, identifier=number, confirm_care_relation=True, reason="Test")
    assert (caught.value.field, caught.value.code) == ("family_name", "required")
    with pytest.raises(PeopleError) as caught:
        services.create_person(
            nurse,
            identifier=number,
            family_name="X",
            home_municipality="0180",
            confirm_care_relation=True,
            reason="Test",
        )
    assert (caught.value.field, caught.value.code) == ("home_municipality", "unknown_municipality")


def test_existing_person_elsewhere_gets_a_care_relation_as_an_unknown_one_would(
    make_staff, orgs, make_person
):
    """Issue 11: a number held elsewhere answers as an unknown one (created=True: new to the
    user); the relation is the user's own; the existing record is not overwritten."""
    nurse_ost = make_staff(Role.NURSE, orgs.ostersund)
    nurse_region = make_staff(Role.NURSE, orgs.region_jh)
    person = make_person(nurse_ost)
    number = person.primary_identity().value
    with pytest.raises(PeopleError) as caught:
        services.create_person(
            nurse_ost, identifier=number, family_name="X", confirm_care_relation=True, reason="Test"
        )
    assert caught.value.code == "already_registered"
    same, created = services.create_person(
        nurse_region, identifier=number, family_name="X", confirm_care_relation=True, reason="Test"
    )
    assert created and same.pk == person.pk
    assert set(person.care_relations.values_list("organisation", flat=True)) == {
        orgs.ostersund.pk,
        orgs.region_jh.pk,
    }
    person.refresh_from_db()
    assert person.family_name != "X"  # the existing record is not overwritten


def test_roles_without_write_access_cannot_register(make_staff, orgs, testpersons):
    for role in (Role.FINANCE_OFFICER, Role.FORUM_MEMBER, Role.ADMINISTRATOR):
        user = make_staff(role, orgs.ostersund)
        with pytest.raises(PermissionDenied):
            services.create_person(
                user,
                identifier=testpersons[0]["personnummer"],
                family_name="X",
                confirm_care_relation=True,
                reason="Test",
            )


def test_reservnummer_person_gets_personnummer_and_keeps_reservnummer_as_history(
    nurse, testpersons
):
    person, _ = services.create_person(
        nurse,
        identifier=RESERVNUMMER,
        id_system=IdSystem.reservnummer,
        given_name="Okänd",
        family_name="Person",
        confirm_care_relation=True,
        reason="Test",
    )
    assert person.ref == RESERVNUMMER
    number = testpersons[1]["personnummer"]
    services.add_identity(nurse, person, number)
    identities = {i.system: i for i in person.identities.all()}
    assert identities["personnummer"].is_primary and identities["personnummer"].ended_on is None
    assert identities["reservnummer"].ended_on == timezone.localdate()
    assert not identities["reservnummer"].is_primary
    assert person.ref == number
    assert person_refs([person.pk]) == {person.pk: number}
    # Both references find the change in the audit log.
    assert _events(number, Action.UPDATE)
    assert _events(RESERVNUMMER, Action.UPDATE)


def test_add_identity_refuses_a_number_of_another_person(nurse, make_person):
    first = make_person(nurse, 0)
    second = make_person(nurse, 1)
    with pytest.raises(PeopleError) as caught:
        services.add_identity(nurse, second, first.primary_identity().value)
    assert caught.value.code == "belongs_to_other"
    with pytest.raises(PeopleError) as caught:
        services.add_identity(nurse, first, first.primary_identity().value)
    assert caught.value.code == "already_added"


def test_merge_moves_everything_and_keeps_history_and_audit(
    nurse, make_staff, orgs, make_person, jh_person_facts, jh_intervention_facts
):
    reserve, _ = services.create_person(
        nurse, identifier=RESERVNUMMER, id_system="reservnummer", family_name="Okänd",
        home_municipality="2380",
        confirm_care_relation=True,
        reason="Test",
    )  # fmt: skip
    services.set_fact(nurse, reserve, "housing", "ordinary")
    services.set_fact(nurse, reserve, "residence", "asylum_seeker")
    intervention = services.create_intervention(
        nurse, reserve, kind="nursing", start=dt.date(2022, 2, 1), facts=jh_intervention_facts
    )
    decision = services.decide_intervention(nurse, intervention)
    ot = make_staff(Role.OCCUPATIONAL_THERAPIST, orgs.ostersund)
    assessment = services.create_assessment(
        ot, reserve, intervention_kind="nursing", measure="Stödstrumpor",
        result="self_care", performed_by_person_or_others="Personen själv",
        review_date=timezone.localdate() + dt.timedelta(days=90),
    )  # fmt: skip
    survivor = make_person(nurse, 2)
    services.set_fact(nurse, survivor, "housing", "special_housing")
    reserve_ref, survivor_ref = reserve.ref, survivor.ref

    result = services.merge_persons(nurse, source=reserve, target=survivor)

    assert result.pk == survivor.pk
    reserve.refresh_from_db()
    assert reserve.merged_into_id == survivor.pk and reserve.merged_at is not None
    assert reserve.survivor() == survivor
    systems = {i.system: i for i in survivor.identities.all()}
    assert systems["reservnummer"].ended_on is not None  # history, not primary
    assert systems["personnummer"].is_primary
    assert not reserve.identities.exists()
    # Facts: the survivor's current housing wins, the reservnummer record's is history.
    housing = FactRecord.objects.filter(person=survivor, name="housing").order_by("pk")
    assert [(r.value, r.valid_to is None) for r in housing] == [
        ("ordinary", False),
        ("special_housing", True),
    ]
    assert services.current_facts(survivor)["residence"] == "asylum_seeker"
    intervention.refresh_from_db()
    assert intervention.person_id == survivor.pk
    assert decision.intervention.decisions.filter(pk=decision.pk).exists()  # decisions follow
    assessment.refresh_from_db()
    assert assessment.person_id == survivor.pk
    assert survivor.care_relations.count() == 2
    assert Task.objects.filter(person=reserve).count() == 0
    # Audit under both references.
    assert any("sammanförd" in e.why for e in _events(reserve_ref, Action.UPDATE))
    assert any("tog emot" in e.why for e in _events(survivor_ref, Action.UPDATE))


def test_merge_carries_protected_identity_and_sparr_to_the_survivor(nurse, orgs, make_person):
    """One person, one truth: a protected identity and a spärr set on the merged-away record
    protect the survivor, and are found from either record (issue 11)."""
    from samverkan.people import access

    reserve, _ = services.create_person(
        nurse, identifier=RESERVNUMMER, id_system="reservnummer", family_name="Okänd",
        home_municipality="2380", confirm_care_relation=True, reason="Test",
    )  # fmt: skip
    services.mark_protected(nurse, reserve, kind="confidentiality_marking")
    services.record_block(
        nurse, reserve, kind="shared", requested_by_person=True, reason="Personen bad om det."
    )
    survivor = make_person(nurse, 2)
    assert not access.is_protected(survivor)
    assert not access.shared_blocked(survivor, orgs.ostersund)
    services.merge_persons(nurse, source=reserve, target=survivor)
    reserve.refresh_from_db()
    for person in (survivor, reserve):
        assert access.is_protected(person)
        assert access.shared_blocked(person, orgs.ostersund)
    assert access.shared_blocked_persons([survivor.pk], orgs.ostersund) == {survivor.pk}
    assert not reserve.access_blocks.exists() and not reserve.protections.exists()


def test_merge_refuses_self_and_other_organisations_persons(make_staff, orgs, make_person):
    nurse = make_staff(Role.NURSE, orgs.ostersund)
    other = make_staff(Role.NURSE, orgs.gavle)
    mine = make_person(nurse, 0)
    theirs = make_person(other, 1, home_municipality="2180")
    with pytest.raises(PeopleError):
        services.merge_persons(nurse, source=mine, target=mine)
    with pytest.raises(PermissionDenied):
        services.merge_persons(nurse, source=theirs, target=mine)


def test_merge_hooks_let_other_apps_move_their_rows(nurse, make_person, monkeypatch):
    seen = []
    monkeypatch.setattr(services.merge, "MERGE_HOOKS", [lambda s, t, u: seen.append((s.pk, t.pk))])
    a, b = make_person(nurse, 0), make_person(nurse, 1)
    services.merge_persons(nurse, source=a, target=b)
    assert seen == [(a.pk, b.pk)]


# --- facts over time ----------------------------------------------------------------------


def test_set_fact_closes_the_previous_record_and_keeps_history(nurse, make_person):
    person = make_person(nurse)
    first = services.set_fact(
        nurse, person, "housing", "ordinary", valid_from=dt.date(2024, 1, 1), reason="Inflytt"
    )
    second = services.set_fact(
        nurse, person, "housing", "special_housing", valid_from=dt.date(2025, 3, 1)
    )
    first.refresh_from_db()
    assert first.valid_to == dt.date(2025, 3, 1) and first.reason == "Inflytt"
    assert second.valid_to is None and second.recorded_by == nurse
    assert services.current_facts(person)["housing"] == "special_housing"
    assert [r.value for r in services.fact_history(person)["housing"]] == [
        "special_housing",
        "ordinary",
    ]
    # Same value again: nothing new.
    assert services.set_fact(nurse, person, "housing", "special_housing").pk == second.pk
    # Back in time before the current value: refused.
    with pytest.raises(PeopleError) as caught:
        services.set_fact(nurse, person, "housing", "ordinary", valid_from=dt.date(2020, 1, 1))
    assert caught.value.field == "valid_from"
    assert len(_events(person.ref, Action.UPDATE)) == 2


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("housing", "castle", "invalid_choice"),
        ("end_of_life", "yes", "not_a_boolean"),
        ("adl_needs_over_time", ["flying"], "invalid_choice"),
        ("region", "gavleborg", "unknown_fact"),  # derived, never set by hand
        ("time", "10:00", "unknown_fact"),  # a fact of the intervention
        ("no_such_fact", 1, "unknown_fact"),
    ],
)
def test_set_fact_validates_against_the_domain_model(nurse, make_person, name, value, code):
    person = make_person(nurse)
    with pytest.raises(PeopleError) as caught:
        services.set_fact(nurse, person, name, value)
    assert caught.value.code == code
    assert caught.value.message


def test_municipality_fact_updates_the_home_kommun(nurse, make_person):
    person = make_person(nurse)
    services.set_fact(nurse, person, "municipality", "2309")
    person.refresh_from_db()
    assert person.home_municipality == "2309"
    assert [r.value for r in services.fact_history(person)["municipality"]] == ["2309", "2380"]


def test_fact_change_flags_active_assessments_for_review(nurse, make_person):
    person = make_person(nurse)
    services.set_fact(nurse, person, "housing", "ordinary")
    assessment = services.create_assessment(
        nurse, person, intervention_kind="medication_management", measure="Insulin",
        result="self_care", performed_by_person_or_others="Personen själv",
        review_date=timezone.localdate() + dt.timedelta(days=180),
    )  # fmt: skip
    services.set_fact(nurse, person, "housing", "special_housing")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.NEEDS_REVIEW
    assert "Boendeform" in assessment.review_reason
    task = Task.objects.get(kind=TaskKind.REVIEW_ASSESSMENT)
    assert task.assignee == nurse and task.source_assessment == assessment
    assert task.status == TaskStatus.OPEN
    # A new assessment replaces the flagged one and closes the review task.
    new = services.create_assessment(
        nurse, person, intervention_kind="medication_management", measure="Insulin",
        result="health_care", review_date=timezone.localdate() + dt.timedelta(days=90),
    )  # fmt: skip
    assessment.refresh_from_db()
    task.refresh_from_db()
    assert assessment.status == AssessmentStatus.REPLACED and new.replaces == assessment
    assert task.status == TaskStatus.DONE


# --- egenvård --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [Role.NEEDS_ASSESSOR, Role.SIP_COORDINATOR],
)
def test_non_licensed_assessor_is_refused_in_swedish(make_staff, orgs, make_person, role):
    nurse = make_staff(Role.NURSE, orgs.ostersund)
    person = make_person(nurse)
    user = make_staff(role, orgs.ostersund)
    with pytest.raises(PeopleError) as caught:
        services.create_assessment(
            user, person, intervention_kind="nursing", measure="Såromläggning",
            result="self_care", performed_by_person_or_others="Närstående",
            review_date=timezone.localdate() + dt.timedelta(days=30),
        )  # fmt: skip
    error = caught.value
    assert (error.field, error.code) == ("assessed_by", "not_licensed")
    assert "legitimerad" in error.message
    assert not person.self_care_assessments.exists()
    assert _events(person.ref, Action.ACCESS_DENIED)


@pytest.mark.parametrize(
    "role",
    [Role.NURSE, Role.OCCUPATIONAL_THERAPIST, Role.PHYSIOTHERAPIST, Role.MAS],
)
def test_licensed_roles_may_assess(make_staff, orgs, make_person, role):
    nurse = make_staff(Role.NURSE, orgs.ostersund)
    person = make_person(nurse)
    user = make_staff(role, orgs.ostersund)
    assessment = services.create_assessment(
        user, person, intervention_kind="nursing", measure="Såromläggning",
        result="health_care", review_date=timezone.localdate() + dt.timedelta(days=30),
    )  # fmt: skip
    assert assessment.assessed_by_role == role
    assert _events(person.ref, Action.CREATE)


def test_assessment_rules_for_children_and_self_care(nurse, make_person, testpersons):
    child_index = next(
        i for i, p in enumerate(testpersons)
        if p["birth_date"] > timezone.localdate().replace(year=timezone.localdate().year - 17)
    )  # fmt: skip
    child = make_person(nurse, child_index)
    base = {
        "intervention_kind": "medication_management",
        "measure": "Insulin",
        "review_date": timezone.localdate() + dt.timedelta(days=30),
    }
    with pytest.raises(PeopleError) as caught:
        services.create_assessment(
            nurse, child, result="self_care", performed_by_person_or_others="Föräldrar", **base
        )
    assert (caught.value.field, caught.value.code) == ("guardians", "required_for_child")
    assessment = services.create_assessment(
        nurse, child, result="self_care", performed_by_person_or_others="Föräldrarna",
        guardians=["Vårdnadshavare 1 (mor)", "Vårdnadshavare 2 (far)"], **base,
    )  # fmt: skip
    assert assessment.guardians == ["Vårdnadshavare 1 (mor)", "Vårdnadshavare 2 (far)"]
    with pytest.raises(PeopleError) as caught:
        services.create_assessment(nurse, child, result="self_care", guardians=["x"], **base)
    assert caught.value.field == "performed_by_person_or_others"
    with pytest.raises(PeopleError) as caught:
        services.create_assessment(
            nurse, child, result="health_care", guardians=["x"],
            **(base | {"review_date": timezone.localdate() - dt.timedelta(days=1)}),
        )  # fmt: skip
    assert (caught.value.field, caught.value.code) == ("review_date", "in_past")


def test_handing_over_practical_care_requires_a_new_assessment(make_staff, orgs, make_person):
    """Gävleborg: handing over the practical care does not hand over the responsibility."""
    nurse = make_staff(Role.NURSE, orgs.gavle)
    person = make_person(nurse, home_municipality="2180")
    assessment = services.create_assessment(
        nurse, person, intervention_kind="nursing", measure="Sugning i luftvägar",
        result="self_care", performed_by_person_or_others="Maken",
        review_date=timezone.localdate() + dt.timedelta(days=60),
    )  # fmt: skip
    services.report_performer_change(nurse, assessment, "Hemtjänsten")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.NEEDS_REVIEW
    assert assessment.performed_by_person_or_others == "Maken"  # the old one is not edited
    assert "ny egenvårdsbedömning krävs" in assessment.review_reason
    assert "Hemtjänsten" in assessment.review_reason
    assert Task.objects.filter(kind=TaskKind.REVIEW_ASSESSMENT, source_assessment=assessment)
    with pytest.raises(PeopleError):
        services.report_performer_change(nurse, assessment, "  ")


# --- decisions -----------------------------------------------------------------------------


@pytest.fixture
def jh_case(nurse, make_person, jh_person_facts, jh_intervention_facts):
    """An Östersund person in ordinary housing who needs help dressing; nursing since
    2022-02-01 by Östersund's hemsjukvård."""

    def make(index: int = 0, **facts):
        person = make_person(nurse, index)
        for name, value in (
            jh_person_facts | {"adl_needs_over_time": ["dressing"]} | facts
        ).items():
            services.set_fact(nurse, person, name, value, valid_from=dt.date(2022, 1, 1))
        intervention = services.create_intervention(
            nurse, person, kind="nursing", start=dt.date(2022, 2, 1), facts=jh_intervention_facts
        )
        return person, intervention

    return make


def test_facts_for_decision_combine_person_intervention_and_organisation(jh_case, nurse):
    person, intervention = jh_case()
    facts = services.facts_for_decision(intervention)
    assert facts["region"] == "jamtland-harjedalen"
    assert facts["date"] == "2022-02-01"
    assert facts["intervention"] == "nursing"
    assert facts["municipality"] == "2380"
    assert facts["age"] == services._age_on(person, dt.date(2022, 2, 1))
    assert facts["housing"] == "ordinary" and facts["time"] == "10:00"
    assert facts["self_care_assessment"] == "not_assessed"
    assert services.facts_for_decision(intervention, on=dt.date(2023, 5, 1))["date"] == "2023-05-01"


def test_decide_stores_a_snapshot_and_creates_tasks(jh_case, nurse, orgs):
    person, intervention = jh_case()
    decision = services.decide_intervention(nurse, intervention)
    assert decision.outcome["health_care_responsibility"] == "municipality"
    assert decision.actions == ["assess_self_care_first"]
    assert decision.in_force and decision.missing_facts == []
    assert "jh-hemsjukvard 2020-03-01" in decision.agreement_version
    assert decision.decision["reasons"] and all(r["text"] for r in decision.reasons)
    assert decision.facts_used["housing"] == "ordinary"
    assert decision.decided_by == nurse and decision.decided_by_organisation == orgs.ostersund
    task = Task.objects.get()
    assert task.kind == TaskKind.SELF_CARE_ASSESSMENT
    assert task.organisation == orgs.ostersund
    assert task.source_decision == decision and task.intervention == intervention
    assert _events(person.ref, Action.CREATE)


def test_decision_snapshot_is_immutable(jh_case, nurse):
    person, intervention = jh_case()
    decision = services.decide_intervention(nurse, intervention)
    decision.outcome = {"health_care_responsibility": "region"}
    with pytest.raises(ImmutableError):
        decision.save()
    with pytest.raises(ImmutableError):
        decision.delete()
    with pytest.raises(ImmutableError):
        ResponsibilityDecision.objects.filter(pk=decision.pk).update(outcome={})
    with pytest.raises(ImmutableError):
        ResponsibilityDecision.objects.filter(pk=decision.pk).delete()
    # A later fact change never rewrites it.
    services.set_fact(nurse, person, "housing", "lss_housing")
    stored = ResponsibilityDecision.objects.get(pk=decision.pk)
    assert stored.outcome["health_care_responsibility"] == "municipality"
    assert stored.facts_used["housing"] == "ordinary"


def test_redecide_after_a_fact_change_shows_the_difference(jh_case, nurse):
    person, intervention = jh_case()
    first = services.decide_intervention(nurse, intervention)
    services.set_fact(nurse, person, "housing", "lss_housing")
    # Issue 10: the change re-decides the intervention itself; "Ompröva" then finds nothing new.
    second = intervention.latest_decision()
    assert second.supersedes == first
    diff = services.diff_decisions(first, second)
    assert diff is not None and diff.changed
    dims = {row["dimension"]: (row["before"], row["after"]) for row in diff.outcome}
    assert dims["health_care_responsibility"] == ("municipality", "region")
    assert dims["region_unit"] == ("none", "primary_care")
    assert {"fact": "housing", "before": "ordinary", "after": "lss_housing"} in diff.facts
    assert diff.actions_removed == ["assess_self_care_first"]
    assert any(r["clause"] == "jh-hemsjukvard §7.3" for r in diff.reasons_added)
    assert not diff.agreement_changed
    as_dict = diff.as_dict()
    assert as_dict["changed"] and as_dict["agreement_version"]["changed"] is False
    # The first snapshot is untouched; the latest is the new one.
    assert ResponsibilityDecision.objects.get(pk=first.pk).outcome == first.outcome
    assert intervention.latest_decision() == second
    # Deciding again with nothing changed: an empty diff.
    third, same = services.redecide_intervention(nurse, intervention)
    assert same is not None and not same.changed and third.supersedes == second


def test_redecide_on_a_date_outside_the_agreement_changes_agreement_and_in_force(
    make_staff, orgs, make_person
):
    nurse = make_staff(Role.NURSE, orgs.gavle)
    person = make_person(nurse, home_municipality="2180")
    for name, value in {
        "residence": "registered_in_county", "housing": "ordinary",
        "extensive_home_care": "respirator", "discharge_from_inpatient_care": False,
        "needs_health_and_social_care": True,
    }.items():  # fmt: skip
        services.set_fact(nurse, person, name, value, valid_from=dt.date(2019, 1, 1))
    intervention = services.create_intervention(
        nurse, person, kind="nursing", start=dt.date(2019, 3, 1),
        facts={"treatment_responsibility": "specialist_care"},
    )  # fmt: skip
    first = services.decide_intervention(nurse, intervention)
    assert first.in_force
    assert "offer_sip" in first.actions
    second, diff = services.redecide_intervention(nurse, intervention, on=dt.date(2021, 1, 1))
    assert not second.in_force
    assert diff is not None and diff.changed


def test_tasks_go_to_the_responsible_units(make_staff, orgs, make_person, jh_person_facts,
                                           jh_intervention_facts):  # fmt: skip
    from samverkan.accounts.models import Unit

    finance = Unit.objects.create(
        organisation=orgs.region_jh, name="Ekonomi", kind=UnitKind.FINANCE
    )
    hsv = Unit.objects.create(
        organisation=orgs.ostersund, name="Hemsjukvården", kind=UnitKind.HOME_HEALTH_CARE
    )
    hc = Unit.objects.create(organisation=orgs.region_jh, name="HC", kind=UnitKind.PRIMARY_CARE)
    region_nurse = make_staff(Role.NURSE, orgs.region_jh, unit=hc)
    # Personal assistance: the region keeps it; egenvård to the kommun, SIP to the region.
    person = make_person(region_nurse, 0)
    for name, value in (
        jh_person_facts | {"personal_assistance_lss": True, "adl_needs_over_time": ["eating"]}
    ).items():
        services.set_fact(region_nurse, person, name, value)
    intervention = services.create_intervention(
        region_nurse, person, kind="nursing", start=dt.date(2022, 2, 1), facts=jh_intervention_facts
    )
    decision = services.decide_intervention(region_nurse, intervention)
    assert decision.actions == ["offer_sip", "assess_self_care_first"]
    by_kind = {t.kind: t for t in Task.objects.filter(source_decision=decision)}
    assert (by_kind["sip"].organisation, by_kind["sip"].unit) == (orgs.region_jh, hc)
    assert (by_kind["self_care_assessment"].organisation, by_kind["self_care_assessment"].unit) == (
        orgs.ostersund,
        hsv,
    )
    assert by_kind["self_care_assessment"].from_organisation == orgs.region_jh
    # A visitor registered in another region: the region's ekonomi bills the home region.
    visitor = make_person(region_nurse, 1, home_municipality="")
    for name, value in (
        jh_person_facts | {"residence": "registered_elsewhere", "adl_needs_over_time": ["dressing"]}
    ).items():
        services.set_fact(region_nurse, visitor, name, value)
    visit = services.create_intervention(
        region_nurse,
        visitor,
        kind="nursing",
        start=dt.date(2022, 2, 1),
        facts=jh_intervention_facts,
    )
    billed = services.decide_intervention(region_nurse, visit)
    assert billed.actions == ["bill_home_region"]
    bill = Task.objects.get(source_decision=billed)
    assert (bill.kind, bill.organisation, bill.unit) == (
        "bill_home_region",
        orgs.region_jh,
        finance,
    )
    # Re-deciding does not duplicate open tasks.
    services.redecide_intervention(region_nurse, visit)
    assert Task.objects.filter(intervention=visit).count() == 1


def test_named_care_contact_physician_notes_the_physician(jh_case, nurse):
    person, intervention = jh_case(end_of_life=True)
    decision = services.decide_intervention(nurse, intervention)
    assert "named_care_contact_physician" in decision.actions
    task = Task.objects.get(kind=TaskKind.NAMED_CARE_CONTACT)
    assert "läkare" in task.note


def test_an_active_assessment_is_used_by_the_decision(jh_case, nurse):
    person, intervention = jh_case()
    services.create_assessment(
        nurse, person, intervention=intervention, intervention_kind="nursing",
        measure="Stödstrumpor", result="self_care", performed_by_person_or_others="Personen",
        review_date=timezone.localdate() + dt.timedelta(days=30),
    )  # fmt: skip
    decision = services.decide_intervention(nurse, intervention)
    assert decision.facts_used["self_care_assessment"] == "self_care"
    assert decision.outcome["health_care_responsibility"] == "self_care"
    # A change of circumstances: the flagged assessment no longer counts.
    # Issue 10: the decision is re-decided with the change itself (no "Ompröva" needed).
    services.set_fact(nurse, person, "adl_needs_over_time", ["dressing", "moving"])
    again = intervention.latest_decision()
    assert again.supersedes_id == decision.pk
    diff = services.diff_decisions(decision, again)
    assert again.facts_used["self_care_assessment"] == "not_assessed"
    assert "assess_self_care_first" in again.actions
    assert diff is not None and "assess_self_care_first" in diff.actions_added


def test_intervention_validation(nurse, make_person, orgs):
    person = make_person(nurse)
    with pytest.raises(PeopleError) as caught:
        services.create_intervention(nurse, person, kind="magic")
    assert caught.value.field == "kind"
    with pytest.raises(PeopleError) as caught:
        services.create_intervention(
            nurse, person, kind="nursing", start=dt.date(2024, 2, 1), end=dt.date(2024, 1, 1)
        )
    assert caught.value.field == "end"
    with pytest.raises(PeopleError) as caught:
        services.create_intervention(nurse, person, kind="nursing", facts={"housing": "ordinary"})
    assert caught.value.code == "unknown_fact"
    intervention = services.create_intervention(
        nurse, person, kind="nursing", facts={"time": "18:30"}
    )
    services.update_intervention(nurse, intervention, facts={"time": None, "urgent": True})
    assert intervention.facts == {"urgent": True}


# --- tasks -------------------------------------------------------------------------------------


def test_tasks_for_user_and_completion(make_staff, orgs, jh_case, nurse):
    person, intervention = jh_case()
    services.decide_intervention(nurse, intervention)
    task = Task.objects.get()
    assert list(services.tasks_for_user(nurse)) == [task]
    stranger = make_staff(Role.NURSE, orgs.krokom)
    assert not services.tasks_for_user(stranger).exists()
    with pytest.raises(PermissionDenied):
        services.complete_task(stranger, task)
    services.complete_task(nurse, task, note="Bedömning bokad")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_by == nurse
    assert not services.tasks_for_user(nurse).exists()
    with pytest.raises(PeopleError):
        services.complete_task(nurse, task)
    assert AuditEvent.objects.filter(object_type="people.task", person_ref=person.ref)


# --- FHIR import ---------------------------------------------------------------------------------


def test_fhir_import_of_the_three_shared_patients(make_staff, orgs):
    from samverkan.people.testpersons import shared_dir

    folder = shared_dir() / "testdata" / "fhir"
    region = make_staff(Role.NURSE, orgs.region_jh)
    ost = make_staff(Role.NURSE, orgs.ostersund)
    declared = {"confirm_care_relation": True, "reason": "Inskrivning"}
    expected = {
        "patient-personnummer.json": ("personnummer", "196101182803", "Maria Birgitta", "Ljungberg",
                                      dt.date(1961, 1, 18), "female"),
        "patient-samordningsnummer.json": ("samordningsnummer", SAMORDNINGSNUMMER, "Tom", "Smith",
                                           dt.date(1961, 9, 13), "male"),
        "patient-reservnummer.json": ("reservnummer", RESERVNUMMER, "Förnamn",
                                      "Mellannamn Efternamn", dt.date(2021, 3, 25), "female"),
    }  # fmt: skip
    for name, (system, value, given, family, born, sex) in expected.items():
        person, created = services.import_patient(
            region, (folder / name).read_text("utf-8"), **declared
        )
        assert created
        identity = person.identities.get()
        assert (identity.system, identity.value, identity.is_primary) == (system, value, True)
        assert (person.given_name, person.family_name, person.birth_date, person.sex) == (
            given, family, born, sex,
        )  # fmt: skip
        assert person.care_relations.get().organisation == orgs.region_jh
        assert AuditEvent.objects.filter(person_ref=value, action=Action.CREATE).exists()
    # Importing again finds the same person (its own: not created); another organisation gets
    # a care relation of its own, and the person is new to it (issue 11: no oracle).
    text = (folder / "patient-personnummer.json").read_text("utf-8")
    assert services.import_patient(region, text, **declared)[1] is False
    again, created = services.import_patient(ost, text, **declared)
    assert created
    assert again.care_relations.count() == 2
    assert Person.objects.count() == 3 and PersonIdentity.objects.count() == 3


def test_fhir_import_command(make_staff, orgs, capsys):
    from django.core.management import call_command

    from samverkan.people.testpersons import shared_dir

    folder = shared_dir() / "testdata" / "fhir"
    make_staff(Role.NURSE, orgs.region_jh, "ssk.import")
    files = sorted(str(p) for p in folder.glob("*.json"))
    call_command("import_fhir_patients", *files, user="ssk.import", reason="Inskrivning")
    assert "0 nya, 0 fanns redan, 3 fel" in capsys.readouterr().out  # not confirmed
    call_command("import_fhir_patients", *files, user="ssk.import", reason="Inskrivning",
                 confirm_care_relation=True)  # fmt: skip
    out = capsys.readouterr().out
    assert "3 nya" in out
    assert Person.objects.count() == 3
    for number in ("196101182803", SAMORDNINGSNUMMER, RESERVNUMMER):
        assert number not in out  # no identifiers on the console


def test_person_refs_match_ref_for_many_persons(nurse, make_person):
    persons = [make_person(nurse, i) for i in range(3)]
    bare = Person.objects.create(given_name="Utan", family_name="Identitet")
    refs = person_refs([p.pk for p in [*persons, bare]])
    assert refs == {p.pk: p.ref for p in [*persons, bare]}
    assert refs[bare.pk] == f"person:{bare.pk}"
