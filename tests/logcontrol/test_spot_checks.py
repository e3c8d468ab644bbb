"""Spot checks (HSLF-FS 2016:40 4 kap. 9 § 5–6): drawn with a recorded seed, reviewed per
item, concluded and closed; closed checks are read-only; checks on suspicion."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.accounts.models import Role
from samverkan.audit.models import Action, AuditEvent
from samverkan.logcontrol import services
from samverkan.logcontrol.models import CheckStatus, SpotCheck

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


def _sample(case, orgs, **kw):
    kw.setdefault("subject", "users")
    kw.setdefault("size", 2)
    return services.open_sample(case.admin, orgs.ostersund, period_start=DAY, period_end=DAY, **kw)


def test_a_draw_stores_seed_and_criteria_and_repeats(case, orgs):
    first = _sample(case, orgs, seed=42)
    again = _sample(case, orgs, seed=42)
    assert first.seed == 42 and first.criteria["population_size"] == 3
    assert first.criteria["period_start"] == "2026-03-10"
    users = [i.user_id for i in first.items.all()]
    assert users == [i.user_id for i in again.items.all()] and len(users) == 2
    # The population is the users who reached Östersund's data: never Krokom's own reads.
    population = services.population(orgs.ostersund, "users", DAY, DAY)
    assert set(population) == {
        str(u.pk) for u in (case.own_nurse, case.other_nurse, case.region_physician)
    }
    assert (
        AuditEvent.objects.filter(
            user=case.admin, action=Action.CREATE, object_type="logcontrol.spotcheck"
        ).count()
        == 2
    )


def test_a_draw_of_persons(case, orgs):
    check = _sample(case, orgs, subject="persons", size=5)
    assert [i.person_ref for i in check.items.all()] == [case.ref]


def test_a_draw_without_seed_gets_one(case, orgs):
    assert _sample(case, orgs).seed is not None


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"subject": "nobody"}, "subject", "invalid"),
        ({"size": 0}, "sample_size", "out_of_range"),
        ({"period_end": DAY - dt.timedelta(days=1)}, "period_end", "before_start"),
    ],
)
def test_bad_draws_are_refused_and_nothing_is_saved(case, orgs, kwargs, field, code):
    args = {"subject": "users", "size": 2, "period_start": DAY, "period_end": DAY, **kwargs}
    with pytest.raises(services.LogControlError) as refused:
        services.open_sample(case.admin, orgs.ostersund, **args)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert not SpotCheck.objects.exists()


def test_review_conclude_close_and_closed_is_read_only(case, orgs):
    check = _sample(case, orgs, seed=1)
    items = list(check.items.all())
    with pytest.raises(services.LogControlError) as refused:
        services.close_check(
            case.admin, orgs.ostersund, check.pk, conclusion="no_remark", text="", confirm=True
        )
    assert refused.value.code == "items_not_reviewed"
    with pytest.raises(services.LogControlError) as refused:
        services.review_item(
            case.admin, orgs.ostersund, check.pk, items[0].pk, conclusion="investigate", note=""
        )
    assert (refused.value.field, refused.value.code) == ("note", "required")
    for item in items:
        services.review_item(
            case.admin, orgs.ostersund, check.pk, item.pk, conclusion="investigate", note="Fråga"
        )
    with pytest.raises(services.LogControlError) as refused:
        services.close_check(
            case.admin, orgs.ostersund, check.pk, conclusion="no_remark", text="", confirm=False
        )
    assert refused.value.code == "confirm_required"
    services.close_check(
        case.admin, orgs.ostersund, check.pk, conclusion="investigate", text="Två utreds",
        confirm=True,
    )  # fmt: skip
    check.refresh_from_db()
    assert check.status == CheckStatus.CLOSED and check.closed_by == case.admin
    with pytest.raises(services.LogControlError) as refused:
        services.review_item(
            case.admin, orgs.ostersund, check.pk, items[0].pk, conclusion="no_remark", note=""
        )
    assert (refused.value.code, refused.value.status) == ("closed", 409)


def test_suspicion_check_for_a_user_or_a_person(case, orgs):
    check = services.open_suspicion(
        case.admin, orgs.ostersund, reason="Anmälan från patient", period_start=DAY,
        period_end=DAY, username="ssk.krokom",
    )  # fmt: skip
    assert check.kind == "suspicion" and check.items.get().user == case.other_nurse
    by_person = services.open_suspicion(
        case.admin, orgs.ostersund, reason="Klagomål", period_start=DAY, period_end=DAY,
        person=case.ref,
    )  # fmt: skip
    assert by_person.items.get().person_ref == case.ref
    with pytest.raises(services.LogControlError) as refused:
        services.open_suspicion(
            case.admin, orgs.ostersund, reason="", period_start=DAY, period_end=DAY,
            username="ssk.krokom",
        )  # fmt: skip
    assert refused.value.field == "reason"
    with pytest.raises(services.LogControlError) as refused:
        services.open_suspicion(
            case.admin, orgs.krokom, reason="x", period_start=DAY, period_end=DAY,
            username="ssk.ostersund",
        )  # fmt: skip
    assert refused.value.code == "unknown_user"


def test_next_due_follows_the_schedule(case, orgs, settings):
    assert services.next_due(orgs.ostersund) == DAY  # none drawn yet: due now
    _sample(case, orgs)
    settings.LOGCONTROL_SPOT_CHECK_EVERY_DAYS = 14
    assert services.next_due(orgs.ostersund) == DAY + dt.timedelta(days=14)


def test_pages_draw_review_and_close_with_confirmation(client_as, case, orgs):
    client = client_as(case.admin)
    page = client.get("/loggkontroll/kontroller/")
    assert page.status_code == 200 and "Nästa stickprov" in page.content.decode()
    response = client.post(
        "/loggkontroll/kontroller/stickprov/",
        {"subject": "persons", "period_start": "2026-03-10", "period_end": "2026-03-10",
         "sample_size": "3", "seed": "7"},
    )  # fmt: skip
    check = SpotCheck.objects.get()
    assert response.status_code == 302 and response.url == f"/loggkontroll/kontroller/{check.pk}/"
    detail = client.get(response.url).content.decode()
    assert case.ref in detail and "Nödåtkomst" in detail
    item = check.items.get()
    url = f"/loggkontroll/kontroller/{check.pk}/"
    client.post(f"{url}punkter/{item.pk}/", {"conclusion": "no_remark", "note": ""})
    refused = client.post(f"{url}avsluta/", {"conclusion": "no_remark"})
    assert (
        refused.status_code == 422
        and "Bekräfta att kontrollen avslutas" in refused.content.decode()
    )
    client.post(f"{url}avsluta/", {"conclusion": "no_remark", "confirm": "on"})
    check.refresh_from_db()
    assert check.is_closed
    closed = client.get(url).content.decode()
    assert "kan inte ändras" in closed and "Spara granskningen" not in closed
    again = client.post(f"{url}punkter/{item.pk}/", {"conclusion": "investigate", "note": "x"})
    assert again.status_code == 409


def test_a_bad_draw_on_the_page_shows_the_error_in_swedish(client_as, case):
    response = client_as(case.admin).post(
        "/loggkontroll/kontroller/stickprov/",
        {"subject": "users", "period_start": "2026-03-11", "period_end": "2026-03-10",
         "sample_size": "3"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Periodens slut är före dess början" in response.content.decode()
    assert not SpotCheck.objects.exists()


def test_another_organisations_check_is_not_found(client_as, case, make_staff, orgs):
    check = _sample(case, orgs)
    krokom_admin = make_staff(Role.ADMINISTRATOR, orgs.krokom)
    client = client_as(krokom_admin)
    assert client.get(f"/loggkontroll/kontroller/{check.pk}/").status_code == 404
    item = check.items.first()
    posted = client.post(
        f"/loggkontroll/kontroller/{check.pk}/punkter/{item.pk}/", {"conclusion": "no_remark"}
    )
    assert posted.status_code == 404
    item.refresh_from_db()
    assert not item.is_reviewed
