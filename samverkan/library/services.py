"""What the agreement library shows: agreements on a date, clauses, the rules citing them, search.

Reads only the public parts of ``samverkan.rules`` (agreement declarations, validity, the
clause library and its search). Other apps link to clauses through :func:`clause_url`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from samverkan.rules import (
    ACTIONS,
    AGREEMENTS,
    ALL_VERSIONS,
    DIMENSIONS,
    FACTS,
    REGIONS,
    AgreementVersion,
    Clause,
    CoverageRow,
    Rule,
    Scenario,
    Status,
    UnknownClause,
    add_months,
    agreement_name,
    all_scenarios,
    check_scenario,
    clause_label,
    coverage,
    current_notices,
    current_revisions,
    get,
    municipality_name,
    notice_deadline,
    scenario_baseline_labels,
    scenarios_by_clause,
    search,
    status,
    stems,
    value_label,
)
from samverkan.rules import all_clauses as clauses

SEARCH_LIMIT = 20


class UnknownAgreement(LookupError):
    pass


# --- Agreements and their status ----------------------------------------------------------


@dataclass(frozen=True)
class AgreementRow:
    version: AgreementVersion
    status: Status
    region_name: str
    notice_ends_term_on: dt.date | None  # the term end the next notice deadline refers to
    clause_count: int

    @property
    def id(self) -> str:
        return self.version.agreement


def agreements_on(day: dt.date, own_region: str | None = None) -> list[AgreementRow]:
    """Every agreement version with its status on ``day``, in the library's order; with
    ``own_region`` (a region id) that region's agreements come first, each group in the
    library's order."""
    counts = _clause_counts()
    notices = current_notices()  # recorded terminations end a renewing term
    versions = sorted(ALL_VERSIONS, key=lambda version: version.region != own_region)
    return [
        AgreementRow(
            version=version,
            status=(st := status(version, day, notices)),
            region_name=REGIONS[version.region].name,
            notice_ends_term_on=_term_end_of_notice(version, st),
            clause_count=counts.get(version.agreement, 0),
        )
        for version in versions
    ]


def _term_end_of_notice(version: AgreementVersion, st: Status) -> dt.date | None:
    # validity moves the deadline to the next term once this term's deadline has passed.
    if st.next_notice_deadline is None or st.term_end is None:
        return None
    term = version.term
    if notice_deadline(term, st.term_end) == st.next_notice_deadline:
        return st.term_end
    return add_months(st.term_end, 12 * term.renewal_years)


@cache
def _clause_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for clause in clauses().values():
        counts[clause.agreement] = counts.get(clause.agreement, 0) + 1
    return counts


def versions_of(agreement_id: str) -> list[AgreementVersion]:
    if agreement_id not in AGREEMENTS:
        raise UnknownAgreement(agreement_id)
    return [v for v in ALL_VERSIONS if v.agreement == agreement_id]


def agreement_title(agreement_id: str) -> str:
    versions = versions_of(agreement_id)
    return versions[-1].title if versions else agreement_id


# --- Clauses: addresses, classification, citing rules ------------------------------------

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def _slugify(clause_id: str) -> str:
    # Keeps dots so "§5.11" and "§5.1.1" stay apart; everything else becomes one hyphen.
    folded = clause_id.casefold().translate(_FOLD)
    return re.sub(r"[^a-z0-9.]+", "-", folded).strip("-")


@cache
def _slugs() -> tuple[dict[str, str], dict[str, str]]:
    by_id = {clause_id: _slugify(clause_id) for clause_id in clauses()}
    by_slug = {slug: clause_id for clause_id, slug in by_id.items()}
    if len(by_slug) != len(by_id):
        raise ValueError("two clause ids share one slug")
    return by_id, by_slug


def clause_slug(clause_id: str) -> str:
    return _slugs()[0][get(clause_id).id]


def clause_url(clause_id: str) -> str:
    """The clause viewer's address for a clause id (forgiving spelling, as ``library.get``)."""
    return reverse("library:clause", args=[clause_slug(clause_id)])


def find_clause(key: str) -> Clause:
    """The clause for a slug or any spelling of its id; raises UnknownClause (Swedish text)."""
    clause_id = _slugs()[1].get(key.strip().casefold())
    return get(clause_id if clause_id is not None else key)


def clauses_of(agreement_id: str) -> list[tuple[Clause, CoverageRow]]:
    versions_of(agreement_id)  # raises UnknownAgreement
    rows = _coverage()
    return [(c, rows[c.id]) for c in clauses().values() if c.agreement == agreement_id]


def neighbours(clause: Clause) -> tuple[Clause | None, Clause | None]:
    """The previous and next clause of the same agreement (document order)."""
    same = [c for c in clauses().values() if c.agreement == clause.agreement]
    at = [c.id for c in same].index(clause.id)
    return (same[at - 1] if at > 0 else None, same[at + 1] if at + 1 < len(same) else None)


@cache
def _citations() -> dict[str, tuple[tuple[AgreementVersion, Rule], ...]]:
    cited: dict[str, list[tuple[AgreementVersion, Rule]]] = {}
    for version in ALL_VERSIONS:
        for rule in version.rules:
            cited.setdefault(get(rule.clause).id, []).append((version, rule))
    return {clause_id: tuple(pairs) for clause_id, pairs in cited.items()}


@cache
def _coverage() -> dict[str, CoverageRow]:
    cited = {clause_id: [r.id for _, r in pairs] for clause_id, pairs in _citations().items()}
    return {row.clause_id: row for row in coverage(cited)}


def classification(clause: Clause) -> CoverageRow:
    return _coverage()[clause.id]


@dataclass(frozen=True)
class CitingRule:
    id: str
    agreement_version: str  # technical: the agreement's id and version
    summary: str
    condition: str  # Swedish, from Cond.describe()
    decides: tuple[tuple[str, str], ...]  # (dimension label, value label)
    actions: tuple[str, ...]  # Swedish action labels
    overrides: tuple[str, ...]
    fallback: bool
    agreement_label: str = ""  # plain: the agreement's Swedish name and version


def citing_rules(clause: Clause) -> list[CitingRule]:
    return [
        CitingRule(
            id=rule.id,
            agreement_version=f"{version.agreement} (version {version.version})",
            agreement_label=f"{agreement_name(version.agreement)}, version {version.version}",
            summary=rule.summary,
            condition=rule.when.describe(),
            decides=tuple(
                (DIMENSIONS[dim], value_label(dim, value)) for dim, value in rule.decides.items()
            ),
            actions=tuple(ACTIONS[a] for a in rule.actions),
            overrides=rule.overrides,
            fallback=rule.fallback,
        )
        for version, rule in _citations().get(clause.id, ())
    ]


# --- Search -------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class SearchResult:
    clause: Clause
    url: str
    snippet: SafeString  # escaped text with the matching words in <mark>


def search_clauses(query: str, agreement: str | None = None) -> list[SearchResult]:
    """The engine's Swedish search (stems + BM25), with the query's words marked."""
    if agreement is not None:
        versions_of(agreement)  # raises UnknownAgreement
    wanted = set(stems(query))
    return [
        SearchResult(hit.clause, clause_url(hit.clause.id), highlight(hit.snippet, wanted))
        for hit in search(query, limit=SEARCH_LIMIT, agreement=agreement)
    ]


def highlight(text: str, wanted_stems: set[str]) -> SafeString:
    parts: list[str] = []
    position = 0
    for word in _WORD.finditer(text):
        if set(stems(word.group())) & wanted_stems:
            parts.append(escape(text[position : word.start()]))
            parts.append(format_html("<mark>{}</mark>", word.group()))
            position = word.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


__all__ = [
    "AgreementRow",
    "CitingRule",
    "SearchResult",
    "UnknownAgreement",
    "UnknownClause",
    "agreement_name",
    "agreement_title",
    "clause_label",
    "agreements_on",
    "citing_rules",
    "fact_value_label",
    "literate",
    "classification",
    "clause_slug",
    "clause_url",
    "clauses_of",
    "find_clause",
    "highlight",
    "neighbours",
    "search_clauses",
    "versions_of",
]


# --- The agreement as one literate page -----------------------------------------------------


@dataclass(frozen=True)
class LiterateRule:
    id: str  # technical, behind "Visa teknisk information"
    summary: str
    condition: str  # Swedish, from Cond.describe()
    decides: tuple[tuple[str, str], ...]
    actions: tuple[str, ...]
    refines: tuple[str, ...]  # Swedish: what the rule is an exception to
    label: str | None  # technical: the label the rule carries (h1's Rule.label)
    refines_label: str | None  # technical: the label it refines (h1's Rule.refines)
    overrides: tuple[str, ...]  # technical: the rule ids it overrides
    fallback: bool
    agreement_version: str


@dataclass(frozen=True)
class LiterateParameter:
    name: str  # technical
    label: str
    unit: str
    values: tuple[tuple[dt.date, str], ...]
    verified: bool
    source: str | None


@dataclass(frozen=True)
class LiterateScenario:
    name: str
    description: str
    on: dt.date
    baseline: str  # Swedish: what the scenario starts from ("" = nothing)
    facts: tuple[tuple[str, str], ...]  # (fact label, value label)
    unknown: tuple[str, ...]  # fact labels
    expected: tuple[tuple[str, str], ...]  # (dimension label, value label)
    actions: tuple[str, ...] | None  # action labels; None = not checked
    missing: tuple[str, ...] | None  # fact labels; None = not checked
    holds: bool  # the engine answers as the scenario says
    failures: tuple[str, ...]  # technical
    file: str  # technical
    index: int


@dataclass(frozen=True)
class LiterateClause:
    clause: Clause
    heading: str  # the clause's heading unless it is the clause's name
    url: str
    anchor: str  # the clause's slug, the page's fragment id
    classification: CoverageRow
    rules: tuple[LiterateRule, ...]
    parameters: tuple[LiterateParameter, ...]
    scenarios: tuple[LiterateScenario, ...]


#: The literate page's sections per agreement, with what they were computed from: the
#: scenarios (the loaded tuple itself) and the adopted revisions of the agreement.
_literate_cache: dict[str, tuple[object, tuple[object, ...], list[LiterateClause]]] = {}


def _revisions_key(agreement_id: str) -> tuple[object, ...]:
    """The adopted revisions of the agreement as a value: a new adoption (a new version
    for a party) or a revision of the agreement gives a new key."""
    return tuple(
        (r.kind, r.key, repr(r.changes), tuple(sorted(r.in_force.items())), r.until)
        for r in current_revisions()
        if r.agreement == agreement_id
    )


def forget_literate(*_: object, **__: object) -> None:
    """Drop the cached literate pages (tests, a reload of the scenario files)."""
    _literate_cache.clear()


def literate(agreement_id: str) -> list[LiterateClause]:
    """The agreement clause by clause in document order: its words, the rules implementing
    it, the parameters it defines and the scenarios that test it (each run against the
    engine). Kept per agreement version: computed again when the scenarios loaded or the
    agreement's adopted revisions change (running the scenarios is most of the time)."""
    versions_of(agreement_id)  # raises UnknownAgreement
    loaded, revisions = all_scenarios(), _revisions_key(agreement_id)
    cached = _literate_cache.get(agreement_id)
    if cached is not None and cached[0] is loaded and cached[1] == revisions:
        return cached[2]
    sections = _literate(agreement_id)
    _literate_cache[agreement_id] = (loaded, revisions, sections)
    return sections


def _clause_heading(clause: Clause) -> str:
    """The clause's heading, or nothing when it only repeats the clause's name (the
    preamble "Revidering 2020" is both)."""
    heading = (clause.heading or "").strip()
    name = clause.id.split(" ", 1)[-1]  # "jh-hemsjukvard Revidering 2020" -> its own name
    return "" if heading.casefold() == name.casefold() else heading


def _literate(agreement_id: str) -> list[LiterateClause]:
    rows = _coverage()
    tested = scenarios_by_clause()
    params = _parameters_by_clause()
    by_label = _rules_by_label()
    out = []
    for clause in clauses_of_agreement(agreement_id):
        out.append(
            LiterateClause(
                clause=clause,
                heading=_clause_heading(clause),
                url=clause_url(clause.id),
                anchor=clause_slug(clause.id),
                classification=rows[clause.id],
                rules=tuple(
                    _literate_rule(version, rule, by_label)
                    for version, rule in _citations().get(clause.id, ())
                ),
                parameters=params.get(clause.id, ()),
                scenarios=tuple(_literate_scenario(s) for s in tested.get(clause.id, ())),
            )
        )
    return out


def clauses_of_agreement(agreement_id: str) -> list[Clause]:
    return [c for c in clauses().values() if c.agreement == agreement_id]


@cache
def _rules_by_id() -> dict[str, Rule]:
    return {rule.id: rule for version in ALL_VERSIONS for rule in version.rules}


@cache
def _rules_by_label() -> dict[str, tuple[Rule, ...]]:
    out: dict[str, tuple[Rule, ...]] = {}
    for rule in _rules_by_id().values():
        label = getattr(rule, "label", None)
        if label:
            out[label] = (*out.get(label, ()), rule)
    return out


def _gloss(rule: Rule) -> str:
    """A rule in Swedish for a reader: its summary, else what it decides."""
    if rule.summary:
        return rule.summary
    decided = [f"{DIMENSIONS[d]}: {value_label(d, v)}" for d, v in rule.decides.items()]
    return "; ".join(decided + [ACTIONS[a] for a in rule.actions])


def _literate_rule(
    version: AgreementVersion, rule: Rule, by_label: dict[str, tuple[Rule, ...]]
) -> LiterateRule:
    refines_label = getattr(rule, "refines", None) or None
    if isinstance(refines_label, tuple | list):  # several labels
        refined = [r for label in refines_label for r in by_label.get(label, ())]
        refines_label = ", ".join(refines_label)
    elif refines_label:
        refined = list(by_label.get(refines_label, ()))
    else:
        refined = [_rules_by_id()[i] for i in rule.overrides if i in _rules_by_id()]
    return LiterateRule(
        id=rule.id,
        summary=rule.summary,
        condition=rule.when.describe(),
        decides=tuple(
            (DIMENSIONS[dim], value_label(dim, value)) for dim, value in rule.decides.items()
        ),
        actions=tuple(ACTIONS[a] for a in rule.actions),
        refines=tuple(dict.fromkeys(_gloss(r) for r in refined)),
        label=getattr(rule, "label", None) or None,
        refines_label=refines_label,
        overrides=rule.overrides,
        fallback=rule.fallback,
        agreement_version=f"{version.agreement} (version {version.version})",
    )


def _parameters_by_clause() -> dict[str, tuple[LiterateParameter, ...]]:
    """The agreement's named parameters by the clause they come from (none until the rules
    have a parameter loader)."""
    import samverkan.rules as rules_door

    if not hasattr(rules_door, "parameters"):
        return {}
    out: dict[str, tuple[LiterateParameter, ...]] = {}
    for p in rules_door.parameters():
        try:
            clause_id = get(p.clause).id
        except UnknownClause:
            continue  # a law, not a clause of the agreements
        shown = LiterateParameter(
            name=p.name,
            label=p.label,
            unit=p.unit,
            values=tuple((day, _parameter_value(value)) for day, value in p.values),
            verified=bool(p.verified),
            source=p.source or None,
        )
        out[clause_id] = (*out.get(clause_id, ()), shown)
    return out


def _parameter_value(value: object) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value)
    return str(value)


def fact_value_label(name: str, value: object) -> str:
    """A fact's value as the guide shows it (Swedish labels, "Ja"/"Nej", "80 år")."""
    spec = FACTS[name]
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, list | tuple):
        return ", ".join(spec.label_of(str(v)) for v in value) or "Inget av dessa"
    if name == "age":
        return f"{value} år"
    if name == "municipality":
        return municipality_name(str(value)) or str(value)
    if name == "region":
        return REGIONS[str(value)].name if str(value) in REGIONS else str(value)
    return spec.label_of(str(value))


def _literate_scenario(s: Scenario) -> LiterateScenario:
    failures = check_scenario(s)
    baselines = _baseline_labels()
    return LiterateScenario(
        name=s.name,
        description=s.description,
        on=s.on,
        baseline=baselines.get(s.baseline or "", ""),
        facts=tuple((FACTS[k].label, fact_value_label(k, v)) for k, v in s.given.items()),
        unknown=tuple(FACTS[k].label for k in s.unknown),
        expected=tuple((DIMENSIONS[d], value_label(d, v)) for d, v in s.expected.items()),
        actions=None if s.actions is None else tuple(ACTIONS[a] for a in s.actions),
        missing=None if s.missing is None else tuple(FACTS[f].label for f in s.missing),
        holds=not failures,
        failures=tuple(failures),
        file=s.file,
        index=s.index,
    )


def _baseline_labels() -> dict[str, str]:
    return scenario_baseline_labels()
