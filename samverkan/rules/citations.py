"""Every rule's citation in one table, and the words a quote must carry for what it decides.

``python -m samverkan.rules.citations > docs/citations.md`` writes the reviewed table of
every rule's citation (clause, the quoted words or the statement of what the agreement does
not say, what the rule decides); ``tests/rules/test_citations_carry.py`` checks the
committed file is current and that each quote contains words of what its rule decides.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from samverkan.rules.clauses.library import passage
from samverkan.rules.declarations import AgreementVersion, Rule
from samverkan.rules.outcome import ACTIONS, DIMENSIONS, value_label

# Words (lower case, prefixes) of which at least one must be in the quote of a rule deciding
# the value. A rule deciding several values needs words of one of them per dimension group:
# the check asks for one word of any of its decisions.
DECISION_WORDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("health_care_responsibility", "region"): (
        "region",
        "landsting",
        "hälsocentral",
        "primärvård",
        "specialistvård",
        "psykiatri",
        "habilitering",
        "läkar",
    ),
    ("health_care_responsibility", "municipality"): ("kommun", "socialnämnd", "socialtjänst"),
    ("health_care_responsibility", "self_care"): ("egenvård", "själv"),
    ("health_care_responsibility", "not_covered"): ("fullständig",),
    ("health_care_responsibility", "not_regulated"): ("reglerar inte",),
    ("performer", "region"): ("region", "hälsocentral", "läkar", "utförare", "utförs"),
    ("performer", "municipality"): ("kommun",),
    ("performer", "individual"): ("egenvård", "själv", "föräldra"),
    ("employer", "region"): ("region", "hälsocentral", "läkar", "utförare", "utförs"),
    ("employer", "municipality"): ("kommun", "arbetsgivar"),
    ("cost", "region"): ("region", "kostnad"),
    ("cost", "municipality"): ("kommun", "kostnad"),
    ("cost", "shared_equally"): ("delas lika", "stöd i detta avtal", "procent"),
    ("cost", "home_region"): ("fakturerar",),
    ("region_unit", "primary_care"): ("hälsocentral", "primärvård"),
    ("region_unit", "specialist_care"): ("specialistvård",),
    ("region_unit", "adult_psychiatry"): ("vuxenpsykiatri", "vuxenhabilitering", "över 18"),
    ("region_unit", "youth_clinic_upm"): ("16-25",),
    ("region_unit", "k2_recovery"): ("k2",),
    ("region_unit", "child_psychiatry_bup"): ("bup", "barn"),
    ("region_unit", "child_habilitation_buh"): ("buh", "barn"),
    ("region_unit", "none"): ("ingen enhet", "kommun", "socialtjänst"),
    ("compensation", "none"): ("ingen ersättning", "utan ersättning", "kostnaderna inom sitt"),
    ("compensation", "service_purchase"): ("tjänsteköp",),
    ("compensation", "hourly_share_50"): ("50 procent",),
}
ACTION_WORDS: dict[str, tuple[str, ...]] = {
    "offer_sip": ("sip", "individuell plan", "individuella plan", "samordning"),
    "assess_self_care_first": ("egenvård",),
    "appoint_named_care_contact": ("fast vårdkontakt", "fasta vårdkontakter"),
    "named_care_contact_physician": ("läkare",),
    "risk_analysis": ("riskanalys",),
    "discharge_checklist": ("checklista",),
    "coordinated_care_plan_chief_physician": ("chefsöverläkare",),
    "escalate_to_manager": ("chef",),
    "escalate_to_forum": ("samverkansforum",),
    "bill_home_region": ("fakturerar",),
    "contact_chief_physician_mas": ("chefsläkare",),
    "primary_care_physician_coordinates": ("samordningsansvar",),
    "route_via_primary_care_physician_on_call": ("primärvårdsläkare i beredskap",),
}

# Reviewed exceptions: rules whose quote carries the answer in words the table above cannot
# see, each with the reason.
DELIBERATE: dict[str, str] = {
    "jh-hsv.dispute.individual_first": "§6 is the duty behind the escalation (the care goes "
    "on, 'Den enskilde får aldrig bli drabbad av oenighet'); the way up to the nearest manager is "
    "§8's words, quoted by jh-hsv.dispute.shared_cost.",
    "jh-psyk.responsibility.first_line": "'Vårdgivaren' in §5.1 under 'Region Jämtland "
    "Härjedalens ansvar' is the region's primary care; the paragraph gives it the first line.",
    "jh-psyk.sip.target_group": "§3 defines who is in the target group; the SIP duty for them "
    "is §6.1's (jh-psyk.sip.needs_both quotes it).",
    "jh-hsv.responsibility.child_needs_within_parental": "Footnote 8 narrows §7.3's "
    "criteria for children; where the support is within what parents are responsible for, "
    "the kommun's responsibility under the agreement does not arise and the region's own HSL "
    "responsibility for care in ordinary housing stays (§7.2).",
    "gvb.region_unit.child_primary_care": "The clause says children's home care was never "
    "transferred ('inte … skatteväxlad'), so it stays where the region treats the child; that "
    "the treatment responsibility is primary care is a fact of the case.",
}


def quoted(r: Rule) -> str:
    """What the reason shows: the statement of a silent rule, else the quoted passage."""
    return r.silent or passage(r.clause, r.anchor, r.context)


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def carries(r: Rule) -> bool:
    """The quote contains a word of at least one thing the rule decides."""
    text = _words(quoted(r))
    wanted = [DECISION_WORDS[(d, v)] for d, v in r.decides.items()]
    wanted += [ACTION_WORDS[a] for a in r.actions]
    return any(w in text for words in wanted for w in words)


def decided(r: Rule) -> str:
    parts = [f"{DIMENSIONS[d]}: {value_label(d, v)}" for d, v in r.decides.items()]
    parts += [ACTIONS[a] for a in r.actions]
    if r.label:
        parts.append(f"etikett {r.label}")
    if r.refines:
        parts.append(f"preciserar {', '.join(r.refines)}")
    if r.overrides:
        parts.append(f"går före {', '.join(r.overrides)}")
    if r.fallback:
        parts.append("gäller bara om ingen annan regel gör det")
    return "; ".join(parts)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def table(versions: Iterable[AgreementVersion]) -> str:
    lines = [
        "# Every rule's citation",
        "",
        "Generated by `python -m samverkan.rules.citations > docs/citations.md`; "
        "`tests/rules/test_citations_carry.py` fails when it is not current. *Citat* is what a "
        "decision shows: the clause's own words, or — marked *(avtalet säger inget)* — a "
        "statement that the agreement carries no such rule.",
        "",
    ]
    for v in versions:
        lines += [f"## {v.title} ({v.key})", ""]
        lines += ["| Regel | Avsnitt | Villkor | Avgör | Citat |", "|---|---|---|---|---|"]
        for r in v.rules:
            quote = f"*(avtalet säger inget)* {r.silent}" if r.silent else quoted(r)
            lines.append(
                f"| `{r.id}` | {_cell(r.clause)} | {_cell(r.when.describe())} "
                f"| {_cell(decided(r))} | {_cell(quote)} |"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    from samverkan.rules.agreements import ALL_VERSIONS

    sys.stdout.write(table(ALL_VERSIONS))


if __name__ == "__main__":
    main()
