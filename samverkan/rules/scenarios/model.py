"""Scenario files: load, check and run them (pure Python, stdlib ``tomllib``).

A scenario file is TOML, one per agreement section, e.g. ``jh-hemsjukvard/7.3.toml``::

    clause = "jh-hemsjukvard §7.3"      # the section the file tests
    baseline = "jh"                     # optional: facts every scenario starts from

    [[scenario]]
    name = "Ordinärt boende med ett behov över tid ger kommunen"
    on = 2022-02-01                     # the date of the care
    facts = { adl_needs_over_time = ["dressing"] }
    unknown = ["wishes_health_centre"]  # facts that are not known (TOML has no null)
    expected = { health_care_responsibility = "municipality", cost = "municipality" }
    actions = ["assess_self_care_first"]
    missing = []

Keys of a scenario (only ``name`` and ``on`` are required; every check is optional):

- ``name`` (Swedish, unique in the file), ``description``;
- ``clause`` (default: the file's), ``also`` (further clauses the scenario tests);
- ``baseline`` (a table of ``baselines.toml``; default: the file's), ``facts``, ``unknown``;
- ``expected``: the outcome per dimension; ``rules``: the deciding rule per dimension
  (technical; ``""`` = no rule decides);
- ``actions`` (exactly these, in order), ``includes_actions``, ``excludes_actions``;
- ``missing`` (exactly these missing facts, in order), ``includes_missing``,
  ``excludes_missing``;
- ``in_force`` (true/false), ``status`` (``decided``, ``not_in_force``, ``not_covered``, …);
- ``agreements``: the agreements the decision names, in order: an id, or a table of the
  keys to compare (``{ id = "gvb-svart-sjuka", valid_to = 2019-12-31 }``; ``""`` = none);
  ``first_agreement``: such a table for the first one only; ``includes_agreements``: ids
  that must be among them;
- ``quotes``: the quoted passage of a reason: ``{ dimension = "cost", clause = "…",
  words = "…" }`` (``dimension = "actions"`` with ``action = "…"`` for an action's reason);
- ``local_agreement``: decide as if this local agreement were recorded for the scenario's
  kommun from ``agreed_on`` (``{ point = "specialist_care_routing", title = "…", reference =
  "…", agreed_on = 2026-01-15 }``; the point of a rule's ``unless_local``);
- ``local_note``: true when a reason must say that a local agreement may say otherwise
  ("om annat ej överenskommits"), false when none may.

A bad file raises :class:`ScenarioError` naming the file, the scenario and the key.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from samverkan.rules.clauses.library import UnknownClause, clauses, get
from samverkan.rules.facts import FACTS, InvalidFacts, validate_facts
from samverkan.rules.outcome import ACTIONS, DIMENSION_VALUES, DIMENSIONS

BASELINES = "baselines.toml"
STATUSES = ("decided", "not_in_force", "not_covered", "incomplete")
_FILE_KEYS = {"clause", "baseline", "scenario"}
_SCENARIO_KEYS = {
    "name",
    "description",
    "on",
    "clause",
    "also",
    "baseline",
    "facts",
    "unknown",
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
    "quotes",
    "local_agreement",
    "local_note",
}
_AGREEMENT_KEYS = {"id", "version", "title", "valid_from", "valid_to"}
_QUOTE_KEYS = {"dimension", "clause", "words", "action"}


class ScenarioError(ValueError):
    """A bad scenario file: which file, which scenario (``None``: the file itself), which key."""

    def __init__(self, file: str, scenario: str | None, key: str | None, message: str):
        self.file = file
        self.scenario = scenario
        self.key = key
        self.message = message
        where = file
        if scenario is not None:
            where += f", scenariot {scenario!r}"
        if key is not None:
            where += f", nyckeln {key!r}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Quote:
    dimension: str
    clause: str
    words: str
    action: str | None = None


@dataclass(frozen=True)
class Scenario:
    file: str  # relative to the scenario directory, e.g. "jh-hemsjukvard/7.3.toml"
    index: int  # 1-based position in the file
    name: str
    on: dt.date
    clause: str  # canonical clause id
    description: str = ""
    also: tuple[str, ...] = ()
    baseline: str | None = None
    given: Mapping[str, Any] = field(default_factory=dict)  # the scenario's own facts
    unknown: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)  # what the engine gets
    expected: Mapping[str, str] = field(default_factory=dict)
    rules: Mapping[str, str | None] = field(default_factory=dict)
    actions: tuple[str, ...] | None = None
    includes_actions: tuple[str, ...] = ()
    excludes_actions: tuple[str, ...] = ()
    missing: tuple[str, ...] | None = None
    includes_missing: tuple[str, ...] = ()
    excludes_missing: tuple[str, ...] = ()
    in_force: bool | None = None
    status: str | None = None
    agreements: tuple[Mapping[str, str | None], ...] | None = None
    first_agreement: Mapping[str, str | None] | None = None
    includes_agreements: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    local_agreement: Mapping[str, str] | None = None
    local_note: bool | None = None

    @property
    def clauses(self) -> tuple[str, ...]:
        """The clauses the scenario tests: its own, the further ones, those it quotes."""
        seen = dict.fromkeys((self.clause, *self.also, *(q.clause for q in self.quotes)))
        return tuple(seen)

    @property
    def test_id(self) -> str:
        return f"{self.file.removesuffix('.toml')}#{self.index}-{_slug(self.name)}"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")[:60]


# --- loading --------------------------------------------------------------------------------


def scenario_dir() -> Path:
    return Path(str(resources.files("samverkan.rules.scenarios")))


def load_baselines(path: Path) -> dict[str, dict[str, Any]]:
    name = path.name
    data = _read_toml(path, name)
    out: dict[str, dict[str, Any]] = {}
    for key, table in data.items():
        if not isinstance(table, dict) or not isinstance(table.get("facts"), dict):
            raise ScenarioError(name, None, key, "ett utgångsläge ska ha en tabell 'facts'.")
        extra = set(table) - {"label", "facts"}
        if extra:
            raise ScenarioError(name, None, f"{key}.{sorted(extra)[0]}", "okänd nyckel.")
        out[key] = {"label": str(table.get("label", "")), "facts": dict(table["facts"])}
    return out


def _read_toml(path: Path, name: str) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(name, None, None, f"ingen giltig TOML: {exc}") from None
    except OSError as exc:
        raise ScenarioError(name, None, None, f"kan inte läsas: {exc.strerror}") from None


def load_file(
    path: Path, baselines: Mapping[str, Mapping[str, Any]], name: str | None = None
) -> list[Scenario]:
    """The scenarios of one file, checked; raises :class:`ScenarioError`."""
    name = name or path.name
    data = _read_toml(path, name)
    for key in data:
        if key not in _FILE_KEYS:
            raise ScenarioError(name, None, key, _unknown_key(key, _FILE_KEYS))
    file_clause = _clause(data.get("clause"), name, None, "clause", required=True)
    assert file_clause is not None
    file_baseline = _baseline(data.get("baseline"), baselines, name, None)
    tables = data.get("scenario")
    if not isinstance(tables, list) or not tables:
        raise ScenarioError(name, None, "scenario", "filen ska ha minst ett [[scenario]].")
    out: list[Scenario] = []
    names: set[str] = set()
    for index, table in enumerate(tables, start=1):
        scenario = _scenario(table, index, name, file_clause, file_baseline, baselines)
        if scenario.name in names:
            raise ScenarioError(name, scenario.name, "name", "två scenarier har samma namn.")
        names.add(scenario.name)
        out.append(scenario)
    return out


def load_dir(directory: Path | None = None) -> list[Scenario]:
    """Every scenario under ``directory`` (default: the package's), file by file in order."""
    directory = directory or scenario_dir()
    baselines_path = directory / BASELINES
    baselines = load_baselines(baselines_path) if baselines_path.exists() else {}
    out: list[Scenario] = []
    for path in sorted(directory.rglob("*.toml"), key=lambda p: _natural(p, directory)):
        if path.name == BASELINES:
            continue
        out.extend(load_file(path, baselines, path.relative_to(directory).as_posix()))
    return out


def _natural(path: Path, directory: Path) -> list[Any]:
    parts = re.split(r"(\d+)", path.relative_to(directory).as_posix())
    return [int(p) if p.isdigit() else p for p in parts]


@cache
def _package_scenarios() -> tuple[Scenario, ...]:
    return tuple(load_dir())


@cache
def baseline_labels() -> dict[str, str]:
    """The package's baselines: name -> its Swedish description."""
    path = scenario_dir() / BASELINES
    return {k: v["label"] for k, v in load_baselines(path).items()}


def scenarios(clause: str | None = None) -> tuple[Scenario, ...]:
    """The package's scenarios; with ``clause``, those that test it (forgiving spelling)."""
    found = _package_scenarios()
    if clause is None:
        return found
    canonical = get(clause).id
    return tuple(s for s in found if canonical in s.clauses)


def scenarios_by_clause(items: Iterable[Scenario] | None = None) -> dict[str, list[Scenario]]:
    """Clause id -> the scenarios that test it."""
    out: dict[str, list[Scenario]] = {}
    for s in _package_scenarios() if items is None else items:
        for clause_id in s.clauses:
            out.setdefault(clause_id, []).append(s)
    return out


def _unknown_key(key: str, known: Iterable[str]) -> str:
    return f"okänd nyckel; kända nycklar: {', '.join(sorted(known))}."


def _clause(
    value: Any, file: str, scenario: str | None, key: str, required: bool = False
) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(
            file, scenario, key, "ska vara en klausul, t.ex. 'jh-hemsjukvard §7.3'."
        )
    try:
        return get(value).id
    except UnknownClause as exc:
        raise ScenarioError(file, scenario, key, str(exc)) from None


def _baseline(
    value: Any, baselines: Mapping[str, Mapping[str, Any]], file: str, scenario: str | None
) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in baselines:
        known = ", ".join(sorted(baselines)) or "inga"
        raise ScenarioError(file, scenario, "baseline", f"okänt utgångsläge; kända: {known}.")
    return value


def _names(
    value: Any, file: str, scenario: str, key: str, allowed: Mapping[str, Any], what: str
) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(file, scenario, key, f"ska vara en lista av {what}.")
    for v in value:
        if v not in allowed:
            raise ScenarioError(file, scenario, key, f"{v!r} finns inte bland kända {what}.")
    return tuple(value)


def _dims(value: Any, file: str, scenario: str, key: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ScenarioError(file, scenario, key, "ska vara en tabell dimension = värde.")
    for dim, v in value.items():
        if dim not in DIMENSIONS:
            known = ", ".join(DIMENSIONS)
            raise ScenarioError(file, scenario, f"{key}.{dim}", f"okänd dimension; kända: {known}.")
        if not isinstance(v, str):
            raise ScenarioError(file, scenario, f"{key}.{dim}", "ska vara en sträng.")
        if key == "expected" and v not in DIMENSION_VALUES[dim]:
            known = ", ".join(DIMENSION_VALUES[dim])
            raise ScenarioError(
                file, scenario, f"{key}.{dim}", f"okänt värde {v!r}; kända: {known}."
            )
    return dict(value)


def _agreement(value: Any, file: str, scenario: str, key: str) -> dict[str, str | None]:
    if isinstance(value, str):
        return {"id": value}
    if not isinstance(value, dict) or not value:
        raise ScenarioError(file, scenario, key, "ska vara ett avtals-id eller en tabell.")
    out: dict[str, str | None] = {}
    for k, v in value.items():
        if k not in _AGREEMENT_KEYS:
            raise ScenarioError(file, scenario, f"{key}.{k}", _unknown_key(k, _AGREEMENT_KEYS))
        if isinstance(v, dt.date):
            v = v.isoformat()
        if not isinstance(v, str):
            raise ScenarioError(file, scenario, f"{key}.{k}", "ska vara en sträng eller ett datum.")
        out[k] = v or None
    return out


def _scenario(
    table: Any,
    index: int,
    file: str,
    file_clause: str,
    file_baseline: str | None,
    baselines: Mapping[str, Mapping[str, Any]],
) -> Scenario:
    if not isinstance(table, dict):
        raise ScenarioError(file, f"nr {index}", None, "ett scenario ska vara en tabell.")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(file, f"nr {index}", "name", "varje scenario ska ha ett namn.")
    for key in table:
        if key not in _SCENARIO_KEYS:
            raise ScenarioError(file, name, key, _unknown_key(key, _SCENARIO_KEYS))
    on = table.get("on")
    if isinstance(on, dt.datetime) or not isinstance(on, dt.date):
        raise ScenarioError(file, name, "on", "ska vara ett datum, t.ex. on = 2022-02-01.")
    description = table.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError(file, name, "description", "ska vara en text.")
    clause = _clause(table.get("clause"), file, name, "clause") or file_clause
    also_raw = table.get("also", [])
    if not isinstance(also_raw, list):
        raise ScenarioError(file, name, "also", "ska vara en lista av klausuler.")
    also = tuple(c for c in (_clause(v, file, name, "also", required=True) for v in also_raw) if c)
    baseline = _baseline(table.get("baseline"), baselines, file, name) or file_baseline
    given = table.get("facts", {})
    if not isinstance(given, dict):
        raise ScenarioError(file, name, "facts", "ska vara en tabell uppgift = värde.")
    if "date" in given:
        raise ScenarioError(file, name, "facts.date", "datumet anges med 'on', inte bland fakta.")
    unknown = _names(table.get("unknown", []), file, name, "unknown", FACTS, "uppgifter")
    both = sorted(set(unknown) & set(given))
    if both:
        raise ScenarioError(file, name, "unknown", f"{both[0]!r} är både given och okänd.")
    raw: dict[str, Any] = dict(baselines[baseline]["facts"]) if baseline else {}
    raw |= {k: _json_value(v) for k, v in given.items()}
    raw["date"] = on.isoformat()
    for fact in unknown:
        raw[fact] = None
    try:
        validate_facts(raw)
    except InvalidFacts as exc:
        first = exc.errors[0]
        key = f"facts.{first.field}" if first.field in given else "baseline"
        if first.field in unknown:
            key = "unknown"
        raise ScenarioError(file, name, key, first.message) from None
    rules = _dims(table.get("rules", {}), file, name, "rules")

    def names(key: str, allowed: Mapping[str, Any], what: str) -> tuple[str, ...] | None:
        return _names(table[key], file, name, key, allowed, what) if key in table else None

    status = table.get("status")
    if status is not None and status not in STATUSES:
        raise ScenarioError(file, name, "status", f"okänd status; kända: {', '.join(STATUSES)}.")
    in_force = table.get("in_force")
    if in_force is not None and not isinstance(in_force, bool):
        raise ScenarioError(file, name, "in_force", "ska vara true eller false.")
    agreements = None
    if "agreements" in table:
        if not isinstance(table["agreements"], list):
            raise ScenarioError(file, name, "agreements", "ska vara en lista.")
        agreements = tuple(
            _agreement(a, file, name, f"agreements.{i}") for i, a in enumerate(table["agreements"])
        )
    first_raw = table.get("first_agreement")
    first_agreement = _agreement(first_raw, file, name, "first_agreement") if first_raw else None
    includes_agreements = table.get("includes_agreements", [])
    if not isinstance(includes_agreements, list) or not all(
        isinstance(a, str) for a in includes_agreements
    ):
        raise ScenarioError(file, name, "includes_agreements", "ska vara en lista av avtals-id.")
    quotes = []
    raw_quotes = table.get("quotes", [])
    if not isinstance(raw_quotes, list):
        raise ScenarioError(file, name, "quotes", "ska vara en lista av tabeller.")
    for i, q in enumerate(raw_quotes):
        key = f"quotes.{i}"
        if not isinstance(q, dict):
            raise ScenarioError(file, name, key, "ska vara en tabell.")
        for k in q:
            if k not in _QUOTE_KEYS:
                raise ScenarioError(file, name, f"{key}.{k}", _unknown_key(k, _QUOTE_KEYS))
        dim = q.get("dimension")
        if dim != "actions" and dim not in DIMENSIONS:
            raise ScenarioError(file, name, f"{key}.dimension", "okänd dimension.")
        action = q.get("action")
        if (dim == "actions") != (action is not None) or (action and action not in ACTIONS):
            raise ScenarioError(
                file, name, f"{key}.action", "en känd åtgärd, och bara för dimension 'actions'."
            )
        words = q.get("words")
        if not isinstance(words, str) or not words.strip():
            raise ScenarioError(file, name, f"{key}.words", "avtalets ord som citatet innehåller.")
        quote_clause = _clause(q.get("clause"), file, name, f"{key}.clause", required=True)
        assert quote_clause is not None
        quotes.append(Quote(dim, quote_clause, words, action))
    local = table.get("local_agreement")
    local_agreement = None
    if local is not None:
        if not isinstance(local, dict) or not isinstance(local.get("point"), str):
            raise ScenarioError(
                file, name, "local_agreement", "en tabell med point, title och agreed_on."
            )
        agreed = local.get("agreed_on")
        if isinstance(agreed, dt.datetime) or not isinstance(agreed, dt.date):
            raise ScenarioError(file, name, "local_agreement.agreed_on", "ska vara ett datum.")
        local_agreement = {k: _json_value(v) for k, v in local.items()}
    local_note = table.get("local_note")
    if local_note is not None and not isinstance(local_note, bool):
        raise ScenarioError(file, name, "local_note", "ska vara true eller false.")
    return Scenario(
        file=file,
        index=index,
        name=name.strip(),
        on=on,
        clause=clause,
        description=description.strip(),
        also=also,
        baseline=baseline,
        given={k: _json_value(v) for k, v in given.items()},
        unknown=unknown,
        facts=raw,
        expected=_dims(table.get("expected", {}), file, name, "expected"),
        rules={dim: rule or None for dim, rule in rules.items()},
        actions=names("actions", ACTIONS, "åtgärder"),
        includes_actions=names("includes_actions", ACTIONS, "åtgärder") or (),
        excludes_actions=names("excludes_actions", ACTIONS, "åtgärder") or (),
        missing=names("missing", FACTS, "uppgifter"),
        includes_missing=names("includes_missing", FACTS, "uppgifter") or (),
        excludes_missing=names("excludes_missing", FACTS, "uppgifter") or (),
        in_force=in_force,
        status=status,
        agreements=agreements,
        first_agreement=first_agreement,
        includes_agreements=tuple(includes_agreements),
        quotes=tuple(quotes),
        local_agreement=local_agreement,
        local_note=local_note,
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value


# --- running ----------------------------------------------------------------------------------


def check_scenario(scenario: Scenario, ruleset: Any = None) -> list[str]:
    """What the engine answers differently from the scenario (Swedish); empty = it passes.

    ``ruleset``: a ``RuleSet`` to decide with (a draft revision's), default the region's.
    """
    from samverkan.rules.engine import decide

    if scenario.local_agreement is not None:
        ruleset = local_ruleset(scenario)
    d = decide(scenario.facts, ruleset)
    out: list[str] = []

    def differs(what: str, got: Any, want: Any) -> None:
        if got != want:
            out.append(f"{what}: väntat {want!r}, fick {got!r}")

    for dim, want in scenario.expected.items():
        differs(f"utfall {dim}", d.outcome[dim], want)
    for dim, rule_id in scenario.rules.items():
        differs(f"regel för {dim}", d.rules.get(dim), rule_id)
    if scenario.actions is not None:
        differs("åtgärder", d.actions, list(scenario.actions))
    for action in scenario.includes_actions:
        if action not in d.actions:
            out.append(f"åtgärd {action!r} saknas bland {d.actions!r}")
    for action in scenario.excludes_actions:
        if action in d.actions:
            out.append(f"åtgärd {action!r} ska inte finnas bland {d.actions!r}")
    if scenario.missing is not None:
        differs("saknade uppgifter", d.missing_facts, list(scenario.missing))
    for fact in scenario.includes_missing:
        if fact not in d.missing_facts:
            out.append(f"uppgift {fact!r} saknas inte bland {d.missing_facts!r}")
    for fact in scenario.excludes_missing:
        if fact in d.missing_facts:
            out.append(f"uppgift {fact!r} ska inte saknas, men finns bland {d.missing_facts!r}")
    if scenario.in_force is not None:
        differs("i kraft", d.in_force, scenario.in_force)
    if scenario.status is not None:
        differs("status", d.status, scenario.status)
    if scenario.agreements is not None:
        got = [
            {k: a.get(k) for k in want}
            for a, want in zip(d.agreements, scenario.agreements, strict=False)
        ]
        if len(d.agreements) != len(scenario.agreements) or got != list(scenario.agreements):
            differs("avtal", d.agreements, list(scenario.agreements))
    if scenario.first_agreement is not None:
        first = d.agreements[0] if d.agreements else {}
        got_first = {k: first.get(k) for k in scenario.first_agreement}
        differs("första avtalet", got_first, dict(scenario.first_agreement))
    ids = [a["id"] for a in d.agreements]
    for agreement_id in scenario.includes_agreements:
        if agreement_id not in ids:
            out.append(f"avtal {agreement_id!r} saknas bland {ids!r}")
    for q in scenario.quotes:
        out.extend(_check_quote(d, q))
    if scenario.local_note is not None:
        notes = [r.rule for r in d.reasons if r.local_note]
        if scenario.local_note and not notes:
            out.append("inget skäl säger att en lokal överenskommelse kan ange annat")
        if not scenario.local_note and notes:
            out.append(f"skälen för {notes!r} säger att en lokal överenskommelse kan ange annat")
    return out


def local_ruleset(scenario: Scenario) -> Any:
    """The rule set of the scenario's region and kommun with its ``local_agreement`` recorded
    (a revision of ``kind="lokal"``, as the agreements room makes of a LocalAgreement)."""
    from samverkan.rules.agreements import ALL_VERSIONS
    from samverkan.rules.revisions import AdoptedRevision, ruleset_for

    local = dict(scenario.local_agreement or {})
    point = local["point"]
    agreement = next(
        v.agreement
        for v in ALL_VERSIONS
        for r in v.rules
        if r.unless_local is not None and r.unless_local.point == point
    )
    region, kommun = scenario.facts["region"], scenario.facts.get("municipality")
    agreed = dt.date.fromisoformat(local["agreed_on"])
    parties = {region: agreed, **({kommun: agreed} if kommun else {})}
    change = {"op": "local_agreement", **local}
    revision = AdoptedRevision("scenario", agreement, region, (change,), parties, kind="lokal")
    return ruleset_for(region, kommun, scenario.on, [revision])


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _check_quote(d: Any, q: Quote) -> list[str]:
    found = [
        r
        for r in d.reasons
        if r.dimension == q.dimension and (q.action is None or r.action == q.action)
    ]
    what = f"citat för {q.action or q.dimension}"
    if len(found) != 1:
        return [f"{what}: väntat ett skäl, fick {len(found)}"]
    r = found[0]
    out = []
    if r.clause != q.clause:
        out.append(f"{what}: väntat klausul {q.clause!r}, fick {r.clause!r} ({r.rule})")
    # A silent default (`quoted = False`) states what the clause does not say: not verbatim.
    elif r.quoted and r.text not in "\n".join(clauses()[q.clause].paragraphs):
        out.append(f"{what}: citatet är inte avtalets ordagranna text: {r.text!r}")
    if _words(q.words) not in _words(r.text):
        out.append(f"{what}: orden {q.words!r} finns inte i {r.text!r}")
    return out


def scenario_counts(encoded: Sequence[str]) -> dict[str, int]:
    """Encoded clause id -> how many scenarios test it (0 = none)."""
    by_clause = scenarios_by_clause()
    return {clause_id: len(by_clause.get(get(clause_id).id, [])) for clause_id in encoded}
