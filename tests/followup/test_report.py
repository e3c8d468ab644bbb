"""The yearly report reconciles with the records: every figure recomputed from the models,
independently of report.py; small cells are "<5" in the page, the CSV and the PDF; no
personal data anywhere."""

from __future__ import annotations

import csv
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Sum

from samverkan.core.documents import text_lines
from samverkan.followup import exports, report
from samverkan.followup.suppression import HIDDEN_TEXT

pytestmark = pytest.mark.django_db
AGREEMENT = "jh-hemsjukvard"


def table(built: report.YearlyReport, section: str, index: int = 0) -> report.Table:
    return built.section(section).tables[index]


def row(t: report.Table, label: str) -> dict[str, report.Cell]:
    for name, cells in t.rows:
        if name == label:
            return dict(zip(t.columns, cells, strict=True))
    raise KeyError(label)


def test_decisions_reconcile(world) -> None:
    from samverkan.people.models import ResponsibilityDecision

    built = report.build(AGREEMENT, world.year)
    decisions = ResponsibilityDecision.objects.filter(decided_at__year=world.year)
    counted: Counter[tuple[str, str]] = Counter()
    persons: dict[tuple[str, str], set] = {}
    for d in decisions:
        key = (d.facts_used.get("municipality"), d.outcome["health_care_responsibility"])
        counted[key] += 1
        persons.setdefault(key, set()).add(d.intervention.person_id)
    assert sum(counted.values()) == 12  # 11 persons + one re-decision
    t = table(built, "decisions")
    ost, krokom = row(t, "Östersund"), row(t, "Krokom")
    assert ost["Kommunen"].value == counted[("2380", "municipality")] == 7
    assert ost["Regionen"].value == counted[("2380", "region")] == 2
    assert ost["Totalt"].value == 9
    assert krokom["Kommunen"].value == counted[("2309", "municipality")] == 3
    # Krokom rests on 3 persons: hidden; Östersund's region cell (2 persons) too, and
    # with it the other Östersund cell, or 9 − 2 would reveal it. Krokom's total is hidden,
    # so Östersund's is too: the key figure (12) minus 9 would reveal Krokom's 3.
    assert krokom["Kommunen"].hidden and krokom["Kommunen"].text() == HIDDEN_TEXT
    assert ost["Regionen"].hidden and ost["Kommunen"].hidden
    assert krokom["Totalt"].hidden and ost["Totalt"].hidden
    figure = built.key_figures[0]
    assert figure.cell.value == decisions.count() == 12
    municipal = sum(n for (m, o), n in counted.items() if o == "municipality")
    share = built.section("decisions").extra["municipal_share"]
    assert share.value == pytest.approx(100 * municipal / 12)
    # 83 % of 12 would give away the 2 Östersund persons of the region: not shown.
    assert share.hidden
    assert "12 ansvarsbeslut" in figure.sentence and "%" not in figure.sentence


def test_assessments_reconcile(world) -> None:
    from samverkan.people.models import SelfCareAssessment

    built = report.build(AGREEMENT, world.year)
    records = SelfCareAssessment.objects.filter(assessed_at__year=world.year)
    by_result = Counter(records.values_list("result", flat=True))
    t = table(built, "assessments")
    ost = row(t, "Östersunds kommun")
    assert ost["Egenvård"].value == by_result["self_care"] == 5
    assert ost["Hälso- och sjukvård"].value == by_result["health_care"] == 2
    assert ost["Totalt"].value == records.count() == 7
    assert ost["Hälso- och sjukvård"].hidden and ost["Egenvård"].hidden  # complementary
    extra = built.section("assessments").extra
    assert extra["self_care"].value == 5 and extra["self_care"].hidden  # 7 − 5 = 2 persons
    sentence = next(f for f in built.key_figures if f.label == "Egenvård").sentence
    assert sentence == "7 egenvårdsbedömningar gjordes."


def test_sips_reconcile(world) -> None:
    from samverkan.sip.models import PlanVersion, Sip, VersionKind

    built = report.build(AGREEMENT, world.year)
    started = Sip.objects.filter(agreement=AGREEMENT, created__year=world.year).count()
    followed = (
        PlanVersion.objects.filter(kind=VersionKind.FOLLOW_UP, created_at__year=world.year)
        .values("sip")
        .distinct()
        .count()
    )
    ost = row(table(built, "sips"), "Östersunds kommun")
    assert ost["Startade"].value == started == 6
    assert ost["Följdes upp"].value == followed == 2
    assert not ost["Startade"].hidden and ost["Följdes upp"].hidden
    sentence = next(f for f in built.key_figures if f.label == "SIP").sentence
    assert sentence.startswith("6 samordnade") and f"{HIDDEN_TEXT} följdes upp" in sentence


def test_purchases_reconcile(world) -> None:
    from samverkan.purchases.models import Invoice, RecordStatus, ServiceRecord

    built = report.build(AGREEMENT, world.year)
    records = ServiceRecord.objects.filter(
        service_date__year=world.year,
        status__in=[RecordStatus.APPROVED, RecordStatus.INVOICED],
        payment__in=["service_purchase", "hourly_share_50", "shared"],
    )
    minutes = records.aggregate(m=Sum("minutes"))["m"]
    assert minutes == 6 * (90 + 45)
    invoiced = Invoice.objects.filter(kind="invoice", status="issued").aggregate(
        s=Sum("line_total_ore")
    )["s"]
    assert invoiced == 6 * 90 * 65000 // 60  # 6 × 1.5 h × 650 kr
    direction = row(table(built, "purchases"), "Östersunds kommun → Region Jämtland Härjedalen")
    assert direction["Timmar"].value == pytest.approx(minutes / 60)
    assert direction["Fakturerat"].value == Decimal(invoiced) / 100
    assert not direction["Timmar"].hidden and not direction["Fakturerat"].hidden
    extra = built.section("purchases").extra
    assert extra["hours"].value == pytest.approx(13.5)
    assert extra["sek"].value == Decimal("5850.00")


def test_deviations_and_disputes_reconcile(world) -> None:
    from samverkan.deviations.models import Deviation, Dispute

    built = report.build(AGREEMENT, world.year)
    by_category = Counter(
        Deviation.objects.filter(received_at__year=world.year).values_list("category", flat=True)
    )
    t = table(built, "deviations")
    medication, fall = row(t, "Läkemedel"), row(t, "Fall")
    assert medication["Totalt"].value == by_category["medication"] == 6
    assert fall["Totalt"].value == by_category["fall"] == 2
    assert fall["Totalt"].hidden and medication["Totalt"].hidden  # 8 − 2 would reveal it
    assert medication["Varav allvarliga"].value == 1
    assert built.section("deviations").extra["total"].value == 8
    disputes = Dispute.objects.filter(opened_at__year=world.year)
    resolved = disputes.filter(status="resolved")
    t = table(built, "disputes")
    assert row(t, "Pågår")["Antal"].value == disputes.count() - resolved.count() == 5
    assert row(t, "Delas lika")["Antal"].value == resolved.count() == 1
    extra = built.section("disputes").extra
    assert extra["total"].value == 6 and extra["resolved"].value == 1


def _personal_data(world) -> list[str]:
    out = []
    for p in world.persons:
        out += [p.given_name, p.ref, p.ref[-4:] and p.ref]
    return [s for s in out if s]


def test_page_csv_and_pdf_show_the_same_suppressed_cells_and_no_person(world, client_as) -> None:
    client = client_as(world.forum)
    base = f"/uppfoljning/rapport/{AGREEMENT}/{world.year}/"
    page = client.get(base).content.decode()
    data = client.get(f"{base}csv").content.decode("utf-8-sig")
    pdf = client.get(f"{base}pdf").content
    assert pdf.startswith(b"%PDF")
    assert "<svg" in page and page.count('class="chart-svg"') == 6
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert rows[0] == list(exports.CSV_HEADER)
    cells = {(r[0], r[2], r[3]): r[4] for r in rows[1:]}
    assert cells[("Ansvarsbeslut", "Krokom", "Kommunen")] == HIDDEN_TEXT
    assert cells[("Ansvarsbeslut", "Östersund", "Totalt")] == HIDDEN_TEXT
    assert cells[("Samordnad individuell plan (SIP)", "Östersunds kommun", "Startade")] == "6"
    assert cells[
        ("Tjänsteköp", "Östersunds kommun → Region Jämtland Härjedalen", "Fakturerat")
    ] == ("5850,00")
    assert cells[("Tvister (oklart ansvar)", "Delas lika", "Antal")] == HIDDEN_TEXT
    for name in _personal_data(world):
        assert name not in page and name not in data
    # Read with the one PDF text layer's reader: always, not only where pdftotext exists.
    text = " ".join(text_lines(pdf))
    assert "Årsuppföljning" in text and HIDDEN_TEXT in text
    assert "12 ansvarsbeslut fattades" in text
    for name in _personal_data(world):
        assert name not in text


def test_a_year_without_records_reads_ingen_data_where_a_source_is_missing(db, monkeypatch):
    monkeypatch.setattr(report, "_installed", lambda app: app != "sip")
    built = report.build(AGREEMENT, 2024)
    sips = built.section("sips")
    assert not sips.available and "ingen data" in sips.missing_note
    assert built.missing_sources == ["Samordnad individuell plan (SIP)"]
    assert exports.to_pdf(built).startswith(b"%PDF")
    assert "ingen data" in exports.to_csv(built)


def test_pdf_is_tagged_with_figures_and_counts_its_pages(world, client_as) -> None:
    import io as _io

    import pikepdf

    from tests.pdf_checks import assert_document_layer, structure_types

    client = client_as(world.forum)
    content = client.get(f"/uppfoljning/rapport/{AGREEMENT}/{world.year}/pdf").content
    text = assert_document_layer(content, title=None)
    with pikepdf.open(_io.BytesIO(content)) as pdf:
        assert "/Figure" in structure_types(pdf) and "/Table" in structure_types(pdf)
        pages = len(pdf.pages)
    assert f"Sida 1 av {pages}" in text


def test_key_figures_compare_with_the_year_before(world, client_as) -> None:
    # Issue 13: the report compared no figure with the previous year (only the discharge
    # section did). The world's records are all of its year, so the year before has none.
    built = report.build(AGREEMENT, world.year)
    figures = {f.label: f for f in built.key_figures}
    before = world.year - 1
    assert figures["Ansvarsbeslut"].previous == f"Året innan ({before}): 0 ansvarsbeslut."
    assert figures["Tjänsteköp"].previous == f"Året innan ({before}): 0 timmar."
    page = client_as(world.forum).get(f"/uppfoljning/rapport/{AGREEMENT}/{world.year}/")
    assert f"Året innan ({before}): 0 ansvarsbeslut." in page.content.decode()
    rows = list(csv.reader(io.StringIO(exports.to_csv(built).lstrip("\ufeff")), delimiter=";"))
    assert [
        "Nyckeltal",
        "",
        "Ansvarsbeslut",
        "Året innan",
        f"Året innan ({before}): 0 ansvarsbeslut.",
    ] in rows


def test_a_suppressed_figure_of_the_year_before_stays_suppressed() -> None:
    from samverkan.followup.suppression import Cell

    now = [
        report.KeyFigure("SIP", Cell.count(12), "12 SIP."),
        report.KeyFigure("Egenvård", Cell.count(9), ""),
    ]
    before = {"SIP": report.KeyFigure("SIP", Cell.count(3), "")}
    report._compare_with(now, before, 2025)
    assert now[0].previous == f"Året innan (2025): {HIDDEN_TEXT}."
    assert now[1].previous == "Året innan (2025): inga uppgifter."


def test_the_first_year_has_nothing_before_it(db) -> None:
    first = report.years_for(AGREEMENT)[-1]
    assert all(not f.previous for f in report.build(AGREEMENT, first).key_figures)
