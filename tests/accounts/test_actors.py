"""One Actor type and one role lookup: the same answer for a request, a user or an Actor."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from samverkan.accounts.actors import (
    Actor,
    actor_for,
    organisation_of,
    require_actor,
    role_of,
    user_of,
)
from samverkan.accounts.models import Role


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_request_a_user_and_an_actor_give_the_same_actor(nurse, orgs):
    for who in (nurse, _request(nurse), actor_for(nurse)):
        actor = actor_for(who)
        assert isinstance(actor, Actor)
        assert actor.user == nurse
        assert actor.role == Role.NURSE and actor.licensed
        assert actor.organisation == orgs.ostersund
        assert role_of(who) == Role.NURSE and organisation_of(who) == orgs.ostersund
        assert user_of(who) == nurse


@pytest.mark.django_db
def test_nobody_without_a_profile_is_an_actor():
    plain = get_user_model().objects.create_user("utan-profil")
    for who in (None, AnonymousUser(), plain, _request(plain), RequestFactory().get("/")):
        assert actor_for(who) is None and role_of(who) is None and organisation_of(who) is None
    with pytest.raises(PermissionDenied):
        require_actor(plain)
    with pytest.raises(LookupError):
        require_actor(plain, lambda: LookupError("ingen roll"))


def test_the_audit_log_takes_an_actor_as_well(nurse, orgs):
    from samverkan.audit.models import Action
    from samverkan.audit.services import record

    event = record(actor_for(nurse), Action.VIEW, "people.person", 1)
    assert (event.user, event.organisation, event.role) == (nurse, orgs.ostersund, Role.NURSE)
