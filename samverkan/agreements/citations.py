"""Quoting the agreements by clause id and anchor (never retyped).

`Citation(clause, anchor).text` is the sentence of the clause that contains the anchor, read
from the clause library; `.paragraph` the whole paragraph. The lifecycle's own citations are
here; other rooms get `Citation` through `samverkan.agreements.selectors`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from samverkan.rules import collapse, passage

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


# Lifecycle: notice, yearly follow-up, local agreements, Bilaga 2 lists.
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

# Each agreement's clause on its yearly follow-up, where it has one.
FOLLOWUP_CLAUSE: dict[str, Citation] = {
    "jh-hemsjukvard": Citation("jh-hemsjukvard §10", "Ansvarig för uppföljning"),
    "jh-primarvard-kommun": Citation("jh-hemsjukvard §10", "Ansvarig för uppföljning"),
    "jh-psykisk": Citation("jh-psykisk §9", "ansvarar för att initiera en årlig uppföljning"),
    "gvb-svart-sjuka": Citation("gvb-svart-sjuka Uppföljning", "Ansvaret för att uppföljning"),
}

LIFECYCLE_CITATIONS: tuple[Citation, ...] = (
    TERMINATION_IN_FORUM,
    YEARLY_FOLLOWUP,
    LOCAL_ONLY_AT_POINTS,
    LISTS_SIGNED_BY_ALL,
    LISTS_REVISED_YEARLY,
    LOCAL_VARIATIONS,
    *FOLLOWUP_CLAUSE.values(),
)
