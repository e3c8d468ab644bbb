"""GET /api/agreements and /api/clauses: public, exact, and routed with encoded clause ids."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from samverkan.rules.agreements import ALL_VERSIONS
from samverkan.rules.clauses import library

pytestmark = pytest.mark.django_db


def errors(response) -> list[dict]:
    body = response.json()
    assert set(body) == {"detail"}
    return body["detail"]


# --- Agreements -------------------------------------------------------------------------------


def test_agreements_on_2026_11_24(client):
    response = client.get("/api/agreements?date=2026-11-24")
    assert response.status_code == 200
    body = response.json()
    assert body["date"] == "2026-11-24"
    rows = {a["id"]: a for a in body["agreements"]}
    assert list(rows) == [v.agreement for v in ALL_VERSIONS]
    home = rows["jh-hemsjukvard"]
    assert home["in_force"] is True and home["renews"] is True and home["valid_to"] is None
    assert (home["term_start"], home["term_end"]) == ("2025-01-01", "2026-12-31")
    # The deadline for 2026-12-31 (2026-06-30) has passed: the next one counts.
    assert home["next_notice_deadline"] == "2028-06-30"
    assert home["region"] == "jamtland-harjedalen" and home["forum"]
    assert home["title"].startswith("Samverkansavtal gällande hemsjukvård")
    assert rows["jh-primarvard-kommun"]["follows"] == "jh-hemsjukvard"
    assert rows["jh-primarvard-kommun"]["in_force"] is True
    assert rows["jh-psykisk"]["in_force"] is False and rows["jh-psykisk"]["ended"] is True
    gvb = rows["gvb-svart-sjuka"]
    assert (gvb["in_force"], gvb["ended"], gvb["valid_to"]) == (False, True, "2019-12-31")
    assert gvb["term_end"] is None and gvb["next_notice_deadline"] is None


def test_agreements_default_to_today(client):
    from django.utils import timezone

    body = client.get("/api/agreements").json()
    assert body["date"] == timezone.localdate().isoformat()


def test_gavleborg_was_in_force_in_2019(client):
    rows = {a["id"]: a for a in client.get("/api/agreements?date=2019-06-01").json()["agreements"]}
    gvb = rows["gvb-svart-sjuka"]
    assert (gvb["in_force"], gvb["term_end"], gvb["renews"]) == (True, "2019-12-31", False)


@pytest.mark.parametrize("day", ["0001-01-01", "9998-12-31", "9999-12-31"])
def test_agreements_on_extreme_dates_do_not_fail(client, day):
    response = client.get(f"/api/agreements?date={day}")
    assert response.status_code == 200
    assert len(response.json()["agreements"]) == len(ALL_VERSIONS)


@pytest.mark.parametrize("day", ["2026-02-30", "tomorrow", "2026-1-1", "99999-01-01"])
def test_agreements_bad_date_is_422(client, day):
    response = client.get(f"/api/agreements?date={day}")
    assert response.status_code == 422
    assert errors(response)[0]["field"] == "date"


# --- Clauses ----------------------------------------------------------------------------------


def test_clause_with_encoded_space_and_section_sign(client):
    response = client.get("/api/clauses/jh-hemsjukvard%20%C2%A77.3")
    assert response.status_code == 200
    body = response.json()
    clause = library.get("jh-hemsjukvard §7.3")
    assert (body["id"], body["agreement"], body["number"]) == (
        "jh-hemsjukvard §7.3",
        "jh-hemsjukvard",
        "7.3",
    )
    assert body["heading"] == clause.heading and body["text"] == clause.text
    assert (body["source"], body["line_start"], body["line_end"]) == (
        clause.source,
        clause.line_start,
        clause.line_end,
    )
    assert body["classification"] == {"status": "encoded", "reason": None}
    rule_ids = [r["id"] for r in body["rules"]]
    assert "jh-hsv.responsibility.ordinary_with_needs" in rule_ids
    citing = next(
        r for r in body["rules"] if r["id"] == "jh-hsv.responsibility.ordinary_with_needs"
    )
    assert citing["decides"] == {"health_care_responsibility": "municipality"}
    assert citing["agreement"] == "jh-hemsjukvard"


@pytest.mark.parametrize("clause_id", list(library.clauses())[::7])
def test_every_kind_of_clause_id_routes(client, clause_id):
    response = client.get("/api/clauses/" + quote(clause_id))
    assert response.status_code == 200
    assert response.json()["id"] == clause_id


def test_prose_clause_says_why(client):
    body = client.get("/api/clauses/" + quote("jh-hemsjukvard §2")).json()
    assert body["classification"]["status"] == "prose" and body["classification"]["reason"]
    assert body["rules"] == []


def test_clause_spelling_is_forgiven(client):
    body = client.get("/api/clauses/" + quote("JH-hemsjukvard 7.3")).json()
    assert body["id"] == "jh-hemsjukvard §7.3"


@pytest.mark.parametrize(
    "path",
    ["jh-hemsjukvard%20%C2%A799", "nothing", "a/b", "jh-hemsjukvard%2F7.3", "%20", "x%0Ay", "%0A"],
)
def test_unknown_clause_is_404_in_the_error_shape(client, path):
    response = client.get("/api/clauses/" + path)
    assert response.status_code == 404
    (error,) = errors(response)
    assert (error["code"], error["field"]) == ("unknown_clause", "clause_id")


def test_unknown_clause_suggests_close_ids(client):
    (error,) = errors(client.get("/api/clauses/" + quote("jh-hemsjukvard §7.33")))
    assert "Menade du" in error["message"]


def test_list_every_clause_in_document_order(client):
    body = client.get("/api/clauses").json()
    assert body["query"] is None and body["count"] == len(library.clauses())
    assert [c["id"] for c in body["clauses"]] == list(library.clauses())
    assert all(c["score"] is None and c["snippet"] is None for c in body["clauses"])


def test_list_one_agreement_with_limit(client):
    body = client.get("/api/clauses?agreement=jh-psykisk&limit=3").json()
    assert body["agreement"] == "jh-psykisk" and body["count"] == 3
    assert [c["id"] for c in body["clauses"]] == list(
        c.id for c in library.for_agreement("jh-psykisk")
    )[:3]


def test_search(client):
    body = client.get("/api/clauses?q=egenvård").json()
    assert body["query"] == "egenvård"
    assert 0 < body["count"] <= 10
    assert body["clauses"][0]["id"] == "jh-hemsjukvard §4"
    scores = [c["score"] for c in body["clauses"]]
    assert scores == sorted(scores, reverse=True)
    assert "egenvård" in body["clauses"][0]["snippet"].lower()


def test_search_in_one_agreement(client):
    body = client.get("/api/clauses?q=egenvård&agreement=gvb-svart-sjuka&limit=2").json()
    assert body["count"] <= 2 and {c["agreement"] for c in body["clauses"]} == {"gvb-svart-sjuka"}


def test_search_without_words_is_empty(client):
    assert client.get("/api/clauses?q=1234").json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("agreement=nope", "agreement"),
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("limit=x", "limit"),
        ("q=" + "a" * 501, "q"),
    ],
)
def test_bad_clause_queries_are_422(client, query, field):
    response = client.get("/api/clauses?" + query)
    assert response.status_code == 422
    assert errors(response)[0]["field"] == field


def test_library_is_public_but_decisions_are_not(client):
    assert client.get("/api/agreements").status_code == 200
    assert client.get("/api/clauses").status_code == 200
    assert client.post("/api/decisions", "{}", content_type="application/json").status_code == 401
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert "security" not in paths["/api/agreements"]["get"]
    assert "security" not in paths["/api/clauses/{clause_id}"]["get"]
    assert paths["/api/decisions"]["post"]["security"]
