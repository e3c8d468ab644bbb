"""Issue 15, resource limits: the facts textarea of a new dispute is read by the shared upload
reader (core.uploads, kind ``form_json``): nesting, size and members limited, the refusal in
Swedish on the field, never a 500 and nothing saved."""

from __future__ import annotations

import json

import pytest

from samverkan.deviations.models import Dispute
from tests.deviations.test_dispute_facts import QUESTION, _form

pytestmark = pytest.mark.django_db

PAGE = "/avvikelser/tvister/ny/"


def _post(client, orgs, facts_text):
    return client.post(PAGE, _form(orgs, {}, person="") | {"facts": facts_text})


def test_deeply_nested_facts_are_refused_on_the_field_not_a_500(people, orgs, client_as):
    # json.loads raised RecursionError (a 500) on 100,000 nested arrays before the limit.
    response = _post(client_as(people.kommun_nurse), orgs, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 200
    assert response.context["form"].errors["facts"] == [
        "Texten: JSON får vara nästlat högst 20 nivåer."
    ]
    assert not Dispute.objects.exists()


def test_facts_over_the_size_limit_are_refused_in_swedish(people, orgs, client_as, settings):
    settings.SAMVERKAN_UPLOAD_LIMITS = {"form_json": {"max_bytes": 2048}}
    text = json.dumps(QUESTION | {"note": "x" * 3000})
    response = _post(client_as(people.kommun_nurse), orgs, text)
    assert response.status_code == 200
    errors = response.context["form"].errors["facts"]
    assert errors == ["Texten är för stor (högst 2 kB)."]
    assert "Texten är för stor (högst 2 kB)." in response.content.decode()
    assert not Dispute.objects.exists()


def test_facts_with_too_many_members_are_refused(people, orgs, client_as, settings):
    settings.SAMVERKAN_UPLOAD_LIMITS = {"form_json": {"max_items": 5}}
    text = json.dumps(QUESTION | {f"extra{i}": i for i in range(10)})
    response = _post(client_as(people.kommun_nurse), orgs, text)
    assert response.status_code == 200
    assert response.context["form"].errors["facts"] == [
        "Högst 5 delar i en lista eller ett objekt."
    ]
    assert not Dispute.objects.exists()


def test_facts_that_are_not_json_keep_their_message(people, orgs, client_as):
    response = _post(client_as(people.kommun_nurse), orgs, "{nope")
    assert response.context["form"].errors["facts"] == ["Fakta ska vara ett JSON-objekt."]
