"""Rule variants: a proposed revision described as data, applied without editing code.

A forum preparing a revision writes a variant such as "two ADL needs instead of one" or
"LSS housing moves to the kommun" as a list of changes (JSON-friendly dicts):

``{"op": "set_parameter", "name": "jh_hsv.adult_age", "value": 21, "from": "2027-01-01"}``
    a named parameter (samverkan/rules/parameters/*.toml) takes a new value from a date, in
    every rule that reads it;
``{"op": "set_parameter", "rule": ID, "kind": "count_at_least", "fact": F, "n": 2}``
    change a number in one rule's condition (ages, counts; the older form);
``{"op": "set_outcome", "rule": ID, "dimension": D, "value": V}``
    the rule decides another value;
``{"op": "disable", "rule": ID}``
    drop the rule (and every reference to it in ``overrides``, and ``refines`` of a label
    no rule carries any more);
``{"op": "add_rule", "agreement": A, "rule": {id, clause, anchor, when, decides, …}}``
    a new rule, its condition written with :func:`conditions.from_dict`;
``{"op": "local_agreement", "point": P, "title": T, "reference": R, "agreed_on": D}``
    a recorded local agreement: the rules that are defaults at point P ("om annat ej
    överenskommits", ``Rule.unless_local``) give way to their local versions; with
    ``"health_centre": H`` (and ``"health_centre_name"``) only for the persons listed at
    that hälsocentral (fact ``listed_health_centre``), the default staying for the others.

The result is a new tuple of agreement versions; history is never edited.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from samverkan.rules import conditions, params
from samverkan.rules.conditions import Cond, rewrite
from samverkan.rules.declarations import AgreementVersion, Rule
from samverkan.rules.facts import MAX_AGE
from samverkan.rules.outcome import DIMENSIONS


class VariantError(ValueError):
    """A variant that cannot be applied. ``index`` is the change (None: the variant as a
    whole), ``field`` the key of the change (or of the variant) at fault, ``code`` stable.
    ``path`` locates it in the variant's JSON: ``changes.0.rule``, ``changes``, ``""``."""

    def __init__(self, index: int | None, code: str, message: str, field: str | None = None):
        self.index, self.code, self.message, self.field = index, code, message, field
        super().__init__(message if index is None else f"ändring {index + 1}: {message}")

    @property
    def path(self) -> str:
        if self.index is None:
            return self.field or ""
        return ".".join(p for p in ("changes", str(self.index), self.field) if p)


# The numbers ``set_parameter`` may change, per condition field, and their bounds (ages and
# counts in whole numbers, times in minutes after midnight).
_PARAMETER_BOUNDS = {"n": (0, MAX_AGE), "start": (0, 24 * 60), "end": (0, 24 * 60)}


@dataclass(frozen=True)
class Variant:
    name: str
    changes: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)
    description: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Variant:
        return cls(
            str(data.get("name", "Variant")),
            tuple(data.get("changes", ())),
            str(data.get("description", "")),
        )


def apply(versions: Sequence[AgreementVersion], variant: Variant) -> tuple[AgreementVersion, ...]:
    out = list(versions)
    for index, change in enumerate(variant.changes):
        op = change.get("op")
        handler = _OPS.get(str(op))
        if handler is None:
            raise VariantError(
                index,
                "unknown_op",
                f"okänd ändringstyp {op!r} (tillåtna: {', '.join(_OPS)})",
                "op",
            )
        out = handler(out, change, index)
    return tuple(out)


def _map_rule(
    versions: list[AgreementVersion], rule_id: Any, index: int, fn: Any
) -> list[AgreementVersion]:
    found = False
    result = []
    for v in versions:
        rules = []
        for r in v.rules:
            if r.id == rule_id:
                found = True
                new = fn(r)
                if new is not None:
                    rules.append(new)
            else:
                rules.append(r)
        result.append(dataclasses.replace(v, rules=tuple(rules)))
    if rule_id is None or rule_id == "":
        raise VariantError(index, "missing", "ange vilken regel som ändras ('rule')", "rule")
    if not found:
        raise VariantError(index, "unknown_rule", f"regeln {rule_id!r} finns inte", "rule")
    return result


def _set_named_parameter(
    versions: list[AgreementVersion], change: Mapping[str, Any], index: int
) -> list[AgreementVersion]:
    name, value, start = change.get("name"), change.get("value"), change.get("from")
    try:
        current = params.get(str(name))
    except KeyError:
        raise VariantError(
            index, "unknown_parameter", f"parametern {name!r} finns inte", "name"
        ) from None
    try:
        on = dt.date.fromisoformat(str(start))
    except ValueError:
        raise VariantError(
            index, "invalid_date", "'from' ska vara ett datum ÅÅÅÅ-MM-DD", "from"
        ) from None
    old = current.values[-1][1]
    if isinstance(old, dt.time):
        try:
            value = dt.time.fromisoformat(str(value))
        except ValueError:
            raise VariantError(
                index, "invalid_value", "värdet ska vara ett klockslag TT:MM", "value"
            ) from None
    elif isinstance(value, bool) or not isinstance(value, type(old)):
        raise VariantError(
            index, "invalid_value", f"värdet ska vara av samma slag som {old!r}", "value"
        )
    elif isinstance(value, int) and not 0 <= value <= MAX_AGE:
        raise VariantError(
            index, "out_of_range", f"värdet ska vara mellan 0 och {MAX_AGE}", "value"
        )
    hits = 0

    def change_one(cond: Cond) -> Cond:
        nonlocal hits
        updates: dict[str, Any] = {}
        if not dataclasses.is_dataclass(cond):
            return cond
        for f in dataclasses.fields(cond):
            ref = getattr(cond, f.name)
            if isinstance(ref, conditions.P) and ref.name == current.name:
                updates[f.name] = conditions.P(ref.name, (*ref.changes, (on, value)))
        if updates:
            hits += 1
            return dataclasses.replace(cond, **updates)  # type: ignore[type-var]
        return cond

    result = [
        dataclasses.replace(
            v,
            scope=rewrite(v.scope, change_one),
            rules=tuple(dataclasses.replace(r, when=rewrite(r.when, change_one)) for r in v.rules),
        )
        for v in versions
    ]
    if not hits:
        raise VariantError(
            index, "unused_parameter", f"ingen regel läser parametern {name!r}", "name"
        )
    return result


def _set_parameter(
    versions: list[AgreementVersion], change: Mapping[str, Any], index: int
) -> list[AgreementVersion]:
    if "name" in change:
        return _set_named_parameter(versions, change, index)
    kind, fact = change.get("kind"), change.get("fact")
    params = {k: v for k, v in change.items() if k not in ("op", "rule", "kind", "fact")}
    if not params:
        raise VariantError(index, "missing", "ange det nya talet (n, start eller end)", "n")
    for name, value in params.items():
        if name not in _PARAMETER_BOUNDS:
            raise VariantError(
                index,
                "unknown_parameter",
                f"okänd parameter {name!r} (ett villkors tal heter n, start eller end)",
                name,
            )
        low, high = _PARAMETER_BOUNDS[name]
        if isinstance(value, bool) or not isinstance(value, int):
            raise VariantError(index, "not_an_integer", f"talet {name!r} ska vara ett heltal", name)
        if not low <= value <= high:
            raise VariantError(
                index, "out_of_range", f"talet {name!r} ska vara mellan {low} och {high}", name
            )
    hits = 0

    def change_one(cond: Cond) -> Cond:
        nonlocal hits
        if cond.kind == kind and getattr(cond, "fact", None) == fact:
            hits += 1
            wrong = [name for name in params if not hasattr(cond, name)]
            if wrong:
                raise VariantError(
                    index,
                    "invalid_parameter",
                    f"villkoret {kind} på {fact} har inget tal {wrong[0]!r}",
                    wrong[0],
                )
            return dataclasses.replace(cond, **params)  # type: ignore[type-var]
        return cond

    def fn(r: Rule) -> Rule:
        return dataclasses.replace(r, when=rewrite(r.when, change_one))

    result = _map_rule(versions, change.get("rule"), index, fn)
    if not hits:
        raise VariantError(
            index, "no_such_condition", f"regeln har inget villkor {kind} på {fact}", "kind"
        )
    return result


def _set_outcome(
    versions: list[AgreementVersion], change: Mapping[str, Any], index: int
) -> list[AgreementVersion]:
    dim, value = change.get("dimension"), change.get("value")

    def fn(r: Rule) -> Rule:
        try:
            return dataclasses.replace(r, decides={**r.decides, str(dim): str(value)})
        except ValueError as exc:
            key = "value" if str(dim) in DIMENSIONS else "dimension"
            raise VariantError(index, "invalid_outcome", str(exc), key) from None

    return _map_rule(versions, change.get("rule"), index, fn)


def _disable(
    versions: list[AgreementVersion], change: Mapping[str, Any], index: int
) -> list[AgreementVersion]:
    rule_id = change.get("rule")
    result = _map_rule(versions, rule_id, index, lambda r: None)
    labels = {r.label for v in result for r in v.rules if r.label}
    return [
        dataclasses.replace(
            v,
            rules=tuple(
                dataclasses.replace(
                    r,
                    overrides=tuple(o for o in r.overrides if o != rule_id),
                    refines=tuple(label for label in r.refines if label in labels),
                )
                for r in v.rules
            ),
        )
        for v in result
    ]


def _add_rule(
    versions: list[AgreementVersion], change: Mapping[str, Any], index: int
) -> list[AgreementVersion]:
    data = change.get("rule") or {}
    if not isinstance(data, Mapping):
        raise VariantError(index, "invalid_rule", "regeln ska vara ett JSON-objekt", "rule")
    try:
        new = Rule(
            id=str(data["id"]),
            clause=str(data["clause"]),
            anchor=str(data["anchor"]),
            when=conditions.from_dict(data["when"]) if data.get("when") else conditions.TRUE,
            decides=dict(data.get("decides", {})),
            actions=tuple(data.get("actions", ())),
            overrides=tuple(data.get("overrides", ())),
            fallback=bool(data.get("fallback", False)),
            summary=str(data.get("summary", "")),
            silent=str(data.get("silent", "")),
            label=str(data.get("label", "")),
            refines=tuple(data.get("refines", ())),
        )
    except KeyError as exc:
        raise VariantError(index, "invalid_rule", f"regeln saknar {exc}", "rule") from None
    except (TypeError, ValueError) as exc:
        raise VariantError(index, "invalid_rule", f"ogiltig regel: {exc}", "rule") from None
    targets = [v for v in versions if v.agreement == change.get("agreement")]
    if not targets:
        raise VariantError(
            index,
            "unknown_agreement",
            f"avtalet {change.get('agreement')!r} finns inte",
            "agreement",
        )
    return [dataclasses.replace(v, rules=(*v.rules, new)) if v in targets else v for v in versions]


def _local_agreement(
    versions: list[AgreementVersion], change: Mapping[str, Any], index: int
) -> list[AgreementVersion]:
    """A recorded local agreement at ``point``: every rule that is a default "om annat ej
    överenskommits" at that point (``Rule.unless_local``) gives way to its local version
    (id ``<rule>.local``): the local default's actions, the rule's decisions, and a reason that
    cites the local agreement (``title``, ``reference``, ``agreed_on``) instead of the default's
    words."""
    point, title = change.get("point"), str(change.get("title") or "").strip()
    if not title:
        raise VariantError(index, "missing", "ange den lokala överenskommelsens rubrik", "title")
    centre = change.get("health_centre")
    if centre is not None and (not isinstance(centre, str) or not centre.strip()):
        raise VariantError(index, "invalid_health_centre", "ange hälsocentralens id som text",
                           "health_centre")  # fmt: skip
    hits = 0
    result = []
    for v in versions:
        rules = []
        for r in v.rules:
            # The default, or an earlier local agreement's version of it (the later
            # agreement at the same point governs where it applies).
            local = r.unless_local or r.local_of
            if local is None or local.point != point:
                rules.append(r)
                continue
            hits += 1
            cited = title
            if change.get("reference"):
                cited += f" ({change['reference']})"
            if change.get("agreed_on"):
                cited += f", överenskommen {change['agreed_on']}"
            whom = ""
            if centre is not None:
                whom = f" för personer listade vid {change.get('health_centre_name') or centre}"
            local_rule = dataclasses.replace(
                r,
                id=f"{r.id}.local",
                actions=local.actions,
                silent=f"Enligt lokal överenskommelse mellan {local.parties}{whom}: {cited}. "
                f"Avtalet låter den gälla före huvudregeln: ”{local.words}”.",
                summary=f"Den lokala överenskommelsen mellan {local.parties}{whom} gäller.",
                label="",
                unless_local=None,
                local_of=local,
            )
            if centre is None:
                rules.append(local_rule)
                continue
            # One hälsocentral's: its listed persons follow it, the others the default; with
            # the listing unknown neither is given and the decision asks for it.
            listed = conditions.Is("listed_health_centre", centre)
            rules.append(
                dataclasses.replace(r, when=conditions.all_of(r.when, conditions.Not(listed)))
            )
            rules.append(
                dataclasses.replace(
                    local_rule,
                    id=f"{r.id}.local.{centre}",
                    when=conditions.all_of(r.when, listed),
                )
            )
        result.append(dataclasses.replace(v, rules=tuple(rules)))
    if not hits:
        raise VariantError(
            index, "unknown_point", f"ingen regel gäller om inte annat överenskommits lokalt "
            f"på punkten {point!r}", "point"
        )  # fmt: skip
    return result


_OPS = {
    "set_parameter": _set_parameter,
    "set_outcome": _set_outcome,
    "disable": _disable,
    "add_rule": _add_rule,
    "local_agreement": _local_agreement,
}


def rule_ids(versions: Iterable[AgreementVersion]) -> list[str]:
    return [r.id for v in versions for r in v.rules]
