"""One append-only base: every history model refuses update and delete the same way.

Before the shared base, each app wrote its own refusals and they differed: a decision
snapshot could be deleted, prices and SIP plan rows deleted or updated through a queryset.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import timezone

from samverkan.audit.models import AppendOnlyError as AuditAppendOnlyError
from samverkan.audit.models import AuditAnchor, AuditEvent, AuditPurge
from samverkan.core.models import AppendOnlyError, AppendOnlyModel
from samverkan.discharge.models import (  # noqa: E402
    LocalTermsConfirmation,
    LocalTermsHistoryError,
    LocalTermsVersion,
    NoticeHistoryError,
    PlanningEntry,
)
from samverkan.discharge.models import Notice as DischargeNotice  # noqa: E402
from samverkan.people.models import ImmutableError as PeopleImmutableError
from samverkan.people.models import ResponsibilityDecision
from samverkan.purchases.models import DecisionSnapshot, ImmutableError, Price
from samverkan.sip.models import (
    Action,
    DischargeChecklistItem,
    ImmutableVersionError,
    NamedCareContact,
    PlanVersion,
    RiskAnalysisItem,
)

EXPECTED = {
    AuditEvent: AuditAppendOnlyError,
    AuditAnchor: AuditAppendOnlyError,
    AuditPurge: AuditAppendOnlyError,
    ResponsibilityDecision: PeopleImmutableError,
    DecisionSnapshot: ImmutableError,
    Price: ImmutableError,
    PlanVersion: ImmutableVersionError,
    Action: ImmutableVersionError,
    NamedCareContact: ImmutableVersionError,
    DischargeChecklistItem: ImmutableVersionError,
    RiskAnalysisItem: ImmutableVersionError,
    DischargeNotice: NoticeHistoryError,
    PlanningEntry: NoticeHistoryError,
    LocalTermsVersion: LocalTermsHistoryError,
    LocalTermsConfirmation: LocalTermsHistoryError,
}
MODELS = list(EXPECTED)


def test_the_history_models_are_the_append_only_ones():
    found = {m for m in apps.get_models() if issubclass(m, AppendOnlyModel)}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_stored_row_cannot_be_saved_again_or_deleted(model):
    row = model()
    row.pk = 1
    row._state.adding = False
    error = EXPECTED[model]
    with pytest.raises(error) as saved:
        row.save()
    with pytest.raises(error):
        row.delete()
    assert issubclass(error, AppendOnlyError)
    assert str(saved.value)  # a Swedish message, not an empty error


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_new_row_naming_an_existing_key_cannot_overwrite(model):
    row = model()
    row.pk = 1
    with pytest.raises(EXPECTED[model]):
        row.save()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_querysets_refuse_update_bulk_update_and_delete(model):
    error = EXPECTED[model]
    rows = model.objects.all()
    with pytest.raises(error):
        rows.update(pk=1)
    with pytest.raises(error):
        rows.bulk_update([], ["pk"])
    with pytest.raises(error):
        rows.delete()


@pytest.mark.django_db
def test_a_price_may_be_retired_but_nothing_else_changes():
    assert Price.objects.filter(pk=-1).update(retired_at=timezone.now(), retired_by=None) == 0
    with pytest.raises(ImmutableError):
        Price.objects.filter(pk=-1).update(retired_at=timezone.now(), amount=0)
