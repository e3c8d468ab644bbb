"""A bad variant or population is refused in the one error shape (core.errors.Problem), with
a stable code and the field named (the change and its key: ``variant.changes.0.n``), in
Swedish, over the API and on the page; never a 500, never a saved simulation."""

from __future__ import annotations

import json

import pytest

from samverkan.followup import services
from samverkan.followup.errors import SimulationError
from samverkan.followup.models import Simulation

pytestmark = pytest.mark.django_db

API = "/api/followup/simulations"
PAGE = "/uppfoljning/simulering/"
RULE = "jh-hsv.responsibility.ordinary_with_needs"
ADL = {"op": "set_parameter", "rule": RULE, "kind": "count_at_least", "fact": "adl_needs_over_time"}
ENGLISH = ("__init__", "unexpected keyword", "Input should", "Traceback")


def _post(client, variant, **population):
    body = {
        "variant": variant,
        "population": {"region": "jamtland-harjedalen", "date": "2026-01-01", "n": 2000}
        | population,
    }
    return client.post(API, body, content_type="application/json")


def _only_item(response):
    assert response.status_code == 422, response.content
    [item] = response.json()["detail"]
    assert not any(word in item["message"] for word in ENGLISH), item
    return item


@pytest.mark.parametrize(
    ("variant", "field", "code", "words"),
    [
        (
            {"changes": [{"op": "disable", "rule": "no.such.rule"}]},
            "variant.changes.0.rule",
            "unknown_rule",
            "Ändring 1: regeln 'no.such.rule' finns inte",
        ),
        (  # was a 500: a number that is not a number
            {"changes": [ADL | {"n": "two"}]},
            "variant.changes.0.n",
            "not_an_integer",
            "ska vara ett heltal",
        ),
        (  # was a 500: an unknown number
            {"changes": [ADL | {"n": None}]},
            "variant.changes.0.n",
            "not_an_integer",
            "ska vara ett heltal",
        ),
        (
            {"changes": [ADL | {"n": 2}, ADL | {"n": -1}]},
            "variant.changes.1.n",
            "out_of_range",
            "Ändring 2: talet 'n' ska vara mellan 0 och 130",
        ),
        (  # was Python's English TypeError text
            {"changes": [ADL | {"m": 2}]},
            "variant.changes.0.m",
            "unknown_parameter",
            "okänd parameter 'm'",
        ),
        (
            {"changes": [ADL | {"start": 480}]},
            "variant.changes.0.start",
            "invalid_parameter",
            "har inget tal 'start'",
        ),
        (  # was a 500: a rule that is not an object
            {"changes": [{"op": "add_rule", "agreement": "jh-hemsjukvard", "rule": "x"}]},
            "variant.changes.0.rule",
            "invalid_rule",
            "JSON-objekt",
        ),
        (
            {
                "changes": [
                    {
                        "op": "set_outcome",
                        "rule": "jh-hsv.responsibility.lss_housing",
                        "dimension": "health_care_responsibility",
                        "value": "moon",
                    }
                ]
            },
            "variant.changes.0.value",
            "invalid_outcome",
            "okänt utfall",
        ),
        (
            {"changes": [{"op": "fly"}]},
            "variant.changes.0.op",
            "unknown_op",
            "okänd ändringstyp 'fly'",
        ),
        (
            {"changes": [{"op": "disable"}]},
            "variant.changes.0.rule",
            "missing",
            "ange vilken regel",
        ),
        ({"changes": []}, "variant.changes", "no_changes", "Varianten har inga ändringar"),
        (
            {"changes": [{"op": "disable", "rule": RULE}, "x"]},
            "variant.changes.1",
            "invalid_change",
            "Ändring 2: ändringen ska vara ett JSON-objekt",
        ),
    ],
)
def test_api_names_the_change_and_its_key(
    api_client, forum_member, variant, field, code, words
) -> None:
    item = _only_item(_post(api_client(forum_member), variant))
    assert (item["field"], item["code"]) == (field, code)
    assert words in item["message"]
    assert not Simulation.objects.exists()


def test_api_population_errors_name_the_population_field(api_client, forum_member) -> None:
    client = api_client(forum_member)
    good = {"changes": [ADL | {"n": 2}]}
    item = _only_item(_post(client, good, n=0))
    assert (item["field"], item["code"]) == ("population.n", "out_of_range")
    assert item["message"].startswith("Antal fall ska vara 1–")
    item = _only_item(_post(client, good, source="guesswork"))
    assert (item["field"], item["code"]) == ("population.source", "invalid_choice")
    assert not Simulation.objects.exists()


def test_api_variant_that_is_not_an_object(api_client, forum_member) -> None:
    item = _only_item(_post(api_client(forum_member), "not an object"))
    assert (item["field"], item["code"]) == ("variant", "dict_type")
    assert item["message"] == "Ska vara ett JSON-objekt."


def test_the_service_raises_problems() -> None:
    with pytest.raises(SimulationError) as exc:
        services.parse_variant('{"changes": [{"op": "disable", "rule": "x.y"}]}')
    assert (exc.value.field, exc.value.code, exc.value.status) == (
        "variant.changes.0.rule",
        "unknown_rule",
        422,
    )
    assert (exc.value.change, exc.value.key) == (0, "rule")
    with pytest.raises(SimulationError) as exc:
        services.parse_variant("{nope")
    assert (exc.value.field, exc.value.code) == ("variant", "invalid_json")
    assert exc.value.message.startswith("Ogiltig JSON")


# --- the page -----------------------------------------------------------------------------


def _page(client, **data):
    base = {
        "name": "Test",
        "source": "synthetic",
        "region": "jamtland-harjedalen",
        "date": "2026-01-01",
        "n": "2000",
        "seed": "1",
    }
    return client.post(PAGE, base | data)


def test_page_shows_a_bad_json_variant_on_the_json_field(client_as, forum_member) -> None:
    response = _page(
        client_as(forum_member), variant_json=json.dumps({"changes": [ADL | {"n": "two"}]})
    )
    assert response.status_code == 200  # the form again, no 500
    errors = response.context["form"].errors
    assert errors["variant_json"] == ["Ändring 1: talet 'n' ska vara ett heltal."]
    page = response.content.decode()
    assert "ska vara ett heltal" in page and "not_an_integer" not in page
    assert not Simulation.objects.exists()


def test_page_shows_a_bad_number_on_the_field_that_gave_it(client_as, forum_member) -> None:
    response = _page(
        client_as(forum_member),
        rule=RULE,
        op="set_parameter",
        parameter="count_at_least:adl_needs_over_time:n",
        new_value="500",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["new_value"] == ["Ändring 1: talet 'n' ska vara mellan 0 och 130."]
    assert not Simulation.objects.exists()


# --- the JSON field's limits (issue 15: the shared upload reader, kind form_json) ---------


def test_page_refuses_a_deeply_nested_variant_on_the_json_field(client_as, forum_member) -> None:
    # json.loads raised RecursionError (a 500) on 100,000 nested arrays before the limit.
    response = _page(client_as(forum_member), variant_json="[" * 100_000 + "]" * 100_000)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["variant_json"] == ["Texten: JSON får vara nästlat högst 20 nivåer."]
    assert not Simulation.objects.exists()


def test_page_refuses_a_variant_over_the_size_limit(client_as, forum_member, settings) -> None:
    settings.SAMVERKAN_UPLOAD_LIMITS = {"form_json": {"max_bytes": 1024}}
    variant = json.dumps({"changes": [ADL | {"n": 3}], "description": "x" * 2000})
    response = _page(client_as(forum_member), variant_json=variant)
    assert response.status_code == 200
    assert response.context["form"].errors["variant_json"] == ["Texten är för stor (högst 1 kB)."]
    assert "Texten är för stor (högst 1 kB)." in response.content.decode()
    assert not Simulation.objects.exists()


def test_a_variant_that_does_not_parse_is_described_in_swedish(client_as, forum_member) -> None:
    """Issue 15: no English words of the JSON parser ("Expecting property name …") reach the
    page or the API; line and column in Swedish."""
    with pytest.raises(SimulationError) as exc:
        services.parse_variant('{"changes": [\n  {"rule" 1}]}')
    assert exc.value.message == "Ogiltig JSON: rad 2, kolumn 11: kolon (:) väntades."
    response = _page(client_as(forum_member), variant_json="{nope")
    (message,) = response.context["form"].errors["variant_json"]
    assert message == ("Ogiltig JSON: rad 1, kolumn 2: ett namn inom dubbla citattecken väntades.")
    assert "Expecting" not in response.content.decode()
