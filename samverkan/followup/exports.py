"""The yearly report and a saved simulation as CSV and PDF. Both render the same :class:`report.YearlyReport` the
page renders, so the small-cell rule ("<5") is the same in all three.

CSV: semicolon-separated, UTF-8 with BOM and decimal comma, so that a Swedish spreadsheet
opens it as it is; one row per cell: section, table, row, column, value.

PDF (fpdf2): title, the key figures, the charts as PNG, then the tables, on the one PDF text
layer (`samverkan.core.documents`, DejaVu Sans embedded); the CSV by its one CSV writer.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from fpdf.fonts import FontFace

from samverkan.core.documents import FONT, Document, csv_text
from samverkan.followup import charts
from samverkan.followup.presentation import DisplayTable, SimulationView
from samverkan.followup.report import YearlyReport
from samverkan.followup.suppression import HIDDEN_TEXT

CSV_HEADER = ("Avsnitt", "Tabell", "Rad", "Kolumn", "Värde")
SUPPRESSION_NOTE = (
    "Siffror som bygger på färre än 5 personer visas inte; i stället står det "
    f"»{HIDDEN_TEXT}«. "
    "Inga personuppgifter finns i rapporten."
)


def filename(report: YearlyReport, ext: str) -> str:
    return f"arsuppfoljning-{report.agreement}-{report.year}.{ext}"


def to_csv(report: YearlyReport) -> str:
    return csv_text(_csv_rows(report), CSV_HEADER)


def _csv_rows(report: YearlyReport) -> Iterator[tuple[str, str, str, str, str]]:
    yield ("Rapport", "", "Avtal", "", report.title)
    yield ("Rapport", "", "År", "", str(report.year))
    yield ("Rapport", "", "Region", "", report.region_name)
    yield ("Rapport", "", "Anmärkning", "", SUPPRESSION_NOTE)
    for figure in report.key_figures:
        yield ("Nyckeltal", "", figure.label, "", figure.sentence)
        if figure.previous:
            yield ("Nyckeltal", "", figure.label, "Året innan", figure.previous)
    for section in report.sections:
        if not section.available:
            yield (section.title, "", "", "", section.missing_note)
            continue
        for table in section.tables:
            if not table.rows:
                yield (section.title, table.caption, "", "", "Inga uppgifter")
            for label, cells in table.rows:
                for column, cell in zip(table.columns, cells, strict=True):
                    yield (section.title, table.caption, label, column, cell.csv())


class _Pdf(Document):
    def __init__(self, report: YearlyReport) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        self.set_auto_page_break(True, margin=15)
        self.set_margins(15, 15, 15)
        self.set_title(f"Årsuppföljning {report.title} {report.year}")
        self.set_author("Samverkan")
        self.set_creation_date(timezone.now())
        self.footer_text = f"{report.title} – {report.year}"


def to_pdf(report: YearlyReport) -> bytes:
    pdf = _Pdf(report)
    pdf.add_page()
    width = pdf.epw
    pdf.heading(f"Årsuppföljning {report.year}", size=16, level=1, space=0)
    pdf.multi_cell(width, 6, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(70, 70, 70)
    forum = f" · forum: {report.forum}" if report.forum else ""
    pdf.multi_cell(
        width,
        5,
        f"{report.region_name}{forum} · framtagen "
        f"{timezone.localtime(report.generated_at):%Y-%m-%d}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.multi_cell(width, 5, SUPPRESSION_NOTE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)
    pdf.heading("Det viktigaste", size=12, space=0)
    pdf.set_font(FONT, "", 10)
    pdf.bullets(
        [f"{figure.sentence} {figure.previous}".strip() for figure in report.key_figures],
        indent=0,
    )
    if report.missing_sources:
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(
            width,
            5,
            "Ingen data ännu: " + ", ".join(report.missing_sources) + ".",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    for section in report.sections:
        if not section.available or section.chart is None:
            continue
        image = charts.png(section.chart)
        pdf.ln(2)
        pdf.image(io.BytesIO(image), w=width * 0.8, alt_text=section.chart.title)
        if section.chart.takeaway:
            pdf.set_font(FONT, "", 8)
            pdf.multi_cell(width, 4, section.chart.takeaway, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.heading("Tabeller", size=13, space=0)
    for section in report.sections:
        pdf.heading(section.title, size=11, level=3, space=2)
        pdf.set_font(FONT, "", 8)
        if not section.available:
            pdf.multi_cell(width, 5, section.missing_note, new_x="LMARGIN", new_y="NEXT")
            continue
        pdf.multi_cell(width, 4, section.source_note, new_x="LMARGIN", new_y="NEXT")
        for table in section.tables:
            pdf.ln(1)
            pdf.keep_together(20)  # a caption is not left alone at the foot of a page
            with pdf.tag("Caption"):
                pdf.set_font(FONT, "B", 9)
                pdf.multi_cell(width, 5, table.caption, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(FONT, "", 8)
            if not table.rows:
                pdf.multi_cell(width, 5, "Inga uppgifter.", new_x="LMARGIN", new_y="NEXT")
                continue
            first = 0.34 if len(table.columns) > 2 else 0.5
            rest = (1 - first) / len(table.columns)
            widths = [first, *([rest] * len(table.columns))]
            with (
                pdf.tag("Table"),
                pdf.table(
                    col_widths=[w * 100 for w in widths],
                    text_align=["LEFT", *(["RIGHT"] * len(table.columns))],
                    headings_style=FontFace(emphasis="BOLD", fill_color=(235, 238, 241)),
                    line_height=5,
                    first_row_as_headings=True,
                ) as rows,
            ):
                head = rows.row()
                for text in (table.row_head, *table.columns):
                    head.cell(text)
                for label, cells in table.rows:
                    row = rows.row()
                    row.cell(label)
                    for cell in cells:
                        row.cell(cell.text())
            if table.note:
                pdf.set_font(FONT, "", 7)
                pdf.multi_cell(width, 4, table.note, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


# --- a saved simulation ------------------------------------------------------------------


def simulation_filename(view: SimulationView, ext: str) -> str:
    created = timezone.localtime(view.simulation.created_at)
    return f"simulering-{view.simulation.pk}-{created:%Y-%m-%d}.{ext}"


def simulation_tables(view: SimulationView) -> list[DisplayTable]:
    """The tables an export carries, in the page's order (the whole comparison last)."""
    return view.export_tables()


SIMULATION_CSV_HEADER = ("Avsnitt", "Tabell", "Rad", "Kolumn", "Värde")


def simulation_csv(view: SimulationView) -> str:
    """The result as the page shows it, one row per cell; the tables' numbers as numbers
    (a net change signed: minus is towards the region), hidden cells in words."""
    return csv_text(_simulation_rows(view), SIMULATION_CSV_HEADER)


def _simulation_rows(view: SimulationView) -> Iterator[tuple[Any, ...]]:
    yield ("Simulering", "", "Namn", "", view.simulation.name)
    if view.simulation.description:
        yield ("Simulering", "", "Beskrivning", "", view.simulation.description)
    yield ("Resultat", "", "Sammanfattning", "", view.headline)
    for label, value in view.figures:
        yield ("Resultat", "", label, "", value)
    for line in view.assumptions:
        yield ("Antaganden", "", "", "", line)
    for change in view.changes:
        yield ("Ändringen", "", "", "", change)
    for label, value in view.population:
        yield ("Fallen", "", label, "", value)
    for note in view.notes:
        yield ("Observera", "", "", "", note)
    for table in simulation_tables(view):
        if not table.raw:
            yield ("Tabeller", table.caption, "", "", "Inga fall")
        for row in table.raw:
            label = " · ".join(str(c) for c in row[: table.numeric_from])
            cells = zip(table.head[table.numeric_from :], row[table.numeric_from :], strict=True)
            for column, cell in cells:
                yield ("Tabeller", table.caption, label, column, cell)
        if table.note:
            yield ("Tabeller", table.caption, "Anmärkning", "", table.note)


class _SimulationPdf(Document):
    def __init__(self, view: SimulationView) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_auto_page_break(True, margin=15)
        self.set_margins(15, 15, 15)
        self.set_title(f"Revisionssimulering: {view.simulation.name}")
        self.set_author("Samverkan")
        self.set_creation_date(timezone.now())
        self.footer_text = f"Revisionssimulering – {view.simulation.name}"


def simulation_pdf(view: SimulationView) -> bytes:
    """The result page as a PDF on the one document layer (DejaVu Sans embedded, tagged):
    the sentence and key figures, what the cases assume, the change, then the tables."""
    pdf = _SimulationPdf(view)
    pdf.add_page()
    width = pdf.epw
    pdf.heading(view.simulation.name, size=16, level=1, space=0)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(70, 70, 70)
    created = timezone.localtime(view.simulation.created_at)
    pdf.multi_cell(
        width,
        5,
        f"Revisionssimulering · {view.region_name} · körd {created:%Y-%m-%d}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(0, 0, 0)
    if view.simulation.description:
        pdf.set_font(FONT, "", 10)
        pdf.paragraph(view.simulation.description, height=5)
    pdf.heading("Resultat", size=12, space=2)
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(width, 5, view.headline, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.bullets([f"{label}: {value}" for label, value in view.figures], height=5, indent=0)
    if view.assumptions:
        pdf.heading("En illustration, ingen prognos", size=11, level=3, space=2)
        pdf.set_font(FONT, "", 9)
        pdf.bullets(view.assumptions, height=5, indent=0)
    elif view.recorded:
        pdf.set_font(FONT, "", 9)
        pdf.paragraph(SUPPRESSION_NOTE, height=5)
    pdf.heading("Ändringen", size=12, space=2)
    pdf.set_font(FONT, "", 10)
    pdf.bullets(view.changes, height=5, indent=0)
    pdf.set_font(FONT, "", 9)
    pdf.bullets([f"{label}: {value}" for label, value in view.population], height=5, indent=0)
    if view.notes:
        pdf.heading("Observera", size=11, level=3, space=2)
        pdf.set_font(FONT, "", 9)
        pdf.bullets(view.notes, height=5, indent=0)
    pdf.add_page()
    pdf.heading("Tabeller", size=13, space=0)
    if view.discharge:  # per kommun and per care type: the whole result
        for table in view.tables:
            _pdf_table(pdf, table)
        return bytes(pdf.output())
    for table in [*view.tables, view.prices]:  # the whole comparison: in the CSV
        _pdf_table(pdf, table)
    pdf.ln(2)
    pdf.set_font(FONT, "", 8)
    pdf.multi_cell(
        width,
        4,
        f"Hela jämförelsen ({len(view.diff.rows)} rader, alla kommuner, insatser och utfall) "
        "finns i CSV-filen.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def _pdf_table(pdf: Document, table: DisplayTable) -> None:
    width = pdf.epw
    pdf.ln(2)
    pdf.keep_together(20)  # a caption is not left alone at the foot of a page
    with pdf.tag("Caption"):
        pdf.set_font(FONT, "B", 9)
        pdf.multi_cell(width, 5, table.caption, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 7 if len(table.head) > 8 else 8)
    if not table.rows:
        pdf.multi_cell(width, 5, "Inga fall.", new_x="LMARGIN", new_y="NEXT")
        return
    numeric = table.numeric
    with (
        pdf.tag("Table"),
        pdf.table(
            text_align=["RIGHT" if n else "LEFT" for n in numeric],
            headings_style=FontFace(emphasis="BOLD", fill_color=(235, 238, 241)),
            line_height=4.5,
            first_row_as_headings=True,
        ) as rows,
    ):
        head = rows.row()
        for text in table.head:
            head.cell(text)
        for cells in table.rows:
            row = rows.row()
            for cell in cells:
                row.cell(cell)
    if table.note:
        pdf.set_font(FONT, "", 7)
        pdf.multi_cell(width, 4, table.note, new_x="LMARGIN", new_y="NEXT")
