"""One facts-file reader: `samverkan decide --batch` and POST /api/decisions/batch accept the
same dialects and refuse the same files with the same errors (field, code, row)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest

from samverkan import cli
from samverkan.rules import InvalidFactsFile, read_facts

BATCH = "/api/decisions/batch"

GOOD = {
    "comma, ja/nej": "region,date,urgent,end_of_life\njamtland-harjedalen,2022-02-01,ja,NEJ\n",
    "semicolon, quoted set": (
        'region;date;adl_needs_over_time\njamtland-harjedalen;2022-02-01;"dressing;hygiene"\n'
    ),
    "byte order mark": "\ufeffregion,date,adl_needs_over_time\ngavleborg,2019-06-01,[]\n",
    "blank line, CRLF, spaces": (
        "region , age,urgent\r\ngavleborg, 17 ,YES\r\n\r\njamtland-harjedalen,+90,0\r\n"
    ),
    "every fact unknown": "region,date\n,\n",
}
BAD = {
    "bad boolean": "region,date,urgent\ngavleborg,2019-01-01,kanske\n",
    "unknown column": "region,shoe\ngavleborg,42\n",
    "ragged row": "region,date\ngavleborg\n",
    "bad age and housing": "region,age,housing\ngavleborg,gammal,castle\ngavleborg,200,ordinary\n",
    "duplicate column": "age,age\n1,2\n",
    "too long a row": "region,date\ngavleborg,2019-06-01,x\n",
    "bad date, set member and kommun": (
        "region,date,adl_needs_over_time,municipality\ngavleborg,2019-6-1,dressing;flying,2380\n"
    ),
}


def _cli(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    src, out = tmp_path / "in.csv", tmp_path / "out.parquet"
    src.write_text(text, encoding="utf-8")
    code = cli.main(["decide", "--batch", str(src), "--out", str(out)])
    return code, capsys.readouterr().err


def _cli_errors(err: str) -> list[tuple[int | None, str | None, str]]:
    """(row, field, code) from the CLI's lines '  rad 2, age: … [out_of_range]'."""
    found = []
    for line in err.splitlines()[1:]:
        m = re.match(r"\s+(?:rad (\d+))?(?:, )?([a-z_]+)?(?:filen)?: .* \[([a-z_]+)\]", line)
        assert m, line
        row, field, code = m.groups()
        found.append((int(row) if row else None, None if field == "filen" else field, code))
    return found


@pytest.fixture
def api(api_client, nurse):
    return api_client(nurse)


@pytest.mark.parametrize("name", GOOD)
def test_both_doors_accept_the_same_dialects(name, tmp_path, capsys, api) -> None:
    text = GOOD[name]
    code, err = _cli(tmp_path, text, capsys)
    assert (code, err) == (0, "")
    from_cli = pl.read_parquet(tmp_path / "out.parquet")
    response = api.post(BATCH + "?format=jsonl", text.encode(), content_type="text/csv")
    assert response.status_code == 200, response.content
    lines = [json.loads(x) for x in b"".join(response.streaming_content).decode().splitlines()]
    assert [line["status"] for line in lines] == from_cli["status"].to_list()
    assert [line["outcome"]["health_care_responsibility"] for line in lines] == from_cli[
        "health_care_responsibility"
    ].to_list()


@pytest.mark.parametrize("name", BAD)
def test_both_doors_refuse_the_same_files_with_the_same_errors(name, tmp_path, capsys, api):
    text = BAD[name]
    code, err = _cli(tmp_path, text, capsys)
    assert code == 2 and "Traceback" not in err
    response = api.post(BATCH, text.encode(), content_type="text/csv")
    assert response.status_code == 422
    from_api = [(e.get("row"), e["field"], e["code"]) for e in response.json()["detail"]]
    assert _cli_errors(err) == from_api
    with pytest.raises(InvalidFactsFile) as exc:
        read_facts(text.encode(), "csv")
    assert [(e.row, e.field, e.code) for e in exc.value.errors] == from_api


def test_read_facts_names_the_format_it_cannot_read(tmp_path) -> None:
    path = tmp_path / "fall.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(InvalidFactsFile) as exc:
        read_facts(path)
    assert [(e.field, e.code) for e in exc.value.errors] == [("file", "unsupported_format")]
    with pytest.raises(InvalidFactsFile) as exc:
        read_facts(b"\xff\xfe", "csv")
    assert exc.value.code == "invalid_encoding"


def test_a_large_valid_csv_takes_the_vectorised_path_with_the_same_frame(tmp_path) -> None:
    from samverkan.rules import io, population
    from samverkan.rules.batch import normalise

    cases = population.generate(3_000, seed=7, date="2022-02-01", unknown_share=0.05)
    sets = [n for n, t in cases.schema.items() if isinstance(t, pl.List)]
    text = cases.with_columns(
        pl.when(pl.col(n).list.len() == 0)
        .then(pl.lit("[]"))
        .otherwise(pl.col(n).list.join(";"))
        .alias(n)
        for n in sets
    ).with_columns(
        (
            (pl.col("time") // 60).cast(pl.String).str.zfill(2)
            + ":"
            + (pl.col("time") % 60).cast(pl.String).str.zfill(2)
        ).alias("time")
    )
    path = tmp_path / "fall.csv"
    text.write_csv(path)
    assert '"' not in path.read_text()  # plain CSV: the fast path applies
    fast = io._fast_csv(path.read_text(), None)
    assert fast is not None
    rows = read_facts(path)  # the row reader
    assert fast.equals(normalise(rows.frame))
    assert read_facts(path, with_facts=False).frame.equals(fast)
