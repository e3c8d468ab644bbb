"""A decision in plain Swedish, for a nurse at a terminal or a printed page."""

from __future__ import annotations

import textwrap

from samverkan.rules.engine import DECIDED, INCOMPLETE, NOT_COVERED, NOT_IN_FORCE, Decision
from samverkan.rules.facts import FACTS
from samverkan.rules.outcome import ACTIONS, DIMENSIONS, UNDETERMINED, value_label

STATUS_TEXT = {
    DECIDED: "Svaret bygger på avtal som gäller på datumet.",
    NOT_IN_FORCE: "Inget avtal som styr frågan gäller på datumet.",
    NOT_COVERED: "Inget av avtalen i Samverkan reglerar den här frågan.",
    INCOMPLETE: "Region och datum behövs innan något avtal kan väljas.",
}


def headline(decision: Decision) -> str:
    if decision.status == NOT_IN_FORCE and decision.agreements:
        a = decision.agreements[0]
        end = a["valid_to"] or "–"
        return (
            f"Inget avtal som styr frågan gäller på datumet. Senast gällde {a['id']} "
            f"(version {a['version']}) till och med {end}; svaret kan inte hämtas ur ett upphört avtal."
        )
    return STATUS_TEXT[decision.status]


_WHO = {"region": "Regionen", "municipality": "Kommunen"}


def summary(outcome: dict[str, str]) -> str:
    """One sentence in plain Swedish: who does what and who pays ("" when too little is
    decided to say it), e.g. "Regionen har ansvaret och kostnadsansvaret; kommunen utför
    insatsen och får ingen ersättning för det." Only decided dimensions are spoken of."""
    responsible = outcome.get("health_care_responsibility", UNDETERMINED)
    performer = outcome.get("performer", UNDETERMINED)
    cost = outcome.get("cost", UNDETERMINED)
    compensation = outcome.get("compensation", UNDETERMINED)
    if responsible == "self_care":
        return "Det är egenvård: ingen huvudman utför det som hälso- och sjukvård."
    if responsible not in _WHO:
        return ""
    who = _WHO[responsible]
    if cost == responsible:
        parts = [f"{who} har ansvaret och kostnadsansvaret"]
    else:
        parts = [f"{who} har ansvaret"]
        if cost == "shared_equally":
            parts.append("kostnaden delas lika tills parterna har kommit överens")
        elif cost == "home_region":
            parts.append("kostnaden faktureras personens hemregion")
        elif cost in _WHO:
            parts.append(f"{_WHO[cost].lower()} har kostnadsansvaret")
    if performer == responsible:
        parts[-1] += " och utför insatsen"
    elif performer in _WHO:
        doer = f"{_WHO[performer].lower()} utför insatsen"
        doer += {
            "none": " och får ingen ersättning för det",
            "service_purchase": f" som tjänsteköp och fakturerar {who.lower()}",
            "hourly_share_50": " och får ersättning för halva den utförda tiden",
        }.get(compensation, "")
        parts.append(doer)
    elif performer == "individual":
        parts.append("den enskilde (eller någon åt den enskilde) utför insatsen")
    return "; ".join(parts) + "."


def questions(decision: Decision) -> list[str]:
    return [FACTS[f].question for f in decision.missing_facts]


def render(decision: Decision, width: int = 88) -> str:
    lines = [headline(decision), ""]
    if decision.agreements and decision.status == DECIDED:
        names = ", ".join(f"{a['id']} (version {a['version']})" for a in decision.agreements)
        lines += [f"Avtal: {names}", ""]
    for dim, label in DIMENSIONS.items():
        value = decision.outcome[dim]
        lines.append(f"{label}: {value_label(dim, value)}")
    if decision.actions:
        lines += ["", "Att göra:"] + [f"  • {ACTIONS[a]}" for a in decision.actions]
    if decision.missing_facts:
        open_dims = [DIMENSIONS[d] for d, v in decision.outcome.items() if v == UNDETERMINED]
        lines += [
            "",
            f"Fakta som behövs för att avgöra {', '.join(open_dims).lower() or 'åtgärderna'}:",
        ]
        lines += [
            f"  • {q} ({f})"
            for f, q in zip(decision.missing_facts, questions(decision), strict=True)
        ]
    if decision.reasons:
        lines += ["", "Skäl ur avtalen:"]
        for reason in decision.reasons:
            what = ACTIONS[reason.action] if reason.action else DIMENSIONS[reason.dimension]
            lines.append(f"  {what} – {reason.clause} (regel {reason.rule}):")
            quoted = textwrap.fill(
                f"”{reason.text}”", width=width, initial_indent="    ", subsequent_indent="    "
            )
            lines.append(quoted)
            if reason.local_note:
                lines.append(
                    textwrap.fill(
                        reason.local_note,
                        width=width,
                        initial_indent="    ",
                        subsequent_indent="    ",
                    )
                )
    return "\n".join(lines)
