"""Synthetic demo data of the agreements' lifecycle: care areas, local routines (§8.3) and
Bilaga 2 lists.

`load_demo()` is idempotent (safe on every start) and runs after the accounts demo (it uses
its organisations and demo users; without them it does nothing). Everything is invented.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import Organisation, Unit, UnitKind
from samverkan.agreements.models import (
    Bilaga2List,
    CareArea,
    ListKind,
    LocalAgreement,
    WorkingGroupMember,
)
from samverkan.agreements.selectors import LISTS_REGION


def _users() -> dict[str, Any]:
    names = ["mas.ostersund", "mas.krokom", "chefslakare.regionjh", "forum.jh"]
    users = get_user_model().objects.filter(username__in=names).select_related("staff_profile")
    return {u.username: u for u in users}


def _routines(users: dict[str, Any]) -> int:
    forum = users.get("forum.jh")
    region = Organisation.objects.filter(region="jamtland-harjedalen", kind="region").first()
    if forum is None or region is None:
        return 0
    centres = {
        name: Unit.objects.get_or_create(
            organisation=region, name=name, defaults={"kind": UnitKind.PRIMARY_CARE}
        )[0]
        for name in ("Hälsocentral Centrum", "Hälsocentral Krokom", "Hälsocentral Åre")
    }
    kommuner = {
        o.scb_code: o for o in Organisation.objects.filter(scb_code__in=["2380", "2309", "2321"])
    }
    if len(kommuner) < 3:
        return 0
    areas = [
        ("Hälsocentral Centrum", "2380"),
        ("Hälsocentral Krokom", "2309"),
        ("Hälsocentral Åre", "2321"),
    ]
    for centre, code in areas:
        CareArea.objects.get_or_create(health_centre=centres[centre], municipality=kommuner[code])
    start = dt.date(timezone.localdate().year - 1, 1, 15)
    routines: list[tuple[str, str, str | None, str]] = [
        (
            "physician_participation",
            "2380",
            "Hälsocentral Centrum",
            "Läkarmedverkan Östersund–HC Centrum",
        ),
        ("lab_service", "2380", "Hälsocentral Centrum", "Laboratorieservice och högrent"),
        ("cosmic_access", "2380", None, "Behörigheter i Cosmic, Östersund"),
        ("service_purchase_documentation", "2380", None, "Dokumentation vid tjänsteköp"),
        ("physician_participation", "2309", "Hälsocentral Krokom", "Läkarmedverkan Krokom"),
        ("cosmic_access", "2309", None, "Behörigheter i Cosmic, Krokom"),
        ("physician_participation", "2321", "Hälsocentral Åre", "Läkarmedverkan Åre"),
    ]
    made = 0
    for point, code, centre_name, title in routines:
        _, created = LocalAgreement.objects.get_or_create(
            point=point,
            municipality=kommuner[code],
            health_centre=centres[centre_name] if centre_name else None,
            defaults={
                "agreement": "jh-hemsjukvard",
                "title": title,
                "agreed_on": start,
                "document_ref": f"Dnr {start.year}/{100 + len(title)}",
                "registered_by": forum,
            },
        )
        made += created
    return made


def _lists(users: dict[str, Any]) -> int:
    region_rep, forum = users.get("chefslakare.regionjh"), users.get("forum.jh")
    reps = [users.get("mas.ostersund"), users.get("mas.krokom")]
    if region_rep is None or forum is None or None in reps:
        return 0
    year = timezone.localdate().year
    made = 0
    items = {
        ListKind.EMERGENCY_MEDICINES: "Adrenalin 1 mg/ml injektion\nNaloxon 0,4 mg/ml injektion\n"
        "Glukos 300 mg/ml injektion\nFurosemid 10 mg/ml injektion\nMorfin 10 mg/ml injektion",
        ListKind.BASIC_EQUIPMENT: "Blodtrycksmätare\nPulsoximeter\nTermometer\n"
        "Blodsockermätare\nSugpump\nSyrgasutrustning",
    }
    for kind, text in items.items():
        for version_year, fixed in ((year - 1, True), (year, False)):
            lst, created = Bilaga2List.objects.get_or_create(
                region=LISTS_REGION,
                kind=kind,
                year=version_year,
                defaults={"items": text, "created_by": forum},
            )
            if not created:
                continue
            made += 1
            members = [region_rep, *reps]
            for i, user in enumerate(members):
                signed = fixed or i < len(members) - 1  # this year's draft waits for one
                WorkingGroupMember.objects.create(
                    bilaga2_list=lst,
                    user=user,
                    organisation=user.staff_profile.organisation,
                    signed_at=timezone.now() if signed else None,
                )
            if fixed:
                lst.fixed_at = timezone.now()
                lst.fixed_by = forum
                lst.save(update_fields=["fixed_at", "fixed_by"])
    return made


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the demo records that are missing; returns how many of each kind exist."""
    users = _users()
    _routines(users)
    _lists(users)
    return {
        "local_agreements": LocalAgreement.objects.count(),
        "bilaga2_lists": Bilaga2List.objects.count(),
    }
