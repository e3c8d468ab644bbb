"""The per-stay payment view (betalningsansvar) both parties see, the month list, and the
kommun's dispute about a stay's days (issue 16: services existed, no page or endpoint).

The stay: admitted 10 November 2026, notices to the kommun two hours later, utskrivningsklar
20 November 10:00 (UTC, 11:00 in Sweden) -> betalningsansvar from 23 November (the law's
three days); today is 2 December: 8 days in November and 2 in December at 2026's amount
(11 300 kr, not confirmed against the föreskrift).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samverkan.accounts.models import Role
from samverkan.audit.models import AuditEvent
from samverkan.discharge import local_terms, payment_view, services
from samverkan.discharge.models import StayDispute

pytestmark = pytest.mark.django_db

PER_DAY = Decimal("11300")


@pytest.fixture
def paid(staff, orgs, units, make_person):
    stay = services.admit(
        staff.ward_nurse,
        make_person(),
        unit=units.ward,
        municipality=orgs.ostersund,
        care_type="somatic",
        admitted_at=dt.datetime(2026, 11, 10, 8, 0, tzinfo=dt.UTC),
        needs_municipal_insatser=True,
    )
    services.send_admission_notice(
        staff.ward_nurse,
        stay,
        receivers=["municipal_social_services", "municipal_health_care"],
        sent_at=dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.UTC),
    )
    services.mark_ready(
        staff.doctor, stay, ready_at=dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), confirm=True
    )
    stay.refresh_from_db()
    return stay


@pytest.fixture
def ekonom(make_staff, orgs):
    return {
        "region": make_staff(Role.FINANCE_OFFICER, orgs.region_jh, "ekonom.rjh"),
        "ostersund": make_staff(Role.FINANCE_OFFICER, orgs.ostersund, "ekonom.ost"),
        "krokom": make_staff(Role.FINANCE_OFFICER, orgs.krokom, "ekonom.krokom"),
    }


def test_the_view_lists_each_day_with_its_amount_rule_and_source(paid, staff):
    view = payment_view.stay_payment(staff.ward_nurse, paid)
    assert view.days == 10 and view.amount == 10 * PER_DAY
    assert view.first_day == dt.date(2026, 11, 23)
    paid_days = [d for d in view.day_rows if d.paid]
    assert [d.day for d in paid_days][0] == dt.date(2026, 11, 23)
    assert [d.day for d in paid_days][-1] == dt.date(2026, 12, 2)
    assert {d.amount for d in paid_days} == {PER_DAY}
    assert all("5 kap." in d.clause for d in paid_days)
    assert not any(d.verified for d in paid_days)  # 2026's amount is not confirmed
    # The free days after the notice are listed, and say when payment starts.
    free = [d for d in view.day_rows if not d.paid]
    assert free[0].day == dt.date(2026, 11, 20)
    assert "2026-11-23" in free[1].text
    # The law governs (no local version): the terms say so, and count as confirmed.
    assert view.terms_local is False and "lag (2017:612)" in view.terms_name
    # Per month, and no invoice run has taken the days yet.
    assert [(m.month, m.days, m.amount, m.state) for m in view.months] == [
        (dt.date(2026, 11, 1), 8, 8 * PER_DAY, "not_run"),
        (dt.date(2026, 12, 1), 2, 2 * PER_DAY, "not_run"),
    ]


def test_unconfirmed_local_terms_are_named_and_marked(paid, staff, make_staff, orgs):
    forum = make_staff(Role.FORUM_MEMBER, orgs.region_jh, "forum.rjh")
    local_terms.enter_version(
        forum,
        valid_from=dt.date(2026, 1, 1),
        name="Överenskommelse om utskrivning, Jämtlands län",
        terms={"days_after_notice": 2},
        municipality=orgs.ostersund,
    )
    view = payment_view.stay_payment(staff.assessor, paid)
    assert view.terms_name == "Överenskommelse om utskrivning, Jämtlands län"
    assert view.terms_local and not view.terms_confirmed
    assert view.days == 11  # one day earlier than the law
    page = _client(staff.assessor).get(f"/utskrivning/{paid.pk}/betalning/")
    assert "Ej bekräftad" in page.content.decode()


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_both_parties_see_the_page_and_the_kommun_sees_what_it_was_sent(paid, staff, ekonom):
    for user in (staff.ward_nurse, staff.assessor, staff.home_nurse):
        page = _client(user).get(f"/utskrivning/{paid.pk}/betalning/")
        assert page.status_code == 200, user
        text = page.content.decode()
        assert "Sigrid" in text and "Dag för dag efter utskrivningsklar" in text
        assert "11 300,00 kr" in text.replace("\xa0", " ")
    # The ekonom of both parties: the days with the invoice's reference, never the name.
    for key in ("region", "ostersund"):
        page = _client(ekonom[key]).get(f"/utskrivning/{paid.pk}/betalning/")
        assert page.status_code == 200, key
        text = page.content.decode()
        assert "Sigrid" not in text and "Utskrivsson" not in text
        assert "P-0001" in text
    # Another kommun's ekonom and staff: not found (and logged).
    assert _client(ekonom["krokom"]).get(f"/utskrivning/{paid.pk}/betalning/").status_code == 404
    assert _client(staff.krokom).get(f"/utskrivning/{paid.pk}/betalning/").status_code == 404
    assert AuditEvent.objects.filter(action="access_denied", person_ref=paid.person.ref).exists()


def test_the_kommun_ekonom_sees_nothing_before_the_kommun_was_notified(
    staff, orgs, units, make_person, ekonom, client_as
):
    stay = services.admit(
        staff.ward_nurse, make_person(), unit=units.ward, municipality=orgs.ostersund,
        care_type="somatic", admitted_at=dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC),
        needs_municipal_insatser=True,
    )  # fmt: skip
    assert (
        client_as(ekonom["ostersund"]).get(f"/utskrivning/{stay.pk}/betalning/").status_code == 404
    )
    assert client_as(ekonom["region"]).get(f"/utskrivning/{stay.pk}/betalning/").status_code == 200


def test_links_from_the_stay_and_the_board(paid, staff, client_as):
    detail = client_as(staff.ward_nurse).get(f"/utskrivning/{paid.pk}/").content.decode()
    assert f"/utskrivning/{paid.pk}/betalning/" in detail
    board = client_as(staff.assessor).get("/utskrivning/").content.decode()
    assert f"/utskrivning/{paid.pk}/betalning/" in board
    assert "/utskrivning/betalning/" in board


def test_the_month_list(paid, staff, ekonom, client_as):
    page = client_as(ekonom["ostersund"]).get("/utskrivning/betalning/?manad=2026-11")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/utskrivning/{paid.pk}/betalning/" in text and "P-0001" in text
    assert "Sigrid" not in text
    assert "90 400,00 kr" in text.replace("\xa0", " ")
    rows = payment_view.month_rows(staff.assessor, dt.date(2026, 11, 1))
    assert [(r.stay.pk, r.days) for r in rows] == [(paid.pk, 8)]
    assert "Sigrid" in rows[0].person
    assert payment_view.month_rows(ekonom["krokom"], dt.date(2026, 11, 1)) == []
    # The ekonom's Utskrivning leads to her part of the room.
    board = client_as(ekonom["region"]).get("/utskrivning/")
    assert board.status_code == 302 and board.url == "/utskrivning/betalning/"
    # A month that is no month falls back to the current one, never a 500.
    assert (
        client_as(ekonom["region"]).get("/utskrivning/betalning/?manad=2026-13").status_code == 200
    )


# --- the kommun bestrider the days -----------------------------------------------------------


def test_the_kommun_disputes_with_a_reason_and_a_confirmation(paid, staff, client_as):
    client = client_as(staff.assessor)
    url = f"/utskrivning/{paid.pk}/betalning/bestrid/"
    form = client.get(url)
    assert form.status_code == 200 and 'name="confirm"' in form.content.decode()
    # Neither reason nor confirmation: both named in Swedish, nothing saved.
    refused = client.post(url, {"reason": " ", "acting_note": ""})
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "Skäl: beskriv varför kommunen bestrider dagarna." in text
    assert "Bekräfta att du vill bestrida betalningsdagarna" in text
    assert not StayDispute.objects.exists()
    done = client.post(
        url, {"reason": "Meddelandet om utskrivningsklar kom aldrig fram.", "confirm": "on"}
    )
    assert done.status_code == 302 and done.url == f"/utskrivning/{paid.pk}/betalning/"
    link = StayDispute.objects.get(stay=paid)
    assert "kom aldrig fram" in link.dispute.question
    assert link.dispute.acting_note  # the default: what is done for the patient meanwhile
    view = payment_view.stay_payment(staff.ward_nurse, paid)
    assert view.open_dispute and not view.may_dispute
    assert {m.state for m in view.months} == {"disputed"}
    page = client_as(staff.ward_nurse).get(f"/utskrivning/{paid.pk}/betalning/").content.decode()
    assert "Dagarna är bestridda" in page
    # A second dispute while one is open: back to the page, nothing more saved.
    again = client.get(url)
    assert again.status_code == 302
    assert StayDispute.objects.count() == 1


def test_only_the_kommun_disputes(paid, staff, ekonom, client_as, make_staff, orgs):
    url = f"/utskrivning/{paid.pk}/betalning/bestrid/"
    # The region (it sells the days), its ekonom, and an unrelated kommun may not.
    assert client_as(staff.ward_nurse).get(url).status_code == 403
    assert client_as(ekonom["region"]).get(url).status_code == 403
    assert client_as(staff.krokom).get(url).status_code == 404
    assert client_as(ekonom["krokom"]).get(url).status_code == 404
    assert client_as(ekonom["ostersund"]).get(url).status_code == 200  # the kommun's ekonom
    # The page offers the button only to whom it is for.
    own = client_as(staff.ward_nurse).get(f"/utskrivning/{paid.pk}/betalning/").content.decode()
    assert url not in own
    kommun = client_as(staff.assessor).get(f"/utskrivning/{paid.pk}/betalning/").content.decode()
    assert url in kommun
    assert not StayDispute.objects.exists()


def test_the_kommun_ekonom_disputes_a_month_and_the_region_sees_it(
    paid, staff, ekonom, client_as, api_client
):
    """From the payment view the kommun's ekonom (she sees the days, not the person) opens
    the dispute on the stay's November days; the stay and the month are linked, the days are
    held, and the region sees the dispute on the same page and in its dispute handling."""
    client = client_as(ekonom["ostersund"])
    page = client.get(f"/utskrivning/{paid.pk}/betalning/").content.decode()
    url = f"/utskrivning/{paid.pk}/betalning/bestrid/"
    assert f"{url}?manad=2026-11" in page and "Bestrid dagarna i november" in page
    form = client.get(f"{url}?manad=2026-11").content.decode()
    assert '<option value="2026-11" selected>november 2026 (8 dagar)</option>' in form
    assert "december 2026 (2 dagar)" in form and "Sigrid" not in form
    # A month without paid days is refused by name, nothing saved.
    wrong = client.post(url, {"reason": "Fel dag", "confirm": "on", "month": "2026-10"})
    assert wrong.status_code == 200
    assert "Månad: välj en av vårdtillfällets månader med betalningsdagar." in wrong.text
    assert not StayDispute.objects.exists()
    done = client.post(
        url,
        {"reason": "Meddelandet kom först den 21 november.", "confirm": "on", "month": "2026-11"},
    )
    assert done.status_code == 302
    after = client.get(done.url).text
    assert "Dagarna i november 2026 är bestridda. De faktureras inte förrän" in after
    link = StayDispute.objects.select_related("dispute").get(stay=paid)
    assert link.month == dt.date(2026, 11, 1)
    dispute = link.dispute
    assert dispute.status == "open" and dispute.opened_by_organisation == paid.municipality
    assert f"vårdtillfälle {paid.pk}, dagarna i november 2026" in dispute.question
    assert "Sigrid" not in dispute.question
    # the region's staff see it on the payment page, with the month, the days held
    region_view = payment_view.stay_payment(staff.ward_nurse, paid)
    assert region_view.open_dispute
    assert [(d.pk, d.month) for d in region_view.disputes] == [(dispute.pk, dt.date(2026, 11, 1))]
    # only November's days are held; December's are not disputed
    assert [(m.month, m.state) for m in region_view.months] == [
        (dt.date(2026, 11, 1), "disputed"),
        (dt.date(2026, 12, 1), "not_run"),
    ]
    region_page = client_as(staff.ward_nurse).get(f"/utskrivning/{paid.pk}/betalning/").text
    assert "gäller dagarna i november 2026" in region_page
    api = api_client(ekonom["region"]).get(f"/api/discharge/stays/{paid.pk}/payment").json()
    assert [(d["id"], d["month"]) for d in api["disputes"]] == [(dispute.pk, "2026-11-01")]
    assert api["open_dispute"] is True and api["open_dispute_month"] == "2026-11-01"
    assert [m["state"] for m in api["months"]] == ["disputed", "not_run"]
    # … and in the region's dispute handling (the region is the counterparty)
    assert dispute.region_party == paid.organisation
    assert client_as(staff.ward_nurse).get(f"/avvikelser/tvister/{dispute.pk}/").status_code == 200


# --- the API ---------------------------------------------------------------------------------


def test_api_payment_view(paid, staff, ekonom, api_client, make_staff, orgs):
    response = api_client(staff.home_nurse).get(f"/api/discharge/stays/{paid.pk}/payment")
    assert response.status_code == 200
    body = response.json()
    assert body["days"] == 10 and Decimal(body["amount"]) == 10 * PER_DAY
    assert [m["state"] for m in body["months"]] == ["not_run", "not_run"]
    assert body["terms"] == {
        "name": "Lagens huvudregel, lag (2017:612) 5 kap.",
        "valid_from": None,
        "local": False,
        "confirmed": True,
    }
    paid_days = [d for d in body["day_rows"] if d["paid"]]
    assert len(paid_days) == 10 and all(Decimal(d["amount"]) == PER_DAY for d in paid_days)
    assert body["may_dispute"] is True and body["open_dispute"] is False
    finance = api_client(ekonom["region"]).get(f"/api/discharge/stays/{paid.pk}/payment").json()
    assert finance["person"] == "P-0001" and finance["may_dispute"] is False
    kommun = api_client(ekonom["ostersund"]).get(f"/api/discharge/stays/{paid.pk}/payment").json()
    assert kommun["person"] == "P-0001" and kommun["may_dispute"] is True
    assert (
        api_client(ekonom["krokom"]).get(f"/api/discharge/stays/{paid.pk}/payment").status_code
        == 404
    )
    assert (
        api_client(staff.krokom).get(f"/api/discharge/stays/{paid.pk}/payment").status_code == 404
    )
    # The forum and administrators see no stay's days, of their own region either.
    for role in (Role.FORUM_MEMBER, Role.ADMINISTRATOR):
        user = make_staff(role, orgs.region_jh)
        response = api_client(user).get(f"/api/discharge/stays/{paid.pk}/payment")
        assert response.status_code == 403, role


def test_api_dispute_errors_and_success(paid, staff, api_client):
    url = f"/api/discharge/stays/{paid.pk}/payment-disputes"
    client = api_client(staff.assessor)
    refused = client.post(url, {}, content_type="application/json")
    assert refused.status_code == 422
    codes = {(d["field"], d["code"]) for d in refused.json()["detail"]}
    assert codes == {("reason", "missing"), ("confirm", "confirmation_required")}
    bad_month = client.post(
        url,
        {"reason": "x", "confirm": True, "month": "2026-10-15"},
        content_type="application/json",
    )
    assert bad_month.status_code == 422
    assert [(d["field"], d["code"]) for d in bad_month.json()["detail"]] == [
        ("month", "invalid_month")
    ]
    region = api_client(staff.ward_nurse).post(
        url, {"reason": "x", "confirm": True}, content_type="application/json"
    )
    assert region.status_code == 403 and region.json()["detail"][0]["code"] == "forbidden"
    unrelated = api_client(staff.krokom).post(
        url, {"reason": "x", "confirm": True}, content_type="application/json"
    )
    assert unrelated.status_code == 404
    created = client.post(
        url, {"reason": "Fel datum för utskrivningsklar.", "confirm": True},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201
    assert created.json()["status"] == "open" and created.json()["stay_id"] == paid.pk
    twice = client.post(url, {"reason": "Igen", "confirm": True}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["detail"][0]["code"] == "dispute_open"
    view = api_client(staff.ward_nurse).get(f"/api/discharge/stays/{paid.pk}/payment").json()
    assert view["open_dispute"] is True
    assert [d["open"] for d in view["disputes"]] == [True]
    assert {m["state"] for m in view["months"]} == {"disputed"}


def test_openapi_documents_every_status(client):
    schema = client.get("/api/openapi.json").json()
    get = schema["paths"]["/api/discharge/stays/{stay_id}/payment"]["get"]["responses"]
    post = schema["paths"]["/api/discharge/stays/{stay_id}/payment-disputes"]["post"]["responses"]
    assert {"200", "401", "403", "404", "422"} <= set(get)
    assert {"201", "401", "403", "404", "409", "422"} <= set(post)
    assert "StayPaymentOut" in str(get["200"])


def test_a_protected_identity_is_withheld_outside_the_region(paid, staff, client_as):
    from samverkan.people import services as people_services

    people_services.mark_protected(staff.ward_nurse, paid.person, kind="confidentiality_marking")
    for url in (f"/utskrivning/{paid.pk}/betalning/", "/utskrivning/betalning/?manad=2026-11"):
        text = client_as(staff.assessor).get(url).content.decode()
        assert "Sigrid" not in text and "Skyddad identitet" in text, url
    own = client_as(staff.ward_nurse).get(f"/utskrivning/{paid.pk}/betalning/").content.decode()
    assert "Sigrid Utskrivsson" in own
