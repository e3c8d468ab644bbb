"""Work-queue providers ("Mina uppgifter"): no personal data in titles, links to the case."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from samverkan.accounts.models import Role
from samverkan.deviations import access
from samverkan.deviations.deadlines import answer_due
from samverkan.deviations.disputes import FORUM, current_step
from samverkan.deviations.models import (
    DisputeStatus,
    Kind,
    Severity,
)
from samverkan.deviations.services import (
    answered_for_reporter,
    open_contacts_for,
    waiting_for_receiver,
)
from samverkan.web.work_queue import TaskItem

SOURCE = "Avvikelser"


def _kind(kind: str) -> str:
    return "Klagomål/synpunkt" if kind == Kind.COMPLAINT else "Avvikelse"


def deviation_tasks(user: Any) -> list[TaskItem]:
    items = []
    for contact in open_contacts_for(user):
        d = contact.deviation
        items.append(
            TaskItem(
                title=f"Allvarlig avvikelse #{d.pk}: ta direktkontakt ({contact.get_role_display()})",
                url=reverse("deviations:detail", args=[d.pk]),
                source=SOURCE,
                urgent=True,
                detail=f"{d.reporting_organisation} → {d.receiving_organisation}",
                kind="Allvarlig avvikelse: direktkontakt",
            )
        )
    for d in waiting_for_receiver(user):
        items.append(
            TaskItem(
                title=f"{_kind(d.kind)} #{d.pk} att besvara ({d.get_category_display()})",
                url=reverse("deviations:detail", args=[d.pk]),
                source=SOURCE,
                due=answer_due(d),
                urgent=d.severity == Severity.SERIOUS,
                detail=f"Från {d.reporting_organisation}",
                kind=f"{_kind(d.kind)} att besvara",
            )
        )
    for d in answered_for_reporter(user):
        items.append(
            TaskItem(
                title=f"{_kind(d.kind)} #{d.pk} är besvarad: läs svaret och avsluta",
                url=reverse("deviations:detail", args=[d.pk]),
                source=SOURCE,
                kind="Svar på avvikelse att läsa",
            )
        )
    return items


def dispute_tasks(user: Any) -> list[TaskItem]:
    profile = access.profile(user)
    if profile is None or profile.role == Role.ADMINISTRATOR:
        return []
    items = []
    for dispute in access.disputes_visible_to(user).filter(status=DisputeStatus.OPEN):
        step = current_step(dispute)
        forum_task = step.kind == FORUM and profile.role == Role.FORUM_MEMBER
        own = dispute.opened_by_id == user.pk
        if forum_task or (own and step.kind != FORUM):
            items.append(
                TaskItem(
                    title=f"Tvist #{dispute.pk} hos {step.title}",
                    url=reverse("deviations:dispute", args=[dispute.pk]),
                    source="Tvister",
                    detail=f"{dispute.region_party} – {dispute.municipality_party}",
                )
            )
    return items


PROVIDERS = (deviation_tasks, dispute_tasks)


def describe_deviation_notifications(user: Any, targets: list[dict[str, Any]]) -> list[str]:
    """The Notiser page's text for a deviation: its kind, number and category, and its
    subject (a heading without personal data), to a viewer who may see the case."""
    ids = [int(t["pk"]) for t in targets]
    found = {d.pk: d for d in access.deviations_visible_to(user).filter(pk__in=ids)}
    texts = []
    for pk in ids:
        d = found.get(pk)
        if d is None:
            texts.append("")
            continue
        text = f"{_kind(d.kind).lower()} #{d.pk} ({d.get_category_display()})"
        texts.append(f"{text} – {d.subject}" if d.subject else text)
    return texts


def describe_dispute_notifications(user: Any, targets: list[dict[str, Any]]) -> list[str]:
    """The Notiser page's text for a dispute step: the number and where the case is now."""
    ids = [int(t["pk"]) for t in targets]
    found = {d.pk: d for d in access.disputes_visible_to(user).filter(pk__in=ids)}
    return [f"tvist #{pk} hos {current_step(found[pk]).title}" if pk in found else "" for pk in ids]
