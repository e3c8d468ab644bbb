"""The clauses the deviations and disputes cite, by clause id and anchor (never retyped).

`Citation(clause, anchor).text` is the sentence of the clause that contains the anchor, read
from the clause library; `.paragraph` the whole paragraph.
"""

from __future__ import annotations

from samverkan.agreements.selectors import Citation

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

# Each agreement's clause on disputes.
DISPUTE_CLAUSE: dict[str, Citation] = {
    "jh-hemsjukvard": Citation("jh-hemsjukvard §11", "Tvister ska lösas"),
    "jh-primarvard-kommun": Citation("jh-hemsjukvard §11", "Tvister ska lösas"),
    "jh-psykisk": Citation("jh-psykisk §11", "hänskjuts dessa i första hand"),
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
    *DISPUTE_CLAUSE.values(),
)
