"""Issue 14: Bilaga 2's "om annat ej överenskommits". The routing of specialist needs at night
through the primary-care physician on call is a default a local agreement between specialist
care and a kommun may set aside (``Rule.unless_local``). The answer says so; with a local
agreement recorded for the kommun (a revision of ``kind="lokal"``, from the day agreed to its
last day) it answers by the local agreement and cites it, in the single and the batch path
alike."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from samverkan.rules import (
    ALL_VERSIONS,
    AdoptedRevision,
    Variant,
    VariantError,
    apply_variant,
    decide,
    use_revisions,
)
from tests.baselines import JH_NIGHT_SPECIALIST_NEED, ROUTING_DEFAULT, ROUTING_LOCAL

JH = "jamtland-harjedalen"
OSTERSUND, KROKOM = "2380", "2309"
DEFAULT = ROUTING_DEFAULT
LOCAL = ROUTING_LOCAL
NIGHT_NEED = JH_NIGHT_SPECIALIST_NEED
CHANGE = {
    "op": "local_agreement",
    "point": "specialist_care_routing",
    "title": "Specialistpsykiatrins nattkontakt med hemsjukvården",
    "reference": "Dnr RS/2026:41",
    "agreed_on": "2026-01-15",
}


def local(until: dt.date | None = dt.date(2026, 6, 30)) -> AdoptedRevision:
    day = dt.date(2026, 1, 15)
    return AdoptedRevision(
        "3", "jh-primarvard-kommun", JH, (CHANGE,), {JH: day, OSTERSUND: day}, "3",
        until=until, kind="lokal",
    )  # fmt: skip


@pytest.fixture
def recorded():
    revisions = [local()]
    use_revisions(lambda: revisions)
    yield revisions
    use_revisions(None)


def _case(day: str, kommun: str | None = OSTERSUND) -> dict:
    return dict(NIGHT_NEED | {"date": day, "municipality": kommun})


def test_the_default_rule_is_marked_and_its_reason_says_a_local_agreement_may_differ():
    rules = [r for v in ALL_VERSIONS for r in v.rules if r.unless_local is not None]
    assert [(r.id, r.unless_local.point) for r in rules] == [
        ("jh-pvk.night.specialist_via_on_call_physician", "specialist_care_routing")
    ]
    decision = decide(_case("2026-03-01"))
    assert DEFAULT in decision.actions and LOCAL not in decision.actions
    (reason,) = [r for r in decision.reasons if r.action == DEFAULT]
    assert reason.as_dict()["local_note"] == (
        "En lokal överenskommelse mellan specialistvården och kommunen kan ange annat (avtalet: "
        "”om annat ej överenskommits enligt överenskommelse mellan specialistvård och kommun”)."
    )
    others = [r for r in decision.reasons if r.action != DEFAULT]
    assert others and not any(r.local_note for r in others)


def test_a_recorded_local_agreement_answers_by_it_and_cites_it(recorded):
    decision = decide(_case("2026-03-01"))
    assert LOCAL in decision.actions and DEFAULT not in decision.actions
    (reason,) = [r for r in decision.reasons if r.action == LOCAL]
    assert reason.rule == "jh-pvk.night.specialist_via_on_call_physician.local"
    assert not reason.quoted and not reason.local_note
    assert reason.text.startswith(
        "Enligt lokal överenskommelse mellan specialistvården och kommunen: "
        "Specialistpsykiatrins nattkontakt med hemsjukvården (Dnr RS/2026:41), "
        "överenskommen 2026-01-15."
    )
    versions = {a["id"]: a["version"] for a in decision.as_dict()["agreements"]}
    assert versions["jh-primarvard-kommun"] == "2017-03-21+lokal-3"
    assert decision.outcome == decide(_case("2026-03-01", KROKOM)).outcome  # answer unchanged


@pytest.mark.parametrize(
    ("day", "kommun"),
    [
        ("2026-01-14", OSTERSUND),  # before the day agreed
        ("2026-07-01", OSTERSUND),  # after its last day
        ("2026-03-01", KROKOM),  # another kommun
        ("2026-03-01", None),  # kommun not known: never one kommun's local agreement
    ],
)
def test_outside_its_kommun_and_days_the_default_holds(recorded, day, kommun):
    actions = decide(_case(day, kommun)).actions
    assert DEFAULT in actions and LOCAL not in actions


def test_the_batch_path_agrees_with_the_single_path(recorded):
    from samverkan.rules import decide_frame

    rows = [
        _case(day, kommun) | {"specialist_care_needed": need}
        for day in ("2026-01-14", "2026-01-15", "2026-06-30", "2026-07-01")
        for kommun in (OSTERSUND, KROKOM, None)
        for need in (True, False)
    ]
    result = decide_frame(pl.DataFrame(rows, infer_schema_length=None), action_list=True)
    single = [decide(r).actions for r in rows]
    assert result["actions"].to_list() == single
    assert any(LOCAL in a for a in single) and any(DEFAULT in a for a in single)


def test_a_local_agreement_at_a_point_no_rule_has_is_refused():
    with pytest.raises(VariantError) as exc:
        apply_variant(ALL_VERSIONS, Variant("x", (CHANGE | {"point": "cosmic_access"},)))
    assert (exc.value.code, exc.value.field) == ("unknown_point", "point")
    with pytest.raises(VariantError) as exc:
        apply_variant(ALL_VERSIONS, Variant("x", (CHANGE | {"title": " "},)))
    assert exc.value.code == "missing"


# --- one hälsocentral's local agreement (fact listed_health_centre) ------------------------

LILLSJON, CENTRUM = "SE2321000214-E1001", "SE2321000214-E1002"
SCOPED = CHANGE | {"health_centre": LILLSJON, "health_centre_name": "Lillsjöns hälsocentral"}


@pytest.fixture
def scoped():
    day = dt.date(2026, 1, 15)
    revisions = [
        AdoptedRevision(
            "4", "jh-primarvard-kommun", JH, (SCOPED,), {JH: day, OSTERSUND: day}, "4",
            kind="lokal",
        )
    ]  # fmt: skip
    use_revisions(lambda: revisions)
    yield revisions
    use_revisions(None)


def test_one_health_centres_local_agreement_applies_to_its_listed_persons_only(scoped):
    listed = decide(_case("2026-03-01") | {"listed_health_centre": LILLSJON})
    assert LOCAL in listed.actions and DEFAULT not in listed.actions
    (reason,) = [r for r in listed.reasons if r.action == LOCAL]
    assert reason.rule == f"jh-pvk.night.specialist_via_on_call_physician.local.{LILLSJON}"
    assert reason.text.startswith(
        "Enligt lokal överenskommelse mellan specialistvården och kommunen för personer "
        "listade vid Lillsjöns hälsocentral: Specialistpsykiatrins nattkontakt"
    )
    other = decide(_case("2026-03-01") | {"listed_health_centre": CENTRUM})
    assert DEFAULT in other.actions and LOCAL not in other.actions
    assert "listed_health_centre" not in other.missing_facts
    # Another kommun's case is not this agreement's, whatever the listing.
    krokom = decide(_case("2026-03-01", KROKOM) | {"listed_health_centre": LILLSJON})
    assert DEFAULT in krokom.actions and LOCAL not in krokom.actions


def test_without_the_listing_it_does_not_apply_and_the_decision_asks_for_it(scoped):
    decision = decide(_case("2026-03-01"))
    assert LOCAL not in decision.actions
    assert "listed_health_centre" in decision.missing_facts
    # Without a need for specialist care the listing changes nothing: it is not asked for.
    quiet = decide(_case("2026-03-01") | {"specialist_care_needed": False})
    assert "listed_health_centre" not in quiet.missing_facts
    # Without a scoped local agreement the fact is never asked for.
    use_revisions(None)
    assert "listed_health_centre" not in decide(_case("2026-03-01")).missing_facts


def test_the_batch_path_agrees_for_one_health_centres_local_agreement(scoped):
    from samverkan.rules import decide_frame

    rows = [
        _case(day, kommun) | {"listed_health_centre": centre, "specialist_care_needed": need}
        for day in ("2026-01-14", "2026-03-01")
        for kommun in (OSTERSUND, KROKOM, None)
        for centre in (LILLSJON, CENTRUM, None)
        for need in (True, False)
    ]
    frame = pl.DataFrame(rows, infer_schema_length=None)
    result = decide_frame(frame, action_list=True)
    single = [decide(r) for r in rows]
    assert result["actions"].to_list() == [d.actions for d in single]
    assert any(LOCAL in d.actions for d in single) and any(DEFAULT in d.actions for d in single)


def test_a_blank_listing_is_refused_alike_in_both_paths():
    from samverkan.rules import InvalidFacts, decide_frame

    for bad in ("", " SE1"):
        with pytest.raises(InvalidFacts) as single:
            decide(_case("2026-03-01") | {"listed_health_centre": bad})
        with pytest.raises(InvalidFacts) as batch:
            decide_frame(pl.DataFrame([_case("2026-03-01") | {"listed_health_centre": bad}]))
        assert [e.code for e in single.value.errors] == ["invalid_text"]
        assert [(e.field, e.code) for e in batch.value.errors] == [
            ("listed_health_centre", "invalid_text")
        ]


@pytest.mark.parametrize(
    "order", [("kommun", "centre"), ("centre", "kommun"), ("kommun", "kommun")]
)
def test_a_later_local_agreement_at_the_same_point_governs_where_it_applies(order):
    """Two local agreements of one kommun at the same point (one for a hälsocentral, one for
    the whole kommun, in either order, or two for the kommun): the later one governs where it
    applies, in both paths; none makes the rules fail."""
    from samverkan.rules import decide_frame

    changes = {
        "kommun": CHANGE | {"title": "Hela kommunen"},
        "centre": SCOPED | {"title": "Lillsjön"},
    }
    revisions = [
        AdoptedRevision(
            str(i), "jh-primarvard-kommun", JH, (changes[kind],),
            {JH: dt.date(2026, 1, i), OSTERSUND: dt.date(2026, 1, i)}, str(i), kind="lokal",
        )
        for i, kind in enumerate(order, start=1)
    ]  # fmt: skip
    use_revisions(lambda: revisions)
    try:
        rows = [
            _case("2026-03-01") | {"listed_health_centre": centre}
            for centre in (LILLSJON, CENTRUM, None)
        ]
        single = [decide(r) for r in rows]
        texts = [next((x.text for x in d.reasons if x.action == LOCAL), "") for d in single]
        later = changes[order[1]]["title"]
        earlier = changes[order[0]]["title"]
        if order[1] == "kommun":  # the later applies to all
            assert all(later in t for t in texts[:2])
        else:  # the later for Lillsjön's listed persons, the earlier for the others
            assert later in texts[0] and earlier in texts[1]
        result = decide_frame(pl.DataFrame(rows, infer_schema_length=None), action_list=True)
        assert result["actions"].to_list() == [d.actions for d in single]
    finally:
        use_revisions(None)
