"""core.uploads: the one reader behind every upload (issue 15, resource limits)."""

from __future__ import annotations

import io
import json

import pytest

from samverkan.core import uploads
from samverkan.core.uploads import DEFAULTS, Limits, UploadError, load_json


class _Counting(io.BytesIO):
    """A file that counts the bytes handed out and declares no size (a chunked upload)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.handed = 0

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        self.handed += len(chunk)
        return chunk


def test_read_limited_stops_just_past_the_limit_without_reading_the_whole_file():
    source = _Counting(b"x" * (5 * uploads.CHUNK))
    with pytest.raises(UploadError) as caught:
        uploads.read_limited(source, 1000)
    assert (caught.value.status, caught.value.code, caught.value.field) == (
        413,
        "too_large",
        "file",
    )
    assert source.handed == 1001  # never more than the limit and one byte
    assert caught.value.message == "Filen är för stor (högst 1000 byte)."


def test_read_limited_refuses_a_declared_size_before_reading():
    source = _Counting(b"x" * 10)
    source.size = 70 * 2**20  # type: ignore[attr-defined]
    with pytest.raises(UploadError):
        uploads.read_limited(source, 60 * 2**20)
    assert source.handed == 0


def test_read_limited_returns_everything_within_the_limit():
    assert uploads.read_limited(_Counting(b"a" * 200_000), 200_000) == b"a" * 200_000
    assert uploads.size_text(60 * 2**20) == "60 MB"


@pytest.mark.parametrize(
    ("data", "options", "text"),
    [
        (b"\xef\xbb\xbfdatum", {}, "datum"),
        ("ö".encode("cp1252"), {"cp1252": True}, "ö"),
        ("datum;ö".encode("utf-16"), {"utf16": True}, "datum;ö"),
    ],
)
def test_decode_text_reads_what_the_room_accepts(data, options, text):
    assert uploads.decode_text(data, **options) == text


@pytest.mark.parametrize(
    ("data", "options", "words"),
    [
        ("datum".encode("utf-16"), {}, "UTF-16"),
        (b"\x81\x8d\x8f\x90\x9d\xff", {"cp1252": True}, "varken UTF-8 eller Windows-1252"),
        ("ö".encode("cp1252"), {}, "inte kodad i UTF-8"),
        (b"a\x00b", {}, "NUL"),
    ],
    ids=["utf16-refused", "neither", "cp1252-not-accepted", "nul"],
)
def test_decode_text_refuses_with_a_clear_message(data, options, words):
    with pytest.raises(UploadError) as caught:
        uploads.decode_text(data, **options)
    assert caught.value.code == "encoding" and caught.value.field == "file"
    assert words in caught.value.message


def test_duplicates_of_a_40000_column_header_are_found_in_one_pass():
    header = [f"k{i}" for i in range(40_000)] + ["k7", "k39999", "k7"]
    assert uploads.duplicates(header) == ["k39999", "k7"]


def test_csv_rows_refuses_too_many_columns_at_the_header():
    text = ",".join(f"k{i}" for i in range(40_000)) + "\n"
    with pytest.raises(UploadError) as caught:
        list(uploads.csv_rows(text, Limits(max_columns=64)))
    assert caught.value.code == "too_many_columns"
    assert caught.value.message == "Högst 64 kolumner per rad."


@pytest.mark.parametrize("length", [10_001, 131_073])
def test_csv_rows_refuses_a_long_cell_also_past_csvs_own_limit(length):
    text = "a,b\n1," + "x" * length + "\n"
    with pytest.raises(UploadError) as caught:
        list(uploads.csv_rows(text, Limits(max_cell=10_000)))
    assert (caught.value.code, caught.value.status) == ("cell_too_long", 422)


def test_csv_rows_counts_data_rows_and_skips_blank_lines():
    text = "a,b\n1,2\n\n3,4\n"
    assert list(uploads.csv_rows(text, Limits(max_rows=2))) == [["a", "b"], ["1", "2"], ["3", "4"]]
    with pytest.raises(UploadError) as caught:
        list(uploads.csv_rows(text + "5,6\n", Limits(max_rows=2)))
    assert (caught.value.code, caught.value.status) == ("too_many_rows", 413)


def test_load_json_limits_depth_items_and_bytes():
    limits = Limits(max_bytes=10_000, max_depth=5, max_items=3)
    assert uploads.load_json('{"a": [1, 2, {"b": []}]}', limits) == {"a": [1, 2, {"b": []}]}
    deep = "[" * 6 + "]" * 6
    with pytest.raises(UploadError) as caught:
        uploads.load_json(deep, limits)
    assert (caught.value.code, caught.value.status) == ("too_deep", 422)
    with pytest.raises(UploadError) as caught:
        uploads.load_json(
            "[" * 100_000, limits.replace(max_bytes=200_000)
        )  # past the parser's own recursion limit
    assert caught.value.code == "too_deep"
    with pytest.raises(UploadError) as caught:
        uploads.load_json(json.dumps({"entry": [{}, {}, {}, {}]}), limits)
    assert (caught.value.code, caught.value.status, caught.value.field) == (
        "too_many_items",
        413,
        "entry",
    )
    with pytest.raises(UploadError) as caught:
        uploads.load_json(b" " * 10_001, limits)
    assert caught.value.code == "too_large"
    with pytest.raises(UploadError) as caught:
        uploads.load_json('{"a": NaN}', limits)
    assert caught.value.code == "invalid_json"


def test_jsonl_values_name_the_line_and_count_rows():
    limits = Limits(max_rows=2, max_depth=2)
    assert list(uploads.jsonl_values('{"a": 1}\n\n{"b": 2}\n', limits)) == [
        (1, {"a": 1}),
        (3, {"b": 2}),
    ]
    with pytest.raises(UploadError) as caught:
        list(uploads.jsonl_values('{"a": 1}\n{"a": {"b": {"c": 1}}}\n', limits))
    assert (caught.value.code, caught.value.row) == ("too_deep", 2)
    with pytest.raises(UploadError) as caught:
        list(uploads.jsonl_values("{}\n{}\n{}\n", limits))
    assert (caught.value.code, caught.value.status) == ("too_many_rows", 413)


def test_limits_are_settings_and_a_bad_one_stops_the_start(settings):
    from django.core.exceptions import ImproperlyConfigured

    from samverkan.core.upload_settings import limits_for, parse_overrides

    assert limits_for("purchases_import").max_bytes == 60 * 2**20
    settings.SAMVERKAN_UPLOAD_LIMITS = {"purchases_import": {"max_rows": 10}}
    assert limits_for("purchases_import").max_rows == 10
    assert parse_overrides('{"fhir": {"max_items": 50}}') == {"fhir": {"max_items": 50}}
    for bad in ('{"nope": {}}', '{"fhir": {"max_rows": 0}}', '{"fhir": {"size": 1}}', "[1]"):
        with pytest.raises(ImproperlyConfigured):
            parse_overrides(bad)
    with pytest.raises(ValueError):
        Limits(max_cell=131_073)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("{nope", "rad 1, kolumn 2: ett namn inom dubbla citattecken väntades"),
        ('{"a" 1}', "rad 1, kolumn 6: kolon (:) väntades"),
        ("[1 2]", "rad 1, kolumn 4: kommatecken (,) väntades"),
        ("[1,\n]", "rad 2, kolumn 1: ett värde väntades"),
        ('{"a": 1} x', "rad 1, kolumn 10: mer text efter JSON-värdet"),
        ('"abc', "rad 1, kolumn 1: en text inom citattecken avslutas inte"),
    ],
)
def test_json_that_does_not_parse_says_where_and_why_in_swedish(text, detail):
    with pytest.raises(UploadError) as exc:
        load_json(text, DEFAULTS["json_body"])
    assert exc.value.code == "invalid_json"
    assert exc.value.message == f"Kroppen är inte giltig JSON ({detail})."
