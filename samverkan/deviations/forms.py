"""Forms of the deviation and dispute pages (the services do the checking)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Organisation
from samverkan.core.forms import DateInput, TimeInput
from samverkan.core.upload_settings import limits_for
from samverkan.core.uploads import UploadError, load_json
from samverkan.deviations.models import (
    Category,
    CostBearer,
    Kind,
    Severity,
)


class DeviationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Vad gäller det?"), choices=Kind.choices, initial=Kind.DEVIATION
    )
    receiving_organisation = forms.ModelChoiceField(
        label=_("Till huvudman"),
        queryset=Organisation.objects.none(),
        empty_label=_("– Välj huvudman –"),
    )
    agreement = forms.ChoiceField(label=_("Avtal"), choices=())
    category = forms.ChoiceField(label=_("Kategori"), choices=Category.choices)
    severity = forms.ChoiceField(
        label=_("Allvarlighetsgrad"),
        choices=Severity.choices,
        initial=Severity.MINOR,
        help_text=_("Allvarlig: chefsläkare och MAS hos båda huvudmännen får en uppgift direkt."),
    )
    subject = forms.CharField(
        label=_("Rubrik"),
        max_length=120,
        required=False,
        help_text=_("Kort rubrik utan namn eller personnummer; visas i listan."),
    )
    occurred_on = forms.DateField(label=_("Datum"), widget=DateInput)
    occurred_time = forms.TimeField(label=_("Klockslag"), required=False, widget=TimeInput)
    location = forms.CharField(label=_("Var hände det?"), max_length=200)
    description = forms.CharField(
        label=_("Vad hände?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Beskriv händelsen sakligt. Skriv inte personnummer här; koppla personen nedan."
        ),
    )
    person = forms.CharField(
        label=_("Person (valfritt)"),
        required=False,
        max_length=64,
        help_text=_("Personnummer, samordnings- eller reservnummer, eller personens id."),
    )

    def __init__(
        self, *args: Any, counterparts: Any, agreements: list[tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        field = self.fields["receiving_organisation"]
        field.queryset = counterparts  # type: ignore[attr-defined]
        if counterparts.count() == 1:
            field.initial = counterparts.first()
        self.fields["agreement"].choices = agreements  # type: ignore[attr-defined]
        self.fields["occurred_on"].initial = timezone.localdate()


class StatusForm(forms.Form):
    status = forms.CharField(widget=forms.HiddenInput)
    answer = forms.CharField(
        label=_("Svar"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=2000)


class ContactForm(forms.Form):
    note = forms.CharField(label=_("Anteckning om kontakten"), required=False, max_length=2000)


class FollowupForm(forms.Form):
    agreement = forms.ChoiceField(label=_("Avtal"), choices=())
    year = forms.IntegerField(label=_("År"), min_value=2017, max_value=2100)
    days = forms.IntegerField(
        label=_("Svarsfrist (dagar)"), min_value=1, max_value=365, required=False
    )

    def __init__(self, *args: Any, agreements: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].choices = agreements  # type: ignore[attr-defined]


class DisputeForm(forms.Form):
    counterparty = forms.ModelChoiceField(
        label=_("Motpart"), queryset=Organisation.objects.none(), empty_label=_("– Välj motpart –")
    )
    agreement = forms.ChoiceField(label=_("Avtal"), choices=())
    question = forms.CharField(
        label=_("Vad är oklart eller omtvistat?"), widget=forms.Textarea(attrs={"rows": 4})
    )
    acting_organisation = forms.ModelChoiceField(
        label=_("Vem agerar nu?"),
        queryset=Organisation.objects.none(),
        empty_label=_("– Välj huvudman –"),
        help_text=_("Den enskildes behov tillgodoses först; frågan avgörs sedan."),
    )
    acting_note = forms.CharField(
        label=_("Vad görs för den enskilde under tiden?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    of_principle = forms.BooleanField(label=_("Frågan är av principiell betydelse"), required=False)
    facts = forms.CharField(
        label=_("Svaren från Ansvarsguiden (valfritt)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fylls i när du kommer från Ansvarsguiden. Tomt: parterna är oense."),
    )
    person = forms.CharField(label=_("Person (valfritt)"), required=False, max_length=64)

    def __init__(
        self,
        *args: Any,
        own: Organisation,
        counterparts: Any,
        agreements: list[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["counterparty"].queryset = counterparts  # type: ignore[attr-defined]
        self.fields["acting_organisation"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(pk=own.pk) | counterparts
        )
        self.fields["acting_organisation"].initial = own
        self.fields["agreement"].choices = agreements  # type: ignore[attr-defined]

    def clean_facts(self) -> dict[str, Any] | None:
        text = self.cleaned_data.get("facts", "").strip()
        if not text:
            return None
        try:  # the shared upload reader: size, nesting and members limited (form_json)
            facts = load_json(text, limits_for("form_json"), field="facts", what="Texten")
        except UploadError as exc:
            if exc.code == "invalid_json":
                raise ValidationError(_("Fakta ska vara ett JSON-objekt."), code=exc.code) from None
            raise ValidationError(exc.message, code=exc.code) from None
        if not isinstance(facts, dict):
            raise ValidationError(_("Fakta ska vara ett JSON-objekt."))
        return facts


class EscalateForm(forms.Form):
    note = forms.CharField(
        label=_("Varför lyfts frågan?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    of_principle = forms.BooleanField(label=_("Frågan är av principiell betydelse"), required=False)


class CostForm(forms.Form):
    description = forms.CharField(label=_("Kostnad"), max_length=200)
    amount = forms.DecimalField(
        label=_("Belopp (kr)"), max_digits=12, decimal_places=2, min_value=0
    )
    incurred_on = forms.DateField(label=_("Datum"), widget=DateInput)
    paid_by = forms.ModelChoiceField(label=_("Betald av"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, parties: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["paid_by"].queryset = parties  # type: ignore[attr-defined]
        self.fields["incurred_on"].initial = timezone.localdate()


class DecisionForm(forms.Form):
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DateInput)
    decided_by = forms.CharField(
        label=_("Beslutat av"),
        required=False,
        max_length=200,
        help_text=_("Tomt: instansen ärendet är hos."),
    )
    # No pre-selected outcome: the empty first choice must be replaced by the decision's.
    cost_bearer = forms.ChoiceField(
        label=_("Kostnadsansvar"),
        choices=[("", _("Välj enligt beslutet")), *CostBearer.choices],
        error_messages={"required": _("Välj vem som bär kostnaden enligt beslutet.")},
    )
    reasoning = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()
