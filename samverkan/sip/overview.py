"""The SIP part of the start page's person overview (samverkan.web.overview): the person's
open SIPs this user may see, who takes part for each huvudman, and the fasta vårdkontakter of
the current plan. Each SIP shown is one logged view (sip.access.audit)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from samverkan.audit.models import Action as AuditAction
from samverkan.sip.access import audit, sips_visible_to, visible_sips
from samverkan.sip.models import OPEN_STATUSES, ParticipantResponse
from samverkan.web.overview import CareContact, Involved, Item, OverviewPart


def sip_overview(user: Any, person: Any) -> OverviewPart:
    sips = visible_sips(
        user,
        sips_visible_to(user)
        .filter(person=person, status__in=OPEN_STATUSES)
        .select_related("initiated_by_organisation", "person")
        .order_by("pk"),
    )
    part = OverviewPart()
    for sip in sips:
        url = reverse("sip:detail", args=[sip.pk])
        version = sip.current_version()
        follow_up = version.follow_up_date if version else None
        part.open_sips.append(
            Item(
                title=f"SIP nr {sip.pk} ({sip.get_status_display()})",
                url=url,
                detail=f"initierad av {sip.initiated_by_organisation}",
                due=follow_up,
            )
        )
        part.involved.append(
            Involved(str(sip.initiated_by_organisation), f"initierade SIP nr {sip.pk}", url=url)
        )
        for p in sip.participants.exclude(response=ParticipantResponse.DECLINED).select_related(
            "organisation", "unit"
        ):
            part.involved.append(
                Involved(
                    str(p.organisation),
                    f"deltar i SIP nr {sip.pk} (kallelse {p.get_response_display()})",
                    p.unit.name if p.unit else "",
                    url,
                )
            )
        if version is not None:
            if version.overall_responsible_organisation_id:
                unit = version.overall_responsible_unit
                part.involved.append(
                    Involved(
                        str(version.overall_responsible_organisation),
                        f"huvudansvar för SIP nr {sip.pk}",
                        unit.name if unit else "",
                        url,
                    )
                )
            for c in version.care_contacts.select_related("organisation", "unit"):
                part.care_contacts.append(
                    CareContact(
                        c.name_or_role,
                        str(c.organisation),
                        c.unit.name if c.unit else "",
                        is_physician=c.is_physician,
                        url=url,
                        phone=c.phone,
                    )
                )
        audit(user, AuditAction.VIEW, sip, "Personöversikt")
    return part
