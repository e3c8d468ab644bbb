"""Scenarios whose check is the wording of a silent default ("Avtalet anger ingen …"), which
the scenario files do not express: they stay Python (tools/scenarios_to_data.py cannot read
them; their decisions are also in the data files)."""

from __future__ import annotations

from .helpers import assert_quotes, jh, reason

HCR = "health_care_responsibility"
KOMMUN_ALL = {
    HCR: "municipality",
    "performer": "municipality",
    "employer": "municipality",
    "cost": "municipality",
    "region_unit": "none",
    "compensation": "none",
}
REGION_ALL = {
    HCR: "region",
    "performer": "region",
    "employer": "region",
    "cost": "region",
    "region_unit": "primary_care",
    "compensation": "none",
}


def test_7_3_ordinary_housing_with_one_adl_need_is_kommun() -> None:
    """jh-hemsjukvard §7.3: ordinärt boende med behov av stöd över tid med en insats
    (klä sig) ger kommunens hälso- och sjukvård; egenvård ska bedömas före överföring (§1)."""
    d = jh(adl_needs_over_time=["dressing"])
    assert d.in_force is True
    assert d.outcome == KOMMUN_ALL
    assert d.rules[HCR] == "jh-hsv.responsibility.ordinary_with_needs"
    assert d.rules["performer"] == "jh-hsv.performer.municipality"
    assert d.rules["cost"] == "jh-hsv.cost.municipality"
    assert d.actions == ["assess_self_care_first"]
    assert d.missing_facts == []
    assert [a["id"] for a in d.agreements] == ["jh-hemsjukvard", "jh-primarvard-kommun"]
    assert_quotes(d, HCR, "jh-hemsjukvard §7.3", "personer i ordinärt boende som har behov")
    assert_quotes(d, "performer", "jh-hemsjukvard §7.3", "upp till läkarnivå")
    assert "Avtalet anger ingen egen kostnadsfördelning" in reason(d, "cost").text  # §7.1


def test_10_no_compensation_outside_service_purchase() -> None:
    """jh-hemsjukvard §10: ersättning följs upp som tjänsteköpsvolymer; annars ingen."""
    d = jh()
    assert d.outcome["compensation"] == "none"
    assert d.rules["compensation"] == "jh-hsv.compensation.none"
    assert reason(d, "compensation").text.startswith("Avtalet anger ingen ersättning")
