"""Forms of the tjänsteköp pages. They shape input; the rules live in the services, and the
views copy a service problem back onto the field it names."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import HUVUDMAN_KINDS, Organisation, OrganisationKind, Unit
from samverkan.core.forms import DateInput, TimeInput
from samverkan.purchases.bases import basis_choices, month_start
from samverkan.purchases.errors import PurchasesError
from samverkan.purchases.models import AGREEMENT_CHOICES, Band, ImportBatch, PriceUnit
from samverkan.purchases.timesplit import STOCKHOLM
from samverkan.rules import INTERVENTIONS

# Field names of the services → form fields.
FIELD_MAP = {"start": "start", "end": "end", "date": "date", "person": "person"}


class MonthField(forms.CharField):
    """A month as ``ÅÅÅÅ-MM`` (``<input type="month">``) → the first day of it."""

    widget = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        value = super().to_python(value)
        if not value:
            return None
        try:
            year, month = (int(p) for p in str(value).split("-")[:2])
            return dt.date(year, month, 1)
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Ange månad som ÅÅÅÅ-MM.")) from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        return value


def apply_problems(form: forms.Form, error: PurchasesError) -> None:
    """Put each problem on the field it names (else on the form)."""
    for p in error.problems:
        field = FIELD_MAP.get(p.field or "", p.field or "")
        if field in form.fields:
            form.add_error(field, p.message)
        else:
            form.add_error(None, p.message)


def intervention_choices() -> list[tuple[str, str]]:
    return list(INTERVENTIONS.items())


class ServiceForm(forms.Form):
    """Fast entry on a tablet: date, start, end, person, intervention; the rest defaults."""

    date = forms.DateField(label=_("Datum"), widget=DateInput())
    start = forms.TimeField(label=_("Start"), widget=TimeInput())
    end = forms.TimeField(label=_("Slut"), widget=TimeInput())
    over_midnight = forms.BooleanField(
        label=_("Insatsen passerar midnatt (slutar nästa dag)"), required=False
    )
    long_confirmed = forms.BooleanField(label=_("Ja, tiden stämmer"), required=False)
    person = forms.ChoiceField(label=_("Person"))
    intervention = forms.ChoiceField(label=_("Insats"), choices=intervention_choices)
    basis = forms.ChoiceField(label=_("Avtalsgrund"))
    orderer = forms.ModelChoiceField(
        label=_("Beställare"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Regionen (standard)"),
    )
    orderer_unit = forms.ModelChoiceField(
        label=_("Beställande enhet"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("– Ingen särskild enhet –"),
        help_text=_("Enheten hos beställaren; fakturan får enhetens referens."),
    )
    dispute_ref = forms.CharField(
        label=_("Tvistreferens"),
        max_length=64,
        required=False,
        help_text=_("Bara när kostnadsansvaret är tvistigt (ärendenummer)."),
    )

    def __init__(
        self,
        *args: Any,
        persons: list[tuple[str, str]] | None,
        organisation: Organisation,
        staff: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial",
            {"date": timezone.localdate(), "intervention": "nursing"},
        )
        super().__init__(*args, **kwargs)
        if persons is None:
            # The ekonom picks nobody from a list of names (need-to-know): she enters the
            # identifier from the document she registers from.
            self.fields["person"] = forms.CharField(
                label=_("Personens identitet"),
                max_length=20,
                help_text=_("Personnummer, samordningsnummer eller reservnummer."),
                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
            )
        else:
            cast(forms.ChoiceField, self.fields["person"]).choices = [
                ("", _("– Välj person –")),
                *persons,
            ]
        choices = basis_choices(organisation.region)
        cast(forms.ChoiceField, self.fields["basis"]).choices = choices
        if choices and not self.is_bound:
            self.initial.setdefault("basis", choices[0][0])
        # the other huvudmän (a private provider's orderer is not its own huvudman)
        cast(forms.ModelChoiceField, self.fields["orderer"]).queryset = Organisation.objects.filter(
            region=organisation.region, kind__in=HUVUDMAN_KINDS
        ).exclude(pk=organisation.huvudman.pk)
        # the units of those huvudmän; the service checks the unit is the orderer's
        cast(forms.ModelChoiceField, self.fields["orderer_unit"]).queryset = (
            Unit.objects.filter(
                organisation__region=organisation.region,
                organisation__kind__in=HUVUDMAN_KINDS,
            )
            .exclude(organisation=organisation.huvudman)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        self._offer_units_of_chosen_orderer(organisation)
        for name in ("date", "start", "end"):
            self.fields[name].widget.attrs["class"] = "big-input"
        if staff is not None:  # ekonom/MAS register for the organisation's staff
            self.fields["staff"] = forms.ChoiceField(
                label=_("Utförare"), choices=[("", _("– Välj utförare –")), *staff]
            )

    #: Set by ``clean`` when the duration exceeds the maximum and is not yet confirmed.
    asks_long = False

    def _offer_units_of_chosen_orderer(self, organisation: Organisation) -> None:
        """The list offers only the chosen orderer's units (the region's when none is chosen
        and the region is the default orderer). Validation keeps the whole region's units, so
        a unit of another orderer gets the service's own error naming the orderer."""
        field = cast(forms.ModelChoiceField, self.fields["orderer_unit"])
        chosen = self.data.get("orderer") if self.is_bound else self.initial.get("orderer")
        if isinstance(chosen, Organisation):
            chosen = chosen.pk
        orderers = cast(QuerySet[Organisation], self.fields["orderer"].queryset)  # type: ignore[attr-defined]
        units = cast(QuerySet[Unit], field.queryset)
        orderer = None
        if chosen and str(chosen).isdigit():
            orderer = orderers.filter(pk=int(chosen)).first()
        elif organisation.is_municipality:  # the registration's default orderer
            orderer = orderers.filter(kind=OrganisationKind.REGION).first()
        # with JavaScript, choosing the orderer reloads this list (the page's "Visa enheter"
        # button does the same without it)
        cast(forms.ModelChoiceField, self.fields["orderer"]).widget.attrs.update(
            {
                "hx-get": f"{reverse('purchases:index')}?enheter=1",
                "hx-include": "this",
                "hx-target": "#falt-bestallande-enhet",
                "hx-select": "#falt-bestallande-enhet",
                "hx-swap": "outerHTML",
            }
        )
        if orderer is None:
            return
        field.widget.choices = [
            ("", field.empty_label),
            *((unit.pk, unit.name) for unit in units.filter(organisation=orderer)),
        ]

    def clean(self) -> dict[str, Any]:
        """Plausibility: an end before the start is refused unless the user states that the
        service passes midnight; a duration beyond ``SAMVERKAN_MAX_SERVICE_MINUTES`` is saved
        only after "Ja, tiden stämmer"."""
        data = super().clean() or {}
        if not all(data.get(k) for k in ("date", "start", "end")):
            return data
        if data["end"] == data["start"]:
            self.add_error("end", _("Sluttiden är samma som starttiden."))
            return data
        if data["end"] < data["start"] and not data.get("over_midnight"):
            self.add_error(
                "end",
                _(
                    "Sluttiden är före starttiden. Passerar insatsen midnatt? Kryssa i så fall i "
                    "”Insatsen passerar midnatt” och spara igen; annars rätta tiden."
                ),
            )
            return data
        start, end = self.times()
        minutes = int((end - start).total_seconds() // 60)
        limit = settings.SAMVERKAN_MAX_SERVICE_MINUTES
        if minutes > limit and not data.get("long_confirmed"):
            self.asks_long = True
            self.add_error(
                "end",
                _(
                    "Insatsen blir %(hours)s timmar och %(minutes)s minuter, längre än "
                    "%(limit)s timmar. Stämmer tiden? Kryssa i ”Ja, tiden stämmer” och spara igen."
                )
                % {"hours": minutes // 60, "minutes": minutes % 60, "limit": limit // 60},
            )
        return data

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        day: dt.date = self.cleaned_data["date"]
        start = dt.datetime.combine(day, self.cleaned_data["start"], tzinfo=STOCKHOLM)
        end = dt.datetime.combine(day, self.cleaned_data["end"], tzinfo=STOCKHOLM)
        if end <= start:  # only with "passerar midnatt" (see clean)
            end += dt.timedelta(days=1)
        return start, end


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Skäl"), max_length=300)


class MonthForm(forms.Form):
    month = MonthField(label=_("Månad"), required=False)

    def month_or_default(self) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("month"):
            return self.cleaned_data["month"]
        return month_start(timezone.localdate())


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-fil"), help_text=_("UTF-8, semikolon eller komma, en rubrikrad.")
    )
    mode = forms.ChoiceField(
        label=_("Om någon rad är fel"),
        choices=ImportBatch.Mode.choices,
        initial=ImportBatch.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )


class RunForm(forms.Form):
    month = MonthField(label=_("Månad"))
    buyer = forms.ModelChoiceField(
        label=_("Köpare"), queryset=Organisation.objects.none(), empty_label=_("– Välj köpare –")
    )

    def __init__(self, *args: Any, seller: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["buyer"]).queryset = Organisation.objects.filter(
            region=seller.region, kind__in=HUVUDMAN_KINDS
        ).exclude(pk=seller.pk)


class CreditForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl till kreditering"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class PriceForm(forms.Form):
    agreement = forms.ChoiceField(label=_("Avtal"), choices=AGREEMENT_CHOICES)
    intervention = forms.ChoiceField(
        label=_("Insats"),
        required=False,
        choices=lambda: [("", "Alla insatser"), *intervention_choices()],
    )
    band = forms.ChoiceField(
        label=_("Tidsband"), required=False, choices=[("", "Alla tider"), *Band.choices]
    )
    unit = forms.ChoiceField(
        label=_("Enhet"), choices=[(PriceUnit.HOUR, "per timme"), (PriceUnit.VISIT, "per besök")]
    )
    amount = forms.DecimalField(label=_("Belopp (kr)"), min_value=0, decimal_places=2)
    valid_from = forms.DateField(label=_("Gäller från"), widget=DateInput())
    valid_to = forms.DateField(label=_("Gäller till och med"), widget=DateInput(), required=False)
    source = forms.CharField(
        label=_("Källa/beslut"),
        max_length=300,
        required=False,
        help_text=_("T.ex. beslut i samverkansforum, datum."),
    )
    replaces = forms.IntegerField(required=False, widget=forms.HiddenInput)


class BuyerRuleForm(forms.Form):
    """A buyer's rule for incoming invoices (samverkan.purchases.buyers.save_rule)."""

    reference_format = forms.ChoiceField(label=_("Format för Er referens"), choices=())
    invoice_reference = forms.CharField(
        label=_("Fakturareferens (Er referens)"),
        max_length=100,
        required=False,
        help_text=_("Referensen som skrivs i fakturan; den kontrolleras mot formatet."),
    )
    attachment_types = forms.CharField(
        label=_("Bilagetyper som tas emot"),
        max_length=200,
        required=False,
        help_text=_("Tomt: alla typer. Annars t.ex. PDF, JPG, PNG, TIFF, GIF, CSV."),
    )
    detail_channel = forms.ChoiceField(label=_("Underlag på individnivå"), choices=())
    source = forms.CharField(
        label=_("Källa"),
        max_length=400,
        required=False,
        help_text=_("Var mottagaren publicerar regeln, t.ex. sidan för leverantörer."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from samverkan.purchases.buyers import REFERENCE_FORMATS
        from samverkan.purchases.models import DetailChannel

        super().__init__(*args, **kwargs)
        fmt = self.fields["reference_format"]
        channel = self.fields["detail_channel"]
        assert isinstance(fmt, forms.ChoiceField) and isinstance(channel, forms.ChoiceField)
        fmt.choices = [(key, label) for key, (label, _p, _r) in REFERENCE_FORMATS.items()]
        channel.choices = DetailChannel.choices


class UnitReferenceForm(forms.Form):
    """The "Er referens" of one of a buyer's ordering units (buyers.save_unit_reference)."""

    unit = forms.ModelChoiceField(
        label=_("Beställande enhet"), queryset=Unit.objects.none(), empty_label=_("– Välj enhet –")
    )
    reference = forms.CharField(
        label=_("Er referens för enheten"),
        max_length=100,
        required=False,
        help_text=_(
            "Skrivs i fakturan för insatser som enheten beställt; kontrolleras mot formatet. "
            "Tomt: organisationens fakturareferens."
        ),
    )

    def __init__(self, *args: Any, buyer: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = cast(forms.ModelChoiceField, self.fields["unit"])
        unit.queryset = Unit.objects.filter(organisation=buyer).order_by("name")
        unit.label_from_instance = lambda u: u.name  # type: ignore[method-assign,assignment]
