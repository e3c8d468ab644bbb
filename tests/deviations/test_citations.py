"""Every clause this app quotes resolves in the clause library (never retyped)."""

from __future__ import annotations

import pytest

from samverkan.deviations.citations import ALL_CITATIONS
from samverkan.rules.clauses.library import get


@pytest.mark.parametrize("citation", ALL_CITATIONS, ids=lambda c: f"{c.clause}:{c.anchor[:20]}")
def test_citation_resolves(citation):
    assert citation.anchor.casefold() in citation.text.casefold()
    assert citation.text in " ".join(get(citation.clause).text.split())
