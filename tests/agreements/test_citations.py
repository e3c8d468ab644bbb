"""Every clause the agreements room quotes resolves in the clause library (never retyped)."""

from __future__ import annotations

import pytest

from samverkan.agreements.citations import LIFECYCLE_CITATIONS
from samverkan.agreements.local_points import LOCAL_POINTS, REQUIRED_ROUTINES
from samverkan.rules.clauses.library import get, passage


@pytest.mark.parametrize(
    "citation", LIFECYCLE_CITATIONS, ids=lambda c: f"{c.clause}:{c.anchor[:20]}"
)
def test_citation_resolves(citation):
    assert citation.anchor.casefold() in citation.text.casefold()
    assert citation.text in " ".join(get(citation.clause).text.split())


@pytest.mark.parametrize("point", LOCAL_POINTS, ids=lambda p: p.key)
def test_every_local_point_is_in_8_3(point):
    assert point.clause == "jh-hemsjukvard §8.3"
    assert point.anchor in passage("jh-hemsjukvard §8.3", point.anchor)
    assert point.annex in passage("jh-hemsjukvard §8.3", point.annex)
    if point.source:
        assert point.source.text


def test_section_8_3_lists_exactly_these_six_points():
    text = " ".join(passage("jh-hemsjukvard §8.3", "Bil 2", context=1).split())
    covered = text
    for point in LOCAL_POINTS:
        covered = covered.replace(point.anchor, "")
    assert (
        covered.replace("Bil 2 Primärvård-kommun:", "").replace("Bil 4 Tjänsteköp", "").strip()
        == ""
    )
    assert {p.key for p in REQUIRED_ROUTINES} == {
        "physician_participation",
        "lab_service",
        "cosmic_access",
        "service_purchase_documentation",
    }
