"""Log control names what was reached in Swedish (issue 13: no developer words in the UI):
"followup.yearly_report" is "Årsuppföljning", a model by its verbose name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps

from samverkan.logcontrol.templatetags.log_words import object_kind

SOURCE = Path(__file__).resolve().parents[2] / "samverkan"
# record(actor, Action.X, "kind", ...) and audit(actor, Action.X, "kind", ...) with a literal kind
LITERAL_KIND = re.compile(r"(?:record|audit)\(\s*[\w.]+,\s*Action\.\w+,\s*\"([a-z_.]+)\"")


def _recorded_literal_kinds() -> set[str]:
    kinds: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        kinds.update(LITERAL_KIND.findall(path.read_text(encoding="utf-8")))
    return kinds


def test_every_literal_kind_the_code_records_has_a_swedish_name() -> None:
    kinds = _recorded_literal_kinds()
    assert "followup.yearly_report" in kinds  # the scan finds the calls
    unnamed = sorted(k for k in kinds if object_kind(k) == k or "_" in object_kind(k))
    assert not unnamed, f"object types without a Swedish name in log control: {unnamed}"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("people.person", "Person"),
        ("followup.yearly_report", "Årsuppföljning"),
        ("deviations.followup", "Uppföljning av avvikelser"),
        ("discharge.staytask", "Uppgift vid utskrivning"),
        ("no.such", "no.such"),  # unknown: shown as stored, never hidden
        ("", ""),
    ],
)
def test_object_kind(stored: str, shown: str) -> None:
    assert object_kind(stored) == shown


def test_every_model_is_named_by_its_verbose_name() -> None:
    for model in apps.get_models():
        if model.__module__.startswith("samverkan."):
            name = object_kind(model._meta.label_lower)
            assert name and name[0].isupper(), model._meta.label_lower


@pytest.mark.django_db
def test_owner_view_shows_the_swedish_kind(client, make_staff, orgs) -> None:
    from samverkan.accounts.models import Role
    from samverkan.audit.models import Action
    from samverkan.audit.services import record

    admin = make_staff(Role.ADMINISTRATOR, orgs.region_jh, "admin.ord")
    record(admin, Action.VIEW, "followup.yearly_report", "gvb-svart-sjuka/2026", why="Test")
    client.force_login(admin)
    page = client.get("/loggkontroll/").content.decode()
    assert "Årsuppföljning #Överenskommelsen om svårt sjuka i hemmet/2026" in page
    assert "followup.yearly_report" not in page and "gvb-svart-sjuka" not in page
