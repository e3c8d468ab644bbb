"""The forum's discharge figures in the yearly report (issue 16): notices in time per kommun,
days after utskrivningsklar, days and kronor of betalningsansvar (under the local terms the
parties entered), calls to SIP after discharge in time, compared with the previous year;
small cells suppressed by the persons behind them, no person anywhere."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from samverkan.accounts.models import Role, Unit, UnitKind
from samverkan.discharge import local_terms
from samverkan.discharge.models import (
    Notice,
    NoticeKind,
    Receiver,
    Stay,
    StayStatus,
    StayTask,
    TaskKind,
)
from samverkan.followup import exports, report
from samverkan.followup.suppression import HIDDEN_TEXT

from .conftest import STOCKHOLM

pytestmark = pytest.mark.django_db
AGREEMENT = "jh-hemsjukvard"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


@pytest.fixture
def stays(db, orgs, make_staff) -> SimpleNamespace:
    from samverkan.people import services as people
    from samverkan.people.testpersons import test_personnummer

    ward = Unit.objects.create(
        organisation=orgs.region_jh, name="Medicinavdelning 5", kind=UnitKind.SPECIALIST_CARE
    )
    gvb_ward = Unit.objects.create(
        organisation=orgs.region_gvb, name="Geriatriken", kind=UnitKind.SPECIALIST_CARE
    )
    nurse = make_staff(Role.NURSE, orgs.region_jh, "ssk.utskr.uppf", unit=ward)
    gvb_nurse = make_staff(Role.NURSE, orgs.region_gvb, "ssk.gvb.uppf", unit=gvb_ward)
    numbers = iter(test_personnummer(30, seed=2612))
    persons: list[Any] = []

    def person(actor: Any, municipality: str) -> Any:
        p, _ = people.create_person(
            actor,
            identifier=next(numbers),
            given_name="Signe",
            family_name="Årsuppföljningsdotter",
            home_municipality=municipality,
            confirm_care_relation=True,
            reason="Inskriven",
        )
        persons.append(p)
        return p

    def stay(
        municipality: Any,
        admitted: str,
        notice_hours: float,
        ready: str,
        discharged: str | None,
        *,
        care_type: str = "somatic",
        sip_done: str | None = None,
        org: Any = orgs.region_jh,
        unit: Any = ward,
        actor: Any = nurse,
    ) -> Stay:
        s = Stay.objects.create(
            person=person(actor, municipality.scb_code),
            organisation=org,
            unit=unit,
            municipality=municipality,
            care_type=care_type,
            admitted_at=at(admitted),
            needs_municipal_insatser=True,
            status=StayStatus.DISCHARGED if discharged else StayStatus.READY,
            ready_at=at(ready),
            discharged_at=at(discharged) if discharged else None,
            source="board",
        )
        Notice.objects.create(
            stay=s,
            kind=NoticeKind.ADMISSION,
            sent_at=at(admitted) + dt.timedelta(hours=notice_hours),
            sender=org,
            receiver=Receiver.MUNICIPAL_SOCIAL_SERVICES,
            receiver_organisation=municipality,
            source="board",
        )
        Notice.objects.create(
            stay=s,
            kind=NoticeKind.READY,
            sent_at=at(ready) + dt.timedelta(hours=1),
            sender=org,
            source="board",
        )
        if sip_done is not None and discharged:
            StayTask.objects.create(
                stay=s,
                kind=TaskKind.CALL_SIP,
                organisation=org,
                due=at(discharged).date() + dt.timedelta(days=3),
                done_at=at(sip_done),
            )
        return s

    # 2026, Östersund: 6 stays, one notice late (30 h); ready 10 March 09:00 (notice 10:00),
    # discharged 20 March: 10 days after utskrivningsklar, paid 13–19 March = 7 days each.
    # Five SIP calls in time (due 23 March), one late.
    for i in range(6):
        stay(
            orgs.ostersund,
            "2026-03-01 08:00",
            30 if i == 0 else 2,
            "2026-03-10 09:00",
            "2026-03-20 10:00",
            sip_done="2026-03-25 09:00" if i == 0 else "2026-03-22 09:00",
        )
    # Krokom: 2 stays (a small cell), the same days.
    for _ in range(2):
        stay(orgs.krokom, "2026-03-01 08:00", 2, "2026-03-10 09:00", "2026-03-20 10:00")
    # Not in the home-care agreement's figures: a psychiatric stay, another region's stay.
    stay(orgs.ostersund, "2026-03-01 08:00", 2, "2026-03-10 09:00", "2026-03-20 10:00",
         care_type="psychiatric")  # fmt: skip
    stay(orgs.gavle, "2026-03-01 08:00", 2, "2026-03-10 09:00", "2026-03-20 10:00",
         org=orgs.region_gvb, unit=gvb_ward, actor=gvb_nurse)  # fmt: skip
    # 2025, Östersund: 5 stays, all in time, 7 paid days each at 2025's amount.
    for _ in range(5):
        stay(orgs.ostersund, "2025-05-01 08:00", 2, "2025-05-10 09:00", "2025-05-20 10:00")
    return SimpleNamespace(persons=persons, nurse=nurse)


def cells(built: report.YearlyReport, table: int, label: str, raw: bool = False) -> dict:
    t = built.section("discharge").tables[table]
    for name, row in t.rows:
        if name == label:
            return {
                c: (cell.value if raw else cell.text())
                for c, cell in zip(t.columns, row, strict=True)
            }
    raise KeyError(label)


def test_figures_per_kommun_with_suppression_and_previous_year(stays) -> None:
    built = report.build(AGREEMENT, 2026)
    ost = cells(built, 0, "Östersund", raw=True)
    assert ost["Vårdtillfällen"] == 6
    assert ost["Inskrivningsmeddelanden i tid"] == 83  # 5 of 6 within 24 h
    assert ost["Dagar efter utskrivningsklar"] == 60
    assert ost["Dagar med betalningsansvar"] == 42
    assert ost["Betalningsansvar"] == Decimal(474600)  # 42 × 11 300 kr (2026)
    assert ost["Kallelser till SIP efter utskrivning"] == 6
    assert ost["Varav inom tiden"] == 5
    # with Krokom hidden, Östersund's cell of the same column is hidden too (else the
    # region's total would give Krokom away): complementary suppression
    assert cells(built, 0, "Östersund")["Betalningsansvar"] == HIDDEN_TEXT
    krokom = cells(built, 0, "Krokom")
    assert set(krokom.values()) <= {HIDDEN_TEXT, "0"}
    assert krokom["Vårdtillfällen"] == HIDDEN_TEXT
    # the region as a whole, against 2025 (5 stays × 7 days × 10 900 kr)
    years = built.section("discharge").tables[1]
    assert years.columns == ["2026", "2025"]
    assert cells(built, 1, "Vårdtillfällen") == {"2026": "8", "2025": "5"}
    assert cells(built, 1, "Betalningsansvar") == {
        "2026": "632\u00a0800\u00a0kr",  # 56 × 11 300
        "2025": "381\u00a0500\u00a0kr",
    }
    figure = next(f for f in built.key_figures if f.label == "Utskrivning")
    assert "8 vårdtillfällen" in figure.sentence and "56 dagar" in figure.sentence


def test_the_psychiatric_agreement_counts_psychiatric_stays(stays) -> None:
    built = report.build("jh-psykisk", 2026)
    assert built.section("discharge").tables[0].rows[0][0] == "Östersund"
    assert cells(built, 0, "Östersund")["Vårdtillfällen"] == HIDDEN_TEXT  # one person


def test_no_previous_year_is_said_in_words(stays) -> None:
    built = report.build(AGREEMENT, 2025)
    section = built.section("discharge")
    assert len(section.tables) == 1
    assert "Inga uppgifter finns för 2024" in section.source_note


def test_local_terms_entered_by_the_parties_change_the_kronor(stays, orgs, make_staff) -> None:
    forum_ost = make_staff(Role.FORUM_MEMBER, orgs.ostersund, "forum.ost.uppf")
    local_terms.enter_version(
        forum_ost,
        valid_from=dt.date(2026, 1, 1),
        name="Överenskommelse om utskrivning Östersund",
        terms={"amount_per_day": 8000},
    )
    built = report.build(AGREEMENT, 2026)
    assert cells(built, 0, "Östersund", raw=True)["Betalningsansvar"] == Decimal(336000)
    assert "inte är bekräftade" in built.section("discharge").source_note


def test_page_and_csv_show_the_figures_and_no_person(stays, orgs, make_staff, client_as) -> None:
    forum = make_staff(Role.FORUM_MEMBER, orgs.region_jh, "forum.utskr.uppf")
    client = client_as(forum)
    base = f"/uppfoljning/rapport/{AGREEMENT}/2026/"
    page = client.get(base).content.decode()
    data = client.get(f"{base}csv").content.decode("utf-8-sig")
    assert "Utskrivning från slutenvård per kommun" in page
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    found = {(r[0], r[2], r[3]): r[4] for r in rows[1:]}
    section = "Utskrivning från slutenvård"
    assert found[(section, "Vårdtillfällen", "2026")] == "8"
    assert found[(section, "Krokom", "Vårdtillfällen")] == HIDDEN_TEXT
    for p in stays.persons:
        for text in (p.given_name + " " + p.family_name, p.ref):
            assert text not in page and text not in data
    assert exports.to_pdf(report.build(AGREEMENT, 2026)).startswith(b"%PDF")


def test_money_is_whole_kronor_and_decimal(stays) -> None:
    from samverkan.discharge.selectors import year_figures

    figures = year_figures("jamtland-harjedalen", ("somatic",), 2026)
    assert {f.amount for f in figures} == {Decimal("79100.00")}


def test_report_page_shows_every_discharge_figure_in_swedish(stays, orgs, make_staff, client_as):
    """The yearly report page itself (not only the built report): notices in time, days after
    utskrivningsklar per kommun, kronor of betalningsansvar and SIPs after discharge, with
    Östersund's values as the page prints them and no code or English word."""
    client = client_as(make_staff(Role.MAS, orgs.region_jh, "mas.utskr.uppf"))
    page = client.get(f"/uppfoljning/rapport/{AGREEMENT}/2026/")
    assert page.status_code == 200
    html = page.content.decode()
    start = html.index("Utskrivning från slutenvård per kommun")
    section = html[start : html.index("</table>", start)]
    for heading in report.DISCHARGE_COLUMNS:
        assert heading in section
    built = report.build(AGREEMENT, 2026)
    for text in cells(built, 0, "Östersund").values():
        assert text in section
    assert "Östersund" in section
    for word in ("payment_days", "notice_in_time", "sip_due", "None", "somatic"):
        assert word not in section
