"""Every foreign key to a person is declared: moved on merge, or kept as history."""

from __future__ import annotations

from django.apps import apps

from samverkan.people.merge import HISTORY, HOOK, MERGE_HOOKS, MOVE, REFERENCES
from samverkan.people.models import Person, PersonIdentity


def _person_keys() -> set[str]:
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or not field.is_relation:
                continue
            if field.related_model in (Person, PersonIdentity):
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_foreign_key_to_a_person_is_moved_or_declared_history() -> None:
    undeclared = _person_keys() - set(REFERENCES)
    assert not undeclared, (
        "Foreign keys to a person that a merge would leave behind; declare each in "
        f"samverkan.people.merge (MOVE, HOOK or HISTORY): {sorted(undeclared)}"
    )


def test_declarations_name_real_keys_and_a_known_policy() -> None:
    keys = _person_keys()
    assert set(REFERENCES) <= keys, sorted(set(REFERENCES) - keys)
    assert {r.policy for r in REFERENCES.values()} <= {MOVE, HOOK, HISTORY}
    # History is declared, never silently assumed: the invoices are.
    history = {label for label, r in REFERENCES.items() if r.policy == HISTORY}
    assert history == {
        "purchases.InvoicePerson.person",
        "purchases.InvoiceLine.person",
        "purchases.PersonPseudonym.person",
    }


def test_a_room_declared_as_moving_by_hook_has_registered_it() -> None:
    from samverkan.sip.services import move_sips_on_merge

    assert REFERENCES["sip.Sip.person"].policy == HOOK
    assert move_sips_on_merge in MERGE_HOOKS
