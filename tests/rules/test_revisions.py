"""Adopted revisions: the version is chosen per party and by the date of the care."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from samverkan.rules import (
    ALL_VERSIONS,
    EXAMPLES,
    AdoptedRevision,
    VariantError,
    check_revision_scope,
    decide,
    revised_versions,
    use_revisions,
)
from tests.baselines import JH_CASE

JH = "jamtland-harjedalen"
OSTERSUND, KROKOM = "2380", "2309"
TWO_ADL = next(e for e in EXAMPLES if e.key == "two-adl-needs").variant["changes"]
ONE_NEED = JH_CASE | {"adl_needs_over_time": ["hygiene"]}


def revision(**in_force: dt.date) -> AdoptedRevision:
    return AdoptedRevision("7", "jh-hemsjukvard", JH, tuple(TWO_ADL), in_force)


@pytest.fixture
def adopted():
    revisions: list[AdoptedRevision] = []
    use_revisions(lambda: revisions)
    yield revisions
    use_revisions(None)


def hcr(facts) -> str:
    return decide(dict(facts)).outcome["health_care_responsibility"]


def version_of(facts) -> str:
    agreements = decide(dict(facts)).as_dict()["agreements"]
    return next(a["version"] for a in agreements if a["id"] == "jh-hemsjukvard")


def test_without_adoption_the_declared_version_decides(adopted) -> None:
    assert hcr(ONE_NEED | {"date": "2026-06-01"}) == "municipality"
    assert version_of(ONE_NEED | {"date": "2026-06-01"}) == "2020-03-01"


def test_the_revision_governs_a_kommun_from_the_later_of_both_adoptions(adopted) -> None:
    adopted.append(revision(**{JH: dt.date(2026, 3, 1), OSTERSUND: dt.date(2026, 5, 1)}))
    assert hcr(ONE_NEED | {"date": "2026-04-30"}) == "municipality"
    assert hcr(ONE_NEED | {"date": "2026-05-01"}) == "region"
    assert version_of(ONE_NEED | {"date": "2026-05-01"}) == "2020-03-01+revision-7"
    # Krokom has not adopted it: the version before it still governs there.
    assert hcr(ONE_NEED | {"municipality": KROKOM, "date": "2026-06-01"}) == "municipality"


def test_a_kommun_alone_does_not_bring_it_into_force(adopted) -> None:
    adopted.append(revision(**{OSTERSUND: dt.date(2026, 1, 1)}))
    assert hcr(ONE_NEED | {"date": "2026-06-01"}) == "municipality"


def test_the_date_of_the_care_chooses_the_version_not_the_day_of_asking(adopted) -> None:
    adopted.append(revision(**{JH: dt.date(2026, 3, 1), OSTERSUND: dt.date(2026, 3, 1)}))
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC), tick=False):
        # Asked today (after the adoption) about care given before it: the old version.
        assert hcr(ONE_NEED | {"date": "2026-02-28"}) == "municipality"
        assert version_of(ONE_NEED | {"date": "2026-02-28"}) == "2020-03-01"
    with time_machine.travel(dt.datetime(2026, 1, 2, 10, tzinfo=dt.UTC), tick=False):
        # Asked before the adoption about care planned after its date: the new version.
        assert hcr(ONE_NEED | {"date": "2026-03-01"}) == "region"


def test_unknown_kommun_only_when_every_kommun_has_adopted(adopted) -> None:
    from samverkan.rules import REGIONS

    every = {code: dt.date(2026, 2, 1) for code in REGIONS[JH].municipalities}
    adopted.append(revision(**{JH: dt.date(2026, 1, 1), **every}))
    facts = {k: v for k, v in ONE_NEED.items() if k != "municipality"} | {"date": "2026-03-01"}
    assert hcr(facts) == "region"
    adopted[0] = revision(**{JH: dt.date(2026, 1, 1), OSTERSUND: dt.date(2026, 2, 1)})
    assert version_of(facts) == "2020-03-01"


def test_history_is_not_edited() -> None:
    before = [v.key for v in ALL_VERSIONS]
    out = revised_versions(ALL_VERSIONS, [revision()])
    assert [v.key for v in ALL_VERSIONS] == before
    assert "jh-hemsjukvard@2020-03-01+revision-7" in [v.key for v in out]
    assert "jh-psykisk" in {v.agreement for v in out}


def test_a_revision_changes_only_its_own_agreement() -> None:
    other = {"op": "disable", "rule": TWO_ADL[0]["rule"]}
    with pytest.raises(VariantError) as caught:
        check_revision_scope(ALL_VERSIONS, "jh-psykisk", [other])
    assert caught.value.path == "changes.0.rule"
    with pytest.raises(VariantError):
        check_revision_scope(
            ALL_VERSIONS, "jh-psykisk", [{"op": "add_rule", "agreement": "jh-hemsjukvard"}]
        )


def test_the_batch_path_agrees_with_the_single_path(adopted) -> None:
    import polars as pl

    from samverkan.rules import decide_frame

    adopted.append(revision(**{JH: dt.date(2026, 3, 1), OSTERSUND: dt.date(2026, 5, 1)}))
    rows = []
    for day in ("2026-02-01", "2026-04-01", "2026-05-01", "2026-09-30"):
        for kommun in (OSTERSUND, KROKOM, None):
            for needs in ([], ["hygiene"], ["hygiene", "dressing"]):
                rows.append(dict(JH_CASE | {"date": day, "municipality": kommun,
                                            "adl_needs_over_time": needs}))  # fmt: skip
    frame = pl.DataFrame(rows, infer_schema_length=None)
    result = decide_frame(frame)
    assert result.height == len(rows)
    single = [decide(r).outcome["health_care_responsibility"] for r in rows]
    assert result["health_care_responsibility"].cast(pl.String).to_list() == single
    assert "region" in single and "municipality" in single
