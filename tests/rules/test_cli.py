"""`samverkan …` commands as a nurse or a controller would run them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest

from samverkan import cli
from samverkan.rules import engine

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


# --- One facts-file reader for the CLI and the API (issue 10, "Two facts-file readers") -------


def test_batch_csv_with_ja_nej_booleans_is_decided(tmp_path: Path, capsys) -> None:
    # Today the CLI dies with a Polars traceback (exit 1); the API reads ja/nej.
    src, out = tmp_path / "in.csv", tmp_path / "out.parquet"
    src.write_text(
        "region,date,housing,adl_needs_over_time,intervention,urgent,end_of_life\n"
        "jamtland-harjedalen,2022-02-01,ordinary,dressing,nursing,nej,ja\n"
        "jamtland-harjedalen,2022-02-01,ordinary,dressing,nursing,Ja,NEJ\n",
        encoding="utf-8",
    )
    code, stdout, err = run(["decide", "--batch", str(src), "--out", str(out)], capsys)
    assert (code, err) == (0, "")
    assert "2 fall" in stdout
    result = pl.read_parquet(out)
    assert result["urgent"].to_list() == [False, True]
    assert result["end_of_life"].to_list() == [True, False]
    single = engine.decide(
        {
            "region": "jamtland-harjedalen",
            "date": "2022-02-01",
            "housing": "ordinary",
            "adl_needs_over_time": ["dressing"],
            "intervention": "nursing",
            "urgent": False,
            "end_of_life": True,
        }
    )
    assert result["health_care_responsibility"][0] == single.outcome["health_care_responsibility"]
    assert result["status"][0] == single.status


def test_batch_semicolon_csv_as_excel_writes_it(tmp_path: Path, capsys) -> None:
    # Today the CLI refuses what POST /api/decisions/batch accepts.
    src, out = tmp_path / "in.csv", tmp_path / "out.parquet"
    text = (
        "region;date;housing;adl_needs_over_time;intervention\n"
        'jamtland-harjedalen;2022-02-01;ordinary;"dressing;hygiene";nursing\n'
    )
    src.write_bytes(text.encode("utf-8-sig"))  # Excel writes a byte order mark
    code, stdout, err = run(["decide", "--batch", str(src), "--out", str(out)], capsys)
    assert (code, err) == (0, "")
    result = pl.read_parquet(out)
    assert result["adl_needs_over_time"].to_list() == [["dressing", "hygiene"]]
    single = engine.decide(
        {
            "region": "jamtland-harjedalen",
            "date": "2022-02-01",
            "housing": "ordinary",
            "adl_needs_over_time": ["dressing", "hygiene"],
            "intervention": "nursing",
        }
    )
    assert result["status"].to_list() == [single.status]


def test_batch_bad_boolean_exits_2_naming_row_and_column(tmp_path: Path, capsys) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.parquet"
    src.write_text("region,date,urgent\ngavleborg,2019-01-01,kanske\n", encoding="utf-8")
    code, _, err = run(["decide", "--batch", str(src), "--out", str(out)], capsys)
    assert code == 2
    assert "Traceback" not in err
    assert "rad 1" in err and "urgent" in err and "[not_a_boolean]" in err
    assert not out.exists()  # nothing half-written


def test_batch_unreadable_parquet_exits_2(tmp_path: Path, capsys) -> None:
    src, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    src.write_bytes(b"not parquet at all")
    code, _, err = run(["decide", "--batch", str(src), "--out", str(out)], capsys)
    assert code == 2 and "Traceback" not in err and "[invalid_parquet]" in err


def test_batch_jsonl_file(tmp_path: Path, capsys) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    src.write_text(json.dumps(CASE) + "\n\n" + json.dumps({"region": "gavleborg"}) + "\n")
    code, stdout, _ = run(["decide", "--batch", str(src), "--out", str(out)], capsys)
    assert code == 0 and "2 fall" in stdout
    assert pl.read_parquet(out)["status"].to_list() == ["decided", "incomplete"]
