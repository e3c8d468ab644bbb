"""The synthetic population: shape, determinism and the distributions it documents."""

from __future__ import annotations

import re
from typing import Any

import polars as pl
import pytest

from samverkan.rules import batch, engine, population
from samverkan.rules.facts import (
    ASSUMED_WHEN_UNKNOWN,
    FACT_ORDER,
    FACTS,
    Kind,
    format_time,
    validate_facts,
)
from samverkan.rules.regions import REGIONS

N = 200_000


@pytest.fixture(scope="module")
def big() -> pl.DataFrame:
    return population.generate(N, seed=7)


def test_columns_and_dtypes_are_what_batch_normalise_produces() -> None:
    for unknown_share in (0.0, 0.3):
        frame = population.generate(5_000, seed=1, unknown_share=unknown_share)
        assert frame.columns == list(FACT_ORDER)
        normalised = batch.normalise(frame)
        assert normalised.schema == frame.schema
        assert normalised.equals(frame)  # nothing to coerce, no null filled in


def test_same_seed_same_population_other_seed_another() -> None:
    a = population.generate(3_000, seed=11)
    assert a.equals(population.generate(3_000, seed=11))
    assert not a.equals(population.generate(3_000, seed=12))


def test_a_larger_population_extends_a_smaller_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(population, "CHUNK_ROWS", 1_000)
    small = population.generate(2_000, seed=5)
    large = population.generate(3_500, seed=5)
    assert large.height == 3_500
    assert large.head(2_000).equals(small)


def test_unknown_share_keeps_the_population_and_blanks_non_key_facts() -> None:
    full = population.generate(20_000, seed=3)
    holes = population.generate(20_000, seed=3, unknown_share=0.25)
    for name in ("region", "date"):
        assert holes[name].null_count() == 0
        assert holes[name].equals(full[name])
    for name in FACT_ORDER:
        if name in population.KEY_FACTS:
            continue
        known = holes[name].is_not_null() & full[name].is_not_null()
        if name in ASSUMED_WHEN_UNKNOWN:  # unknown takes the assumed value here
            assumed = ASSUMED_WHEN_UNKNOWN[name]
            known = holes[name] != assumed
        # what is still known is what the full population says
        assert (holes.filter(known)[name] == full.filter(known)[name]).all(), name
        if name in ASSUMED_WHEN_UNKNOWN:
            assert holes[name].null_count() == 0
            blank = (holes[name] == assumed) & (full[name] != assumed)
            if _mean(full[name] != assumed) > 0.05:
                assert abs(_mean(blank) / _mean(full[name] != assumed) - 0.25) < 0.03, name
        elif full[name].null_count() == 0:
            assert abs(holes[name].null_count() / holes.height - 0.25) < 0.02, name


def test_zero_rows() -> None:
    frame = population.generate(0)
    assert frame.height == 0
    assert frame.columns == list(FACT_ORDER)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        population.generate(10, region="skane")
    with pytest.raises(ValueError):
        population.generate(10, unknown_share=1.5)


@pytest.mark.parametrize("region", list(REGIONS))
def test_municipalities_belong_to_their_region(region: str) -> None:
    frame = population.generate(20_000, region=region, seed=2)
    assert (frame["region"] == region).all()
    assert set(frame["municipality"].unique()) == set(REGIONS[region].municipalities)
    share = _mean(frame["age"] >= 80)
    assert abs(share - population.expected_share_80_plus(region)) < 0.02


def test_both_regions_in_proportion_to_population(big: pl.DataFrame) -> None:
    for region in REGIONS.values():
        rows = big.filter(pl.col("region") == region.id)
        assert set(rows["municipality"].unique()) <= set(region.municipalities)
    populations = {m.code: m.population for m in population.MUNICIPALITIES}
    jamtland = sum(populations[c] for c in REGIONS["jamtland-harjedalen"].municipalities)
    expected = jamtland / sum(populations.values())
    assert abs(_mean(big["region"] == "jamtland-harjedalen") - expected) < 0.01
    # Östersund and Gävle are the largest kommuner of their regions
    counts = dict(big["municipality"].value_counts().iter_rows())
    assert counts["2380"] == max(counts[c] for c in REGIONS["jamtland-harjedalen"].municipalities)
    assert counts["2180"] == max(counts.values())


def _mean(value: Any) -> float:
    """A Series' mean (booleans as 0/1), or a scalar, as a float."""
    if isinstance(value, pl.Series):
        value = value.cast(pl.Float64).mean()
    return float(value)


def _share(frame: pl.DataFrame, cond: pl.Expr, within: pl.Expr | None = None) -> float:
    if within is not None:
        frame = frame.filter(within)
    return float(frame.select(cond.cast(pl.Float64).mean()).item())


def test_distributions_as_documented(big: pl.DataFrame) -> None:
    age, housing = pl.col("age"), pl.col("housing")
    assert abs(_share(big, age >= 80) - population.expected_share_80_plus()) < 0.02
    assert 0.18 < _share(big, age < 20) < 0.24
    assert _mean(big["age"].min()) >= 0 and _mean(big["age"].max()) <= 110
    # särskilt boende rises with age (bands 0–17, 18–64, 65–79, 80–89, 90+)
    sb = population.SPECIAL_HOUSING
    registered = pl.col("residence") == "registered_in_county"
    assert abs(_share(big, housing == "special_housing", registered & (age >= 90)) - sb[4]) < 0.03
    assert (
        abs(_share(big, housing == "special_housing", registered & age.is_between(80, 89)) - sb[3])
        < 0.015
    )
    assert _share(big, housing == "special_housing", age < 65) < 0.002
    # ADL needs over time: a minority overall, the majority in särskilt boende
    any_need = pl.col("adl_needs_over_time").list.len() > 0
    assert 0.03 < _share(big, any_need) < 0.08
    assert (
        abs(
            _share(big, any_need, housing == "special_housing") - population.ADL_ANY_SPECIAL_HOUSING
        )
        < 0.03
    )
    # residence mix
    for value, p in population.RESIDENCE.items():
        tolerance = max(0.004, p * 0.25) if value != "registered_in_county" else 0.01
        assert abs(_share(big, pl.col("residence") == value) - p) < tolerance, value
    # evening and night (17.00–08.00) about 30 %
    time = pl.col("time")
    assert abs(_share(big, (time >= 17 * 60) | (time < 8 * 60)) - 0.30) < 0.01
    # the general intervention mix dominates
    assert abs(_share(big, pl.col("intervention") == "nursing") - 0.30) < 0.02
    # rare things are rare but present
    extensive = _share(big, pl.col("extensive_home_care") != "none")
    assert 0 < extensive < 0.001
    assert 0.005 < _share(big, pl.col("psychiatric_disability")) < 0.03
    # dagverksamhet only in daytime, in ordinary housing
    day = big.filter(pl.col("day_activity"))
    assert day.height > 0
    assert day["time"].is_between(8 * 60, 17 * 60 - 1).all()
    assert (day["housing"] == "ordinary").all()
    # prescriber and medication risk only where they apply
    aids = pl.col("intervention") == "aids_and_materials"
    assert big.filter(~aids)["prescriber"].null_count() == big.filter(~aids).height
    assert big.filter(aids)["prescriber"].null_count() == 0


def _json_facts(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in row.items():
        if value is None:
            continue
        kind = FACTS[name].kind
        if kind is Kind.DATE:
            value = value.isoformat()
        elif kind is Kind.TIME:
            value = format_time(value)
        out[name] = value
    return out


def test_rows_are_valid_facts_objects() -> None:
    frame = population.generate(500, seed=9, unknown_share=0.1)
    for row in frame.iter_rows(named=True):
        validate_facts(_json_facts(row))


def test_batch_decides_a_generated_population() -> None:
    frame = population.generate(10_000, seed=4)
    result = batch.decide(frame)
    assert result.height == 10_000
    assert set(batch.DECISION_COLUMNS) <= set(result.columns)
    assert result.select(pl.col(list(FACT_ORDER))).equals(frame)
    # the batch answers are the single-case answers
    for row in result.head(50).iter_rows(named=True):
        single = engine.decide(_json_facts({k: row[k] for k in FACT_ORDER}))
        assert row["status"] == single.status
        assert {d: row[d] for d in single.outcome} == single.outcome


def _doc_table(header: str) -> list[list[str]]:
    doc = population.__doc__ or ""
    lines = doc.splitlines()
    start = lines.index(header)
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def test_docstring_tables_are_the_assumptions_in_use() -> None:
    facts_table = _doc_table("| fact | assumption | source |")
    rows = [r for r in population.load_assumptions() if r["fact"] not in ("municipality", "age")]
    assert facts_table == [[r["fact"], r["assumption"], r["source"]] for r in rows]

    kommun_table = _doc_table("| kommun | name | population | 0–19 | 65–79 | 80+ |")
    assert len(kommun_table) == len(population.MUNICIPALITIES)
    for cells, m in zip(kommun_table, population.MUNICIPALITIES, strict=True):
        code, _name, pop, *shares = cells
        assert code == m.code
        assert int(pop.replace(" ", "")) == m.population
        parsed = [float(re.sub(r"[ %]", "", s)) / 100 for s in shares]
        assert parsed == pytest.approx([m.share_0_19, m.share_65_79, m.share_80_plus])
    codes = {m.code for m in population.MUNICIPALITIES}
    assert codes == {c for r in REGIONS.values() for c in r.municipalities}


def test_load_assumptions_names_a_source_for_every_row() -> None:
    rows = population.load_assumptions()
    assert {"fact", "assumption", "source"} == set(rows[0])
    assert all(r["source"] for r in rows)
    assert {r["fact"] for r in rows} <= set(FACTS)
    assert any("SCB 2023" in r["source"] for r in rows if r["fact"] == "municipality")


def test_the_facts_of_the_newer_clauses_are_drawn(big: pl.DataFrame) -> None:
    """Eating-disorder care and K2 (jh-psykisk §5.1), footnote 8 and §7.2's temporary stay
    (jh-hemsjukvard) are facts of their own: stated wherever they can change an answer, so the
    simulation does not count those persons as undetermined."""
    age, col = pl.col("age"), pl.col
    specialist = col("intervention") == "psychiatric_specialist"
    assert big.filter(specialist & col("psychiatric_care_area").is_null()).is_empty()
    assert big.filter(~specialist & col("psychiatric_care_area").is_not_null()).is_empty()
    area = big.filter(specialist)["psychiatric_care_area"]
    share = (area == "eating_disorder").mean()
    assert abs(share - population.PSYCHIATRIC_CARE_AREA["eating_disorder"]) < 0.03
    child_need = (age < 18) & (col("adl_needs_over_time").list.len() > 0)
    assert big.filter(child_need & col("needs_beyond_parental_responsibility").is_null()).is_empty()
    assert big.filter(
        ~child_need & col("needs_beyond_parental_responsibility").is_not_null()
    ).is_empty()
    no_permit = col("residence").is_in(["asylum_seeker", "undocumented"])
    assert big.filter(col("stay_meant_to_be_temporary") & ~(no_permit & (age < 18))).is_empty()
    assert big["stay_meant_to_be_temporary"].null_count() == 0


def test_children_with_adl_needs_are_decided() -> None:
    """Children with an ADL need over time (footnote 8's fact is drawn for them) are decided
    for nursing in the simulated population, not left undetermined."""
    frame = population.generate(200_000, seed=11)
    result = batch.decide(frame)
    children = result.filter(
        (pl.col("age") < 18)
        & (pl.col("adl_needs_over_time").list.len() > 0)
        & (pl.col("residence") == "registered_in_county")
        & (pl.col("region") == "jamtland-harjedalen")
        & (pl.col("intervention") == "nursing")
    )
    assert children.height > 0
    assert (children["status"] == "undetermined").mean() < 0.5
