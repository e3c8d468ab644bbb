"""Forms of the revision pages, in plain Swedish: no rule ids, no JSON. Each form turns into
one variant change (rules/variants.py) or a scenario; the services validate against the rules
and put their refusal on the field that gave it."""

from __future__ import annotations

from typing import Any

from django import forms

from samverkan.accounts.models import Organisation
from samverkan.rules import (
    DIMENSION_VALUES,
    DIMENSIONS,
    FACTS,
    Kind,
    UnknownClause,
    clause_label,
    passage,
    rule_catalogue,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _rule_label(info: Any) -> str:
    text = info.summary or info.condition
    return f"{clause_label(info.clause)}: {text}"


def _rules(agreement: str) -> list[Any]:
    return [r for r in rule_catalogue() if r.agreement == agreement]


class DraftForm(forms.Form):
    title = forms.CharField(label="Rubrik", max_length=200)
    description = forms.CharField(
        label="Vad revisionen gäller och varför", widget=forms.Textarea, required=False
    )


class ParameterForm(forms.Form):
    """Change a number in a rule's condition (an age, a count, a time)."""

    target = forms.ChoiceField(label="Villkor som ändras")
    value = forms.IntegerField(label="Nytt värde", help_text="Ålder i år, antal, eller minuter.")

    def __init__(self, *args: Any, agreement: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.params = {
            f"{r.id}|{p.key}": (r.id, p) for r in _rules(agreement) for p in r.parameters
        }
        self.fields["target"].choices = [  # type: ignore[attr-defined]
            (key, f"{_rule_label(info)} — {p.text} (i dag {p.value})")
            for info in _rules(agreement)
            for key, (rid, p) in self.params.items()
            if rid == info.id
        ]

    def change(self) -> dict[str, Any]:
        rule_id, param = self.params[self.cleaned_data["target"]]
        return dict(param.change(rule_id, self.cleaned_data["value"]))


class DisableForm(forms.Form):
    rule = forms.ChoiceField(label="Regel som tas bort")

    def __init__(self, *args: Any, agreement: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [(r.id, _rule_label(r)) for r in _rules(agreement)]  # type: ignore[attr-defined]

    def change(self) -> dict[str, Any]:
        return {"op": "disable", "rule": self.cleaned_data["rule"]}


OPERATORS = {
    "is": "är",
    "at_least": "är minst",
    "below": "är under",
    "count_at_least": "har minst så många val",
}


def _outcome_choices() -> list[tuple[str, str]]:
    return [
        (f"{dim}|{value}", f"{DIMENSIONS[dim]}: {label}")
        for dim, values in DIMENSION_VALUES.items()
        for value, label in values.items()
        if value != "undetermined"
    ]


class AddRuleForm(forms.Form):
    """A new rule written in the condition language: the clause it rests on (and a few of
    its own words to quote), one condition on a fact, and what it decides."""

    clause = forms.CharField(label="Punkt i avtalet", help_text="Till exempel §7.3.")
    anchor = forms.CharField(
        label="Avtalets egna ord",
        help_text="Några ord ur punkten som visas som citat (de ska finnas i ett stycke).",
    )
    summary = forms.CharField(label="Regeln i klartext", widget=forms.Textarea)
    fact = forms.ChoiceField(label="Uppgift")
    operator = forms.ChoiceField(label="Jämförelse", choices=list(OPERATORS.items()))
    value = forms.CharField(label="Värde", help_text="Ett tal, ja/nej eller ett av uppgiftens val.")
    outcome = forms.ChoiceField(label="Regeln avgör")
    refines = forms.ChoiceField(label="Undantag från regel", required=False)

    def __init__(self, *args: Any, agreement: str, next_id: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.agreement, self.next_id = agreement, next_id
        self.fields["fact"].choices = [  # type: ignore[attr-defined]
            (s.name, s.label) for s in FACTS.values() if s.name not in ("region", "date")
        ]
        self.fields["outcome"].choices = _outcome_choices()  # type: ignore[attr-defined]
        self.fields["refines"].choices = [("", "Inget (en egen regel)")] + [  # type: ignore[attr-defined]
            (r.id, _rule_label(r)) for r in _rules(agreement)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clause = str(data.get("clause", "")).strip()
        if clause and not clause.startswith(self.agreement):
            clause = f"{self.agreement} {clause if clause.startswith('§') else '§' + clause}"
        data["clause_id"] = clause
        if clause and data.get("anchor"):
            try:
                passage(clause, data["anchor"])
            except UnknownClause:
                self.add_error("clause", "Punkten finns inte i avtalet.")
            except LookupError:
                self.add_error(
                    "anchor", "Orden ska finnas i precis ett stycke av punkten; skriv fler ord."
                )
        spec = FACTS.get(str(data.get("fact", "")))
        op, raw = data.get("operator"), str(data.get("value", "")).strip()
        if spec is not None and op and raw:
            data["condition"] = self._condition(spec, str(op), raw)
        return data

    def _condition(self, spec: Any, op: str, raw: str) -> dict[str, Any] | None:
        if op in ("at_least", "below", "count_at_least"):
            if op == "count_at_least" and spec.kind != Kind.SET:
                self.add_error("operator", "Antal val går bara för uppgifter med flera val.")
                return None
            if op != "count_at_least" and spec.kind != Kind.INT:
                self.add_error("operator", "Jämför bara tal med 'minst' och 'under'.")
                return None
            if not raw.isdigit():
                self.add_error("value", "Skriv ett heltal.")
                return None
            return {"kind": op, "fact": spec.name, "n": int(raw)}
        if spec.kind == Kind.BOOL:
            if raw.casefold() not in ("ja", "nej"):
                self.add_error("value", "Skriv ja eller nej.")
                return None
            return {"kind": "is", "fact": spec.name, "value": raw.casefold() == "ja"}
        if spec.values:
            for code, label in zip(spec.values, spec.value_labels, strict=False):
                if raw.casefold() in (code.casefold(), label.casefold()):
                    return {"kind": "is", "fact": spec.name, "value": code}
            self.add_error("value", f"Välj ett av: {', '.join(spec.value_labels)}.")
            return None
        if spec.kind == Kind.INT:
            if not raw.isdigit():
                self.add_error("value", "Skriv ett heltal.")
                return None
            return {"kind": "is", "fact": spec.name, "value": int(raw)}
        return {"kind": "is", "fact": spec.name, "value": raw}

    def change(self) -> dict[str, Any]:
        data = self.cleaned_data
        dim, value = str(data["outcome"]).split("|", 1)
        return {
            "op": "add_rule",
            "agreement": self.agreement,
            "rule": {
                "id": self.next_id,
                "clause": data["clause_id"],
                "anchor": data["anchor"],
                "when": data["condition"],
                "decides": {dim: value},
                "overrides": [data["refines"]] if data.get("refines") else [],
                "summary": data["summary"],
            },
        }


class ScenarioForm(forms.Form):
    name = forms.CharField(label="Scenariots namn", max_length=200)
    facts = forms.CharField(
        label="Uppgifter, en per rad",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Till exempel 'Datum: 2027-01-01', 'Kommun: Östersund', 'Ålder: 80', "
        "'Boendeform: Ordinärt boende', 'Behov av stöd över tid: Klä sig'.",
    )
    expected = forms.ChoiceField(label="Förväntat utfall")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["expected"].choices = _outcome_choices()  # type: ignore[attr-defined]


class AdoptionForm(forms.Form):
    party = forms.ModelChoiceField(label="Part", queryset=Organisation.objects.none())
    body = forms.CharField(label="Beslutande organ", help_text="Till exempel kommunfullmäktige.")
    decided_on = forms.DateField(label="Beslutsdatum", widget=DATE)
    diarienummer = forms.CharField(label="Diarienummer", max_length=100)
    in_force_from = forms.DateField(label="Gäller från", widget=DATE)

    def __init__(self, *args: Any, parties: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties  # type: ignore[attr-defined]
