"""Forms of the SIP pages. They turn POST data into PlanData and service arguments; the
rules themselves live in `plan.check_plan` and the services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Organisation, Unit
from samverkan.core.forms import DateInput, DateTimeInput
from samverkan.sip.models import (
    EXTENSIVE_HOME_CARE_CHOICES,
    ActionStatus,
    AgreementContext,
    AssessmentProvision,
    CompulsoryCare,
    ConsentGiver,
    ConsentScope,
    Huvudman,
    Likelihood,
    Severity,
)
from samverkan.sip.plan import ActionRow, ChecklistRow, ContactRow, PlanData, RiskRow, lines

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def date_field(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


def datetime_field(label: Any, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


class OrganisationField(forms.ModelChoiceField):
    def __init__(self, label: Any, required: bool = True, **kwargs: Any):
        super().__init__(
            queryset=Organisation.objects.order_by("region", "kind", "name"),
            label=label,
            required=required,
            empty_label=_("Välj organisation"),
            **kwargs,
        )


def unit_choices(organisations: Iterable[Organisation] | None = None) -> list[Any]:
    """Units grouped by organisation (an <optgroup> each), for selects that work without JS."""
    units = Unit.objects.select_related("organisation").order_by("organisation__name", "name")
    if organisations is not None:
        units = units.filter(organisation__in=list(organisations))
    groups: dict[str, list[tuple[str, str]]] = {}
    for unit in units:
        groups.setdefault(unit.organisation.name, []).append((str(unit.pk), unit.name))
    return [("", _("Ingen särskild enhet")), *groups.items()]


class UnitField(forms.ChoiceField):
    """A unit select grouped by organisation; cleans to a Unit or None."""

    def __init__(self, label: Any, **kwargs: Any):
        kwargs.setdefault("required", False)
        super().__init__(label=label, choices=unit_choices, **kwargs)

    def clean(self, value: Any) -> Unit | None:
        value = super().clean(value)
        if not value:
            return None
        return Unit.objects.select_related("organisation").get(pk=int(value))

    def prepare_value(self, data: Any) -> Any:
        return data.pk if isinstance(data, Unit) else data


def plan_organisations(sip: Any, plan: PlanData | None = None) -> list[Organisation]:
    """The organisations the plan form offers: the parties in the region of the agreement the
    SIP is made under (the initiator's region for a SIP under the law only), and any already
    named in the plan (an older choice stays visible)."""
    region = sip.region
    chosen: set[int] = set()
    if plan is not None:
        chosen = {
            o.pk
            for o in (
                plan.overall_responsible_organisation,
                *(a.organisation for a in plan.actions),
                *(c.organisation for c in plan.care_contacts),
            )
            if o is not None
        }
    query = Organisation.objects.filter(region=region) | Organisation.objects.filter(pk__in=chosen)
    return list(query.distinct().order_by("region", "kind", "name"))


def narrow(form: forms.Form, organisations: list[Organisation] | None, prefix: str = "") -> None:
    """Offer only `organisations` and their units; choosing an organisation narrows its row's
    unit list (HTMX; without JS the list holds these organisations' units)."""
    pairs = [("organisation", "unit")]
    if "overall_responsible_organisation" in form.fields:
        pairs = [("overall_responsible_organisation", "overall_responsible_unit")]
    for org_name, unit_name in pairs:
        if organisations is not None:
            form.fields[org_name].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
                pk__in=[o.pk for o in organisations]
            ).order_by("region", "kind", "name")
            form.fields[unit_name].choices = unit_choices(organisations)  # type: ignore[attr-defined]
        form.fields[org_name].widget.attrs.update(
            {
                "hx-get": reverse("sip:unit_options"),
                "hx-target": f"#{str(form.auto_id) % form.add_prefix(unit_name)}",
                "hx-trigger": "change",
            }
        )


class StartSipForm(forms.Form):
    agreement = forms.ChoiceField(label=_("Avtal som planen görs enligt"), required=False)
    on_request_of_person = forms.BooleanField(
        label=_("Personen har själv begärt en SIP"), required=False
    )
    end_of_life = forms.BooleanField(label=_("Vård i livets slutskede"), required=False)
    discharge_from_inpatient_care = forms.BooleanField(
        label=_("Planen gäller utskrivning från sluten vård"), required=False
    )
    extensive_home_care = forms.ChoiceField(
        label=_("Omfattande hälso- och sjukvårdsinsatser i hemmet"),
        choices=EXTENSIVE_HOME_CARE_CHOICES,
        required=False,
        help_text=_("Gävleborg: målgruppen för checklista och riskanalys före utskrivning."),
    )
    compulsory_care = forms.ChoiceField(
        label=_("Öppen tvångsvård"), choices=CompulsoryCare.choices, required=False
    )

    def __init__(self, *args: Any, agreements: Iterable[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].choices = [  # type: ignore[attr-defined]
            *[(value, AgreementContext(value).label) for value in agreements],
            ("", _("Ingen särskild överenskommelse (HSL 16 kap. 4 §, SoL 2 kap. 7 §)")),
        ]


class ConsentForm(forms.Form):
    given_by = forms.ChoiceField(
        label=_("Grund för att dela planen"),
        choices=[
            (v, label)
            for v, label in ConsentGiver.choices
            if v != ConsentGiver.LEGAL_REPRESENTATIVE
        ],
        widget=forms.RadioSelect,
        initial=ConsentGiver.PERSON,
        help_text=_(
            "En SIP görs om den enskilde samtycker (hälso- och sjukvårdslagen 16 kap. 4 §, "
            "socialtjänstlagen 2 kap. 7 §). För ett barn samtycker vårdnadshavaren. En god "
            "man eller förvaltare kan inte samtycka i personens ställe: kan en vuxen inte "
            "själv ta ställning, dokumentera bedömningen nedan."
        ),
    )
    given_by_name = forms.CharField(
        label=_("Vårdnadshavarens namn"), required=False, max_length=200
    )
    given_at = datetime_field(_("När lämnades samtycket eller gjordes bedömningen?"), required=True)
    assessed_by_name = forms.CharField(
        label=_("Bedömningen gjord av (namn och yrke)"), required=False, max_length=200
    )
    assessment_reason = forms.CharField(
        label=_("Varför kan personen inte ta ställning, och varför är villkoret uppfyllt?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    provision = forms.ChoiceField(
        label=_("Bestämmelse bedömningen stöds på"),
        choices=[("", _("Välj bestämmelse")), *AssessmentProvision.choices],
        required=False,
    )
    scope = forms.ChoiceField(
        label=_("Vilka får ta del av planen?"),
        choices=ConsentScope.choices,
        widget=forms.RadioSelect,
        initial=ConsentScope.ALL_INVITED,
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisationer (om bara angivna)"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, sip: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The SIP's region's parties (and any invited), not both counties' organisations.
        self.fields["organisations"].queryset = (  # type: ignore[attr-defined]
            sip.offered_organisations()
            .exclude(pk=sip.initiated_by_organisation_id)
            .order_by("kind", "name")
        )


class EmergencyAccessForm(forms.Form):
    """Nödåtkomst: the person's number, the reason, acute or invited, and the confirmation."""

    identifier = forms.CharField(
        label=_("Personnummer, samordningsnummer eller reservnummer"), max_length=40
    )
    reason = forms.CharField(
        label=_("Skäl till nödåtkomsten"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    acute = forms.BooleanField(
        label=_("Situationen är akut: personen behöver vård nu"), required=False
    )
    confirm = forms.BooleanField(
        label=_(
            "Jag bekräftar att personens samtycke inte kan inhämtas och att planen behövs för "
            "vården nu. Jag vet att åtkomsten loggas och granskas av den vårdgivare som äger "
            "planen."
        ),
        required=False,
    )


class EmergencyReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Vad visade granskningen?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class MeetingForm(forms.Form):
    """The SIP's one meeting."""

    meeting_at = datetime_field(_("Mötestid"))
    meeting_place = forms.CharField(
        label=_("Mötesplats"),
        required=False,
        max_length=200,
        help_text=_("Till exempel en adress eller ett rum. Lämna tomt för ett videomöte."),
    )
    meeting_link = forms.CharField(
        label=_("Länk till videomöte (valfri)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"type": "url", "inputmode": "url"}),
        help_text=_("Börjar med https://"),
    )


class LetterForm(forms.Form):
    recipient = forms.ChoiceField(
        label=_("Vem ska få brevet?"),
        choices=[
            ("person", _("Personen själv")),
            ("relative", _("En närstående som personen vill ha med")),
        ],
        widget=forms.RadioSelect,
        initial="person",
    )
    name = forms.CharField(label=_("Den närståendes namn"), required=False, max_length=200)
    relation = forms.CharField(
        label=_("Relation till personen (valfri), t.ex. dotter"), required=False, max_length=100
    )
    person_consents = forms.BooleanField(
        label=_("Personen har sagt att hen vill att den närstående är med"), required=False
    )


class LetterAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Kommer")), ("decline", _("Kommer inte"))])


class InviteForm(forms.Form):
    """Kallelse: the organisations of the SIP's county (`Sip.offered_organisations`: its
    region, the region's kommuner and the providers they contracted, and any already
    invited), and no units until an organisation is chosen. Choosing one loads its units
    (HTMX: `sip:unit_options`); without JavaScript the "Visa enheter" button posts the form
    back with `SHOW_UNITS` and it is shown again with the chosen organisation's units."""

    SHOW_UNITS = "visa_enheter"

    organisation = OrganisationField(_("Organisation"), required=False)
    unit = UnitField(_("Enhet"))

    def __init__(self, *args: Any, sip: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        offered = list(sip.offered_organisations().order_by("region", "kind", "name"))
        organisation_field = self.fields["organisation"]
        organisation_field.queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in offered]
        ).order_by("region", "kind", "name")
        unit_field = self.fields["unit"]
        # Validation accepts a unit of any offered organisation (the organisation then
        # follows from the unit); the select shows only the chosen organisation's units.
        unit_field.choices = unit_choices(offered)  # type: ignore[attr-defined]
        chosen = self.chosen_organisation(offered)
        unit_field.widget.choices = (  # type: ignore[attr-defined]
            unit_choices([chosen])
            if chosen is not None
            else [("", _("Välj först en organisation"))]
        )
        organisation_field.widget.attrs.update(
            {
                "hx-get": reverse("sip:unit_options") + "?tomt_forst=1",
                "hx-target": "#id_unit",
                "hx-trigger": "change",
            }
        )

    def chosen_organisation(self, offered: list[Organisation]) -> Organisation | None:
        """The organisation chosen in the bound data (or the initial one), if offered."""
        if self.is_bound:
            value = self.data.get(self.add_prefix("organisation"))
        else:
            value = self.initial.get("organisation")
        value = getattr(value, "pk", value)
        return next((o for o in offered if str(o.pk) == str(value)), None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organisation, unit = data.get("organisation"), data.get("unit")
        if organisation is None:
            if unit is not None:
                data["organisation"] = unit.organisation
            elif not self.errors:
                self.add_error("organisation", _("Välj en organisation eller en enhet."))
        elif unit is not None and unit.organisation_id != organisation.pk:
            self.add_error("unit", _("Enheten hör inte till vald organisation."))
        return data


class RespondForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Acceptera")), ("decline", _("Avböj"))])
    note = forms.CharField(label=_("Kommentar"), required=False, max_length=1000)


# --- the plan editor ----------------------------------------------------------------------


class PlanForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput)
    goals = forms.CharField(
        label=_("Mina mål – med personens egna ord"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ett mål per rad."),
    )
    needs = forms.CharField(
        label=_("Behov"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ett behov per rad."),
    )
    # Shown under the legend "Övergripande ansvar och uppföljning".
    overall_responsible_organisation = OrganisationField(_("Organisation"), required=False)
    overall_responsible_unit = UnitField(_("Enhet"))
    overall_responsibility_note = forms.CharField(
        label=_("Vem (funktion)"), required=False, max_length=300
    )
    follow_up_date = date_field(_("Uppföljning senast"))
    end_of_life = forms.BooleanField(label=_("Vård i livets slutskede"), required=False)
    discharge_from_inpatient_care = forms.BooleanField(
        label=_("Planen gäller utskrivning från sluten vård"), required=False
    )
    extensive_home_care = forms.ChoiceField(
        label=_("Omfattande hälso- och sjukvårdsinsatser i hemmet"),
        choices=EXTENSIVE_HOME_CARE_CHOICES,
        required=False,
    )
    compulsory_care = forms.ChoiceField(
        label=_("Öppen tvångsvård"), choices=CompulsoryCare.choices, required=False
    )
    chief_physician_name = forms.CharField(
        label=_("Chefsöverläkare (ansvarig vid öppen LPT/LRV)"), required=False, max_length=200
    )
    change_note = forms.CharField(
        label=_("Vad ändrades? (kort, utan personuppgifter)"), required=False, max_length=300
    )

    def __init__(self, *args: Any, organisations: list[Organisation] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        narrow(self, organisations)


class _NarrowedRow(forms.Form):
    def __init__(self, *args: Any, organisations: list[Organisation] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        narrow(self, organisations)


class ActionForm(_NarrowedRow):
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        label=_("Insats/åtgärd"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    huvudman = forms.ChoiceField(
        label=_("Ansvarig huvudman"), choices=[("", "–"), *Huvudman.choices]
    )
    organisation = OrganisationField(_("Organisation"))
    unit = UnitField(_("Enhet"))
    due = date_field(_("Klart senast"))
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED
    )


class ContactForm(_NarrowedRow):
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    name_or_role = forms.CharField(label=_("Namn eller funktion"), max_length=200)
    organisation = OrganisationField(_("Organisation"))
    unit = UnitField(_("Enhet"))
    phone = forms.CharField(
        label=_("Telefonnummer"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    is_physician = forms.BooleanField(label=_("Läkare"), required=False)
    responsibility = forms.CharField(label=_("Ansvarsområde"), required=False, max_length=300)


class ChecklistForm(forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.HiddenInput, max_length=300)
    done = forms.BooleanField(required=False)


class RiskForm(forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    risk = forms.CharField(
        label=_("Risk (vad kan hända?)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    consequence = forms.CharField(label=_("Konsekvens"), widget=forms.Textarea(attrs={"rows": 2}))
    likelihood = forms.TypedChoiceField(
        label=_("Sannolikhet"), choices=[("", "–"), *Likelihood.choices], coerce=int
    )
    severity = forms.TypedChoiceField(
        label=_("Allvarlighetsgrad"), choices=[("", "–"), *Severity.choices], coerce=int
    )
    measures = forms.CharField(
        label=_("Åtgärder"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label=_("Ansvarig"), required=False, max_length=200)
    due = date_field(_("Klart senast"))


ActionFormSet = forms.formset_factory(ActionForm, extra=1, can_delete=True)
ContactFormSet = forms.formset_factory(ContactForm, extra=1, can_delete=True)
ChecklistFormSet = forms.formset_factory(ChecklistForm, extra=0)
RiskFormSet = forms.formset_factory(RiskForm, extra=1, can_delete=True)

FORMSETS: dict[str, type[forms.BaseFormSet]] = {
    "actions": ActionFormSet,
    "contacts": ContactFormSet,
    "checklist": ChecklistFormSet,
    "risks": RiskFormSet,
}


def plan_initial(plan: PlanData, base_version: int) -> dict[str, Any]:
    return {
        "base_version": base_version,
        "goals": "\n".join(plan.goals),
        "needs": "\n".join(plan.needs),
        "overall_responsible_organisation": plan.overall_responsible_organisation,
        "overall_responsible_unit": plan.overall_responsible_unit,
        "overall_responsibility_note": plan.overall_responsibility_note,
        "follow_up_date": plan.follow_up_date,
        "end_of_life": plan.end_of_life,
        "discharge_from_inpatient_care": plan.discharge_from_inpatient_care,
        "extensive_home_care": plan.extensive_home_care,
        "compulsory_care": plan.compulsory_care,
        "chief_physician_name": plan.chief_physician_name,
    }


def formset_initial(plan: PlanData) -> dict[str, list[dict[str, Any]]]:
    return {
        "actions": [
            {
                "key": a.key,
                "description": a.description,
                "huvudman": a.huvudman,
                "organisation": a.organisation,
                "unit": a.unit,
                "due": a.due,
                "status": a.status,
            }
            for a in plan.actions
        ],
        "contacts": [
            {
                "key": c.key,
                "name_or_role": c.name_or_role,
                "organisation": c.organisation,
                "unit": c.unit,
                "is_physician": c.is_physician,
                "responsibility": c.responsibility,
                "phone": c.phone,
            }
            for c in plan.care_contacts
        ],
        "checklist": [{"key": i.key, "text": i.text, "done": i.done} for i in plan.checklist],
        "risks": [
            {
                "key": r.key,
                "risk": r.risk,
                "consequence": r.consequence,
                "likelihood": r.likelihood,
                "severity": r.severity,
                "measures": r.measures,
                "owner": r.owner,
                "due": r.due,
            }
            for r in plan.risks
        ],
    }


def _kept(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        rows.append(data)
    return rows


def plan_from_forms(form: PlanForm, formsets: dict[str, forms.BaseFormSet]) -> PlanData:
    """PlanData from a valid PlanForm and its valid formsets."""
    data = form.cleaned_data
    return PlanData(
        goals=lines(data["goals"]),
        needs=lines(data["needs"]),
        overall_responsible_organisation=data["overall_responsible_organisation"],
        overall_responsible_unit=data["overall_responsible_unit"],
        overall_responsibility_note=data["overall_responsibility_note"].strip(),
        follow_up_date=data["follow_up_date"],
        end_of_life=data["end_of_life"],
        discharge_from_inpatient_care=data["discharge_from_inpatient_care"],
        extensive_home_care=data["extensive_home_care"],
        compulsory_care=data["compulsory_care"],
        chief_physician_name=data["chief_physician_name"].strip(),
        change_note=data["change_note"].strip(),
        actions=[
            ActionRow(
                description=row["description"],
                huvudman=row["huvudman"],
                organisation=row["organisation"],
                unit=row["unit"],
                due=row["due"],
                status=row["status"],
                key=row["key"],
            )
            for row in _kept(formsets["actions"])
        ],
        care_contacts=[
            ContactRow(
                organisation=row["organisation"],
                name_or_role=row["name_or_role"],
                unit=row["unit"],
                is_physician=row["is_physician"],
                responsibility=row["responsibility"],
                key=row["key"],
                phone=row["phone"].strip(),
            )
            for row in _kept(formsets["contacts"])
        ],
        checklist=[
            ChecklistRow(text=row["text"], done=row["done"], key=row["key"])
            for row in _kept(formsets["checklist"])
        ],
        risks=[
            RiskRow(
                risk=row["risk"],
                consequence=row["consequence"],
                likelihood=row["likelihood"],
                severity=row["severity"],
                measures=row["measures"],
                owner=row["owner"],
                due=row["due"],
                key=row["key"],
            )
            for row in _kept(formsets["risks"])
        ],
    )


class FollowUpForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput)
    notes = forms.CharField(
        label=_("Hur har det gått? (personens och deltagarnas bedömning)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_follow_up = date_field(_("Nästa uppföljning senast"), required=True)

    def __init__(self, *args: Any, actions: Iterable[ActionRow] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.action_fields = []
        for action in actions:
            name = f"status_{action.key}"
            self.fields[name] = forms.ChoiceField(
                label=action.description,
                choices=ActionStatus.choices,
                initial=action.status,
            )
            self.action_fields.append(name)

    def action_statuses(self) -> dict[str, str]:
        return {
            name.removeprefix("status_"): self.cleaned_data[name] for name in self.action_fields
        }
