"""Revising an agreement without code (issue 14): a forum member drafts, the basis is kept,
the forum recommends after a confirmation, each party adopts; a draft never decides; the
version is chosen per party by the date of the care; history is never edited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from samverkan.accounts.models import Role
from samverkan.agreements import revisions as svc
from samverkan.agreements.models import Adoption, Revision, RevisionStatus
from samverkan.audit.models import Action, AuditEvent
from samverkan.rules import decide
from tests.access_matrix import GROUPS, Failures
from tests.baselines import JH_CASE

pytestmark = pytest.mark.django_db
AGREEMENT = "jh-hemsjukvard"
BASE = "/avvikelser"
ADL_RULE = "jh-hsv.responsibility.ordinary_with_needs"
ADL_KEY = "count_at_least:adl_needs_over_time:n"
ONE_NEED = JH_CASE | {"adl_needs_over_time": ["hygiene"]}
SCENARIO = {
    "name": "Ett behov, hälsocentralen",
    "facts": "Datum: 2027-01-01\nKommun: Östersund\nÅlder: 80\nInsats: Sjuksköterskeinsats\n"
    "Boendeform: Ordinärt boende\nFolkbokföring/status: Folkbokförd i länet\n"
    "Behov av stöd över tid: Personlig daglig hygien\nPersonlig assistans enligt LSS: nej\n"
    "Psykisk funktionsnedsättning: nej\nVård i livets slutskede: nej\n"
    "Önskar vård på hälsocentral: nej\nÖppen tvångsvård: Nej\n"
    "Behov av både hälso- och sjukvård och socialtjänst: nej\nUtskrivning från sluten vård: nej\n"
    "Klockslag: 10:00\nDagverksamhet: nej\nTjänsteköp begärt: nej",
    "expected": "health_care_responsibility|region",
}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def small_population(monkeypatch):
    monkeypatch.setattr(svc, "CHECK_POPULATION", 5_000)
    monkeypatch.setattr(svc.prepare_basis, "__kwdefaults__", {"n": 5_000, "on": None})


def hcr(facts) -> str:
    return decide(dict(facts)).outcome["health_care_responsibility"]


def _draft_by_pages(client) -> Revision:
    r = client.post(f"{BASE}/avtal/{AGREEMENT}/revisioner/", {"title": "Två ADL-behov"})
    assert r.status_code == 302, r.content[:500]
    revision = Revision.objects.get()
    for rule in (ADL_RULE, "jh-hsv.responsibility.ordinary_without_needs"):
        r = client.post(
            f"{BASE}/revisioner/{revision.pk}/andring/parameter/",
            {"target": f"{rule}|{ADL_KEY}", "value": "2"},
        )
        assert r.status_code == 302, r.content.decode()[:2000]
    r = client.post(f"{BASE}/revisioner/{revision.pk}/scenario/", SCENARIO)
    assert r.status_code == 302, r.content.decode()[-3000:]
    revision.refresh_from_db()
    return revision


def test_a_forum_member_drafts_checks_and_recommends(client_as, make_staff, orgs):
    forum = make_staff(Role.FORUM_MEMBER, orgs.region_jh)
    c = client_as(forum)
    revision = _draft_by_pages(c)
    assert [ch["n"] for ch in revision.changes] == [2, 2]
    page = c.get(f"{BASE}/revisioner/{revision.pk}/").content.decode()
    assert "får värdet 2" in page and f">{ADL_RULE}" not in page  # plain Swedish, no ids shown

    # Recommending before the basis is refused; the basis is kept with the draft.
    c.post(f"{BASE}/revisioner/{revision.pk}/rekommendera/", {"confirm": "1"})
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.DRAFT
    assert c.post(f"{BASE}/revisioner/{revision.pk}/underlag/").status_code == 302
    revision.refresh_from_db()
    basis = revision.basis
    assert basis["scenarios_passed"], basis["scenarios"]
    assert basis["check"]["ok"]
    assert basis["clauses"] == ["jh-hemsjukvard §7.3"] or basis["clauses"]
    synthetic = basis["simulations"]["synthetic"]
    assert synthetic["summary"]["moved"]["health_care_responsibility"]["cases"] > 0
    assert synthetic["tables"]["by_municipality"]
    assert "recorded" in basis["simulations"]

    # The irreversible step asks first, then fixes the revision with who and when.
    r = c.post(f"{BASE}/revisioner/{revision.pk}/rekommendera/")
    assert r.status_code == 200 and "Bekräfta rekommendationen" in r.content.decode()
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.DRAFT
    c.post(f"{BASE}/revisioner/{revision.pk}/rekommendera/", {"confirm": "1"})
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.RECOMMENDED
    assert revision.recommended_by == forum and revision.recommended_at is not None

    # History is never edited: a recommended revision takes no change.
    with pytest.raises(ValidationError):
        svc.add_change(forum, revision, {"op": "disable", "rule": ADL_RULE}, "rule")
    with pytest.raises(ValidationError):
        svc.prepare_basis(forum, revision)


def test_bad_scenario_and_change_are_refused_on_the_field(client_as, make_staff, orgs):
    forum = make_staff(Role.FORUM_MEMBER, orgs.region_jh)
    c = client_as(forum)
    revision = svc.create_draft(forum, AGREEMENT, "Prov")
    r = c.post(f"{BASE}/revisioner/{revision.pk}/scenario/", SCENARIO | {"facts": "Ålder 80"})
    assert r.status_code == 422
    assert "Rad 1: skriv uppgift och värde" in r.content.decode()
    r = c.post(f"{BASE}/revisioner/{revision.pk}/scenario/", SCENARIO | {"facts": "Skostorlek: 42"})
    assert "okänd uppgift" in r.content.decode()
    r = c.post(
        f"{BASE}/revisioner/{revision.pk}/andring/parameter/",
        {"target": f"{ADL_RULE}|{ADL_KEY}", "value": "9999"},
    )
    assert r.status_code == 422 and "ska vara mellan" in r.content.decode()
    r = c.post(
        f"{BASE}/revisioner/{revision.pk}/andring/rule/",
        {"clause": "§7.3", "anchor": "finns inte i texten alls", "summary": "x", "fact": "age",
         "operator": "at_least", "value": "tio", "outcome": "performer|region"},
    )  # fmt: skip
    body = r.content.decode()
    assert r.status_code == 422 and "precis ett stycke" in body and "Skriv ett heltal" in body
    revision.refresh_from_db()
    assert revision.changes == [] and revision.scenarios == []


def _recommended(forum) -> Revision:
    revision = svc.create_draft(forum, AGREEMENT, "Två ADL-behov")
    for rule in (ADL_RULE, "jh-hsv.responsibility.ordinary_without_needs"):
        svc.add_change(forum, revision, {"op": "set_parameter", "rule": rule,
                                         "kind": "count_at_least",
                                         "fact": "adl_needs_over_time", "n": 2}, "value")  # fmt: skip
    svc.prepare_basis(forum, revision)
    return svc.recommend(forum, revision, confirmed=True)


def _adopt(user, revision, party, since, *, confirmed=True):
    return svc.adopt(
        user,
        revision,
        svc.AdoptionInput(party, "Fullmäktige", dt.date(2026, 11, 1), "KS 2026/1", since),
        confirmed=confirmed,
    )


def test_a_draft_never_decides_and_each_party_adopts(client_as, make_staff, orgs):
    forum = make_staff(Role.FORUM_MEMBER, orgs.region_jh)
    draft = svc.create_draft(forum, AGREEMENT, "Utkast")
    svc.add_change(forum, draft, {"op": "disable", "rule": ADL_RULE}, "rule")
    revision = _recommended(forum)
    care = ONE_NEED | {"date": "2027-02-01"}
    assert hcr(care) == "municipality"  # a draft and an unadopted recommendation: no effect

    region_admin = make_staff(Role.ADMINISTRATOR, orgs.region_jh)
    ostersund_admin = make_staff(Role.ADMINISTRATOR, orgs.ostersund)
    # The forum member may not adopt for a party; nor one party for another.
    with pytest.raises(PermissionDenied):
        _adopt(forum, revision, orgs.region_jh, dt.date(2027, 1, 1))
    with pytest.raises(PermissionDenied):
        _adopt(ostersund_admin, revision, orgs.krokom, dt.date(2027, 1, 1))
    with pytest.raises(svc.NeedsConfirmation):
        _adopt(region_admin, revision, orgs.region_jh, dt.date(2027, 1, 1), confirmed=False)
    assert not Adoption.objects.exists()

    # Adoption through the page: confirmation first.
    c = client_as(region_admin)
    data = {"party": orgs.region_jh.pk, "body": "Regionfullmäktige", "decided_on": "2026-11-20",
            "diarienummer": "RS/2026/77", "in_force_from": "2027-01-01"}  # fmt: skip
    r = c.post(f"{BASE}/revisioner/{revision.pk}/anta/", data)
    assert r.status_code == 200 and "Bekräfta antagandet" in r.content.decode()
    assert (
        c.post(f"{BASE}/revisioner/{revision.pk}/anta/", data | {"confirm": "1"}).status_code == 302
    )
    assert hcr(care) == "municipality"  # the region alone does not bring it into force
    _adopt(ostersund_admin, revision, orgs.ostersund, dt.date(2027, 1, 15))
    assert hcr(care) == "region"
    version = next(a for a in decide(dict(care)).as_dict()["agreements"] if a["id"] == AGREEMENT)
    assert version["version"].endswith(f"+revision-{revision.pk}")
    # The date of the care, not of the decision, chooses the version.
    assert hcr(ONE_NEED | {"date": "2027-01-14"}) == "municipality"
    # Krokom has not adopted it.
    assert hcr(care | {"municipality": "2309"}) == "municipality"
    # Once per party; never edited.
    with pytest.raises(ValidationError):
        _adopt(ostersund_admin, revision, orgs.ostersund, dt.date(2027, 2, 1))
    page = client_as(forum).get(f"{BASE}/revisioner/{revision.pk}/").content.decode()
    assert "RS/2026/77" in page and "Regionfullmäktige" in page


def test_a_past_date_asks_for_the_retroactive_check(make_staff, orgs):
    forum = make_staff(Role.FORUM_MEMBER, orgs.region_jh)
    revision = _recommended(forum)
    seen = []
    registered = svc._retroactive
    svc.use_retroactive(lambda actor, rev, code, since: seen.append((code, since)) or
                        {"decisions": [1], "invoices": []})  # fmt: skip
    try:
        _adopt(make_staff(Role.ADMINISTRATOR, orgs.ostersund), revision, orgs.ostersund,
               dt.date(2026, 6, 1))  # fmt: skip
        assert seen == []  # the region has not adopted: nothing is in force yet
        adoption = _adopt(make_staff(Role.ADMINISTRATOR, orgs.region_jh), revision,
                          orgs.region_jh, dt.date(2026, 9, 1))  # fmt: skip
    finally:
        svc.use_retroactive(registered)
    assert seen == [("2380", dt.date(2026, 9, 1))]
    assert adoption.retroactive == {"2380": {"decisions": [1], "invoices": []}}


@pytest.mark.parametrize("group", list(GROUPS))
@pytest.mark.parametrize("relation", ["own_region", "other_region"])
def test_revision_matrix(client_as, make_staff, orgs, group, relation):
    """Every revision page and endpoint per role group: reading for the region's staff (no
    personal data), drafting and recommending only for its forum members, adopting only for
    whoever speaks for the party; another region does not see the agreement (404)."""
    owner = make_staff(Role.FORUM_MEMBER, orgs.region_jh)
    draft = svc.create_draft(owner, AGREEMENT, "Utkast")
    org = orgs.region_jh if relation == "own_region" else orgs.region_gvb
    failures = Failures()
    for role in GROUPS[group]:
        c = client_as(make_staff(role, org))
        forum = role == Role.FORUM_MEMBER and relation == "own_region"
        read = {200} if relation == "own_region" else {404}
        write = {302, 422} if forum else ({403} if relation == "own_region" else {404})
        attempts = {
            "lista": (c.get(f"{BASE}/avtal/{AGREEMENT}/revisioner/").status_code, read),
            "utkast": (c.get(f"{BASE}/revisioner/{draft.pk}/").status_code, read),
            "nytt utkast": (
                c.post(f"{BASE}/avtal/{AGREEMENT}/revisioner/", {"title": "x"}).status_code,
                write if relation == "own_region" else {404},
            ),
            "ändring": (
                c.post(
                    f"{BASE}/revisioner/{draft.pk}/andring/disable/", {"rule": ADL_RULE}
                ).status_code,
                write,
            ),  # fmt: skip
            "scenario": (
                c.post(f"{BASE}/revisioner/{draft.pk}/scenario/", SCENARIO).status_code,
                write,
            ),
            "anta": (
                c.post(f"{BASE}/revisioner/{draft.pk}/anta/", {}).status_code,
                (
                    {302, 422}
                    if role == Role.ADMINISTRATOR and relation == "own_region"
                    else {403}
                    if relation == "own_region"
                    else {404}
                ),
            ),  # fmt: skip
        }
        for what, (status, allowed) in attempts.items():
            failures.check(status in allowed, f"{role} {relation} {what}: {status}")
    failures.assert_none()
    if group != "forum" and relation == "own_region":
        assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).exists()
        assert Revision.objects.get(pk=draft.pk).changes == []


def _flag_case(make_staff, orgs, person):
    """The registered check (followup.revision_glue): a decision of Östersund with a care
    date after the in-force date is flagged with its difference; one before it, or in a
    kommun that has not adopted, is not. Nothing is changed: the decision stays as it was."""
    from samverkan.people.models import Intervention, ResponsibilityDecision

    nurse = make_staff(Role.NURSE, orgs.ostersund)

    def decided(day: str, municipality: str = "2380") -> Intervention:
        intervention = Intervention.objects.create(
            person=person, kind="nursing", start=dt.date(2026, 1, 1),
            performing_organisation=orgs.ostersund, created_by=nurse,
        )  # fmt: skip
        facts = dict(ONE_NEED | {"date": day, "municipality": municipality})
        ResponsibilityDecision.objects.create(
            intervention=intervention, facts_used=facts, outcome=decide(facts).outcome,
            agreement_version="jh-hemsjukvard@2020-03-01",
        )  # fmt: skip
        return intervention

    after, before, krokom = (
        decided("2026-10-01"),
        decided("2026-08-01"),
        decided("2026-10-01", "2309"),
    )
    forum = make_staff(Role.FORUM_MEMBER, orgs.region_jh)
    revision = _recommended(forum)
    _adopt(make_staff(Role.ADMINISTRATOR, orgs.region_jh), revision, orgs.region_jh,
           dt.date(2026, 9, 1))  # fmt: skip
    adoption = _adopt(make_staff(Role.ADMINISTRATOR, orgs.ostersund), revision, orgs.ostersund,
                      dt.date(2026, 9, 1))  # fmt: skip
    found = adoption.retroactive["2380"]
    assert [d["intervention"] for d in found["decisions"]] == [after.pk]
    flagged = found["decisions"][0]
    assert flagged["difference"]["health_care_responsibility"] == ["municipality", "region"]
    assert flagged["version_after"].endswith(f"+revision-{revision.pk}")
    assert found["invoices"] == []
    assert before.pk not in [d["intervention"] for d in found["decisions"]]
    assert krokom.decisions.count() == after.decisions.count() == 1  # nothing re-written
    return revision


def test_a_past_date_flags_the_decisions_it_changes(make_staff, orgs, person):
    assert _flag_case(make_staff, orgs, person).adoptions.count() == 2


def test_the_page_shows_the_flagged_difference(client_as, make_staff, orgs, person):
    revision = _flag_case(make_staff, orgs, person)
    page = (
        client_as(make_staff(Role.FORUM_MEMBER, orgs.region_jh))
        .get(f"{BASE}/revisioner/{revision.pk}/")
        .content.decode()
    )
    assert "Retroaktiv verkan" in page and "1 beslut markerade för omprövning" in page
    assert "Kommunen → Regionen" in page or "kommunen → regionen" in page.lower()


def test_issued_invoices_it_would_change_are_listed_not_changed(monkeypatch, make_staff, orgs):
    """The invoice half of the check, over the purchases selector's rows (the selector's SQL
    is a plain filter; the invoicing fixtures are in tests/purchases): an invoiced record in
    Östersund after the date whose decision changes lists its invoice once per invoice."""
    from samverkan.followup import revision_glue
    from samverkan.purchases import selectors as purchases_selectors

    facts = {k: v for k, v in ONE_NEED.items() if k not in ("date", "time")}
    snapshot = {"facts": facts, "outcome": decide(dict(ONE_NEED | {"date": "2026-10-01"})).outcome}
    rows = [
        ("JH-1", dt.date(2026, 10, 1), "10:00", snapshot),
        ("JH-1", dt.date(2026, 10, 2), "10:00", snapshot),
        ("JH-2", dt.date(2026, 10, 3), "10:00", snapshot | {"facts": facts | {"municipality": "2309"}}),
    ]  # fmt: skip
    monkeypatch.setattr(
        purchases_selectors, "invoiced_records_since", lambda agreement, since: rows
    )
    forum = make_staff(Role.FORUM_MEMBER, orgs.region_jh)
    revision = _recommended(forum)
    _adopt(make_staff(Role.ADMINISTRATOR, orgs.region_jh), revision, orgs.region_jh,
           dt.date(2026, 9, 1))  # fmt: skip
    adoption = _adopt(make_staff(Role.ADMINISTRATOR, orgs.ostersund), revision, orgs.ostersund,
                      dt.date(2026, 9, 1))  # fmt: skip
    invoices = adoption.retroactive["2380"]["invoices"]
    assert [(i["invoice"], i["records"]) for i in invoices] == [("JH-1", 2)]
    assert invoices[0]["difference"]["health_care_responsibility"] == ["municipality", "region"]
    assert revision_glue.retroactive_effect  # registered in followup/apps.py
