"""The clause library: the four agreements split into citable, quotable, searchable clauses."""

from samverkan.rules.clauses.library import (
    AGREEMENTS,
    AnchorNotFound,
    Clause,
    UnknownClause,
    clauses,
    for_agreement,
    get,
    passage,
)

__all__ = [
    "AGREEMENTS",
    "AnchorNotFound",
    "Clause",
    "UnknownClause",
    "clauses",
    "for_agreement",
    "get",
    "passage",
]
