from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Organisation
from samverkan.audit.models import Action, AuditEvent
from samverkan.core.forms import DateInput


class EventFilterForm(forms.Form):
    user = forms.CharField(label=_("Användarnamn"), required=False, max_length=150)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Alla"),
    )
    person = forms.CharField(
        label=_("Personreferens"),
        required=False,
        max_length=64,
        help_text=_("Exakt referens, t.ex. ett personnummer."),
    )
    action = forms.ChoiceField(
        label=_("Händelse"), required=False, choices=[("", _("Alla")), *Action.choices]
    )
    date_from = forms.DateField(label=_("Från och med"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Till och med"), required=False, widget=DateInput)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Slutdatum är före startdatum."))
        return data

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        data = self.cleaned_data
        if data.get("user"):
            events = events.filter(user__username=data["user"].strip())
        if data.get("organisation"):
            events = events.filter(organisation=data["organisation"])
        if data.get("person"):
            events = events.filter(person_ref=data["person"].strip())
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("date_from"):
            events = events.filter(timestamp__date__gte=data["date_from"])
        if data.get("date_to"):
            events = events.filter(timestamp__date__lte=data["date_to"])
        return events

    def describe(self) -> str:
        """The filters used, for the audit event of this very search (no person here)."""
        data = self.cleaned_data
        parts = [
            f"{name}={data[name]}"
            for name in ("user", "organisation", "action", "date_from", "date_to")
            if data.get(name)
        ]
        return "Logguppföljning" + (": " + ", ".join(parts) if parts else "")
