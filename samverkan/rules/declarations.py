"""How the agreements are declared: rules as data, grouped in agreement versions.

A rule names the clause it implements and an *anchor* (a few of the clause's own words)
so that the engine quotes the paragraph from the clause library instead of retyping it.
Precedence is explicit, as in Catala's default logic: the base rules of a question carry a
``label`` and an exception names the labels it ``refines``; where a label does not fit, a
rule names the rules it ``overrides`` by id. A ``fallback`` rule applies only where no
other rule of its dimension does. Declaration order never decides between rules.

A rule the agreement gives "om annat ej överenskommits" (Bilaga 2) carries
``unless_local``: a :class:`LocalDefault` naming the point of a local agreement that may say
otherwise. The reason says so; where a local agreement on that point is recorded for the
parties, the rule set of their cases has the rule's local version instead
(``variants``' ``local_agreement``), which answers by it and cites it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from samverkan.rules.conditions import TRUE, Cond
from samverkan.rules.outcome import ACTIONS, DIMENSION_VALUES


@dataclass(frozen=True)
class LocalDefault:
    """A default the agreement lets a local agreement set aside ("om annat ej överenskommits").

    ``point``: the local agreement's point (the agreements room's ``local_points`` key);
    ``words``: the agreement's own words that allow it; ``parties``: who agree it locally
    ("specialistvården och kommunen"); ``actions``: what the answer becomes where such a local
    agreement is recorded (in place of the rule's own actions)."""

    point: str
    words: str
    parties: str
    actions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for action in self.actions:
            if action not in ACTIONS:
                raise ValueError(f"{self.point}: okänd åtgärd {action}")

    @property
    def note(self) -> str:
        """What the answer says while no local agreement is recorded."""
        return (
            f"En lokal överenskommelse mellan {self.parties} kan ange annat "
            f"(avtalet: ”{self.words}”)."
        )


@dataclass(frozen=True)
class Rule:
    id: str
    clause: str
    anchor: str
    when: Cond
    decides: Mapping[str, str] = field(default_factory=dict)
    actions: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()
    fallback: bool = False
    summary: str = ""  # our plain-Swedish gloss; the clause's words come from the library
    context: int = 0  # quote this many following paragraphs too (e.g. a bulleted list)
    # Where no sentence of the clause carries what the rule decides (a default), the reason
    # says so in these words ("Avtalet anger ingen ersättning för …") instead of quoting a
    # sentence about something else; ``clause`` and ``anchor`` still point where to read.
    silent: str = ""
    # Catala-style labels: the base rule of a question carries ``label``; an exception names
    # the labels it ``refines`` (it overrides every rule so labelled) instead of an id list.
    label: str = ""
    refines: tuple[str, ...] = ()
    # "om annat ej överenskommits": the default a local agreement may set aside.
    unless_local: LocalDefault | None = None
    # A recorded local agreement's version of such a default (``variants``): the point it
    # is at, so a later local agreement at the same point sets it aside in turn.
    local_of: LocalDefault | None = None

    def __post_init__(self) -> None:
        for dim, value in self.decides.items():
            if dim not in DIMENSION_VALUES or value not in DIMENSION_VALUES[dim]:
                raise ValueError(f"{self.id}: okänt utfall {dim}={value}")
        for action in self.actions:
            if action not in ACTIONS:
                raise ValueError(f"{self.id}: okänd åtgärd {action}")
        if not self.decides and not self.actions:
            raise ValueError(f"{self.id}: regeln avgör ingenting")


@dataclass(frozen=True)
class Term:
    """An agreement's term: first period, then automatic renewal unless notice is given."""

    start: dt.date
    first_end: dt.date
    renewal_years: int = 0  # 0: no automatic renewal
    notice_months: int = 0  # written notice this long before a term ends


@dataclass(frozen=True)
class AgreementVersion:
    agreement: str  # domain-model id, e.g. "jh-hemsjukvard"
    version: str  # e.g. "2020-03-01"
    title: str
    region: str
    term: Term
    scope: Cond  # which questions this agreement governs
    rules: tuple[Rule, ...]
    valid_from: dt.date | None = None  # when this version's rules start (default: term start)
    valid_to: dt.date | None = None  # when a later version replaces it
    forum: str = ""
    dispute_path: tuple[str, ...] = ()
    follows: str | None = None  # an annex that follows its main agreement's term
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.agreement}@{self.version}"

    @property
    def starts(self) -> dt.date:
        return self.valid_from or self.term.start


def rule(
    id: str,
    clause: str,
    anchor: str,
    when: Cond = TRUE,
    *,
    decides: Mapping[str, str] | None = None,
    actions: tuple[str, ...] = (),
    overrides: tuple[str, ...] = (),
    fallback: bool = False,
    summary: str = "",
    context: int = 0,
    silent: str = "",
    label: str = "",
    refines: str | tuple[str, ...] = (),
    unless_local: LocalDefault | None = None,
) -> Rule:
    """Shorthand used by the agreement modules."""
    return Rule(
        id,
        clause,
        anchor,
        when,
        dict(decides or {}),
        actions,
        overrides,
        fallback,
        summary,
        context,
        silent,
        label,
        (refines,) if isinstance(refines, str) else tuple(refines),
        unless_local,
    )
