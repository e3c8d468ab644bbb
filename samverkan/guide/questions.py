"""Which question the guide asks next, and the form control that asks it.

Only facts the engine lists in ``missing_facts`` are asked, the one that settles most first
(``samverkan.guide.ordering``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from samverkan.guide.state import Answer
from samverkan.rules import FACTS, MAX_AGE, REGIONS, Kind


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class Question:
    fact: str
    label: str
    text: str  # the question as the engine's fact specs phrase it
    control: str  # radio, checkbox, select, number, time, date
    choices: tuple[Choice, ...] = ()
    value: str = ""  # current value of a single-value control
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None

    @property
    def grouped(self) -> bool:
        """Radio buttons and checkboxes sit in a fieldset whose legend is the question."""
        return self.control in ("radio", "checkbox")


def question(fact: str, answers: Mapping[str, Answer]) -> Question:
    spec = FACTS[fact]
    current = answers.get(fact)
    if spec.kind is Kind.SET:
        chosen = set(current) if isinstance(current, list) else set()
        return Question(
            fact,
            spec.label,
            spec.question,
            "checkbox",
            tuple(
                Choice(v, lbl, v in chosen)
                for v, lbl in zip(spec.values, spec.value_labels, strict=True)
            ),
            help="Markera alla som stämmer. Lämna alla omarkerade om inget av dem stämmer.",
        )
    if spec.kind is Kind.CODE:
        return _municipality(fact, answers)
    as_text = _as_text(current)
    if spec.kind is Kind.TEXT:  # the hälsocentral the person is listed at
        from samverkan.accounts.models import health_centres

        centres = tuple(Choice(code, name, code == as_text) for code, name in health_centres())
        return Question(fact, spec.label, spec.question, "select", centres, value=as_text)
    if spec.kind in (Kind.ENUM, Kind.BOOL):
        choices = tuple(
            Choice(v, lbl, v == as_text)
            for v, lbl in zip(spec.values, spec.value_labels, strict=True)
        )
        return Question(fact, spec.label, spec.question, "radio", choices)
    if spec.kind is Kind.INT:
        return Question(
            fact, spec.label, spec.question, "number", value=as_text, minimum=0, maximum=MAX_AGE
        )
    if spec.kind is Kind.TIME:
        return Question(
            fact,
            spec.label,
            spec.question,
            "time",
            value=as_text,
            help="Till exempel 14:30. Avtalen skiljer på 08.00–17.00 och 17.00–08.00.",
        )
    return Question(fact, spec.label, spec.question, "date", value=as_text, help="ÅÅÅÅ-MM-DD")


def _municipality(fact: str, answers: Mapping[str, Answer]) -> Question:
    spec = FACTS[fact]
    region = REGIONS.get(str(answers.get("region", "")))
    regions = [region] if region else list(REGIONS.values())
    current = _as_text(answers.get(fact))
    choices = tuple(
        Choice(code, f"{name} ({code})", code == current)
        for r in regions
        for code, name in sorted(r.municipalities.items(), key=lambda item: item[1])
    )
    return Question(fact, spec.label, spec.question, "select", choices, value=current)


def _as_text(value: Answer | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def display_value(fact: str, value: Answer) -> str:
    """An answer as the summary shows it, in Swedish."""
    spec = FACTS[fact]
    if isinstance(value, list):
        return ", ".join(spec.label_of(v) for v in value) or "Inget av dessa"
    if spec.kind is Kind.CODE:
        for region in REGIONS.values():
            if str(value) in region.municipalities:
                return f"{region.municipalities[str(value)]} ({value})"
    if spec.kind is Kind.INT:
        return f"{value} år"
    if spec.kind is Kind.TEXT:
        from samverkan.accounts.models import Unit

        unit = Unit.by_fact_code(_as_text(value))
        return unit.name if unit is not None else _as_text(value)
    return spec.label_of(_as_text(value))
