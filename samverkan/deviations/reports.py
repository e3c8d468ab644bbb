"""Aggregates: the joint forum's deviation follow-up and the yearly report's queries.

No function here returns personal data: only counts, durations, organisations and the
agreements' records. Small cells (1–4) are suppressed where the reader is a forum member
(`forum_followup(..., suppress=True)`); the raw yearly-report queries return exact counts
and leave suppression to their caller (`suppressed(count)` is the rule to apply).

For the yearly report (samverkan/followup):

    deviations_by_category_org_month(agreement, year) -> list[DeviationCount]
    disputes_and_outcomes(agreement, year) -> list[DisputeOutcome]

Local agreements and routines for the report: `samverkan.agreements.selectors`.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from samverkan.accounts.models import Organisation
from samverkan.agreements.selectors import agreement_family
from samverkan.deviations.deadlines import answer_days, is_overdue
from samverkan.deviations.disputes import current_step
from samverkan.deviations.models import (
    Category,
    Deviation,
    Dispute,
    Kind,
    Severity,
    Status,
)

SMALL_CELL = 5
MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def suppressed(count: int) -> bool:
    """The small-cell rule: 1–4 persons/events are not shown (0 is)."""
    return 0 < count < SMALL_CELL


def _year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=tz),
        dt.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def deviations_in_year(agreement: str, year: int) -> QuerySet[Deviation]:
    start, end = _year_range(year)
    return Deviation.objects.filter(
        agreement__in=agreement_family(agreement), received_at__gte=start, received_at__lt=end
    )


# --- the yearly report's queries ----------------------------------------------------------


@dataclass(frozen=True)
class DeviationCount:
    month: int  # 1-12, by the date received (Europe/Stockholm)
    kind: str  # deviation | complaint
    category: str
    severity: str
    reporting_organisation: str
    receiving_organisation: str
    count: int

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label)


def deviations_by_category_org_month(agreement: str, year: int) -> list[DeviationCount]:
    """Deviations and complaints received in `year` under the agreement (and its annexes),
    counted per month, kind, category, severity, reporting and receiving organisation.

    Exact counts (no suppression): apply `suppressed()` before showing them to forum members.
    The counts add up to `deviations_in_year(agreement, year).count()`.
    """
    counter: Counter[tuple[int, str, str, str, str, str]] = Counter()
    rows = deviations_in_year(agreement, year).values_list(
        "received_at",
        "kind",
        "category",
        "severity",
        "reporting_organisation__name",
        "receiving_organisation__name",
    )
    for received_at, kind, category, severity, reporting, receiving in rows:
        month = timezone.localtime(received_at).month
        counter[(month, kind, category, severity, reporting, receiving)] += 1
    return [
        DeviationCount(*key, count=n)  # type: ignore[misc]
        for key, n in sorted(counter.items())
    ]


@dataclass(frozen=True)
class DisputeOutcome:
    id: int
    agreement: str
    region_party: str
    municipality_party: str
    basis: str  # engine | disagreement
    trigger: str  # e.g. "cost=shared_equally"
    opened_on: dt.date
    level: int
    step: str  # the step it reached, as the agreement names it
    step_kind: str  # managers | forum | court
    status: str  # open | resolved
    decided_on: dt.date | None
    decided_by: str
    cost_bearer: str  # region | municipality | shared_equally | "" while open
    disputed_amount: Decimal


def disputes_and_outcomes(agreement: str, year: int) -> list[DisputeOutcome]:
    """Disputes under the agreement (and its annexes) opened or decided in `year`, with the
    step they reached and their outcome. No person, no question text."""
    start, end = _year_range(year)
    disputes = (
        Dispute.objects.filter(agreement__in=agreement_family(agreement))
        .filter(
            Q(opened_at__gte=start, opened_at__lt=end)
            | Q(decided_on__gte=start.date(), decided_on__lt=end.date())
        )
        .select_related("region_party", "municipality_party")
        .annotate(amount=Sum("costs__amount"))
        .order_by("opened_at", "pk")
    )
    outcomes = []
    for dispute in disputes:
        step = current_step(dispute)
        outcomes.append(
            DisputeOutcome(
                id=dispute.pk,
                agreement=dispute.agreement,
                region_party=dispute.region_party.name,
                municipality_party=dispute.municipality_party.name,
                basis=dispute.basis,
                trigger=dispute.trigger,
                opened_on=timezone.localdate(dispute.opened_at),
                level=dispute.level,
                step=step.title,
                step_kind=step.kind,
                status=dispute.status,
                decided_on=dispute.decided_on,
                decided_by=dispute.decided_by,
                cost_bearer=dispute.cost_bearer,
                disputed_amount=dispute.amount or Decimal("0.00"),  # type: ignore[attr-defined]
            )
        )
    return outcomes


def dispute_summary(outcomes: Iterable[DisputeOutcome]) -> dict[str, int]:
    """Counts for a report: opened, resolved, by basis, by step kind, by cost bearer."""
    summary: Counter[str] = Counter()
    for o in outcomes:
        summary["total"] += 1
        summary[f"status:{o.status}"] += 1
        summary[f"basis:{o.basis}"] += 1
        summary[f"step:{o.step_kind}"] += 1
        if o.cost_bearer:
            summary[f"cost_bearer:{o.cost_bearer}"] += 1
    return dict(summary)


# --- the forum's follow-up ----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: int | float | None
    hidden: bool = False

    def __str__(self) -> str:
        if self.hidden:
            return "<5"
        if self.value is None:
            return "–"
        if isinstance(self.value, float):
            return f"{self.value:.1f}".replace(".", ",")
        return str(self.value)


@dataclass
class Table:
    caption: str
    head: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)


def _protect(counts: Sequence[int], on: bool) -> list[bool]:
    """Which counts to hide (primary suppression of 1–4; no complementary suppression)."""
    return [on and suppressed(n) for n in counts]


def _count_table(
    caption: str, head: str, keyed: dict[str, Counter[int]], labels: dict[str, str], on: bool
) -> Table:
    table = Table(caption, head, [*MONTHS, "Totalt"])
    totals = {key: sum(months.values()) for key, months in keyed.items()}
    keys = [k for k in labels if totals.get(k)]
    total_hidden = dict(zip(keys, _protect([totals[k] for k in keys], on), strict=True))
    for key in keys:
        months = [keyed[key].get(m, 0) for m in range(1, 13)]
        hidden = _protect(months, on)
        cells = [Cell(n, h) for n, h in zip(months, hidden, strict=True)]
        cells.append(Cell(totals[key], total_hidden[key]))
        table.rows.append((labels[key], cells))
    return table


def _median(values: list[float], on: bool) -> Cell:
    if not values:
        return Cell(None)
    if on and suppressed(len(values)):
        return Cell(None, True)
    return Cell(float(statistics.median(values)))


@dataclass
class ForumFollowUp:
    agreement: str
    year: int
    answer_days: int
    suppressed: bool
    scope: str
    total: Cell
    serious: Cell
    complaints: Cell
    by_category: Table
    by_receiving: Table
    by_reporting: Table
    times: Table
    overdue: Table


def _days(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / 86400


def forum_followup(
    agreement: str,
    year: int,
    *,
    organisation: Organisation | None = None,
    region: str | None = None,
    days: int | None = None,
    suppress: bool = True,
    on: dt.date | None = None,
) -> ForumFollowUp:
    """Deviations per category, organisation and month; open times; overdue answers.

    `region` (a forum member's view) covers every organisation of the region;
    `organisation` only the deviations it reported or received. `days` is the answer
    deadline (default `deadlines.answer_days()`). Aggregates only: no persons, no texts.
    """
    days = answer_days() if days is None else days
    on = on or timezone.localdate()
    deviations = deviations_in_year(agreement, year).select_related(
        "reporting_organisation", "receiving_organisation"
    )
    if organisation is not None:
        deviations = deviations.filter(
            Q(reporting_organisation=organisation) | Q(receiving_organisation=organisation)
        )
        scope = organisation.name
    elif region is not None:
        deviations = deviations.filter(receiving_organisation__region=region)
        scope = "hela länet"
    else:
        scope = "alla"
    by_category: dict[str, Counter[int]] = defaultdict(Counter)
    by_receiving: dict[str, Counter[int]] = defaultdict(Counter)
    by_reporting: dict[str, Counter[int]] = defaultdict(Counter)
    org_names: dict[str, str] = {}
    to_answer: dict[str, list[float]] = defaultdict(list)
    open_for: dict[str, list[float]] = defaultdict(list)
    open_now: Counter[str] = Counter()
    late: Counter[str] = Counter()
    waiting_late: Counter[str] = Counter()
    total = serious = complaints = 0
    now = timezone.now()
    for d in deviations:
        month = timezone.localtime(d.received_at).month
        receiving = str(d.receiving_organisation_id)
        reporting = str(d.reporting_organisation_id)
        org_names[receiving] = d.receiving_organisation.name
        org_names[reporting] = d.reporting_organisation.name
        by_category[d.category][month] += 1
        by_receiving[receiving][month] += 1
        by_reporting[reporting][month] += 1
        total += 1
        serious += d.severity == Severity.SERIOUS
        complaints += d.kind == Kind.COMPLAINT
        if d.answered_at:
            to_answer[receiving].append(_days(d.received_at, d.answered_at))
        open_for[receiving].append(_days(d.received_at, d.closed_at or now))
        if d.status != Status.CLOSED:
            open_now[receiving] += 1
        if is_overdue(d, on, days):
            if d.answered_at:
                late[receiving] += 1
            else:
                waiting_late[receiving] += 1
    orgs = dict(sorted(org_names.items(), key=lambda kv: kv[1]))
    receivers = [k for k in orgs if k in by_receiving]
    times = Table(
        "Handläggningstider per mottagande organisation (dagar, median)",
        "Mottagare",
        ["Median till svar", "Median öppen tid", "Öppna nu"],
    )
    overdue = Table(
        f"Svar efter svarsfristen ({days} dagar)",
        "Mottagare",
        ["Besvarade för sent", "Obesvarade efter fristen"],
    )
    open_hidden = _protect([open_now[k] for k in receivers], suppress)
    late_hidden = _protect([late[k] for k in receivers], suppress)
    waiting_hidden = _protect([waiting_late[k] for k in receivers], suppress)
    for i, key in enumerate(receivers):
        times.rows.append(
            (
                orgs[key],
                [
                    _median(to_answer[key], suppress),
                    _median(open_for[key], suppress),
                    Cell(open_now[key], open_hidden[i]),
                ],
            )
        )
        overdue.rows.append(
            (
                orgs[key],
                [Cell(late[key], late_hidden[i]), Cell(waiting_late[key], waiting_hidden[i])],
            )
        )
    category_labels = {c.value: str(c.label).capitalize() for c in Category}
    return ForumFollowUp(
        agreement=agreement,
        year=year,
        answer_days=days,
        suppressed=suppress,
        scope=scope,
        total=Cell(total, suppress and suppressed(total)),
        serious=Cell(serious, suppress and suppressed(serious)),
        complaints=Cell(complaints, suppress and suppressed(complaints)),
        by_category=_count_table(
            "Per kategori och månad", "Kategori", by_category, category_labels, suppress
        ),
        by_receiving=_count_table(
            "Per mottagande organisation och månad",
            "Mottagare",
            by_receiving,
            {k: orgs[k] for k in orgs},
            suppress,
        ),
        by_reporting=_count_table(
            "Per rapporterande organisation och månad",
            "Rapportör",
            by_reporting,
            {k: orgs[k] for k in orgs},
            suppress,
        ),
        times=times,
        overdue=overdue,
    )
