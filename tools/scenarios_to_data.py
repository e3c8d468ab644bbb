"""Convert the Python scenario tests into scenario data files (TOML).

    ./dev python tools/scenarios_to_data.py [--check] [FILE.py ...]

Reads ``tests/rules/scenarios/test_{jh_hemsjukvard,jh_primarvard_kommun,jh_psykisk,
gvb_svart_sjuka}.py`` (or the files given), interprets each test function's body (the
decisions it makes with ``jh``/``gvb``/``psych`` and the asserts on them), and writes
``samverkan/rules/scenarios/<agreement>/<section>.toml`` plus ``baselines.toml``. Each
decision of a test (and each parametrised value) becomes one scenario; its clause comes from
the docstring ("jh-hemsjukvard §7.3: …"), else from the section comment above the test,
else from the clauses it quotes. A test with a statement the converter does not understand is
not converted: it is listed, and the run exits 1 (so nothing is lost silently). ``--check``
writes nothing and exits 1 if the files on disk differ from what it would write.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import importlib.util
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from samverkan.rules import (  # noqa: E402
    FACTS,
    UnknownClause,  # noqa: E402
    all_clauses,
    clause,
)

SOURCES = (
    "test_jh_hemsjukvard.py",
    "test_jh_primarvard_kommun.py",
    "test_jh_psykisk.py",
    "test_gvb_svart_sjuka.py",
)
SCENARIO_DIR = ROOT / "tests" / "rules" / "scenarios"
OUT = ROOT / "samverkan" / "rules" / "scenarios"
CALLS = {"jh": "jh", "gvb": "gvb", "psych": "jh"}
BASELINE_LABELS = {
    "jh": "En 80-åring folkbokförd i Östersund i ordinärt boende utan behov över tid, en "
    "sjuksköterskeinsats kl. 10:00 som regionen förskriver; alla andra uppgifter kända och nej.",
    "gvb": "En 45-åring i Gävle med respirator, sjuksköterskeinsats med behandlingsansvaret i "
    "specialistvården, bedömd som hälso- och sjukvård; inte utskrivning.",
}
AGREEMENT_WORDS = {
    "jh-hemsjukvard": "jh-hemsjukvard",
    "jh-primarvard-kommun": "jh-primarvard-kommun",
    "bilaga 2": "jh-primarvard-kommun",
    "jh-psykisk": "jh-psykisk",
    "gvb-svart-sjuka": "gvb-svart-sjuka",
}


class Unsupported(Exception):
    pass


@dataclass
class Decision:
    baseline: str
    facts: dict[str, Any]
    checks: dict[str, Any] = field(default_factory=dict)
    quotes: list[dict[str, str]] = field(default_factory=list)

    def add(self, key: str, value: Any) -> None:
        if key in ("expected", "rules"):
            self.checks.setdefault(key, {}).update(value)
        elif key.startswith(("includes_", "excludes_")):
            items = self.checks.setdefault(key, [])
            items.extend(v for v in value if v not in items)
        elif key == "first_agreement":
            self.checks.setdefault(key, {}).update(value)
        else:
            if key in self.checks and self.checks[key] != value:
                raise Unsupported(f"two different expectations for {key}")
            self.checks[key] = value


# --- reading a test ---------------------------------------------------------------------------


class Interpreter:
    def __init__(self, module: Any, env: dict[str, Any]):
        self.module = module
        self.env = env
        self.decisions: dict[str, Decision] = {}  # variable -> decision
        self.order: list[Decision] = []

    def eval(self, node: ast.expr) -> Any:
        code = compile(ast.Expression(node), "<scenario>", "eval")
        return eval(code, vars(self.module), dict(self.env))  # noqa: S307 - our own test files

    def decision_call(self, node: ast.expr) -> Decision | None:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            return None
        if node.func.id not in CALLS:
            return None
        if node.args:
            raise Unsupported("positional arguments to a case builder")
        facts: dict[str, Any] = {}
        if node.func.id == "psych":
            facts["date"] = self.module.IN_FORCE
        for kw in node.keywords:
            if kw.arg is None:
                raise Unsupported("**kwargs to a case builder")
            facts[kw.arg] = self.eval(kw.value)
        for existing in self.order:  # the same case asked twice is one scenario
            if existing.facts == facts and existing.baseline == CALLS[node.func.id]:
                return existing
        d = Decision(CALLS[node.func.id], facts)
        self.order.append(d)
        return d

    def decision(self, node: ast.expr) -> Decision:
        if isinstance(node, ast.Name) and node.id in self.decisions:
            return self.decisions[node.id]
        d = self.decision_call(node)
        if d is None:
            raise Unsupported(f"not a decision: {ast.unparse(node)}")
        return d

    def run(self, body: Iterable[ast.stmt]) -> None:
        for stmt in body:
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            return  # docstring
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if not isinstance(target, ast.Name):
                raise Unsupported("assignment to something other than a name")
            d = self.decision_call(stmt.value)
            if d is not None:
                self.decisions[target.id] = d
            else:
                self.env[target.id] = self.eval(stmt.value)
            return
        if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name) and not stmt.orelse:
            for value in self.eval(stmt.iter):
                self.env[stmt.target.id] = value
                self.run(stmt.body)
            return
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            if isinstance(call.func, ast.Name) and call.func.id == "assert_quotes":
                self.quote(call)
                return
        if isinstance(stmt, ast.Assert) and stmt.msg is None:
            self.assertion(stmt.test)
            return
        raise Unsupported(f"statement: {ast.unparse(stmt)}")

    def quote(self, call: ast.Call) -> None:
        d = self.decision(call.args[0])
        values = [self.eval(a) for a in call.args[1:]]
        kwargs = {kw.arg: self.eval(kw.value) for kw in call.keywords}
        names = ["dimension", "clause", "words", "action"]
        quote = dict(zip(names, values, strict=False)) | kwargs
        quote = {k: quote[k] for k in names if quote.get(k) is not None}
        if quote not in d.quotes:
            d.quotes.append(quote)

    def assertion(self, test: ast.expr) -> None:
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
            for value in test.values:
                self.assertion(value)
            return
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            raise Unsupported(f"assert: {ast.unparse(test)}")
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(op, ast.In | ast.NotIn):
            self.membership(left, op, right)
            return
        if not isinstance(op, ast.Eq | ast.Is):
            raise Unsupported(f"comparison: {ast.unparse(test)}")
        want = self.eval(right)
        # outcome(d, dims...) == (...)
        if (
            isinstance(left, ast.Call)
            and isinstance(left.func, ast.Name)
            and left.func.id == "outcome"
        ):
            d = self.decision(left.args[0])
            dims = [self.eval(a) for a in left.args[1:]]
            if len(dims) != len(want):
                raise Unsupported("outcome() with a tuple of another length")
            d.add("expected", dict(zip(dims, want, strict=True)))
            return
        # [a["id"] for a in d.agreements] == [...] and [(a["id"], a["k"]) ...]
        if isinstance(left, ast.ListComp):
            d, keys = self.agreement_comprehension(left)
            if len(keys) == 1:
                d.add("agreements", [{keys[0]: v} for v in want])
            else:
                d.add("agreements", [dict(zip(keys, row, strict=True)) for row in want])
            return
        # d.agreements[0]["k"] == v
        if (
            isinstance(left, ast.Subscript)
            and isinstance(left.value, ast.Subscript)
            and isinstance(left.value.value, ast.Attribute)
            and left.value.value.attr == "agreements"
            and self.eval(left.value.slice) == 0
        ):
            d = self.decision(left.value.value.value)
            d.add("first_agreement", {self.eval(left.slice): want})
            return
        # d.outcome[...] / d.rules[...]
        if isinstance(left, ast.Subscript) and isinstance(left.value, ast.Attribute):
            attr = left.value.attr
            d = self.decision(left.value.value)
            key = self.eval(left.slice)
            if attr == "outcome":
                d.add("expected", {key: want})
                return
            if attr == "rules":
                d.add("rules", {key: want})
                return
            raise Unsupported(f"subscript of {attr}")
        if isinstance(left, ast.Attribute):
            d = self.decision(left.value)
            attr = left.attr
            if attr == "outcome":
                d.add("expected", dict(want))
            elif attr == "rules":
                d.add("rules", dict(want))
            elif attr == "actions":
                d.add("actions", list(want))
            elif attr == "missing_facts":
                d.add("missing", list(want))
            elif attr in ("in_force", "status"):
                d.add(attr, want)
            elif attr == "agreements":
                d.add("agreements", [dict(a) for a in want])
            else:
                raise Unsupported(f"attribute {attr}")
            return
        raise Unsupported(f"assert: {ast.unparse(test)}")

    def agreement_comprehension(self, node: ast.ListComp) -> tuple[Decision, list[str]]:
        gen = node.generators[0]
        if len(node.generators) != 1 or gen.ifs or not isinstance(gen.iter, ast.Attribute):
            raise Unsupported("comprehension")
        if gen.iter.attr != "agreements":
            raise Unsupported("comprehension over something other than agreements")
        d = self.decision(gen.iter.value)
        elts = node.elt.elts if isinstance(node.elt, ast.Tuple) else [node.elt]
        keys = []
        for elt in elts:
            if not isinstance(elt, ast.Subscript):
                raise Unsupported("comprehension element")
            keys.append(self.eval(elt.slice))
        return d, keys

    def membership(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> None:
        value = self.eval(left)
        positive = isinstance(op, ast.In)
        if isinstance(right, ast.ListComp):
            d, keys = self.agreement_comprehension(right)
            if keys != ["id"] or not positive:
                raise Unsupported("membership in agreements")
            d.add("includes_agreements", [value])
            return
        if not isinstance(right, ast.Attribute):
            raise Unsupported(f"membership in {ast.unparse(right)}")
        d = self.decision(right.value)
        kind = {"actions": "actions", "missing_facts": "missing"}.get(right.attr)
        if kind is None:
            raise Unsupported(f"membership in {right.attr}")
        d.add(f"{'includes' if positive else 'excludes'}_{kind}", [value])


def parametrizations(func: ast.FunctionDef, module: Any) -> list[dict[str, Any]]:
    bindings: list[dict[str, Any]] = [{}]
    for dec in func.decorator_list:
        if not (isinstance(dec, ast.Call) and ast.unparse(dec.func) == "pytest.mark.parametrize"):
            raise Unsupported(f"decorator {ast.unparse(dec)}")
        names = [n.strip() for n in ast.literal_eval(dec.args[0]).split(",")]
        values = eval(compile(ast.Expression(dec.args[1]), "<p>", "eval"), vars(module))  # noqa: S307
        rows = [v if len(names) > 1 else (v,) for v in values]
        bindings = [b | dict(zip(names, row, strict=True)) for b in bindings for row in rows]
    return bindings


# --- clauses ----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return re.sub(r"[\u2010-\u2015\u2212]", "-", " ".join(text.split()).casefold())


def resolve_head(head: str, default_agreement: str) -> list[str]:
    """'jh-hemsjukvard §7.2 and §7.3' -> the clause ids; headings by their first words."""
    found: list[str] = []
    agreement = default_agreement
    for token in re.split(r"\s+and\s+|\s*,\s*|\s*/\s*", head.strip()):
        token = token.strip()
        folded = _fold(token)
        for word, agreement_id in AGREEMENT_WORDS.items():
            if folded.startswith(word):
                agreement = agreement_id
                token = token[len(word) :].strip(" ,")
                break
        if not token:
            continue
        try:
            cid = clause(f"{agreement} {token}").id
        except UnknownClause:
            cid = None
            for c in all_clauses().values():
                if c.agreement == agreement and _fold(c.heading).startswith(_fold(token)):
                    cid = c.id
                    break
            if cid is None:
                for c in all_clauses().values():
                    if c.agreement == agreement and _fold(token).startswith(_fold(c.heading)):
                        cid = c.id
                        break
        if cid and cid not in found:
            found.append(cid)
    return found


def module_agreement(source: Path) -> str:
    name = source.stem.removeprefix("test_").replace("_", "-")
    return {"gvb-svart-sjuka": "gvb-svart-sjuka"}.get(name, name)


def section_comments(text: str) -> dict[int, str]:
    """Line number -> the '# --- heading ---' comment in force at that line."""
    out: dict[int, str] = {}
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        m = re.match(r"#\s*---\s*(.*?)\s*-*\s*$", line)
        if m:
            current = m.group(1).split(":")[0]
        out[number] = current
    return out


# --- names ------------------------------------------------------------------------------------


def docstring_parts(func: ast.FunctionDef) -> tuple[str, str]:
    doc = " ".join((ast.get_docstring(func) or "").split())
    head, sep, rest = doc.partition(": ")
    if not sep:
        return "", doc
    return head, rest


def short_name(rest: str) -> str:
    first = re.split(r"[;:]\s|\.(\s|$)|\s\(", rest, maxsplit=1)[0].strip(" .;")
    first = re.sub(r"\s+", " ", first)
    while len(first) > 90 and ", " in first:
        first = first.rsplit(", ", 1)[0]
    return first[:1].upper() + first[1:]


def render_fact(name: str, value: Any) -> str:
    spec = FACTS.get(name)
    if name == "date":
        return str(value)
    if spec is None:
        return f"{name} {value}"
    if value is None:
        return f"{spec.label.lower()} okänd"
    if isinstance(value, bool):
        return f"{spec.label.lower()}: {'ja' if value else 'nej'}"
    if isinstance(value, list):
        shown = ", ".join(spec.label_of(v).lower() for v in value) or "inga"
        return f"{spec.label.lower()}: {shown}"
    if name == "age":
        return f"{value} år"
    if name == "time":
        return f"kl. {value}"
    return f"{spec.label.lower()}: {spec.label_of(str(value)).lower()}"


def distinguishing(decisions: list[tuple[dict[str, Any], Decision]]) -> list[str]:
    """For scenarios from one test: the facts that tell them apart, in Swedish."""
    keys: list[str] = []
    for _, d in decisions:
        for k in d.facts:
            if k not in keys:
                keys.append(k)
    varying = [k for k in keys if len({repr(d.facts.get(k, "\0")) for _, d in decisions}) > 1]
    return [", ".join(render_fact(k, d.facts.get(k)) for k in varying) for _, d in decisions]


# --- writing TOML ----------------------------------------------------------------------------


def toml_value(value: Any) -> str:
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"no TOML for {value!r}")


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_value(key)


def toml_line(key: str, value: Any) -> str:
    text = f"{toml_key(key)} = {toml_value(value)}"
    if len(text) <= 100 or not isinstance(value, list) or not value:
        return text
    return f"{toml_key(key)} = [\n" + "".join(f"    {toml_value(v)},\n" for v in value) + "]"


def toml_table(header: str, key: str, value: dict[str, Any]) -> list[str]:
    """A table inline if it fits on a line, else as its own [header] section (returned
    separately so the caller puts it after the plain keys)."""
    text = f"{toml_key(key)} = {toml_value(value)}"
    if len(text) <= 100:
        return [text]
    return ["", f"[{header}]", *(toml_line(k, v) for k, v in value.items())]


def wrap(text: str, width: int = 96) -> str:
    if len(text) + 18 <= width:
        return toml_value(text)
    escaped = text.replace("\\", "\\\\").replace('"""', '\\"""')
    lines, line = [], ""
    for word in escaped.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line + " \\")
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return '"""\\\n' + "\n".join(lines) + '"""'


ORDER = (
    "expected",
    "rules",
    "actions",
    "includes_actions",
    "excludes_actions",
    "missing",
    "includes_missing",
    "excludes_missing",
    "in_force",
    "status",
    "agreements",
    "first_agreement",
    "includes_agreements",
)


@dataclass
class Out:
    clause: str
    source: str
    baseline: str
    name: str
    description: str
    also: list[str]
    decision: Decision


def scenario_toml(s: Out, file_baseline: str) -> str:
    d = s.decision
    facts = dict(d.facts)
    on = facts.pop("date", None)
    if on is None:
        on = BASELINE_DATES[d.baseline]
    unknown = [k for k, v in facts.items() if v is None]
    given = {k: v for k, v in facts.items() if v is not None}
    lines = ["[[scenario]]", f"name = {toml_value(s.name)}"]
    tables: list[str] = []
    if s.description:
        lines.append(f"description = {wrap(s.description[:1].upper() + s.description[1:])}")
    lines.append(f"# från {s.source}")
    if s.baseline != file_baseline:
        lines.append(f"baseline = {toml_value(s.baseline)}")
    if s.also:
        lines.append(toml_line("also", s.also))
    lines.append(f"on = {dt.date.fromisoformat(on).isoformat()}")
    if given:
        part = toml_table("scenario.facts", "facts", given)
        (lines if len(part) == 1 else tables).extend(part)
    if unknown:
        lines.append(toml_line("unknown", unknown))
    for key in ORDER:
        if key not in d.checks:
            continue
        value = d.checks[key]
        if key == "agreements":
            value = [a["id"] if set(a) == {"id"} else a for a in value]
        if isinstance(value, dict):
            part = toml_table(f"scenario.{key}", key, value)
            (lines if len(part) == 1 else tables).extend(part)
        else:
            lines.append(toml_line(key, value))
    for q in d.quotes:
        tables.extend(["", "[[scenario.quotes]]", *(toml_line(k, v) for k, v in q.items())])
    return "\n".join(lines + tables) + "\n"


BASELINE_DATES: dict[str, str] = {}


def file_path(clause_id: str) -> Path:
    c = clause(clause_id)
    if c.number:
        stem = c.number
    else:
        heading = _fold(c.id.removeprefix(c.agreement).strip())
        for a, b in (("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e")):
            heading = heading.replace(a, b)
        stem = re.sub(r"[^a-z0-9]+", "-", heading).strip("-")
    return Path(c.agreement) / f"{stem}.toml"


# --- the run ----------------------------------------------------------------------------------


def load_module(path: Path) -> Any:
    name = f"tests.rules.scenarios.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def convert(paths: list[Path]) -> tuple[dict[Path, str], list[str]]:
    from tests.rules.scenarios import helpers

    baselines = {"jh": dict(helpers.JH_BASE), "gvb": dict(helpers.GVB_BASE)}
    for key, facts in baselines.items():
        BASELINE_DATES[key] = facts.pop("date")
    files: dict[Path, list[Out]] = {}
    skipped: list[str] = []
    for path in paths:
        module = load_module(path)
        text = path.read_text(encoding="utf-8")
        comments = section_comments(text)
        tree = ast.parse(text)
        default_agreement = module_agreement(path)
        for func in tree.body:
            if not (isinstance(func, ast.FunctionDef) and func.name.startswith("test_")):
                continue
            source = f"{path.name}::{func.name}"
            try:
                outs = convert_test(func, module, comments, default_agreement, source)
            except Unsupported as exc:
                skipped.append(f"{source}: {exc}")
                continue
            for out in outs:
                files.setdefault(file_path(out.clause), []).append(out)
    rendered: dict[Path, str] = {}
    header = "# Written by tools/scenarios_to_data.py from the Python scenario tests.\n"
    rendered[Path("baselines.toml")] = header + "\n".join(
        f"[{key}]\nlabel = {wrap(BASELINE_LABELS[key])}\n\n[{key}.facts]\n"
        + "".join(f"{toml_line(k, v)}\n" for k, v in facts.items())
        for key, facts in baselines.items()
    )
    for rel, outs in files.items():
        counts: dict[str, int] = {}
        for o in outs:
            counts[o.baseline] = counts.get(o.baseline, 0) + 1
        file_baseline = max(counts, key=lambda k: counts[k])
        names: dict[str, int] = {}
        for o in outs:  # names are unique within a file
            names[o.name] = names.get(o.name, 0) + 1
            if names[o.name] > 1:
                o.name = f"{o.name} ({names[o.name]})"
        body = "\n".join(scenario_toml(o, file_baseline) for o in outs)
        rendered[rel] = (
            f"{header}clause = {toml_value(outs[0].clause)}\n"
            f"baseline = {toml_value(file_baseline)}\n\n{body}"
        )
    return rendered, skipped


def convert_test(
    func: ast.FunctionDef,
    module: Any,
    comments: dict[int, str],
    default_agreement: str,
    source: str,
) -> list[Out]:
    head, rest = docstring_parts(func)
    clause_ids = resolve_head(head, default_agreement) if head else []
    if not clause_ids:
        clause_ids = resolve_head(comments.get(func.lineno, ""), default_agreement)
    runs: list[tuple[dict[str, Any], Decision]] = []
    for binding in parametrizations(func, module):
        interp = Interpreter(module, dict(binding))
        interp.run(func.body)
        if not interp.order:
            raise Unsupported("no decision")
        for d in interp.order:
            if not d.checks and not d.quotes:
                raise Unsupported("a decision without expectations")
            runs.append((binding, d))
    if not clause_ids:
        for _, d in runs:
            for q in d.quotes:
                if q["clause"] not in clause_ids:
                    clause_ids.append(clause(q["clause"]).id)
    if not clause_ids:
        raise Unsupported("no clause found in the docstring, section comment or quotes")
    base_name = short_name(rest) or func.name
    suffixes = distinguishing(runs) if len(runs) > 1 else [""]
    outs = []
    for (_, d), suffix in zip(runs, suffixes, strict=True):
        name = f"{base_name} ({suffix})" if suffix else base_name
        outs.append(Out(clause_ids[0], source, d.baseline, name, rest, clause_ids[1:], d))
    return outs


def handwritten(target: Path) -> str:
    """The scenarios of an existing file that were written by hand (no '# från' line): kept."""
    if not target.exists() or target.name == "baselines.toml":
        return ""
    blocks = target.read_text(encoding="utf-8").split("[[scenario]]\n")[1:]
    kept = ["[[scenario]]\n" + b for b in blocks if "\n# från " not in b]
    return "".join("\n" + b.rstrip("\n") + "\n" for b in kept)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    paths = args.files or [SCENARIO_DIR / name for name in SOURCES]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print("Finns inte: " + ", ".join(map(str, missing)), file=sys.stderr)
        return 2
    rendered, skipped = convert(paths)
    differs = []
    for rel, text in sorted(rendered.items()):
        target = OUT / rel
        text += handwritten(target)
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        differs.append(rel)
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    for target in sorted(OUT.rglob("*.toml")):  # a generated file no test writes any more
        rel = target.relative_to(OUT)
        if rel in rendered:
            continue
        kept = handwritten(target)
        text = target.read_text(encoding="utf-8")
        if "\n# från " not in text:
            continue
        differs.append(rel)
        if not args.check:
            if kept:
                head = text.split("[[scenario]]", 1)[0]
                target.write_text(head.rstrip("\n") + "\n" + kept, encoding="utf-8")
            else:
                target.unlink()
    count = sum(t.count("[[scenario]]") for t in rendered.values())
    print(f"{count} scenarios in {len(rendered) - 1} files; {len(differs)} files changed")
    for line in skipped:
        print(f"not converted: {line}", file=sys.stderr)
    return 1 if skipped or (args.check and differs) else 0


if __name__ == "__main__":
    sys.exit(main())
