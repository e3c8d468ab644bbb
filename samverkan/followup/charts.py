"""Charts of the yearly report with matplotlib: SVG inline in the page, PNG in the PDF.

The Figure API (no pyplot): no global state, safe in a threaded server. Suppressed cells
are drawn as nothing and marked "<5" beside their bar, so a chart never shows what the
table hides. Colours: the Okabe–Ito palette (distinguishable with colour blindness), text
kept as text in the SVG (``svg.fonttype = none``) so screen readers and search find it.
"""

from __future__ import annotations

import io
import re
import textwrap
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from samverkan.followup.report import Chart
from samverkan.followup.suppression import HIDDEN_TEXT, format_number

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
TEXT = "#1b1b1b"

# Local to our figures (rc_context), so other apps' matplotlib settings are left alone.
RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "samverkan",  # stable ids: the same report gives the same SVG
    "font.family": ["DejaVu Sans"],
}


ALL_HIDDEN_TEXT = (
    "Inget diagram: alla tal här bygger på färre än 5 personer och visas inte, så att "
    "ingen kan pekas ut."
)


def all_hidden(chart: Chart) -> bool:
    """Whether the chart would draw no bar because every non-zero cell is suppressed."""
    cells = [c for _label, series in chart.series for c in series]
    return any(c.hidden for c in cells) and not any(c.shown for c in cells)


def _wrap(label: str, width: int = 24) -> str:
    # Never mid-word ("information/söverföring"): a long word stays whole on its line.
    return "\n".join(textwrap.wrap(label, width, break_long_words=False)) or label


def _figure(chart: Chart) -> Figure:
    n = len(chart.categories)
    rows = max(n, 1) * (1 if chart.stacked else max(1, len(chart.series) * 0.8))
    legend = len(chart.series) > 1
    height = min(1.5 + 0.5 * rows + (0.35 if legend else 0), 9)
    fig = Figure(figsize=(6.4, height), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    fig.suptitle(chart.title, x=0.02, ha="left", fontsize=13, color=TEXT, fontweight="bold")
    if n == 0:
        ax.set_axis_off()
        ax.text(0.5, 0.4, "Inga uppgifter för året", transform=ax.transAxes, ha="center",
                color=TEXT, fontsize=12)  # fmt: skip
        return fig
    if all_hidden(chart):  # nothing to draw: say why instead of an empty frame (issue 13)
        ax.set_axis_off()
        ax.text(0.5, 0.5, _wrap(ALL_HIDDEN_TEXT, 48), transform=ax.transAxes, ha="center",
                va="center", color=TEXT, fontsize=12)  # fmt: skip
        return fig
    positions = list(range(n))
    bar_h = 0.7 if chart.stacked else 0.8 / max(len(chart.series), 1)
    left = [0.0] * n
    hidden_at: set[int] = set()
    biggest = 0.0
    for s_index, (label, cells) in enumerate(chart.series):
        values = [float(c.shown or 0) for c in cells]
        hidden_at |= {i for i, c in enumerate(cells) if c.hidden}
        color = PALETTE[s_index % len(PALETTE)]
        if chart.stacked:
            ax.barh(positions, values, left=left, height=bar_h, color=color, label=label)
            left = [a + b for a, b in zip(left, values, strict=True)]
            biggest = max([biggest, *left])
        else:
            offset = (s_index - (len(chart.series) - 1) / 2) * bar_h
            ys = [p + offset for p in positions]
            bars = ax.barh(ys, values, height=bar_h, color=color, label=label)
            for bar, cell in zip(bars, cells, strict=True):
                text = HIDDEN_TEXT if cell.hidden else format_number(cell.shown or 0, cell.kind)
                ax.annotate(
                    text,
                    (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(4, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=11,
                    color=TEXT,
                )
            biggest = max([biggest, *values])
    if chart.stacked:
        for i in positions:
            shown = format_number(round(left[i]), "count") if left[i] else ""
            if i in hidden_at:
                note = f"{shown} + dolda ({HIDDEN_TEXT})" if shown else f"dolt ({HIDDEN_TEXT})"
            else:
                note = shown or "0"
            ax.annotate(
                note, (left[i], i), xytext=(4, 0), textcoords="offset points", va="center",
                fontsize=11, color=TEXT,
            )  # fmt: skip
    ax.set_yticks(positions, [_wrap(c) for c in chart.categories], fontsize=11, color=TEXT)
    ax.invert_yaxis()
    ax.set_xlim(0, max(biggest, 4) * 1.3)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.set_xlabel(chart.unit.capitalize(), fontsize=11, color=TEXT)
    ax.tick_params(axis="x", labelsize=10, colors=TEXT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if legend:
        # A legend row is never wider than the figure (a 768 px tablet showed
        # "Vårdövergång/informationsöverföring" past the chart's edge in a row of three).
        longest = max(len(label) for label, _cells in chart.series)
        per_row = 3 if longest <= 16 else 2 if longest <= 26 else 1
        fig.legend(
            loc="outside lower left", fontsize=11, frameon=False,
            ncols=min(len(chart.series), per_row),
        )  # fmt: skip
    return fig


def svg(chart: Chart) -> str:
    """The chart as an inline <svg> element (no XML prolog), labelled for screen readers."""
    buffer = io.StringIO()
    with rc_context(RC):  # type: ignore[arg-type]
        _figure(chart).savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    label = chart.title.replace('"', "'")
    text = re.sub(
        r"<svg ", f'<svg role="img" aria-label="{label}" class="chart-svg" ', text, count=1
    )
    return text


def png(chart: Chart, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    with rc_context(RC):  # type: ignore[arg-type]
        _figure(chart).savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
