"""One error type, handled once by the API: every app's refusal answers in the one shape.

Each app's error is raised through the real NinjaAPI's exception handling (what a route
that raises it gets), not through a translator of its own: before this, an app error that a
route forgot to translate became a 500.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from samverkan.api.errors import ApiError
from samverkan.api.main import api
from samverkan.core.errors import Detail, Problem
from samverkan.people.services import PeopleError
from samverkan.purchases.errors import InvoicingRefused, NotAllowed, PurchasesError
from samverkan.purchases.errors import Problem as PurchaseProblem
from samverkan.purchases.ubl import InvoiceDataError
from samverkan.sip.plan import Change, RuleError
from samverkan.sip.services import PlanConflict, PlanRuleError, SipError, StateError


def _answer(exc: Exception) -> tuple[int, dict]:
    request = RequestFactory().post("/api/test")
    response = api.on_exception(request, exc)
    return response.status_code, json.loads(response.content)


def _item(field, code, message):
    return {"field": field, "code": code, "message": message}


@pytest.mark.parametrize(
    ("exc", "status", "detail"),
    [
        (
            Problem("name", "missing", "Namn: måste anges."),
            422,
            [_item("name", "missing", "Namn: måste anges.")],
        ),
        (Problem(None, "gone", "Borta.", status=410), 410, [_item(None, "gone", "Borta.")]),
        (
            ApiError(404, "not_found", "Finns inte.", "id"),
            404,
            [_item("id", "not_found", "Finns inte.")],
        ),
        (
            PeopleError("identifier", "invalid_checksum", "Fel kontrollsiffra."),
            422,
            [_item("identifier", "invalid_checksum", "Fel kontrollsiffra.")],
        ),
        (
            PeopleError("identifier", "already_registered", "Finns redan.", person_id="x"),
            409,
            [_item("identifier", "already_registered", "Finns redan.")],
        ),
        (
            PurchasesError.one("amount", "negative", "Belopp: får inte vara negativt."),
            422,
            [_item("amount", "negative", "Belopp: får inte vara negativt.")],
        ),
        (NotAllowed.one(None, "forbidden", "Nej."), 403, [_item(None, "forbidden", "Nej.")]),
        (
            InvoicingRefused(
                [
                    PurchaseProblem("price", "missing", "Pris saknas."),
                    PurchaseProblem("buyer", "missing", "Köpare saknas."),
                ]
            ),
            409,
            [
                _item("price", "missing", "Pris saknas."),
                _item("buyer", "missing", "Köpare saknas."),
            ],
        ),
        (
            SipError.single("title", "required", "Ange rubrik."),
            400,
            [_item("title", "required", "Ange rubrik.")],
        ),
        (
            PlanRuleError([RuleError("a", "x", "A."), RuleError("b", "y", "B.")]),
            422,
            [_item("a", "x", "A."), _item("b", "y", "B.")],
        ),
        (
            StateError.single("status", "closed", "Stängd."),
            409,
            [_item("status", "closed", "Stängd.")],
        ),
        (
            InvoiceDataError("buyer.org_number", "invalid", "Köparens org.nr är ogiltigt."),
            422,
            [_item("buyer.org_number", "invalid", "Köparens org.nr är ogiltigt.")],
        ),
        (PermissionDenied(), 403, [_item(None, "forbidden", "Du har inte behörighet till detta.")]),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else None,
)
def test_every_app_error_answers_in_the_one_shape(exc, status, detail):
    assert _answer(exc) == (status, {"detail": detail})


def test_a_sip_version_conflict_carries_the_diff_beside_the_detail():
    conflict = PlanConflict(3, 4, [Change("goals", "Mål", "gammalt", "nytt")])
    status, body = _answer(conflict)
    assert status == 409
    assert [d["code"] for d in body["detail"]] == ["version_conflict"]
    assert body["base_version"] == 3 and body["current_version"] == 4
    assert body["changes"] == [
        {"section": "goals", "label": "Mål", "old": "gammalt", "new": "nytt"}
    ]


def test_allowed_values_and_extras_go_into_the_item():
    problem = Problem(
        "intervention", "invalid_choice", "Okänt värde.", allowed=["nursing", "rehab"]
    )
    assert _answer(problem) == (
        422,
        {
            "detail": [
                {
                    **_item("intervention", "invalid_choice", "Okänt värde."),
                    "allowed": ["nursing", "rehab"],
                }
            ]
        },
    )


def test_every_app_error_is_a_problem_and_keeps_its_attributes():
    people = PeopleError("identifier", "already_registered", "Finns redan.", person_id="p1")
    assert isinstance(people, Problem) and isinstance(people, ValueError)
    assert (people.field, people.code, people.message, people.extra) == (
        "identifier",
        "already_registered",
        "Finns redan.",
        {"person_id": "p1"},
    )
    purchases = PurchasesError([Detail("a", "x", "A."), Detail("b", "y", "B.")])
    assert purchases.problems == purchases.details and purchases.messages == ["A.", "B."]
    assert str(purchases) == "A.; B."
    sip = SipError.single("title", "required", "Ange rubrik.")
    assert sip.errors == [RuleError("title", "required", "Ange rubrik.")]
    assert issubclass(ApiError, Problem)


def test_no_router_translates_errors_of_its_own():
    """One handler (samverkan.api.errors); routers raise and let it answer."""
    root = Path(__file__).resolve().parents[2] / "samverkan"
    skip = {root / "api" / "errors.py"}
    offenders = []
    for path in root.rglob("*.py"):
        if path in skip:
            continue
        text = path.read_text(encoding="utf-8")
        if any(
            marker in text
            for marker in ("add_exception_handler", "def _translate(", "def handled(", "Status(422")
        ):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_a_django_validation_error_is_422_with_one_item_per_field_and_message():
    from django.core.exceptions import ValidationError

    exc = ValidationError({"__all__": ["Hela formuläret."], "point": ["A.", "B."]})
    assert _answer(exc) == (
        422,
        {
            "detail": [
                _item(None, "invalid", "Hela formuläret."),
                _item("point", "invalid", "A."),
                _item("point", "invalid", "B."),
            ]
        },
    )
    assert _answer(ValidationError("Fel.")) == (422, {"detail": [_item(None, "invalid", "Fel.")]})
