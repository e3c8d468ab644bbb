"""The guide's whole state lives in the query string, so the address is the shareable link.

One parameter per answered fact, named as in the domain model's JSON facts object
(``?region=jamtland-harjedalen&date=2026-11-24&intervention=nursing&age=82``); booleans as
``true``/``false``; a set as repeated parameters plus one empty marker, so that "none of
these" (only the marker) differs from "not answered" (no parameter). ``skip`` lists the
questions answered with "Vet inte", ``edit`` names the one being changed. Facts only: the
guide never asks for anything that identifies a person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict

from samverkan.rules import FACT_ORDER, FACTS, QUESTION_ORDER, Kind

# The order questions are asked and answers listed: the intervention right after region and
# date, since it decides which agreement governs the question and so which facts matter.
# The order of questions is the rules' (region, date, intervention, then the facts).

SKIP = "skip"
EDIT = "edit"
# Changing the region makes the chosen kommun meaningless (another county's codes).
DEPENDENT_FACTS: dict[str, tuple[str, ...]] = {"region": ("municipality",)}

_INTEGER = re.compile(r"^-?\d{1,6}$")

Answer = str | bool | int | list[str]


@dataclass(frozen=True)
class GuideState:
    answers: dict[str, Answer]  # JSON-like values, in QUESTION_ORDER; unknown facts left out
    skipped: frozenset[str] = frozenset()
    editing: str | None = None


def parse(query: QueryDict, today: dt.date) -> GuideState:
    """The state in a query string. Values are not validated here (``validate_facts`` does
    that and names the field); they are only turned into the JSON types the engine reads."""
    skipped = frozenset(name for name in query.getlist(SKIP) if name in FACTS)
    answers: dict[str, Answer] = {}
    for name in FACT_ORDER:
        if name in skipped or name not in query:
            continue
        value = _from_query(name, query.getlist(name))
        if value is not None:
            answers[name] = value
    if "date" not in answers:
        answers["date"] = today.isoformat()  # in the link too, so a shared answer keeps its date
    answers = {name: answers[name] for name in QUESTION_ORDER if name in answers}
    editing = query.get(EDIT)
    return GuideState(
        answers=answers,
        skipped=skipped,
        editing=editing if editing in FACTS else None,
    )


def _from_query(name: str, values: list[str]) -> Answer | None:
    kind = FACTS[name].kind
    if kind is Kind.SET:
        return [v for v in values if v]  # the empty marker alone: answered "none of these"
    value = values[-1].strip()
    if not value:
        return None
    if kind is Kind.BOOL:
        return {"true": True, "false": False}.get(value, value)
    if kind is Kind.INT and _INTEGER.match(value):
        return int(value)
    return value


def query_items(
    answers: Mapping[str, Answer],
    skipped: Iterable[str] = (),
    editing: str | None = None,
    leave_out: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """(name, value) pairs in a stable order: for links and for the form's hidden inputs."""
    omitted = set(leave_out)
    items: list[tuple[str, str]] = []
    for name in QUESTION_ORDER:
        if name in omitted or name not in answers:
            continue
        value = answers[name]
        if isinstance(value, list):
            items.append((name, ""))
            items.extend((name, v) for v in value)
        elif isinstance(value, bool):
            items.append((name, "true" if value else "false"))
        else:
            items.append((name, str(value)))
    items.extend((SKIP, name) for name in QUESTION_ORDER if name in set(skipped) - omitted)
    if editing:
        items.append((EDIT, editing))
    return items


def to_query(
    answers: Mapping[str, Answer],
    skipped: Iterable[str] = (),
    editing: str | None = None,
    leave_out: Iterable[str] = (),
) -> str:
    return urlencode(query_items(answers, skipped, editing, leave_out), safe=":")


def without(state: GuideState, names: Iterable[str]) -> dict[str, Answer]:
    """The answers less ``names`` and the facts that depend on them."""
    gone = set(names)
    for name in list(gone):
        gone.update(DEPENDENT_FACTS.get(name, ()))
    return {name: value for name, value in state.answers.items() if name not in gone}
