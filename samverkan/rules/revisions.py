"""Adopted revisions: which version of an agreement governs a case, per party and per date.

A forum (SVOM, Länsledning Välfärd) only recommends a revision; each party adopts it itself
(jh-psykisk §10: adopted by every kommun's fullmäktige, at different times; SVOM "har ingen
egen organisation, budget eller några beslutsmandat"). A revision is a variant of the
agreement's rules (``variants.py``) with the date from which each party has adopted it. An
agreement binds the region and a kommun together, so for a case in kommun K the revision
governs from the later of the region's and K's dates; where either has not adopted it, the
version before it still governs. The version is chosen by the case's ``date`` (the date of
the care), never by the day the question is asked.

The web app registers its record of adoptions (``use_revisions``), as it does its notices of
termination; drafts are never in that record, so a draft never drives a decision. Without a
source only the declared versions count. History is never edited: a revision makes a new
version key (``agreement@version+revision``) which the decision records.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from samverkan.rules.declarations import AgreementVersion
from samverkan.rules.regions import REGIONS
from samverkan.rules.ruleset import RuleSet, build, current_notices, default_ruleset
from samverkan.rules.variants import Variant, VariantError, apply


@dataclass(frozen=True)
class AdoptedRevision:
    """A revision of ``agreement`` and the day from which each party applies it.

    ``key`` is stable (the web app's revision id, e.g. ``"7"``); ``label`` names it in the
    version key (``jh-hemsjukvard@2020-03-01+revision-7``). ``in_force`` maps a party to
    the day it applies the revision from: the region by its id (``"jamtland-harjedalen"``),
    a kommun by its SCB code."""

    key: str
    agreement: str
    region: str
    changes: tuple[Mapping[str, Any], ...]
    in_force: Mapping[str, dt.date] = field(default_factory=dict)
    label: str = ""

    def __hash__(self) -> int:
        return hash((self.key, self.agreement, self.region))

    def from_date(self, municipality: str | None) -> dt.date | None:
        """The day the revision governs cases in ``municipality``: the later of the
        region's and the kommun's; None while either has not adopted it. With the kommun
        unknown, only a date every kommun of the region has reached counts."""
        region_day = self.in_force.get(self.region)
        if region_day is None:
            return None
        if municipality is None:
            days = [self.in_force.get(code) for code in REGIONS[self.region].municipalities]
            if any(d is None for d in days):
                return None
            return max([region_day, *(d for d in days if d is not None)])
        kommun_day = self.in_force.get(municipality)
        if kommun_day is None:
            return None
        return max(region_day, kommun_day)

    def governs(self, municipality: str | None, on: dt.date) -> bool:
        start = self.from_date(municipality)
        return start is not None and start <= on

    @property
    def suffix(self) -> str:
        return f"revision-{self.label or self.key}"


_source: Callable[[], Sequence[AdoptedRevision]] | None = None


def use_revisions(source: Callable[[], Sequence[AdoptedRevision]] | None) -> None:
    """Where the rules learn the adopted revisions (the web app's record of adoptions)."""
    global _source
    _source = source


def current_revisions() -> tuple[AdoptedRevision, ...]:
    return tuple(_source()) if _source is not None else ()


def revised_versions(
    versions: Sequence[AgreementVersion], revisions: Sequence[AdoptedRevision]
) -> tuple[AgreementVersion, ...]:
    """``versions`` with each revision's changes applied, in the order given; every version
    of a revised agreement gets the revision in its version string (a new key), the
    others are returned unchanged. A `VariantError` names the change that does not apply."""
    out = tuple(versions)
    for revision in revisions:
        check_scope(out, revision.agreement, revision.changes)
        changed = apply(out, Variant(revision.suffix, tuple(revision.changes)))
        out = tuple(
            dataclasses.replace(new, version=f"{new.version}+{revision.suffix}")
            if new.agreement == revision.agreement
            else new
            for new in changed
        )
    return out


def check_scope(
    versions: Sequence[AgreementVersion], agreement: str, changes: Sequence[Mapping[str, Any]]
) -> None:
    """A revision of one agreement changes only that agreement's rules."""
    own = {r.id for v in versions if v.agreement == agreement for r in v.rules}
    for index, change in enumerate(changes):
        if change.get("op") == "add_rule":
            if change.get("agreement") != agreement:
                raise VariantError(
                    index, "other_agreement", "en ny regel ska höra till det avtal som revideras",
                    "agreement",
                )  # fmt: skip
            continue
        rule_id = change.get("rule")
        if rule_id and rule_id not in own and _known(versions, rule_id):
            raise VariantError(
                index, "other_agreement", f"regeln {rule_id!r} hör till ett annat avtal", "rule"
            )


def _known(versions: Sequence[AgreementVersion], rule_id: Any) -> bool:
    return any(r.id == rule_id for v in versions for r in v.rules)


def governing(
    revisions: Sequence[AdoptedRevision], region: str, municipality: str | None, on: dt.date
) -> tuple[AdoptedRevision, ...]:
    """The revisions that govern a case of ``region`` in ``municipality`` on ``on``."""
    return tuple(r for r in revisions if r.region == region and r.governs(municipality, on))


def ruleset_for(
    region: str,
    municipality: str | None,
    on: dt.date,
    revisions: Sequence[AdoptedRevision] | None = None,
) -> RuleSet:
    """The rule set that decides a case: the declared versions, with every revision adopted
    for the case's kommun by its date applied (``revisions`` default to the registered ones)."""
    chosen = governing(current_revisions() if revisions is None else revisions, region,
                       municipality, on)  # fmt: skip
    if not chosen:
        return default_ruleset(region)
    notices = current_notices()
    return _revised_ruleset(region, chosen, tuple(sorted(notices.items())))


@lru_cache(maxsize=64)
def _revised_ruleset(
    region: str,
    chosen: tuple[AdoptedRevision, ...],
    notices: tuple[tuple[str, dt.date], ...],
) -> RuleSet:
    from samverkan.rules.agreements import ALL_VERSIONS

    return build(revised_versions(ALL_VERSIONS, chosen), region, dict(notices))


def ruleset_for_facts(facts: Mapping[str, Any]) -> RuleSet:
    """:func:`ruleset_for` for validated facts (region and date known)."""
    return ruleset_for(facts["region"], facts.get("municipality"), facts["date"])
