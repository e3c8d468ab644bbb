from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Organisation
from samverkan.audit.models import Action
from samverkan.core.forms import DateInput
from samverkan.logcontrol.models import Conclusion, Subject
from samverkan.logcontrol.selectors import FLAGS
from samverkan.people import owners


class PersonField(forms.CharField):
    """A personnummer, samordningsnummer or reservnummer; cleans to the person's references."""

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return None
        refs = owners.refs_of(value)
        if refs is None:
            raise forms.ValidationError(
                _("Ange ett giltigt personnummer, samordningsnummer eller reservnummer."),
                code="invalid_identifier",
            )
        return refs


class EventFilterForm(forms.Form):
    person = PersonField(
        label=_("Person"),
        required=False,
        max_length=20,
        help_text=_("Personnummer, samordningsnummer eller reservnummer."),
    )
    user = forms.CharField(label=_("Användarnamn"), required=False, max_length=150)
    organisation = forms.ModelChoiceField(
        label=_("Organisation som gjorde åtkomsten"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("Alla"),
    )
    action = forms.ChoiceField(
        label=_("Händelse"), required=False, choices=[("", _("Alla")), *Action.choices]
    )
    flag = forms.ChoiceField(
        label=_("Flagga"), required=False, choices=[("", _("Alla")), *FLAGS.items()]
    )
    date_from = forms.DateField(label=_("Från och med"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Till och med"), required=False, widget=DateInput)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Slutdatum är före startdatum."))
        return data

    def describe(self) -> str:
        """The filters used, for the audit event of this very search (no person here)."""
        data = self.cleaned_data
        parts = [
            f"{self.fields[name].label}: {self._shown(name, data[name])}"
            for name in ("user", "organisation", "action", "flag", "date_from", "date_to")
            if data.get(name)
        ]
        return "Loggkontroll" + (": " + ", ".join(parts) if parts else "")

    def _shown(self, name: str, value: object) -> str:
        """A filter's value as the form shows it: a choice by its label, a date ISO-written
        (the log's purpose is read in log control: no field names, issue 13)."""
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            return str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


class ExportForm(forms.Form):
    person = PersonField(
        label=_("Person"),
        max_length=20,
        help_text=_("Personnummer, samordningsnummer eller reservnummer."),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("pdf", "PDF"), ("csv", _("CSV (kalkylark)"))], initial="pdf"
    )


class SampleForm(forms.Form):
    subject = forms.ChoiceField(label=_("Urval av"), choices=Subject.choices)
    period_start = forms.DateField(label=_("Period från och med"), widget=DateInput)
    period_end = forms.DateField(label=_("Period till och med"), widget=DateInput)
    sample_size = forms.IntegerField(
        label=_("Antal i urvalet"), min_value=1, max_value=200, initial=5
    )
    seed = forms.IntegerField(
        label=_("Slumpfrö"),
        required=False,
        min_value=0,
        max_value=2**62,
        help_text=_("Lämna tomt för ett nytt slumpfrö. Samma frö ger samma urval."),
    )


class SuspicionForm(forms.Form):
    reason = forms.CharField(label=_("Anledning"), widget=forms.Textarea(attrs={"rows": 3}))
    username = forms.CharField(label=_("Användarnamn"), required=False, max_length=150)
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=20,
        help_text=_("Personnummer, samordningsnummer eller reservnummer."),
    )
    period_start = forms.DateField(label=_("Period från och med"), widget=DateInput)
    period_end = forms.DateField(label=_("Period till och med"), widget=DateInput)


class ReviewForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Slutsats"), choices=Conclusion.choices)
    note = forms.CharField(
        label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Slutsats för kontrollen"), choices=Conclusion.choices)
    conclusion_text = forms.CharField(
        label=_("Motivering"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(
        label=_("Jag bekräftar att kontrollen avslutas. Den kan sedan inte ändras."),
        required=False,
    )
