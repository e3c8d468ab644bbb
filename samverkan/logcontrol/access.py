"""Who may run log control, and for which data owner.

Decision (README, "Log control"): an administrator of organisation O controls the accesses
to O's data — O is the vårdgivare responsible for the log control (HSLF-FS 2016:40 4 kap.
9 §). Nobody else may open it: staff, MAS, chefsläkare, ekonomer, forum members get 403, and
the refusal is logged. Superusers are technical administrators: being one gives no access to
the log control (need-to-know, PDL 4 kap. 3 §); a superuser who is also an organisation's
administrator sees that organisation's log control like any of its administrators.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model

from samverkan.accounts.actors import actor_for
from samverkan.accounts.models import Organisation, Role
from samverkan.audit.models import Action
from samverkan.audit.services import record

LOG_CONTROL_ROLES: frozenset[str] = frozenset({Role.ADMINISTRATOR})


def is_log_controller(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    actor = actor_for(user)
    return actor is not None and actor.role in LOG_CONTROL_ROLES


def owner_of(user: Any) -> Organisation | None:
    """The data owner whose log the user controls, or None."""
    if not is_log_controller(user):
        return None
    actor = actor_for(user)
    return actor.organisation if actor is not None else None


def require_owner(request: Any, what: str | type[Model], obj_id: object = "") -> Organisation:
    """The user's organisation (the data owner) or PermissionDenied, the refusal logged."""
    owner = owner_of(request.user if hasattr(request, "user") else request)
    if owner is None:
        record(request, Action.ACCESS_DENIED, what, obj_id, why="Loggkontroll: behörighet saknas")
        raise PermissionDenied
    return owner
