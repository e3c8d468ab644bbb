"""The access matrix of tjänsteköp: every page and API endpoint, as every role (by role group)
of the performing organisation, the paying organisation, an organisation that participates
in the person's SIP with consent and one without (the paying region is invited without
consent), the paying organisation when the person keeps the performer's data from other
vårdgivare (spärr, PDL 6 kap. 2–3 §§) although the payer has a care relation of its own, an
unrelated organisation, and one whose licensed staff opened emergency access to the person
(`people.emergency`: it opens the SIP plan, the fast vårdkontakt and the contacts only, so
tjänsteköp answers as for the unrelated organisation).

Besides the status, each answer is checked for what it shows: a name, personnummer or birth
year of the person only to care staff and medical leads of the own organisation (the
finance group's row: invoicing data with pseudonymous references only, PDL 4 kap. 1–2 §§), and
every answer that shows the person (by name or by reference) has left an audit event with
the person's reference for that user. The paying vårdgivare's care staff (every role group
but the ekonom and MAS, who check and pay the invoice) get none of the performer's records,
not even by reference, with or without a spärr; under the spärr although they have a care
relation of their own (README, Protected identities and spärr).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from samverkan.accounts.models import Role, is_licensed
from samverkan.audit.models import AuditEvent
from samverkan.purchases import services
from samverkan.sip import services as sip_services
from samverkan.sip.models import ConsentScope, Sip
from tests.access_matrix import GROUPS, Failures, roles_where

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)

# From the role table (tests/access_matrix.py).
# The ekonom reads service records (with pseudonymous references, never the record).
READS = roles_where(reads_persons=True) | {Role.FINANCE_OFFICER}
# Care and medical lead: names of persons they see. Service records are health care's: the
# biståndshandläggare (social services) does not reach them by the kommun's health-care
# relation (OSL 8 kap. 2 §).
NAMES = roles_where(changes_persons=True) - {Role.NEEDS_ASSESSOR}
# Tjänsteköp's own rows (README, Tjänsteköp and invoicing): the ekonom registers and imports
# for the organisation's staff and runs invoices; ekonom, MAS and administrators read
# invoices; MAS alone reads whom an invoice's references stand for.
REGISTERS = roles_where(changes_persons=True) | {Role.FINANCE_OFFICER}
INVOICES = frozenset({Role.FINANCE_OFFICER, Role.MAS, Role.ADMINISTRATOR})
ALL_RECORDS = frozenset({Role.FINANCE_OFFICER, Role.MAS})

RELATIONS = [
    "own",
    "paying",
    "paying_under_sparr",
    "participating_with_consent",
    "unrelated",
    "emergency",
]
PAYING = {"paying", "paying_under_sparr"}
PARTIES = {"own"} | PAYING
ORGANISATION = {
    "own": "ostersund",
    "paying": "region_jh",
    "paying_under_sparr": "region_jh",
    "participating_with_consent": "krokom",
    "unrelated": "gavle",
    "emergency": "gavle",
}
#: The lists that would show the performer's record (by name or reference) to whoever gets it.
RECORD_LISTS = {"month review", "api records"}


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    expected: Callable[[Role, str], int]
    api: bool = False


def _record_status(role: Role, relation: str) -> int:
    if role not in READS:
        return 403
    if relation in PAYING and role in ALL_RECORDS:
        return 200
    if relation == "own" and (role in NAMES or role in ALL_RECORDS):
        return 200  # not the biståndshandläggare: a health-care record (OSL 8 kap. 2 §)
    return 404


def _invoice_status(role: Role, relation: str, *, api: bool = False) -> int:
    if api and role not in INVOICES:
        return 403
    return 200 if role in INVOICES and relation in PARTIES else 404


def _endpoints(record, invoice) -> list[Endpoint]:
    i = invoice.pk

    def page(name: str, *args: object) -> str:
        return reverse(f"purchases:{name}", args=args)

    return [
        Endpoint(
            "registration page",
            page("index"),
            lambda r, _: 200 if r in REGISTERS or r == Role.ADMINISTRATOR else 403,
        ),
        Endpoint(
            "month review",
            page("month") + "?month=2026-03",
            lambda r, _: 200 if r in READS else 403,
        ),
        Endpoint("import page", page("import"), lambda r, _: 200 if r in REGISTERS else 403),
        Endpoint("invoicing page", page("invoicing"), lambda r, _: 200 if r in INVOICES else 403),
        Endpoint("prices page", page("prices"), lambda r, _: 200 if r in INVOICES else 403),
        # the parties' invoice identifiers and rules are public data (test_buyer_rules.py
        # has who edits and confirms)
        Endpoint("buyers page", page("buyers"), lambda r, _: 200 if r in INVOICES else 403),
        Endpoint("buyer page", page("buyer", "23"), lambda r, _: 200 if r in INVOICES else 403),
        Endpoint("invoice page", page("invoice", i), _invoice_status),
        Endpoint(
            "person map",
            page("invoice_persons", i),
            lambda r, rel: (
                404 if rel not in PARTIES or r not in INVOICES else 200 if r == Role.MAS else 403
            ),
        ),
        Endpoint("attachment CSV", page("invoice_file", i, "attachment_csv"), _invoice_status),
        Endpoint("attachment PDF", page("invoice_file", i, "attachment_pdf"), _invoice_status),
        Endpoint("e-invoice", page("invoice_file", i, "xml"), _invoice_status),
        Endpoint(
            "api records",
            "/api/purchases/records?month=2026-03",
            lambda r, _: 200 if r in READS else 403,
            api=True,
        ),
        Endpoint("api record", f"/api/purchases/records/{record.pk}", _record_status, api=True),
        Endpoint(
            "api run preview",
            "/api/purchases/runs/preview?month=2026-03&buyer=23",
            lambda r, rel: (409 if rel in PAYING else 200) if r == Role.FINANCE_OFFICER else 403,
            api=True,
        ),
        Endpoint(
            "api unit references",
            "/api/purchases/organisations/23/unit-references",
            lambda r, _: 200 if r in INVOICES else 403,
            api=True,
        ),
        Endpoint(
            "api invoices",
            "/api/purchases/invoices",
            lambda r, _: 200 if r in INVOICES else 403,
            api=True,
        ),
        Endpoint(
            "api invoice",
            f"/api/purchases/invoices/{i}",
            lambda r, rel: _invoice_status(r, rel, api=True),
            api=True,
        ),
        Endpoint(
            "api attachment",
            f"/api/purchases/invoices/{i}/files/attachment_csv",
            lambda r, rel: _invoice_status(r, rel, api=True),
            api=True,
        ),
    ]


@pytest.fixture
def world(tk, register):
    """One service for tk.p1 (Östersund, care relation) paid by Region JH, invoiced; a SIP
    about tk.p1 in which Krokom participates with consent and the region without."""
    (record,) = register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    (invoice,) = services.run_invoices(
        tk.ekonom,
        seller=tk.orgs.ostersund,
        buyer=tk.orgs.region_jh,
        month=DAY,
        today=dt.date(2026, 4, 2),
    ).created
    sip = sip_services.start_sip(tk.nurse, tk.p1, agreement="jh-hemsjukvard")
    sip_services.record_consent(
        tk.nurse, sip, given_by="person", scope=ConsentScope.LISTED, organisations=[tk.orgs.krokom]
    )
    sip_services.invite(tk.nurse, sip, organisation=tk.orgs.krokom)
    sip_services.invite(tk.nurse, sip, organisation=tk.orgs.region_jh)
    record.refresh_from_db()
    return record, invoice


def identifying_texts(person, personnummer: str) -> list[str]:
    """What would identify the person on a page: names, personnummer (12 and 10 digits, with
    and without the dash), the birth date and the birth year as the picker printed it."""
    short = personnummer[2:]
    texts = [
        person.family_name,
        person.given_name,
        personnummer,
        short,
        f"{short[:6]}-{short[6:]}",
        f"{personnummer[:8]}-{personnummer[8:]}",
    ]
    if person.birth_date:
        texts += [person.birth_date.isoformat(), f"({person.birth_date:%Y})"]
    return texts


def relate(tk, relation: str):
    """The organisation of the relation; for ``paying_under_sparr`` the region gets a care
    relation of its own with tk.p1 (so that, without the spärr, its care staff and MAS would
    see the person's name) and tk.p1 keeps Östersund's data from other vårdgivare; for
    ``emergency`` Östersund has a SIP on tk.p1 (the plan emergency access opens)."""
    from samverkan.people import services as people_services
    from samverkan.people.models import CareRelation

    if relation == "paying_under_sparr":
        CareRelation.objects.create(
            person=tk.p1, organisation=tk.orgs.region_jh, since=dt.date(2020, 1, 1)
        )
        people_services.record_block(
            tk.nurse, tk.p1, kind="shared", requested_by_person=True,
            reason="Personen bad om spärr vid besöket.",
        )  # fmt: skip
    if relation == "emergency" and not Sip.objects.filter(person=tk.p1).exists():
        sip_services.start_sip(tk.nurse, tk.p1, agreement="jh-hemsjukvard")  # what it opens
    return getattr(tk.orgs, ORGANISATION[relation])


def staff(tk, make_staff, role: Role, organisation, relation: str):
    """A user of the role; in ``emergency`` a licensed one has opened emergency access to
    tk.p1 (the Östersund SIP's plan, what it opens)."""
    from samverkan.people import emergency

    user = make_staff(role, organisation)
    if relation == "emergency" and is_licensed(role):
        opened = emergency.open_emergency_access(
            user, tk.pnr[tk.p1.pk], reason="Akut: medvetslös.", confirmed=True, acute=True
        )
        assert opened, f"{role.value}: emergency access opened nothing"
    return user


@pytest.mark.parametrize("relation", RELATIONS)
def test_access_matrix(relation, tk, world, make_staff, client_as, api_client) -> None:
    record, invoice = world
    organisation = relate(tk, relation)
    person, pnr = tk.p1, tk.pnr[tk.p1.pk]
    secrets = identifying_texts(person, pnr)
    reference = "P-0001"
    endpoints = _endpoints(record, invoice)
    failures = Failures()
    for group, role in ((g, r) for g, roles in GROUPS.items() for r in roles):
        user = staff(tk, make_staff, role, organisation, relation)
        web, api = client_as(user), api_client(user)
        for endpoint in endpoints:
            seen = AuditEvent.objects.filter(user=user, person_ref=pnr)
            before = seen.count()
            response = (api if endpoint.api else web).get(endpoint.url)
            where = f"{relation} {group}/{role.value} {endpoint.name}"
            expected = endpoint.expected(role, relation)
            failures.expect(response.status_code, expected, where)
            body = response.content.decode("utf-8", errors="replace")
            if response.status_code == 200:
                shown = [text for text in secrets if text in body]
                # under spärr the payer's own care relation still lists the person in its own
                # registration picker; no page shows her on the performer's records
                may_name = role in NAMES and (
                    relation == "own"
                    or (relation == "paying_under_sparr" and endpoint.name == "registration page")
                )
                failures.check(may_name or not shown, f"{where}: shows {shown} (need-to-know)")
                if may_name and endpoint.name in ("registration page", "month review"):
                    failures.check(person.family_name in body, f"{where}: care staff lost the name")
                if relation in PAYING and endpoint.name in RECORD_LISTS:
                    # the payer's care staff never get the performer's record; the ekonom
                    # and MAS keep it (by reference only under the spärr)
                    listed = reference in body
                    failures.check(
                        listed == (role in ALL_RECORDS),
                        f"{where}: the performer's record {'shown' if listed else 'missing'}",
                    )
                if person.family_name in body or reference in body:
                    failures.check(
                        seen.count() > before, f"{where}: showed the person without an audit event"
                    )
    failures.assert_none()


@pytest.mark.parametrize("relation", RELATIONS)
def test_decision_matrix(relation, tk, register, make_staff, client_as) -> None:
    """The month review's and the invoice run's actions (POST), as every role: approve a row,
    reject a row (without a reason, so nothing changes), preview a run. Only the ekonom and
    MAS of the performing organisation decide rows; only an ekonom previews and runs."""
    (draft,) = register(tk.nurse, tk.p1, DAY, "09:00", "10:00")
    organisation = relate(tk, relation)
    approvers = {Role.FINANCE_OFFICER, Role.MAS}
    failures = Failures()
    for group, role in ((g, r) for g, roles in GROUPS.items() for r in roles):
        web = client_as(staff(tk, make_staff, role, organisation, relation))
        where = f"{relation} {group}/{role.value}"
        visible = _record_status(role, relation) == 200
        reject = web.post(reverse("purchases:reject", args=[draft.pk]), {"reason": ""})
        expected = (302 if relation == "own" and role in approvers else 403) if visible else 404
        failures.expect(reject.status_code, expected, f"{where} reject")
        approve = web.post(
            reverse("purchases:approve"), {"month": "2026-03", "record": draft.pk, "unit": ""}
        )
        failures.expect(approve.status_code, 302 if role in approvers else 403, f"{where} approve")
        draft.refresh_from_db()
        if draft.status != "draft":
            failures.check(relation == "own" and role in approvers, f"{where} approved a row")
            type(draft).objects.filter(pk=draft.pk).update(status="draft")
        preview = web.post(
            reverse("purchases:invoicing"), {"month": "2026-03", "buyer": tk.orgs.region_jh.pk}
        )
        failures.expect(
            preview.status_code, 200 if role == Role.FINANCE_OFFICER else 403, f"{where} preview"
        )
    failures.assert_none()
