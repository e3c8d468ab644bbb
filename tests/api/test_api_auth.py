"""API authentication (session or bearer token) and the uniform error shape."""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samverkan.accounts.models import ApiToken
from samverkan.accounts.services import create_token
from samverkan.audit.models import Action, AuditEvent


def _errors(response):
    body = response.json()
    assert set(body) == {"detail"}
    for item in body["detail"]:
        assert set(item) == {"field", "code", "message"}
        assert item["message"]
    return body["detail"]


@pytest.mark.django_db
def test_401_without_credentials(client):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert _errors(response) == [
        {"field": None, "code": "not_authenticated", "message": _errors(response)[0]["message"]}
    ]


@pytest.mark.django_db
def test_401_for_an_anonymous_post_not_a_csrf_403():
    response = Client(enforce_csrf_checks=True).post(
        "/api/tokens", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_200_with_session(client_as, nurse, orgs):
    response = client_as(nurse).get("/api/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "ssk.test"
    assert body["organisation"]["scb_code"] == "2380"
    assert body["organisation"]["name"] == orgs.ostersund.name
    assert (body["role"], body["role_label"], body["licensed"]) == ("nurse", "sjuksköterska", True)
    assert body["auth"] == "session"


def test_200_with_token(api_client, finance_officer):
    response = api_client(finance_officer).get("/api/me")
    assert response.status_code == 200
    body = response.json()
    assert (body["role"], body["licensed"], body["auth"]) == ("finance_officer", False, "token")
    assert ApiToken.objects.get(user=finance_officer).last_used is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer smv_wrong", "Bearer ", "Bearer", "Basic c3NrOnNzaw==", "Token smv_x", "smv_x"],
)
def test_invalid_token_is_401(nurse, header):
    create_token(nurse, "real")
    response = Client(headers={"Authorization": header}).get("/api/me")
    assert response.status_code == 401
    assert _errors(response)[0]["code"] == "not_authenticated"


def test_token_of_an_inactive_user_is_401(api_client, nurse):
    client = api_client(nurse)
    nurse.is_active = False
    nurse.save()
    assert client.get("/api/me").status_code == 401


def test_session_post_needs_csrf_token(nurse):
    client = Client(enforce_csrf_checks=True)
    client.force_login(nurse)
    refused = client.post("/api/tokens", {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert _errors(refused)[0]["code"] == "csrf_failed"
    client.get("/")  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/tokens", {"name": "x"}, content_type="application/json",
        headers={"X-CSRFToken": token},
    )  # fmt: skip
    assert accepted.status_code == 201


def test_token_post_needs_no_csrf(nurse):
    _, plain = create_token(nurse, "t")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {plain}"})
    assert client.get("/api/tokens").status_code == 200
    # ... but a token cannot mint further tokens (session only).
    assert (
        client.post("/api/tokens", {"name": "x"}, content_type="application/json").status_code
        == 401
    )


def test_create_list_and_revoke_tokens(client_as, nurse, physician):
    client = client_as(nurse)
    created = client.post("/api/tokens", {"name": "  rapporter "}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "rapporter" and body["token"].startswith(body["prefix"])
    assert (
        Client(headers={"Authorization": f"Bearer {body['token']}"}).get("/api/me").status_code
        == 200
    )
    listed = client.get("/api/tokens").json()
    assert [t["id"] for t in listed] == [body["id"]] and "token" not in listed[0]
    assert AuditEvent.objects.filter(user=nurse, action=Action.CREATE).count() == 1

    foreign, _ = create_token(physician, "annans")
    missing = client.delete(f"/api/tokens/{foreign.pk}")
    assert missing.status_code == 404 and _errors(missing)[0]["code"] == "not_found"
    assert client.delete(f"/api/tokens/{body['id']}").status_code == 204
    assert not ApiToken.objects.filter(pk=body["id"]).exists()
    assert AuditEvent.objects.filter(user=nurse, action=Action.DELETE).count() == 1


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({}, "name", "missing"),
        ({"name": ""}, "name", "string_too_short"),
        ({"name": "x" * 101}, "name", "string_too_long"),
        ({"name": 5}, "name", "string_type"),
        ({"name": None}, "name", "string_type"),
    ],
)
def test_422_error_shape(client_as, nurse, body, field, code):
    response = client_as(nurse).post("/api/tokens", body, content_type="application/json")
    assert response.status_code == 422
    errors = _errors(response)
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]


def test_422_for_a_bad_path_parameter(client_as, nurse):
    response = client_as(nurse).delete("/api/tokens/abc")
    assert response.status_code == 422
    assert _errors(response) == [
        {"field": "token_id", "code": "int_parsing", "message": "Ska vara ett heltal."}
    ]


def test_unreadable_json_is_400_in_the_same_shape(client_as, nurse):
    response = client_as(nurse).post("/api/tokens", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert _errors(response)[0]["code"] == "bad_request"


def test_openapi_documents_the_error_shape(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Samverkan API"
    assert "ErrorResponse" in schema["components"]["schemas"]
    security = schema["components"]["securitySchemes"]
    assert {s["type"] for s in security.values()} >= {"http", "apiKey"}


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=json_values | st.dictionaries(st.just("name"), json_values), raw=st.binary(max_size=40))
def test_bad_input_never_gives_500(client_as, nurse, body, raw):
    client = client_as(nurse)
    as_json = client.post("/api/tokens", json.dumps(body), content_type="application/json")
    assert as_json.status_code in {201, 422}
    as_bytes = client.post("/api/tokens", raw, content_type="application/json")
    assert as_bytes.status_code in {201, 400, 422}
