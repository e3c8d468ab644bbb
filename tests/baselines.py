"""Shared fact baselines for tests: one module instead of a copy per test package.

Domain-model JSON values. Take a copy with ``|`` (``JH_CASE | {"housing": "lss_housing"}``);
never mutate them.

- ``JH_PERSON``: person facts that make a Jämtland Härjedalen nursing decision complete
  (ordinary housing, registered in the county, nothing special).
- ``JH_INTERVENTION``: the facts of one nursing intervention (region prescribes, day-time).
- ``JH_CASE``: a whole Jämtland Härjedalen case for the engine (an 80-year-old in
  Östersund, nursing, 2022-02-01 10:00): person + intervention + region, date, place, age.
- ``HOME_CARE_PERSON``: person facts that leave the home-care rules of both regions nothing
  unknown (ordinary housing, in the county, no extensive home care).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

__all__ = ["HOME_CARE_PERSON", "JH_CASE", "JH_INTERVENTION", "JH_PERSON"]

JH_PERSON: MappingProxyType[str, Any] = MappingProxyType(
    {
        "residence": "registered_in_county",
        "housing": "ordinary",
        "personal_assistance_lss": False,
        "adl_needs_over_time": [],
        "psychiatric_disability": False,
        "end_of_life": False,
        "wishes_health_centre": False,
        "needs_health_and_social_care": False,
        "discharge_from_inpatient_care": False,
        "compulsory_care": "none",
        "needs_beyond_parental_responsibility": False,
        "stay_meant_to_be_temporary": False,
    }
)
JH_INTERVENTION: MappingProxyType[str, Any] = MappingProxyType(
    {
        "time": "10:00",
        "day_activity": False,
        "prescriber": "region",
        "medication_risk_remains": False,
        "urgent": False,
        "service_purchase_requested": False,
        "asylum_entitlement": False,
        "habilitation_type": "medical",
        "parties_disagree": False,
        "question_of_principle": False,
        "serious_deviation": False,
        "psychiatric_care_area": "other",
        "specialist_care_needed": False,
    }
)
JH_CASE: MappingProxyType[str, Any] = MappingProxyType(
    {
        "region": "jamtland-harjedalen",
        "date": "2022-02-01",
        "municipality": "2380",
        "age": 80,
        "intervention": "nursing",
        **JH_PERSON,
        **JH_INTERVENTION,
    }
)
HOME_CARE_PERSON: MappingProxyType[str, Any] = MappingProxyType(
    {
        "residence": "registered_in_county",
        "housing": "ordinary",
        "personal_assistance_lss": False,
        "psychiatric_disability": False,
        "extensive_home_care": "none",
        "compulsory_care": "none",
        "end_of_life": False,
        "needs_health_and_social_care": False,
        "discharge_from_inpatient_care": False,
        "wishes_health_centre": False,
    }
)

#: Bilaga 2's night case at the point "specialist_care_routing": a night visit with an ADL
#: need over time and a specialist need; the default action, and a local agreement's action
JH_NIGHT_SPECIALIST_NEED: MappingProxyType[str, Any] = MappingProxyType(
    JH_CASE
    | {
        "time": "22:00",
        "adl_needs_over_time": ["hygiene"],
        "specialist_care_needed": True,
    }
)
ROUTING_DEFAULT = "route_via_primary_care_physician_on_call"
ROUTING_LOCAL = "follow_local_agreement_specialist_care"
