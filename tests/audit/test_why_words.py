"""The audit log's "syfte" (`why`) is read by an administrator in log control: plain Swedish.

Issue 13: deviations stored "Avvikelser: uppföljning jh-hsv 2026", an agreement's id, where the
agreement's name belongs. This test reads every app's source and finds each text given as
`why` (a keyword argument, an assignment to `why`/`WHY`, a parameter's default) and fails on
one that carries a developer's word in its fixed part (an agreement id, a snake_case code, a
"del(ar)" plural) or puts an id into it: a value named `pk`, `id`, `…_id`, `agreement`,
`scb_code`, `slug`, `kind`, `code` or `rule` (an agreement, organisation or record is named
by its name, a kind by its label). A value passed through a call (``agreement_name(a)``,
``len(rows)``) or an attribute such as ``.label``, ``.name`` or ``.number`` is a word.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from samverkan.rules import AGREEMENTS

ROOT = Path(__file__).resolve().parents[2] / "samverkan"
ID_NAMES = {"pk", "id", "agreement", "scb_code", "slug", "kind", "code", "rule", "uuid"}
DEVELOPER_WORDS = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(sorted(map(re.escape, [*AGREEMENTS, "jh-hsv"]), key=len, reverse=True))
    + r")"
    r"(?![\w-])|\b[a-z]+_[a-z_]+\b|\w\((?:ar|or|er|na)\)|\bNone\b|\bTrue\b|\bFalse\b"
)


def _id_like(node: ast.expr) -> str | None:
    """The name of an id the formatted value is, or None for a word (a call, a label …)."""
    name = (
        node.id
        if isinstance(node, ast.Name)
        else node.attr
        if isinstance(node, ast.Attribute)
        else None
    )
    if name is None:
        return None
    return name if name in ID_NAMES or name.endswith("_id") else None


def _texts(node: ast.expr) -> list[ast.expr]:
    """The string expressions a `why` value is made of (``a + b``, ``x if c else y``)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _texts(node.left) + _texts(node.right)
    if isinstance(node, ast.IfExp):
        return _texts(node.body) + _texts(node.orelse)
    return [node]


def _problems(node: ast.expr) -> list[str]:
    found: list[str] = []
    for text in _texts(node):
        if isinstance(text, ast.Constant) and isinstance(text.value, str):
            found += [f"ord {m.group(0)!r}" for m in DEVELOPER_WORDS.finditer(text.value)]
        elif isinstance(text, ast.JoinedStr):
            for part in text.values:
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found += [f"ord {m.group(0)!r}" for m in DEVELOPER_WORDS.finditer(part.value)]
                elif isinstance(part, ast.FormattedValue):
                    inner = part.value
                    if isinstance(inner, ast.IfExp | ast.BinOp | ast.JoinedStr):
                        found += _problems(inner)
                    elif name := _id_like(inner):
                        found.append(f"id {{{ast.unparse(inner)}}} ({name})")
    return found


def _why_values(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "why":
                    yield keyword.value
        elif isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id in ("why", "WHY") for t in node.targets):
                yield node.value
        elif isinstance(node, ast.AnnAssign):
            if (
                isinstance(node.target, ast.Name)
                and node.target.id in ("why", "WHY")
                and node.value
            ):
                yield node.value
        elif isinstance(node, ast.FunctionDef):
            args = node.args
            positional = args.posonlyargs + args.args
            for arg, default in zip(
                positional[len(positional) - len(args.defaults) :], args.defaults, strict=True
            ):
                if arg.arg == "why":
                    yield default
            for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                if arg.arg == "why" and kw_default is not None:
                    yield kw_default


def _scan() -> tuple[int, list[str]]:
    seen = 0
    problems: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        if "rules" in path.relative_to(ROOT).parts[:1] or "migrations" in path.parts:
            continue
        for value in _why_values(ast.parse(path.read_text(encoding="utf-8"))):
            seen += 1
            problems += [
                f"{path.relative_to(ROOT.parent)}:{value.lineno}: {p}" for p in _problems(value)
            ]
    return seen, problems


def test_why_texts_carry_no_ids_or_developer_words() -> None:
    seen, problems = _scan()
    assert seen > 250, f"only {seen} why texts found: the scan misses the code"
    assert not problems, "why texts with ids or developer words:\n" + "\n".join(problems)


def test_the_scan_finds_an_agreement_id_and_a_record_id() -> None:
    """The checker itself: the finding of issue 13 and its kin are caught."""
    finding = ast.parse('record(r, "view", why=f"Avvikelser: uppföljning {agreement} {year}")')
    assert _problems(next(_why_values(finding))) == ["id {agreement} (agreement)"]
    kin = ast.parse('why = f"Revision {revision.pk} antagen" + " (jh-hsv)"')
    assert _problems(next(_why_values(kin))) == ["id {revision.pk} (pk)", "ord 'jh-hsv'"]
    plural = ast.parse('def f(*, why: str = "3 del(ar) av invalid_checksum"): ...')
    assert _problems(next(_why_values(plural))) == ["ord 'l(ar)'", "ord 'invalid_checksum'"]
    words = ast.parse('why = f"Uppföljning av {agreement_name(agreement)}: {kind.label}"')
    assert _problems(next(_why_values(words))) == []
