"""Forms of the people pages. Validation of identifiers and facts lives in services; the
forms only shape input, and views copy a PeopleError back onto the named field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Organisation, Unit, health_centres
from samverkan.core.forms import DateInput
from samverkan.people.models import (
    ID_SYSTEM_CHOICES,
    INTERVENTION_CHOICES,
    InterventionStatus,
    SelfCareResult,
    Sex,
)
from samverkan.people.services import INTERVENTION_FACTS, PERSON_FACTS, PeopleError
from samverkan.rules import FACTS, REGIONS, Kind


def municipality_choices() -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [("", "– Okänd –")]
    for region in REGIONS.values():
        for code, name in sorted(region.municipalities.items(), key=lambda kv: kv[1]):
            choices.append((code, name))  # the SCB code is the value, not words on the page
    return choices


def health_centre_choices() -> list[tuple[str, str]]:
    return [("", "– Okänd –"), *health_centres()]


def apply_error(form: forms.Form, error: PeopleError) -> None:
    """Put a service error on the form field it names (else on the form)."""
    field = (error.field or "").split(".")[-1]
    if field in form.fields:
        form.add_error(field, error.message)
    else:
        form.add_error(None, error.message)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Personnummer, samordningsnummer, LMA-nummer, reservnummer eller namn"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class PersonForm(forms.Form):
    identifier = forms.CharField(
        label=_("Identitetsnummer"),
        max_length=20,
        help_text=_(
            "T.ex. ÅÅÅÅMMDD-NNNN, ÅÅMMDD-NNNN, NN-NNNNNN (LMA) eller reservnummer. Med tio "
            "siffror: skriv + i stället för - för den som fyllt 100 år (ÅÅMMDD+NNNN), annars "
            "läses numret som en person född för under 100 år sedan. Säkrast är tolv siffror."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    id_system = forms.ChoiceField(
        label=_("Identitetstyp"),
        choices=[("", _("Känn igen automatiskt")), *ID_SYSTEM_CHOICES],
        required=False,
        help_text=_("Ett regionalt reservnummer tas bara emot när reservnummer är valt."),
    )
    given_name = forms.CharField(label=_("Förnamn"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Efternamn"), max_length=200, required=False)
    birth_date = forms.DateField(
        label=_("Födelsedatum"),
        required=False,
        widget=DateInput(),
        help_text=_("Läses ur personnumret om det inte anges."),
    )
    sex = forms.ChoiceField(
        label=_("Kön"), choices=[("", _("Läs ur numret / okänt")), *Sex.choices], required=False
    )
    home_municipality = forms.ChoiceField(label=_("Hemkommun"), required=False, choices=())
    confirm_care_relation = forms.BooleanField(
        label=_("Personen är patient eller brukare hos min verksamhet"),
        required=False,
        help_text=_(
            "Registreringen skapar en vårdrelation till din organisation och verksamhet. "
            "Den ger inte tillgång till andra vårdgivares eller verksamheters uppgifter."
        ),
    )
    reason = forms.CharField(
        label=_("Anledning till vårdrelationen"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "T.ex. inskrivning i hemsjukvården eller en ansökan om bistånd. Syns vid "
            "loggkontroll. Skriv inga personuppgifter."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home_municipality"].choices = municipality_choices()  # type: ignore[attr-defined]

    def shown_fields(self) -> list[Any]:
        return [self[name] for name in self.fields]


class IdentityForm(forms.Form):
    identifier = PersonForm.base_fields["identifier"]
    id_system = PersonForm.base_fields["id_system"]


class MergeForm(forms.Form):
    identifier = forms.CharField(
        label=_("Identitetsnummer på dubbletten"),
        max_length=20,
        help_text=_("T.ex. reservnumret på den post som ska föras in i denna person."),
    )
    id_system = PersonForm.base_fields["id_system"]
    confirm = forms.BooleanField(
        label=_("Jag har kontrollerat att det är samma person"), required=True
    )


def _fact_field(name: str, required: bool = False) -> forms.Field:
    spec = FACTS[name]
    label = spec.label
    help_text = spec.question
    if spec.kind is Kind.BOOL:
        return forms.TypedChoiceField(
            label=label,
            help_text=help_text,
            choices=[("", "Okänd"), ("true", "Ja"), ("false", "Nej")],
            coerce=lambda v: v == "true",
            empty_value=None,
            required=required,
        )
    if spec.kind is Kind.SET:
        return forms.MultipleChoiceField(
            label=label,
            help_text=help_text,
            choices=list(zip(spec.values, spec.value_labels, strict=True)),
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
    if spec.kind is Kind.INT:
        return forms.IntegerField(
            label=label, help_text=help_text, min_value=0, max_value=130, required=required
        )
    if spec.kind is Kind.CODE:
        return forms.ChoiceField(
            label=label, help_text=help_text, choices=municipality_choices(), required=required
        )
    if spec.kind is Kind.TIME:
        return forms.CharField(
            label=label,
            help_text=help_text,
            required=required,
            widget=forms.TextInput(attrs={"type": "time"}),
        )
    if spec.kind is Kind.TEXT:
        return forms.ChoiceField(
            label=label, help_text=help_text, choices=health_centre_choices, required=required
        )
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=[("", "Okänd"), *zip(spec.values, spec.value_labels, strict=True)],
        required=required,
    )


class FactForm(forms.Form):
    """One fact: the name chosen in the query (?name=housing) or a select."""

    name = forms.ChoiceField(label=_("Uppgift"), choices=())
    valid_from = forms.DateField(label=_("Gäller från"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("Anledning"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Varför uppgiften ändras (skriv inga personnummer)."),
    )

    def __init__(self, *args: Any, fact_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [(n, FACTS[n].label) for n in PERSON_FACTS]  # type: ignore[attr-defined]
        self.fact_name = fact_name
        if fact_name:
            self.fields["name"].widget = forms.HiddenInput()
            self.fields["value"] = _fact_field(fact_name)
            self.order_fields(["name", "value", "valid_from", "reason"])

    def value(self) -> Any:
        value = self.cleaned_data.get("value")
        if value == "" or value == []:
            return None if FACTS[self.fact_name or ""].kind is not Kind.SET else []
        return value


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Insats"), choices=INTERVENTION_CHOICES)
    start = forms.DateField(label=_("Startdatum"), widget=DateInput())
    end = forms.DateField(label=_("Slutdatum"), required=False, widget=DateInput())
    status = forms.ChoiceField(
        label=_("Status"), choices=InterventionStatus.choices, initial=InterventionStatus.ACTIVE
    )
    performing_unit = forms.ModelChoiceField(
        label=_("Utförande enhet"), queryset=Unit.objects.none(), required=False
    )
    ordering_organisation = forms.ModelChoiceField(
        label=_("Beställande organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("– Ingen –"),
    )
    decide_now = forms.BooleanField(
        label=_("Besluta ansvaret direkt"), required=False, initial=True
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["performing_unit"].queryset = organisation.units.all()  # type: ignore[attr-defined]
        for name in sorted(INTERVENTION_FACTS, key=list(FACTS).index):
            self.fields[f"fact_{name}"] = _fact_field(name)

    def intervention_facts(self) -> dict[str, Any]:
        out = {}
        for name in INTERVENTION_FACTS:
            value = self.cleaned_data.get(f"fact_{name}")
            if value not in (None, "", []):
                out[name] = value
        return out

    def fact_fields(self) -> list[Any]:
        return [self[f"fact_{name}"] for name in sorted(INTERVENTION_FACTS, key=list(FACTS).index)]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in ("kind", "start", "end", "status", "performing_unit",
                                        "ordering_organisation")]  # fmt: skip


class InterventionEditForm(forms.Form):
    """End date, status and the intervention's own facts (empty = unknown)."""

    end = forms.DateField(label=_("Slutdatum"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=InterventionStatus.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in _intervention_fact_names():
            self.fields[f"fact_{name}"] = _fact_field(name)

    def intervention_facts(self) -> dict[str, Any]:
        """Every intervention fact; None removes it."""
        out: dict[str, Any] = {}
        for name in _intervention_fact_names():
            value = self.cleaned_data.get(f"fact_{name}")
            out[name] = None if value in (None, "", []) else value
        return out

    def fact_fields(self) -> list[Any]:
        return [self[f"fact_{name}"] for name in _intervention_fact_names()]

    def main_fields(self) -> list[Any]:
        return [self["end"], self["status"]]


def _intervention_fact_names() -> list[str]:
    return sorted(INTERVENTION_FACTS, key=list(FACTS).index)


def initial_fact_value(value: Any) -> Any:
    """A stored fact value as a form's initial value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class AssessmentForm(forms.Form):
    intervention_kind = forms.ChoiceField(label=_("Insats"), choices=INTERVENTION_CHOICES)
    measure = forms.CharField(
        label=_("Åtgärd som bedömts"),
        max_length=300,
        help_text=_("T.ex. insulininjektion, stödstrumpor, såromläggning."),
    )
    result = forms.ChoiceField(
        label=_("Resultat"), choices=SelfCareResult.choices, widget=forms.RadioSelect
    )
    performed_by_person_or_others = forms.CharField(
        label=_("Vem utför åtgärden"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Vad personen själv eller någon annan (närstående, personal) utför."),
    )
    review_date = forms.DateField(label=_("Omprövas senast"), widget=DateInput())
    guardians = forms.CharField(
        label=_("Vårdnadshavare (för barn)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("En per rad: namn och relation."),
    )
    notes = forms.CharField(
        label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def guardian_list(self) -> list[str]:
        text = self.cleaned_data.get("guardians") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class PerformerChangeForm(forms.Form):
    new_performer = forms.CharField(
        label=_("Ny utförare"),
        max_length=300,
        help_text=_("Vem tar över den praktiska vården (t.ex. hemtjänsten, en närstående)?"),
    )


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl till omprövning"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CompleteTaskForm(forms.Form):
    note = forms.CharField(
        label=_("Anteckning"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class QuestionForm(forms.Form):
    """One question of "Besvara frågorna": the fact's value, required (skipping is its own
    button); for a person fact also from when it holds (today unless stated) and why."""

    def __init__(self, *args: Any, fact_name: str, person_fact: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fact_name = fact_name
        field = _fact_field(fact_name, required=FACTS[fact_name].kind is not Kind.SET)
        if FACTS[fact_name].kind in (Kind.BOOL, Kind.ENUM):
            # Answered as in the guide: one of the values, as radio buttons ("Okänd" is
            # what "Hoppa över" says).
            field.choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]
            field.widget = forms.RadioSelect(choices=field.choices)  # type: ignore[attr-defined]
        self.fields["value"] = field
        if person_fact:
            self.fields["valid_from"] = forms.DateField(
                label=_("Gäller från"), widget=DateInput(), initial=timezone.localdate
            )
            self.fields["reason"] = FactForm.base_fields["reason"]

    def value(self) -> Any:
        value = self.cleaned_data.get("value")
        return [] if value in ("", None) and FACTS[self.fact_name].kind is Kind.SET else value
