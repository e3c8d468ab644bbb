"""The simulation form: a rule variant without code (a rule, a change) or as JSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverkan.core.forms import DateInput
from samverkan.core.upload_settings import limits_for
from samverkan.core.uploads import UploadError, json_error_text, load_json
from samverkan.followup import discharge_days
from samverkan.followup import simulation as sim
from samverkan.followup.errors import SimulationError
from samverkan.followup.models import PopulationSource
from samverkan.followup.services import MAX_SYNTHETIC, county_size, parse_variant
from samverkan.rules import DIMENSION_VALUES, DIMENSIONS, REGIONS, agreement_name

# The forum's questions (issue 13): a named number of the agreement first, then who is
# responsible in a situation, then a rule removed; a number of one rule's condition only is
# the last, finer choice.
NAMED = "named"
DISCHARGE_DAYS = "discharge_days"  # the discharge question (issue 16), on recorded stays
OP_CHOICES = [
    (NAMED, _("Ändra ett tal i avtalet (t.ex. antal ADL-behov, åldersgräns)")),
    (
        DISCHARGE_DAYS,
        _("Ändra antalet dagar innan kommunen betalar för en utskrivningsklar patient"),
    ),
    (
        "set_outcome",
        _("Ändra vem som har ansvaret i en situation (t.ex. LSS-boende till kommunen)"),
    ),
    ("disable", _("Ta bort en regel ur avtalet")),
    ("set_parameter", _("Ändra ett tal i en enda regels villkor")),
]


def named_choices(regions: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The agreements' named numbers as questions, grouped by agreement, with today's value."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for p in sim.named_parameters():
        if p.region not in regions:
            continue
        question = sim.parameter_question(p)[0]
        now = sim.format_time(p.value) if p.is_time else p.value
        unit = "" if p.unit in ("antal", "klockslag") else f" {p.unit}"
        groups.setdefault(agreement_name(p.agreement), []).append(
            (p.name, f"{question} (i dag {now}{unit})")
        )
    return list(groups.items())


def variant_fields(variant: dict[str, Any]) -> dict[str, Any] | None:
    """A variant (an example's, a saved one's) as the form's own fields, where its changes
    are one question: one named number changed, every change the same named number to the
    same value, or one change of who decides or one rule removed. None: the variant needs
    the technical part (the variant as JSON)."""
    changes = variant.get("changes") or []
    if not changes:
        return None
    if len(changes) == 1 and changes[0].get("op") == discharge_days.OP:
        return {
            "op": DISCHARGE_DAYS,
            "days": changes[0].get("days"),
            "psychiatric_days": changes[0].get("psychiatric_days"),  # absent: the same days
        }
    if len(changes) == 1 and changes[0].get("op") == "set_parameter" and "name" in changes[0]:
        value = changes[0].get("value")
        if sim.named_parameter(str(changes[0]["name"])) is None or not isinstance(value, int):
            return None
        return {"op": NAMED, "named": changes[0]["name"], "new_value": value}
    if all(c.get("op") == "set_parameter" and "rule" in c for c in changes):
        found: set[tuple[str | None, Any]] = set()
        for c in changes:
            info = sim.rule_info(str(c["rule"]))
            found |= {
                (p.named, c.get(p.name))
                for p in (info.parameters if info else ())
                if p.kind == c.get("kind") and p.fact == c.get("fact") and p.name in c
            } or {(None, None)}
        if len(found) == 1:
            ((name, value),) = found
            if name is not None and isinstance(value, int):
                return {"op": NAMED, "named": name, "new_value": value}
        return None
    if len(changes) != 1:
        return None
    (change,) = changes
    if change.get("op") == "set_outcome":
        outcome = f"{change.get('dimension')}={change.get('value')}"
        return {"op": "set_outcome", "rule": change.get("rule"), "outcome": outcome}
    if change.get("op") == "disable":
        return {"op": "disable", "rule": change.get("rule")}
    return None


def rule_choices(regions: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for info in sim.rule_catalogue():
        if info.region not in regions:
            continue
        # The rule in the agreement's words; its id is the value, never shown (issue 13).
        summary = info.summary if len(info.summary) <= 110 else f"{info.summary[:109]}…"
        groups.setdefault(info.agreement_title, []).append((info.id, summary))
    return list(groups.items())


def outcome_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (
            str(DIMENSIONS[dim]),
            [(f"{dim}={value}", f"{DIMENSIONS[dim]}: {label}") for value, label in values.items()],
        )
        for dim, values in DIMENSION_VALUES.items()
    ]


# A variant change's key -> the form field it came from (variants built from the fields).
def _json_problem(text: str, error: UploadError) -> str:
    """The message for a variant written as JSON that the shared reader refused: a limit's
    own message, or for JSON that does not parse where it goes wrong."""
    if error.code != "invalid_json":
        return error.message
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"Ogiltig JSON: {json_error_text(exc)}."  # rad, kolumn and why, in Swedish
    except ValueError:  # e.g. a number of more digits than Python converts
        return "Ogiltig JSON."
    return "Ogiltig JSON: NaN och Infinity är inga JSON-värden."  # strict JSON refuses them


_VARIANT_KEY_FIELDS = {
    "rule": "rule",
    "op": "op",
    "kind": "parameter",
    "fact": "parameter",
    "n": "new_value",
    "start": "new_value",
    "end": "new_value",
    "value": "outcome",
    "dimension": "outcome",
    "name": "named",  # a named number's change: name, value (below), from
    "from": "date",
    "days": "days",  # the discharge question
    "psychiatric_days": "psychiatric_days",
}


def _days_field(label: Any, named: str, help_text: Any) -> forms.IntegerField:
    """A number of days of the discharge question (0–365, optional here: `_discharge_question`
    requires ``days``), out of range or not a number refused naming the field as ``named``."""
    message = f"{named} ska vara ett heltal 0–{discharge_days.MAX_DAYS}."
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=discharge_days.MAX_DAYS,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
        help_text=help_text,
    )


class SimulationForm(forms.Form):
    name = forms.CharField(label=_("Namn på simuleringen"), max_length=200)
    description = forms.CharField(
        label=_("Beskrivning (valfri)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    op = forms.ChoiceField(
        label=_("Vad vill ni pröva?"), choices=OP_CHOICES, required=False, initial=NAMED
    )
    named = forms.ChoiceField(
        label=_("Talet i avtalet"),
        required=False,
        help_text=_(
            "För »Ändra ett tal i avtalet«: talet ändras i alla regler som läser det, från "
            "datumet som prövas."
        ),
    )
    new_value = forms.IntegerField(
        label=_("Nytt värde"),
        required=False,
        min_value=0,
        max_value=2000,
        help_text=_("Det nya talet, t.ex. 2 (behov) eller 21 (år)."),
    )
    days = _days_field(
        _("Dagar efter meddelandet om utskrivningsklar"),
        "Dagar efter meddelandet om utskrivningsklar",
        _(
            "Från vilken dag kommunen betalar för en patient som är utskrivningsklar. Lagens "
            "huvudregel: 3 kalenderdagar efter att kommunen fick meddelandet. Gäller somatisk "
            "slutenvård, och psykiatrisk vård om nästa fält är tomt. Prövas på regionens "
            "registrerade vårdtillfällen under året nedan, för varje kommun."
        ),
    )
    psychiatric_days = _days_field(
        _("Dagar i sluten psykiatrisk vård (valfritt)"),
        "Dagar i sluten psykiatrisk vård",
        _(
            "Ett annat antal dagar efter meddelandet för patienter i sluten psykiatrisk vård. "
            "Tomt: samma antal som ovan. Lagen hade 30 dagar för psykiatrisk vård under 2018, "
            "sedan 3 som för somatisk vård."
        ),
    )
    discharge_year = forms.IntegerField(
        label=_("Vårdtillfällen under år"),
        required=False,
        min_value=discharge_days.FIRST_YEAR,
        max_value=2100,
        help_text=_("Tomt: förra året."),
    )
    rule = forms.ChoiceField(
        label=_("Situationen i avtalet (regeln)"),
        required=False,
        help_text=_(
            "För de andra ändringarna: välj regeln som ändras. Villkor och utfall visas under "
            "listan."
        ),
    )
    parameter = forms.CharField(
        label=_("Villkor att ändra"),
        required=False,
        help_text=_("Vilket tal i villkoret (fylls i när du valt regel)."),
    )
    outcome = forms.ChoiceField(
        label=_("Ny ansvarig huvudman eller annat nytt utfall"), required=False
    )
    variant_json = forms.CharField(
        label=_("Eller: varianten som JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_(
            'Går före fälten ovan. Format: {"name": …, "changes": [{"op": "set_parameter", '
            '"rule": …, "kind": …, "fact": …, "n": 2}]}'
        ),
    )
    source = forms.ChoiceField(
        label=_("Fall"), choices=PopulationSource.choices, initial=PopulationSource.SYNTHETIC
    )
    region = forms.ChoiceField(label=_("Län"))
    n = forms.IntegerField(
        label=_("Antal syntetiska fall"),
        min_value=1,
        max_value=MAX_SYNTHETIC,
        required=False,
        help_text=_("Tomt: lika många fall som länet har invånare."),
    )
    seed = forms.IntegerField(label=_("Slumpfrö"), initial=0, min_value=0, required=False)
    date = forms.DateField(
        label=_("Datum som prövas"),
        initial=dt.date(2026, 1, 1),
        widget=DateInput(),
        help_text=_(
            "Avgör vilka avtal som gäller (Gävleborgs avtal gällde 2018-04-01–2019-12-31)."
        ),
    )
    price_year = forms.IntegerField(
        label=_("Prisår (valfritt)"),
        required=False,
        min_value=2017,
        max_value=2100,
        help_text=_("Tomt: datumets år, eller senaste år med verifierat schablonbelopp."),
    )

    def __init__(self, *args: Any, regions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regions = regions
        rule_field = self.fields["rule"]
        assert isinstance(rule_field, forms.ChoiceField)
        rule_field.choices = [("", _("– välj regel –")), *rule_choices(regions)]
        rule_field.widget.attrs.update(
            {
                "hx-get": reverse("followup:rule"),
                "hx-target": "#rule-detail",
                "hx-swap": "outerHTML",
                "hx-trigger": "change",
            }
        )
        outcome_field, region_field = self.fields["outcome"], self.fields["region"]
        named_field = self.fields["named"]
        assert isinstance(outcome_field, forms.ChoiceField)
        assert isinstance(region_field, forms.ChoiceField)
        assert isinstance(named_field, forms.ChoiceField)
        named_field.choices = [("", _("– välj talet –")), *named_choices(regions)]
        source_field = self.fields["source"]
        assert isinstance(source_field, forms.ChoiceField)
        # Recorded stays are the discharge question's cases: it chooses them itself.
        source_field.choices = [
            c for c in PopulationSource.choices if c[0] != PopulationSource.DISCHARGES
        ]
        if self.data.get("op") == DISCHARGE_DAYS:  # the stays of a year are its cases
            self.fields["date"].required = False
            self.fields["source"].required = False
        discharge_field = self.fields["discharge_year"]
        discharge_field.widget.attrs["placeholder"] = str(discharge_days.default_year())
        outcome_field.choices = [("", "–"), *outcome_choices()]
        region_field.choices = [(r, REGIONS[r].name) for r in regions]
        self.variant: sim.Variant | discharge_days.DischargeDays | None = None

    def add_problem(self, problem: SimulationError) -> None:
        """Put a refused simulation on the field it names: the JSON field when the variant was
        written as JSON, otherwise the form field that gave the change's key; the population's
        fields by their own names."""
        if problem.field and problem.field.startswith("variant"):
            written = (self.data.get("variant_json") or "").strip()
            field = "variant_json" if written else _VARIANT_KEY_FIELDS.get(problem.key or "")
            if not written and problem.key == "value" and self.data.get("op") == NAMED:
                field = "new_value"
        else:
            field = {"year": "discharge_year"}.get(problem.name, problem.name)
        self.add_error(field if field in self.fields else None, problem.message)

    def _variant_data(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        text = (data.get("variant_json") or "").strip()
        if text:
            try:  # the shared upload reader: size, nesting and members limited (form_json)
                size = limits_for("form_json")
                parsed = load_json(text, size, field="variant_json", what="Texten")
            except UploadError as exc:
                self.add_error("variant_json", _json_problem(text, exc))
                return None
            if isinstance(parsed, dict):
                parsed.setdefault("name", data.get("name") or "Variant")
                parsed.setdefault("description", data.get("description") or "")
            return parsed
        rule_id, op = data.get("rule"), data.get("op")
        if op == NAMED:
            named = self._named_change()
            if named is None:
                return None
            return {
                "name": data.get("name") or "Variant",
                "description": data.get("description") or "",
                "changes": [named],
            }
        if not rule_id:
            self.add_error("rule", _("Välj en regel (eller skriv varianten som JSON)."))
            return None
        info = sim.rule_info(rule_id)
        if info is None:
            self.add_error("rule", _("Regeln finns inte."))
            return None
        change: dict[str, Any]
        if op == "set_parameter":
            key, value = data.get("parameter") or "", data.get("new_value")
            parameter = next((p for p in info.parameters if p.key == key), None)
            if parameter is None:
                self.add_error("parameter", _("Välj ett av regelns villkor med ett tal."))
                return None
            if value is None:
                self.add_error("new_value", _("Ange det nya värdet."))
                return None
            change = parameter.change(rule_id, value)
        elif op == "set_outcome":
            outcome = data.get("outcome") or ""
            dim, _sep, value = outcome.partition("=")
            if not value:
                self.add_error("outcome", _("Välj det nya utfallet."))
                return None
            change = {"op": "set_outcome", "rule": rule_id, "dimension": dim, "value": value}
        elif op == "disable":
            change = {"op": "disable", "rule": rule_id}
        else:
            self.add_error("op", _("Välj vilken ändring som görs."))
            return None
        return {
            "name": data.get("name") or "Variant",
            "description": data.get("description") or "",
            "changes": [change],
        }

    def _named_change(self) -> dict[str, Any] | None:
        """The change of a named number of the agreement, from the date that is tried."""
        data = self.cleaned_data
        p = sim.named_parameter(data.get("named") or "")
        if p is None or p.region not in self.regions:
            self.add_error("named", _("Välj talet i avtalet som ändras."))
            return None
        if p.region != data.get("region"):
            self.add_error(
                "named",
                _("Talet hör till ett avtal i %(county)s; välj det länet under »Fallen«.")
                % {"county": REGIONS[p.region].name},
            )
            return None
        value = data.get("new_value")
        if value is None:
            self.add_error("new_value", _("Ange det nya värdet."))
            return None
        return p.change(value, data["date"])

    def _discharge_question(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        days = data.get("days")
        if days is None:
            self.add_error("days", _("Ange antalet dagar efter meddelandet (0–365)."))
            return None
        change: dict[str, Any] = {"op": discharge_days.OP, "days": days}
        if data.get("psychiatric_days") is not None:  # empty: the same days for both
            change["psychiatric_days"] = data["psychiatric_days"]
        return {
            "name": data.get("name") or "Variant",
            "description": data.get("description") or "",
            "changes": [change],
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        written = (data.get("variant_json") or "").strip()
        if data.get("op") == DISCHARGE_DAYS and not written:
            variant = self._discharge_question()
        else:
            variant = self._variant_data()
        if variant is None:
            return data
        try:
            if discharge_days.is_question(variant):
                self.variant = discharge_days.parse(variant)
            else:
                self.variant = parse_variant(variant)
        except SimulationError as exc:
            self.add_problem(exc)
        return data

    def cases_source(self) -> str:
        """The cases the question runs over: the discharge question's are recorded stays."""
        if isinstance(self.variant, discharge_days.DischargeDays):
            return PopulationSource.DISCHARGES
        return str(self.cleaned_data["source"])

    def population_size(self) -> int:
        """The number of synthetic cases: the one given, else the county's inhabitants."""
        return self.cleaned_data.get("n") or county_size(self.cleaned_data.get("region") or "")
