"""Each agreement's dispute path, read from its declaration (`AgreementVersion.dispute_path`
and `.forum`), never written per view. The agreements room owns it: the agreement decides
how a dispute escalates; the disputes themselves are cases in `samverkan.deviations`.

- jh-hemsjukvard (and its Bilaga 2): närmaste chef (§8), then the forum (SVOM/Fredagsgruppen,
  §11) when the question is of principle;
- jh-psykisk: respektive ansvarig överordnad chef, then allmän domstol (§11): no forum;
- an agreement with no dispute clause (gvb-svart-sjuka): the nearest managers, then its
  forum (Länsledning Välfärd).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from samverkan.rules import ALL_VERSIONS, AgreementVersion

VERSIONS: dict[str, AgreementVersion] = {v.agreement: v for v in ALL_VERSIONS}

# The first step when an agreement has no dispute clause of its own.
NEAREST_MANAGERS = "närmaste chef hos respektive part"

MANAGERS, FORUM, COURT = "managers", "forum", "court"


@dataclass(frozen=True)
class EscalationStep:
    level: int  # 1 = first step
    kind: str  # managers | forum | court
    label: str  # the step as the agreement's declaration names it
    forum: str = ""  # the forum's name, for a forum step

    @property
    def title(self) -> str:
        if self.kind == FORUM and self.forum and self.forum not in self.label:
            return f"{self.forum} – {self.label}"
        return self.label


def _kind(text: str, version: AgreementVersion, level: int) -> str:
    lowered = text.casefold()
    if "domstol" in lowered:
        return COURT
    if level > 1 and (text == version.forum or "forum" in lowered):
        return FORUM
    return MANAGERS


@cache
def escalation_path(agreement: str) -> tuple[EscalationStep, ...]:
    """The agreement's dispute path, step 1 first (from its declaration)."""
    version = VERSIONS[agreement]
    texts = version.dispute_path or tuple(t for t in (NEAREST_MANAGERS, version.forum) if t)
    steps = []
    for level, text in enumerate(texts, start=1):
        kind = _kind(text, version, level)
        steps.append(EscalationStep(level, kind, text, version.forum if kind == FORUM else ""))
    return tuple(steps)


def forum_levels() -> dict[str, list[int]]:
    """Per agreement, the levels at which its forum handles a dispute."""
    return {
        agreement: [step.level for step in escalation_path(agreement) if step.kind == FORUM]
        for agreement in VERSIONS
    }
