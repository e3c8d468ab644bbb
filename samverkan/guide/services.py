"""Ansvarsguiden: from the query-string state to what the page (and the PDF) shows.

``build`` decides once with the engine and returns a plain view model; it raises
``InvalidFacts`` for values the engine refuses, which ``field_errors`` turns into Swedish
messages naming the field and its allowed values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from samverkan.guide.questions import Question, display_value, question
from samverkan.guide.state import QUESTION_ORDER, GuideState, query_items, to_query, without
from samverkan.library.services import clause_url
from samverkan.rules import (
    ACTIONS,
    DECIDED,
    DIMENSIONS,
    FACTS,
    INCOMPLETE,
    NOT_COVERED,
    NOT_IN_FORCE,
    REGIONS,
    UNDETERMINED,
    Decision,
    InvalidFacts,
    decide,
    decision_summary,
    municipality_name,
    next_question,
    value_label,
)

START_FACTS = ("region", "date")


@dataclass(frozen=True)
class AnswerRow:
    fact: str
    label: str
    value: str
    edit_query: str


@dataclass(frozen=True)
class OutcomeRow:
    label: str
    value: str
    determined: bool


@dataclass(frozen=True)
class CitedReason:
    about: tuple[str, ...]  # the dimensions and actions this quote decides (Swedish)
    rule: str
    clause: str
    clause_url: str
    text: str
    local_note: str = ""  # "En lokal överenskommelse … kan ange annat" (Rule.unless_local)


@dataclass(frozen=True)
class Agreement:
    id: str
    title: str
    version: str
    valid_from: str
    valid_to: str | None


@dataclass(frozen=True)
class Guide:
    state: GuideState
    decision: Decision
    questions: tuple[Question, ...]  # the controls of the form: none when nothing is left
    answered: tuple[AnswerRow, ...]
    skipped: tuple[AnswerRow, ...]
    hidden: tuple[tuple[str, str], ...]  # the rest of the state, carried by the form
    share_query: str  # the answers; the link to share
    page_query: str  # the answers plus the question being changed; the address of this page
    status: str  # decided, partly_decided, not_in_force, not_covered, incomplete
    agreements: tuple[Agreement, ...] = ()
    outcome: tuple[OutcomeRow, ...] = ()
    actions: tuple[str, ...] = ()
    reasons: tuple[CitedReason, ...] = field(default_factory=tuple)
    summary: str = ""  # who does what and who pays, in one sentence (rules.decision_summary)

    @property
    def starting(self) -> bool:
        return self.decision.status == INCOMPLETE

    @property
    def date(self) -> str:
        return str(self.state.answers.get("date", ""))

    @property
    def region_name(self) -> str:
        region = REGIONS.get(str(self.state.answers.get("region", "")))
        return region.name if region else ""

    @property
    def questions_left(self) -> bool:
        return bool(set(self.decision.missing_facts) - self.state.skipped)


def build(state: GuideState) -> Guide:
    decision = decide(state.answers)  # raises InvalidFacts
    asked = _asked(state, decision)
    in_form = {q.fact for q in asked}
    carried = without(state, in_form)
    hidden = query_items(carried, state.skipped - in_form)
    return Guide(
        state=state,
        decision=decision,
        questions=asked,
        answered=_answered(state),
        skipped=_skipped(state),
        hidden=tuple(hidden),
        share_query=to_query(state.answers, state.skipped),
        page_query=to_query(state.answers, state.skipped, state.editing),
        status=_status(decision),
        agreements=tuple(_agreement(a) for a in decision.agreements),
        outcome=_outcome(decision, open_questions=bool(asked)),
        summary=decision_summary(decision.outcome) if decision.status == DECIDED else "",
        actions=tuple(ACTIONS[a] for a in decision.actions),
        reasons=_reasons(decision),
    )


def _asked(state: GuideState, decision: Decision) -> tuple[Question, ...]:
    answers = state.answers
    if state.editing is not None:
        return (question(state.editing, answers),)
    if decision.status == INCOMPLETE:
        return tuple(question(f, answers) for f in START_FACTS)
    fact = next_question(answers, decision.missing_facts, state.skipped)
    return (question(fact, answers),) if fact else ()


def _answered(state: GuideState) -> tuple[AnswerRow, ...]:
    return tuple(
        AnswerRow(
            name,
            FACTS[name].label,
            display_value(name, value),
            to_query(state.answers, state.skipped, editing=name),
        )
        for name, value in state.answers.items()
    )


def _skipped(state: GuideState) -> tuple[AnswerRow, ...]:
    return tuple(
        AnswerRow(
            name,
            FACTS[name].label,
            "Vet inte",
            to_query(state.answers, state.skipped - {name}, editing=name),
        )
        for name in QUESTION_ORDER
        if name in state.skipped
    )


def _status(decision: Decision) -> str:
    if decision.status == DECIDED:
        undecided = UNDETERMINED in decision.outcome.values()
        return "partly_decided" if undecided else "decided"
    return {NOT_IN_FORCE: "not_in_force", NOT_COVERED: "not_covered"}.get(
        decision.status, "incomplete"
    )


def _agreement(raw: dict) -> Agreement:
    return Agreement(
        raw["id"], raw["title"], raw["version"], raw["valid_from"], raw.get("valid_to")
    )


NOT_ANSWERED_YET = "Inte besvarat än"


def _outcome(decision: Decision, *, open_questions: bool) -> tuple[OutcomeRow, ...]:
    """The dimensions; one the engine cannot settle yet reads "Inte besvarat än" while the
    guide still has questions to ask, and "Kan inte avgöras" only when none is left."""
    if decision.status != DECIDED:
        return ()
    rows = []
    for dim, label in DIMENSIONS.items():
        value = decision.outcome[dim]
        determined = value != UNDETERMINED
        shown = value_label(dim, value) if determined or not open_questions else NOT_ANSWERED_YET
        rows.append(OutcomeRow(label, shown, determined))
    return tuple(rows)


def _reasons(decision: Decision) -> tuple[CitedReason, ...]:
    """One entry per quoted passage; a rule that decides several dimensions is quoted once."""
    grouped: dict[tuple[str, str, str, str], list[str]] = {}
    for reason in decision.reasons:
        about = ACTIONS[reason.action] if reason.action else DIMENSIONS[reason.dimension]
        key = (reason.rule, reason.clause, reason.text, reason.local_note)
        grouped.setdefault(key, [])
        if about not in grouped[key]:
            grouped[key].append(about)
    return tuple(
        CitedReason(tuple(about), rule, clause, clause_url(clause), text, note)
        for (rule, clause, text, note), about in grouped.items()
    )


# --- Errors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldError:
    field: str
    label: str
    message: str
    allowed: tuple[str, ...]  # "value (Swedish label)"


def field_errors(invalid: InvalidFacts) -> list[FieldError]:
    return [
        FieldError(
            error.field,
            FACTS[error.field].label if error.field in FACTS else error.field,
            error.message,
            tuple(_allowed_label(error.field, value) for value in error.allowed),
        )
        for error in invalid.errors
    ]


def _allowed_label(fact: str, value: str) -> str:
    spec = FACTS.get(fact)
    if spec is None:
        return value
    if fact == "municipality":
        return f"{value} ({municipality_name(value)})"
    shown = display_value(fact, value)
    return value if shown == value else f"{value} ({shown})"


def without_invalid(state: GuideState, invalid: InvalidFacts) -> str:
    """The query string with the refused facts left out: the way back into the guide."""
    bad = {error.field for error in invalid.errors}
    return to_query(state.answers, state.skipped, leave_out=bad)


def today() -> dt.date:
    return dt.date.today()
