"""Quoting the agreements by clause id and anchor (never retyped): the clauses this app cites.

`Citation(clause, anchor).text` is the sentence of the clause that contains the anchor, read
from the clause library; `.paragraph` the whole paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from samverkan.rules.clauses.library import passage
from samverkan.rules.clauses.parser import collapse

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")


@dataclass(frozen=True)
class Citation:
    clause: str
    anchor: str
    context: int = 0  # following paragraphs to include in `paragraph`

    @cached_property
    def paragraph(self) -> str:
        return passage(self.clause, self.anchor, self.context)

    @cached_property
    def text(self) -> str:
        """The sentence holding the anchor (the paragraph if it cannot be split)."""
        first = passage(self.clause, self.anchor)
        wanted = collapse(self.anchor).casefold()
        for sentence in _SENTENCE_END.split(collapse(first)):
            if wanted in sentence.casefold():
                return sentence
        return first

    def as_dict(self) -> dict[str, str]:
        return {"clause": self.clause, "text": self.text}


# jh-hemsjukvard §8.1: deviations between the huvudmän.
FOLLOWED_UP_IN_FORUM = Citation("jh-hemsjukvard §8.1", "Uppföljning av avvikelser mellan")
COMPLAINTS_FORWARDED = Citation("jh-hemsjukvard §8.1", "Klagomål och synpunkter som inkommer")
SERIOUS_DIRECT_CONTACT = Citation("jh-hemsjukvard §8.1", "Vid allvarliga avvikelser")

# Disputes: the person first, costs shared, managers, forum.
INDIVIDUAL_FIRST = Citation("jh-hemsjukvard §6", "Den enskilde får aldrig bli drabbad")
SHARE_COSTS = Citation("jh-hemsjukvard §8", "principen att parterna delar på kostnaderna")
MANAGER_FIRST = Citation("jh-hemsjukvard §8", "problemet lyfts till närmsta chef")
OF_PRINCIPLE = Citation("jh-hemsjukvard §8", "Om problemet är av principiell betydelse")
SPLIT_UNTIL_AGREED = Citation("jh-hemsjukvard §7.7", "Om huvudmännen inte är överens")

# Lifecycle.
TERMINATION_IN_FORUM = Citation("jh-hemsjukvard §10", "uppsägning av avtalet ska hanteras i SVOM")
YEARLY_FOLLOWUP = Citation("jh-hemsjukvard §10", "Uppföljning av avtalet ska ske en gång per år")
LOCAL_ONLY_AT_POINTS = Citation(
    "jh-hemsjukvard §8.3", "lokala överenskommelser enbart ske på de punkter", context=2
)
LISTS_SIGNED_BY_ALL = Citation(
    "jh-primarvard-kommun Medicinteknisk utrustning och läkemedel",
    "undertecknas av samtliga ledamöter i arbetsgruppen",
)
LISTS_REVISED_YEARLY = Citation(
    "jh-primarvard-kommun Medicinteknisk utrustning och läkemedel",
    "Förteckningarna revideras årligen",
)
LOCAL_VARIATIONS = Citation(
    "jh-primarvard-kommun Medicinteknisk utrustning och läkemedel",
    "lokala överenskomna variationer kan finnas",
)

# Each agreement's clause on disputes and on its yearly follow-up, where it has one.
DISPUTE_CLAUSE: dict[str, Citation] = {
    "jh-hemsjukvard": Citation("jh-hemsjukvard §11", "Tvister ska lösas"),
    "jh-primarvard-kommun": Citation("jh-hemsjukvard §11", "Tvister ska lösas"),
    "jh-psykisk": Citation("jh-psykisk §11", "hänskjuts dessa i första hand"),
}
FOLLOWUP_CLAUSE: dict[str, Citation] = {
    "jh-hemsjukvard": Citation("jh-hemsjukvard §10", "Ansvarig för uppföljning"),
    "jh-primarvard-kommun": Citation("jh-hemsjukvard §10", "Ansvarig för uppföljning"),
    "jh-psykisk": Citation("jh-psykisk §9", "ansvarar för att initiera en årlig uppföljning"),
    "gvb-svart-sjuka": Citation("gvb-svart-sjuka Uppföljning", "Ansvaret för att uppföljning"),
}

ALL_CITATIONS: tuple[Citation, ...] = (
    FOLLOWED_UP_IN_FORUM,
    COMPLAINTS_FORWARDED,
    SERIOUS_DIRECT_CONTACT,
    INDIVIDUAL_FIRST,
    SHARE_COSTS,
    MANAGER_FIRST,
    OF_PRINCIPLE,
    SPLIT_UNTIL_AGREED,
    TERMINATION_IN_FORUM,
    YEARLY_FOLLOWUP,
    LOCAL_ONLY_AT_POINTS,
    LISTS_SIGNED_BY_ALL,
    LISTS_REVISED_YEARLY,
    LOCAL_VARIATIONS,
    *DISPUTE_CLAUSE.values(),
    *FOLLOWUP_CLAUSE.values(),
)
