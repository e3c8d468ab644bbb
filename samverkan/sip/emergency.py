"""What nödåtkomst opens in the SIP room: the plans of the person's open SIPs owned by the
vårdgivare the access names, their fasta vårdkontakter and the participants (organisation
and unit). The door, the checks, the review and its log are in `samverkan.people.emergency`;
this module tells it which vårdgivare hold an open plan (`emergency_owners`, registered in
`people.emergency.EMERGENCY_SOURCES` by apps.py) and reads the plans (`emergency_sips`),
logging each look with process "nödåtkomst" and `owner=` the plan's owner.
"""

from __future__ import annotations

from typing import Any

from samverkan.audit.models import Action as AuditAction
from samverkan.people import emergency as people_emergency
from samverkan.sip.access import audit
from samverkan.sip.models import OPEN_STATUSES, ParticipantResponse, Sip


def emergency_owners(person: Any, organisation_id: int) -> dict[int, bool]:
    """{initiating organisation id: `organisation_id` is invited to one of its SIPs} over
    the person's open SIPs."""
    owners: dict[int, bool] = {}
    sips = Sip.objects.filter(person=person, status__in=OPEN_STATUSES).prefetch_related(
        "participants"
    )
    for sip in sips:
        invited = any(
            p.organisation_id == organisation_id and p.response != ParticipantResponse.DECLINED
            for p in sip.participants.all()
        )
        owner = sip.initiated_by_organisation_id
        owners[owner] = owners.get(owner, False) or invited
    return owners


def emergency_sips(actor: Any, access: Any) -> list[Sip]:
    """The open SIPs of the access's person owned by its owner, each look logged."""
    sips = list(
        Sip.objects.filter(
            person=access.person,
            initiated_by_organisation_id=access.owner_id,
            status__in=OPEN_STATUSES,
        )
        .select_related("person", "initiated_by_organisation")
        .order_by("-created")
    )
    for sip in sips:
        audit(
            actor,
            AuditAction.VIEW,
            sip,
            "Nödåtkomst: SIP-plan",
            process=people_emergency.PROCESS,
        )
    return sips
