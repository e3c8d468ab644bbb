"""Rule variants: a proposed revision described as data, applied without editing code.

A forum preparing a revision writes a variant such as "two ADL needs instead of one" or
"LSS housing moves to the kommun" as a list of changes (JSON-friendly dicts):

``{"op": "set_parameter", "rule": ID, "kind": "count_at_least", "fact": F, "n": 2}``
    change a number in the rule's condition (ages, counts);
``{"op": "set_outcome", "rule": ID, "dimension": D, "value": V}``
    the rule decides another value;
``{"op": "disable", "rule": ID}``
    drop the rule (and every reference to it in ``overrides``);
``{"op": "add_rule", "agreement": A, "rule": {id, clause, anchor, when, decides, …}}``
    a new rule, its condition written with :func:`conditions.from_dict`.

The result is a new tuple of agreement versions; history is never edited.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from samverkan.rules import conditions
from samverkan.rules.conditions import Cond, rewrite
from samverkan.rules.declarations import AgreementVersion, Rule


class VariantError(ValueError):
    def __init__(self, index: int, code: str, message: str):
        self.index, self.code, self.message = index, code, message
        super().__init__(f"ändring {index + 1}: {message}")


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
                index, "unknown_op", f"okänd ändringstyp {op!r} (tillåtna: {', '.join(_OPS)})"
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
    if not found:
        raise VariantError(index, "unknown_rule", f"regeln {rule_id!r} finns inte")
    return result


def _set_parameter(
    versions: list[AgreementVersion], change: Mapping[str, Any], index: int
) -> list[AgreementVersion]:
    kind, fact = change.get("kind"), change.get("fact")
    params = {k: v for k, v in change.items() if k not in ("op", "rule", "kind", "fact")}
    hits = 0

    def change_one(cond: Cond) -> Cond:
        nonlocal hits
        if cond.kind == kind and getattr(cond, "fact", None) == fact:
            hits += 1
            try:
                return dataclasses.replace(cond, **params)  # type: ignore[type-var]
            except TypeError as exc:
                raise VariantError(
                    index, "invalid_parameter", f"ogiltig parameter: {exc}"
                ) from None
        return cond

    def fn(r: Rule) -> Rule:
        return dataclasses.replace(r, when=rewrite(r.when, change_one))

    result = _map_rule(versions, change.get("rule"), index, fn)
    if not hits:
        raise VariantError(index, "no_such_condition", f"regeln har inget villkor {kind} på {fact}")
    return result


def _set_outcome(
    versions: list[AgreementVersion], change: Mapping[str, Any], index: int
) -> list[AgreementVersion]:
    dim, value = change.get("dimension"), change.get("value")

    def fn(r: Rule) -> Rule:
        try:
            return dataclasses.replace(r, decides={**r.decides, str(dim): str(value)})
        except ValueError as exc:
            raise VariantError(index, "invalid_outcome", str(exc)) from None

    return _map_rule(versions, change.get("rule"), index, fn)


def _disable(
    versions: list[AgreementVersion], change: Mapping[str, Any], index: int
) -> list[AgreementVersion]:
    rule_id = change.get("rule")
    result = _map_rule(versions, rule_id, index, lambda r: None)
    return [
        dataclasses.replace(
            v,
            rules=tuple(
                dataclasses.replace(r, overrides=tuple(o for o in r.overrides if o != rule_id))
                for r in v.rules
            ),
        )
        for v in result
    ]


def _add_rule(
    versions: list[AgreementVersion], change: Mapping[str, Any], index: int
) -> list[AgreementVersion]:
    data = change.get("rule") or {}
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
        )
    except (KeyError, ValueError) as exc:
        raise VariantError(index, "invalid_rule", f"ogiltig regel: {exc}") from None
    targets = [v for v in versions if v.agreement == change.get("agreement")]
    if not targets:
        raise VariantError(
            index, "unknown_agreement", f"avtalet {change.get('agreement')!r} finns inte"
        )
    return [dataclasses.replace(v, rules=(*v.rules, new)) if v in targets else v for v in versions]


_OPS = {
    "set_parameter": _set_parameter,
    "set_outcome": _set_outcome,
    "disable": _disable,
    "add_rule": _add_rule,
}


def rule_ids(versions: Iterable[AgreementVersion]) -> list[str]:
    return [r.id for v in versions for r in v.rules]
