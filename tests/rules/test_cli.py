"""`samverkan …` commands as a nurse or a controller would run them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest

from samverkan import cli

CASE = {
    "region": "jamtland-harjedalen",
    "date": "2022-02-01",
    "time": "10:00",
    "residence": "registered_in_county",
    "age": 82,
    "housing": "ordinary",
    "day_activity": False,
    "personal_assistance_lss": False,
    "adl_needs_over_time": ["dressing"],
    "psychiatric_disability": False,
    "end_of_life": False,
    "intervention": "nursing",
    "wishes_health_centre": False,
    "needs_health_and_social_care": False,
    "discharge_from_inpatient_care": False,
}


def run(
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    stdin: str | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_decide_explains_in_swedish_with_quoted_clauses(tmp_path: Path, capsys) -> None:
    path = tmp_path / "fakta.json"
    path.write_text(json.dumps(CASE), encoding="utf-8")
    code, out, _ = run(["decide", str(path)], capsys)
    assert code == 0
    assert "Hälso- och sjukvårdsansvar: Kommunen" in out
    assert "jh-hemsjukvard §7.3" in out and "klä sig" in out  # the clause's own words
    assert "Ta ställning till egenvård innan överföring" in out


def test_decide_json_from_stdin_has_the_domain_model_shape(capsys, monkeypatch) -> None:
    code, out, _ = run(["decide", "-", "--json"], capsys, json.dumps(CASE), monkeypatch)
    decision = json.loads(out)
    assert code == 0
    assert {"agreements", "in_force", "outcome", "actions", "missing_facts", "reasons"} <= set(
        decision
    )
    assert decision["outcome"]["health_care_responsibility"] == "municipality"
    assert {"dimension", "rule", "clause", "text"} <= set(decision["reasons"][0])


def test_undetermined_decision_exits_0_and_lists_the_questions(capsys, monkeypatch) -> None:
    partial = {k: v for k, v in CASE.items() if k != "adl_needs_over_time"}
    code, out, _ = run(["decide", "-"], capsys, json.dumps(partial), monkeypatch)
    assert code == 0
    assert "Kan inte avgöras" in out
    assert "Vilka behov av stöd och hjälp över tid" in out


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"age": -3}, "age"),
        ({"date": "2022-13-01"}, "date"),
        ({"housing": "castle"}, "housing"),
        ({"region": "gavleborg", "municipality": "2380"}, "municipality"),
    ],
)
def test_invalid_input_exits_2_naming_the_field(facts, field, capsys, monkeypatch) -> None:
    code, _, err = run(["decide", "-"], capsys, json.dumps(facts), monkeypatch)
    assert code == 2
    assert f"  {field}:" in err
    assert "Traceback" not in err


def test_malformed_json_exits_2(capsys, monkeypatch) -> None:
    code, _, err = run(["decide", "-"], capsys, "{not json", monkeypatch)
    assert (code, "ogiltig JSON" in err) == (2, True)


def test_batch_writes_parquet(tmp_path: Path, capsys) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.parquet"
    src.write_text(
        "region,date,time,residence,age,housing,adl_needs_over_time,intervention,urgent\n"
        "jamtland-harjedalen,2022-02-01,10:00,registered_in_county,80,special_housing,[],physician,false\n",
        encoding="utf-8",
    )
    code, stdout, _ = run(["decide", "--batch", str(src), "--out", str(out)], capsys)
    assert code == 0 and "1 fall" in stdout
    result = pl.read_parquet(out)
    assert result["health_care_responsibility"].to_list() == ["region"]


def test_agreements_on_a_date_show_term_and_notice_deadline(capsys) -> None:
    code, out, _ = run(["agreements", "--date", "2026-11-24"], capsys)
    assert code == 0
    assert "Nuvarande avtalsperiod: 2025-01-01 – 2026-12-31" in out
    assert "uppsägning: 2028-06-30" in out
    assert "gvb-svart-sjuka" in out and "har upphört" in out


def test_clauses_show_and_search(capsys) -> None:
    code, out, _ = run(["clauses", "show", "jh-hemsjukvard 7.2"], capsys)
    assert code == 0 and "ansvarar för alla läkarinsatser" in out and "Regler som bygger" in out
    code, out, _ = run(["clauses", "search", "läkarinsatserna"], capsys)
    assert code == 0 and "jh-hemsjukvard §7.2" in out.splitlines()[0]
    code, _, err = run(["clauses", "show", "jh-hemsjukvard §99"], capsys)
    assert code == 2 and "Fel:" in err
