"""Answers re-read against the agreements' words (issue 14, "Answers to re-read").

Each test names the clause and quotes the words that decide it; the README's "Readings"
list documents the same decisions. ``asks_only_what_matters`` checks the engine's own
claim: every fact in ``missing_facts`` can change some answer, and no dimension is
``undetermined`` when every value of the missing facts gives it the same answer.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from samverkan.rules import engine
from samverkan.rules.facts import FACTS, Kind
from tests.rules.scenarios.helpers import GVB_BASE, JH_BASE, assert_quotes

HCR = "health_care_responsibility"
PSYCH_IN_FORCE = "2019-06-01"

_AGES = [0, 17, 18, 30, 80]
_TIMES = ["07:59", "08:00", "16:59", "17:00"]


def _domain(name: str) -> list[Any]:
    spec = FACTS[name]
    if spec.kind is Kind.BOOL:
        return [True, False]
    if spec.kind is Kind.INT:
        return _AGES
    if spec.kind is Kind.TIME:
        return _TIMES
    if spec.kind is Kind.SET:
        return [[], ["dressing"]]
    return list(spec.values)


def _answer(d: engine.Decision) -> tuple[Any, ...]:
    return (tuple(sorted(d.outcome.items())), tuple(d.actions))


def asks_only_what_matters(case: dict[str, Any]) -> engine.Decision:
    """Decide ``case`` and check its missing facts against every completion of them."""
    d = engine.decide(case)
    missing = d.missing_facts
    completions = [
        (dict(zip(missing, values, strict=True)), None)
        for values in itertools.product(*(_domain(m) for m in missing))
    ]
    decided = [(c, engine.decide(case | c)) for c, _ in completions]
    for dim, value in d.outcome.items():
        if value == "undetermined":
            values = {x.outcome[dim] for _, x in decided}
            assert len(values) > 1, (dim, values, missing)
    for fact in missing:
        groups: dict[tuple[str, ...], set[Any]] = {}
        for c, x in decided:
            key = tuple(repr(c[o]) for o in missing if o != fact)
            groups.setdefault(key, set()).add(_answer(x))
        assert any(len(g) > 1 for g in groups.values()), f"{fact} ändrar inget svar"
    return d


# --- jh-hemsjukvard §7.2: asylum seekers and undocumented persons -------------------------

_HOUSING_UNKNOWN = {
    "housing": None,
    "adl_needs_over_time": None,
    "day_activity": None,
    "wishes_health_centre": None,
    "personal_assistance_lss": None,
}


@pytest.mark.parametrize("residence", ["asylum_seeker", "undocumented"])
def test_7_2_asylum_asks_nothing_about_housing(residence: str) -> None:
    """§7.2: "Kommunernas lagstadgade ansvar … är knuten till mantalsskriven i kommunen" and
    "Regionen har ansvar för hälso- och sjukvård för asylsökande och papperslösa": housing,
    ADL needs, day activity and the wish for the health centre (§7.3, for those "som har rätt
    att få sina hälso- och sjukvårdsinsatser från kommunen") change nothing for them."""
    d = asks_only_what_matters(
        JH_BASE
        | _HOUSING_UNKNOWN
        | {"residence": residence, "age": 30, "urgent": None, "asylum_entitlement": None}
    )
    assert d.outcome[HCR] == "undetermined"
    assert "urgent" in d.missing_facts and "asylum_entitlement" in d.missing_facts
    for fact in ("housing", "adl_needs_over_time", "day_activity", "wishes_health_centre"):
        assert fact not in d.missing_facts


def test_7_2_listed_entitlement_is_region_whatever_the_age() -> None:
    """§7.2: "Utöver dessa skyldigheter ska respektive landsting erbjuda alla asylsökande och
    papperslösa" the listed care, children and adults alike: the age is not needed."""
    d = asks_only_what_matters(
        JH_BASE | {"residence": "asylum_seeker", "age": None, "asylum_entitlement": True}
    )
    assert d.outcome[HCR] == "region"
    assert d.rules[HCR] == "jh-hsv.responsibility.asylum_adult_listed"
    assert "age" not in d.missing_facts


def test_7_2_listed_medication_with_risk_is_region_and_urgency_is_not_asked() -> None:
    """§7.2 "läkemedel som förskrivs i samband med ovanstående vård": with a risk remaining the
    region (not the kommun's hemsjukvård, which follows mantalsskrivning) has it; whether the
    care can wait does not matter once it is one of the listed kinds."""
    case = JH_BASE | {
        "residence": "undocumented",
        "age": 30,
        "intervention": "medication_management",
        "asylum_entitlement": True,
        "urgent": None,
    }
    d = asks_only_what_matters(case | {"medication_risk_remains": True})
    assert d.outcome[HCR] == "region"
    d = asks_only_what_matters(case | {"medication_risk_remains": None})
    assert d.missing_facts == ["medication_risk_remains"]


def test_7_2_asylum_day_activity_does_not_make_it_the_kommuns() -> None:
    """Decision: dagverksamhet is the kommun's duty under HSL for its residents (§7.3,
    footnote 5); for asylum seekers §7.2 gives the region the responsibility, so the region
    performs."""
    d = asks_only_what_matters(
        JH_BASE | {"residence": "asylum_seeker", "age": 40, "urgent": True, "day_activity": True}
    )
    assert (d.outcome[HCR], d.outcome["performer"]) == ("region", "region")


def test_7_2_asylum_service_purchase_can_change_the_performer() -> None:
    """Decision: §7.2 "Detta kan lösas genom att Region Jämtland Härjedalen kommer överens med
    vistelsekommunen om tjänsteköp" and §7.5 "med bibehållet ansvar": a service purchase
    changes the performer, not the responsibility."""
    d = engine.decide(
        JH_BASE
        | {
            "residence": "asylum_seeker",
            "age": 40,
            "urgent": True,
            "service_purchase_requested": True,
        }
    )
    assert d.outcome[HCR] == "region"
    assert (d.outcome["performer"], d.outcome["compensation"]) == (
        "municipality",
        "service_purchase",
    )
    d = engine.decide(
        JH_BASE
        | {
            "residence": "asylum_seeker",
            "age": 40,
            "urgent": True,
            "service_purchase_requested": None,
        }
    )
    assert "service_purchase_requested" in d.missing_facts


# --- jh-psykisk §5.1 beside jh-hemsjukvard §7.3: särskilt boende ---------------------------


@pytest.mark.parametrize("intervention", ["nursing", "rehabilitation", "aids_and_materials"])
def test_psychiatric_disability_in_special_housing_is_the_kommuns_by_law(
    intervention: str,
) -> None:
    """jh-psykisk §5.1: the home-care agreement "definierar vem som ansvarar för hälso- och
    sjukvård i ordinärt boende (hemsjukvård)" and does not regulate the target group; the
    kommun's duty in särskilda boendeformer is HSL's own (jh-hemsjukvard §7.3 "Enligt hälso-
    och sjukvårdslagen ska kommunerna erbjuda god hälso- och sjukvård på primärvårdsnivå till
    dem som bor i särskilda boendeformer")."""
    d = engine.decide(
        JH_BASE
        | {
            "date": PSYCH_IN_FORCE,
            "psychiatric_disability": True,
            "housing": "special_housing",
            "intervention": intervention,
        }
    )
    assert d.outcome[HCR] == "municipality"
    if intervention != "aids_and_materials":  # §7.7: aids follow the prescriber (here region)
        assert d.outcome["cost"] == "municipality"
    assert_quotes(d, HCR, "jh-hemsjukvard §7.3", "särskilda boendeformer")


def test_psychiatric_disability_at_day_activity_is_the_kommuns_by_law() -> None:
    """The same HSL duty covers "dem som vistas på dagverksamhet" (§7.3, footnote 5)."""
    d = engine.decide(
        JH_BASE | {"date": PSYCH_IN_FORCE, "psychiatric_disability": True, "day_activity": True}
    )
    assert d.outcome[HCR] == "municipality"


def test_psychiatric_disability_in_ordinary_housing_stays_not_regulated() -> None:
    """jh-psykisk §5.1 "Avtalet reglerar inte insatser för personer med psykisk
    funktionsnedsättning": in ordinary housing and LSS housing nothing has changed."""
    for housing in ("ordinary", "lss_housing"):
        d = engine.decide(
            JH_BASE | {"date": PSYCH_IN_FORCE, "psychiatric_disability": True, "housing": housing}
        )
        assert d.outcome[HCR] == "not_regulated", housing


def test_psychiatric_disability_with_housing_unknown_asks_for_it() -> None:
    d = engine.decide(
        JH_BASE | {"date": PSYCH_IN_FORCE, "psychiatric_disability": True, "housing": None}
    )
    assert d.outcome[HCR] == "undetermined"
    assert "housing" in d.missing_facts


# --- gvb-svart-sjuka "Målgrupp för överenskommelsen": both halves ---------------------------


def test_gvb_target_group_needs_coordination_before_the_50_percent() -> None:
    """ "Målgruppen är definierad till de patienter … som har behov av samordning av insatser
    enligt SoL eller LSS samt Hälso- och sjukvårdslagen. Det handlar om omfattande hälso- och
    sjukvårdsinsatser": unknown need → the compensation is not decided, and asked for."""
    d = engine.decide(GVB_BASE | {"needs_health_and_social_care": None})
    assert d.outcome["compensation"] == "undetermined"
    assert "needs_health_and_social_care" in d.missing_facts


def test_gvb_without_need_for_coordination_is_outside_the_agreement() -> None:
    """Denied need for coordinated insatser: outside the target group, no 50 %."""
    d = engine.decide(GVB_BASE | {"needs_health_and_social_care": False})
    assert d.status == engine.NOT_COVERED
    assert d.outcome["compensation"] != "hourly_share_50"


def test_gvb_both_halves_give_the_50_percent() -> None:
    d = engine.decide(GVB_BASE)
    assert d.outcome["compensation"] == "hourly_share_50"
    assert_quotes(
        d,
        "compensation",
        "gvb-svart-sjuka Ekonomisk överenskommelse 2018-2019",
        "50 procent av utförd tid",
    )
