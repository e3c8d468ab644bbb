"""POST /api/decisions and /api/decisions/batch: answers, authentication, errors, formats."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samverkan.core.dates import DATE_PATTERN
from samverkan.guide import api as guide_api
from samverkan.guide import schemas as guide_schemas
from samverkan.rules import engine
from samverkan.rules.facts import FACT_ORDER

URL = "/api/decisions"
BATCH = "/api/decisions/batch"
JSONL = "application/x-ndjson"

# Home nursing in ordinary housing in Östersund with a need over time: kommunen (§7.3).
JH_ORDINARY_NURSING = {
    "region": "jamtland-harjedalen",
    "date": "2022-02-01",
    "time": "10:00",
    "municipality": "2380",
    "residence": "registered_in_county",
    "age": 84,
    "housing": "ordinary",
    "adl_needs_over_time": ["dressing"],
    "intervention": "nursing",
    "day_activity": False,
    "personal_assistance_lss": False,
    "end_of_life": False,
    "wishes_health_centre": False,
    "urgent": False,
    "needs_health_and_social_care": False,
    "discharge_from_inpatient_care": False,
    "service_purchase_requested": False,
    "asylum_entitlement": False,
}
UNDETERMINED = {
    "region": "jamtland-harjedalen",
    "date": "2022-02-01",
    "housing": "ordinary",
    "adl_needs_over_time": ["dressing"],
    "intervention": "nursing",
}
GAVLEBORG_2024 = {"region": "gavleborg", "date": "2024-05-01", "intervention": "nursing"}


@pytest.fixture
def api(api_client, nurse) -> Client:
    return api_client(nurse)


def post(client: Client, body, content_type: str = "application/json", **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data, content_type=content_type, **extra)


def errors(response) -> list[dict]:
    body = response.json()
    assert set(body) == {"detail"}, body
    for item in body["detail"]:
        assert (
            {"field", "code", "message"}
            <= set(item)
            <= {
                "field",
                "code",
                "message",
                "allowed",
                "row",
            }
        )
        assert item["message"]
    return body["detail"]


# --- One decision: answers --------------------------------------------------------------------


def test_jamtland_ordinary_housing_nursing_is_decided(api):
    response = post(api, JH_ORDINARY_NURSING)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["status"], body["in_force"], body["missing_facts"]) == ("decided", True, [])
    assert body["outcome"] == {
        "health_care_responsibility": "municipality",
        "performer": "municipality",
        "employer": "municipality",
        "cost": "municipality",
        "region_unit": "none",
        "compensation": "none",
    }
    assert (
        body["rules"]["health_care_responsibility"] == "jh-hsv.responsibility.ordinary_with_needs"
    )
    assert [a["id"] for a in body["agreements"]] == ["jh-hemsjukvard", "jh-primarvard-kommun"]
    reason = next(r for r in body["reasons"] if r["dimension"] == "health_care_responsibility")
    assert reason["clause"] == "jh-hemsjukvard §7.3" and reason["text"]
    assert "assess_self_care_first" in body["actions"]
    assert body["facts"]["municipality"] == "2380" and body["facts"]["time"] == "10:00"
    # The API answers exactly what the engine (and the CLI's --json) answers.
    assert body == json.loads(json.dumps(engine.decide(JH_ORDINARY_NURSING).as_dict()))


def test_undetermined_case_lists_missing_facts(api):
    body = post(api, UNDETERMINED).json()
    assert body["status"] == "decided"
    assert body["outcome"]["health_care_responsibility"] == "undetermined"
    assert {"residence", "age", "day_activity"} <= set(body["missing_facts"])
    assert set(body["missing_facts"]) <= set(FACT_ORDER)


def test_gavleborg_2024_is_not_in_force_and_names_the_agreement(api):
    body = post(api, GAVLEBORG_2024).json()
    assert (body["status"], body["in_force"]) == ("not_in_force", False)
    assert [(a["id"], a["valid_to"]) for a in body["agreements"]] == [
        ("gvb-svart-sjuka", "2019-12-31")
    ]
    assert set(body["outcome"].values()) == {"undetermined"}


def test_empty_object_asks_for_region_and_date(api):
    body = post(api, {}).json()
    assert (body["status"], body["missing_facts"]) == ("incomplete", ["region", "date"])


def test_null_means_unknown(api):
    body = post(api, {**UNDETERMINED, "age": None, "time": None}).json()
    assert "age" in body["missing_facts"] and "age" not in body["facts"]


def test_session_auth_works_too(client_as, nurse):
    response = post(client_as(nurse), GAVLEBORG_2024)
    assert response.status_code == 200


# --- Authentication ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [URL, BATCH])
def test_401_without_credentials(client, url):
    response = client.post(url, "{}", content_type="application/json")
    assert response.status_code == 401
    assert errors(response)[0]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_401_with_a_wrong_token():
    client = Client(headers={"Authorization": "Bearer smv_not-a-token"})
    assert post(client, {}).status_code == 401


def test_session_post_needs_csrf(nurse):
    client = Client(enforce_csrf_checks=True)
    client.force_login(nurse)
    response = post(client, {})
    assert response.status_code == 403
    assert errors(response)[0]["code"] == "csrf_failed"


# --- One decision: errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "field", "code"),
    [
        ({"housing": "castle"}, "housing", "invalid_choice"),
        ({"shoe_size": 42}, "shoe_size", "unknown_fact"),
        ({"age": 131}, "age", "out_of_range"),
        ({"age": -1}, "age", "out_of_range"),
        ({"age": 10**400}, "age", "out_of_range"),
        ({"age": "84"}, "age", "not_an_integer"),
        ({"age": 84.5}, "age", "not_an_integer"),
        ({"age": 1e308}, "age", "out_of_range"),
        ({"age": True}, "age", "not_an_integer"),
        ({"date": "2022-02-30"}, "date", "invalid_date"),
        ({"date": "2022-W05-3"}, "date", "invalid_date"),
        ({"date": "20220201"}, "date", "invalid_date"),
        ({"date": 20220201}, "date", "invalid_date"),
        ({"time": "25:00"}, "time", "invalid_time"),
        ({"time": 600}, "time", "invalid_time"),
        ({"time": "10:00\n"}, "time", "invalid_time"),
        ({"municipality": 2380}, "municipality", "not_a_string"),
        ({"municipality": "9999"}, "municipality", "unknown_municipality"),
        ({"urgent": "yes"}, "urgent", "not_a_boolean"),
        ({"adl_needs_over_time": "dressing"}, "adl_needs_over_time", "not_a_list"),
        ({"adl_needs_over_time": ["flying"]}, "adl_needs_over_time", "invalid_choice"),
        ({"adl_needs_over_time": [["x"]]}, "adl_needs_over_time", "invalid_choice"),
        ({"intervention": {"a": 1}}, "intervention", "invalid_choice"),
        (
            {"region": "gavleborg", "municipality": "2380"},
            "municipality",
            "municipality_not_in_region",
        ),
    ],
)
def test_invalid_facts_are_422_with_field_and_code(api, facts, field, code):
    response = post(api, facts)
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in errors(response)] == [(field, code)]


def test_422_lists_allowed_values_and_every_bad_field(api):
    response = post(api, {"housing": "castle", "intervention": "magic", "age": 3})
    found = errors(response)
    assert [e["field"] for e in found] == ["housing", "intervention"]
    assert "ordinary" in found[0]["allowed"] and "nursing" in found[1]["allowed"]
    assert "castle" in found[0]["message"]


def test_unknown_fact_lists_the_known_ones(api):
    (error,) = errors(post(api, {"postcode": "83130"}))
    assert error["code"] == "unknown_fact" and error["allowed"] == list(FACT_ORDER)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("", 400, "empty_body"),
        ("   ", 400, "empty_body"),
        ("{not json", 400, "invalid_json"),
        ('{"age": NaN}', 400, "invalid_json"),
        ('{"age": Infinity}', 400, "invalid_json"),
        ("9" * 5000, 400, "invalid_json"),  # more digits than Python converts
        ("[" * 50_000, 400, "invalid_json"),  # nesting beyond the recursion limit
        (b"\xff\xfe\x00", 400, "invalid_json"),
        ("[]", 422, "not_an_object"),
        ("null", 422, "not_an_object"),
        ('"facts"', 422, "not_an_object"),
    ],
)
def test_unreadable_bodies_are_4xx_in_the_error_shape(api, body, status, code):
    response = post(api, body)
    assert response.status_code == status
    assert errors(response)[0]["code"] == code


def test_a_body_that_does_not_parse_says_where_and_why_in_swedish(api):
    response = post(api, '{"age": 80,\n "housing" "ordinary"}')
    assert response.status_code == 400
    assert errors(response)[0]["message"] == (
        "Kroppen är inte giltig JSON (rad 2, kolumn 12: kolon (:) väntades)."
    )


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_wrong_content_type_is_415(api, content_type):
    response = post(api, "{}", content_type=content_type)
    assert response.status_code == 415
    assert errors(response)[0]["code"] == "unsupported_media_type"


def test_content_type_parameters_are_fine(api):
    assert post(api, "{}", content_type="application/json; charset=utf-8").status_code == 200


def test_huge_body_is_413(api):
    response = post(api, {"x": "y" * (guide_api.MAX_FACTS_BYTES + 1)})
    assert response.status_code == 413
    assert errors(response)[0]["code"] == "too_large"


def test_huge_value_is_quoted_short(api):
    response = post(api, {"housing": "x" * 50_000})
    assert response.status_code == 422
    assert len(errors(response)[0]["message"]) <= 300


def test_wrong_method_is_405(api):
    assert api.get(URL).status_code == 405


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
fact_values = st.dictionaries(st.sampled_from(FACT_ORDER), json_values, max_size=6)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=fact_values | json_values, raw=st.binary(max_size=30))
def test_bad_input_never_gives_500(api, body, raw):
    response = post(api, json.dumps(body))
    assert response.status_code in {200, 400, 422}, response.content
    if response.status_code != 200:
        errors(response)
    as_bytes = post(api, raw)
    assert as_bytes.status_code in {200, 400, 422}, as_bytes.content


# --- Batch ------------------------------------------------------------------------------------

CASES = [JH_ORDINARY_NURSING, UNDETERMINED, GAVLEBORG_2024, {}]


def jsonl(rows) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def to_csv(rows) -> str:
    columns = [name for name in FACT_ORDER if any(name in r for r in rows)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        cells = []
        for name in columns:
            value = row.get(name)
            if value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append("true" if value else "false")
            elif isinstance(value, list):
                cells.append(";".join(value) or "[]")
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return out.getvalue()


def read_jsonl(response) -> list[dict]:
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def expected(case: dict) -> dict:
    return engine.decide(case).as_dict()


def test_batch_jsonl_in_jsonl_out_equals_single_decisions(api):
    response = api.post(BATCH, jsonl(CASES), content_type=JSONL)
    assert response.status_code == 200
    assert response["Content-Type"] == JSONL and response["X-Row-Count"] == "4"
    lines = read_jsonl(response)
    assert [line["row"] for line in lines] == [1, 2, 3, 4]
    for case, line in zip(CASES, lines, strict=True):
        single = expected(case)
        for key in ("status", "in_force", "outcome", "rules", "actions", "facts"):
            assert line[key] == single[key], key


def test_batch_csv_in_csv_out(api):
    response = api.post(BATCH, to_csv(CASES), content_type="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert [r["row"] for r in rows] == ["1", "2", "3", "4"]
    first = rows[0]
    assert first["health_care_responsibility"] == "municipality"
    assert first["health_care_responsibility__rule"] == "jh-hsv.responsibility.ordinary_with_needs"
    assert first["time"] == "10:00" and first["adl_needs_over_time"] == "dressing"
    assert first["in_force"] == "true" and "assess_self_care_first" in first["actions"]
    assert rows[2]["status"] == "not_in_force"
    assert rows[3]["status"] == "incomplete" and rows[3]["region"] == ""


def test_batch_answers_in_the_input_format_unless_asked(api):
    as_csv = api.post(BATCH, to_csv(CASES), content_type="text/csv", headers={"Accept": "*/*"})
    assert as_csv["Content-Type"].startswith("text/csv")
    as_jsonl = api.post(BATCH, jsonl(CASES), content_type=JSONL, headers={"Accept": "*/*"})
    assert as_jsonl["Content-Type"] == JSONL
    unacceptable = api.post(BATCH, jsonl(CASES), content_type=JSONL, headers={"Accept": "a/b"})
    assert unacceptable["Content-Type"] == JSONL


def test_batch_csv_in_jsonl_out_and_jsonl_in_csv_out(api):
    as_jsonl = api.post(BATCH, to_csv(CASES), content_type="text/csv", headers={"Accept": JSONL})
    assert as_jsonl["Content-Type"] == JSONL
    lines = read_jsonl(as_jsonl)
    assert lines[0]["outcome"] == expected(CASES[0])["outcome"]
    assert lines[0]["facts"] == expected(CASES[0])["facts"]
    as_csv = api.post(BATCH + "?format=csv", jsonl(CASES), content_type=JSONL)
    assert as_csv["Content-Type"].startswith("text/csv")
    assert [r["status"] for r in read_csv(as_csv)] == [expected(c)["status"] for c in CASES]


def test_batch_accept_text_csv(api):
    response = api.post(BATCH, jsonl(CASES), content_type=JSONL, headers={"Accept": "text/csv"})
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("name", "content", "part_type"),
    [
        ("fall.csv", to_csv(CASES), "text/csv"),
        ("fall.jsonl", jsonl(CASES), "application/octet-stream"),
        ("fall", jsonl(CASES), "application/octet-stream"),  # sniffed
    ],
)
def test_batch_multipart_upload(api, name, content, part_type):
    upload = SimpleUploadedFile(name, content.encode(), content_type=part_type)
    response = api.post(BATCH + "?format=jsonl", {"file": upload})
    assert response.status_code == 200, response.content
    assert [line["status"] for line in read_jsonl(response)] == [
        expected(c)["status"] for c in CASES
    ]


def test_batch_multipart_without_file_is_422(api):
    response = api.post(BATCH, {"other": "x"})
    assert response.status_code == 422
    assert errors(response)[0]["code"] == "missing_file"


def test_batch_semicolon_csv_as_excel_writes_it(api):
    text = 'region;date;housing;adl_needs_over_time;intervention\njamtland-harjedalen;2022-02-01;ordinary;"dressing;hygiene";nursing\n'
    response = api.post(BATCH + "?format=jsonl", text.encode("utf-8-sig"), content_type="text/csv")
    assert response.status_code == 200, response.content
    (line,) = read_jsonl(response)
    assert line["facts"]["adl_needs_over_time"] == ["dressing", "hygiene"]


def test_batch_csv_empty_set_and_booleans(api):
    text = "region,date,adl_needs_over_time,urgent,end_of_life\njamtland-harjedalen,2022-02-01,[],ja,0\n"
    (line,) = read_jsonl(api.post(BATCH + "?format=ndjson", text, content_type="text/csv"))
    assert line["facts"]["adl_needs_over_time"] == []
    assert (line["facts"]["urgent"], line["facts"]["end_of_life"]) == (True, False)


def test_batch_empty_input_gives_empty_output(api):
    response = api.post(BATCH + "?format=jsonl", "region,date\n", content_type="text/csv")
    assert response.status_code == 200 and read_jsonl(response) == []
    as_csv = api.post(BATCH + "?format=csv", "\n", content_type=JSONL)
    assert as_csv.status_code == 200 and read_csv(as_csv) == []


def test_batch_invalid_rows_name_row_and_field(api):
    rows = [JH_ORDINARY_NURSING, {"age": 200}, GAVLEBORG_2024, {"housing": "castle", "x": 1}]
    response = api.post(BATCH, jsonl(rows), content_type=JSONL)
    assert response.status_code == 422
    assert [(e["row"], e["field"], e["code"]) for e in errors(response)] == [
        (2, "age", "out_of_range"),
        (4, "housing", "invalid_choice"),
        (4, "x", "unknown_fact"),
    ]


def test_batch_jsonl_rows_are_line_numbers(api):
    text = jsonl([GAVLEBORG_2024]) + "\n" + '{"age": "old"}\n'
    (error,) = errors(api.post(BATCH, text, content_type=JSONL))
    assert (error["row"], error["field"], error["code"]) == (3, "age", "not_an_integer")


def test_batch_jsonl_lines_end_at_newline_only(api):
    # U+2028 may stand raw inside a JSON string; it must not split the line.
    text = '{"housing": "a\u2028b"}\r\n' + jsonl([GAVLEBORG_2024])
    (error,) = errors(api.post(BATCH, text.encode(), content_type=JSONL))
    assert (error["row"], error["field"], error["code"]) == (1, "housing", "invalid_choice")


def test_batch_invalid_json_line(api):
    response = api.post(BATCH, '{}\n{"a": \n', content_type=JSONL)
    assert response.status_code == 422
    (error,) = errors(response)
    assert (error["row"], error["code"]) == (2, "invalid_json")


def test_batch_invalid_csv(api):
    unknown = errors(api.post(BATCH, "region,shoe\n", content_type="text/csv"))
    assert [(e["field"], e["code"]) for e in unknown] == [("shoe", "unknown_fact")]
    ragged = errors(api.post(BATCH, "region,date\ngavleborg\n", content_type="text/csv"))
    assert [(e["row"], e["code"]) for e in ragged] == [(1, "wrong_field_count")]
    bad = errors(api.post(BATCH, "region,age\ngavleborg,gammal\n", content_type="text/csv"))
    assert [(e["row"], e["field"], e["code"]) for e in bad] == [(1, "age", "not_an_integer")]
    twice = errors(api.post(BATCH, "age,age\n1,2\n", content_type="text/csv"))
    assert [(e["field"], e["code"]) for e in twice] == [("age", "duplicate_column")]


def test_batch_error_list_is_capped(api):
    text = jsonl([{"age": -1}] * (guide_api.MAX_REPORTED_ERRORS + 10))
    assert len(errors(api.post(BATCH, text, content_type=JSONL))) == guide_api.MAX_REPORTED_ERRORS


def test_batch_row_cap_is_413(api, settings):
    settings.SAMVERKAN_UPLOAD_LIMITS = {"decisions_batch": {"max_rows": 3}}
    assert api.post(BATCH, jsonl([{}] * 3), content_type=JSONL).status_code == 200
    response = api.post(BATCH, jsonl([{}] * 4), content_type=JSONL)
    assert response.status_code == 413
    assert errors(response)[0]["code"] == "too_many_rows"


def test_batch_size_cap_is_413(api, settings):
    settings.SAMVERKAN_UPLOAD_LIMITS = {"decisions_batch": {"max_bytes": 1000}}
    body = jsonl([GAVLEBORG_2024] * 30)
    assert len(body) > 1000
    for response in (
        api.post(BATCH, body, content_type=JSONL),
        api.post(BATCH, body, content_type="text/csv"),
        api.post(BATCH, {"file": SimpleUploadedFile("f.jsonl", body.encode())}),
    ):
        assert response.status_code == 413
        assert errors(response)[0]["code"] == "too_large"


def test_batch_above_djangos_own_body_limit_is_read(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # the batch caps bodies itself
    body = jsonl([GAVLEBORG_2024] * 30)
    assert api.post(BATCH, body, content_type=JSONL).status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("{}", "application/json", 415, "unsupported_media_type"),
        ("{}", "text/plain", 415, "unsupported_media_type"),
        (b"\xff\xfe", JSONL, 400, "invalid_encoding"),
        ("[1]\n", JSONL, 422, "not_an_object"),
        ("x", "multipart/form-data", 400, "invalid_multipart"),
    ],
)
def test_batch_bad_bodies(api, body, content_type, status, code):
    response = api.post(BATCH, body, content_type=content_type)
    assert response.status_code == status
    assert errors(response)[0]["code"] == code


def test_batch_bad_format_parameter(api):
    response = api.post(BATCH + "?format=xml", jsonl(CASES), content_type=JSONL)
    assert response.status_code == 422
    assert errors(response)[0]["field"] == "format"


def test_batch_of_many_generated_cases_matches_the_engine(api):
    from samverkan.rules import population
    from samverkan.rules.facts import facts_to_json

    frame = population.generate(300, seed=3, unknown_share=0.2)
    cases = [facts_to_json(row) for row in frame.iter_rows(named=True)]
    lines = read_jsonl(api.post(BATCH, jsonl(cases), content_type=JSONL))
    assert len(lines) == len(cases)
    for case, line in zip(cases, lines, strict=True):
        single = expected(case)
        assert (line["outcome"], line["actions"]) == (single["outcome"], single["actions"])


# --- The OpenAPI document ---------------------------------------------------------------------


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@pytest.mark.django_db
def test_openapi_describes_the_facts_exactly(client):
    schema = client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    for ref in set(_refs(schema)):
        assert ref.removeprefix("#/components/schemas/") in components, ref
    facts = components["Facts"]
    assert list(facts["properties"]) == list(FACT_ORDER)
    assert facts["additionalProperties"] is False

    def non_null(name):
        (typed,) = [s for s in facts["properties"][name]["anyOf"] if s.get("type") != "null"]
        return typed

    assert non_null("age") == {"type": "integer", "minimum": 0, "maximum": 130}
    assert non_null("date") == {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    assert non_null("time")["pattern"] == guide_schemas.TIME_PATTERN
    assert non_null("municipality")["type"] == "string"
    assert "2380" in non_null("municipality")["enum"]
    assert "ordinary" in non_null("housing")["enum"]
    assert non_null("adl_needs_over_time")["items"]["enum"] == [
        "eating",
        "dressing",
        "moving",
        "hygiene",
    ]
    operation = schema["paths"]["/api/decisions"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Facts"
    }
    assert set(operation["responses"]) == {"200", "400", "401", "403", "413", "415", "422"}
    assert all("description" in facts["properties"][name] for name in FACT_ORDER)
    batch = schema["paths"]["/api/decisions/batch"]["post"]
    assert set(batch["requestBody"]["content"]) == {JSONL, "text/csv", "multipart/form-data"}
    assert set(batch["responses"]["200"]["content"]) == {JSONL, "text/csv"}


def test_batch_csv_for_swedish_excel_by_a_parameter_default_unchanged(api):
    program = api.post(BATCH + "?format=csv", to_csv(CASES), content_type="text/csv")
    excel = api.post(BATCH + "?format=csv&dialect=excel", to_csv(CASES), content_type="text/csv")
    assert program.status_code == excel.status_code == 200
    plain = b"".join(program.streaming_content)
    swedish = b"".join(excel.streaming_content)
    assert not plain.startswith(b"\xef\xbb\xbf") and plain.split(b"\n")[0].count(b",") > 3
    assert swedish.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    text = swedish.decode("utf-8-sig")
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    expected = list(csv.DictReader(io.StringIO(plain.decode())))
    assert rows == expected  # the same answer, in the other dialect


def test_batch_csv_dialect_is_checked(api):
    response = api.post(BATCH + "?format=csv&dialect=word", to_csv(CASES), content_type="text/csv")
    assert response.status_code == 422
    assert "dialect" in str(response.json())
