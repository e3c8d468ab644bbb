"""Tjänsteköp in the start page's work queue and the main navigation.

Tasks (titles carry no personal data):
- the ekonom: an interrupted invoice run to finish, an open correction, last month's
  invoicing where the agreement has a deadline (Gävleborg: by the 25th) — urgent within
  five days of it or after it;
- the ekonom and MAS: last month's drafts waiting for approval.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.models import Role
from samverkan.accounts.services import profile_of
from samverkan.core import words
from samverkan.purchases import access
from samverkan.purchases.bases import (
    BILLING_TERMS,
    INVOICEABLE_MODES,
    delivery_deadline,
    month_end,
    month_start,
)
from samverkan.purchases.models import (
    InvoiceRun,
    RecordStatus,
    RunKind,
    RunStatus,
    ServiceRecord,
)
from samverkan.web.work_queue import TaskItem

SOURCE = "Tjänsteköp"
URGENT_DAYS = 5


def visible_in_nav(user: Any) -> bool:
    return (
        access.can_register(user) or access.can_view_invoices(user) or access.can_edit_prices(user)
    )


def purchases_tasks(user: Any) -> list[TaskItem]:
    profile = profile_of(user)
    if profile is None or profile.role not in (Role.FINANCE_OFFICER, Role.MAS):
        return []
    org = profile.organisation
    today = timezone.localdate()
    last_month = month_start(month_start(today) - dt.timedelta(days=1))
    items: list[TaskItem] = []
    invoicing_url = reverse("purchases:invoicing")
    if profile.role == Role.FINANCE_OFFICER:
        for run in InvoiceRun.objects.filter(seller=org, status=RunStatus.RUNNING).select_related(
            "buyer"
        ):
            items.append(
                TaskItem(
                    title=f"Faktureringen till {run.buyer.name} för {run.month:%Y-%m} avbröts",
                    url=invoicing_url,
                    source=SOURCE,
                    urgent=True,
                    detail="Kör den igen: den fortsätter där den slutade.",
                )
            )
        for run in InvoiceRun.objects.filter(
            seller=org, kind=RunKind.CORRECTION, status=RunStatus.OPEN
        ).select_related("buyer"):
            items.append(
                TaskItem(
                    title=f"Rättelse öppen: {run.buyer.name} {run.month:%Y-%m}",
                    url=invoicing_url,
                    source=SOURCE,
                    detail="Rätta och godkänn insatserna, kör sedan faktureringen för månaden.",
                )
            )
        pending = (
            ServiceRecord.objects.filter(
                performer_org=org,
                service_date__gte=last_month,
                service_date__lte=month_end(last_month),
                status=RecordStatus.APPROVED,
                payment__in=sorted(INVOICEABLE_MODES),
            )
            .values("agreement", "payer_org__name")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in pending:
            terms = BILLING_TERMS.get(row["agreement"])
            deadline = delivery_deadline(row["agreement"], last_month)
            if terms is None or deadline is None:
                continue
            items.append(
                TaskItem(
                    title=(
                        f"Fakturera {row['payer_org__name']} för {last_month:%Y-%m} "
                        f"({words.count(row['n'], 'insats', 'insatser')})"
                    ),
                    url=invoicing_url,
                    source=SOURCE,
                    due=deadline,
                    urgent=today >= deadline - dt.timedelta(days=URGENT_DAYS),
                    detail=f"Ska vara köparen tillhanda senast {deadline:%Y-%m-%d}"
                    + (f", referens {terms.buyer_reference}" if terms.buyer_reference else ""),
                )
            )
    drafts = ServiceRecord.objects.filter(
        performer_org=org,
        service_date__gte=last_month,
        service_date__lte=month_end(last_month),
        status=RecordStatus.DRAFT,
    ).count()
    if drafts:
        items.append(
            TaskItem(
                title=(
                    f"{words.count(drafts, 'insats', 'insatser')} för {last_month:%Y-%m} "
                    "väntar på godkännande"
                ),
                url=f"{reverse('purchases:month')}?month={last_month:%Y-%m}",
                source=SOURCE,
            )
        )
    return items
